//! `GET /v1/users/{id}/authlogs/`: the user's generated history and the events actions wrote
//! since, newest first, at most 100, within the 40 days CAS keeps (notes §2, §11.9–10).

use super::{query_params, user_index, UserId};
use crate::app::{app_error, json_value, App};
use crate::clock::{now_ms, parse_iso, DAY_MS};
use crate::gen;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::Response;
use cas_core::helpdesk::authlogs::{AUTH_LOG_LIMIT, RETENTION_DAYS};
use cas_core::helpdesk::AuthLogEntry;
use std::sync::Arc;

struct Filter {
    code: Option<i64>,
    /// Exclusive.
    after: Option<i64>,
    /// Inclusive.
    until: Option<i64>,
}

/// An empty value counts as absent (as Spring binds it).
fn filter(query: Option<&str>) -> Result<Filter, Box<Response<Body>>> {
    let params = query_params(query)?;
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let code = match get("eventCode") {
        None => None,
        Some(v) => Some(v.parse::<i64>().map_err(|_| Box::new(app_error(400, "eventCode must be an integer.")))?),
    };
    let time = |name: &str| -> Result<Option<i64>, Box<Response<Body>>> {
        let Some(v) = get(name) else { return Ok(None) };
        parse_iso(v).map(Some).ok_or_else(|| {
            // A raw "+" arrives as a space (the docs: "The + character needs to be encoded as %2B").
            let hint = if v.contains(' ') { " A + in it must be sent as %2B." } else { "" };
            Box::new(app_error(400, format!("{name} must be an ISO 8601 date and time with an offset, like 2025-06-01T08:00:00.000+02:00.{hint}")))
        })
    };
    let after = time("startTimeAfter")?;
    let until = time("endTimeOnOrBefore")?;
    if let (Some(a), Some(u)) = (after, until) {
        if a > u {
            return Err(Box::new(app_error(400, "startTimeAfter must not be after endTimeOnOrBefore.")));
        }
    }
    Ok(Filter { code, after, until })
}

pub async fn authlogs(State(app): State<Arc<App>>, UserId(id): UserId, RawQuery(query): RawQuery) -> Response<Body> {
    let f = match filter(query.as_deref()) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let users = app.users();
    let index = match user_index(&users, id.as_deref()) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let rec = &users.recs[index];
    let since = now_ms() - RETENTION_DAYS * DAY_MS;
    let mut events: Vec<(i64, AuthLogEntry)> = match rec.private.history {
        Some(origin) => gen::history(app.tenant.seed, app.tenant.anchor, origin)
            .into_iter()
            .filter(|e| e.at > since)
            .map(|e| (e.at, e.entry(&rec.user.id, &app.tenant.tenant)))
            .collect(),
        None => Vec::new(),
    };
    let stored = match app.db().events_of(&rec.user.id, since) {
        Ok(s) => s,
        Err(_) => return app_error(500, "Internal server error"),
    };
    events.extend(stored.into_iter().filter_map(|(at, text)| serde_json::from_str(&text).ok().map(|e| (at, e))));
    drop(users);
    let mut kept: Vec<(i64, AuthLogEntry)> = events
        .into_iter()
        .filter(|(at, e)| f.after.is_none_or(|a| *at > a) && f.until.is_none_or(|u| *at <= u) && f.code.is_none_or(|c| e.event_code.map(i64::from) == Some(c)))
        .collect();
    // Newest first; for equal times the later-written first (generated come before stored).
    kept.reverse();
    kept.sort_by_key(|e| std::cmp::Reverse(e.0));
    kept.truncate(AUTH_LOG_LIMIT);
    let entries: Vec<AuthLogEntry> = kept.into_iter().map(|(_, e)| e).collect();
    json_value(200, &entries)
}
