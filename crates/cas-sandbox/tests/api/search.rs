use crate::common::*;
use serde_json::{json, Value};

fn emails(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|u| u["emailAddress"].as_str().unwrap().to_string()).collect()
}

#[test]
fn exact_match_first_then_ascending_email() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    let r = sb.api("POST", "/v1/users/search", &t, Some(json!({"emailLike": "J.DOE"})));
    assert_eq!(r.status, 200);
    assert_eq!(emails(&r.json()), ["aj.doe@mycompany.com", "j.doe1@mycompany.com", "j.doe2@mycompany.com", "j.doe@mycompany.com"]);
    let r = sb.api("POST", "/v1/users/search", &t, Some(json!({"emailLike": "j.doe@mycompany.com"})));
    assert_eq!(emails(&r.json()), ["j.doe@mycompany.com", "aj.doe@mycompany.com"]);
    // The documented example's users come back whole.
    let r = sb.api("POST", "/v1/users/search", &t, Some(json!({"emailLike": "j.doe2"})));
    assert_eq!(
        r.json(),
        json!([{
            "id": "0a1b2c3d-0000-4000-8000-000000000002",
            "emailAddress": "j.doe2@mycompany.com",
            "firstName": "John",
            "lastName": "Doe",
            "creationDate": "2018-08-31T19:10:30.045Z",
            "identitySource": "My Company AD",
            "userStatus": "Enabled",
            "markDeleted": false,
            "highRiskUser": false,
            "markDeletedAt": null,
            "markDeletedBy": null,
            "smsNumber": "+17815552234",
            "voiceNumber": "+17815552235",
            "isTokenLocked": false,
            "isSmsLocked": false,
            "isVoiceLocked": false,
            "lastSyncTime": "2018-08-31T19:20:30.045Z",
            "emergencyAccessStatus": "Enabled",
            "emergencyTokencodeId": "007c4e8d-7450-4293-be46-16454a78a217",
            "emergencyTokencodeExpiration": "2019-08-21T15:02:45.000Z",
            "emergencyTokencodeLastUse": null,
            // Not in the search page's example but in User Details': every documented field.
            "offlineEmergencyAccessStatus": null,
            "offlineEmergencyTokencodeExpiration": null
        }])
    );
    // The fixed users of a generated tenant order the same way.
    let g = shared();
    let r = g.api("POST", "/v1/users/search", &g.helpdesk(), Some(json!({"emailLike": "j.doe@example.com"})));
    assert_eq!(emails(&r.json()), ["j.doe@example.com", "a.j.doe@example.com"]);
}

#[test]
fn page_size_bounds() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    let r = sb.api("POST", "/v1/users/search?pageSize=1", &t, Some(json!({"emailLike": "doe"})));
    assert_eq!(emails(&r.json()), ["aj.doe@mycompany.com"]);
    let r = sb.api("POST", "/v1/users/search?pageSize=25", &t, Some(json!({"emailLike": "mycompany"})));
    // Every visible fixture user (the unsynched one is not searchable).
    assert_eq!(r.json().as_array().unwrap().len(), 16);
    for bad in ["0", "26", "x", "-1", ""] {
        let r = sb.api("POST", &format!("/v1/users/search?pageSize={bad}"), &t, Some(json!({"emailLike": "doe"})));
        assert_eq!(r.status, 400, "pageSize={bad}");
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
    }
    // Generated tenants cap at 25 by default.
    let g = shared();
    let r = g.api("POST", "/v1/users/search", &g.helpdesk(), Some(json!({"emailLike": "example.com"})));
    assert_eq!(r.json().as_array().unwrap().len(), 25);
}

#[test]
fn no_match_is_an_empty_body_and_wildcards_are_literal() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    for like in ["nobody-here", "*", "j%doe", "hidden@"] {
        let r = sb.api("POST", "/v1/users/search", &t, Some(json!({"emailLike": like})));
        assert_eq!(r.status, 200);
        assert_eq!(r.body, "", "{like}");
        assert_eq!(r.header("content-length"), Some("0"));
    }
}

#[test]
fn search_refuses_bad_bodies() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    for body in [json!({}), json!({"emailLike": ""}), json!({"emailLike": " "}), json!({"emailLike": 3}), json!([])] {
        for v in ["v1", "v2"] {
            let r = sb.api("POST", &format!("/{v}/users/search"), &t, Some(body.clone()));
            assert_eq!(r.status, 400, "{v} {body}");
        }
    }
    let r = sb.request("POST", "/AdminInterface/restapi/v1/users/search", Some(&t), Some((b"doe", None)));
    assert_eq!(r.status, 415);
}

#[test]
fn v2_pages_with_an_envelope() {
    let sb = shared_fixture();
    let t = sb.superadmin();
    let r = sb.api("POST", "/v2/users/search?pageSize=2&pageNumber=1", &t, Some(json!({"emailLike": "doe"})));
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["totalPages"], 2);
    assert_eq!(v["totalElements"], 4);
    assert_eq!(emails(&v["elements"]), ["j.doe2@mycompany.com", "j.doe@mycompany.com"]);
    // Default page size 25, page 0.
    let v = sb.api("POST", "/v2/users/search", &t, Some(json!({"emailLike": "doe"}))).json();
    assert_eq!(emails(&v["elements"]).len(), 4);
    // Past the end: empty elements; no match: an empty envelope.
    let v = sb.api("POST", "/v2/users/search?pageSize=2&pageNumber=9", &t, Some(json!({"emailLike": "doe"}))).json();
    assert_eq!(v, json!({"totalPages": 2, "totalElements": 4, "elements": []}));
    let v = sb.api("POST", "/v2/users/search", &t, Some(json!({"emailLike": "zzz"}))).json();
    assert_eq!(v, json!({"totalPages": 0, "totalElements": 0, "elements": []}));
    for q in ["pageNumber=-1", "pageNumber=x", "pageSize=30"] {
        assert_eq!(sb.api("POST", &format!("/v2/users/search?{q}"), &t, Some(json!({"emailLike": "doe"}))).status, 400, "{q}");
    }
    // The exact match leads page 0 of v2 too.
    let v = sb.api("POST", "/v2/users/search?pageSize=1", &t, Some(json!({"emailLike": "j.doe@mycompany.com"}))).json();
    assert_eq!(emails(&v["elements"]), ["j.doe@mycompany.com"]);
    assert_eq!(v["totalElements"], 2);
}
