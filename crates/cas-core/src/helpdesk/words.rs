//! The sign-in history in an operator's words: what each kind of event is called, and what a
//! failure means for the person on the phone. RSA's own description (`EventInfo::description`)
//! stays beside these; here is what it means and what to do.

use super::authlogs::{event_info, AuthLogEntry, EventKind};

impl EventKind {
    /// Every kind, in the order the history filter offers them.
    pub const ALL: [EventKind; 8] = [
        EventKind::SignInFailed,
        EventKind::SignInSucceeded,
        EventKind::MethodLocked,
        EventKind::MethodUnlocked,
        EventKind::EnrollmentSucceeded,
        EventKind::EnrollmentFailed,
        EventKind::Synchronization,
        EventKind::SynchronizationFailed,
    ];

    /// The filter's label: "Failed sign-ins".
    pub fn label(self) -> &'static str {
        match self {
            EventKind::SignInSucceeded => "Successful sign-ins",
            EventKind::SignInFailed => "Failed sign-ins",
            EventKind::MethodLocked => "Methods locked",
            EventKind::MethodUnlocked => "Methods unlocked",
            EventKind::EnrollmentSucceeded => "Enrollments",
            EventKind::EnrollmentFailed => "Failed enrollments",
            EventKind::Synchronization => "Synchronizations",
            EventKind::SynchronizationFailed => "Failed synchronizations",
        }
    }

    /// One event's outcome in a word: "Failed".
    pub fn outcome(self) -> &'static str {
        match self {
            EventKind::SignInSucceeded => "Signed in",
            EventKind::SignInFailed => "Failed",
            EventKind::MethodLocked => "Locked",
            EventKind::MethodUnlocked => "Unlocked",
            EventKind::EnrollmentSucceeded => "Enrolled",
            EventKind::EnrollmentFailed => "Enrollment failed",
            EventKind::Synchronization => "Synchronized",
            EventKind::SynchronizationFailed => "Sync failed",
        }
    }

    /// A short name for the filter's value (`failed`), and back.
    pub fn key(self) -> &'static str {
        match self {
            EventKind::SignInSucceeded => "succeeded",
            EventKind::SignInFailed => "failed",
            EventKind::MethodLocked => "locked",
            EventKind::MethodUnlocked => "unlocked",
            EventKind::EnrollmentSucceeded => "enrolled",
            EventKind::EnrollmentFailed => "enrollment-failed",
            EventKind::Synchronization => "sync",
            EventKind::SynchronizationFailed => "sync-failed",
        }
    }

    pub fn from_key(key: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn is_failure(self) -> bool {
        matches!(self, EventKind::SignInFailed | EventKind::EnrollmentFailed | EventKind::SynchronizationFailed)
    }
}

/// What an event means for the user and what to do about it, in plain words; `None` for a
/// code RSA does not document (the entry's own description is then all there is).
pub fn meaning(code: u32) -> Option<&'static str> {
    Some(match code {
        2 => "A method was locked after too many failed attempts. Unlock it (Locks) or wait for the lockout to end.",
        3 => "A locked method was unlocked because the user then signed in successfully.",
        4 => "The SecurID one-time password unlocked by itself: the lockout period ended.",
        20 | 30 => "The sign-in request lacked a value CAS needs: usually the application's or agent's set-up, not the user.",
        21 | 31 => "CAS did not know the user at that moment: they may not have been synchronized yet. Try Synchronize now.",
        22 | 32 => "The account is disabled in CAS, so every sign-in is refused until it is enabled again.",
        23 => "They tried to enroll with a sign-in authenticator that is not registered to them.",
        24 => "The method they tried to enroll is not set up for the tenant.",
        33 => "The application they signed in to is not configured in CAS: a set-up problem for an administrator, not the user.",
        34 => "No rule of the access policy matched this sign-in: an administrator must fix the application's policy.",
        35 => "The method they used is locked after too many failed attempts. Unlock it, or let them use another method or an emergency access code.",
        36 => "They have no authenticator registered (or no method enrolled) for what the access policy asked for. They need to register one; an emergency access code gets them in meanwhile.",
        38 => "CAS refused the request as illegal access (out of sequence or altered). If the user did not start it, treat it as suspicious.",
        51 => "The authenticator the policy asked for is not registered to them (deleted, or never registered). They need to register again.",
        52 => "CAS could not push the notification to their phone: the app may be removed, the phone offline, or notifications off. Ask them to open the app, or use another method.",
        53 => "The verification was interrupted inside CAS. Ask them to try again.",
        101 => "They registered the Authenticate Tokencode.",
        102 => "Registering the Authenticate Tokencode failed. Ask them to start the registration again.",
        103 => "They signed in with the Authenticate Tokencode.",
        400 => "A synchronization found the user enabled in the directory again and enabled them in CAS.",
        401 => "A synchronization found the user disabled in the directory and disabled them in CAS. Enable them in the directory, then synchronize.",
        402 => "A synchronization did not find the user in the directory and disabled them in CAS. Check the directory account, then synchronize.",
        403 | 408 => "Signing in brought the user over from the directory, but their email there is missing or invalid. Fix the email in the directory.",
        404 => "Signing in brought the user over from the directory, but their email is already used by another user.",
        405 => "Signing in brought the user over from the directory, but they are disabled there.",
        406 => "Signing in brought the user over from the directory, but they lack the unique identifiers the identity source maps.",
        407 => "Bringing the user over from the directory at sign-in failed for a reason CAS does not give.",
        409 | 410 => "Bringing the user over from the directory at sign-in failed: no identity router could reach the directory. A matter for whoever runs the identity routers.",
        1501 | 1521 => "They signed in with a QR code.",
        1503 => "They pressed Deny on the approval request. If they did not start that sign-in, someone else may have their password.",
        1507 => "They registered a device by QR code.",
        1513 => "The QR code expired before they scanned it. Ask them to try again and scan it promptly.",
        20601 => "Their directory password was accepted, but the policy offers no additional method a RADIUS client can use: the policy needs changing.",
        20606 => "The Approve request sent through RADIUS timed out: they did not answer on the phone in time.",
        20609 => "The RADIUS service failed internally. Ask them to try again; if it persists, contact RSA support.",
        20612 => "They completed additional authentication after the RADIUS client checked their password.",
        _ => return None,
    })
}

/// The history entry's reason in words: the plain meaning if known, else RSA's description
/// as the entry gives it.
pub fn reason(entry: &AuthLogEntry) -> String {
    entry
        .event_code
        .and_then(meaning)
        .or_else(|| entry.info().map(|i| i.description))
        .map(str::to_string)
        .or_else(|| entry.event_description.clone())
        .unwrap_or_else(|| "The entry does not say what happened.".to_string())
}

/// What kind of event an entry is, by its documented code; `None` for a code RSA does not
/// document (never taken for a success or a failure).
pub fn kind(entry: &AuthLogEntry) -> Option<EventKind> {
    entry.info().map(|i| i.kind)
}

/// The newest successful sign-in in a history (newest first, as the API sends it, but not
/// trusted to be: the latest date wins).
pub fn last_success(history: &[AuthLogEntry]) -> Option<&AuthLogEntry> {
    history
        .iter()
        .filter(|e| kind(e) == Some(EventKind::SignInSucceeded))
        .max_by_key(|e| e.event_log_date.as_deref().and_then(crate::when::parse).unwrap_or(i64::MIN))
}

/// The codes of one kind, for the filter's list.
pub fn codes_of(kind: EventKind) -> impl Iterator<Item = u32> {
    super::EVENT_CODES.iter().filter(move |e| e.kind == kind).map(|e| e.code)
}

/// "35 · Authentication failed - Method locked.": a code as the filter lists it.
pub fn code_label(code: u32) -> String {
    match event_info(code) {
        Some(i) => format!("{code} · {}", i.description),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helpdesk::EVENT_CODES;
    use serde_json::json;

    #[test]
    fn every_documented_failure_has_plain_words() {
        for e in EVENT_CODES {
            let words = meaning(e.code);
            assert!(words.is_some(), "code {} has no words", e.code);
            assert!(words.is_some_and(|w| w.ends_with('.')), "{}", e.code);
        }
        assert_eq!(meaning(37), None);
    }

    #[test]
    fn kinds_round_trip_and_cover_the_table() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::from_key(k.key()), Some(k));
            assert!(codes_of(k).count() > 0, "{k:?}");
        }
        assert_eq!(EventKind::from_key("nope"), None);
        let covered: usize = EventKind::ALL.iter().map(|k| codes_of(*k).count()).sum();
        assert_eq!(covered, EVENT_CODES.len());
        assert_eq!(code_label(35), "35 · Authentication failed - Method locked.");
    }

    #[test]
    fn reasons_fall_back_to_what_the_entry_says() {
        let known: AuthLogEntry = serde_json::from_value(json!({"eventCode": 35})).unwrap_or_default();
        assert!(reason(&known).contains("locked"));
        let unknown: AuthLogEntry = serde_json::from_value(json!({"eventCode": 299, "eventDescription": "FIDO authentication failed."})).unwrap_or_default();
        assert_eq!(reason(&unknown), "FIDO authentication failed.");
        assert_eq!(kind(&unknown), None);
        assert_eq!(reason(&AuthLogEntry::default()), "The entry does not say what happened.");
    }

    #[test]
    fn the_last_success_is_the_latest_one() {
        let h: Vec<AuthLogEntry> = serde_json::from_value(json!([
            {"eventCode": 35, "eventLogDate": "2025-06-20T10:00:00.000Z"},
            {"eventCode": 103, "eventLogDate": "2025-06-18T10:00:00.000Z"},
            {"eventCode": 1501, "eventLogDate": "2025-06-19T10:00:00.000Z"},
            {"eventCode": 52, "eventLogDate": "2025-06-21T10:00:00.000Z"}
        ]))
        .unwrap_or_default();
        assert_eq!(last_success(&h).and_then(|e| e.event_code), Some(1501));
        assert_eq!(last_success(&h[..1]), None);
    }
}
