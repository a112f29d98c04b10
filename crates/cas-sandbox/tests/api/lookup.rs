use crate::common::*;
use serde_json::{json, Value};

#[test]
fn lookup_answers_the_documented_user() {
    let sb = shared_fixture();
    let r = sb.lookup(&sb.helpdesk(), "user.one@mycompany.com");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
    // The page's example, verbatim (its missing comma aside).
    let expected = json!({
        "id": "f85b6e95-f41f-45b4-bc84-559fead6460c",
        "emailAddress": "user.one@mycompany.com",
        "firstName": "User",
        "lastName": "One",
        "creationDate": "2018-08-31T19:10:30.045Z",
        "identitySource": "My Company AD",
        "userStatus": "Enabled",
        "markDeleted": false,
        "highRiskUser": false,
        "markDeletedAt": null,
        "markDeletedBy": null,
        "smsNumber": "+11235556799",
        "voiceNumber": "+1 774 291 4444",
        "isTokenLocked": false,
        "isSmsLocked": false,
        "isVoiceLocked": false,
        "lastSyncTime": "2018-08-31T19:20:30.045Z",
        "emergencyAccessStatus": "Disabled",
        "emergencyTokencodeId": null,
        "emergencyTokencodeExpiration": null,
        "emergencyTokencodeLastUse": null,
        "offlineEmergencyAccessStatus": "Disabled",
        "offlineEmergencyTokencodeExpiration": null
    });
    assert_eq!(r.json(), expected);
    // Documented order of keys is kept.
    assert!(r.body.starts_with(r#"{"id":"f85b6e95-f41f-45b4-bc84-559fead6460c","emailAddress":"user.one@mycompany.com","firstName""#), "{}", r.body);
}

#[test]
fn lookup_is_case_insensitive_and_404s_with_the_app_error_body() {
    let sb = shared_fixture();
    let t = sb.superadmin();
    let r = sb.lookup(&t, "USER.One@MyCompany.com");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["id"], "f85b6e95-f41f-45b4-bc84-559fead6460c");
    let r = sb.lookup(&t, "john.doe@example.com");
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User john.doe@example.com not found"}));
}

#[test]
fn lookup_refuses_bad_bodies() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    for body in [json!({}), json!({"email": ""}), json!({"email": "  "}), json!({"email": null}), json!({"email": 5}), json!(["x"]), json!("x"), json!({"email": "user.one@mycompany.com", "searchUnsynched": "yes"})] {
        let r = sb.api("POST", "/v1/users/lookup", &t, Some(body.clone()));
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
    }
    // No body at all.
    let r = sb.request("POST", "/AdminInterface/restapi/v1/users/lookup", Some(&t), None);
    assert_eq!(r.status, 400);
    // A body that is not JSON: 415.
    for (bytes, ct) in [(&b"email=user.one@mycompany.com"[..], "application/x-www-form-urlencoded"), (b"{\"email\": ", "application/json"), (b"<email/>", "application/xml")] {
        let r = sb.request("POST", "/AdminInterface/restapi/v1/users/lookup", Some(&t), Some((bytes, Some(ct))));
        assert_eq!(r.status, 415, "{}", r.body);
        assert_eq!(r.json()["code"], "415 UNSUPPORTED_MEDIA_TYPE");
    }
    // Unknown fields are ignored.
    let r = sb.api("POST", "/v1/users/lookup", &t, Some(json!({"email": "user.one@mycompany.com", "extra": 1})));
    assert_eq!(r.status, 200);
}

#[test]
fn json_without_content_type_or_accept_is_accepted() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    let body = r#"{"email":"user.one@mycompany.com"}"#;
    let (status, text) = sb.raw(&format!(
        "POST /AdminInterface/restapi/v1/users/lookup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    assert_eq!(status, 200, "{text}");
    // Text content type with a JSON body: accepted too.
    let r = sb.request("POST", "/AdminInterface/restapi/v1/users/lookup", Some(&t), Some((body.as_bytes(), Some("text/plain"))));
    assert_eq!(r.status, 200);
}

#[test]
fn unsynched_users_need_search_unsynched() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    assert_eq!(sb.lookup(&t, "hidden@mycompany.com").status, 404);
    let r = sb.api("POST", "/v1/users/lookup", &t, Some(json!({"email": "hidden@mycompany.com", "searchUnsynched": false})));
    assert_eq!(r.status, 404);
    let r = sb.api("POST", "/v1/users/lookup", &t, Some(json!({"email": "hidden@mycompany.com", "searchUnsynched": true})));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["firstName"], "Hid");
    assert!(r.json().get("unsynched").is_none());
}

#[test]
fn users_file_users_keep_their_shape() {
    let sb = shared_fixture();
    let t = sb.helpdesk();
    // The keys the file gave, every other documented one null (issue 10: the real service
    // always sends them); no phone numbers (SMS and voice not enabled); sandbox-only keys
    // never leak.
    let r = sb.lookup(&t, "syncdisabled@mycompany.com");
    assert_eq!(
        r.json(),
        json!({"id": "0a1b2c3d-0000-4000-8000-000000000006", "emailAddress": "syncdisabled@mycompany.com", "firstName": "Sid",
            "lastName": null, "creationDate": null, "identitySource": "My Company AD", "userStatus": "Disabled",
            "markDeleted": null, "highRiskUser": null, "markDeletedAt": null, "markDeletedBy": null,
            "isTokenLocked": null, "isSmsLocked": null, "isVoiceLocked": null, "lastSyncTime": null,
            "emergencyAccessStatus": null, "emergencyTokencodeId": null, "emergencyTokencodeExpiration": null,
            "emergencyTokencodeLastUse": null, "offlineEmergencyAccessStatus": null, "offlineEmergencyTokencodeExpiration": null})
    );
    // An id is generated in UUID v4 form when the file has none.
    let r = sb.lookup(&t, "noid@mycompany.com");
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4");
}

#[test]
fn fixed_special_users_are_there() {
    let sb = shared();
    let t = sb.helpdesk();
    let markup = sb.lookup(&t, "markup.user@example.com").json();
    assert_eq!(markup["firstName"], "<img src=x onerror=alert(1)>");
    assert_eq!(markup["lastName"], "<script>alert(2)</script>");

    let pending = sb.lookup(&t, "pending.deletion@example.com").json();
    assert_eq!(pending["userStatus"], "Pending Deletion");
    assert_eq!(pending["markDeleted"], true);
    assert!(pending["markDeletedAt"].is_string() && pending["markDeletedBy"].is_string());

    assert_eq!(sb.lookup(&t, "synced.disabled@example.com").json()["userStatus"], "Disabled");

    // Most fields unknown: the documented ones null (issue 10), the others absent.
    let sparse = sb.lookup(&t, "sparse.user@example.com").json();
    let mut keys: Vec<&str> = sparse.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys.len(), 21, "{keys:?}");
    for (k, v) in sparse.as_object().unwrap() {
        assert_eq!(v.is_null(), !["emailAddress", "firstName", "id", "identitySource", "userStatus"].contains(&k.as_str()), "{k}");
    }
    assert!(sparse.get("smsNumber").is_none() && sparse.get("isFingerprintLocked").is_none());

    let full = sb.lookup(&t, "full.user@example.com").json();
    for (k, v) in full.as_object().unwrap() {
        assert!(!v.is_null(), "full user has null {k}");
    }
    for k in ["smsNumber", "voiceNumber", "isFingerprintLocked", "isApproveLocked", "monthLastAuthenticated", "principalUsername", "alternateUsername", "primaryUniqueIdentifier", "offlineEmergencyTokencodeExpiration", "emergencyTokencodeLastUse", "department", "customAttributes"] {
        assert!(full.get(k).is_some(), "full user lacks {k}");
    }

    let local = sb.lookup(&t, "local.user@example.com").json();
    assert_eq!(local["identitySource"], "Local Identity Source");
    assert_eq!(sb.lookup(&t, "jose.muller@example.com").json()["lastName"], "Müller");
    assert_eq!(sb.lookup(&t, "zoe.lukasiewicz@example.com").json()["firstName"], "Zoë");
    assert_eq!(sb.lookup(&t, "taro.yamada@example.com").json()["lastName"], "山田");
}

#[test]
fn generated_users_are_realistic() {
    let sb = shared();
    let t = sb.helpdesk();
    let r = sb.api("POST", "/v2/users/search?pageSize=25&pageNumber=0", &t, Some(json!({"emailLike": "@example.com"})));
    let total = r.json()["totalElements"].as_u64().unwrap();
    // 60 generated users plus the fixed ones (one of which is unsynched).
    assert!(total > 60 && total < 100, "{total}");
    let mut all: Vec<Value> = Vec::new();
    for page in 0..r.json()["totalPages"].as_u64().unwrap() {
        let r = sb.api("POST", &format!("/v2/users/search?pageSize=25&pageNumber={page}"), &t, Some(json!({"emailLike": "example.com"})));
        all.extend(r.json()["elements"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(all.len() as u64, total);
    let generated: Vec<&Value> = all.iter().filter(|u| u["emailAddress"].as_str().unwrap().split('@').next().unwrap().rsplit('.').next().unwrap().parse::<u32>().is_ok()).collect();
    assert_eq!(generated.len(), 60);
    let sources: std::collections::HashSet<&str> = generated.iter().map(|u| u["identitySource"].as_str().unwrap()).collect();
    assert!(sources.contains("Corp AD") && sources.contains("Partner LDAP"), "{sources:?}");
    assert!(generated.iter().any(|u| u.get("smsNumber").is_none()));
    assert!(generated.iter().any(|u| u.get("smsNumber").is_some()));
    for u in &generated {
        let email = u["emailAddress"].as_str().unwrap();
        assert_eq!(email, email.to_lowercase());
    }
}
