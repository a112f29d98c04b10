//! Synchronize User (notes §7, §11.19) and Mark User Deleted (§8, §11.20–21).

use super::body::{object, parse_json, strict, try_resp};
use super::{save, Caller, UserId};
use crate::app::{app_error, json, App};
use crate::clock::{iso_ms, now_ms};
use crate::gen::history::Event;
use crate::seeded;
use crate::store::Directory;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Response;
use cas_core::wire::UserStatus;
use serde_json::Value;
use std::sync::Arc;

/// The body the sync page asks for: none, `Content-Length: 0`, or (as RSA's Java client sends
/// it) the JSON string `""`.
fn empty_body(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace) || strict(bytes) == Ok(Value::String(String::new()))
}

/// `POST /v1/users/{id}/sync`: the user as the emulated directory now has them, with
/// `lastSyncTime` now. A user the directory disabled or lost is disabled (events 401, 402);
/// one the sandbox had disabled by a sync and the directory has enabled again is enabled
/// (event 400). An administrator's disable and a pending deletion are left as they are. An
/// unsynched user (in the directory, not yet in CAS) becomes synchronized.
pub async fn sync(State(app): State<Arc<App>>, UserId(id): UserId, body: Bytes) -> Response<Body> {
    // The page lists no 415: anything else is a 400.
    if !empty_body(&body) {
        return app_error(400, "The request body must be empty.");
    }
    let raw = id.as_deref().unwrap_or("");
    let mut users = app.users_mut();
    let Some(index) = (!raw.trim().is_empty()).then(|| users.index_of_any_id(raw)).flatten() else {
        return app_error(404, if raw.trim().is_empty() { "User not found".to_string() } else { format!("User {raw} not found") });
    };
    let rec = &users.recs[index];
    let now = now_ms();
    let mut u = rec.user.clone();
    let mut p = rec.private.clone();
    let mut code = None;
    p.unsynched = false;
    u.last_sync_time = Some(iso_ms(now));
    if *rec.status() != UserStatus::PendingDeletion {
        match p.directory {
            Directory::Disabled | Directory::Missing if *rec.status() == UserStatus::Enabled => {
                u.user_status = Some(UserStatus::Disabled);
                p.disabled_by_sync = true;
                code = Some(if p.directory == Directory::Missing { 402 } else { 401 });
            }
            Directory::Present if p.disabled_by_sync && *rec.status() == UserStatus::Disabled => {
                u.user_status = Some(UserStatus::Enabled);
                p.disabled_by_sync = false;
                code = Some(400);
            }
            _ => {}
        }
    }
    let changed = rec.with(u, p);
    let events: Vec<(i64, String)> = code
        .map(|code| {
            let ids = [seeded::random_uuid(), seeded::random_uuid(), seeded::random_uuid()];
            let e = Event { at: now, code, method: None, application: None, policy: None, source_ip: None, device: None, assurance: None, ids };
            (now, serde_json::to_string(&e.entry(&changed.user.id, &app.tenant.tenant)).unwrap_or_default())
        })
        .into_iter()
        .collect();
    if app.db().save_user_with_events(&changed, &events).is_err() {
        return app_error(500, "Internal server error");
    }
    let wire = changed.wire.clone();
    users.replace(vec![(index, changed)]);
    json(200, wire)
}

/// `{"markDeleted": true | false | "true" | "false"}`, nothing else.
fn mark(bytes: &[u8]) -> Result<bool, Box<Response<Body>>> {
    let obj = object(parse_json(bytes)?, "markDeleted not provided in the request body.")?;
    if obj.len() != 1 {
        return Err(Box::new(app_error(400, "Wrong number of properties in the request body.")));
    }
    match obj.get("markDeleted") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" => Ok(true),
        Some(Value::String(s)) if s == "false" => Ok(false),
        None | Some(Value::Null) => Err(Box::new(app_error(400, "markDeleted not provided in the request body."))),
        Some(_) => Err(Box::new(app_error(400, "markDeleted must be true or false."))),
    }
}

/// `PUT /v1/users/{id}/markDeleted`: `true` marks a disabled user for deletion (Pending
/// Deletion, purged seven days later), `false` takes the mark back (Disabled again). 405 for a
/// SCIM-managed user; 409 for `true` on a user already pending or still enabled and for `false`
/// on a user not pending. The answer is the whole user.
pub async fn mark_deleted(State(app): State<Arc<App>>, axum::Extension(cred): Caller, UserId(id): UserId, body: Bytes) -> Response<Body> {
    let want = try_resp!(mark(&body));
    let mut users = app.users_mut();
    let index = try_resp!(super::user_index(&users, id.as_deref()));
    let rec = &users.recs[index];
    let id = rec.user.id.clone();
    if rec.private.scim_managed {
        return app_error(405, "The method you are using is not allowed for users in the SCIM Managed and Azure Active Directory (SCIM) identity sources.");
    }
    let pending = *rec.status() == UserStatus::PendingDeletion;
    let mut u = rec.user.clone();
    match (want, pending) {
        (true, true) => return app_error(409, format!("User {id} is already pending deletion.")),
        (true, false) if *rec.status() == UserStatus::Enabled => {
            return app_error(409, format!("User {id} is enabled: disable the user before marking it for deletion."))
        }
        (false, false) => return app_error(409, format!("User {id} is not pending deletion.")),
        (true, false) => {
            u.user_status = Some(UserStatus::PendingDeletion);
            u.mark_deleted = Some(true);
            u.mark_deleted_at = Some(iso_ms(now_ms()));
            u.mark_deleted_by = Some(cred.id().to_string());
        }
        (false, true) => {
            u.user_status = Some(UserStatus::Disabled);
            u.mark_deleted = Some(false);
            u.mark_deleted_at = None;
            u.mark_deleted_by = None;
        }
    }
    let changed = rec.with(u, rec.private.clone());
    let wire = changed.wire.clone();
    try_resp!(save(&app, &mut users, index, changed));
    json(200, wire)
}
