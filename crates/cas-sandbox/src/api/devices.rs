//! Authenticator Details v1 and v2 and Delete User Device (notes §3, §4, §11.11–13).

use super::{query_params, save, user_index, Params, UserId};
use crate::app::{app_error, json_value, respond, App};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::Response;
use cas_core::helpdesk::{AuthenticatorsV1, AuthenticatorsV2};
use std::sync::Arc;

/// `includeBrowsers`: `true`/`false` in any case (the page capitalizes them, its example does
/// not); absent, the version's default (v1 includes browsers, v2 does not).
fn include_browsers(query: Option<&str>, default: bool) -> Result<bool, Box<Response<Body>>> {
    let params = query_params(query)?;
    match params.get("includeBrowsers").map(String::as_str) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(Box::new(app_error(400, "includeBrowsers must be true or false."))),
    }
}

fn authenticators(app: &App, id: Option<&str>, query: Option<&str>, default: bool) -> Result<(AuthenticatorsV2, bool), Box<Response<Body>>> {
    let browsers = include_browsers(query, default)?;
    let users = app.users();
    let index = user_index(&users, id)?;
    Ok((users.recs[index].private.authenticators.clone(), browsers))
}

/// `GET /v1/users/{id}/devices`: `{"devices": [...]}`, app devices (and browsers); no hardware
/// tokens, as v1's page says, and no FIDO credentials.
pub async fn devices_v1(State(app): State<Arc<App>>, UserId(id): UserId, RawQuery(query): RawQuery) -> Response<Body> {
    match authenticators(&app, id.as_deref(), query.as_deref(), true) {
        Ok((a, browsers)) => json_value(200, &AuthenticatorsV1 { devices: a.devices.into_iter().filter(|d| browsers || !d.is_browser()).collect() }),
        Err(r) => *r,
    }
}

/// `GET /v2/users/{id}/devices`: all three lists, always.
pub async fn devices_v2(State(app): State<Arc<App>>, UserId(id): UserId, RawQuery(query): RawQuery) -> Response<Body> {
    match authenticators(&app, id.as_deref(), query.as_deref(), false) {
        Ok((mut a, browsers)) => {
            a.devices.retain(|d| browsers || !d.is_browser());
            json_value(200, &a)
        }
        Err(r) => *r,
    }
}

/// `DELETE /v1/users/{id}/devices/{deviceId}`: 200 with an empty body. Only an app device or
/// browser of that user (FIDO credentials and hardware tokens have their own delete APIs and
/// permissions); anything else is "User and/or device is not found.".
pub async fn delete_device(State(app): State<Arc<App>>, Params(params): Params) -> Response<Body> {
    let params = params.unwrap_or_default();
    let mut users = app.users_mut();
    let index = match user_index(&users, params.get("id").map(String::as_str)) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let rec = &users.recs[index];
    let device = params.get("deviceId").map(String::as_str).unwrap_or("");
    let mut private = rec.private.clone();
    let before = private.authenticators.devices.len();
    private.authenticators.devices.retain(|d| d.id != device);
    if private.authenticators.devices.len() == before {
        return app_error(404, "User and/or device is not found.");
    }
    let changed = rec.with(rec.user.clone(), private);
    match save(&app, &mut users, index, changed) {
        Ok(()) => respond(200, None, Body::empty()),
        Err(r) => *r,
    }
}
