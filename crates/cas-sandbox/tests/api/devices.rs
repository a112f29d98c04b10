//! Authenticator Details v1/v2 and Delete User Device against api-notes-helpdesk §3, §4 and
//! §11.11-13.

use crate::common::*;
use serde_json::{json, Value};

const APP_FIELDS: [&str; 9] = ["browser", "capabilities", "deviceSerialNumber", "deviceType", "id", "name", "registeredDate", "updatedAt", "userId"];
const FIDO_FIELDS: [&str; 6] = ["id", "name", "registeredDate", "status", "updatedAt", "userId"];
const SID_FIELDS: [&str; 14] = [
    "assignedAt", "assignedBy", "expiryDate", "id", "name", "pinSet", "tokenSerialNumber", "tokenState", "tokenStatus",
    "tokenStatusChangedAt", "tokenStatusChangedBy", "tokenStatusReason", "updatedAt", "userId",
];

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn id_of(sb: &Sandbox, email: &str) -> String {
    sb.user(email)["id"].as_str().unwrap().to_string()
}

fn get(sb: &Sandbox, path: &str) -> Value {
    let r = sb.api("GET", path, &sb.helpdesk(), None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

#[test]
fn v1_and_v2_shapes_and_browser_defaults() {
    let sb = shared();
    let full = id_of(sb, "full.user@example.com");
    // v1: {"devices": [...]}, browsers included unless asked not to.
    let v1 = get(sb, &format!("/v1/users/{full}/devices"));
    assert_eq!(keys(&v1), ["devices"]);
    let types = |v: &Value| v["devices"].as_array().unwrap().iter().map(|d| d["deviceType"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(types(&v1).contains(&"BROWSER".to_string()));
    for d in v1["devices"].as_array().unwrap() {
        assert_eq!(keys(d), APP_FIELDS);
        assert_eq!(d["userId"], full.as_str());
    }
    let no_browsers = get(sb, &format!("/v1/users/{full}/devices?includeBrowsers=false"));
    assert!(!types(&no_browsers).contains(&"BROWSER".to_string()));
    assert_eq!(no_browsers["devices"].as_array().unwrap().len() + 1, v1["devices"].as_array().unwrap().len());
    // v2: all three lists, browsers excluded unless asked for (any case).
    let v2 = get(sb, &format!("/v2/users/{full}/devices"));
    assert_eq!(keys(&v2), ["devices", "fidoTokens", "sidTokens"]);
    assert!(!types(&v2).contains(&"BROWSER".to_string()));
    assert_eq!(v2["fidoTokens"].as_array().unwrap().len(), 2);
    for f in v2["fidoTokens"].as_array().unwrap() {
        assert_eq!(keys(f), FIDO_FIELDS);
        assert!(matches!(f["status"].as_str(), Some("Enabled" | "Disabled")));
    }
    let names: Vec<&str> = v2["sidTokens"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["SecurID 700", "RSA DS100"]);
    for t in v2["sidTokens"].as_array().unwrap() {
        assert_eq!(keys(t), SID_FIELDS);
        assert!(t["pinSet"].is_boolean());
    }
    for q in ["includeBrowsers=true", "includeBrowsers=True", "includeBrowsers=TRUE"] {
        assert!(types(&get(sb, &format!("/v2/users/{full}/devices?{q}"))).contains(&"BROWSER".to_string()), "{q}");
    }
    for q in ["includeBrowsers=False", "includeBrowsers=FALSE"] {
        assert!(!types(&get(sb, &format!("/v1/users/{full}/devices?{q}"))).contains(&"BROWSER".to_string()), "{q}");
    }
    // No authenticator at all: three empty lists.
    let none = id_of(sb, "no.authenticator@example.com");
    assert_eq!(get(sb, &format!("/v2/users/{none}/devices?includeBrowsers=true")), json!({"devices": [], "fidoTokens": [], "sidTokens": []}));
    assert_eq!(get(sb, &format!("/v1/users/{none}/devices")), json!({"devices": []}));
    // Bad query, unknown user.
    let t = sb.helpdesk();
    for q in ["includeBrowsers=yes", "includeBrowsers=1", "includeBrowsers=", "includeBrowsers=true&includeBrowsers=false"] {
        for v in ["v1", "v2"] {
            let r = sb.api("GET", &format!("/{v}/users/{full}/devices?{q}"), &t, None);
            assert_eq!(r.status, 400, "{v} {q}");
            assert_eq!(r.json()["code"], "400 BAD_REQUEST");
        }
    }
    for v in ["v1", "v2"] {
        let r = sb.api("GET", &format!("/{v}/users/nobody/devices"), &t, None);
        assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User nobody not found"}));
    }
}

#[test]
fn deleting_a_device_removes_it_from_both_versions() {
    let sb = Sandbox::start(&new_dir("devices"), &["--users", "0"]);
    let t = sb.superadmin();
    let full = sb.user("full.user@example.com")["id"].as_str().unwrap().to_string();
    let v2 = get(&sb, &format!("/v2/users/{full}/devices?includeBrowsers=true"));
    let app_id = v2["devices"][0]["id"].as_str().unwrap().to_string();
    let browser_id = v2["devices"].as_array().unwrap().iter().find(|d| d["deviceType"] == "BROWSER").unwrap()["id"].as_str().unwrap().to_string();
    let fido_id = v2["fidoTokens"][0]["id"].as_str().unwrap().to_string();
    let sid_id = v2["sidTokens"][0]["id"].as_str().unwrap().to_string();
    for id in [&app_id, &browser_id] {
        let r = sb.api("DELETE", &format!("/v1/users/{full}/devices/{id}"), &t, None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body, "", "200 with an empty body");
        // Gone from v1 and v2.
        for path in [format!("/v1/users/{full}/devices"), format!("/v2/users/{full}/devices?includeBrowsers=true")] {
            assert!(!get(&sb, &path)["devices"].as_array().unwrap().iter().any(|d| d["id"] == id.as_str()), "{path}");
        }
        // Again: not found.
        let r = sb.api("DELETE", &format!("/v1/users/{full}/devices/{id}"), &t, None);
        assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User and/or device is not found."}));
    }
    // FIDO credentials and hardware tokens are not this API's; another user's device neither.
    let other = sb.user("j.doe@example.com")["id"].as_str().unwrap().to_string();
    let others = get(&sb, &format!("/v1/users/{other}/devices"))["devices"][0]["id"].as_str().unwrap().to_string();
    for id in [&fido_id, &sid_id, &others, &"no-such-device".to_string()] {
        let r = sb.api("DELETE", &format!("/v1/users/{full}/devices/{id}"), &t, None);
        assert_eq!(r.status, 404, "{id}");
        assert_eq!(r.json()["description"], "User and/or device is not found.");
    }
    assert_eq!(get(&sb, &format!("/v2/users/{full}/devices"))["fidoTokens"].as_array().unwrap().len(), 2);
    let r = sb.api("DELETE", &format!("/v1/users/nobody/devices/{others}"), &t, None);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User nobody not found"}));
    // The other user's device is still there, and a deletion survives a restart.
    assert_eq!(get(&sb, &format!("/v1/users/{other}/devices"))["devices"][0]["id"], others.as_str());
    let dir = sb.kill();
    let sb = Sandbox::start(&dir, &[]);
    assert!(!get(&sb, &format!("/v2/users/{full}/devices?includeBrowsers=true"))["devices"].as_array().unwrap().iter().any(|d| d["id"] == app_id.as_str()));
}
