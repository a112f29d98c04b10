//! What the tenant answers, read as the console reads it: every wire type of `cas_core::wire`
//! and `cas_core::helpdesk` from the same bytes, the error classification and wording of a
//! non-2xx answer, and the pure code that consumes a decoded answer (the local-user form and
//! its server errors, the 207 identifiers, the auth-log codes).
//!
//! No panic. Whatever a type reads, it writes back (as the sandbox writes it) in a form it reads
//! again as the same value. Every error has both halves of a message.
#![no_main]

use cas_core::access::Operation;
use cas_core::error::{self, ApiError};
use cas_core::helpdesk::{self, AuthLogEntry, AuthenticatorsV1, AuthenticatorsV2};
use cas_core::localuser::{self, LocalUserForm};
use cas_core::wire::{self, MultiStatus, UpdateLocalUserResponse, User};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Debug;

/// Read, write, read again: the same value. Numbers are compared as JSON within a few units
/// in the last place: serde_json reads floats to best effort unless built with
/// `float_roundtrip` (a 34-digit integer read, written and read again may move by one ULP).
///
/// Only for bodies without a repeated key: serde refuses a repeated field, and where a type
/// falls back to keeping the JSON as it came (an unreadable 207 entry), `Value` keeps the last
/// of the two, which reads as a field the second time. Reading such an entry as unreadable
/// first is the safe reading; it is not a change a writer could cause.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(body: &Body) -> Option<T> {
    let value: T = serde_json::from_slice(body.bytes).ok()?;
    if !body.unique_keys {
        return Some(value);
    }
    let written = serde_json::to_vec(&value).expect("a value read is written");
    let again: T = serde_json::from_slice(&written).expect("what is written is read again");
    if again != value {
        let (a, b) = (serde_json::to_value(&again).expect("written"), serde_json::to_value(&value).expect("written"));
        assert!(same(&a, &b), "{again:?} != {value:?}, written as {}", String::from_utf8_lossy(&written));
    }
    Some(value)
}

/// An answer's bytes, and whether its JSON (if it is JSON) repeats no key.
struct Body<'a> {
    bytes: &'a [u8],
    unique_keys: bool,
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs()),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

const OPERATIONS: [Option<Operation>; 4] = [None, Some(Operation::Lookup), Some(Operation::ChangeHighRisk), Some(Operation::UpdateLocalUser)];

fuzz_target!(|data: &[u8]| {
    let (head, body) = data.split_at(data.len().min(3));
    let [a, b, c] = [0, 1, 2].map(|i| head.get(i).copied().unwrap_or(0));
    let answer = Body { bytes: body, unique_keys: cas_sandbox::api::body::strict(body).is_ok() };

    let user = round_trip::<User>(&answer);
    if let Some(u) = &user {
        let _ = (u.status(), u.display_name());
        if LocalUserForm::editable(u) {
            let form = LocalUserForm::from_user(u);
            let _ = form.validate();
            let _ = form.to_request();
            let _ = form.changes(&form);
            if let Ok(resp) = serde_json::from_slice::<UpdateLocalUserResponse>(body) {
                let _ = localuser::server_errors(&resp, &form);
            }
        }
    }
    let _ = round_trip::<Vec<User>>(&answer);
    let _ = round_trip::<wire::SearchPage>(&answer);
    let _ = round_trip::<wire::LookupRequest>(&answer);
    let _ = round_trip::<wire::SearchRequest>(&answer);
    let _ = round_trip::<wire::UserStatusRequest>(&answer);
    let _ = round_trip::<wire::UserStatusResponse>(&answer);
    let _ = round_trip::<wire::HighRiskRequest>(&answer);
    if let Some(m) = round_trip::<MultiStatus>(&answer) {
        let _: Vec<Option<&str>> = m.users.iter().map(wire::MultiStatusEntry::identifier).collect();
    }
    let _ = round_trip::<wire::HighRiskListV1>(&answer);
    let _ = round_trip::<wire::HighRiskListV2>(&answer);
    let _ = round_trip::<wire::UpdateLocalUserRequest>(&answer);
    let _ = round_trip::<UpdateLocalUserResponse>(&answer);
    let _ = round_trip::<wire::TokenResponse>(&answer);
    let _ = round_trip::<wire::ForbiddenBody>(&answer);
    let _ = round_trip::<wire::OAuthErrorBody>(&answer);
    let _ = round_trip::<wire::AppErrorBody>(&answer);
    let _ = round_trip::<wire::KeyFileJson>(&answer);
    let _ = round_trip::<wire::OAuthClientFile>(&answer);
    let _ = round_trip::<AuthenticatorsV1>(&answer);
    if let Some(a) = round_trip::<AuthenticatorsV2>(&answer) {
        let _ = a.is_empty();
        let _ = a.devices.iter().map(helpdesk::AppDevice::is_browser).count();
    }
    if let Some(logs) = round_trip::<Vec<AuthLogEntry>>(&answer) {
        let _ = logs.iter().filter_map(AuthLogEntry::info).count();
    }
    let _ = round_trip::<helpdesk::UnlockRequest>(&answer);
    let _ = round_trip::<helpdesk::UnlockResponse>(&answer);
    let _ = round_trip::<helpdesk::MarkDeletedRequest>(&answer);
    let _ = round_trip::<helpdesk::MarkDeletedResponse>(&answer);
    let _ = round_trip::<helpdesk::EmergencyCode>(&answer);
    let _ = round_trip::<helpdesk::EmergencyCodeV2>(&answer);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let _ = helpdesk::emergency::expiration_days(&v);
    }

    // The same bytes as a non-2xx answer.
    let text = String::from_utf8_lossy(body);
    let status = u16::from_le_bytes([a, b]) % 700;
    let content_type = match c % 4 {
        0 => None,
        1 => Some("application/json"),
        2 => Some("text/html; charset=utf-8"),
        _ => Some("text/plain"),
    };
    let retry_after = (c & 4 != 0).then(|| text.lines().next().unwrap_or(""));
    let err = error::classify(status, content_type, &text, retry_after);
    let said = error::server_words(&text);
    if matches!(err, ApiError::TooManyRequests { retry_after_secs: Some(s) } if s > 3600) {
        panic!("Retry-After is capped at an hour");
    }
    let _ = (err.status(), err.is_transient(), err.is_expired_credential(), err.detail());
    for op in OPERATIONS {
        let m = error::message(&err, op);
        assert!(!m.what.is_empty() && !m.next.is_empty(), "{err:?}");
    }
    let _ = err.to_string();
    let _ = cas_core::bulk::job::describe(&err);
    // A plain-text body is quoted at most 200 characters long.
    if serde_json::from_str::<serde::de::IgnoredAny>(text.trim()).is_err() {
        assert!(said.chars().count() <= 200);
    }
});
