//! Bulk changes to the high-risk list: reading a pasted list or a CSV file (`input`), and the
//! job that sends it in batches and accounts for every identifier (`job`).
//!
//! Pure like the rest of cas-core: the console hands in the clock (`now_ms`) and the answers;
//! nothing here does I/O or keeps time by itself, so every rule is tested with a fake clock.

pub mod input;
pub mod job;

pub use input::{
    check_size, column_values, guess_layout, parse_csv, prepare, read_column, read_csv, read_list, split_list, Invalid, Source, TooLarge,
    MAX_COLUMNS, MAX_IDENTIFIERS, MAX_INPUT_BYTES,
};
pub use job::{Job, Pause, Policy, Request, State};

use crate::csv;
use crate::wire::HighRiskAction;

/// What became of one identifier of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not settled yet: waiting to be sent, in flight, or waiting to be retried.
    Waiting,
    /// Added or removed, as the job's action says.
    Done,
    /// 404: no user has this email, primary username or alternate username.
    NotFound,
    /// 409: several users share this alternate username.
    Ambiguous,
    /// 400: the server refused this identifier.
    Refused,
    /// Still failing after the retries the policy allows (the detail says with what).
    Failed,
    /// The server answered, but what it said about this identifier could not be read: never
    /// taken for a success. The operator checks the user.
    Unknown,
    /// Not sent: the operator cancelled the job first.
    Cancelled,
    /// Not sent: obviously invalid.
    SetAside(Invalid),
    /// Not sent: the same identifier (ignoring ASCII case) came earlier in the input.
    Duplicate,
}

/// Outcomes grouped as the filters show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Waiting,
    Done,
    NotFound,
    Ambiguous,
    Refused,
    Failed,
    Unknown,
    NotSent,
}

pub const CATEGORIES: [Category; 8] = [
    Category::Done,
    Category::NotFound,
    Category::Ambiguous,
    Category::Refused,
    Category::Failed,
    Category::Unknown,
    Category::NotSent,
    Category::Waiting,
];

impl Outcome {
    pub fn category(self) -> Category {
        match self {
            Outcome::Waiting => Category::Waiting,
            Outcome::Done => Category::Done,
            Outcome::NotFound => Category::NotFound,
            Outcome::Ambiguous => Category::Ambiguous,
            Outcome::Refused => Category::Refused,
            Outcome::Failed => Category::Failed,
            Outcome::Unknown => Category::Unknown,
            Outcome::Cancelled | Outcome::SetAside(_) | Outcome::Duplicate => Category::NotSent,
        }
    }

    pub fn label(self, action: HighRiskAction) -> &'static str {
        match self {
            Outcome::Waiting => "waiting",
            Outcome::Done => done_label(action),
            Outcome::NotFound => "not found",
            Outcome::Ambiguous => "ambiguous alternate username",
            Outcome::Refused => "refused by validation",
            Outcome::Failed => "failed after retries",
            Outcome::Unknown => "outcome unknown: check this user",
            Outcome::Cancelled => "not sent: cancelled",
            Outcome::SetAside(_) => "not sent: set aside",
            Outcome::Duplicate => "not sent: duplicate",
        }
    }
}

fn done_label(action: HighRiskAction) -> &'static str {
    match action {
        HighRiskAction::Add => "added",
        HighRiskAction::Remove => "removed",
    }
}

impl Category {
    /// The filter's name.
    pub fn label(self, action: HighRiskAction) -> &'static str {
        match self {
            Category::Waiting => "Waiting",
            Category::Done => match action {
                HighRiskAction::Add => "Added",
                HighRiskAction::Remove => "Removed",
            },
            Category::NotFound => "Not found",
            Category::Ambiguous => "Ambiguous",
            Category::Refused => "Refused",
            Category::Failed => "Failed",
            Category::Unknown => "Outcome unknown",
            Category::NotSent => "Not sent",
        }
    }
}

/// One identifier of the input, in input order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// As read, trimmed: exactly what is sent.
    pub text: String,
    pub outcome: Outcome,
    /// The server's words, the last error, or why it was not sent.
    pub detail: String,
}

/// How many identifiers ended how. `sum()` equals `input` once nothing is lost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub input: usize,
    pub waiting: usize,
    pub done: usize,
    pub not_found: usize,
    pub ambiguous: usize,
    pub refused: usize,
    pub failed: usize,
    pub unknown: usize,
    pub cancelled: usize,
    pub set_aside: usize,
    pub duplicates: usize,
}

impl Counts {
    pub fn of(items: &[Item]) -> Counts {
        let mut c = Counts { input: items.len(), ..Counts::default() };
        for item in items {
            *match item.outcome {
                Outcome::Waiting => &mut c.waiting,
                Outcome::Done => &mut c.done,
                Outcome::NotFound => &mut c.not_found,
                Outcome::Ambiguous => &mut c.ambiguous,
                Outcome::Refused => &mut c.refused,
                Outcome::Failed => &mut c.failed,
                Outcome::Unknown => &mut c.unknown,
                Outcome::Cancelled => &mut c.cancelled,
                Outcome::SetAside(_) => &mut c.set_aside,
                Outcome::Duplicate => &mut c.duplicates,
            } += 1;
        }
        c
    }

    pub fn sum(&self) -> usize {
        self.waiting + self.done + self.not_found + self.ambiguous + self.refused + self.failed + self.unknown + self.not_sent()
    }

    pub fn not_sent(&self) -> usize {
        self.cancelled + self.set_aside + self.duplicates
    }

    /// Identifiers the job sends (or sent): the input less duplicates and set-aside ones.
    pub fn to_send(&self) -> usize {
        self.input - self.set_aside - self.duplicates
    }

    /// Identifiers the server refused one way or another, or whose outcome is not known.
    pub fn failures(&self) -> usize {
        self.not_found + self.ambiguous + self.refused + self.failed + self.unknown
    }

    /// What "retry" sends again: failures worth repeating. Adding or removing twice is
    /// harmless, so identifiers of unknown outcome go too.
    pub fn retryable(&self) -> usize {
        self.failed + self.unknown
    }

    pub fn in_category(&self, c: Category) -> usize {
        match c {
            Category::Waiting => self.waiting,
            Category::Done => self.done,
            Category::NotFound => self.not_found,
            Category::Ambiguous => self.ambiguous,
            Category::Refused => self.refused,
            Category::Failed => self.failed,
            Category::Unknown => self.unknown,
            Category::NotSent => self.not_sent(),
        }
    }

    /// "612 added, 200 not found, …, 187 not sent (150 duplicates, 30 set aside, 7 cancelled)".
    pub fn summary(&self, action: HighRiskAction) -> String {
        let waiting = if self.waiting > 0 { format!(", {} waiting", self.waiting) } else { String::new() };
        let unknown = if self.unknown > 0 { format!(", {} of unknown outcome (check these users)", self.unknown) } else { String::new() };
        format!(
            "{} {}, {} not found, {} ambiguous, {} refused by validation, {} failed after retries, {} not sent ({} duplicates, {} set aside, {} cancelled){unknown}{waiting}",
            self.done,
            done_label(action),
            self.not_found,
            self.ambiguous,
            self.refused,
            self.failed,
            self.not_sent(),
            self.duplicates,
            self.set_aside,
            self.cancelled,
        )
    }

    /// The closing sentence: every identifier accounted for, or (a bug) how many are not.
    pub fn accounted(&self, action: HighRiskAction) -> String {
        if self.sum() == self.input && self.waiting == 0 {
            format!("All {} identifiers accounted for: {}.", self.input, self.summary(action))
        } else {
            format!("{} of {} identifiers accounted for: {}.", self.sum() - self.waiting, self.input, self.summary(action))
        }
    }
}

/// The outcome table as CSV (formula-safe), one row per input identifier, in input order.
pub fn outcomes_csv(items: &[Item], action: HighRiskAction) -> String {
    csv::table(
        &["line", "identifier", "outcome", "detail"],
        items.iter().enumerate().map(|(i, it)| vec![(i + 1).to_string(), it.text.clone(), it.outcome.label(action).to_string(), it.detail.clone()]),
    )
}

/// "1 h 2 min", "3 min 20 s", "45 s": whole units, no float formatting.
pub fn duration_words(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_and_read_well() {
        let items: Vec<Item> = [
            Outcome::Done,
            Outcome::Done,
            Outcome::NotFound,
            Outcome::Ambiguous,
            Outcome::Duplicate,
            Outcome::SetAside(Invalid::Empty),
            Outcome::Cancelled,
            Outcome::Failed,
        ]
        .into_iter()
        .map(|outcome| Item { text: "x".into(), outcome, detail: String::new() })
        .collect();
        let c = Counts::of(&items);
        assert_eq!(c.sum(), 8);
        assert_eq!(c.to_send(), 6);
        assert_eq!(c.failures(), 3);
        assert_eq!(c.in_category(Category::NotSent), 3);
        assert_eq!(
            c.accounted(HighRiskAction::Add),
            "All 8 identifiers accounted for: 2 added, 1 not found, 1 ambiguous, 0 refused by validation, 1 failed after retries, 3 not sent (1 duplicates, 1 set aside, 1 cancelled)."
        );
        let sum: usize = CATEGORIES.iter().map(|k| c.in_category(*k)).sum();
        assert_eq!(sum, c.input);
    }

    #[test]
    fn csv_is_formula_safe_and_in_input_order() {
        let items = vec![
            Item { text: "=cmd|' /C calc'!A0".into(), outcome: Outcome::NotFound, detail: "404 User not found".into() },
            Item { text: "a@b.c".into(), outcome: Outcome::Done, detail: String::new() },
        ];
        let csv = outcomes_csv(&items, HighRiskAction::Remove);
        assert_eq!(csv, "line,identifier,outcome,detail\r\n1,'=cmd|' /C calc'!A0,not found,404 User not found\r\n2,a@b.c,removed,\r\n");
    }

    #[test]
    fn durations_in_whole_units() {
        assert_eq!(duration_words(0), "0 s");
        assert_eq!(duration_words(1), "1 s");
        assert_eq!(duration_words(59_400), "1 min 0 s");
        assert_eq!(duration_words(200_000), "3 min 20 s");
        assert_eq!(duration_words(3_720_000), "1 h 2 min");
    }
}
