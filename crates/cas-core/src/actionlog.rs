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
}
