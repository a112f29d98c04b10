//! Request bodies: the size limit and JSON.

use crate::app::app_error;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Response};
use http_body_util::BodyExt;
use serde_json::Value;

pub const BODY_LIMIT: usize = 1024 * 1024;
/// A body larger than the limit is read (and dropped) up to this much, so the client gets to
/// read the 413 rather than a reset connection.
const DRAIN_LIMIT: usize = 16 * BODY_LIMIT;

/// The body, up to `BODY_LIMIT`; `Err` when it is larger (or the connection broke).
pub async fn read(headers: &HeaderMap, body: Body) -> Result<Bytes, ()> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return Err(());
    }
    let mut body = body;
    let mut buf: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return Err(()) };
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen > DRAIN_LIMIT {
                return Err(());
            }
            if seen <= BODY_LIMIT {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > BODY_LIMIT {
        return Err(());
    }
    Ok(Bytes::from(buf))
}

pub fn too_large() -> Response<Body> {
    app_error(413, "The request body is too large (at most 1 MiB).")
}

pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// `Ok(None)`: no body. `Err`: a body that is not JSON (415).
pub fn parse_json(bytes: &[u8]) -> Result<Option<Value>, Box<Response<Body>>> {
    if is_blank(bytes) {
        return Ok(None);
    }
    serde_json::from_slice(bytes).map(Some).map_err(|_| Box::new(app_error(415, "Unsupported media type: the request body must be JSON.")))
}

/// The body as a JSON object; `missing` is the 400's description when there is no body.
pub fn object(v: Option<Value>, missing: &str) -> Result<serde_json::Map<String, Value>, Box<Response<Body>>> {
    match v {
        None => Err(Box::new(app_error(400, missing))),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(Box::new(app_error(400, "The request body must be a JSON object."))),
    }
}

/// Early return of an error answer from a `Result<_, Box<Response>>`.
macro_rules! try_resp {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return *r,
        }
    };
}
pub(crate) use try_resp;
