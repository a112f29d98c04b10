use crate::common::*;
use serde_json::{json, Value};

const LOCAL1: &str = "0a1b2c3d-0000-4000-8000-000000000013";

fn valid() -> Value {
    json!({
        "id": LOCAL1,
        "firstName": "Joe",
        "lastName": "Schmoe",
        "userName": "jschmoe",
        "email": "jschmoe@rsavia.com",
        "defaultSmsPhone": "1234567890",
        "defaultVoicePhone": "+1 (234) 567-8901",
        "managerEmail": "testManager@rsavia.com",
        "identitySource": "Local Identity Source",
        "password": null,
        "passwordCreationOption": "NONE",
        "passwordSendMethod": "NONE",
        "initialPasswordEmail": "",
        "alternateUsernames": ["joe.s", "jschmoe2"],
        "groupMemberships": ["helpdesk", "Finance"],
        "smsPhoneNumbers": ["1234567891", "1234567892"],
        "voicePhoneNumbers": ["1234567891", "1234567892"]
    })
}

fn update(sb: &Sandbox, token: &str, body: &Value) -> Value {
    let r = sb.api("PUT", "/v1/users/update", token, Some(body.clone()));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

const KEYS: [&str; 24] = [
    "cloud_directory_enabled", "user_id", "email", "first_name_valid", "last_name_valid", "username_valid", "email_valid",
    "email_failure_reason", "sms_phone_valid", "voice_phone_valid", "manager_email_valid", "manager_email_failure_reason",
    "identity_source_valid", "password_valid", "initial_password_email_valid", "password_send_method_valid",
    "alternate_username_valid", "virtualgroups_valid", "sms_phone_list_valid", "voice_phone_list_valid", "save_succeeded",
    "save_failure_reason", "duplicate_username", "validation_errors",
];

#[test]
fn a_valid_update_is_saved_and_answered_like_the_example() {
    let sb = Sandbox::with_fixture(&[]);
    let token = sb.oauth("rsa.group.users.manage rsa.user.read");
    let v = update(&sb, &token, &valid());
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    let mut want = KEYS.to_vec();
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(
        v,
        json!({
            "cloud_directory_enabled": true,
            "user_id": LOCAL1,
            "email": "jschmoe@rsavia.com",
            "first_name_valid": true,
            "last_name_valid": true,
            "username_valid": true,
            "email_valid": true,
            "email_failure_reason": null,
            "sms_phone_valid": true,
            "voice_phone_valid": true,
            "manager_email_valid": true,
            "manager_email_failure_reason": null,
            "identity_source_valid": true,
            "password_valid": true,
            "initial_password_email_valid": false,
            "password_send_method_valid": true,
            "alternate_username_valid": [true, true],
            "virtualgroups_valid": [true, true],
            "sms_phone_list_valid": [true, true],
            "voice_phone_list_valid": [true, true],
            "save_succeeded": true,
            "save_failure_reason": null,
            "duplicate_username": false,
            "validation_errors": []
        })
    );
    let u = sb.lookup(&token, "jschmoe@rsavia.com").json();
    assert_eq!(u["id"], LOCAL1);
    assert_eq!(u["firstName"], "Joe");
    assert_eq!(u["lastName"], "Schmoe");
    assert_eq!(u["principalUsername"], "jschmoe");
    assert_eq!(u["alternateUsername"], "joe.s");
    assert_eq!(u["smsNumber"], "1234567890");
    assert_eq!(u["voiceNumber"], "+1 (234) 567-8901");
    assert_eq!(sb.lookup(&token, "local1@mycompany.com").status, 404);
    // The new username resolves for the high-risk API.
    let sa = sb.superadmin();
    assert_eq!(sb.api("PUT", "/v1/users/highrisk", &sa, Some(json!({"action": "add", "users": ["JSCHMOE"]}))).status, 200);
    assert_eq!(sb.lookup(&token, "jschmoe@rsavia.com").json()["highRiskUser"], true);
    // rsa.user.local.manage grants it too; a password entered by the admin is never stored.
    let alt = sb.oauth("rsa.user.local.manage");
    let mut body = valid();
    body["passwordCreationOption"] = json!("ENTERED_BY_ADMIN");
    body["password"] = json!("Sup3r-Secret-Pa55");
    body["passwordSendMethod"] = json!(null);
    assert_eq!(update(&sb, &alt, &body)["save_succeeded"], true);
    body["passwordCreationOption"] = json!("GENERATE_AND_SEND");
    body["password"] = json!(null);
    body["passwordSendMethod"] = json!("EMAIL");
    body["initialPasswordEmail"] = json!("joe@rsavia.com");
    let v = update(&sb, &alt, &body);
    assert_eq!(v["save_succeeded"], true, "{v}");
    assert_eq!(v["initial_password_email_valid"], true);
    let dir = sb.kill();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(17).any(|w| w == b"Sup3r-Secret-Pa55"), "password stored");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_fields_fail_validation_with_every_flag() {
    let sb = shared_fixture();
    let token = sb.oauth("rsa.group.users.manage");
    let v = update(sb, &token, &json!({"id": LOCAL1}));
    assert_eq!(v["save_succeeded"], false);
    assert!(v["save_failure_reason"].is_string());
    for k in ["first_name_valid", "username_valid", "email_valid", "identity_source_valid", "password_valid"] {
        assert_eq!(v[k], false, "{k}");
    }
    for k in ["last_name_valid", "sms_phone_valid", "voice_phone_valid", "manager_email_valid"] {
        assert_eq!(v[k], true, "{k}");
    }
    assert!(v["email_failure_reason"].is_string());
    let errors = v["validation_errors"].as_array().unwrap();
    assert!(errors.len() >= 5, "{v}");
    assert!(errors.iter().all(Value::is_string));
    for k in KEYS {
        assert!(v.get(k).is_some(), "{k}");
    }
    // Nothing changed.
    assert_eq!(sb.lookup(&token, "local1@mycompany.com").status, 403);
    let read = sb.oauth("rsa.user.read");
    assert_eq!(sb.lookup(&read, "local1@mycompany.com").json()["firstName"], "Lou");
}

fn failing(sb: &Sandbox, token: &str, f: impl Fn(&mut Value)) -> Value {
    let mut body = valid();
    f(&mut body);
    let v = update(sb, token, &body);
    assert_eq!(v["save_succeeded"], false, "{v}");
    assert!(!v["validation_errors"].as_array().unwrap().is_empty() || v["save_failure_reason"].is_string());
    v
}

#[test]
fn each_rule_is_reported() {
    let sb = shared_fixture();
    let t = sb.oauth("rsa.group.users.manage");
    let v = failing(sb, &t, |b| {
        b["passwordCreationOption"] = json!("GENERATE_AND_SEND");
        b["passwordSendMethod"] = json!(null);
    });
    assert_eq!(v["password_send_method_valid"], false);
    let v = failing(sb, &t, |b| {
        b["passwordCreationOption"] = json!("GENERATE_AND_SEND");
        b["passwordSendMethod"] = json!("NONE");
    });
    assert_eq!(v["password_send_method_valid"], false);
    let v = failing(sb, &t, |b| {
        b["passwordCreationOption"] = json!("ENTERED_BY_ADMIN");
        b["password"] = json!("short");
    });
    assert_eq!(v["password_valid"], false);
    let v = failing(sb, &t, |b| b["passwordCreationOption"] = json!("SOMETIMES"));
    assert_eq!(v["password_valid"], false);
    let v = failing(sb, &t, |b| b["userName"] = json!("LOCAL2"));
    assert_eq!(v["duplicate_username"], true);
    assert_eq!(v["username_valid"], false);
    let v = failing(sb, &t, |b| b["groupMemberships"] = json!(["helpdesk", "no-such-group"]));
    assert_eq!(v["virtualgroups_valid"], json!([true, false]));
    let v = failing(sb, &t, |b| b["email"] = json!("not an email"));
    assert_eq!(v["email_valid"], false);
    assert!(v["email_failure_reason"].is_string());
    let v = failing(sb, &t, |b| b["email"] = json!("LOCAL2@mycompany.com"));
    assert_eq!(v["email_valid"], false);
    let v = failing(sb, &t, |b| b["managerEmail"] = json!("boss@"));
    assert_eq!(v["manager_email_valid"], false);
    assert!(v["manager_email_failure_reason"].is_string());
    let v = failing(sb, &t, |b| b["defaultSmsPhone"] = json!("call me"));
    assert_eq!(v["sms_phone_valid"], false);
    let v = failing(sb, &t, |b| b["voicePhoneNumbers"] = json!(["12345", "1234567890"]));
    assert_eq!(v["voice_phone_list_valid"], json!([false, true]));
    let v = failing(sb, &t, |b| b["identitySource"] = json!("My Company AD"));
    assert_eq!(v["identity_source_valid"], false);
    let v = failing(sb, &t, |b| b["firstName"] = json!("  "));
    assert_eq!(v["first_name_valid"], false);
    // Not a local user: nothing saved, and the reason says why.
    let v = failing(sb, &t, |b| b["id"] = json!("f85b6e95-f41f-45b4-bc84-559fead6460c"));
    assert!(v["save_failure_reason"].as_str().unwrap().contains("local"), "{v}");
    // Unknown user.
    let v = failing(sb, &t, |b| b["id"] = json!("no-such-id"));
    assert!(v["save_failure_reason"].as_str().unwrap().contains("not found"), "{v}");
    let read = sb.oauth("rsa.user.read");
    assert_eq!(sb.lookup(&read, "local1@mycompany.com").json()["firstName"], "Lou");
    assert_eq!(sb.lookup(&read, "user.one@mycompany.com").json()["firstName"], "User");
}

#[test]
fn malformed_bodies_and_scopes() {
    let sb = shared_fixture();
    let t = sb.oauth("rsa.group.users.manage");
    for (body, ct) in [(&b"{\"id\": "[..], "application/json"), (b"id=1", "application/x-www-form-urlencoded"), (b"", "application/json"), (b"[1]", "application/json"), (b"{\"id\": 5}", "application/json"), (b"{\"groupMemberships\": \"x\"}", "application/json")] {
        let r = sb.request("PUT", "/AdminInterface/restapi/v1/users/update", Some(&t), Some((body, Some(ct))));
        assert_eq!(r.status, 400, "{:?}", String::from_utf8_lossy(body));
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
    }
    let read = sb.oauth("rsa.user.read rsa.user.manage rsa.user.risky.manage");
    assert_forbidden(&sb.api("PUT", "/v1/users/update", &read, Some(valid())), "/AdminInterface/restapi/v1/users/update", REFUSED);
}

#[test]
fn lookups_of_local_users_carry_what_the_update_edits() {
    let sb = Sandbox::with_fixture(&[]);
    let token = sb.oauth("rsa.group.users.manage rsa.user.read");
    update(&sb, &token, &valid());
    let user = sb.lookup(&sb.superadmin(), "jschmoe@rsavia.com").json();
    // Groups come back in the tenant's own spelling.
    assert_eq!(user["groupMemberships"], json!(["helpdesk", "finance"]));
    assert_eq!(user["smsPhoneNumbers"], json!(["1234567891", "1234567892"]));
    assert_eq!(user["alternateUsernames"], json!(["joe.s", "jschmoe2"]));
    assert_eq!(user["managerEmail"], json!("testManager@rsavia.com"));
    // Users of other identity sources show none of these.
    let other = sb.lookup(&sb.superadmin(), "user.one@mycompany.com").json();
    assert!(other.get("groupMemberships").is_none(), "{other}");
}
