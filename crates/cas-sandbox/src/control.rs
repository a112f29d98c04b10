//! Test-control endpoints under `/_sandbox/`: outside the API prefixes, so the console's proxy
//! never forwards them. No authentication: the sandbox only listens on loopback.

use crate::app::{app_error, json_value, respond, App, Faults};
use axum::body::{Body, Bytes};
use axum::extract::State;
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
    json_value(200, &app.faults())
}

/// `{"rateLimit": R|null, "latencyMs": MS, "failRate": P}`; an absent key leaves that fault as is.
pub async fn set_faults(State(app): State<Arc<App>>, body: Bytes) -> Response<Body> {
    let Ok(Value::Object(obj)) = crate::api::body::strict(&body) else {
        return app_error(400, "Expected a JSON object like {\"rateLimit\": 5, \"latencyMs\": 0, \"failRate\": 0}.");
    };
    let mut f: Faults = app.faults();
    for (k, v) in &obj {
        match (k.as_str(), v) {
            ("rateLimit", Value::Null) => f.rate_limit = None,
            ("rateLimit", v) => match v.as_u64().filter(|r| (1..=u64::from(u32::MAX)).contains(r)) {
                Some(r) => f.rate_limit = Some(r as u32),
                None => return app_error(400, "rateLimit must be null or a whole number of requests per second, at least 1."),
            },
            ("latencyMs", v) => match v.as_u64().filter(|ms| *ms <= 60_000) {
                Some(ms) => f.latency_ms = ms,
                None => return app_error(400, "latencyMs must be a whole number from 0 to 60000."),
            },
            ("failRate", v) => match v.as_f64().filter(|p| (0.0..=1.0).contains(p)) {
                Some(p) => f.fail_rate = p,
                None => return app_error(400, "failRate must be a number from 0 to 1."),
            },
            (other, _) => return app_error(400, format!("Unknown fault {other}.")),
        }
    }
    app.set_faults(f.clone());
    json_value(200, &f)
}

pub async fn requests(State(app): State<Arc<App>>) -> Response<Body> {
    json_value(200, &app.counts_json())
}

pub async fn reset_requests(State(app): State<Arc<App>>) -> Response<Body> {
    app.reset_counts();
    json_value(200, &app.counts_json())
}
