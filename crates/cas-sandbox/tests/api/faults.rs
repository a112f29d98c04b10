use crate::common::*;
use serde_json::json;
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
    assert_eq!(r.json(), json!({"rateLimit": null, "latencyMs": 0, "failRate": 0.0}));
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
    assert_eq!(r.json(), json!({"rateLimit": null, "latencyMs": 300, "failRate": 0.0}));
    let started = Instant::now();
    assert_eq!(sb.lookup(&sa, "user.one@mycompany.com").status, 200);
    assert!(started.elapsed().as_millis() >= 300);
    assert_eq!(sb.request("GET", "/_sandbox/faults", None, None).json()["latencyMs"], 300);
    for bad in [r#"{"failRate": 2}"#, r#"{"latencyMs": -1}"#, r#"{"rateLimit": 0}"#, r#"{"other": 1}"#, "nope"] {
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
