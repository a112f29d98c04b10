//! Emergency access codes against api-notes-helpdesk §6 and §11.15-18.

use crate::common::*;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// Seconds from now to an ISO timestamp of the API's form.
fn seconds_ahead(iso: &str) -> i64 {
    let t = time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339).unwrap();
    t.unix_timestamp() - now() as i64
}

#[test]
fn v2_issues_a_code_with_the_settings_used_and_user_details_show_it() {
    let sb = Sandbox::start(&new_dir("eac-v2"), &["--users", "0"]);
    let t = sb.helpdesk();
    let id = sb.user("j.doe@example.com")["id"].as_str().unwrap().to_string();
    let path = format!("/v2/users/{id}/emergencyTokencode");
    let r = sb.api("PUT", &path, &t, Some(json!({"oneTimeUse": false, "expiryUnit": "hours", "expiryValue": 4})));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    // The notes' example's shape: booleans as booleans, expiryValue as a string.
    assert_eq!(keys(&v), ["configurationsLocked", "configurationsUsed", "emergencyTokencode", "emergencyTokencodeId", "expirationDate", "offlineExpirationDate", "oneTimeUse"]);
    assert_eq!(v["configurationsUsed"], json!({"expiryValue": "4", "expiryUnit": "hours", "oneTimeUse": false}));
    assert_eq!((v["oneTimeUse"].clone(), v["configurationsLocked"].clone()), (json!(false), json!(false)));
    let code = v["emergencyTokencode"].as_str().unwrap();
    assert!(code.len() == 8 && code.chars().all(|c| c.is_ascii_digit()), "{code}");
    let ahead = seconds_ahead(v["expirationDate"].as_str().unwrap());
    assert!((4 * 3600 - 120..=4 * 3600 + 5).contains(&ahead), "{ahead}");
    assert_eq!(v["offlineExpirationDate"], v["expirationDate"]);
    let user = sb.user("j.doe@example.com");
    assert_eq!(user["emergencyAccessStatus"], "Enabled");
    assert_eq!(user["emergencyTokencodeId"], v["emergencyTokencodeId"]);
    assert_eq!(user["emergencyTokencodeExpiration"], v["expirationDate"]);
    assert_eq!(user["emergencyTokencodeLastUse"], Value::Null);
    assert_eq!(user["offlineEmergencyAccessStatus"], "Enabled");
    assert_eq!(user["offlineEmergencyTokencodeExpiration"], v["offlineExpirationDate"]);
    // The code itself is nowhere to be read again.
    assert!(!user.to_string().contains(code));
    // Each enable issues a new id; an empty body (or none) takes the tenant's settings.
    let again = sb.api("PUT", &path, &t, Some(json!({}))).json();
    assert_ne!(again["emergencyTokencodeId"], v["emergencyTokencodeId"]);
    assert_eq!(again["configurationsUsed"], json!({"expiryValue": "1", "expiryUnit": "days", "oneTimeUse": true}));
    let none = sb.request("PUT", &format!("{API}{path}"), Some(&t), None);
    assert_eq!(none.status, 200);
    assert_eq!(none.json()["oneTimeUse"], true);
    // One minute and seven days are the bounds.
    for (unit, value) in [("minutes", 1), ("minutes", 10_080), ("hours", 168), ("days", 7)] {
        let r = sb.api("PUT", &path, &t, Some(json!({"expiryUnit": unit, "expiryValue": value})));
        assert_eq!(r.status, 200, "{unit} {value}");
        assert_eq!(r.json()["configurationsUsed"]["expiryValue"], value.to_string());
    }
    // A locked tenant setting overrides the request and says so.
    let config = sb.control("/_sandbox/emergency-config", json!({"locked": true, "oneTimeUse": false, "expiryUnit": "minutes", "expiryValue": 30}));
    assert_eq!(config, json!({"locked": true, "oneTimeUse": false, "expiryUnit": "minutes", "expiryValue": 30}));
    let r = sb.api("PUT", &path, &t, Some(json!({"oneTimeUse": true, "expiryUnit": "days", "expiryValue": 7}))).json();
    assert_eq!(r["configurationsLocked"], true);
    assert_eq!(r["configurationsUsed"], json!({"expiryValue": "30", "expiryUnit": "minutes", "oneTimeUse": false}));
    assert!(seconds_ahead(r["expirationDate"].as_str().unwrap()) <= 30 * 60);
    assert_eq!(sb.request("GET", "/_sandbox/emergency-config", None, None).json()["locked"], true);
    for bad in [json!({"expiryValue": 0}), json!({"expiryUnit": "weeks"}), json!({"other": 1}), json!({"locked": "yes"})] {
        let r = sb.request("POST", "/_sandbox/emergency-config", None, Some((bad.to_string().as_bytes(), Some("application/json"))));
        assert_eq!(r.status, 400, "{bad}");
    }
}

#[test]
fn v2_refuses_what_the_page_does_not_allow() {
    let sb = shared();
    let t = sb.superadmin();
    let id = sb.user("a.j.doe@example.com")["id"].as_str().unwrap().to_string();
    let path = format!("/v2/users/{id}/emergencyTokencode");
    for body in [
        json!({"expiryUnit": "hours"}),
        json!({"expiryValue": 4}),
        json!({"expiryUnit": "hours", "expiryValue": 0}),
        json!({"expiryUnit": "minutes", "expiryValue": 10_081}),
        json!({"expiryUnit": "hours", "expiryValue": 169}),
        json!({"expiryUnit": "days", "expiryValue": 8}),
        json!({"expiryUnit": "Days", "expiryValue": 1}),
        json!({"expiryUnit": "weeks", "expiryValue": 1}),
        json!({"expiryUnit": "days", "expiryValue": "1"}),
        json!({"expiryUnit": "days", "expiryValue": 1.5}),
        json!({"expiryUnit": "days", "expiryValue": -1}),
        json!({"oneTimeUse": "true"}),
        json!({"oneTimeUse": true, "reason": "x"}),
        json!([]),
    ] {
        let r = sb.api("PUT", &path, &t, Some(body.clone()));
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
    }
    assert_eq!(sb.user("a.j.doe@example.com")["emergencyAccessStatus"], "Disabled");
    let r = sb.api("PUT", "/v2/users/nobody/emergencyTokencode", &t, Some(json!({})));
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User nobody not found"}));
}

#[test]
fn v1_takes_expiration_days_as_a_string_or_a_number() {
    let sb = Sandbox::start(&new_dir("eac-v1"), &["--users", "0"]);
    let t = sb.helpdesk();
    let id = sb.user("j.doe2@example.com")["id"].as_str().unwrap().to_string();
    let path = format!("/v1/users/{id}/emergencyTokencode");
    for (days, body) in [(7, json!({"expirationDays": "7"})), (1, json!({"expirationDays": 1}))] {
        let r = sb.api("PUT", &path, &t, Some(body));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        // The page's four fields, as valid JSON.
        assert_eq!(keys(&v), ["emergencyTokencode", "emergencyTokencodeId", "expirationDate", "offlineExpirationDate"]);
        let ahead = seconds_ahead(v["expirationDate"].as_str().unwrap());
        assert!((days * 86_400 - 120..=days * 86_400 + 5).contains(&ahead), "{ahead}");
        assert_eq!(sb.user("j.doe2@example.com")["emergencyTokencodeId"], v["emergencyTokencodeId"]);
    }
    for body in [json!({}), json!({"expirationDays": "8"}), json!({"expirationDays": 0}), json!({"expirationDays": "seven"}), json!({"expirationDays": null}), json!({"expirationDays": 2, "oneTimeUse": true}), json!({"days": 2})] {
        let r = sb.api("PUT", &path, &t, Some(body.clone()));
        assert_eq!(r.status, 400, "{body}");
    }
    assert_eq!(sb.request("PUT", &format!("{API}{path}"), Some(&t), None).status, 400);
}

#[test]
fn disabling_removes_every_code_and_keeps_the_offline_one() {
    let sb = Sandbox::start(&new_dir("eac-off"), &["--users", "0"]);
    let t = sb.superadmin();
    let user = sb.user("full.user@example.com");
    let id = user["id"].as_str().unwrap().to_string();
    assert_eq!(user["emergencyAccessStatus"], "Enabled");
    // A stale id is fine: every code of the user goes.
    let r = sb.api("DELETE", &format!("/v1/users/{id}/emergencyTokencode/00000000-0000-4000-8000-000000000000"), &t, None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, "");
    let after = sb.user("full.user@example.com");
    assert_eq!(after["emergencyAccessStatus"], "Disabled");
    for k in ["emergencyTokencodeId", "emergencyTokencodeExpiration", "emergencyTokencodeLastUse"] {
        assert_eq!(after[k], Value::Null, "{k}");
    }
    assert_eq!(after["offlineEmergencyAccessStatus"], "Enabled");
    assert_eq!(after["offlineEmergencyTokencodeExpiration"], user["offlineEmergencyTokencodeExpiration"]);
    // Again, and through the old plural path: still 200.
    assert_eq!(sb.api("DELETE", &format!("/v1/users/{id}/emergencyTokencode/x"), &t, None).status, 200);
    let issued = sb.api("PUT", &format!("/v2/users/{id}/emergencyTokencode"), &t, Some(json!({}))).json();
    assert_eq!(sb.user("full.user@example.com")["emergencyTokencodeId"], issued["emergencyTokencodeId"]);
    assert_eq!(sb.api("DELETE", &format!("/v1/users/{id}/emergencyTokencodes"), &t, None).status, 200);
    assert_eq!(sb.user("full.user@example.com")["emergencyAccessStatus"], "Disabled");
    let r = sb.api("DELETE", "/v1/users/nobody/emergencyTokencode/x", &t, None);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User nobody not found"}));
}

#[test]
fn codes_expire_and_pending_users_are_purged_by_the_clock() {
    // A users file whose code ends, offline code ends and seven days end a few seconds after
    // the start.
    let soon = |secs: i64| {
        let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
        t.format(&time::format_description::well_known::Rfc3339).unwrap()
    };
    let dir = new_dir("clock");
    let file = dir.join("users.json");
    let users = json!([
        {"id": "c0de0000-0000-4000-8000-000000000001", "emailAddress": "code@x.com", "userStatus": "Enabled",
         "emergencyAccessStatus": "Enabled", "emergencyTokencodeId": "e1", "emergencyTokencodeExpiration": soon(2),
         "offlineEmergencyAccessStatus": "Enabled", "offlineEmergencyTokencodeExpiration": soon(4)},
        {"id": "c0de0000-0000-4000-8000-000000000002", "emailAddress": "gone@x.com", "userStatus": "Pending Deletion",
         "markDeleted": true, "markDeletedAt": soon(3 - 7 * 86_400), "markDeletedBy": "someone"},
        {"id": "c0de0000-0000-4000-8000-000000000003", "emailAddress": "old@x.com", "userStatus": "Pending Deletion",
         "markDeleted": true, "markDeletedAt": "2018-01-01T00:00:00.000Z", "emergencyAccessStatus": "Enabled",
         "emergencyTokencodeExpiration": "2019-01-01T00:00:00.000Z"}
    ]);
    std::fs::write(&file, users.to_string()).unwrap();
    let sb = Sandbox::start(&dir, &["--users-file", file.to_str().unwrap()]);
    let t = sb.superadmin();
    assert_eq!(sb.user("code@x.com")["emergencyAccessStatus"], "Enabled");
    assert_eq!(sb.lookup(&t, "gone@x.com").status, 200);
    std::thread::sleep(std::time::Duration::from_millis(5500));
    let code = sb.user("code@x.com");
    assert_eq!(code["emergencyAccessStatus"], "Disabled");
    assert_eq!(code["emergencyTokencodeId"], Value::Null);
    assert_eq!(code["offlineEmergencyAccessStatus"], "Disabled");
    assert_eq!(code["offlineEmergencyTokencodeExpiration"], Value::Null);
    assert_eq!(sb.lookup(&t, "gone@x.com").status, 404);
    assert_eq!(sb.api("GET", "/v1/users/c0de0000-0000-4000-8000-000000000002/authlogs/", &t, None).status, 404);
    // What the file says had already happened before the start is taken as it stands.
    let old = sb.user("old@x.com");
    assert_eq!((old["userStatus"].clone(), old["emergencyAccessStatus"].clone()), (json!("Pending Deletion"), json!("Enabled")));
}
