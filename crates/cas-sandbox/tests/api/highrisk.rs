use crate::common::*;
use serde_json::json;

fn change(sb: &Sandbox, t: &str, body: serde_json::Value) -> Resp {
    sb.api("PUT", "/v1/users/highrisk", t, Some(body))
}

#[test]
fn add_and_remove_by_every_identifier() {
    let sb = Sandbox::with_fixture(&[]);
    let t = sb.superadmin();
    assert_eq!(sb.api("GET", "/v1/users/highrisk", &t, None).json(), json!({"users": ["risky@mycompany.com"]}));
    assert_eq!(
        sb.api("GET", "/v2/users/highrisk", &t, None).json(),
        json!({"users": [{"email": "risky@mycompany.com", "primaryUsername": "risky", "alternateUsername": "risky.alt"}]})
    );
    // Email (any case), principal username (newest wins), alternate username (unique).
    let r = change(&sb, &t, json!({"action": "ADD", "users": ["User.One@MyCompany.com", "jsmith", "ALTA"]}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, "", "200 has no body");
    let r = change(&sb, &t, json!({"action": "add", "users": ["shared-alt"]}));
    assert_eq!(r.status, 409);
    assert_eq!(r.json(), json!({"code": "409 CONFLICT", "description": "Multiple users were found for the user identifier"}));
    let r = change(&sb, &t, json!({"action": "add", "users": ["new.alt"]}));
    assert_eq!(r.status, 200);
    assert_eq!(
        sb.api("GET", "/v2/users/highrisk", &t, None).json(),
        json!({"users": [
            {"email": "alt.a@mycompany.com", "primaryUsername": "alta", "alternateUsername": "shared-alt"},
            {"email": "p.new@mycompany.com", "primaryUsername": "JSmith", "alternateUsername": "new.alt"},
            {"email": "risky@mycompany.com", "primaryUsername": "risky", "alternateUsername": "risky.alt"},
            {"email": "user.one@mycompany.com", "primaryUsername": "", "alternateUsername": ""}
        ]})
    );
    assert_eq!(sb.lookup(&t, "user.one@mycompany.com").json()["highRiskUser"], true);
    assert_eq!(sb.lookup(&t, "p.old@mycompany.com").json()["highRiskUser"], false);
    // Adding again and removing someone not on the list: success.
    assert_eq!(change(&sb, &t, json!({"action": "add", "users": ["user.one@mycompany.com"]})).status, 200);
    assert_eq!(change(&sb, &t, json!({"action": "remove", "users": ["j.doe@mycompany.com"]})).status, 200);
    // Property names are case-insensitive too.
    let r = change(&sb, &t, json!({"Action": "Remove", "USERS": ["user.one@mycompany.com", "risky", "alta", "jsmith"]}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(sb.api("GET", "/v1/users/highrisk", &t, None).json(), json!({"users": []}));
    assert_eq!(sb.api("GET", "/v2/users/highrisk", &t, None).json(), json!({"users": []}));
}

#[test]
fn partial_failure_is_207_with_the_documented_body() {
    let sb = Sandbox::with_fixture(&[]);
    let t = sb.superadmin();
    let r = change(&sb, &t, json!({"action": "add", "users": ["Nobody@Company.com", "user.one@mycompany.com", "Shared-ALT"]}));
    assert_eq!(r.status, 207);
    assert_eq!(
        r.json(),
        json!({"users": [
            {"id": "Nobody@Company.com", "statusCode": 404, "error": "User not found"},
            {"id": "Shared-ALT", "statusCode": 409, "error": "Multiple users were found for the user identifier"}
        ]})
    );
    // The one that resolved was added.
    assert_eq!(sb.lookup(&t, "user.one@mycompany.com").json()["highRiskUser"], true);
    // All failing, several identifiers: 207 listing each.
    let r = change(&sb, &t, json!({"action": "remove", "users": ["a@b.c", "shared-alt"]}));
    assert_eq!(r.status, 207);
    assert_eq!(r.json()["users"].as_array().unwrap().len(), 2);
    // One identifier failing: its own status and an app error body.
    let r = change(&sb, &t, json!({"action": "add", "users": ["a@b.c"]}));
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User not found"}));
    // Unsynched users are not found.
    assert_eq!(change(&sb, &t, json!({"action": "add", "users": ["hidden@mycompany.com"]})).status, 404);
}

#[test]
fn bad_requests_are_400() {
    let sb = shared_fixture();
    let t = sb.superadmin();
    let many: Vec<String> = (0..101).map(|i| format!("u{i}@x.com")).collect();
    let cases = [
        (json!({"action": "add", "users": ["a@b.c"], "extra": 1}), "Invalid property"),
        (json!({"users": ["a@b.c"]}), "Invalid or missing action code."),
        (json!({"action": "delete", "users": ["a@b.c"]}), "Invalid or missing action code."),
        (json!({"action": 1, "users": ["a@b.c"]}), "Invalid or missing action code."),
        (json!({"action": "add", "users": []}), "Empty list of emails."),
        (json!({"action": "add"}), "Empty list of emails."),
        (json!({"action": "add", "users": many}), "Number of emails exceeds maximum allowed value of 100."),
        (json!({"action": "add", "users": [1, 2]}), "Invalid property"),
        (json!({"action": "add", "users": "a@b.c"}), "Invalid property"),
        (json!({"action": "add", "action ": "add", "users": ["a"]}), "Invalid property"),
    ];
    for (body, words) in cases {
        let r = change(sb, &t, body.clone());
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
        assert!(r.json()["description"].as_str().unwrap().contains(words), "{body}: {}", r.body);
    }
    // Exactly 100 is allowed (all unknown: a 207 listing them).
    let hundred: Vec<String> = (0..100).map(|i| format!("u{i}@x.com")).collect();
    let r = change(sb, &t, json!({"action": "add", "users": hundred}));
    assert_eq!(r.status, 207);
    assert_eq!(r.json()["users"].as_array().unwrap().len(), 100);
}

#[test]
fn high_risk_needs_a_super_admin_or_the_scopes() {
    let sb = shared_fixture();
    let hd = sb.helpdesk();
    let body = json!({"action": "add", "users": ["user.one@mycompany.com"]});
    assert_forbidden(&change(sb, &hd, body.clone()), "/AdminInterface/restapi/v1/users/highrisk", REFUSED);
    assert_forbidden(&sb.api("GET", "/v1/users/highrisk", &hd, None), "/AdminInterface/restapi/v1/users/highrisk", REFUSED);
    assert_forbidden(&sb.api("GET", "/v2/users/highrisk", &hd, None), "/AdminInterface/restapi/v2/users/highrisk", REFUSED);
    let read = sb.oauth("rsa.user.risky.read");
    assert_eq!(sb.api("GET", "/v2/users/highrisk", &read, None).status, 200);
    assert_forbidden(&change(sb, &read, body.clone()), "/AdminInterface/restapi/v1/users/highrisk", REFUSED);
    let manage = sb.oauth("rsa.user.risky.manage");
    assert_forbidden(&sb.api("GET", "/v1/users/highrisk", &manage, None), "/AdminInterface/restapi/v1/users/highrisk", REFUSED);
    // (A no-op: the user is asked to be removed while not on the list.)
    assert_eq!(change(sb, &manage, json!({"action": "remove", "users": ["j.doe1@mycompany.com"]})).status, 200);
}
