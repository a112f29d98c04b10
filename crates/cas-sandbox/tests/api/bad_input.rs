//! Bad input on the sandbox side (issue 10, "Tried on purpose"): each request ends in a
//! documented status and body, and nothing panics.

use crate::common::*;
use serde_json::{json, Value};

const LOOKUP: &str = "/AdminInterface/restapi/v1/users/lookup";
const ONE: &str = "f85b6e95-f41f-45b4-bc84-559fead6460c";

fn assert_app_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let v = r.json();
    assert_eq!(v["code"], code, "{}", r.body);
    assert!(v["description"].is_string() && v.as_object().unwrap().len() == 2, "{}", r.body);
}

fn assert_no_panic(sb: &Sandbox) {
    std::thread::sleep(std::time::Duration::from_millis(100));
    let err = sb.stderr.lock().unwrap().clone();
    assert!(!err.contains("panicked"), "{err}");
}

/// The JSON endpoints with a body: (method, path, status for a body that is not JSON).
fn json_endpoints() -> Vec<(&'static str, String, u16)> {
    vec![
        ("POST", LOOKUP.to_string(), 415),
        ("POST", format!("{API}/v1/users/search"), 415),
        ("POST", format!("{API}/v2/users/search"), 415),
        ("PUT", format!("{API}/v1/users/{ONE}/userStatus"), 415),
        ("PUT", format!("{API}/v1/users/highrisk"), 415),
        // The update page documents no 415.
        ("PUT", format!("{API}/v1/users/update"), 400),
    ]
}

#[test]
fn bodies_that_are_not_json_or_of_the_wrong_shape() {
    let sb = Sandbox::with_fixture(&[]);
    let legacy = sb.superadmin();
    let oauth = sb.oauth("rsa.user.read rsa.user.manage rsa.user.risky.manage rsa.group.users.manage");
    let not_json: Vec<&[u8]> = vec![
        b"{",
        b"{\"email\": }",
        b"{\"email\": \"a\",}",
        b"[1, 2",
        b"{'email': 'a'}",
        b"{} {}",
        b"nul",
        b"\"unterminated",
        b"\xff\xfe{}",
        b"{\"email\": \"\xc3\x28\"}",
        b"{\"email\": \"\xed\xa0\x80\"}",
        b"\x00",
    ];
    for (method, path, status) in json_endpoints() {
        let token = if path.ends_with("update") { &oauth } else { &legacy };
        for body in &not_json {
            let r = sb.request(method, &path, Some(token), Some((body, Some("application/json"))));
            let code = if status == 415 { "415 UNSUPPORTED_MEDIA_TYPE" } else { "400 BAD_REQUEST" };
            assert_app_error(&r, status, code);
        }
        // JSON of the wrong shape: 400 (the status API's body checks come before the id).
        for body in [json!(null), json!(1), json!("x"), json!([]), json!([{"email": "a"}]), json!(true)] {
            let r = sb.request(method, &path, Some(token), Some((body.to_string().as_bytes(), Some("application/json"))));
            assert_app_error(&r, 400, "400 BAD_REQUEST");
        }
    }
    // Wrong types inside the right shape.
    let cases: Vec<(&str, String, Value)> = vec![
        ("POST", LOOKUP.into(), json!({"email": ["user.one@mycompany.com"]})),
        ("POST", LOOKUP.into(), json!({"email": {"$ne": ""}})),
        ("POST", LOOKUP.into(), json!({"email": "user.one@mycompany.com", "searchUnsynched": 1})),
        ("POST", format!("{API}/v1/users/search"), json!({"emailLike": 1.5})),
        ("POST", format!("{API}/v2/users/search"), json!({"emailLike": null})),
        ("PUT", format!("{API}/v1/users/{ONE}/userStatus"), json!({"userStatus": true})),
        ("PUT", format!("{API}/v1/users/{ONE}/userStatus"), json!({"userStatus": ["Enabled"]})),
        ("PUT", format!("{API}/v1/users/highrisk"), json!({"action": ["add"], "users": ["a"]})),
        ("PUT", format!("{API}/v1/users/highrisk"), json!({"action": "add", "users": {"a": 1}})),
        ("PUT", format!("{API}/v1/users/highrisk"), json!({"action": "add", "users": [null]})),
    ];
    for (method, path, body) in cases {
        let r = sb.request(method, &path, Some(&legacy), Some((body.to_string().as_bytes(), Some("application/json"))));
        assert_app_error(&r, 400, "400 BAD_REQUEST");
    }
    for body in [json!({"id": 5}), json!({"id": "x", "smsPhoneNumbers": "1234567"}), json!({"id": "x", "groupMemberships": [1]}), json!({"id": "x", "firstName": {}})] {
        let r = sb.api("PUT", "/v1/users/update", &oauth, Some(body.clone()));
        assert_app_error(&r, 400, "400 BAD_REQUEST");
    }
    // Nothing was changed by any of it.
    assert_eq!(sb.lookup(&legacy, "user.one@mycompany.com").json()["userStatus"], "Enabled");
    assert_no_panic(&sb);
}

#[test]
fn oversized_and_chunked_bodies() {
    let sb = Sandbox::with_fixture(&[]);
    let t = sb.superadmin();
    let body = r#"{"email":"user.one@mycompany.com"}"#;
    // Chunked, small: read whole.
    let chunks = format!("{:x}\r\n{}\r\n{:x}\r\n{}\r\n0\r\n\r\n", 10, &body[..10], body.len() - 10, &body[10..]);
    let (status, text) = sb.raw(&format!(
        "POST {LOOKUP} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunks}"
    ));
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"emailAddress\":\"user.one@mycompany.com\""));
    // Chunked, over 1 MiB: 413 before authentication (no token at all here).
    let piece = "a".repeat(64 * 1024);
    let mut big = String::new();
    for _ in 0..17 {
        big.push_str(&format!("{:x}\r\n{piece}\r\n", piece.len()));
    }
    big.push_str("0\r\n\r\n");
    let (status, text) = sb.raw(&format!("POST {LOOKUP} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{big}"));
    assert_eq!(status, 413, "{}", &text[..text.len().min(300)]);
    assert!(text.contains("413 PAYLOAD_TOO_LARGE"));
    // A declared length far beyond the limit is refused without reading it.
    let (status, text) = sb.raw(&format!("POST {LOOKUP} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n{{}}"));
    assert_eq!(status, 413, "{text}");
    // Over the limit on every endpoint with a body, authenticated or not.
    let over = vec![b' '; 1024 * 1024 + 1];
    for (method, path, _) in json_endpoints() {
        for token in [None, Some(t.as_str())] {
            let r = sb.request(method, &path, token, Some((&over, Some("application/json"))));
            assert_app_error(&r, 413, "413 PAYLOAD_TOO_LARGE");
        }
    }
    // An empty body where one is required.
    let r = sb.request("POST", LOOKUP, Some(&t), Some((b"", Some("application/json"))));
    assert_app_error(&r, 400, "400 BAD_REQUEST");
    let r = sb.request("POST", LOOKUP, Some(&t), Some((b"  \r\n\t ", Some("application/json"))));
    assert_app_error(&r, 400, "400 BAD_REQUEST");
    assert_no_panic(&sb);
}

#[test]
fn odd_path_segments() {
    let sb = Sandbox::with_fixture(&[]);
    let t = sb.superadmin();
    let status_body = json!({"userStatus": "Disabled"});
    let put = |id: &str| sb.request("PUT", &format!("{API}/v1/users/{id}/userStatus"), Some(&t), Some((status_body.to_string().as_bytes(), Some("application/json"))));
    // Ids that name no user: the API's own 404, the id as sent (decoded) in the description.
    for (raw, shown) in [
        ("a%2Fb", "a/b"),
        ("..", ".."),
        ("%2e%2e", ".."),
        (".", "."),
        ("%2F", "/"),
        ("%00", "\u{0}"),
        ("%E2%82%AC", "€"),
        ("f85b6e95-f41f-45b4-bc84-559fead6460C", "f85b6e95-f41f-45b4-bc84-559fead6460C"),
        ("f85b6e95-f41f-45b4-bc84-559fead6460c%20", "f85b6e95-f41f-45b4-bc84-559fead6460c "),
    ] {
        let r = put(raw);
        assert_eq!(r.status, 404, "{raw}: {}", r.body);
        assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": format!("User {shown} not found")}), "{raw}");
    }
    // Not UTF-8 once decoded, blank: "User not found".
    for raw in ["%ff", "%C3%28", "%20", "%09"] {
        let r = put(raw);
        assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User not found"}), "{raw}");
    }
    // A very long id.
    let long = "x".repeat(8000);
    let r = put(&long);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["code"], "404 NOT_FOUND");
    // Paths the router does not know: the gateway's 404 (empty and dot segments are not
    // normalised away, as the gateway's are not documented to be).
    for path in [
        format!("{API}//v1/users/lookup"),
        format!("{API}/v1//users/lookup"),
        format!("{API}/v1/./users/lookup"),
        format!("{API}/v1/users/../users/lookup"),
        format!("{API}/v1/users/lookup%2F"),
        format!("{API}/v1/users%2Flookup"),
        format!("{API}/v1/users/{ONE}/userStatus/extra"),
        format!("{API}/V1/users/lookup"),
    ] {
        let r = sb.request("POST", &path, Some(&t), Some((b"{}", Some("application/json"))));
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert_eq!(r.json()["error"], "Not Found", "{path}");
        assert_eq!(r.json()["path"], path.as_str());
    }
    // The user named by the real id was never touched.
    assert_eq!(sb.lookup(&t, "user.one@mycompany.com").json()["userStatus"], "Enabled");
    assert_no_panic(&sb);
}

#[test]
fn every_refused_token_shape() {
    let sb = Sandbox::with_fixture(&[]);
    let k = sb.key("superadmin.key");
    let hd = sb.key("helpdesk.key");
    let t = now();
    let good_claims = json!({"sub": k.access_id, "aud": k.url, "iat": t, "exp": t + 600});
    let header = json!({"typ": "JWT", "alg": "RS256"});
    let body = br#"{"email":"user.one@mycompany.com"}"#;
    let send_header = |value: Option<&str>| {
        let mut req = format!("POST {LOOKUP} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
        if let Some(v) = value {
            req.push_str(&format!("Authorization: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(std::str::from_utf8(body).unwrap());
        sb.raw(&req)
    };
    let good = k.jwt();
    let parts: Vec<&str> = good.split('.').collect();
    let enc = |v: &Value| b64u(v.to_string().as_bytes());
    let hs256 = {
        // An HS256 token "signed" with something public: alg confusion must not work.
        let input = format!("{}.{}", enc(&json!({"typ": "JWT", "alg": "HS256"})), enc(&good_claims));
        format!("{input}.{}", b64u(b"not-a-real-hmac"))
    };
    let none = format!("{}.{}.", enc(&json!({"typ": "JWT", "alg": "none"})), enc(&good_claims));
    let shapes: Vec<(String, Option<String>)> = vec![
        ("missing".into(), None),
        ("empty".into(), Some(String::new())),
        ("scheme only".into(), Some("Bearer".into())),
        ("scheme and space".into(), Some("Bearer ".into())),
        ("Basic scheme".into(), Some(format!("Basic {good}"))),
        ("Token scheme".into(), Some(format!("Token {good}"))),
        ("no scheme".into(), Some(good.clone())),
        ("two parts".into(), Some(format!("Bearer {}.{}", parts[0], parts[1]))),
        ("four parts".into(), Some(format!("Bearer {good}.x"))),
        ("bad base64".into(), Some("Bearer !!!.###.$$$".into())),
        ("bad JSON header".into(), Some(format!("Bearer {}.{}.{}", b64u(b"{\"alg\":"), parts[1], parts[2]))),
        ("bad JSON claims".into(), Some(format!("Bearer {}.{}.{}", parts[0], b64u(b"[1,"), parts[2]))),
        ("alg none".into(), Some(format!("Bearer {none}"))),
        ("alg HS256".into(), Some(format!("Bearer {hs256}"))),
        ("alg RS512".into(), Some(format!("Bearer {}", k.jwt_with(&json!({"typ": "JWT", "alg": "RS512"}), &good_claims)))),
        ("typ missing".into(), Some(format!("Bearer {}", k.jwt_with(&json!({"alg": "RS256"}), &good_claims)))),
        ("typ jwt".into(), Some(format!("Bearer {}", k.jwt_with(&json!({"typ": "jwt", "alg": "RS256"}), &good_claims)))),
        ("typ JWS".into(), Some(format!("Bearer {}", k.jwt_with(&json!({"typ": "JWS", "alg": "RS256"}), &good_claims)))),
        ("future iat".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": k.access_id, "aud": k.url, "iat": t + 300, "exp": t + 900}))))),
        ("lifetime over an hour".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": k.access_id, "aud": k.url, "iat": t, "exp": t + 3601}))))),
        ("exp before iat".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": k.access_id, "aud": k.url, "iat": t, "exp": t - 1}))))),
        ("string exp".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": k.access_id, "aud": k.url, "iat": t, "exp": "later"}))))),
        ("unknown sub".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": "nobody", "aud": k.url, "iat": t, "exp": t + 600}))))),
        ("sub of the other key".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": hd.access_id, "aud": k.url, "iat": t, "exp": t + 600}))))),
        ("no aud".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": k.access_id, "iat": t, "exp": t + 600}))))),
        ("wrong aud".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": k.access_id, "aud": "https://evil.example/AdminInterface/restapi", "iat": t, "exp": t + 600}))))),
        ("aud a number".into(), Some(format!("Bearer {}", k.jwt_with(&header, &json!({"sub": k.access_id, "aud": 1, "iat": t, "exp": t + 600}))))),
        ("bad signature".into(), Some(format!("Bearer {}.{}.{}", parts[0], parts[1], b64u(&[7u8; 256])))),
        ("empty signature".into(), Some(format!("Bearer {}.{}.", parts[0], parts[1]))),
        ("other key's signature".into(), Some(format!("Bearer {}", hd.jwt_with(&header, &good_claims)))),
        ("client assertion".into(), Some(format!("Bearer {}", sb.client("oauth-client.json").assertion("http://x/oauth/token")))),
        ("unknown opaque token".into(), Some("Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into())),
        ("too long".into(), Some(format!("Bearer {}", "a".repeat(20_000)))),
    ];
    for (what, value) in &shapes {
        let (status, text) = send_header(value.as_deref());
        assert_eq!(status, 403, "{what}: {text}");
        let json_start = text.find("\r\n\r\n").map(|i| i + 4).unwrap();
        let v: Value = serde_json::from_str(&text[json_start..]).unwrap_or_else(|e| panic!("{what}: {e}: {text}"));
        assert_eq!(v["message"], REFUSED, "{what}");
        assert_eq!(v["path"], LOOKUP, "{what}");
    }
    // Expired: its own message.
    let expired = k.jwt_with(&header, &json!({"sub": k.access_id, "aud": k.url, "iat": t - 3000, "exp": t - 100}));
    let (status, text) = send_header(Some(&format!("Bearer {expired}")));
    assert_eq!(status, 403);
    assert!(text.contains(EXPIRED), "{text}");
    // And the good token works, in any case of the scheme.
    for scheme in ["Bearer", "bearer", "BEARER"] {
        assert_eq!(send_header(Some(&format!("{scheme} {good}"))).0, 200, "{scheme}");
    }
    assert_no_panic(&sb);
}
