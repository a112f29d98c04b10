//! The running sandbox: state shared by every request, faults, rate limits and counters.

use crate::auth::{Auth, Cred};
use crate::seeded::{self, Draw, Seeded};
use crate::store::{Db, Users};
use crate::clock::now_ms;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use cas_core::wire::{AppErrorBody, ForbiddenBody};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// Faults injected into API answers, changeable at run time (`POST /_sandbox/faults`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Faults {
    pub rate_limit: Option<u32>,
    pub latency_ms: u64,
    pub fail_rate: f64,
}

/// The seeded stream injected failures are drawn from (the users use others).
const FAIL_STREAM: u64 = 0xFA11;

struct Bucket {
    tokens: f64,
    last: Instant,
}

pub struct App {
    pub users: RwLock<Users>,
    pub db: Mutex<Db>,
    pub auth: Auth,
    pub faults: Mutex<Faults>,
    buckets: Mutex<HashMap<String, Bucket>>,
    fail_rng: Mutex<Seeded>,
    counts: Mutex<BTreeMap<String, BTreeMap<u16, u64>>>,
    pub verbose: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl App {
    pub fn new(users: Users, db: Db, auth: Auth, faults: Faults, seed: u64, verbose: bool) -> App {
        App {
            users: RwLock::new(users),
            db: Mutex::new(db),
            auth,
            faults: Mutex::new(faults),
            buckets: Mutex::new(HashMap::new()),
            fail_rng: Mutex::new(seeded::stream(seed, FAIL_STREAM)),
            counts: Mutex::new(BTreeMap::new()),
            verbose,
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

    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    pub fn set_faults(&self, f: Faults) {
        *lock(&self.faults) = f;
        lock(&self.buckets).clear();
    }

    /// Token bucket per credential: `Err(retry_after_secs)` when over the limit.
    pub fn rate_check(&self, key: &str) -> Result<(), u64> {
        let Some(rate) = lock(&self.faults).rate_limit else { return Ok(()) };
        let rate = f64::from(rate.max(1));
        let now = Instant::now();
        let mut buckets = lock(&self.buckets);
        let b = buckets.entry(key.to_string()).or_insert(Bucket { tokens: rate, last: now });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(rate);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err((((1.0 - b.tokens) / rate).ceil() as u64).max(1))
        }
    }

    /// Whether this request is one of the injected failures.
    pub fn should_fail(&self) -> bool {
        let p = lock(&self.faults).fail_rate;
        p > 0.0 && lock(&self.fail_rng).chance(p)
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
        let latency = self.faults().latency_ms;
        if latency > 0 && path.starts_with(crate::api::PREFIX) {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        self.record(route, method, path, resp.status().as_u16(), started, cred);
        resp
    }

    /// Counts a request under its route template and logs it (`--verbose`).
    pub fn record(&self, route: &str, method: &Method, path: &str, status: u16, started: Instant, cred: Option<&Cred>) {
        self.count(route, status);
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

/// `{"code": "404 NOT_FOUND", "description": "..."}`
pub fn app_error(status: u16, description: impl Into<String>) -> Response<Body> {
    let body = AppErrorBody::new(status, description);
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
