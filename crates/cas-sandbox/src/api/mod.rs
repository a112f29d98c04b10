//! The Cloud Administration API under `/AdminInterface/restapi`, routed by axum, and the
//! pipeline every API request goes through: route (404/405 in the gateway's form), body limit
//! (413), credential, permission, rate limit, injected failure, handler, injected latency,
//! counters and the request log.

mod authlogs;
pub mod body;
mod devices;
pub mod emergency;
mod lifecycle;
mod token;
mod unlock;
mod users;

use crate::app::{app_error, forbidden, gateway_error, App, EXPIRED, REFUSED};
use crate::store::{Rec, Users};
use crate::auth::{Cred, Refusal};
use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, Response};
use axum::middleware::{self, Next};
use axum::routing::{delete, get, patch, post, put, MethodRouter};
use axum::Router;
use cas_core::access::Operation;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

pub use body::BODY_LIMIT;

pub const PREFIX: &str = "/AdminInterface/restapi";

/// An API endpoint, as the pipeline sees it before its handler runs.
pub struct Endpoint {
    pub method: &'static str,
    /// Under `PREFIX`, with `{id}` for the user id.
    pub path: &'static str,
    pub op: Operation,
}

/// Every endpoint the router serves (a test checks that each answers).
pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint { method: "POST", path: "/v1/users/lookup", op: Operation::Lookup },
    Endpoint { method: "POST", path: "/v1/users/search", op: Operation::Search },
    Endpoint { method: "POST", path: "/v2/users/search", op: Operation::Search },
    Endpoint { method: "PUT", path: "/v1/users/{id}/userStatus", op: Operation::SetUserStatus },
    Endpoint { method: "PUT", path: "/v1/users/highrisk", op: Operation::ChangeHighRisk },
    Endpoint { method: "GET", path: "/v1/users/highrisk", op: Operation::ReadHighRisk },
    Endpoint { method: "GET", path: "/v2/users/highrisk", op: Operation::ReadHighRisk },
    Endpoint { method: "PUT", path: "/v1/users/update", op: Operation::UpdateLocalUser },
    Endpoint { method: "GET", path: "/v1/users/{id}/authlogs/", op: Operation::ReadAuthLogs },
    Endpoint { method: "GET", path: "/v1/users/{id}/authlogs", op: Operation::ReadAuthLogs },
    Endpoint { method: "GET", path: "/v1/users/{id}/devices", op: Operation::ReadAuthenticators },
    Endpoint { method: "GET", path: "/v2/users/{id}/devices", op: Operation::ReadAuthenticatorsV2 },
    Endpoint { method: "DELETE", path: "/v1/users/{id}/devices/{deviceId}", op: Operation::DeleteAuthenticator },
    Endpoint { method: "PATCH", path: "/v1/users/{id}/methods", op: Operation::UnlockMethods },
    Endpoint { method: "PUT", path: "/v1/users/{id}/emergencyTokencode", op: Operation::IssueEmergencyCode },
    Endpoint { method: "PUT", path: "/v2/users/{id}/emergencyTokencode", op: Operation::IssueEmergencyCode },
    Endpoint { method: "DELETE", path: "/v1/users/{id}/emergencyTokencode/{eacId}", op: Operation::DisableEmergencyCode },
    Endpoint { method: "DELETE", path: "/v1/users/{id}/emergencyTokencodes", op: Operation::DisableEmergencyCode },
    Endpoint { method: "POST", path: "/v1/users/{id}/sync", op: Operation::SyncUser },
    Endpoint { method: "PUT", path: "/v1/users/{id}/markDeleted", op: Operation::MarkDeleted },
];

struct Known {
    op: Operation,
    /// `METHOD /AdminInterface/restapi/...` with `{id}`: the name in counters and the log.
    name: String,
}

/// Matched route → (method, endpoint). A route with `{id}` is also routed with an empty id
/// segment (`/v1/users//userStatus`), which matchit cannot match as a parameter: RSA answers a
/// blank user id with the API's own 404, not the gateway's.
static KNOWN: LazyLock<HashMap<String, Vec<(&'static str, Known)>>> = LazyLock::new(|| {
    let mut m: HashMap<String, Vec<(&'static str, Known)>> = HashMap::new();
    for e in ENDPOINTS {
        let name = format!("{} {PREFIX}{}", e.method, e.path);
        for path in routed_paths(e.path) {
            m.entry(path).or_default().push((e.method, Known { op: e.op, name: name.clone() }));
        }
    }
    m
});

fn known(method: &str, matched: &str) -> Option<&'static Known> {
    KNOWN.get(matched)?.iter().find(|(m, _)| *m == method).map(|(_, k)| k)
}

fn routed_paths(path: &str) -> Vec<String> {
    let full = format!("{PREFIX}{path}");
    if path.contains("{id}") {
        vec![full.replace("{id}", ""), full]
    } else {
        vec![full]
    }
}

fn with_blank_id(router: Router<Arc<App>>, path: &str, m: MethodRouter<Arc<App>>) -> Router<Arc<App>> {
    routed_paths(path).into_iter().fold(router, |r, p| r.route(&p, m.clone()))
}

pub fn router(app: Arc<App>) -> Router<Arc<App>> {
    let api = Router::new()
        .route(&format!("{PREFIX}/v1/users/lookup"), post(users::lookup_endpoint))
        .route(&format!("{PREFIX}/v1/users/search"), post(users::search_v1))
        .route(&format!("{PREFIX}/v2/users/search"), post(users::search_v2))
        .route(&format!("{PREFIX}/v1/users/update"), put(users::update_endpoint))
        .route(&format!("{PREFIX}/v1/users/highrisk"), get(users::high_risk_v1).put(users::change_high_risk_endpoint))
        .route(&format!("{PREFIX}/v2/users/highrisk"), get(users::high_risk_v2));
    let api = with_blank_id(api, "/v1/users/{id}/userStatus", put(users::status_endpoint));
    // The doc writes the auth-log path with a trailing slash (and RSA's Java client sends
    // it); without one is taken too.
    let api = with_blank_id(api, "/v1/users/{id}/authlogs/", get(authlogs::authlogs));
    let api = with_blank_id(api, "/v1/users/{id}/authlogs", get(authlogs::authlogs));
    let api = with_blank_id(api, "/v1/users/{id}/devices", get(devices::devices_v1));
    let api = with_blank_id(api, "/v2/users/{id}/devices", get(devices::devices_v2));
    let api = with_blank_id(api, "/v1/users/{id}/devices/{deviceId}", delete(devices::delete_device));
    let api = with_blank_id(api, "/v1/users/{id}/methods", patch(unlock::unlock));
    let api = with_blank_id(api, "/v1/users/{id}/emergencyTokencode", put(emergency::issue_v1));
    let api = with_blank_id(api, "/v2/users/{id}/emergencyTokencode", put(emergency::issue_v2));
    let api = with_blank_id(api, "/v1/users/{id}/emergencyTokencode/{eacId}", delete(emergency::disable));
    // The old page's plural path, without the code's id.
    let api = with_blank_id(api, "/v1/users/{id}/emergencyTokencodes", delete(emergency::disable));
    let api = with_blank_id(api, "/v1/users/{id}/sync", post(lifecycle::sync));
    let api = with_blank_id(api, "/v1/users/{id}/markDeleted", put(lifecycle::mark_deleted));
    // The 405 answer is set before the pipeline wraps the routes, so it is counted too.
    let api = api.method_not_allowed_fallback(method_not_allowed).route_layer(middleware::from_fn_with_state(app, pipeline));
    Router::new()
        .route("/oauth/token", post(token::token).fallback(token::wrong_method))
        .merge(api)
        .fallback(not_found)
}

/// Unknown path: the gateway's 404, before any authentication.
async fn not_found(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let started = Instant::now();
    let path = req.uri().path().to_string();
    let resp = gateway_error(404, "Not Found", "No endpoint", &path);
    app.finish("other", req.method(), &path, resp, started, None).await
}

/// Known path, other method: the gateway's 405, before any authentication.
async fn method_not_allowed(req: Request) -> Response<Body> {
    gateway_error(405, "Method Not Allowed", "Request method not supported", req.uri().path())
}

async fn pipeline(State(app): State<Arc<App>>, matched: MatchedPath, req: Request, next: Next) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // HEAD is answered by a GET route, as by any HTTP server.
    let as_method = if method == Method::HEAD { "GET" } else { method.as_str() };
    app.maintain();
    let Some(known) = known(as_method, matched.as_str()) else {
        // The route exists with another method: the 405 fallback answers.
        let resp = next.run(req).await;
        return app.finish("other", &method, &path, resp, started, None).await;
    };
    let name = known.name.as_str();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = body::read(&parts.headers, body).await else {
        return app.finish(name, &method, &path, body::too_large(), started, None).await;
    };
    let authz = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let cred = match app.auth.authenticate(authz) {
        Ok(c) => c,
        Err(Refusal::Expired) => return app.finish(name, &method, &path, forbidden(EXPIRED, &path), started, None).await,
        Err(Refusal::Refused) => return app.finish(name, &method, &path, forbidden(REFUSED, &path), started, None).await,
    };
    if !cred.allows(known.op) {
        return app.finish(name, &method, &path, forbidden(REFUSED, &path), started, Some(&cred)).await;
    }
    if let Err(secs) = app.faults.rate_check(&cred.rate_key()) {
        return app.finish(name, &method, &path, too_many(Some(secs)), started, Some(&cred)).await;
    }
    if let Some(retry_after) = app.faults.throttled() {
        return app.finish(name, &method, &path, too_many(retry_after), started, Some(&cred)).await;
    }
    if app.faults.should_fail() {
        return app.finish(name, &method, &path, crate::app::app_error(500, "Internal server error"), started, Some(&cred)).await;
    }
    let mut req = Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(cred.clone());
    let resp = next.run(req).await;
    app.finish(name, &method, &path, resp, started, Some(&cred)).await
}

/// `{"code": "429 TOO_MANY_REQUESTS", ...}` with `Retry-After` in whole seconds, if any.
pub fn too_many(retry_after: Option<u64>) -> Response<Body> {
    let mut r = crate::app::app_error(429, "Too many requests.");
    if let Some(v) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// The `{id}` of a user route, percent-decoded; `None` when it does not decode to UTF-8 (no
/// user has such an id). The blank-id routes give `Some("")`.
pub struct UserId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for UserId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<HashMap<String, String>>::from_request_parts(parts, state).await {
            Ok(Path(params)) => Ok(UserId(Some(params.get("id").cloned().unwrap_or_default()))),
            Err(axum::extract::rejection::PathRejection::MissingPathParams(_)) => Ok(UserId(Some(String::new()))),
            Err(_) => Ok(UserId(None)),
        }
    }
}

/// All the parameters of a route, percent-decoded; `None` when one does not decode to UTF-8.
pub struct Params(pub Option<HashMap<String, String>>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<HashMap<String, String>>::from_request_parts(parts, state).await {
            Ok(Path(params)) => Ok(Params(Some(params))),
            Err(axum::extract::rejection::PathRejection::MissingPathParams(_)) => Ok(Params(Some(HashMap::new()))),
            Err(_) => Ok(Params(None)),
        }
    }
}

/// The credential the pipeline authenticated, for handlers that record who acted.
pub type Caller = axum::Extension<Cred>;

/// The synchronized user `id` names, or the API's 404 (§11.4): `User <id> not found`, or
/// `User not found` for a blank id or one that is not UTF-8.
pub fn user_index(users: &Users, id: Option<&str>) -> Result<usize, Box<Response<Body>>> {
    let id = id.unwrap_or("");
    if id.trim().is_empty() {
        return Err(Box::new(app_error(404, "User not found")));
    }
    users.index_of_id(id).ok_or_else(|| Box::new(app_error(404, format!("User {id} not found"))))
}

/// Writes a changed user through to the database, then into memory.
pub fn save(app: &App, users: &mut Users, index: usize, rec: Rec) -> Result<(), Box<Response<Body>>> {
    app.db().save_users([&rec]).map_err(|_| Box::new(app_error(500, "Internal server error")))?;
    app.note_deadline(&rec);
    users.replace(vec![(index, rec)]);
    Ok(())
}

/// The query's parameters, each at most once; `Err` is the 400 to answer.
pub fn query_params(query: Option<&str>) -> Result<HashMap<String, String>, Box<Response<Body>>> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
        .map_err(|_| Box::new(app_error(400, "The query string is malformed.")))?;
    let mut out = HashMap::new();
    for (k, v) in pairs {
        if out.insert(k.clone(), v).is_some() {
            return Err(Box::new(app_error(400, format!("The parameter {k} is given more than once."))));
        }
    }
    Ok(out)
}
