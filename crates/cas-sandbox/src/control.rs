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
