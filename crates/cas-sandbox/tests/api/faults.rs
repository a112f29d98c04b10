use crate::common::*;
use serde_json::{json, Value};
use std::time::Instant;

#[test]
fn rate_limit_answers_429_with_retry_after_per_credential() {
    let sb = Sandbox::with_fixture(&["--rate-limit", "3"]);
    let sa = sb.superadmin();
    let statuses: Vec<u16> = (0..10).map(|_| sb.lookup(&sa, "user.one@mycompany.com").status).collect();
    assert!(statuses.iter().filter(|s| **s == 200).count() >= 3, "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let r = sb.lookup(&sa, "user.one@mycompany.com");
    assert_eq!(r.status, 429);
    assert_eq!(r.json(), json!({"code": "429 TOO_MANY_REQUESTS", "description": "Too many requests."}));
    let secs: u64 = r.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=2).contains(&secs), "{secs}");
    // Another credential has its own budget.
    assert_eq!(sb.lookup(&sb.helpdesk(), "user.one@mycompany.com").status, 200);
    // Lifted at run time.
    let r = sb.request("POST", "/_sandbox/faults", None, Some((br#"{"rateLimit": null}"#, Some("application/json"))));
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"rateLimit": null, "latencyMs": 0, "latencyJitterMs": 0, "failRate": 0.0, "throttleRate": 0.0, "retryAfterSecs": 1}));
    for _ in 0..10 {
        assert_eq!(sb.lookup(&sa, "user.one@mycompany.com").status, 200);
    }
}

#[test]
fn fail_rate_and_latency_are_injected_but_not_into_the_token_endpoint() {
    let sb = Sandbox::with_fixture(&["--fail-rate", "1"]);
    let sa = sb.superadmin();
    let r = sb.lookup(&sa, "user.one@mycompany.com");
    assert_eq!(r.status, 500);
    assert_eq!(r.json(), json!({"code": "500 INTERNAL_SERVER_ERROR", "description": "Internal server error"}));
    // Tokens are still issued.
    let c = sb.client("oauth-client.json");
    assert_eq!(c.token(&sb, "rsa.user.read").status, 200);
    // Half the requests: deterministic, some of each.
    let r = sb.request("POST", "/_sandbox/faults", None, Some((br#"{"failRate": 0.5}"#, Some("application/json"))));
    assert_eq!(r.status, 200);
    let statuses: Vec<u16> = (0..40).map(|_| sb.lookup(&sa, "user.one@mycompany.com").status).collect();
    let fails = statuses.iter().filter(|s| **s == 500).count();
    assert!((5..=35).contains(&fails), "{statuses:?}");
    let r = sb.request("POST", "/_sandbox/faults", None, Some((br#"{"failRate": 0, "latencyMs": 300}"#, Some("application/json"))));
    assert_eq!(r.json(), json!({"rateLimit": null, "latencyMs": 300, "latencyJitterMs": 0, "failRate": 0.0, "throttleRate": 0.0, "retryAfterSecs": 1}));
    let started = Instant::now();
    assert_eq!(sb.lookup(&sa, "user.one@mycompany.com").status, 200);
    assert!(started.elapsed().as_millis() >= 300);
    assert_eq!(sb.request("GET", "/_sandbox/faults", None, None).json()["latencyMs"], 300);
    for bad in [
        r#"{"failRate": 2}"#, r#"{"latencyMs": -1}"#, r#"{"rateLimit": 0}"#, r#"{"other": 1}"#, "nope", r#"{"throttleRate": -0.1}"#,
        r#"{"latencyJitterMs": 70000}"#, r#"{"retryAfterSecs": "1"}"#, r#"{"failRate": 0, "failRate": 1}"#,
    ] {
        let r = sb.request("POST", "/_sandbox/faults", None, Some((bad.as_bytes(), Some("application/json"))));
        assert_eq!(r.status, 400, "{bad}");
    }
}

#[test]
fn latency_flag_delays_api_answers() {
    let sb = Sandbox::with_fixture(&["--latency-ms", "250"]);
    let sa = sb.superadmin();
    let started = Instant::now();
    assert_eq!(sb.lookup(&sa, "user.one@mycompany.com").status, 200);
    assert!(started.elapsed().as_millis() >= 250);
    // Control endpoints are not delayed.
    let started = Instant::now();
    assert_eq!(sb.request("GET", "/_sandbox/health", None, None).status, 200);
    assert!(started.elapsed().as_millis() < 250);
}

#[test]
fn expire_tokens_expires_every_token_seen_so_far() {
    let sb = Sandbox::with_fixture(&[]);
    let legacy = sb.superadmin();
    let oauth = sb.oauth("rsa.user.read");
    assert_eq!(sb.lookup(&legacy, "user.one@mycompany.com").status, 200);
    assert_eq!(sb.lookup(&oauth, "user.one@mycompany.com").status, 200);
    let r = sb.request("POST", "/_sandbox/expire-tokens", None, None);
    assert_eq!(r.status, 200);
    let path = "/AdminInterface/restapi/v1/users/lookup";
    assert_forbidden(&sb.lookup(&legacy, "user.one@mycompany.com"), path, EXPIRED);
    assert_forbidden(&sb.lookup(&oauth, "user.one@mycompany.com"), path, EXPIRED);
    // Minted afterwards: fine.
    assert_eq!(sb.lookup(&sb.superadmin(), "user.one@mycompany.com").status, 200);
    assert_eq!(sb.lookup(&sb.oauth("rsa.user.read"), "user.one@mycompany.com").status, 200);
}

#[test]
fn request_counts_by_route_and_status() {
    let sb = Sandbox::with_fixture(&[]);
    let t = sb.superadmin();
    sb.lookup(&t, "user.one@mycompany.com");
    sb.lookup(&t, "user.one@mycompany.com");
    sb.lookup(&t, "nobody@mycompany.com");
    sb.api("PUT", "/v1/users/x/userStatus", &t, Some(json!({"userStatus": "Enabled"})));
    sb.request("GET", "/_sandbox/health", None, None);
    let v = sb.request("GET", "/_sandbox/requests", None, None).json();
    assert_eq!(
        v,
        json!({"total": 4, "byRoute": {
            "POST /AdminInterface/restapi/v1/users/lookup": {"200": 2, "404": 1},
            "PUT /AdminInterface/restapi/v1/users/{id}/userStatus": {"404": 1}
        }})
    );
    let v = sb.request("DELETE", "/_sandbox/requests", None, None).json();
    assert_eq!(v, json!({"total": 0, "byRoute": {}}));
}

fn faults(sb: &Sandbox, body: serde_json::Value) -> serde_json::Value {
    let r = sb.request("POST", "/_sandbox/faults", None, Some((body.to_string().as_bytes(), Some("application/json"))));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn log(sb: &Sandbox, after: u64) -> serde_json::Value {
    let r = sb.request("GET", &format!("/_sandbox/requests/log?after={after}"), None, None);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[test]
fn injected_429s_with_or_without_retry_after_come_after_the_credential() {
    let sb = Sandbox::with_fixture(&[]);
    let sa = sb.superadmin();
    faults(&sb, json!({"throttleRate": 1}));
    let r = sb.lookup(&sa, "user.one@mycompany.com");
    assert_eq!(r.status, 429);
    assert_eq!(r.json(), json!({"code": "429 TOO_MANY_REQUESTS", "description": "Too many requests."}));
    assert_eq!(r.header("retry-after"), Some("1"));
    // Refused credentials are refused first; the token endpoint is never throttled.
    assert_forbidden(&sb.lookup("nope", "user.one@mycompany.com"), "/AdminInterface/restapi/v1/users/lookup", REFUSED);
    assert_eq!(sb.client("oauth-client.json").token(&sb, "rsa.user.read").status, 200);
    faults(&sb, json!({"retryAfterSecs": null}));
    let r = sb.lookup(&sa, "user.one@mycompany.com");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), None);
    faults(&sb, json!({"retryAfterSecs": 7, "throttleRate": 0.5}));
    let statuses: Vec<u16> = (0..40).map(|_| sb.lookup(&sa, "user.one@mycompany.com").status).collect();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert!((5..=35).contains(&throttled), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429));
    // With the 500s too: both kinds, and successes.
    faults(&sb, json!({"throttleRate": 0.3, "failRate": 0.3}));
    let statuses: Vec<u16> = (0..60).map(|_| sb.lookup(&sa, "user.one@mycompany.com").status).collect();
    for s in [200, 429, 500] {
        assert!(statuses.contains(&s), "{s}: {statuses:?}");
    }
    let v = faults(&sb, json!({"throttleRate": 0, "failRate": 0}));
    assert_eq!(v["retryAfterSecs"], 7);
}

#[test]
fn latency_has_jitter() {
    let sb = Sandbox::with_fixture(&[]);
    let sa = sb.superadmin();
    faults(&sb, json!({"latencyMs": 50, "latencyJitterMs": 200}));
    let before = log(&sb, 0)["total"].as_u64().unwrap();
    for _ in 0..12 {
        assert_eq!(sb.lookup(&sa, "user.one@mycompany.com").status, 200);
    }
    let entries = log(&sb, before)["entries"].as_array().unwrap().clone();
    let took: Vec<f64> = entries.iter().map(|e| e["durationMs"].as_f64().unwrap()).collect();
    assert_eq!(took.len(), 12);
    assert!(took.iter().all(|ms| *ms >= 50.0), "{took:?}");
    let (lo, hi) = took.iter().fold((f64::MAX, 0.0f64), |(lo, hi), t| (lo.min(*t), hi.max(*t)));
    assert!(hi - lo > 20.0, "no jitter: {took:?}");
}

#[test]
fn the_request_log_says_who_called_what_and_how_it_ended() {
    let sb = Sandbox::with_fixture(&[]);
    let sa = sb.superadmin();
    let key = sb.key("superadmin.key");
    let client = sb.client("oauth-client.json");
    assert_eq!(sb.request("DELETE", "/_sandbox/requests/log", None, None).json(), json!({"total": 0, "entries": []}));
    sb.lookup(&sa, "user.one@mycompany.com");
    sb.lookup("not-a-token", "user.one@mycompany.com");
    let oauth = sb.oauth("rsa.user.manage");
    sb.api("PUT", "/v1/users/nobody/userStatus", &oauth, Some(json!({"userStatus": "Enabled"})));
    sb.request("GET", "/AdminInterface/restapi/nowhere", None, None);
    sb.request("GET", "/_sandbox/health", None, None);
    let v = log(&sb, 0);
    assert_eq!(v["total"], 5);
    let entries = v["entries"].as_array().unwrap();
    let summary: Vec<(u64, &str, &str, &str, u64, Value)> = entries
        .iter()
        .map(|e| (e["seq"].as_u64().unwrap(), e["method"].as_str().unwrap(), e["route"].as_str().unwrap(), e["path"].as_str().unwrap(), e["status"].as_u64().unwrap(), e["credential"].clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "POST", "POST /AdminInterface/restapi/v1/users/lookup", "/AdminInterface/restapi/v1/users/lookup", 200, json!({"kind": "superadmin-key", "id": key.access_id})),
            (2, "POST", "POST /AdminInterface/restapi/v1/users/lookup", "/AdminInterface/restapi/v1/users/lookup", 403, Value::Null),
            (3, "POST", "POST /oauth/token", "/oauth/token", 200, json!({"kind": "oauth", "id": client.client_id})),
            (4, "PUT", "PUT /AdminInterface/restapi/v1/users/{id}/userStatus", "/AdminInterface/restapi/v1/users/nobody/userStatus", 404, json!({"kind": "oauth", "id": client.client_id})),
            (5, "GET", "other", "/AdminInterface/restapi/nowhere", 404, Value::Null),
        ]
    );
    for e in entries {
        let time = e["time"].as_str().unwrap();
        assert!(time.len() == 24 && time.ends_with('Z'), "{time}");
        assert!(e["durationMs"].as_f64().unwrap() >= 0.0);
        // Never a token.
        assert!(!e.to_string().contains(&sa) && !e.to_string().contains(&oauth));
    }
    assert_eq!(log(&sb, 4)["entries"].as_array().unwrap().len(), 1);
    assert_eq!(sb.request("GET", "/_sandbox/requests/log?after=x", None, None).status, 400);
    assert_eq!(sb.request("DELETE", "/_sandbox/requests/log", None, None).status, 200);
    assert_eq!(log(&sb, 0), json!({"total": 0, "entries": []}));
}
