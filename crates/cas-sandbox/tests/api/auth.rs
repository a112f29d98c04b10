use crate::common::*;
use serde_json::json;

const LOOKUP: &str = "/AdminInterface/restapi/v1/users/lookup";

fn lookup_with(sb: &Sandbox, token: Option<&str>) -> Resp {
    let body = json!({"email": "user.one@mycompany.com"}).to_string();
    sb.request("POST", LOOKUP, token, Some((body.as_bytes(), Some("application/json"))))
}

#[test]
fn missing_or_garbage_credentials_get_the_gateway_403() {
    let sb = shared_fixture();
    assert_forbidden(&lookup_with(sb, None), LOOKUP, REFUSED);
    for t in ["", "garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"] {
        assert_forbidden(&lookup_with(sb, Some(t)), LOOKUP, REFUSED);
    }
    // Not a bearer scheme.
    let body = json!({"email": "user.one@mycompany.com"}).to_string();
    let (status, text) = sb.raw(&format!(
        "POST {LOOKUP} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        sb.superadmin(),
        body.len()
    ));
    assert_eq!(status, 403, "{text}");
    // The path in the body is the request's.
    let r = sb.api("PUT", "/v1/users/abc/userStatus", "x", Some(json!({"userStatus": "Enabled"})));
    assert_forbidden(&r, "/AdminInterface/restapi/v1/users/abc/userStatus", REFUSED);
}

#[test]
fn jwt_header_must_be_jwt_rs256() {
    let sb = shared_fixture();
    let k = sb.key("superadmin.key");
    let claims = json!({"sub": k.access_id, "aud": k.url, "iat": now(), "exp": now() + 600});
    assert_eq!(lookup_with(sb, Some(&k.jwt_with(&json!({"typ": "JWT", "alg": "RS256"}), &claims))).status, 200);
    for header in [json!({"alg": "RS256"}), json!({"typ": "JWT", "alg": "RS512"}), json!({"typ": "JWT", "alg": "none"}), json!({"typ": "JWS", "alg": "RS256"})] {
        assert_forbidden(&lookup_with(sb, Some(&k.jwt_with(&header, &claims))), LOOKUP, REFUSED);
    }
}

#[test]
fn signature_subject_and_lifetime_are_checked() {
    let sb = shared_fixture();
    let sa = sb.key("superadmin.key");
    let hd = sb.key("helpdesk.key");
    let t = now();
    // Signed by the help desk key but claiming the super admin's access ID.
    let forged = hd.jwt_claims(json!({"sub": sa.access_id, "aud": sa.url, "iat": t, "exp": t + 600}));
    assert_forbidden(&lookup_with(sb, Some(&forged)), LOOKUP, REFUSED);
    let unknown = sa.jwt_claims(json!({"sub": "00000000-0000-4000-8000-000000000000", "aud": sa.url, "iat": t, "exp": t + 600}));
    assert_forbidden(&lookup_with(sb, Some(&unknown)), LOOKUP, REFUSED);
    // Tampered payload.
    let good = sa.jwt();
    let mut parts: Vec<&str> = good.split('.').collect();
    let other = b64u(json!({"sub": sa.access_id, "aud": sa.url, "iat": t, "exp": t + 3500}).to_string().as_bytes());
    parts[1] = &other;
    assert_forbidden(&lookup_with(sb, Some(&parts.join("."))), LOOKUP, REFUSED);
    // Lifetime above 60 minutes, missing claims, future iat.
    for claims in [
        json!({"sub": sa.access_id, "aud": sa.url, "iat": t, "exp": t + 3601}),
        json!({"sub": sa.access_id, "aud": sa.url, "exp": t + 600}),
        json!({"sub": sa.access_id, "aud": sa.url, "iat": t}),
        json!({"sub": sa.access_id, "aud": sa.url, "iat": "now", "exp": t + 600}),
        json!({"sub": sa.access_id, "iat": t, "exp": t + 600}),
        json!({"sub": sa.access_id, "aud": sa.url, "iat": t + 600, "exp": t + 1200}),
    ] {
        assert_forbidden(&lookup_with(sb, Some(&sa.jwt_claims(claims.clone()))), LOOKUP, REFUSED);
    }
    // Exactly 60 minutes is fine.
    assert_eq!(lookup_with(sb, Some(&sa.jwt_claims(json!({"sub": sa.access_id, "aud": sa.url, "iat": t, "exp": t + 3600})))).status, 200);
}

#[test]
fn expired_tokens_say_so_and_skew_is_tolerated() {
    let sb = shared_fixture();
    let k = sb.key("helpdesk.key");
    let t = now();
    let expired = k.jwt_claims(json!({"sub": k.access_id, "aud": k.url, "iat": t - 3000, "exp": t - 120}));
    assert_forbidden(&lookup_with(sb, Some(&expired)), LOOKUP, EXPIRED);
    let in_skew = k.jwt_claims(json!({"sub": k.access_id, "aud": k.url, "iat": t - 3000, "exp": t - 20}));
    assert_eq!(lookup_with(sb, Some(&in_skew)).status, 200);
    let early = k.jwt_claims(json!({"sub": k.access_id, "aud": k.url, "iat": t + 30, "exp": t + 600}));
    assert_eq!(lookup_with(sb, Some(&early)).status, 200);
}

#[test]
fn audience_and_time_claim_variants_are_accepted() {
    let sb = shared_fixture();
    let k = sb.key("superadmin.key");
    let t = now() as f64 + 0.25;
    let base = k.url.clone();
    assert!(base.ends_with("/AdminInterface/restapi"));
    let origin = base.trim_end_matches("/AdminInterface/restapi").to_string();
    for aud in [
        base.clone(),
        format!("{base}/"),
        format!("{base}/v1"),
        format!("{base}/v1/"),
        origin.clone(),
        format!("{origin}/"),
        format!("{origin}/api/AdminInterface/restapi"),
        base.replace("http://", "HTTPS://"),
    ] {
        let token = k.jwt_claims(json!({"sub": k.access_id, "aud": aud, "iat": t, "exp": t + 1800.5}));
        assert_eq!(lookup_with(sb, Some(&token)).status, 200, "aud {aud}");
    }
    // Integer claims too, and an array audience.
    let token = k.jwt_claims(json!({"sub": k.access_id, "aud": [base.clone()], "iat": now(), "exp": now() + 60}));
    assert_eq!(lookup_with(sb, Some(&token)).status, 200);
    // Another host is not this tenant (issue 10: the audience claim is checked).
    for aud in [
        "https://example.com/other",
        "example.access.securid.com",
        "",
        "https://x/AdminInterface/restapi/v2",
        "https://example.access.securid.com/AdminInterface/restapi",
        "HTTPS://Example.Access.SecurID.com/AdminInterface/restapi/v1",
        "https://example.access-eu.securid.com",
        "http://localhost:8080/api/AdminInterface/restapi",
    ] {
        let token = k.jwt_claims(json!({"sub": k.access_id, "aud": aud, "iat": now(), "exp": now() + 60}));
        assert_forbidden(&lookup_with(sb, Some(&token)), LOOKUP, REFUSED);
    }
}

#[test]
fn a_token_is_reusable_until_it_expires() {
    let sb = shared_fixture();
    let t = sb.superadmin();
    for _ in 0..5 {
        assert_eq!(lookup_with(sb, Some(&t)).status, 200);
    }
}

#[test]
fn legacy_keys_cannot_update_local_users() {
    let sb = shared_fixture();
    for t in [sb.superadmin(), sb.helpdesk()] {
        let r = sb.api("PUT", "/v1/users/update", &t, Some(json!({"id": "x"})));
        assert_forbidden(&r, "/AdminInterface/restapi/v1/users/update", REFUSED);
    }
}

#[test]
fn no_cors_no_401_and_a_body_limit() {
    let sb = shared_fixture();
    let t = sb.superadmin();
    let r = lookup_with(sb, Some(&t));
    assert!(r.headers.iter().all(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-")), "{:?}", r.headers);
    let (status, text) = sb.raw(&format!(
        "OPTIONS {LOOKUP} HTTP/1.1\r\nHost: x\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n"
    ));
    assert_ne!(status, 401);
    assert_ne!(status, 200);
    assert!(!text.to_ascii_lowercase().contains("access-control-"), "{text}");
    // 1 MiB + 1 byte of JSON: 413 with the app error body.
    let big = format!("{{\"email\":\"{}\"}}", "a".repeat(1024 * 1024));
    let r = sb.request("POST", LOOKUP, Some(&t), Some((big.as_bytes(), Some("application/json"))));
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["code"], "413 PAYLOAD_TOO_LARGE");
    // Just under the limit is read (and is a 404: no such user).
    let fits = format!("{{\"email\":\"{}\"}}", "a".repeat(1024 * 1024 - 40));
    assert_eq!(sb.request("POST", LOOKUP, Some(&t), Some((fits.as_bytes(), Some("application/json")))).status, 404);
    // Unknown paths and methods.
    assert_eq!(sb.request("GET", "/AdminInterface/restapi/v1/users/nothing", Some(&t), None).status, 404);
    assert_eq!(sb.request("GET", LOOKUP, Some(&t), None).status, 405);
    assert_eq!(sb.request("GET", "/", None, None).status, 404);
}

#[test]
fn deeply_nested_or_odd_json_never_crashes() {
    let sb = shared_fixture();
    let t = sb.superadmin();
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    for body in [deep.as_str(), "null", "\"\\ud800\"", "{\"email\":\"\\u0000\"}", "1e999999"] {
        for path in [LOOKUP, "/AdminInterface/restapi/v1/users/search", "/AdminInterface/restapi/v1/users/highrisk", "/AdminInterface/restapi/v1/users/x/userStatus"] {
            let method = if path.ends_with("lookup") || path.ends_with("search") { "POST" } else { "PUT" };
            let r = sb.request(method, path, Some(&t), Some((body.as_bytes(), Some("application/json"))));
            assert!(matches!(r.status, 400 | 404 | 415), "{path} {body:.20}: {}", r.status);
        }
    }
    assert_eq!(sb.request("GET", "/_sandbox/health", None, None).body, "ok");
}
