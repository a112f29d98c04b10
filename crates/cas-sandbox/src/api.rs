//! The Cloud Administration API under `/AdminInterface/restapi`, the token endpoint, and the
//! pipeline every API request goes through: route, body limit, credential, permission, rate
//! limit, injected failure, handler, injected latency, counters.

use crate::app::{app_error, forbidden, gateway_error, json, json_value, respond, App, EXPIRED, REFUSED};
use crate::auth::Refusal;
use crate::store::{Rec, Resolved};
use crate::clock::iso_ms;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Response};
use cas_core::access::Operation;
use cas_core::search;
use cas_core::wire::{
    HighRiskAction, HighRiskEntry, HighRiskListV1, HighRiskListV2, HighRiskRequest, LookupRequest, MultiStatus,
    MultiStatusItem, SearchRequest, UpdateLocalUserRequest, UserStatus, UserStatusRequest, UserStatusResponse,
    HIGH_RISK_BATCH_LIMIT,
};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const PREFIX: &str = "/AdminInterface/restapi";
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, PartialEq)]
enum Route {
    Lookup,
    Search { v2: bool },
    Status(String),
    HighRiskChange,
    HighRiskList { v2: bool },
    Update,
}

impl Route {
    fn op(&self) -> Operation {
        match self {
            Route::Lookup => Operation::Lookup,
            Route::Search { .. } => Operation::Search,
            Route::Status(_) => Operation::SetUserStatus,
            Route::HighRiskChange => Operation::ChangeHighRisk,
            Route::HighRiskList { .. } => Operation::ReadHighRisk,
            Route::Update => Operation::UpdateLocalUser,
        }
    }

    /// The route's template, for counters and logs.
    fn name(&self) -> &'static str {
        match self {
            Route::Lookup => "POST /AdminInterface/restapi/v1/users/lookup",
            Route::Search { v2: false } => "POST /AdminInterface/restapi/v1/users/search",
            Route::Search { v2: true } => "POST /AdminInterface/restapi/v2/users/search",
            Route::Status(_) => "PUT /AdminInterface/restapi/v1/users/{id}/userStatus",
            Route::HighRiskChange => "PUT /AdminInterface/restapi/v1/users/highrisk",
            Route::HighRiskList { v2: false } => "GET /AdminInterface/restapi/v1/users/highrisk",
            Route::HighRiskList { v2: true } => "GET /AdminInterface/restapi/v2/users/highrisk",
            Route::Update => "PUT /AdminInterface/restapi/v1/users/update",
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `Err(404)` for an unknown path, `Err(405)` for a known path with another method.
fn route(method: &Method, path: &str) -> Result<Route, u16> {
    let rel = path.strip_prefix(PREFIX).ok_or(404u16)?;
    let segs: Vec<&str> = rel.strip_prefix('/').ok_or(404u16)?.split('/').collect();
    let want = |m: Method, r: Route| if *method == m { Ok(r) } else { Err(405) };
    match segs.as_slice() {
        ["v1", "users", "lookup"] => want(Method::POST, Route::Lookup),
        ["v1", "users", "search"] => want(Method::POST, Route::Search { v2: false }),
        ["v2", "users", "search"] => want(Method::POST, Route::Search { v2: true }),
        ["v1", "users", "update"] => want(Method::PUT, Route::Update),
        ["v1", "users", "highrisk"] if *method == Method::GET => Ok(Route::HighRiskList { v2: false }),
        ["v1", "users", "highrisk"] => want(Method::PUT, Route::HighRiskChange),
        ["v2", "users", "highrisk"] => want(Method::GET, Route::HighRiskList { v2: true }),
        ["v1", "users", id, "userStatus"] => want(Method::PUT, Route::Status(percent_decode(id))),
        _ => Err(404),
    }
}

/// Reads the body up to `BODY_LIMIT`. A larger one is drained (up to `DRAIN_LIMIT`, so the
/// client gets to read the 413 rather than a reset connection) and refused.
async fn read_body(headers: &axum::http::HeaderMap, body: Body) -> Result<Bytes, ()> {
    use http_body_util::BodyExt;
    const DRAIN_LIMIT: usize = 16 * BODY_LIMIT;
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

fn too_large() -> Response<Body> {
    app_error(413, "The request body is too large (at most 1 MiB).")
}

/// Every API request.
pub async fn api(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (name, who, resp) = handle(&app, req).await;
    let latency = app.faults().latency_ms;
    if latency > 0 && path.starts_with(PREFIX) {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let status = resp.status().as_u16();
    app.count(name, status);
    if app.verbose {
        log_line(&method, &path, status, started, who);
    }
    resp
}

pub fn log_line(method: &Method, path: &str, status: u16, started: Instant, who: &str) {
    eprintln!(
        "{} {method} {path} {status} {:.1}ms {who}",
        iso_ms(crate::clock::now_ms()),
        started.elapsed().as_secs_f64() * 1000.0
    );
}

async fn handle(app: &App, req: Request) -> (&'static str, &'static str, Response<Body>) {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path();
    let route = match route(&parts.method, path) {
        Ok(r) => r,
        Err(405) => return ("other", "-", gateway_error(405, "Method Not Allowed", "Request method not supported", path)),
        Err(_) => return ("other", "-", gateway_error(404, "Not Found", "No endpoint", path)),
    };
    let name = route.name();
    let Ok(bytes) = read_body(&parts.headers, body).await else {
        return (name, "-", too_large());
    };
    let authz = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let cred = match app.auth.authenticate(authz) {
        Ok(c) => c,
        Err(Refusal::Expired) => return (name, "-", forbidden(EXPIRED, path)),
        Err(Refusal::Refused) => return (name, "-", forbidden(REFUSED, path)),
    };
    let who = cred.kind();
    if !cred.allows(route.op()) {
        return (name, who, forbidden(REFUSED, path));
    }
    if let Err(secs) = app.rate_check(&cred.rate_key()) {
        let mut r = app_error(429, "Too many requests.");
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return (name, who, r);
    }
    if app.should_fail() {
        return (name, who, app_error(500, "Internal server error"));
    }
    let resp = match route {
        Route::Lookup => lookup(app, &bytes),
        Route::Search { v2 } => search(app, v2, parts.uri.query(), &bytes),
        Route::Status(id) => set_status(app, &id, &bytes),
        Route::HighRiskChange => change_high_risk(app, &bytes),
        Route::HighRiskList { v2 } => list_high_risk(app, v2),
        Route::Update => update(app, &bytes),
    };
    (name, who, resp)
}

/// `Ok(None)`: no body. `Err`: a body that is not JSON (415).
fn parse_json(bytes: &[u8]) -> Result<Option<Value>, Box<Response<Body>>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes).map(Some).map_err(|_| Box::new(app_error(415, "Unsupported media type: the request body must be JSON.")))
}

macro_rules! try_resp {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return *r,
        }
    };
}

fn object(v: Option<Value>, missing: &str) -> Result<serde_json::Map<String, Value>, Box<Response<Body>>> {
    match v {
        None => Err(Box::new(app_error(400, missing))),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(Box::new(app_error(400, "The request body must be a JSON object."))),
    }
}

fn lookup(app: &App, bytes: &[u8]) -> Response<Body> {
    let obj = try_resp!(object(try_resp!(parse_json(bytes)), "User email not provided."));
    match obj.get("email") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(Value::String(_) | Value::Null) | None => return app_error(400, "User email not provided."),
        Some(_) => return app_error(400, "email must be a string."),
    }
    if !matches!(obj.get("searchUnsynched"), None | Some(Value::Null | Value::Bool(_))) {
        return app_error(400, "searchUnsynched must be true or false.");
    }
    let mut obj = obj;
    if obj.get("searchUnsynched") == Some(&Value::Null) {
        obj.remove("searchUnsynched");
    }
    let Ok(req) = serde_json::from_value::<LookupRequest>(Value::Object(obj)) else {
        return app_error(400, "User email not provided.");
    };
    let users = app.users();
    match users.by_email(&req.email, req.search_unsynched == Some(true)) {
        Some(r) => json(200, r.wire.clone()),
        None => app_error(404, format!("User {} not found", req.email)),
    }
}

fn search(app: &App, v2: bool, query: Option<&str>, bytes: &[u8]) -> Response<Body> {
    let Ok(params) = serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or("")) else {
        return app_error(400, "The query string is malformed.");
    };
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let Ok(size) = search::page_size(get("pageSize")) else {
        return app_error(400, format!("pageSize must be an integer from 1 to {}.", search::PAGE_SIZE_MAX));
    };
    let number = if v2 {
        match search::page_number(get("pageNumber")) {
            Ok(n) => n,
            Err(_) => return app_error(400, "pageNumber must be an integer from 0."),
        }
    } else {
        0
    };
    let obj = try_resp!(object(try_resp!(parse_json(bytes)), "emailLike not provided."));
    match obj.get("emailLike") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(Value::String(_) | Value::Null) | None => return app_error(400, "emailLike not provided."),
        Some(_) => return app_error(400, "emailLike must be a string."),
    }
    let Ok(req) = serde_json::from_value::<SearchRequest>(Value::Object(obj)) else {
        return app_error(400, "emailLike not provided.");
    };
    let needle = req.email_like.to_lowercase();
    let users = app.users();
    let ordered = users.search(&needle);
    let size = size as usize;
    let page: Vec<&Rec> = ordered.skip(number as usize * size).take(size).collect();
    let mut out = Vec::with_capacity(64 + page.iter().map(|r| r.wire.len() + 1).sum::<usize>());
    if v2 {
        let total = users.matching(&needle).count() as u64;
        out.extend_from_slice(
            format!("{{\"totalPages\":{},\"totalElements\":{total},\"elements\":", search::total_pages(total, size as u32)).as_bytes(),
        );
    } else if page.is_empty() {
        // "If no matches are found, an empty body is returned."
        return respond(200, None, Body::empty());
    }
    out.push(b'[');
    for (i, r) in page.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&r.wire);
    }
    out.push(b']');
    if v2 {
        out.push(b'}');
    }
    json(200, out)
}

fn set_status(app: &App, raw_id: &str, bytes: &[u8]) -> Response<Body> {
    let obj = try_resp!(object(try_resp!(parse_json(bytes)), "User status not provided in the request body."));
    if obj.len() != 1 {
        return app_error(400, "Wrong number of properties in the request body.");
    }
    let want = match obj.get("userStatus") {
        None | Some(Value::Null) => return app_error(400, "User status not provided in the request body."),
        Some(Value::String(s)) if s == "Enabled" || s == "Disabled" => {
            match serde_json::from_value::<UserStatusRequest>(Value::Object(obj.clone())) {
                Ok(r) => r.user_status,
                Err(_) => return app_error(400, "User status not provided in the request body."),
            }
        }
        Some(_) => return app_error(400, "Value of user status is not equal to Enabled or Disabled."),
    };
    let id = raw_id.trim();
    let not_found = || app_error(404, if id.is_empty() { "User not found".to_string() } else { format!("User {id} not found") });
    if id.is_empty() {
        return not_found();
    }
    let mut users = app.users_mut();
    let Some(index) = users.index_of_id(id) else { return not_found() };
    let rec = &users.recs[index];
    let current = rec.status().clone();
    if current == UserStatus::PendingDeletion {
        return app_error(
            409,
            if want == UserStatus::Enabled {
                format!("User {id} is pending deletion and cannot be enabled.")
            } else {
                format!("User {id} is pending deletion; its status cannot be changed.")
            },
        );
    }
    let answer = UserStatusResponse { id: rec.user.id.clone(), user_status: want.clone() };
    if current == want {
        return json_value(200, &answer);
    }
    if want == UserStatus::Enabled && rec.private.disabled_by_sync {
        return app_error(409, format!("User {id} was disabled by a synchronization with the identity source and cannot be enabled."));
    }
    let mut user = rec.user.clone();
    user.user_status = Some(want);
    let changed = rec.with(user, rec.private.clone());
    if app.db().save_users([&changed]).is_err() {
        return app_error(500, "Internal server error");
    }
    users.replace(vec![(index, changed)]);
    json_value(200, &answer)
}

fn change_high_risk(app: &App, bytes: &[u8]) -> Response<Body> {
    let obj = try_resp!(object(try_resp!(parse_json(bytes)), "Invalid or missing action code."));
    let (mut action, mut list) = (None, None);
    for (k, v) in &obj {
        let slot = if k.eq_ignore_ascii_case("action") {
            &mut action
        } else if k.eq_ignore_ascii_case("users") {
            &mut list
        } else {
            return app_error(400, format!("Invalid property: {k}."));
        };
        if slot.replace(v).is_some() {
            return app_error(400, format!("Invalid property: {k} given twice."));
        }
    }
    let Some(action) = action.and_then(Value::as_str).and_then(HighRiskAction::parse) else {
        return app_error(400, "Invalid or missing action code.");
    };
    let items = match list {
        None | Some(Value::Null) => return app_error(400, "Empty list of emails."),
        Some(Value::Array(a)) if a.is_empty() => return app_error(400, "Empty list of emails."),
        Some(Value::Array(a)) if a.len() > HIGH_RISK_BATCH_LIMIT => {
            return app_error(400, format!("Number of emails exceeds maximum allowed value of {HIGH_RISK_BATCH_LIMIT}."))
        }
        Some(Value::Array(a)) => a,
        Some(_) => return app_error(400, "Invalid property: users must be an array."),
    };
    let mut identifiers = Vec::with_capacity(items.len());
    for v in items {
        match v.as_str() {
            Some(s) => identifiers.push(s.to_string()),
            None => return app_error(400, "Invalid property: every entry of users must be a string."),
        }
    }
    let req = HighRiskRequest::new(action, identifiers);
    let add = action == HighRiskAction::Add;
    let mut users = app.users_mut();
    let mut failed = Vec::new();
    let mut changed: Vec<(usize, Rec)> = Vec::new();
    for ident in &req.users {
        match users.resolve(ident.trim()) {
            Resolved::User(i) => {
                let rec = &users.recs[i];
                if rec.user.high_risk_user != Some(add) && !changed.iter().any(|(j, _)| *j == i) {
                    let mut user = rec.user.clone();
                    user.high_risk_user = Some(add);
                    changed.push((i, rec.with(user, rec.private.clone())));
                }
            }
            Resolved::NotFound => failed.push(MultiStatusItem { id: ident.clone(), status_code: 404, error: "User not found".into() }),
            Resolved::Ambiguous => failed.push(MultiStatusItem {
                id: ident.clone(),
                status_code: 409,
                error: "Multiple users were found for the user identifier".into(),
            }),
        }
    }
    if !changed.is_empty() {
        if app.db().save_users(changed.iter().map(|(_, r)| r)).is_err() {
            return app_error(500, "Internal server error");
        }
        users.replace(changed);
    }
    match failed.as_slice() {
        [] => respond(200, None, Body::empty()),
        [only] if req.users.len() == 1 => app_error(only.status_code, only.error.clone()),
        _ => json_value(207, &MultiStatus { users: failed }),
    }
}

fn list_high_risk(app: &App, v2: bool) -> Response<Body> {
    let users = app.users();
    if v2 {
        let list = HighRiskListV2 {
            users: users
                .high_risk()
                .map(|r| HighRiskEntry {
                    email: r.user.email_address.clone(),
                    primary_username: r.user.principal_username.clone().unwrap_or_default(),
                    alternate_username: r.user.alternate_username.clone().unwrap_or_default(),
                })
                .collect(),
        };
        json_value(200, &list)
    } else {
        json_value(200, &HighRiskListV1 { users: users.high_risk().map(|r| r.user.email_address.clone()).collect() })
    }
}

fn update(app: &App, bytes: &[u8]) -> Response<Body> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return app_error(400, "Required request body is missing.");
    }
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return app_error(400, "Malformed JSON request body.");
    };
    if !value.is_object() {
        return app_error(400, "The request body must be a JSON object.");
    }
    let req: UpdateLocalUserRequest = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => return app_error(400, format!("Invalid request body: {e}.")),
    };
    let mut users = app.users_mut();
    let outcome = crate::update::update(&users, &req);
    if let Some((index, rec)) = outcome.change {
        if app.db().save_users([&rec]).is_err() {
            return app_error(500, "Internal server error");
        }
        users.replace(vec![(index, rec)]);
    }
    json_value(200, &outcome.response)
}

/// `POST /oauth/token` (form-encoded client credentials with a JWT client assertion).
pub async fn token(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let resp = if parts.method != Method::POST {
        json_value(405, &serde_json::json!({"error": "invalid_request", "error_description": "Use POST."}))
    } else {
        match read_body(&parts.headers, body).await {
            Err(()) => json_value(413, &serde_json::json!({"error": "invalid_request", "error_description": "The request body is too large."})),
            Ok(bytes) => match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) {
                Err(_) => json_value(
                    400,
                    &serde_json::json!({"error": "invalid_request", "error_description": "The body must be application/x-www-form-urlencoded."}),
                ),
                Ok(form) => match app.auth.issue_token(&form, &app.db) {
                    Ok(v) => {
                        let mut r = json_value(200, &v);
                        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                        r
                    }
                    Err(e) => json_value(e.status, &e.body),
                },
            },
        }
    };
    let status = resp.status().as_u16();
    app.count("POST /oauth/token", status);
    if app.verbose {
        log_line(&parts.method, parts.uri.path(), status, started, "token");
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route(&Method::POST, "/AdminInterface/restapi/v1/users/lookup"), Ok(Route::Lookup));
        assert_eq!(route(&Method::GET, "/AdminInterface/restapi/v1/users/lookup"), Err(405));
        assert_eq!(route(&Method::PUT, "/AdminInterface/restapi/v1/users/a%20b/userStatus"), Ok(Route::Status("a b".into())));
        assert_eq!(route(&Method::PUT, "/AdminInterface/restapi/v1/users//userStatus"), Ok(Route::Status(String::new())));
        assert_eq!(route(&Method::GET, "/AdminInterface/restapi/v1/users/highrisk"), Ok(Route::HighRiskList { v2: false }));
        assert_eq!(route(&Method::PUT, "/AdminInterface/restapi/v1/users/highrisk"), Ok(Route::HighRiskChange));
        assert_eq!(route(&Method::POST, "/AdminInterface/restapi/v1/users/highrisk"), Err(405));
        assert_eq!(route(&Method::POST, "/AdminInterface/restapi/v1/users/lookup/"), Err(404));
        assert_eq!(route(&Method::POST, "/other"), Err(404));
        assert_eq!(percent_decode("%41b%4"), "Ab%4");
        assert_eq!(percent_decode("%zz%"), "%zz%");
    }
}
