//! Faults injected into API answers, for the console's fault tests: a per-credential rate
//! limit, injected 429s and 500s at a rate, latency with jitter. Every draw comes from a seeded
//! stream of `--seed`, so a run can be repeated.

use crate::seeded::{self, Draw, Seeded};
use rand::Rng;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What `GET /_sandbox/faults` shows and `POST` changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Faults {
    /// At most this many requests per second per credential (token bucket, burst R).
    pub rate_limit: Option<u32>,
    pub latency_ms: u64,
    /// Added to `latency_ms`: uniform in 0..=this.
    pub latency_jitter_ms: u64,
    /// Share of requests answered 500.
    pub fail_rate: f64,
    /// Share of requests answered 429 whatever the rate limit.
    pub throttle_rate: f64,
    /// `Retry-After` of every 429 the throttle injects; `None`: no header (RSA documents none).
    pub retry_after_secs: Option<u64>,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults { rate_limit: None, latency_ms: 0, latency_jitter_ms: 0, fail_rate: 0.0, throttle_rate: 0.0, retry_after_secs: Some(1) }
    }
}

fn share(v: &Value, name: &str) -> Result<f64, String> {
    v.as_f64().filter(|p| (0.0..=1.0).contains(p)).ok_or_else(|| format!("{name} must be a number from 0 to 1."))
}

fn millis(v: &Value, name: &str) -> Result<u64, String> {
    v.as_u64().filter(|ms| *ms <= 60_000).ok_or_else(|| format!("{name} must be a whole number from 0 to 60000."))
}

impl Faults {
    /// The changes of a `POST /_sandbox/faults` body; an absent key is left as it is. Nothing
    /// changes when any key is refused.
    pub fn changed(&self, obj: &Map<String, Value>) -> Result<Faults, String> {
        let mut f = self.clone();
        for (k, v) in obj {
            match k.as_str() {
                "rateLimit" => {
                    f.rate_limit = match v {
                        Value::Null => None,
                        v => Some(
                            v.as_u64()
                                .filter(|r| (1..=u64::from(u32::MAX)).contains(r))
                                .ok_or("rateLimit must be null or a whole number of requests per second, at least 1.")? as u32,
                        ),
                    }
                }
                "latencyMs" => f.latency_ms = millis(v, "latencyMs")?,
                "latencyJitterMs" => f.latency_jitter_ms = millis(v, "latencyJitterMs")?,
                "failRate" => f.fail_rate = share(v, "failRate")?,
                "throttleRate" => f.throttle_rate = share(v, "throttleRate")?,
                "retryAfterSecs" => {
                    f.retry_after_secs = match v {
                        Value::Null => None,
                        v => Some(v.as_u64().filter(|s| *s <= 3600).ok_or("retryAfterSecs must be null or a whole number from 0 to 3600.")?),
                    }
                }
                other => return Err(format!("Unknown fault {other}.")),
            }
        }
        Ok(f)
    }
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// The streams each kind of draw uses (the users use others).
const FAIL_STREAM: u64 = 0xFA11;
const THROTTLE_STREAM: u64 = 0x7429;
const LATENCY_STREAM: u64 = 0x1A7E;

pub struct Injector {
    faults: Mutex<Faults>,
    buckets: Mutex<HashMap<String, Bucket>>,
    fail: Mutex<Seeded>,
    throttle: Mutex<Seeded>,
    latency: Mutex<Seeded>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Injector {
    pub fn new(faults: Faults, seed: u64) -> Injector {
        Injector {
            faults: Mutex::new(faults),
            buckets: Mutex::new(HashMap::new()),
            fail: Mutex::new(seeded::stream(seed, FAIL_STREAM)),
            throttle: Mutex::new(seeded::stream(seed, THROTTLE_STREAM)),
            latency: Mutex::new(seeded::stream(seed, LATENCY_STREAM)),
        }
    }

    pub fn get(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// New settings; the rate limit's buckets start full again.
    pub fn set(&self, f: Faults) {
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

    /// `Some(retry_after)` when this request is one of the injected 429s.
    pub fn throttled(&self) -> Option<Option<u64>> {
        let f = lock(&self.faults).clone();
        (f.throttle_rate > 0.0 && lock(&self.throttle).chance(f.throttle_rate)).then_some(f.retry_after_secs)
    }

    /// Whether this request is one of the injected 500s.
    pub fn should_fail(&self) -> bool {
        let p = lock(&self.faults).fail_rate;
        p > 0.0 && lock(&self.fail).chance(p)
    }

    /// The delay of this answer.
    pub fn latency(&self) -> Duration {
        let (base, jitter) = {
            let f = lock(&self.faults);
            (f.latency_ms, f.latency_jitter_ms)
        };
        let extra = if jitter > 0 { lock(&self.latency).gen_range(0..=jitter) } else { 0 };
        Duration::from_millis(base + extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_checked_and_all_or_nothing() {
        let f = Faults::default();
        let Value::Object(ok) = json!({"latencyJitterMs": 50, "throttleRate": 0.25, "retryAfterSecs": null}) else { panic!() };
        let g = f.changed(&ok).unwrap();
        assert_eq!((g.latency_jitter_ms, g.throttle_rate, g.retry_after_secs), (50, 0.25, None));
        for bad in [json!({"throttleRate": 1.5}), json!({"latencyJitterMs": 60_001}), json!({"retryAfterSecs": -1}), json!({"failRate": 0.1, "x": 1})] {
            let Value::Object(bad) = bad else { panic!() };
            assert!(f.changed(&bad).is_err());
        }
    }

    #[test]
    fn draws_repeat_for_a_seed() {
        let make = || {
            let i = Injector::new(Faults { throttle_rate: 0.5, fail_rate: 0.5, latency_jitter_ms: 100, ..Faults::default() }, 9);
            (0..50).map(|_| (i.throttled().is_some(), i.should_fail(), i.latency())).collect::<Vec<_>>()
        };
        let (a, b) = (make(), make());
        assert_eq!(a, b);
        assert!(a.iter().any(|x| x.0) && a.iter().any(|x| !x.0));
        assert!(a.iter().all(|x| x.2 <= Duration::from_millis(100)));
    }
}
