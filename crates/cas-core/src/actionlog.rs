//! The operator's action log: every change the console asked the server for, and what came
//! of it. Entries hold no credential by construction: there is no field one could go in.

use crate::csv;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    /// Part of a batch succeeded.
    Partial,
    /// The server answered in a way that does not say whether the change was made.
    Unknown,
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Partial => "partly succeeded",
            Outcome::Unknown => "outcome unknown",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// ISO 8601, UTC.
    pub time: String,
    /// e.g. "Disable user", "Add to high-risk list".
    pub action: String,
    /// Whom it was done to: an email, or "37 identifiers".
    pub target: String,
    pub outcome: Outcome,
    /// HTTP status and the server's own words, or the console's when there were none.
    pub details: String,
}

pub const CSV_HEADER: [&str; 5] = ["time", "action", "target", "outcome", "details"];

/// The longest reason kept; a ticket number or a sentence fits, a pasted document does not.
pub const MAX_REASON_CHARS: usize = 200;

/// The operator's "reason or ticket number", as the log keeps it: one line (control
/// characters become spaces), trimmed, at most `MAX_REASON_CHARS`; `None` when blank.
pub fn reason(text: &str) -> Option<String> {
    let line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let kept: String = line.trim().chars().take(MAX_REASON_CHARS).collect();
    let kept = kept.trim_end().to_string();
    (!kept.is_empty()).then_some(kept)
}

/// The details with the reason after them (`200, status now Disabled; reason: INC-123`): the
/// reason travels in the details column, so the log's CSV keeps its five columns.
pub fn with_reason(details: String, reason: Option<&str>) -> String {
    match reason {
        Some(r) if details.is_empty() => format!("reason: {r}"),
        Some(r) => format!("{details}; reason: {r}"),
        None => details,
    }
}

pub fn to_csv(entries: &[LogEntry]) -> String {
    csv::table(
        &CSV_HEADER,
        entries.iter().map(|e| vec![e.time.as_str(), e.action.as_str(), e.target.as_str(), e.outcome.label(), e.details.as_str()]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_header_and_neutralises_formulas() {
        let entries = vec![LogEntry {
            time: "2026-01-01T00:00:00Z".into(),
            action: "Disable user".into(),
            target: "=cmd|'/c calc'!A1".into(),
            outcome: Outcome::Succeeded,
            details: "200, status now Disabled".into(),
        }];
        let csv = to_csv(&entries);
        assert!(csv.starts_with("time,action,target,outcome,details\r\n"));
        assert!(csv.contains("'=cmd|'/c calc'!A1"));
        assert!(csv.contains("\"200, status now Disabled\""));
    }

    #[test]
    fn a_reason_is_one_trimmed_line_in_the_details() {
        assert_eq!(reason("  INC-123 "), Some("INC-123".into()));
        assert_eq!(reason("caller\nverified\tby phone"), Some("caller verified by phone".into()));
        assert_eq!(reason(" \n "), None);
        assert_eq!(reason(&"x".repeat(500)).map(|r| r.chars().count()), Some(MAX_REASON_CHARS));
        assert_eq!(with_reason("200, SMS unlocked".into(), Some("INC-123")), "200, SMS unlocked; reason: INC-123");
        assert_eq!(with_reason(String::new(), Some("INC-1")), "reason: INC-1");
        assert_eq!(with_reason("200".into(), None), "200");
        let entry = LogEntry {
            time: "t".into(),
            action: "Unlock methods".into(),
            target: "a@b.c".into(),
            outcome: Outcome::Succeeded,
            details: with_reason("200".into(), reason("=HYPERLINK(x)").as_deref()),
        };
        let csv = to_csv(&[entry]);
        assert!(csv.starts_with("time,action,target,outcome,details\r\n"));
        assert!(csv.contains("200; reason: =HYPERLINK(x)"), "{csv}");
    }
}
