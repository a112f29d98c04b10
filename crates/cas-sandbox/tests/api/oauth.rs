use crate::common::*;
use serde_json::json;

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[test]
fn client_files_have_what_the_console_needs() {
    let sb = shared();
    let raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sb.dir.join("oauth-client.json")).unwrap()).unwrap();
    assert_eq!(raw["issuerUrl"], format!("{}/oauth", sb.origin));
    assert_eq!(raw["adminRestApiUrl"], format!("{}/AdminInterface/restapi", sb.origin));
    let jwk = &raw["jwk"];
    for k in ["kid", "kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"] {
        assert!(jwk[k].is_string(), "jwk lacks {k}");
    }
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["kty"], "RSA");
    // Client::read validated the CRT parameters against n, e, d.
    let c = sb.client("oauth-client.json");
    assert!(!c.client_id.is_empty());
    assert_eq!(c.jwk["kid"], c.kid.as_str());
    let ec = sb.client("oauth-client-ec.json");
    assert_eq!(ec.jwk["crv"], "P-256");
    assert_eq!(ec.jwk["alg"], "ES256");
}

#[test]
fn rs256_and_es256_clients_get_tokens_that_work() {
    let sb = shared();
    for file in ["oauth-client.json", "oauth-client-ec.json"] {
        let c = sb.client(file);
        let r = c.token(sb, "rsa.user.read rsa.user.manage");
        assert_eq!(r.status, 200, "{file}: {}", r.body);
        let v = r.json();
        assert_eq!(v["token_type"], "Bearer");
        assert_eq!(v["expires_in"], 3600);
        assert_eq!(v["scope"], "rsa.user.read rsa.user.manage");
        let token = v["access_token"].as_str().unwrap();
        let u = sb.lookup(token, "markup.user@example.com");
        assert_eq!(u.status, 200);
        // This token lacks rsa.user.risky.read.
        assert_forbidden(&sb.api("GET", "/v2/users/highrisk", token, None), "/AdminInterface/restapi/v2/users/highrisk", REFUSED);
    }
}

#[test]
fn no_scope_asked_means_every_allowed_scope() {
    let sb = shared();
    let c = sb.client("oauth-client.json");
    let assertion = c.assertion(&format!("{}/token", c.issuer));
    let r = token_request(sb, &[("grant_type", "client_credentials"), ("client_assertion_type", ASSERTION_TYPE), ("client_assertion", &assertion)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let scope = r.json()["scope"].as_str().unwrap().to_string();
    for s in ["rsa.user.read", "rsa.user.manage", "rsa.user.risky.manage", "rsa.user.risky.read", "rsa.group.users.manage"] {
        assert!(scope.split(' ').any(|x| x == s), "{scope}");
    }
}

#[test]
fn the_limited_client_only_gets_user_read() {
    let sb = shared();
    let c = sb.client("oauth-client-limited.json");
    let r = c.token(sb, "rsa.user.read rsa.user.manage");
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "invalid_scope");
    assert!(r.json()["error_description"].as_str().unwrap().contains("rsa.user.manage"));
    let r = c.token(sb, "rsa.user.read");
    assert_eq!(r.status, 200);
    let token = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(sb.api("POST", "/v1/users/search", &token, Some(json!({"emailLike": "j.doe"}))).status, 200);
    let r = sb.api("PUT", "/v1/users/abc/userStatus", &token, Some(json!({"userStatus": "Enabled"})));
    assert_forbidden(&r, "/AdminInterface/restapi/v1/users/abc/userStatus", REFUSED);
}

#[test]
fn bad_assertions_are_refused() {
    let sb = shared();
    let c = sb.client("oauth-client.json");
    let ec = sb.client("oauth-client-ec.json");
    let aud = format!("{}/token", c.issuer);
    let t = now();
    let claims = |jti: &str| json!({"iss": c.client_id, "sub": c.client_id, "aud": aud, "iat": t, "exp": t + 300, "jti": jti});
    let send = |assertion: &str| {
        token_request(sb, &[
            ("grant_type", "client_credentials"),
            ("client_id", &c.client_id),
            ("scope", "rsa.user.read"),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion),
        ])
    };
    let header = json!({"typ": "JWT", "alg": "RS256", "kid": c.kid});
    // Replay.
    let once = c.sign(&header, &claims("replayed-jti"));
    assert_eq!(send(&once).status, 200);
    let r = send(&once);
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "invalid_client");
    // Wrong kid, missing kid, another client's key, wrong alg for the key.
    assert_eq!(send(&c.sign(&json!({"typ": "JWT", "alg": "RS256", "kid": "nope"}), &claims("j1"))).status, 403);
    assert_eq!(send(&c.sign(&json!({"typ": "JWT", "alg": "RS256"}), &claims("j2"))).status, 403);
    assert_eq!(send(&ec.sign(&json!({"typ": "JWT", "alg": "ES256", "kid": c.kid}), &claims("j3"))).status, 403);
    // Claims: wrong iss/sub, aud, expired, too long, no jti.
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = claims(&format!("j-{}", rand_suffix()));
        f(&mut v);
        send(&c.sign(&header, &v)).status
    };
    assert_eq!(with(&|v| v["iss"] = json!("someone")), 403);
    assert_eq!(with(&|v| v["sub"] = json!("someone")), 403);
    assert_eq!(with(&|v| v["aud"] = json!("https://example.auth.securid.com/oauth")), 403);
    assert_eq!(with(&|v| v["exp"] = json!(t - 120)), 403);
    assert_eq!(with(&|v| v["exp"] = json!(t + 3600)), 403);
    assert_eq!(with(&|v| {
        v.as_object_mut().unwrap().remove("jti");
    }), 403);
    // Any URL ending in /oauth/token is a valid audience (the console goes through a proxy).
    assert_eq!(with(&|v| v["aud"] = json!("https://example.auth.securid.com/oauth/token")), 200);
    assert_eq!(with(&|v| v["aud"] = json!([aud.clone()])), 200);
    // Malformed requests: 400.
    let ok = c.sign(&header, &claims("j-ok-unused"));
    let r = token_request(sb, &[("grant_type", "password"), ("client_assertion_type", ASSERTION_TYPE), ("client_assertion", &ok)]);
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "unsupported_grant_type");
    let r = token_request(sb, &[("grant_type", "client_credentials"), ("client_assertion", &ok)]);
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_request");
    let r = token_request(sb, &[("grant_type", "client_credentials"), ("client_assertion_type", ASSERTION_TYPE)]);
    assert_eq!(r.status, 400);
    let r = token_request(sb, &[("grant_type", "client_credentials"), ("client_assertion_type", ASSERTION_TYPE), ("client_assertion", "not-a-jwt")]);
    assert_eq!(r.status, 403);
    let r = token_request(sb, &[("grant_type", "client_credentials"), ("client_id", "unknown"), ("client_assertion_type", ASSERTION_TYPE), ("client_assertion", &ok)]);
    assert_eq!(r.status, 403);
    assert!(r.json()["error_description"].is_string());
    assert_eq!(sb.request("GET", "/oauth/token", None, None).status, 405);
}

#[test]
fn oauth_tokens_are_not_legacy_jwts_and_vice_versa() {
    let sb = shared();
    let token = sb.oauth("rsa.user.read");
    assert_eq!(token.matches('.').count(), 0);
    // A client assertion is not an access token.
    let c = sb.client("oauth-client.json");
    let assertion = c.assertion(&format!("{}/token", c.issuer));
    assert_forbidden(&sb.lookup(&assertion, "markup.user@example.com"), "/AdminInterface/restapi/v1/users/lookup", REFUSED);
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}
