//! The running sandbox: state shared by every request, faults, rate limits and counters.

use crate::auth::{Auth, Cred};
use crate::faults::Injector;
use crate::gen::history::Tenant;
use crate::reqlog::{Entry, RequestLog, Who};
use crate::api::emergency::EmergencyConfig;
use crate::store::{Db, Rec, Users};
use crate::clock::now_ms;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use cas_core::wire::{AppErrorBody, ForbiddenBody};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

pub use crate::faults::Faults;

/// The tenant's fixed facts: where generated histories come from, and whose they are.
pub struct TenantInfo {
    /// The seed and anchor the users were generated with (kept in the database).
    pub seed: u64,
    pub anchor: i64,
    /// When the users were written (the first start).
    pub loaded_at: i64,
    pub tenant: Tenant,
}

pub struct App {
    pub tenant: TenantInfo,
    pub users: RwLock<Users>,
    pub db: Mutex<Db>,
    pub auth: Auth,
    pub faults: Injector,
    pub log: RequestLog,
    counts: Mutex<BTreeMap<String, BTreeMap<u16, u64>>>,
    /// The earliest moment a user changes by itself (`Rec::deadline`).
    next_deadline: Mutex<i64>,
    /// The tenant's emergency access code settings.
    pub emergency: Mutex<EmergencyConfig>,
    pub verbose: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl App {
    pub fn new(users: Users, db: Db, auth: Auth, faults: Faults, tenant: TenantInfo, seed: u64, verbose: bool) -> App {
        let emergency = db.meta("emergency_config").ok().flatten().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        App {
            tenant,
            users: RwLock::new(users),
            db: Mutex::new(db),
            auth,
            faults: Injector::new(faults, seed),
            log: RequestLog::default(),
            counts: Mutex::new(BTreeMap::new()),
            next_deadline: Mutex::new(i64::MIN),
            emergency: Mutex::new(emergency),
            verbose,
        }
    }

    /// Applies what time does by itself, when it is due: users marked for deletion seven days
    /// ago are purged (with their history), emergency codes past their expiry end (online and
    /// offline each at its own). Called before every API request.
    pub fn maintain(&self) {
        let now = now_ms();
        if now < *lock(&self.next_deadline) {
            return;
        }
        let loaded = self.tenant.loaded_at;
        let due = |t: Option<i64>| t.is_some_and(|t| t > loaded && t <= now);
        let mut users = self.users_mut();
        let mut purged = Vec::new();
        let mut expired = Vec::new();
        for (i, rec) in users.recs.iter().enumerate() {
            let [purge, online, offline] = rec.deadlines();
            if due(purge) {
                purged.push(rec.user.id.clone());
                continue;
            }
            if !due(online) && !due(offline) {
                continue;
            }
            let mut u = rec.user.clone();
            if due(online) {
                u.emergency_access_status = Some("Disabled".into());
                u.emergency_tokencode_id = None;
                u.emergency_tokencode_expiration = None;
                u.emergency_tokencode_last_use = None;
            }
            if due(offline) {
                u.offline_emergency_access_status = Some("Disabled".into());
                u.offline_emergency_tokencode_expiration = None;
            }
            expired.push((i, rec.with(u, rec.private.clone())));
        }
        {
            let mut db = self.db();
            let saved = db.save_users(expired.iter().map(|(_, r)| r)).and_then(|()| db.delete_users(purged.iter().map(String::as_str)));
            if let Err(e) = saved {
                // Tried again at the next request.
                eprintln!("cas-sandbox: {e}");
                return;
            }
        }
        users.replace(expired);
        if !purged.is_empty() {
            users.remove(&purged);
        }
        *lock(&self.next_deadline) = users.recs.iter().filter_map(|r| r.deadline(now.max(loaded))).min().unwrap_or(i64::MAX);
    }

    pub fn emergency_config(&self) -> EmergencyConfig {
        lock(&self.emergency).clone()
    }

    /// New tenant settings, kept in the database.
    pub fn set_emergency_config(&self, c: EmergencyConfig) -> Result<(), String> {
        let text = serde_json::to_string(&c).map_err(|e| e.to_string())?;
        self.db().set_meta("emergency_config", &text)?;
        *lock(&self.emergency) = c;
        Ok(())
    }

    /// A change set a deadline (a mark for deletion, a new code): maintenance runs by then.
    pub fn note_deadline(&self, rec: &Rec) {
        if let Some(d) = rec.deadline(self.tenant.loaded_at) {
            let mut next = lock(&self.next_deadline);
            *next = (*next).min(d);
        }
    }

    pub fn users(&self) -> RwLockReadGuard<'_, Users> {
        self.users.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn users_mut(&self) -> RwLockWriteGuard<'_, Users> {
        self.users.write().unwrap_or_else(|p| p.into_inner())
    }

    pub fn db(&self) -> MutexGuard<'_, Db> {
        lock(&self.db)
    }

    pub fn count(&self, route: &str, status: u16) {
        *lock(&self.counts).entry(route.to_string()).or_default().entry(status).or_insert(0) += 1;
    }

    pub fn counts_json(&self) -> serde_json::Value {
        let counts = lock(&self.counts);
        let mut total = 0;
        let mut by_route = serde_json::Map::new();
        for (route, statuses) in counts.iter() {
            let mut m = serde_json::Map::new();
            for (status, n) in statuses {
                total += n;
                m.insert(status.to_string(), (*n).into());
            }
            by_route.insert(route.clone(), m.into());
        }
        serde_json::json!({"total": total, "byRoute": by_route})
    }

    pub fn reset_counts(&self) {
        lock(&self.counts).clear();
    }

    /// Ends an API request: the injected latency (API paths only), then `record`.
    pub async fn finish(&self, route: &str, method: &Method, path: &str, resp: Response<Body>, started: Instant, cred: Option<&Cred>) -> Response<Body> {
        if path.starts_with(crate::api::PREFIX) {
            let latency = self.faults.latency();
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
        }
        self.record(route, method, path, resp.status().as_u16(), started, cred);
        resp
    }

    /// Counts a request under its route template, adds it to the request log and prints it
    /// (`--verbose`).
    pub fn record(&self, route: &str, method: &Method, path: &str, status: u16, started: Instant, cred: Option<&Cred>) {
        self.count(route, status);
        let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.log.push(Entry {
            seq: 0,
            time: crate::clock::iso_ms(now_ms()),
            method: method.to_string(),
            route: route.to_string(),
            path: path.to_string(),
            status,
            duration_ms: (duration_ms * 10.0).round() / 10.0,
            credential: cred.map(|c| Who { kind: c.kind(), id: c.id().to_string() }),
        });
        if self.verbose {
            eprintln!(
                "{} {method} {path} {status} {:.1}ms {}",
                crate::clock::iso_ms(now_ms()),
                started.elapsed().as_secs_f64() * 1000.0,
                cred.map_or("-", Cred::kind)
            );
        }
    }
}

pub fn respond(status: u16, content_type: Option<&'static str>, body: impl Into<Body>) -> Response<Body> {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = content_type {
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    r
}

pub fn json(status: u16, body: impl Into<Body>) -> Response<Body> {
    respond(status, Some("application/json"), body)
}

pub fn json_value<T: Serialize>(status: u16, value: &T) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(bytes) => json(status, bytes),
        Err(_) => app_error(500, "Internal server error"),
    }
}

/// `{"code": "404 NOT_FOUND", "description": "..."}`: the status and Spring's `HttpStatus` name.
pub fn app_error(status: u16, description: impl Into<String>) -> Response<Body> {
    let reason = match status {
        400 => "BAD_REQUEST",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        409 => "CONFLICT",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        429 => "TOO_MANY_REQUESTS",
        _ => "INTERNAL_SERVER_ERROR",
    };
    let body = AppErrorBody { code: format!("{status} {reason}"), description: description.into() };
    json(status, serde_json::to_vec(&body).unwrap_or_default())
}

pub const REFUSED: &str = "Server failed to process provided access token";
pub const EXPIRED: &str = "Expired Access Token is not allowed";

/// The gateway's 403 (and, with its status and reason, its other framework errors).
pub fn gateway_error(status: u16, error: &str, message: &str, path: &str) -> Response<Body> {
    let body = ForbiddenBody { timestamp: now_ms().max(0) as u64, status, error: error.into(), message: message.into(), path: path.into() };
    json(status, serde_json::to_vec(&body).unwrap_or_default())
}

pub fn forbidden(message: &str, path: &str) -> Response<Body> {
    gateway_error(403, "Forbidden", message, path)
}
