//! Holes found in review (issue 10, "Sandbox, faithfulness"): each test failed on the sandbox
//! before its fix (run them against an older build with CAS_SANDBOX_BIN to see it).

use crate::common::*;
use serde_json::{json, Value};

const LOOKUP: &str = "/AdminInterface/restapi/v1/users/lookup";

fn lookup_raw(sb: &Sandbox, token: &str, body: &str) -> Resp {
    sb.request("POST", LOOKUP, Some(token), Some((body.as_bytes(), Some("application/json"))))
}

/// Other spellings of a JWT that lenient base64url decoders read as the same bytes: padding
/// on any part, and a last character whose unused low bits differ.
fn respellings(token: &str) -> Vec<String> {
    let parts: Vec<&str> = token.split('.').collect();
    let mut out = Vec::new();
    for i in 0..3 {
        for pad in ["=", "==", "==="] {
            let mut p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
            p[i].push_str(pad);
            out.push(p.join("."));
        }
    }
    // 256 signature bytes: 342 characters, the last one carrying 2 bits and 4 unused ones.
    let sig = parts[2];
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = sig.as_bytes()[sig.len() - 1];
    let value = ALPHABET.iter().position(|c| *c == last).unwrap();
    for low in 1..16 {
        let other = ALPHABET[(value & !0x0f) | low] as char;
        out.push(format!("{}.{}.{}{other}", parts[0], parts[1], &sig[..sig.len() - 1]));
    }
    out
}

#[test]
fn a_revoked_token_stays_refused_however_it_is_spelled() {
    let sb = Sandbox::with_fixture(&[]);
    let legacy = sb.superadmin();
    let body = r#"{"email":"user.one@mycompany.com"}"#;
    assert_eq!(lookup_raw(&sb, &legacy, body).status, 200);
    assert_eq!(sb.request("POST", "/_sandbox/expire-tokens", None, None).status, 200);
    assert_forbidden(&lookup_raw(&sb, &legacy, body), LOOKUP, EXPIRED);
    for other in respellings(&legacy) {
        let r = lookup_raw(&sb, &other, body);
        assert_eq!(r.status, 403, "{other}: {}", r.body);
    }
    // Not revoked, a re-spelled token is not the same token either: refused, not accepted.
    let fresh = sb.superadmin();
    assert_eq!(lookup_raw(&sb, &fresh, body).status, 200);
    for other in respellings(&fresh) {
        assert_forbidden(&lookup_raw(&sb, &other, body), LOOKUP, REFUSED);
    }
    // OAuth tokens likewise.
    let oauth = sb.oauth("rsa.user.read");
    assert_eq!(lookup_raw(&sb, &oauth, body).status, 200);
    assert_eq!(sb.request("POST", "/_sandbox/expire-tokens", None, None).status, 200);
    for other in [oauth.clone(), format!("{oauth}="), format!("{oauth}=="), format!(" {oauth} ")] {
        assert_eq!(lookup_raw(&sb, &other, body).status, 403, "{other}");
    }
}

#[test]
fn a_legacy_audience_on_another_host_is_refused() {
    let sb = shared_fixture();
    let k = sb.key("superadmin.key");
    let t = now();
    for aud in [
        "https://example.access.securid.com/AdminInterface/restapi",
        "https://example.access-eu.securid.com",
        "http://localhost:8080/api/AdminInterface/restapi",
        "http://127.0.0.2/AdminInterface/restapi",
        "http://127.0.0.1.evil.example/AdminInterface/restapi",
        "http://evil.example/127.0.0.1/AdminInterface/restapi",
        "http://user@evil.example/AdminInterface/restapi",
    ] {
        let token = k.jwt_claims(json!({"sub": k.access_id, "aud": aud, "iat": t, "exp": t + 600}));
        assert_forbidden(&sb.lookup(&token, "user.one@mycompany.com"), LOOKUP, REFUSED);
    }
    // The tenant's host, whatever the port (a restart moves it) and the scheme.
    let other_port = format!("http://127.0.0.1:{}/AdminInterface/restapi", sb.port.wrapping_add(1));
    for aud in [k.url.clone(), other_port, k.url.replace("http://", "HTTPS://")] {
        let token = k.jwt_claims(json!({"sub": k.access_id, "aud": aud, "iat": t, "exp": t + 600}));
        assert_eq!(sb.lookup(&token, "user.one@mycompany.com").status, 200, "{aud}");
    }
}

/// The User Details page's fields, which every answer carries (`null` where unknown);
/// `smsNumber` and `voiceNumber` only when SMS or voice is enabled.
const DOCUMENTED: [&str; 21] = [
    "id", "emailAddress", "firstName", "lastName", "creationDate", "identitySource", "userStatus", "markDeleted",
    "highRiskUser", "markDeletedAt", "markDeletedBy", "isTokenLocked", "isSmsLocked", "isVoiceLocked", "lastSyncTime",
    "emergencyAccessStatus", "emergencyTokencodeId", "emergencyTokencodeExpiration", "emergencyTokencodeLastUse",
    "offlineEmergencyAccessStatus", "offlineEmergencyTokencodeExpiration",
];

#[test]
fn a_lookup_sends_every_documented_field_even_when_the_users_file_leaves_it_out() {
    let sb = shared_fixture();
    let r = sb.lookup(&sb.helpdesk(), "syncdisabled@mycompany.com");
    let v = r.json();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    let mut want = DOCUMENTED.to_vec();
    want.sort();
    assert_eq!(keys, want);
    for k in DOCUMENTED {
        if !["id", "emailAddress", "firstName", "identitySource", "userStatus"].contains(&k) {
            assert_eq!(v[k], Value::Null, "{k}");
        }
    }
    // In the documented order.
    assert!(r.body.starts_with(r#"{"id":"0a1b2c3d-0000-4000-8000-000000000006","emailAddress":"syncdisabled@mycompany.com","firstName":"Sid","lastName":null,"#), "{}", r.body);
}

#[test]
fn used_assertion_jtis_survive_a_restart() {
    let sb = Sandbox::with_fixture(&[]);
    let c = sb.client("oauth-client.json");
    let assertion = c.assertion(&format!("{}/token", c.issuer));
    let form = |a: &str| {
        vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_string()),
            ("client_assertion", a.to_string()),
        ]
    };
    let send = |sb: &Sandbox, a: &str| {
        let f = form(a);
        token_request(sb, &f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
    };
    assert_eq!(send(&sb, &assertion).status, 200);
    let dir = sb.kill();
    let sb = Sandbox::start(&dir, &["--users-file", fixture().to_str().unwrap()]);
    let r = send(&sb, &assertion);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["error"], "invalid_client");
    assert!(r.json()["error_description"].as_str().unwrap().contains("jti"), "{}", r.body);
}

#[test]
fn a_400_never_echoes_the_value_it_refused() {
    let sb = shared_fixture();
    let token = sb.oauth("rsa.group.users.manage");
    let base = json!({"id": "0a1b2c3d-0000-4000-8000-000000000013", "firstName": "Joe", "userName": "joe", "email": "joe@x.com",
        "identitySource": "Local Identity Source", "passwordCreationOption": "ENTERED_BY_ADMIN"});
    for (field, value, secret) in [
        ("password", json!(98765432), "98765432"),
        ("password", json!(["Tr0ub4dor&3"]), "Tr0ub4dor"),
        ("password", json!({"p": "c0rrect-h0rse"}), "c0rrect"),
        ("alternateUsernames", json!("hunter2-secret"), "hunter2"),
        ("firstName", json!(31337.5), "31337"),
        ("groupMemberships", json!([true, "s3cr3t-group", 7]), "s3cr3t"),
    ] {
        let mut body = base.clone();
        body[field] = value;
        let r = sb.api("PUT", "/v1/users/update", &token, Some(body));
        assert_eq!(r.status, 400, "{field}: {}", r.body);
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
        assert!(!r.body.contains(secret), "{field}: {}", r.body);
        assert!(r.json()["description"].as_str().unwrap().contains(field), "{}", r.body);
    }
}

#[test]
fn a_json_body_with_the_same_key_twice_is_refused() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    let r = lookup_raw(sb, &t, r#"{"email":"nobody@mycompany.com","email":"user.one@mycompany.com"}"#);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["code"], "400 BAD_REQUEST");
    let status = "/AdminInterface/restapi/v1/users/f85b6e95-f41f-45b4-bc84-559fead6460c/userStatus";
    let body = br#"{"userStatus":"Enabled","userStatus":"Disabled"}"#;
    let r = sb.request("PUT", status, Some(&t), Some((body, Some("application/json"))));
    assert_eq!(r.status, 400, "{}", r.body);
    // Nested objects too (the update API's extra fields are kept).
    let oauth = sb.oauth("rsa.group.users.manage");
    let body = br#"{"id":"0a1b2c3d-0000-4000-8000-000000000013","firstName":"A","firstName":"B","extra":{"a":1,"a":2}}"#;
    let r = sb.request("PUT", "/AdminInterface/restapi/v1/users/update", Some(&oauth), Some((body, Some("application/json"))));
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(sb.lookup(&t, "user.one@mycompany.com").json()["userStatus"], "Enabled");
}

#[cfg(unix)]
#[test]
fn key_files_and_the_database_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::with_fixture(&[]);
    // A write, so the WAL and its index exist.
    let t = sb.superadmin();
    assert_eq!(sb.api("PUT", "/v1/users/highrisk", &t, Some(json!({"action": "add", "users": ["j.doe@mycompany.com"]}))).status, 200);
    for f in ["sandbox.db", "sandbox.db-wal", "sandbox.db-shm", "superadmin.key", "helpdesk.key", "oauth-client.json", "oauth-client-limited.json", "oauth-client-ec.json"] {
        let mode = std::fs::metadata(sb.dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")).permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}: {mode:o}");
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&sb.dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}
