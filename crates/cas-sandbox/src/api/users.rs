//! The five user APIs of the seed pages: lookup, search (v1, v2), user status, the high-risk
//! list (add/remove, v1 and v2 reads) and the local-user update.

use super::body::{duplicate, is_blank, object, parse_json, strict, try_resp, JsonError};
use super::UserId;
use crate::app::{app_error, json, json_value, respond, App};
use crate::store::{Rec, Resolved};
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::Response;
use cas_core::search;
use cas_core::wire::{
    HighRiskAction, HighRiskEntry, HighRiskListV1, HighRiskListV2, HighRiskRequest, LookupRequest, MultiStatus,
    MultiStatusItem, SearchRequest, UpdateLocalUserRequest, UserStatus, UserStatusRequest, UserStatusResponse,
    HIGH_RISK_BATCH_LIMIT,
};
use serde_json::Value;
use std::sync::Arc;

type Answer = Response<Body>;

/// `POST /v1/users/lookup`
pub async fn lookup_endpoint(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    lookup(&app, &body)
}

/// `POST /v1/users/search?pageSize=`
pub async fn search_v1(State(app): State<Arc<App>>, RawQuery(query): RawQuery, body: Bytes) -> Answer {
    search(&app, false, query.as_deref(), &body)
}

/// `POST /v2/users/search?pageSize=&pageNumber=`
pub async fn search_v2(State(app): State<Arc<App>>, RawQuery(query): RawQuery, body: Bytes) -> Answer {
    search(&app, true, query.as_deref(), &body)
}

/// `PUT /v1/users/{id}/userStatus`
pub async fn status_endpoint(State(app): State<Arc<App>>, UserId(id): UserId, body: Bytes) -> Answer {
    set_status(&app, id.as_deref(), &body)
}

/// `PUT /v1/users/highrisk`
pub async fn change_high_risk_endpoint(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    change_high_risk(&app, &body)
}

/// `GET /v1/users/highrisk`
pub async fn high_risk_v1(State(app): State<Arc<App>>) -> Answer {
    list_high_risk(&app, false)
}

/// `GET /v2/users/highrisk`
pub async fn high_risk_v2(State(app): State<Arc<App>>) -> Answer {
    list_high_risk(&app, true)
}

/// `PUT /v1/users/update`
pub async fn update_endpoint(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    update(&app, &body)
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

fn set_status(app: &App, raw_id: Option<&str>, bytes: &[u8]) -> Response<Body> {
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
    // An id that is not UTF-8 once decoded names no user; a blank one is "not found" too.
    // Ids are compared exactly: a padded UUID is not that UUID.
    let id = raw_id.unwrap_or("");
    let not_found = || app_error(404, if id.trim().is_empty() { "User not found".to_string() } else { format!("User {id} not found") });
    if id.trim().is_empty() {
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
        _ => json_value(207, &MultiStatus::of(failed)),
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
    if is_blank(bytes) {
        return app_error(400, "Required request body is missing.");
    }
    let value = match strict(bytes) {
        Ok(v) => v,
        Err(JsonError::Duplicate(key)) => return duplicate(&key),
        Err(JsonError::Malformed) => return app_error(400, "Malformed JSON request body."),
    };
    if !value.is_object() {
        return app_error(400, "The request body must be a JSON object.");
    }
    // The path of a property of the wrong type, never serde's text: it quotes the value,
    // which may be a password.
    let req: UpdateLocalUserRequest = match serde_path_to_error::deserialize(value) {
        Ok(r) => r,
        Err(e) => return app_error(400, format!("Invalid request body: {} has the wrong type.", e.path())),
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
