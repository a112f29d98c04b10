//! `GET /v1/users/{id}/authlogs/` against api-notes-helpdesk §2 and §11.9-10.

use crate::common::*;
use serde_json::{json, Value};

/// The fields of an entry, as the notes name them ([LIB-java] `UserLogEntry`).
const FIELDS: [&str; 23] = [
    "eventLogDate", "eventType", "eventLevel", "eventCategory", "eventCode", "eventDescription", "eventId",
    "serverIPAddress", "tenantId", "customerName", "userId", "method", "policyId", "verboseFlag", "userActivityId",
    "transactionId", "sourceIPAddress", "application", "deviceName", "deviceId", "policyName", "authenticationDetails",
    "assuranceLevel",
];

/// Some codes of §2.1, verbatim: (code, level, description).
const CODES: [(u64, &str, &str); 9] = [
    (2, "notice", "Method now locked."),
    (3, "notice", "Method unlocked - User successfully authenticated."),
    (32, "error", "Authentication failed - User account disabled."),
    (35, "error", "Authentication failed - Method locked."),
    (36, "error", "Authentication failed - Authenticator not registered or authentication method not enrolled."),
    (51, "error", "Authentication failed - Authenticator not registered."),
    (103, "notice", "Authenticate Tokencode authentication succeeded."),
    (401, "notice", "User disabled in directory server now disabled in the Cloud Authentication Service."),
    (1503, "error", "QR Code authentication failed - User denied approval."),
];

fn id_of(sb: &Sandbox, email: &str) -> String {
    sb.user(email)["id"].as_str().unwrap().to_string()
}

fn millis(iso: &str) -> i64 {
    let t = time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339).unwrap_or_else(|e| panic!("{iso}: {e}"));
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// `ms` written with the offset +05:30, as a client in India would send it.
fn in_india(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
    t.to_offset(time::macros::offset!(+5:30)).format(&time::format_description::well_known::Rfc3339).unwrap()
}

fn month_of(iso: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{} {}", MONTHS[iso[5..7].parse::<usize>().unwrap() - 1], &iso[0..4])
}

#[test]
fn entries_have_the_documented_shape_newest_first_within_40_days() {
    let sb = shared();
    let now_ms = now() as i64 * 1000;
    for email in ["full.user@example.com", "sms.locked@example.com", "synced.disabled@example.com", "no.authenticator@example.com", "high.risk@example.com"] {
        let id = id_of(sb, email);
        let r = sb.api("GET", &format!("/v1/users/{id}/authlogs/"), &sb.superadmin(), None);
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with("application/json"));
        let list = r.json();
        let list = list.as_array().unwrap();
        assert!(!list.is_empty(), "{email}");
        let mut last = i64::MAX;
        for e in list {
            let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort();
            let mut want = FIELDS.to_vec();
            want.sort();
            assert_eq!(keys, want, "{email}");
            assert_eq!(e["eventType"], "user");
            assert_eq!(e["userId"], id.as_str());
            assert_eq!(e["customerName"], "CAS Sandbox");
            let date = e["eventLogDate"].as_str().unwrap();
            assert!(date.len() == 24 && date.ends_with('Z') && &date[19..20] == ".", "{date}");
            let t = millis(date);
            assert!(t <= last, "{email}: newest first");
            assert!(t > now_ms - 40 * 86_400_000, "{email}: {date} is older than 40 days");
            last = t;
            assert!(e["eventCode"].is_u64());
            if let Some((_, level, text)) = CODES.iter().find(|(c, _, _)| e["eventCode"] == *c) {
                assert_eq!(e["eventLevel"], *level);
                assert_eq!(e["eventDescription"], *text);
            }
            assert!(matches!(e["eventLevel"].as_str(), Some("notice" | "error")));
        }
    }
    // The 100 most recent, no more.
    let busy = id_of(sb, "busy.user@example.com");
    assert_eq!(sb.authlogs(&busy, "").len(), 100);
    // A users-file user has no history: an empty array.
    let f = shared_fixture();
    let r = f.api("GET", "/v1/users/f85b6e95-f41f-45b4-bc84-559fead6460c/authlogs/", &f.helpdesk(), None);
    assert_eq!((r.status, r.json()), (200, json!([])));
}

#[test]
fn the_history_tells_why_each_prepared_user_cannot_sign_in() {
    let sb = shared();
    let newest = |email: &str| {
        let id = id_of(sb, email);
        sb.authlogs(&id, "")
    };
    // SMS locked: locked (2), then refused for it (35), SMS each time.
    let sms = newest("sms.locked@example.com");
    assert_eq!(sb.user("sms.locked@example.com")["isSmsLocked"], true);
    assert_eq!(sms[0]["eventCode"], 35);
    assert_eq!(sms[0]["method"], "SMS Tokencode");
    assert!(sms.iter().any(|e| e["eventCode"] == 2 && e["method"] == "SMS Tokencode"));
    // No authenticator: refused for want of one, and the devices say so.
    let none = newest("no.authenticator@example.com");
    assert!(none.iter().all(|e| e["eventCode"] == 36 || e["eventCode"] == 51), "{none:?}");
    // Disabled by sync: event 401 and refusals (32) since; disabled by an admin: refusals, no 401.
    let synced = newest("synced.disabled@example.com");
    let sync_at = synced.iter().position(|e| e["eventCode"] == 401).expect("a 401");
    assert!(synced[..sync_at].iter().all(|e| e["eventCode"] == 32));
    assert!(synced[..sync_at].iter().any(|e| e["eventCode"] == 32) || sync_at == 0);
    let admin = newest("admin.disabled@example.com");
    assert!(admin.iter().all(|e| e["eventCode"] != 401));
    assert_eq!(admin.iter().find(|e| e["eventCode"] != 32).map(|e| e["eventCode"] == 32), Some(false));
    // Token locked with an emergency code: the lock is the newest story.
    let token = newest("token.locked@example.com");
    assert!(token.iter().take_while(|e| e["eventCode"] == 35).count() >= 1);
    assert!(token.iter().any(|e| e["eventCode"] == 2 && e["method"] == "Authenticate Tokencode"));
    assert_eq!(sb.user("token.locked@example.com")["emergencyAccessStatus"], "Enabled");
    // High risk: denied pushes the user did not start.
    assert!(newest("high.risk@example.com").iter().any(|e| e["eventCode"] == 1503));
    // monthLastAuthenticated is the month of the newest successful sign-in.
    for email in ["full.user@example.com", "j.doe@example.com", "busy.user@example.com", "high.risk@example.com"] {
        let events = newest(email);
        let success = events.iter().find(|e| matches!(e["eventCode"].as_u64(), Some(3 | 103 | 1501 | 1521))).expect("a success");
        assert_eq!(sb.user(email)["monthLastAuthenticated"], month_of(success["eventLogDate"].as_str().unwrap()).as_str(), "{email}");
    }
}

#[test]
fn filters_by_code_and_time_with_an_exclusive_start_and_an_inclusive_end() {
    let sb = shared();
    let id = id_of(sb, "busy.user@example.com");
    let all = sb.authlogs(&id, "");
    // One code.
    let code = all.iter().find(|e| e["eventCode"] != 103).unwrap()["eventCode"].as_u64().unwrap();
    let only = sb.authlogs(&id, &format!("eventCode={code}"));
    assert!(!only.is_empty() && only.iter().all(|e| e["eventCode"] == code));
    assert_eq!(sb.authlogs(&id, "eventCode=99999"), Vec::<Value>::new());
    // The boundaries: an event at T is excluded by startTimeAfter=T, included by
    // endTimeOnOrBefore=T.
    let pivot = all[10]["eventLogDate"].as_str().unwrap().to_string();
    let after = sb.authlogs(&id, &format!("startTimeAfter={pivot}"));
    assert!(after.iter().all(|e| millis(e["eventLogDate"].as_str().unwrap()) > millis(&pivot)));
    assert!(!after.iter().any(|e| e["eventId"] == all[10]["eventId"]));
    let until = sb.authlogs(&id, &format!("endTimeOnOrBefore={pivot}"));
    assert_eq!(until[0]["eventLogDate"], pivot.as_str());
    assert!(until.iter().any(|e| e["eventId"] == all[10]["eventId"]));
    assert!(until.len() <= 100);
    // The same instant with an offset, its + sent as %2B.
    let t = millis(&pivot);
    let india = in_india(t);
    assert!(india.contains("+05:30"), "{india}");
    assert_eq!(sb.authlogs(&id, &format!("endTimeOnOrBefore={}", india.replace('+', "%2B")))[0]["eventLogDate"], pivot.as_str());
    // Both bounds: what lies between.
    let start = all[20]["eventLogDate"].as_str().unwrap();
    let window = sb.authlogs(&id, &format!("startTimeAfter={start}&endTimeOnOrBefore={pivot}"));
    assert!(!window.is_empty() && window.len() < 20);
    assert!(window.iter().all(|e| { let x = millis(e["eventLogDate"].as_str().unwrap()); x > millis(start) && x <= t }));
    // Empty values are no filter.
    assert_eq!(sb.authlogs(&id, "eventCode=&startTimeAfter=").len(), 100);
}

#[test]
fn bad_queries_and_unknown_users() {
    let sb = shared();
    let t = sb.helpdesk();
    let id = id_of(sb, "busy.user@example.com");
    for (q, words) in [
        ("eventCode=abc", "eventCode"),
        ("eventCode=3.5", "eventCode"),
        ("startTimeAfter=yesterday", "startTimeAfter"),
        // A raw +: decoded to a space on the way in.
        ("startTimeAfter=2026-01-01T10:00:00.000+05:30", "%2B"),
        ("endTimeOnOrBefore=2026-01-01T10:00:00", "endTimeOnOrBefore"),
        ("endTimeOnOrBefore=2026-01-01", "endTimeOnOrBefore"),
        ("startTimeAfter=2026-02-01T00:00:00Z&endTimeOnOrBefore=2026-01-01T00:00:00Z", "after"),
        ("eventCode=35&eventCode=2", "more than once"),
    ] {
        let r = sb.api("GET", &format!("/v1/users/{id}/authlogs/?{q}"), &t, None);
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        assert_eq!(r.json()["code"], "400 BAD_REQUEST");
        assert!(r.json()["description"].as_str().unwrap().contains(words), "{q}: {}", r.body);
    }
    // Start equal to end: nothing can be after and on or before the same instant.
    assert_eq!(sb.authlogs(&id, "startTimeAfter=2026-01-01T00:00:00Z&endTimeOnOrBefore=2026-01-01T00:00:00Z"), Vec::<Value>::new());
    let r = sb.api("GET", "/v1/users/no-such-user/authlogs/", &t, None);
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User no-such-user not found"}));
    let r = sb.api("GET", "/v1/users//authlogs/", &t, None);
    assert_eq!(r.json(), json!({"code": "404 NOT_FOUND", "description": "User not found"}));
    // Without the trailing slash too.
    assert_eq!(sb.api("GET", &format!("/v1/users/{id}/authlogs"), &t, None).status, 200);
}
