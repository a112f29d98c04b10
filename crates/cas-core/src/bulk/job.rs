//! The bulk job: batches of at most 100 identifiers, a few in flight at once, and one retry
//! policy for everything that can go wrong on the way. The console asks `next(now)` for a
//! request to send and hands every answer back to `answer(id, result, now)`; the job never
//! sends anything twice unless the server's answer says it was not applied, and never loses
//! an identifier: each ends with an `Outcome`.
//!
//! - 200: every identifier of the batch succeeded. 207: the ones listed failed (matched to what
//!   was sent ignoring ASCII case), the others succeeded; a listed 5xx/429 is retried.
//! - 404 / 409 / 400 for the whole request: with one identifier, that is its outcome (the API
//!   answers a lone failing identifier that way); with several, the batch is split in halves
//!   until the culprit is alone, so one bad identifier never sinks its 99 neighbours.
//! - 429: no request leaves until `Retry-After` has passed (else exponential backoff with
//!   jitter); a batch may wait `rate_waits` times before it counts as failed.
//! - 5xx, a proxy's error page, no answer, a timeout, an unreadable body: the batch is retried
//!   after exponential backoff with jitter, at most `attempts` times in all.
//! - 403 (expired or refused credential), signing failure: the job pauses with the batch put
//!   back unsent; it goes on when resumed (by itself once an expired credential is renewed).

use super::{Counts, Item, Outcome};
use crate::access::Operation;
use crate::actionlog;
use crate::error::{message, ApiError, UserMessage};
use crate::wire::{HighRiskAction, MultiStatus, MultiStatusEntry, HIGH_RISK_BATCH_LIMIT};
use std::collections::VecDeque;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Identifiers per request (the API takes at most 100).
    pub batch_size: usize,
    /// Requests in flight at once.
    pub in_flight: usize,
    /// Attempts in all for a batch meeting server errors, network failures or timeouts.
    pub attempts: u32,
    /// Rate-limit answers one batch may meet before it counts as failed.
    pub rate_waits: u32,
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { batch_size: HIGH_RISK_BATCH_LIMIT, in_flight: 3, attempts: 5, rate_waits: 30, backoff_base_ms: 500, backoff_cap_ms: 30_000 }
    }
}

impl Policy {
    /// The `n`-th backoff (from 1): uniformly in [d/2, d] with d = base·2ⁿ⁻¹, at most the cap.
    pub fn backoff_ms(&self, n: u32, random: u32) -> u64 {
        let d = self.backoff_base_ms.saturating_mul(1u64 << n.saturating_sub(1).min(30)).min(self.backoff_cap_ms);
        d / 2 + u64::from(random) % (d / 2 + 1)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Batch {
    /// Indexes into `Job::items`.
    items: Vec<usize>,
    /// Failed attempts so far (server errors, network, timeouts).
    attempts: u32,
    rate_waits: u32,
    /// Not sent again before this time.
    not_before: u64,
}

impl Batch {
    fn of(items: Vec<usize>) -> Batch {
        Batch { items, attempts: 0, rate_waits: 0, not_before: 0 }
    }
}

/// One request for the console to send: `PUT /v1/users/highrisk` with these identifiers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub users: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pause {
    /// The operator paused.
    Operator,
    /// The credential expired and the console could not renew it (a pasted token): the job
    /// goes on by itself once a fresh one is in place.
    Expired(UserMessage),
    /// The server refused the credential, or the browser could not sign with it.
    Refused(UserMessage),
    /// Nothing is connected, or the operator disconnected: the job waits for them to resume it.
    Disconnected,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Running,
    Paused(Pause),
    /// Cancel asked: nothing more leaves; waiting for the requests already sent.
    Cancelling,
    Finished,
}

/// For the action log, once per run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub action: String,
    pub target: String,
    pub outcome: actionlog::Outcome,
    pub details: String,
}

pub struct Job {
    pub action: HighRiskAction,
    pub items: Vec<Item>,
    policy: Policy,
    state: State,
    queue: VecDeque<Batch>,
    flying: Vec<(u64, Batch)>,
    next_id: u64,
    /// After a 429 nothing leaves before this.
    hold_until: u64,
    rng: u64,
    /// Requests sent, of them answered 429, and batches put back for a retry.
    pub requests: u32,
    pub rate_limited: u32,
    pub retried: u32,
    /// Identifiers a 207 listed that match nothing the console sent in that request.
    pub unmatched: Vec<String>,
    run: Run,
}

/// The current run (the first, or a "retry the failed ones"), for time left and the log.
#[derive(Clone, Debug, Default)]
struct Run {
    start: u64,
    paused_since: Option<u64>,
    paused_ms: u64,
    ended: Option<u64>,
    /// Identifiers already settled when the run began.
    base: usize,
    /// Identifiers this run set out to send.
    size: usize,
    retry: bool,
    reported: bool,
}

/// "404 User not found", or the console's words when the server said none.
pub fn describe(err: &ApiError) -> String {
    match err.status() {
        Some(code) if !err.detail().is_empty() => format!("{code} {}", err.detail()),
        _ => message(err, Some(Operation::ChangeHighRisk)).what,
    }
}

impl Job {
    /// Starts sending `items` (from `input::prepare`): every `Waiting` one, in input order.
    pub fn start(action: HighRiskAction, items: Vec<Item>, policy: Policy, seed: u64, now: u64) -> Job {
        let mut job = Job {
            action,
            items,
            policy,
            state: State::Running,
            queue: VecDeque::new(),
            flying: Vec::new(),
            next_id: 1,
            hold_until: 0,
            rng: (seed ^ 0x9E37_79B9_7F4A_7C15) | 1,
            requests: 0,
            rate_limited: 0,
            retried: 0,
            unmatched: Vec::new(),
            run: Run::default(),
        };
        job.begin_run(now, false);
        job
    }

    fn begin_run(&mut self, now: u64, retry: bool) {
        let waiting: Vec<usize> = (0..self.items.len()).filter(|i| self.items[*i].outcome == Outcome::Waiting).collect();
        for chunk in waiting.chunks(self.policy.batch_size.clamp(1, HIGH_RISK_BATCH_LIMIT)) {
            self.queue.push_back(Batch::of(chunk.to_vec()));
        }
        let c = self.counts();
        self.run = Run { start: now, base: c.to_send() - c.waiting, size: waiting.len(), retry, ..Run::default() };
        self.state = State::Running;
        self.settle(now);
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn counts(&self) -> Counts {
        Counts::of(&self.items)
    }

    pub fn in_flight(&self) -> usize {
        self.flying.len()
    }

    /// Batches waiting to be sent again (after a 429, a server error or a split).
    pub fn retries_waiting(&self) -> usize {
        self.queue.iter().filter(|b| b.attempts > 0 || b.rate_waits > 0).count()
    }

    /// The next request to send now, if the job is running, has room in flight and has a
    /// batch whose wait is over.
    pub fn next(&mut self, now: u64) -> Option<Request> {
        if self.state != State::Running || self.flying.len() >= self.policy.in_flight.max(1) || now < self.hold_until {
            return None;
        }
        let pos = self.queue.iter().position(|b| b.not_before <= now)?;
        let batch = self.queue.remove(pos)?;
        let id = self.next_id;
        self.next_id += 1;
        self.requests += 1;
        let users = batch.items.iter().map(|i| self.items[*i].text.clone()).collect();
        self.flying.push((id, batch));
        Some(Request { id, users })
    }

    /// When `next` will have something again although no answer comes in meanwhile: the
    /// console sets a timer for it. None when only an answer (or the operator) can help.
    pub fn wake_at(&self, now: u64) -> Option<u64> {
        if self.state != State::Running || self.flying.len() >= self.policy.in_flight.max(1) {
            return None;
        }
        let earliest = self.queue.iter().map(|b| b.not_before).min()?;
        Some(earliest.max(self.hold_until).max(now))
    }

    /// The answer to request `id`: `Ok` for 200 (empty) and 207 (the failed ones), `Err` for
    /// anything else, as `api` classified it.
    pub fn answer(&mut self, id: u64, result: Result<MultiStatus, ApiError>, now: u64) {
        let Some(pos) = self.flying.iter().position(|(i, _)| *i == id) else { return };
        let (_, batch) = self.flying.swap_remove(pos);
        match result {
            Ok(ms) => self.reconcile(batch, ms, now),
            Err(err) => self.failed(batch, err, now),
        }
        self.settle(now);
    }

    /// A 207: the identifiers it lists failed as it says, the others were applied. An entry
    /// that cannot be read is never taken for a success: the identifier it names is of unknown
    /// outcome, and one naming none could concern any identifier not otherwise listed.
    fn reconcile(&mut self, batch: Batch, ms: MultiStatus, now: u64) {
        let mut listed = vec![false; ms.users.len()];
        let mut again = Vec::new();
        let mut last = (500, String::new());
        let anonymous = ms.users.iter().any(|e| e.identifier().is_none());
        for &i in &batch.items {
            let named = |e: &MultiStatusEntry| e.identifier().is_some_and(|id| id.trim().eq_ignore_ascii_case(&self.items[i].text));
            let Some(k) = ms.users.iter().position(named) else {
                if anonymous {
                    self.settle_item(i, Outcome::Unknown, "the server's 207 answer holds an entry the console could not read".into());
                } else {
                    self.settle_item(i, Outcome::Done, String::new());
                }
                continue;
            };
            listed[k] = true;
            let MultiStatusEntry::Item(u) = &ms.users[k] else {
                self.settle_item(i, Outcome::Unknown, "the server's 207 entry for it could not be read".into());
                continue;
            };
            let detail = format!("{} {}", u.status_code, u.error).trim_end().to_string();
            match u.status_code {
                404 => self.settle_item(i, Outcome::NotFound, detail),
                409 => self.settle_item(i, Outcome::Ambiguous, detail),
                400 => self.settle_item(i, Outcome::Refused, detail),
                429 | 500..=599 => {
                    again.push(i);
                    last = (u.status_code, u.error.clone());
                }
                _ => self.settle_item(i, Outcome::Failed, detail),
            }
        }
        self.unmatched.extend(ms.users.iter().zip(listed).filter(|(_, hit)| !hit).filter_map(|(e, _)| e.identifier().map(str::to_string)));
        if !again.is_empty() {
            let retry = Batch { items: again, ..batch };
            self.transient(retry, &ApiError::Server { status: last.0, detail: last.1 }, now);
        }
    }

    fn failed(&mut self, mut batch: Batch, err: ApiError, now: u64) {
        match &err {
            ApiError::NotFound { .. } => self.split_or_settle(batch, Outcome::NotFound, &err),
            ApiError::Conflict { .. } => self.split_or_settle(batch, Outcome::Ambiguous, &err),
            ApiError::BadRequest { .. } => self.split_or_settle(batch, Outcome::Refused, &err),
            ApiError::PayloadTooLarge => self.split_or_settle(batch, Outcome::Failed, &err),
            ApiError::TooManyRequests { retry_after_secs } => {
                self.rate_limited += 1;
                batch.rate_waits += 1;
                if batch.rate_waits > self.policy.rate_waits {
                    let detail = format!("{} (gave up after {} waits)", describe(&err), batch.rate_waits);
                    self.settle_all(batch, Outcome::Failed, detail);
                    return;
                }
                let wait = match retry_after_secs {
                    Some(s) => (s * 1000).max(100),
                    None => {
                        let r = self.random();
                        self.policy.backoff_ms(batch.rate_waits, r)
                    }
                };
                self.hold_until = self.hold_until.max(now + wait);
                batch.not_before = now + wait;
                self.requeue(batch);
            }
            ApiError::Forbidden { .. } | ApiError::Signing { .. } => {
                let m = message(&err, Some(Operation::ChangeHighRisk));
                let why = if err.is_expired_credential() { Pause::Expired(m) } else { Pause::Refused(m) };
                self.requeue(batch);
                self.pause_for(why, now);
            }
            ApiError::Aborted => self.requeue(batch),
            _ => self.transient(batch, &err, now),
        }
    }

    fn transient(&mut self, mut batch: Batch, err: &ApiError, now: u64) {
        batch.attempts += 1;
        if batch.attempts >= self.policy.attempts.max(1) {
            let detail = format!("{} (gave up after {} attempts)", describe(err), batch.attempts);
            self.settle_all(batch, Outcome::Failed, detail);
        } else {
            self.retried += 1;
            let r = self.random();
            batch.not_before = now + self.policy.backoff_ms(batch.attempts, r);
            self.requeue(batch);
        }
    }

    fn split_or_settle(&mut self, mut batch: Batch, outcome: Outcome, err: &ApiError) {
        if batch.items.len() <= 1 {
            self.settle_all(batch, outcome, describe(err));
        } else {
            let second = Batch { items: batch.items.split_off(batch.items.len() / 2), ..batch.clone() };
            self.requeue(second);
            self.requeue(batch);
        }
    }

    /// Back into the queue in input order (so a retry goes before later batches); once
    /// cancelled, nothing goes back: it is not sent.
    fn requeue(&mut self, batch: Batch) {
        if self.state == State::Cancelling {
            self.settle_all(batch, Outcome::Cancelled, "cancelled before it was sent again".into());
        } else {
            let pos = self.queue.partition_point(|b| b.items[0] < batch.items[0]);
            self.queue.insert(pos, batch);
        }
    }

    fn settle_item(&mut self, i: usize, outcome: Outcome, detail: String) {
        let item = &mut self.items[i];
        item.outcome = outcome;
        item.detail = detail;
    }

    fn settle_all(&mut self, batch: Batch, outcome: Outcome, detail: String) {
        for i in batch.items {
            self.settle_item(i, outcome, detail.clone());
        }
    }

    /// Finished once nothing is queued or in flight.
    fn settle(&mut self, now: u64) {
        if self.flying.is_empty() && self.queue.is_empty() && self.state != State::Finished {
            self.stop_pause_clock(now);
            self.state = State::Finished;
            self.run.ended = Some(now);
        }
    }

    fn stop_pause_clock(&mut self, now: u64) {
        if let Some(since) = self.run.paused_since.take() {
            self.run.paused_ms += now.saturating_sub(since);
        }
    }

    /// Pauses for a reason of the console's; an operator's pause is kept as it is.
    pub fn pause_for(&mut self, why: Pause, now: u64) {
        if let State::Running = self.state {
            self.state = State::Paused(why);
            self.run.paused_since = Some(now);
        }
    }

    /// The credential is gone (Disconnect). Whatever the job was waiting for, it now waits for
    /// the operator: nothing resumes by itself under a credential connected later.
    pub fn disconnected(&mut self, now: u64) {
        match self.state {
            State::Running => {
                self.state = State::Paused(Pause::Disconnected);
                self.run.paused_since = Some(now);
            }
            State::Paused(Pause::Expired(_) | Pause::Refused(_)) => self.state = State::Paused(Pause::Disconnected),
            _ => {}
        }
    }

    pub fn pause(&mut self, now: u64) {
        if let State::Running | State::Paused(_) = self.state {
            self.state = State::Paused(Pause::Operator);
            self.run.paused_since.get_or_insert(now);
        }
    }

    pub fn resume(&mut self, now: u64) {
        if let State::Paused(_) = self.state {
            self.stop_pause_clock(now);
            self.state = State::Running;
        }
    }

    /// Nothing more is sent; queued identifiers become "not sent: cancelled"; the requests
    /// already sent are awaited and their answers recorded.
    pub fn cancel(&mut self, now: u64) {
        if self.state == State::Finished {
            return;
        }
        self.stop_pause_clock(now);
        self.state = State::Cancelling;
        for batch in std::mem::take(&mut self.queue) {
            let detail = if batch.attempts > 0 || batch.rate_waits > 0 { "cancelled while waiting to be retried" } else { "cancelled before it was sent" };
            self.settle_all(batch, Outcome::Cancelled, detail.into());
        }
        self.settle(now);
    }

    /// Sends the identifiers that failed after retries once more, in the same job (the outcome
    /// table keeps every line). Returns how many.
    pub fn retry_failed(&mut self, now: u64) -> usize {
        if self.state != State::Finished {
            return 0;
        }
        let mut n = 0;
        for item in self.items.iter_mut().filter(|i| matches!(i.outcome, Outcome::Failed | Outcome::Unknown)) {
            item.outcome = Outcome::Waiting;
            item.detail.clear();
            n += 1;
        }
        if n > 0 {
            self.begin_run(now, true);
        }
        n
    }

    /// Time spent running in this run (pauses excluded).
    pub fn active_ms(&self, now: u64) -> u64 {
        let end = self.run.ended.unwrap_or(now);
        let paused = self.run.paused_ms + self.run.paused_since.map_or(0, |p| end.saturating_sub(p));
        end.saturating_sub(self.run.start).saturating_sub(paused)
    }

    /// Estimated time left, from this run's pace so far (None until something has settled).
    pub fn time_left_ms(&self, now: u64) -> Option<u64> {
        let c = self.counts();
        if c.waiting == 0 {
            return Some(0);
        }
        let settled = (c.to_send() - c.waiting).saturating_sub(self.run.base) as u64;
        if settled == 0 {
            return None;
        }
        let estimate = self.active_ms(now) * c.waiting as u64 / settled;
        Some(estimate.max(self.hold_until.saturating_sub(now)))
    }

    /// The action log's entry for the run that just finished, once.
    pub fn take_report(&mut self) -> Option<Report> {
        if self.state != State::Finished || self.run.reported {
            return None;
        }
        self.run.reported = true;
        let c = self.counts();
        let outcome = if c.done == 0 {
            actionlog::Outcome::Failed
        } else if c.done == c.to_send() {
            actionlog::Outcome::Succeeded
        } else {
            actionlog::Outcome::Partial
        };
        let verb = match self.action {
            HighRiskAction::Add => "Add to high-risk list",
            HighRiskAction::Remove => "Remove from high-risk list",
        };
        let run = if self.run.retry { format!(" (retry of {} failed)", self.run.size) } else { String::new() };
        Some(Report {
            action: format!("{verb} (bulk){run}"),
            target: format!("{} identifiers", c.input),
            outcome,
            details: format!(
                "{}; {} requests, {} rate-limited, {} retried",
                c.summary(self.action),
                self.requests,
                self.rate_limited,
                self.retried
            ),
        })
    }

    fn random(&mut self) -> u32 {
        // xorshift64: plenty for jitter, and the same sequence for the same seed in tests.
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        (x >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::input::prepare;
    use crate::error::Forbidden;
    use crate::wire::MultiStatusItem;

    fn job_of(texts: &[String]) -> Job {
        Job::start(HighRiskAction::Add, prepare(texts.to_vec()), Policy::default(), 7, 0)
    }

    fn idents(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("user.{i}@example.com")).collect()
    }

    fn failed(id: &str, code: u16, error: &str) -> MultiStatusItem {
        MultiStatusItem { id: id.into(), status_code: code, error: error.into() }
    }

    fn ok() -> Result<MultiStatus, ApiError> {
        Ok(MultiStatus::default())
    }

    #[test]
    fn backoff_grows_with_jitter_inside_its_bounds() {
        let p = Policy::default();
        for (n, d) in [(1u32, 500u64), (2, 1000), (3, 2000), (7, 30_000), (40, 30_000)] {
            for r in [0, 1, 12345, u32::MAX] {
                let w = p.backoff_ms(n, r);
                assert!((d / 2..=d).contains(&w), "attempt {n}: {w} not in [{}, {d}]", d / 2);
            }
        }
        assert_ne!(p.backoff_ms(3, 1), p.backoff_ms(3, 777), "jitter spreads the waits");
    }

    #[test]
    fn batches_of_100_three_in_flight_in_input_order() {
        let mut job = job_of(&idents(250));
        let a = job.next(0).unwrap();
        let b = job.next(0).unwrap();
        let c = job.next(0).unwrap();
        assert_eq!((a.users.len(), b.users.len(), c.users.len()), (100, 100, 50));
        assert_eq!(a.users[0], "user.0@example.com");
        assert_eq!(c.users[49], "user.249@example.com");
        assert_eq!(job.next(0), None, "never more than three in flight");
        assert_eq!(job.in_flight(), 3);
        for r in [a, b, c] {
            job.answer(r.id, ok(), 10);
        }
        assert_eq!(job.state(), &State::Finished);
        assert_eq!(job.counts().done, 250);
        assert_eq!(job.requests, 3);
        let report = job.take_report().unwrap();
        assert_eq!(report.outcome, actionlog::Outcome::Succeeded);
        assert_eq!(report.target, "250 identifiers");
        assert!(report.details.starts_with("250 added, 0 not found"), "{}", report.details);
        assert_eq!(job.take_report(), None, "one log entry per run");
    }

    #[test]
    fn a_207_is_reconciled_ignoring_case_and_retries_only_what_failed_for_the_server() {
        let mut job = job_of(&["A@x.com".into(), "b@x.com".into(), "shared.alt".into(), "bad".into(), "busy@x.com".into(), "ok@x.com".into()]);
        let r = job.next(0).unwrap();
        let ms = MultiStatus::of(vec![
            failed("a@X.COM", 404, "User not found"),
            failed("shared.alt", 409, "Multiple users were found for the user identifier"),
            failed("bad", 400, "Invalid identifier"),
            failed("busy@x.com", 500, "Internal server error"),
            failed("stranger@x.com", 404, "User not found"),
        ]);
        job.answer(r.id, Ok(ms), 0);
        let out: Vec<Outcome> = job.items.iter().map(|i| i.outcome).collect();
        assert_eq!(out, vec![Outcome::NotFound, Outcome::Done, Outcome::Ambiguous, Outcome::Refused, Outcome::Waiting, Outcome::Done]);
        assert_eq!(job.items[0].detail, "404 User not found");
        assert_eq!(job.unmatched, vec!["stranger@x.com".to_string()]);
        assert_eq!(job.retries_waiting(), 1);
        assert_eq!(job.next(0), None, "the retry waits its backoff");
        let at = job.wake_at(0).unwrap();
        assert!((250..=500).contains(&at), "{at}");
        let again = job.next(at).unwrap();
        assert_eq!(again.users, vec!["busy@x.com".to_string()]);
        job.answer(again.id, ok(), at);
        assert_eq!(job.items[4].outcome, Outcome::Done);
        assert_eq!(job.state(), &State::Finished);
        assert_eq!(job.take_report().unwrap().outcome, actionlog::Outcome::Partial);
    }

    #[test]
    fn an_unreadable_207_entry_is_never_a_success() {
        let texts: Vec<String> = ["a@x.com", "b@x.com", "c@x.com", "d@x.com"].map(String::from).to_vec();
        // An entry naming its identifier but with no readable status: that one is unknown.
        let mut job = job_of(&texts);
        let r = job.next(0).unwrap();
        let ms: MultiStatus = serde_json::from_value(serde_json::json!({"users": [
            {"id": "b@x.com", "statusCode": "soon", "error": "?"},
            {"id": "c@x.com", "statusCode": 404, "error": "User not found"}
        ]}))
        .unwrap();
        job.answer(r.id, Ok(ms), 0);
        let out: Vec<Outcome> = job.items.iter().map(|i| i.outcome).collect();
        assert_eq!(out, vec![Outcome::Done, Outcome::Unknown, Outcome::NotFound, Outcome::Done]);
        assert_eq!(job.counts().unknown, 1);
        assert!(job.counts().accounted(HighRiskAction::Add).ends_with("1 of unknown outcome (check these users)."));
        // An entry naming nothing: every identifier the answer did not list is unknown.
        let mut job = job_of(&texts);
        let r = job.next(0).unwrap();
        let ms: MultiStatus = serde_json::from_value(serde_json::json!({"users": [{"statusCode": 404}, {"id": "c@x.com", "statusCode": 404}]})).unwrap();
        job.answer(r.id, Ok(ms), 0);
        let out: Vec<Outcome> = job.items.iter().map(|i| i.outcome).collect();
        assert_eq!(out, vec![Outcome::Unknown, Outcome::Unknown, Outcome::NotFound, Outcome::Unknown]);
        assert_eq!(job.take_report().map(|r| r.outcome), Some(actionlog::Outcome::Failed));
        // Retrying sends the unknown ones again (adding twice is harmless).
        assert_eq!(job.retry_failed(1), 3);
        assert_eq!(job.next(1).map(|r| r.users), Some(vec!["a@x.com".to_string(), "b@x.com".into(), "d@x.com".into()]));
    }

    #[test]
    fn a_lone_identifier_gets_its_own_status_and_a_400_is_split_down_to_the_culprit() {
        let mut job = job_of(&["nobody@x.com".into()]);
        let r = job.next(0).unwrap();
        job.answer(r.id, Err(ApiError::NotFound { detail: "User not found".into() }), 0);
        assert_eq!(job.items[0].outcome, Outcome::NotFound);
        assert_eq!(job.items[0].detail, "404 User not found");

        let mut lone = job_of(&["shared.alt".into()]);
        let r = lone.next(0).unwrap();
        lone.answer(r.id, Err(ApiError::Conflict { detail: "Multiple users".into() }), 0);
        assert_eq!(lone.items[0].outcome, Outcome::Ambiguous);

        // A server that refuses any request holding "poison" with a 400.
        let mut texts = idents(100);
        texts[37] = "poison".into();
        let mut job = job_of(&texts);
        let mut requests = 0;
        while let Some(r) = job.next(0) {
            requests += 1;
            let result = if r.users.iter().any(|u| u == "poison") { Err(ApiError::BadRequest { detail: "Invalid property".into() }) } else { ok() };
            job.answer(r.id, result, 0);
        }
        assert_eq!(job.state(), &State::Finished);
        let c = job.counts();
        assert_eq!((c.done, c.refused), (99, 1));
        assert_eq!(job.items[37].outcome, Outcome::Refused);
        assert!(requests <= 1 + 2 * 7, "bisection, not one request per identifier: {requests}");
    }

    #[test]
    fn rate_limits_hold_every_request_for_retry_after_or_a_backoff() {
        let mut job = job_of(&idents(300));
        let a = job.next(0).unwrap();
        let b = job.next(0).unwrap();
        job.answer(a.id, Err(ApiError::TooManyRequests { retry_after_secs: Some(2) }), 100);
        assert_eq!(job.next(100), None, "nothing leaves during the hold, not even other batches");
        assert_eq!(job.next(2099), None);
        assert_eq!(job.wake_at(100), Some(2100));
        let again = job.next(2100).unwrap();
        assert_eq!(again.users, a.users, "the same batch, first");
        assert_eq!(job.rate_limited, 1);
        // Without Retry-After: exponential backoff with jitter.
        job.answer(b.id, Err(ApiError::TooManyRequests { retry_after_secs: None }), 3000);
        let at = job.wake_at(3000).unwrap();
        assert!((3250..=3500).contains(&at), "{at}");
        assert!(job.next(at - 1).is_none());
        assert_eq!(job.next(at).unwrap().users, b.users);
    }

    #[test]
    fn a_batch_rate_limited_too_often_fails_with_its_last_error() {
        let policy = Policy { rate_waits: 2, ..Policy::default() };
        let mut job = Job::start(HighRiskAction::Remove, prepare(idents(3)), policy, 1, 0);
        let mut now = 0;
        for _ in 0..3 {
            let r = job.next(now).unwrap();
            job.answer(r.id, Err(ApiError::TooManyRequests { retry_after_secs: Some(1) }), now);
            now += 1000;
        }
        assert_eq!(job.state(), &State::Finished);
        assert!(job.items.iter().all(|i| i.outcome == Outcome::Failed));
        assert!(job.items[0].detail.contains("rate-limiting") && job.items[0].detail.contains("gave up after 3 waits"), "{}", job.items[0].detail);
    }

    #[test]
    fn server_errors_are_retried_a_bounded_number_of_times_then_fail_with_the_last_error() {
        let mut job = job_of(&idents(10));
        let mut now = 0;
        let mut waits = Vec::new();
        for attempt in 1..=5 {
            let r = job.next(now).unwrap_or_else(|| panic!("attempt {attempt}"));
            let err = if attempt == 3 { ApiError::Network } else { ApiError::Server { status: 500, detail: "Internal server error".into() } };
            job.answer(r.id, Err(err), now);
            if let Some(at) = job.wake_at(now) {
                waits.push(at - now);
                now = at;
            }
        }
        assert_eq!(waits.len(), 4, "five attempts in all");
        for (i, w) in waits.iter().enumerate() {
            let d = 500u64 << i;
            assert!((d / 2..=d).contains(w), "wait {i}: {w}");
        }
        assert_eq!(job.state(), &State::Finished);
        assert_eq!(job.counts().failed, 10);
        assert_eq!(job.items[0].detail, "500 Internal server error (gave up after 5 attempts)");
        assert_eq!((job.requests, job.retried), (5, 4));
        // Retry the failed ones, in the same job, and they succeed this time.
        assert_eq!(job.retry_failed(now), 10);
        let r = job.next(now).unwrap();
        job.answer(r.id, ok(), now + 5);
        assert_eq!(job.counts().done, 10);
        assert_eq!(job.counts().sum(), 10);
        assert!(job.take_report().unwrap().action.contains("retry of 10 failed"));
    }

    #[test]
    fn an_expired_credential_pauses_without_losing_or_repeating_anything() {
        let mut job = job_of(&idents(300));
        let a = job.next(0).unwrap();
        let b = job.next(0).unwrap();
        let c = job.next(0).unwrap();
        job.answer(a.id, ok(), 5);
        let expired = || Err(ApiError::Forbidden { why: Forbidden::Expired, detail: "Expired Access Token is not allowed".into() });
        job.answer(b.id, expired(), 6);
        assert!(matches!(job.state(), State::Paused(Pause::Expired(m)) if m.what.contains("expired")));
        assert_eq!(job.next(7), None);
        job.answer(c.id, expired(), 8);
        job.pause_for(Pause::Disconnected, 9);
        assert!(matches!(job.state(), State::Paused(Pause::Expired(_))), "the first reason stays");
        job.resume(1000);
        let b2 = job.next(1000).unwrap();
        let c2 = job.next(1000).unwrap();
        assert_eq!((b2.users.clone(), c2.users.clone()), (b.users, c.users), "put back at the front, in order, whole");
        assert_eq!(job.retries_waiting(), 0);
        job.answer(b2.id, ok(), 1001);
        job.answer(c2.id, ok(), 1002);
        assert_eq!(job.counts().done, 300);
        assert_eq!(job.requests, 5, "three first sends and the two that met the expired token");
        let refused = Err(ApiError::Forbidden { why: Forbidden::Refused, detail: String::new() });
        let mut job = job_of(&idents(1));
        let r = job.next(0).unwrap();
        job.answer(r.id, refused, 0);
        assert!(matches!(job.state(), State::Paused(Pause::Refused(m)) if m.what.contains("rsa.user.risky.manage")));
    }

    #[test]
    fn pause_resume_and_cancel_account_for_everything() {
        let mut input = idents(1000);
        input.push("USER.1@example.com".into());
        input.push(String::new());
        let mut job = job_of(&input);
        let a = job.next(0).unwrap();
        let b = job.next(0).unwrap();
        job.pause(10);
        assert_eq!(job.next(10), None, "paused: nothing more leaves");
        assert_eq!(job.wake_at(10), None);
        job.answer(a.id, ok(), 20);
        job.answer(b.id, ok(), 30);
        assert_eq!(job.state(), &State::Paused(Pause::Operator), "answers in flight are still recorded");
        assert_eq!(job.counts().done, 200);
        job.resume(5000);
        let c = job.next(5000).unwrap();
        assert_eq!(c.users[0], "user.200@example.com");
        job.cancel(5001);
        assert_eq!(job.state(), &State::Cancelling);
        assert_eq!(job.next(5001), None);
        job.answer(c.id, Err(ApiError::Server { status: 500, detail: String::new() }), 5002);
        assert_eq!(job.state(), &State::Finished);
        let n = job.counts();
        assert_eq!((n.done, n.cancelled, n.duplicates, n.set_aside), (200, 800, 1, 1));
        assert_eq!(job.items[250].detail, "cancelled before it was sent again");
        assert_eq!(job.items[500].detail, "cancelled before it was sent");
        assert_eq!(n.sum(), 1002);
        assert!(n.accounted(HighRiskAction::Add).starts_with("All 1002 identifiers accounted for"));
    }

    #[test]
    fn time_left_follows_the_pace_and_leaves_pauses_out() {
        let mut job = job_of(&idents(400));
        assert_eq!(job.time_left_ms(0), None);
        let a = job.next(0).unwrap();
        job.answer(a.id, ok(), 1000);
        assert_eq!(job.time_left_ms(1000), Some(3000), "100 in 1 s, 300 to go");
        job.pause(1000);
        assert_eq!(job.time_left_ms(60_000), Some(3000), "a pause does not count as work");
        job.resume(60_000);
        assert_eq!(job.active_ms(61_000), 2000);
    }

    #[test]
    fn nothing_to_send_finishes_at_once() {
        let mut job = job_of(&[String::new(), "\u{1}".into()]);
        assert_eq!(job.state(), &State::Finished);
        assert_eq!(job.next(0), None);
        assert_eq!(job.take_report().unwrap().outcome, actionlog::Outcome::Failed);
        assert_eq!(job.counts().set_aside, 2);
    }

    /// A fake server with a rate limit, random 500s, dropped connections and a clock: the job
    /// ends with every identifier accounted for, exactly as the server resolved them.
    #[test]
    fn a_simulated_job_against_a_faulty_rate_limited_server_accounts_for_every_identifier() {
        let mut input: Vec<String> = Vec::new();
        for i in 0..1000 {
            input.push(match i % 10 {
                0 => format!("nobody.{i}@nowhere.example"),
                1 => "shared.alt".into(),
                2 => format!("USER.{}@EXAMPLE.COM", i + 2),
                3 => "  ".into(),
                _ => format!("user.{i}@example.com"),
            });
        }
        let known = |u: &str| u.to_ascii_lowercase().starts_with("user.");
        let mut job = Job::start(HighRiskAction::Add, prepare(input.clone()), Policy::default(), 42, 0);
        let mut rng = 12345u64;
        let mut roll = |n: u64| {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (rng >> 33) % n
        };
        // A rate limit of 2 requests a second, burst 2.
        let (mut now, mut tokens, mut last_refill) = (0u64, 2u64, 0u64);
        let mut flying: Vec<(u64, Request)> = Vec::new();
        let mut applied = std::collections::BTreeSet::new();
        for _ in 0..100_000 {
            while let Some(r) = job.next(now) {
                flying.push((now + 20 + roll(30), r));
            }
            if job.state() == &State::Finished {
                break;
            }
            flying.sort_by_key(|(t, _)| *t);
            let wake = job.wake_at(now);
            let next_answer = flying.first().map(|(t, _)| *t);
            now = match (next_answer, wake) {
                (Some(a), Some(w)) => a.min(w),
                (Some(a), None) => a,
                (None, Some(w)) => w,
                (None, None) => panic!("stuck: {:?}", job.state()),
            };
            if next_answer != Some(now) {
                continue;
            }
            let (_, r) = flying.remove(0);
            tokens = (tokens + (now - last_refill) / 500).min(2);
            last_refill = now - (now - last_refill) % 500;
            let result = if tokens == 0 {
                Err(ApiError::TooManyRequests { retry_after_secs: if roll(2) == 0 { Some(1) } else { None } })
            } else {
                tokens -= 1;
                match roll(10) {
                    0 => Err(ApiError::Server { status: 500, detail: "Internal server error".into() }),
                    1 => Err(ApiError::Network),
                    _ => {
                        let fails: Vec<MultiStatusItem> = r
                            .users
                            .iter()
                            .filter(|u| !known(u))
                            .map(|u| if u.as_str() == "shared.alt" { failed(u, 409, "Multiple") } else { failed(u, 404, "User not found") })
                            .collect();
                        for u in r.users.iter().filter(|u| known(u)) {
                            applied.insert(u.to_ascii_lowercase());
                        }
                        if r.users.len() == 1 && fails.len() == 1 {
                            Err(if fails[0].status_code == 409 { ApiError::Conflict { detail: "x".into() } } else { ApiError::NotFound { detail: "x".into() } })
                        } else {
                            Ok(MultiStatus::of(fails))
                        }
                    }
                }
            };
            job.answer(r.id, result, now);
        }
        assert_eq!(job.state(), &State::Finished);
        let c = job.counts();
        assert_eq!(c.sum(), 1000);
        assert_eq!((c.not_found, c.ambiguous, c.set_aside), (100, 1, 100));
        assert_eq!(c.duplicates, 99 + 100, "shared.alt repeated, and every upper-cased email");
        assert_eq!(c.done + c.failed, 600);
        assert!(c.failed <= 100, "a few batches may exhaust their attempts: {}", c.failed);
        for item in job.items.iter().filter(|i| i.outcome == Outcome::Done) {
            assert!(applied.contains(&item.text.to_ascii_lowercase()), "{} reported done but never applied", item.text);
        }
        assert!(job.rate_limited > 0 && job.retried > 0);
    }
}
