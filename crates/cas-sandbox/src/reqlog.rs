//! The request log the browser tests read after the fact (`GET /_sandbox/requests/log`): the
//! last `CAPACITY` API requests, in memory (a restart starts an empty log), with who made
//! each, never a token.

use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Mutex;

pub const CAPACITY: usize = 10_000;

/// Who made a request: the credential's kind and its access ID or client ID.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Who {
    pub kind: &'static str,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// 1, 2, 3, ... since the log was last cleared.
    pub seq: u64,
    /// When the answer was sent (`2025-06-20T15:34:44.123Z`).
    pub time: String,
    pub method: String,
    /// The route template (`PUT /AdminInterface/restapi/v1/users/{id}/userStatus`), `other`
    /// for unknown paths and methods.
    pub route: String,
    /// The path as requested, without the query.
    pub path: String,
    pub status: u16,
    pub duration_ms: f64,
    /// `None` when no credential was accepted.
    pub credential: Option<Who>,
}

#[derive(Default)]
struct Inner {
    entries: VecDeque<Entry>,
    seq: u64,
}

#[derive(Default)]
pub struct RequestLog(Mutex<Inner>);

#[derive(Serialize)]
pub struct Page {
    /// Requests logged since the last clear (older ones beyond `CAPACITY` are dropped).
    pub total: u64,
    pub entries: Vec<Entry>,
}

impl RequestLog {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn push(&self, mut e: Entry) {
        let mut i = self.inner();
        i.seq += 1;
        e.seq = i.seq;
        if i.entries.len() == CAPACITY {
            i.entries.pop_front();
        }
        i.entries.push_back(e);
    }

    /// The entries after `after` (a `seq`), oldest first.
    pub fn page(&self, after: u64) -> Page {
        let i = self.inner();
        Page { total: i.seq, entries: i.entries.iter().filter(|e| e.seq > after).cloned().collect() }
    }

    pub fn clear(&self) {
        *self.inner() = Inner::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry { seq: 0, time: String::new(), method: "GET".into(), route: "other".into(), path: "/".into(), status: 404, duration_ms: 0.0, credential: None }
    }

    #[test]
    fn bounded_and_numbered() {
        let log = RequestLog::default();
        for _ in 0..CAPACITY + 5 {
            log.push(entry());
        }
        let p = log.page(0);
        assert_eq!(p.total, (CAPACITY + 5) as u64);
        assert_eq!(p.entries.len(), CAPACITY);
        assert_eq!(p.entries[0].seq, 6);
        assert_eq!(log.page(CAPACITY as u64 + 3).entries.len(), 2);
        log.clear();
        assert_eq!(log.page(0).total, 0);
    }
}
