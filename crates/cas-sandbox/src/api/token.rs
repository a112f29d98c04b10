//! `POST /oauth/token`: form-encoded client credentials with a JWT client assertion. Exempt
//! from the rate limit, latency and injected failures.

use super::body;
use crate::app::{json_value, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Response};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

pub const ROUTE: &str = "POST /oauth/token";

pub async fn token(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let (resp, client) = match body::read(&parts.headers, body).await {
        Err(()) => (json_value(413, &json!({"error": "invalid_request", "error_description": "The request body is too large."})), None),
        Ok(bytes) => match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) {
            Err(_) => (
                json_value(400, &json!({"error": "invalid_request", "error_description": "The body must be application/x-www-form-urlencoded."})),
                None,
            ),
            Ok(form) => match app.auth.issue_token(&form, &app.db) {
                Ok((v, client)) => {
                    let mut r = json_value(200, &v);
                    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    (r, Some(client))
                }
                Err(e) => (json_value(e.status, &e.body), None),
            },
        },
    };
    app.record(ROUTE, &parts.method, parts.uri.path(), resp.status().as_u16(), started, client.as_ref());
    resp
}

/// Any other method on the token endpoint.
pub async fn wrong_method(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let resp = json_value(405, &json!({"error": "invalid_request", "error_description": "Use POST."}));
    app.record(ROUTE, req.method(), req.uri().path(), 405, Instant::now(), None);
    resp
}
