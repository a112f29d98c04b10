use crate::common::*;
use serde_json::json;

const ONE: &str = "f85b6e95-f41f-45b4-bc84-559fead6460c";

fn put(sb: &Sandbox, t: &str, id: &str, body: serde_json::Value) -> Resp {
    sb.api("PUT", &format!("/v1/users/{id}/userStatus"), t, Some(body))
}

#[test]
fn disable_and_enable() {
    let sb = Sandbox::with_fixture(&[]);
    let t = sb.helpdesk();
    let r = put(&sb, &t, ONE, json!({"userStatus": "Disabled"}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"id": ONE, "userStatus": "Disabled"}));
    assert_eq!(sb.lookup(&t, "user.one@mycompany.com").json()["userStatus"], "Disabled");
    // Again: still 200.
    assert_eq!(put(&sb, &t, ONE, json!({"userStatus": "Disabled"})).json(), json!({"id": ONE, "userStatus": "Disabled"}));
    let r = put(&sb, &sb.superadmin(), ONE, json!({"userStatus": "Enabled"}));
    assert_eq!(r.json(), json!({"id": ONE, "userStatus": "Enabled"}));
    let user = sb.lookup(&t, "user.one@mycompany.com").json();
    assert_eq!(user["userStatus"], "Enabled");
    assert_eq!(user["markDeleted"], false);
    // A user disabled by an admin can be enabled.
    let r = put(&sb, &t, "0a1b2c3d-0000-4000-8000-000000000007", json!({"userStatus": "Enabled"}));
    assert_eq!(r.status, 200);
    // OAuth with rsa.user.manage works; without it, 403.
    let tok = sb.oauth("rsa.user.manage");
    assert_eq!(put(&sb, &tok, ONE, json!({"userStatus": "Disabled"})).status, 200);
    let read_only = sb.oauth("rsa.user.read");
    let path = format!("{API}/v1/users/{ONE}/userStatus");
    assert_forbidden(&put(&sb, &read_only, ONE, json!({"userStatus": "Enabled"})), &path, REFUSED);
}

#[test]
fn conflicts_name_their_cause() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    let r = put(sb, &t, "0a1b2c3d-0000-4000-8000-000000000005", json!({"userStatus": "Enabled"}));
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["code"], "409 CONFLICT");
    assert!(r.json()["description"].as_str().unwrap().contains("pending deletion"), "{}", r.body);
    let r = put(sb, &t, "0a1b2c3d-0000-4000-8000-000000000006", json!({"userStatus": "Enabled"}));
    assert_eq!(r.status, 409);
    assert!(r.json()["description"].as_str().unwrap().contains("synchronization"), "{}", r.body);
    // Disabling the sync-disabled user again is fine.
    let r = put(sb, &t, "0a1b2c3d-0000-4000-8000-000000000006", json!({"userStatus": "Disabled"}));
    assert_eq!(r.json(), json!({"id": "0a1b2c3d-0000-4000-8000-000000000006", "userStatus": "Disabled"}));
    assert_eq!(sb.lookup(&t, "pending@mycompany.com").json()["userStatus"], "Pending Deletion");
}

#[test]
fn unknown_and_blank_ids_are_404() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    for id in ["does-not-exist", "%20", "", "0a1b2c3d-0000-4000-8000-000000000015"] {
        let r = put(sb, &t, id, json!({"userStatus": "Disabled"}));
        assert_eq!(r.status, 404, "{id:?}: {}", r.body);
        assert_eq!(r.json()["code"], "404 NOT_FOUND");
    }
}

#[test]
fn bad_bodies_are_400() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    let wrong = json!({"code": "400 BAD_REQUEST", "description": "Wrong number of properties in the request body."});
    assert_eq!(put(sb, &t, ONE, json!({})).json(), wrong);
    assert_eq!(put(sb, &t, ONE, json!({"userStatus": "Enabled", "reason": "x"})).json(), wrong);
    for body in [json!({"userStatus": "enabled"}), json!({"userStatus": "Pending Deletion"}), json!({"userStatus": 1}), json!({"userStatus": null}), json!({"status": "Enabled"}), json!(["Enabled"])] {
        let r = put(sb, &t, ONE, body.clone());
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
    }
    let r = sb.request("PUT", &format!("{API}/v1/users/{ONE}/userStatus"), Some(&t), None);
    assert_eq!(r.status, 400);
    let r = sb.request("PUT", &format!("{API}/v1/users/{ONE}/userStatus"), Some(&t), Some((b"Enabled", Some("text/plain"))));
    assert_eq!(r.status, 415);
    assert_eq!(sb.lookup(&t, "user.one@mycompany.com").json()["userStatus"], "Enabled");
}
