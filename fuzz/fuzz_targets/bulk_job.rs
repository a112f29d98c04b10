//! The bulk high-risk job driven through any sequence of answers (200, 207s of any shape, every
//! error status, no answer) and of operator and console actions (pause, resume, cancel,
//! disconnect, retry the failed ones), with the clock moving on.
//!
//! No panic, and after every step: every identifier is accounted for exactly once; nothing
//! settled changes again (but "retry the failed ones" for failed or unknown ones); nothing is
//! in two requests at once, and every request holds 1 to 100 identifiers still waiting. In
//! the end, with the server answering 200, every job finishes with nothing left waiting.
#![no_main]

use cas_core::bulk::{self, Counts, Job, Outcome, Pause, Policy, Request, State};
use cas_core::error::{self, ApiError, UserMessage};
use cas_core::wire::{HighRiskAction, MultiStatus, HIGH_RISK_BATCH_LIMIT};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

#[derive(Arbitrary, Debug)]
enum Who {
    Sent(u8),
    /// A sent identifier in upper case and with spaces around it.
    Respelled(u8),
    Other(String),
    Nobody,
}

#[derive(Arbitrary, Debug)]
enum Code {
    Number(u16),
    Text(String),
    Null,
}

#[derive(Arbitrary, Debug)]
struct Entry {
    who: Who,
    code: Code,
    error: Option<String>,
}

#[derive(Arbitrary, Debug)]
enum Reply {
    /// 200, no body.
    Ok,
    /// 207 with these entries.
    Multi(Vec<Entry>),
    /// 207 with this body, read as the console reads it.
    Body(String),
    /// Any other status, classified as the console classifies it.
    Status { status: u16, body: String, retry_after: Option<String> },
    Network,
    Timeout,
    Aborted,
    Signing,
}

#[derive(Arbitrary, Debug)]
enum Step {
    Send,
    Answer { which: u8, reply: Reply },
    Wait(u16),
    Pause,
    Resume,
    Cancel,
    Disconnect,
    Expired,
    RetryFailed,
}

#[derive(Arbitrary, Debug)]
struct Input {
    entries: Vec<String>,
    remove: bool,
    batch_size: u8,
    in_flight: u8,
    attempts: u8,
    rate_waits: u8,
    seed: u64,
    steps: Vec<Step>,
}

/// A morning in 2026, in ms: the console's clock.
const START: u64 = 1_780_000_000_000;

fn body_of(entries: &[Entry], sent: &Request) -> Value {
    let users: Vec<Value> = entries
        .iter()
        .map(|e| {
            let pick = |k: u8| sent.users.get(usize::from(k) % sent.users.len().max(1)).cloned().unwrap_or_default();
            let mut v = serde_json::Map::new();
            match &e.who {
                Who::Sent(k) => drop(v.insert("id".into(), pick(*k).into())),
                Who::Respelled(k) => drop(v.insert("id".into(), format!(" {} ", pick(*k).to_uppercase()).into())),
                Who::Other(s) => drop(v.insert("id".into(), s.clone().into())),
                Who::Nobody => {}
            }
            match &e.code {
                Code::Number(n) => drop(v.insert("statusCode".into(), (*n).into())),
                Code::Text(s) => drop(v.insert("statusCode".into(), s.clone().into())),
                Code::Null => {}
            }
            if let Some(err) = &e.error {
                v.insert("error".into(), err.clone().into());
            }
            Value::Object(v)
        })
        .collect();
    json!({ "users": users })
}

fn result_of(reply: &Reply, sent: &Request) -> Result<MultiStatus, ApiError> {
    let bad = |detail: &str| ApiError::BadBody { status: 207, detail: detail.into() };
    match reply {
        Reply::Ok => Ok(MultiStatus::default()),
        Reply::Multi(entries) => serde_json::from_value(body_of(entries, sent)).map_err(|_| bad("expected a multi-status list")),
        Reply::Body(text) => serde_json::from_str(text).map_err(|_| bad("expected a multi-status list")),
        Reply::Status { status, body, retry_after } => {
            let status = 300 + status % 300;
            Err(error::classify(status, Some("application/json"), body, retry_after.as_deref()))
        }
        Reply::Network => Err(ApiError::Network),
        Reply::Timeout => Err(ApiError::Timeout),
        Reply::Aborted => Err(ApiError::Aborted),
        Reply::Signing => Err(ApiError::Signing { detail: "fuzz".into() }),
    }
}

struct Run {
    job: Job,
    flying: Vec<Request>,
    now: u64,
    n: usize,
    /// The action log's entry of the current run was taken.
    reported: bool,
}

impl Run {
    fn send_all(&mut self) {
        while let Some(r) = self.job.next(self.now) {
            assert!(!r.users.is_empty() && r.users.len() <= HIGH_RISK_BATCH_LIMIT, "{} identifiers in one request", r.users.len());
            for u in &r.users {
                let item = self.job.items.iter().find(|i| &i.text == u).expect("a request names only items of the job");
                assert_eq!(item.outcome, Outcome::Waiting, "{u:?} sent although settled");
                assert!(!self.flying.iter().any(|f| f.users.contains(u)), "{u:?} in two requests at once");
            }
            self.flying.push(r);
        }
    }

    fn check(&self) {
        let c = Counts::of(&self.job.items);
        assert_eq!((c.input, c.sum()), (self.n, self.n), "identifiers lost or counted twice");
        assert_eq!(self.job.in_flight(), self.flying.len());
        if *self.job.state() == State::Finished {
            assert_eq!(c.waiting, 0, "finished with identifiers waiting");
            assert!(self.flying.is_empty());
        }
        let _ = (self.job.wake_at(self.now), self.job.time_left_ms(self.now), self.job.active_ms(self.now), self.job.retries_waiting());
    }
}

fuzz_target!(|input: Input| {
    let action = if input.remove { HighRiskAction::Remove } else { HighRiskAction::Add };
    let items = bulk::prepare(input.entries);
    let policy = Policy {
        batch_size: usize::from(input.batch_size),
        in_flight: usize::from(input.in_flight % 8),
        attempts: u32::from(input.attempts % 8),
        rate_waits: u32::from(input.rate_waits % 8),
        backoff_base_ms: 500,
        backoff_cap_ms: 30_000,
    };
    let n = items.len();
    let mut run = Run { job: Job::start(action, items, policy, input.seed, START), flying: Vec::new(), now: START, n, reported: false };
    run.check();
    for step in &input.steps {
        let before: Vec<Outcome> = run.job.items.iter().map(|i| i.outcome).collect();
        let mut retried = false;
        match step {
            Step::Send => run.send_all(),
            Step::Answer { which, reply } => {
                if !run.flying.is_empty() {
                    let sent = run.flying.remove(usize::from(*which) % run.flying.len());
                    let result = result_of(reply, &sent);
                    run.job.answer(sent.id, result, run.now);
                }
            }
            Step::Wait(ms) => run.now += u64::from(*ms) * 16,
            Step::Pause => run.job.pause(run.now),
            Step::Resume => run.job.resume(run.now),
            Step::Cancel => run.job.cancel(run.now),
            Step::Disconnect => run.job.disconnected(run.now),
            Step::Expired => run.job.pause_for(Pause::Expired(UserMessage::new("expired", "renew")), run.now),
            Step::RetryFailed => {
                retried = true;
                if run.job.retry_failed(run.now) > 0 {
                    run.reported = false;
                }
            }
        }
        for (i, (was, item)) in before.iter().zip(&run.job.items).enumerate() {
            let may_change = *was == Outcome::Waiting || (retried && matches!(was, Outcome::Failed | Outcome::Unknown));
            assert!(may_change || *was == item.outcome, "item {i} went from {was:?} to {:?} on {step:?}", item.outcome);
        }
        run.check();
        if *run.job.state() == State::Finished {
            let report = run.job.take_report();
            assert_eq!(report.is_some(), !run.reported, "one action log entry per run");
            run.reported = true;
        }
    }
    // The server now answers everything with 200: the job must finish.
    for _ in 0..100_000 {
        if *run.job.state() == State::Finished {
            break;
        }
        run.job.resume(run.now);
        run.send_all();
        for sent in std::mem::take(&mut run.flying) {
            run.job.answer(sent.id, Ok(MultiStatus::default()), run.now);
        }
        run.now = run.job.wake_at(run.now).unwrap_or(run.now).max(run.now + 1);
        run.check();
    }
    assert_eq!(*run.job.state(), State::Finished, "the job never finished");
    assert_eq!(Counts::of(&run.job.items).waiting, 0);
});
