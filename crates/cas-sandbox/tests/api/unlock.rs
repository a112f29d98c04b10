//! Unlock User Tokencodes against api-notes-helpdesk §5 and §11.14.

use crate::common::*;
use serde_json::json;

#[test]
fn unlocks_the_methods_asked_and_answers_all_three() {
    let sb = Sandbox::start(&new_dir("unlock"), &["--users", "0"]);
    let t = sb.helpdesk();
    let user = sb.user("locked.user@example.com");
    let id = user["id"].as_str().unwrap().to_string();
    let before = sb.authlogs(&id, "").len();
    let r = sb.api("PATCH", &format!("/v1/users/{id}/methods"), &t, Some(json!({"unlockMethods": ["TOKEN", "SMS"]})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"isTokenLocked": false, "isSmsLocked": false, "isVoiceLocked": true}));
    // The lookup agrees; fingerprint and Approve are not this API's to unlock.
    let after = sb.user("locked.user@example.com");
    for (k, v) in [("isTokenLocked", false), ("isSmsLocked", false), ("isVoiceLocked", true), ("isFingerprintLocked", true), ("isApproveLocked", true)] {
        assert_eq!(after[k], v, "{k}");
    }
    // The page's example body, every method; asking again is fine.
    for _ in 0..2 {
        let r = sb.api("PATCH", &format!("/v1/users/{id}/methods"), &t, Some(json!({"unlockMethods": ["TOKEN", "VOICE", "SMS"]})));
        assert_eq!(r.json(), json!({"isTokenLocked": false, "isSmsLocked": false, "isVoiceLocked": false}));
    }
    // No user event for an administrator's unlock.
    assert_eq!(sb.authlogs(&id, "").len(), before);
    // Locked again through the control endpoint (event 2), then unlocked once more.
    let locked = sb.control("/_sandbox/lock", json!({"email": "locked.user@example.com", "methods": ["SMS"]}));
    assert_eq!(locked["isSmsLocked"], true);
    let newest = &sb.authlogs(&id, "")[0];
    assert_eq!((newest["eventCode"].clone(), newest["method"].clone()), (json!(2), json!("SMS Tokencode")));
    let r = sb.api("PATCH", &format!("/v1/users/{id}/methods"), &t, Some(json!({"unlockMethods": ["SMS"]})));
    assert_eq!(r.json()["isSmsLocked"], false);
}

#[test]
fn bad_bodies_and_unknown_users() {
    let sb = shared();
    let t = sb.superadmin();
    let id = sb.user("full.user@example.com")["id"].as_str().unwrap().to_string();
    let path = format!("/v1/users/{id}/methods");
    for (body, words) in [
        (json!({}), "Wrong number of properties"),
        (json!({"unlockMethods": ["SMS"], "reason": "ticket 1"}), "Wrong number of properties"),
        (json!({"methods": ["SMS"]}), "unlockMethods not provided"),
        (json!({"unlockMethods": null}), "unlockMethods not provided"),
        (json!({"unlockMethods": []}), "at least one"),
        (json!({"unlockMethods": "SMS"}), "at least one"),
        (json!({"unlockMethods": ["sms"]}), "only TOKEN, SMS and VOICE"),
        (json!({"unlockMethods": ["SMS", "FINGERPRINT"]}), "only TOKEN, SMS and VOICE"),
        (json!({"unlockMethods": [1]}), "only TOKEN, SMS and VOICE"),
        (json!(["SMS"]), "JSON object"),
    ] {
        let r = sb.api("PATCH", &path, &t, Some(body.clone()));
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
        assert!(r.json()["description"].as_str().unwrap().contains(words), "{body}: {}", r.body);
    }
    let r = sb.request("PATCH", &format!("{API}{path}"), Some(&t), None);
    assert_eq!(r.status, 400);
    // Nothing changed.
    assert_eq!(sb.user("full.user@example.com")["isSmsLocked"], true);
    let r = sb.api("PATCH", "/v1/users/nobody/methods", &t, Some(json!({"unlockMethods": ["SMS"]})));
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User nobody not found"}));
}
