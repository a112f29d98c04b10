//! "Copy summary": a ticket-ready text of a help-desk call, from the action log's entries for
//! one user. It is made from the log alone, which holds no credential and no emergency access
//! code by construction, so neither can reach the ticket.

use crate::actionlog::LogEntry;

/// The text for the ticket: whom it is about and a link to them, what the console found in
/// the way (its findings' titles), and every change made to them this session, oldest first,
/// with its time (ISO 8601 UTC, as the log keeps it), outcome and details.
pub fn ticket(who: &str, link: &str, findings: &[String], changes: &[&LogEntry]) -> String {
    let mut out = format!("CAS user: {who}\n{link}\n");
    if !findings.is_empty() {
        out.push_str("\nWhat stood in the way (as the console read it):\n");
        for f in findings {
            out.push_str(&format!("- {f}\n"));
        }
    }
    if changes.is_empty() {
        out.push_str("\nNo change was made to this user in this session.\n");
    } else {
        out.push_str("\nDone:\n");
        for e in changes {
            let details = if e.details.is_empty() { String::new() } else { format!(" ({})", e.details) };
            out.push_str(&format!("- {} {}: {}{details}\n", e.time, e.action, e.outcome.label()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actionlog::Outcome;

    #[test]
    fn who_what_when_outcome_and_a_link() {
        let unlock = LogEntry {
            time: "2026-01-05T14:03:12.345Z".into(),
            action: "Unlock methods".into(),
            target: "sam@example.com".into(),
            outcome: Outcome::Succeeded,
            details: "200, SMS unlocked; reason: INC-123".into(),
        };
        let code = LogEntry { time: "2026-01-05T14:05:00.000Z".into(), action: "Issue emergency access code".into(), details: String::new(), ..unlock.clone() };
        let text = ticket("Sam Locked (sam@example.com)", "https://console.example.com/users/sam@example.com", &["SMS Tokencode locked".into()], &[&unlock, &code]);
        assert_eq!(
            text,
            "CAS user: Sam Locked (sam@example.com)\nhttps://console.example.com/users/sam@example.com\n\n\
             What stood in the way (as the console read it):\n- SMS Tokencode locked\n\n\
             Done:\n- 2026-01-05T14:03:12.345Z Unlock methods: succeeded (200, SMS unlocked; reason: INC-123)\n\
             - 2026-01-05T14:05:00.000Z Issue emergency access code: succeeded\n"
        );
        assert!(ticket("x", "l", &[], &[]).ends_with("No change was made to this user in this session.\n"));
    }
}
