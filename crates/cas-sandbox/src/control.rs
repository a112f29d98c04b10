//! Test-control endpoints under `/_sandbox/`: outside the API prefixes, so the console's proxy
//! never forwards them. No authentication: the sandbox only listens on loopback.

use crate::app::{app_error, json_value, respond, App};
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::Response;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn health() -> Response<Body> {
    respond(200, Some("text/plain; charset=utf-8"), "ok")
}

pub async fn expire_tokens(State(app): State<Arc<App>>) -> Response<Body> {
    match app.auth.expire_all(&app.db) {
        Ok(n) => json_value(200, &json!({"expired": n})),
        Err(_) => app_error(500, "Internal server error"),
    }
}

pub async fn get_faults(State(app): State<Arc<App>>) -> Response<Body> {
    json_value(200, &app.faults.get())
}

/// `{"rateLimit", "latencyMs", "latencyJitterMs", "failRate", "throttleRate", "retryAfterSecs"}`;
/// an absent key leaves that fault as it is.
pub async fn set_faults(State(app): State<Arc<App>>, body: Bytes) -> Response<Body> {
    let Ok(Value::Object(obj)) = crate::api::body::strict(&body) else {
        return app_error(400, "Expected a JSON object like {\"rateLimit\": 5, \"latencyMs\": 0, \"failRate\": 0}.");
    };
    match app.faults.get().changed(&obj) {
        Ok(f) => {
            app.faults.set(f.clone());
            json_value(200, &f)
        }
        Err(why) => app_error(400, why),
    }
}

pub async fn requests(State(app): State<Arc<App>>) -> Response<Body> {
    json_value(200, &app.counts_json())
}

pub async fn reset_requests(State(app): State<Arc<App>>) -> Response<Body> {
    app.reset_counts();
    json_value(200, &app.counts_json())
}

/// `GET /_sandbox/requests/log[?after=SEQ]`: `{"total", "entries": [...]}`, oldest first.
pub async fn request_log(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Response<Body> {
    let Ok(params) = serde_urlencoded::from_str::<Vec<(String, String)>>(query.as_deref().unwrap_or("")) else {
        return app_error(400, "The query string is malformed.");
    };
    let mut after = 0;
    for (k, v) in params {
        match (k.as_str(), v.parse::<u64>()) {
            ("after", Ok(n)) => after = n,
            ("after", Err(_)) => return app_error(400, "after must be a whole number (an entry's seq)."),
            _ => return app_error(400, format!("Unknown parameter {k}.")),
        }
    }
    json_value(200, &app.log.page(after))
}

pub async fn clear_request_log(State(app): State<Arc<App>>) -> Response<Body> {
    app.log.clear();
    json_value(200, &app.log.page(0))
}

/// `GET /_sandbox/emergency-config`: the tenant's emergency access code settings,
/// `{"locked", "oneTimeUse", "expiryUnit", "expiryValue"}`.
pub async fn get_emergency_config(State(app): State<Arc<App>>) -> Response<Body> {
    json_value(200, &app.emergency_config())
}

/// `POST /_sandbox/emergency-config`: the same JSON; absent keys stay as they are.
pub async fn set_emergency_config(State(app): State<Arc<App>>, body: Bytes) -> Response<Body> {
    let Ok(Value::Object(obj)) = crate::api::body::strict(&body) else {
        return app_error(400, "Expected a JSON object like {\"locked\": true, \"expiryUnit\": \"hours\", \"expiryValue\": 4}.");
    };
    match app.emergency_config().changed(&obj) {
        Ok(c) => match app.set_emergency_config(c.clone()) {
            Ok(()) => json_value(200, &c),
            Err(_) => app_error(500, "Internal server error"),
        },
        Err(why) => app_error(400, why),
    }
}

/// `POST /_sandbox/lock`: `{"email": "...", "methods": ["TOKEN", "SMS", "VOICE", "FINGERPRINT",
/// "APPROVE"]}` locks those methods as repeated failures would, writing event 2 ("Method now
/// locked.") for each into the user's history, so unlock tests can be run again. Answers the
/// user.
pub async fn lock_methods(State(app): State<Arc<App>>, body: Bytes) -> Response<Body> {
    use crate::gen::history::{self, Event};
    let Ok(Value::Object(obj)) = crate::api::body::strict(&body) else {
        return app_error(400, "Expected {\"email\": \"...\", \"methods\": [\"SMS\"]}.");
    };
    let (Some(email), Some(Value::Array(methods))) = (obj.get("email").and_then(Value::as_str), obj.get("methods")) else {
        return app_error(400, "email (a string) and methods (an array) are required.");
    };
    let mut users = app.users_mut();
    let Some(index) = users.by_email(email, false).map(|r| r.user.id.clone()).and_then(|id| users.index_of_id(&id)) else {
        return app_error(404, format!("User {email} not found"));
    };
    let rec = &users.recs[index];
    let mut u = rec.user.clone();
    let now = crate::clock::now_ms();
    let mut events = Vec::new();
    for m in methods {
        let method = match m.as_str() {
            Some("TOKEN") => {
                u.is_token_locked = Some(true);
                history::TOKEN
            }
            Some("SMS") => {
                u.is_sms_locked = Some(true);
                history::SMS
            }
            Some("VOICE") => {
                u.is_voice_locked = Some(true);
                history::VOICE
            }
            Some("FINGERPRINT") => {
                u.is_fingerprint_locked = Some(true);
                history::BIOMETRICS
            }
            Some("APPROVE") => {
                u.is_approve_locked = Some(true);
                history::APPROVE
            }
            _ => return app_error(400, "methods may hold TOKEN, SMS, VOICE, FINGERPRINT and APPROVE."),
        };
        let ids = [crate::seeded::random_uuid(), crate::seeded::random_uuid(), crate::seeded::random_uuid()];
        let e = Event { at: now, code: 2, method: Some(method), application: None, policy: None, source_ip: None, device: None, assurance: None, ids };
        events.push((now, serde_json::to_string(&e.entry(&u.id, &app.tenant.tenant)).unwrap_or_default()));
    }
    let changed = rec.with(u, rec.private.clone());
    if app.db().save_user_with_events(&changed, &events).is_err() {
        return app_error(500, "Internal server error");
    }
    let wire = changed.wire.clone();
    users.replace(vec![(index, changed)]);
    crate::app::json(200, wire)
}
