//! Synchronize User and Mark User Deleted against api-notes-helpdesk §7, §8 and §11.19-21.

use crate::common::*;
use serde_json::{json, Value};

fn id_of(sb: &Sandbox, email: &str) -> String {
    sb.user(email)["id"].as_str().unwrap().to_string()
}

fn recent(iso: &Value) -> bool {
    let t = time::OffsetDateTime::parse(iso.as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
    (t.unix_timestamp() - now() as i64).abs() <= 5
}

#[test]
fn sync_answers_the_user_with_last_sync_time_now_for_each_empty_body() {
    let sb = Sandbox::start(&new_dir("sync"), &["--users", "0"]);
    let t = sb.helpdesk();
    let id = id_of(&sb, "j.doe@example.com");
    let path = format!("{API}/v1/users/{id}/sync");
    // No body; Content-Length: 0; the JSON string "" (RSA's Java client).
    for body in [None, Some(&b""[..]), Some(&b"\"\""[..])] {
        let r = sb.request("POST", &path, Some(&t), body.map(|b| (b, Some("application/json"))));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert!(recent(&v["lastSyncTime"]), "{}", v["lastSyncTime"]);
        let mut lookup = sb.user("j.doe@example.com");
        assert_eq!(lookup["lastSyncTime"], v["lastSyncTime"]);
        lookup["lastSyncTime"] = v["lastSyncTime"].clone();
        assert_eq!(v, lookup, "the answer is User Details");
        assert_eq!(v["userStatus"], "Enabled");
    }
    let (status, text) = sb.raw(&format!("POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    assert_eq!(status, 200, "{text}");
    // Anything else as a body is refused; nothing was synchronized.
    for body in [&b"{}"[..], b"[]", b"\"x\"", b"null", b"sync"] {
        let r = sb.request("POST", &path, Some(&t), Some((body, Some("application/json"))));
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(body));
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
    }
    let r = sb.api("POST", "/v1/users/nobody/sync", &t, None);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User nobody not found"}));
    // pydplus's path without an id is not an alias: the gateway's 404.
    let r = sb.request("POST", &format!("{API}/v1/users/sync"), Some(&t), None);
    assert_eq!((r.status, r.json()["error"].clone()), (404, json!("Not Found")));
}

#[test]
fn sync_applies_what_the_directory_says_and_logs_it() {
    let sb = Sandbox::start(&new_dir("sync-dir"), &["--users", "0"]);
    let t = sb.superadmin();
    let sync = |email: &str| {
        let id = id_of(&sb, email);
        let r = sb.api("POST", &format!("/v1/users/{id}/sync"), &t, None);
        assert_eq!(r.status, 200, "{email}: {}", r.body);
        (id, r.json())
    };
    let newest = |id: &str| sb.authlogs(id, "")[0].clone();
    // Disabled in the directory: disabled here, event 401; gone from it: 402.
    for (email, code, text) in [
        ("directory.disabled@example.com", 401, "User disabled in directory server now disabled in the Cloud Authentication Service."),
        ("directory.removed@example.com", 402, "User not found in directory server now disabled in the Cloud Authentication Service."),
    ] {
        let (id, user) = sync(email);
        assert_eq!(user["userStatus"], "Disabled", "{email}");
        let e = newest(&id);
        assert_eq!((e["eventCode"].clone(), e["eventDescription"].clone(), e["eventLevel"].clone()), (json!(code), json!(text), json!("notice")));
        assert_eq!(e["eventLogDate"], user["lastSyncTime"]);
        // Disabled by a synchronization: an administrator cannot enable them (409).
        let r = sb.api("PUT", &format!("/v1/users/{id}/userStatus"), &t, Some(json!({"userStatus": "Enabled"})));
        assert_eq!(r.status, 409, "{email}");
        // Synchronizing again changes nothing more and logs nothing more.
        let n = sb.authlogs(&id, "").len();
        assert_eq!(sync(email).1["userStatus"], "Disabled");
        assert_eq!(sb.authlogs(&id, "").len(), n);
    }
    // Disabled by a sync, enabled in the directory since: enabled again, event 400.
    let (id, user) = sync("directory.reenabled@example.com");
    assert_eq!(user["userStatus"], "Enabled");
    assert_eq!(newest(&id)["eventCode"], 400);
    // Still disabled in the directory: stays disabled, nothing new.
    let (id, user) = sync("synced.disabled@example.com");
    assert_eq!(user["userStatus"], "Disabled");
    assert_ne!(newest(&id)["eventCode"], 401);
    // An administrator's disable and a pending deletion are not the directory's to undo.
    assert_eq!(sync("admin.disabled@example.com").1["userStatus"], "Disabled");
    assert_eq!(sync("pending.deletion@example.com").1["userStatus"], "Pending Deletion");
    // A user in the directory but not yet in CAS becomes synchronized.
    let r = sb.api("POST", "/v1/users/lookup", &t, Some(json!({"email": "unsynched.user@example.com", "searchUnsynched": true})));
    let unsynched = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(sb.lookup(&t, "unsynched.user@example.com").status, 404);
    let r = sb.api("POST", &format!("/v1/users/{unsynched}/sync"), &t, None);
    assert_eq!(r.status, 200);
    assert!(recent(&sb.user("unsynched.user@example.com")["lastSyncTime"]));
    // The logged events survive a restart.
    let dir = sb.kill();
    let sb = Sandbox::start(&dir, &[]);
    let removed = sb.user("directory.removed@example.com")["id"].as_str().unwrap().to_string();
    assert_eq!(sb.authlogs(&removed, "eventCode=402").len(), 1);
}

#[test]
fn mark_deleted_moves_a_disabled_user_to_pending_deletion_and_back() {
    let sb = Sandbox::start(&new_dir("mark"), &["--users", "0"]);
    let key = sb.key("helpdesk.key");
    let t = sb.helpdesk();
    let id = id_of(&sb, "mark.candidate@example.com");
    let path = format!("/v1/users/{id}/markDeleted");
    // The page's example sends the string "true".
    let r = sb.api("PUT", &path, &t, Some(json!({"markDeleted": "true"})));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v, sb.user("mark.candidate@example.com"), "the answer is the whole user");
    assert_eq!((v["id"].clone(), v["markDeleted"].clone(), v["userStatus"].clone()), (json!(id), json!(true), json!("Pending Deletion")));
    assert!(recent(&v["markDeletedAt"]));
    assert_eq!(v["markDeletedBy"], key.access_id.as_str(), "who marked it");
    // Pending: marking again and enabling are conflicts.
    let r = sb.api("PUT", &path, &t, Some(json!({"markDeleted": true})));
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["code"], "409 CONFLICT");
    assert!(r.json()["description"].as_str().unwrap().contains("already pending deletion"));
    assert_eq!(sb.api("PUT", &format!("/v1/users/{id}/userStatus"), &t, Some(json!({"userStatus": "Enabled"}))).status, 409);
    // Taken back: Disabled, the three fields reset; taking back again is a conflict.
    let v = sb.api("PUT", &path, &t, Some(json!({"markDeleted": false}))).json();
    assert_eq!(
        (v["userStatus"].clone(), v["markDeleted"].clone(), v["markDeletedAt"].clone(), v["markDeletedBy"].clone()),
        (json!("Disabled"), json!(false), Value::Null, Value::Null)
    );
    let r = sb.api("PUT", &path, &t, Some(json!({"markDeleted": "false"})));
    assert_eq!(r.status, 409);
    assert!(r.json()["description"].as_str().unwrap().contains("not pending deletion"));
    // An enabled user cannot be marked; an OAuth client is named as the marker.
    let enabled = id_of(&sb, "j.doe@example.com");
    let r = sb.api("PUT", &format!("/v1/users/{enabled}/markDeleted"), &t, Some(json!({"markDeleted": true})));
    assert_eq!(r.status, 409);
    assert!(r.json()["description"].as_str().unwrap().contains("enabled"));
    let oauth = sb.oauth("rsa.user.delete.soft rsa.user.read");
    let v = sb.api("PUT", &path, &oauth, Some(json!({"markDeleted": true}))).json();
    assert_eq!(v["markDeletedBy"], sb.client("oauth-client.json").client_id.as_str());
    // The fixed pending user can be taken back.
    let pending = id_of(&sb, "pending.deletion@example.com");
    assert_eq!(sb.api("PUT", &format!("/v1/users/{pending}/markDeleted"), &t, Some(json!({"markDeleted": false}))).json()["userStatus"], "Disabled");
}

#[test]
fn mark_deleted_refuses_bad_bodies_scim_users_and_unknown_ids() {
    let sb = shared();
    let t = sb.superadmin();
    let id = id_of(sb, "admin.disabled@example.com");
    let path = format!("/v1/users/{id}/markDeleted");
    for (body, words) in [
        (json!({}), "Wrong number of properties"),
        (json!({"markDeleted": true, "reason": "x"}), "Wrong number of properties"),
        (json!({"deleted": true}), "markDeleted not provided"),
        (json!({"markDeleted": null}), "markDeleted not provided"),
        (json!({"markDeleted": "yes"}), "true or false"),
        (json!({"markDeleted": "TRUE"}), "true or false"),
        (json!({"markDeleted": 1}), "true or false"),
        (json!([true]), "JSON object"),
    ] {
        let r = sb.api("PUT", &path, &t, Some(body.clone()));
        assert_eq!(r.status, 400, "{body}");
        assert!(r.json()["description"].as_str().unwrap().contains(words), "{body}: {}", r.body);
    }
    assert_eq!(sb.user("admin.disabled@example.com")["userStatus"], "Disabled");
    // SCIM-managed: 405 in the application error's form (Delete User Now's wording).
    let scim = id_of(sb, "scim.user@example.com");
    for v in [true, false] {
        let r = sb.api("PUT", &format!("/v1/users/{scim}/markDeleted"), &t, Some(json!({"markDeleted": v})));
        assert_eq!(r.status, 405);
        assert_eq!(
            r.json(),
            json!({"code": "405 METHOD_NOT_ALLOWED", "description": "The method you are using is not allowed for users in the SCIM Managed and Azure Active Directory (SCIM) identity sources."})
        );
    }
    let r = sb.api("PUT", "/v1/users/nobody/markDeleted", &t, Some(json!({"markDeleted": true})));
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User nobody not found"}));
}
