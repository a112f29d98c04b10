//! Who may call the help-desk APIs (api-notes-helpdesk §10.3, §11.1-3): a legacy key of either
//! role, or an OAuth token with the permission the table names.

use crate::common::*;
use serde_json::{json, Value};

/// Every permission oauth-client.json may ask for.
const ALL: [&str; 16] = [
    "rsa.user.read", "rsa.user.manage", "rsa.user.risky.manage", "rsa.user.risky.read", "rsa.group.users.manage",
    "rsa.audit.user", "rsa.authenticator.mobile.read", "rsa.authenticator.fido.read", "rsa.authenticator.sidtoken.read",
    "rsa.authenticator.ds100.read", "rsa.authenticator.mobile.delete", "rsa.user.factor.manage",
    "rsa.authenticator.emergency.manage", "rsa.user.sync", "rsa.user.delete.soft", "rsa.user.local.manage",
];

/// (method, path under the API, body, the permissions it needs). A user that does not exist,
/// so nothing changes: a permitted call ends in 404, a refused one in 403.
fn endpoints() -> Vec<(&'static str, &'static str, Option<Value>, Vec<&'static str>)> {
    vec![
        ("GET", "/v1/users/nobody/authlogs/", None, vec!["rsa.audit.user"]),
        ("GET", "/v1/users/nobody/devices", None, vec!["rsa.authenticator.mobile.read"]),
        (
            "GET",
            "/v2/users/nobody/devices",
            None,
            vec!["rsa.authenticator.mobile.read", "rsa.authenticator.fido.read", "rsa.authenticator.sidtoken.read", "rsa.authenticator.ds100.read"],
        ),
        ("DELETE", "/v1/users/nobody/devices/some-device", None, vec!["rsa.authenticator.mobile.delete"]),
        ("PATCH", "/v1/users/nobody/methods", Some(json!({"unlockMethods": ["SMS"]})), vec!["rsa.user.factor.manage"]),
        ("PUT", "/v1/users/nobody/emergencyTokencode", Some(json!({"expirationDays": "1"})), vec!["rsa.authenticator.emergency.manage"]),
        ("PUT", "/v2/users/nobody/emergencyTokencode", Some(json!({})), vec!["rsa.authenticator.emergency.manage"]),
        ("DELETE", "/v1/users/nobody/emergencyTokencode/some-code", None, vec!["rsa.authenticator.emergency.manage"]),
        ("DELETE", "/v1/users/nobody/emergencyTokencodes", None, vec!["rsa.authenticator.emergency.manage"]),
        ("POST", "/v1/users/nobody/sync", None, vec!["rsa.user.sync"]),
        ("PUT", "/v1/users/nobody/markDeleted", Some(json!({"markDeleted": true})), vec!["rsa.user.delete.soft"]),
    ]
}

#[test]
fn either_key_role_or_the_documented_permission() {
    let sb = Sandbox::with_fixture(&[]);
    let keys = [sb.superadmin(), sb.helpdesk()];
    for (method, path, body, needs) in endpoints() {
        let full = format!("{API}{path}");
        for t in &keys {
            let r = sb.api(method, path, t, body.clone());
            assert_eq!(r.status, 404, "{method} {path} with a key: {}", r.body);
        }
        let exact = sb.oauth(&needs.join(" "));
        assert_eq!(sb.api(method, path, &exact, body.clone()).status, 404, "{method} {path} with {needs:?}");
        // Everything but one needed permission (and what stands in for it): refused with the
        // gateway's 403.
        for missing in &needs {
            let alternative = if *missing == "rsa.user.sync" { "rsa.user.manage" } else { missing };
            let others: Vec<&str> = ALL.iter().copied().filter(|s| s != missing && *s != alternative).collect();
            let t = sb.oauth(&others.join(" "));
            assert_forbidden(&sb.api(method, path, &t, body.clone()), &full, REFUSED);
        }
        // The limited client may not even ask; its token (rsa.user.read) is refused.
        let limited = sb.client("oauth-client-limited.json");
        let r = limited.token(&sb, needs[0]);
        assert_eq!((r.status, r.json()["error"].clone()), (403, json!("invalid_scope")));
        let r = limited.token(&sb, "rsa.user.read");
        let t = r.json()["access_token"].as_str().unwrap().to_string();
        assert_forbidden(&sb.api(method, path, &t, body.clone()), &full, REFUSED);
    }
    // Sync is "Update, sync, enable, and disable users" under rsa.user.manage too.
    let manage = sb.oauth("rsa.user.manage");
    assert_eq!(sb.api("POST", "/v1/users/nobody/sync", &manage, None).status, 404);
    // The other device-delete permission name (pydplus) is not the documented one: the
    // sandbox's clients are not given it.
    let r = sb.client("oauth-client.json").token(&sb, "rsa.authenticator.device.delete");
    assert_eq!(r.json()["error"], "invalid_scope");
}

#[test]
fn the_full_client_may_ask_for_every_help_desk_permission() {
    let sb = shared();
    for file in ["oauth-client.json", "oauth-client-ec.json"] {
        let r = sb.client(file).token(sb, &ALL.join(" "));
        assert_eq!(r.status, 200, "{file}: {}", r.body);
        let v = r.json();
        let granted: Vec<&str> = v["scope"].as_str().unwrap().split(' ').collect();
        for s in ALL {
            assert!(granted.contains(&s), "{file}: {s}");
        }
    }
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(sb.dir.join("oauth-client.json")).unwrap()).unwrap();
    for s in ALL {
        assert!(raw["scopes"].as_array().unwrap().iter().any(|x| x == s), "{s}");
    }
}
