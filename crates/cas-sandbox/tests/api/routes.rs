use crate::common::*;
use serde_json::json;

/// Every endpoint, as RSA's pages name them: each is routed (a request without a token gets the
/// gateway's 403 for its own path, not a 404 or 405).
const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/AdminInterface/restapi/v1/users/lookup"),
    ("POST", "/AdminInterface/restapi/v1/users/search"),
    ("POST", "/AdminInterface/restapi/v2/users/search"),
    ("PUT", "/AdminInterface/restapi/v1/users/abc/userStatus"),
    ("PUT", "/AdminInterface/restapi/v1/users/highrisk"),
    ("GET", "/AdminInterface/restapi/v1/users/highrisk"),
    ("GET", "/AdminInterface/restapi/v2/users/highrisk"),
    ("PUT", "/AdminInterface/restapi/v1/users/update"),
    ("GET", "/AdminInterface/restapi/v1/users/abc/authlogs/"),
    ("GET", "/AdminInterface/restapi/v1/users/abc/authlogs"),
    ("GET", "/AdminInterface/restapi/v1/users/abc/devices"),
    ("GET", "/AdminInterface/restapi/v2/users/abc/devices"),
    ("DELETE", "/AdminInterface/restapi/v1/users/abc/devices/def"),
    ("PATCH", "/AdminInterface/restapi/v1/users/abc/methods"),
    ("PUT", "/AdminInterface/restapi/v1/users/abc/emergencyTokencode"),
    ("PUT", "/AdminInterface/restapi/v2/users/abc/emergencyTokencode"),
    ("DELETE", "/AdminInterface/restapi/v1/users/abc/emergencyTokencode/def"),
    ("DELETE", "/AdminInterface/restapi/v1/users/abc/emergencyTokencodes"),
    ("POST", "/AdminInterface/restapi/v1/users/abc/sync"),
    ("PUT", "/AdminInterface/restapi/v1/users/abc/markDeleted"),
];

#[test]
fn every_endpoint_is_routed_and_refuses_a_missing_token() {
    let sb = shared_fixture();
    for (method, path) in ENDPOINTS {
        let body = if matches!(*method, "GET" | "DELETE") { None } else { Some((&b"{}"[..], Some("application/json"))) };
        let r = sb.request(method, path, None, body);
        assert_forbidden(&r, path, REFUSED);
    }
}

fn assert_gateway(r: &Resp, status: u16, error: &str, message: &str, path: &str) {
    assert_eq!(r.status, status, "{path}: {}", r.body);
    let v = r.json();
    assert!(v["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
    let mut v = v;
    v.as_object_mut().unwrap().remove("timestamp");
    assert_eq!(v, json!({"status": status, "error": error, "message": message, "path": path}));
}

#[test]
fn unknown_paths_and_methods_get_the_gateways_answer_before_any_authentication() {
    let sb = shared_fixture();
    let t = sb.superadmin();
    for path in ["/AdminInterface/restapi/v1/users/lookup/", "/AdminInterface/restapi/v3/users/lookup", "/AdminInterface/restapi", "/", "/other", "/AdminInterface/restapi/v1/users/sync"] {
        for token in [None, Some(t.as_str())] {
            let r = sb.request("POST", path, token, Some((b"{}", Some("application/json"))));
            assert_gateway(&r, 404, "Not Found", "No endpoint", path);
        }
    }
    for (method, path) in [("GET", "/AdminInterface/restapi/v1/users/lookup"), ("DELETE", "/AdminInterface/restapi/v1/users/highrisk"), ("POST", "/AdminInterface/restapi/v1/users/x/userStatus")] {
        for token in [None, Some(t.as_str())] {
            let r = sb.request(method, path, token, if method == "POST" { Some((b"{}", Some("application/json"))) } else { None });
            assert_gateway(&r, 405, "Method Not Allowed", "Request method not supported", path);
        }
    }
    // A blank user id is the API's own 404, as the status page documents.
    let r = sb.api("PUT", "/v1/users//userStatus", &t, Some(json!({"userStatus": "Enabled"})));
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User not found"}));
}
