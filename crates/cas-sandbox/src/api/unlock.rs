//! `PATCH /v1/users/{id}/methods` (notes §5, §11.14): unlock TOKEN, SMS and VOICE. The
//! answer has all three flags after the operation; fingerprint and Approve locks stay. No
//! user event is written: RSA's events 2-4 record lockouts, sign-ins and expiry, not an
//! administrator's unlock (that is an admin event).

use super::body::{object, parse_json, try_resp};
use super::{save, user_index, UserId};
use crate::app::{app_error, json_value, App};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Response;
use cas_core::helpdesk::{UnlockMethod, UnlockResponse};
use serde_json::{Map, Value};
use std::sync::Arc;

const NOT_PROVIDED: &str = "unlockMethods not provided in the request body.";

fn methods(bytes: &[u8]) -> Result<Vec<UnlockMethod>, Box<Response<Body>>> {
    let obj = object(parse_json(bytes)?, NOT_PROVIDED)?;
    if obj.len() != 1 {
        return Err(Box::new(app_error(400, "Wrong number of properties in the request body.")));
    }
    let list = match obj.get("unlockMethods") {
        None | Some(Value::Null) => return Err(Box::new(app_error(400, NOT_PROVIDED))),
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(_) => return Err(Box::new(app_error(400, "unlockMethods must be an array of at least one of TOKEN, SMS and VOICE."))),
    };
    list.iter()
        .map(|v| v.as_str().and_then(UnlockMethod::parse))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Box::new(app_error(400, "unlockMethods may hold only TOKEN, SMS and VOICE (upper case).")))
}

pub async fn unlock(State(app): State<Arc<App>>, UserId(id): UserId, body: Bytes) -> Response<Body> {
    let methods = try_resp!(methods(&body));
    let mut users = app.users_mut();
    let index = try_resp!(user_index(&users, id.as_deref()));
    let rec = &users.recs[index];
    let mut u = rec.user.clone();
    for m in &methods {
        match m {
            UnlockMethod::Token => u.is_token_locked = Some(false),
            UnlockMethod::Sms => u.is_sms_locked = Some(false),
            UnlockMethod::Voice => u.is_voice_locked = Some(false),
        }
    }
    let answer = UnlockResponse {
        is_token_locked: u.is_token_locked == Some(true),
        is_sms_locked: u.is_sms_locked == Some(true),
        is_voice_locked: u.is_voice_locked == Some(true),
        extra: Map::new(),
    };
    if u != rec.user {
        let changed = rec.with(u, rec.private.clone());
        try_resp!(save(&app, &mut users, index, changed));
    }
    json_value(200, &answer)
}
