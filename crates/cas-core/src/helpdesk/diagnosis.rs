//! "Why can't this user sign in?": what the console already knows about a user (the lookup,
//! the recent sign-in history, the authenticators), read as a list of what stands in the way,
//! most likely first, each with its one-click fix where the API has one.
//!
//! Likelihood is not a score but three plain grades an operator can check: a state that
//! refuses every sign-in (certain), a state the latest failures point at (likely), a state
//! that may be in the way (possible). Within a grade, the order is that of `Cause`.

use super::authlogs::{AuthLogEntry, EventKind};
use super::authenticators::{AuthenticatorsV1, AuthenticatorsV2};
use super::unlock::UnlockMethod;
use super::words;
use crate::when;
use crate::wire::{User, UserStatus};

/// What the console could read of a user's authenticators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct AuthenticatorCount {
    /// Devices with the RSA Authenticator app.
    pub apps: usize,
    pub browsers: usize,
    /// `None` when only v1 could be read (it lists neither).
    pub fido: Option<usize>,
    pub hardware: Option<usize>,
}

impl AuthenticatorCount {
    pub fn of_v2(a: &AuthenticatorsV2) -> Self {
        let browsers = a.devices.iter().filter(|d| d.is_browser()).count();
        AuthenticatorCount { apps: a.devices.len() - browsers, browsers, fido: Some(a.fido_tokens.len()), hardware: Some(a.sid_tokens.len()) }
    }

    pub fn of_v1(a: &AuthenticatorsV1) -> Self {
        let browsers = a.devices.iter().filter(|d| d.is_browser()).count();
        AuthenticatorCount { apps: a.devices.len() - browsers, browsers, fido: None, hardware: None }
    }

    fn total(&self) -> usize {
        self.apps + self.browsers + self.fido.unwrap_or(0) + self.hardware.unwrap_or(0)
    }

    fn complete(&self) -> bool {
        self.fido.is_some() && self.hardware.is_some()
    }
}

/// What the console knows.
pub struct Facts<'a> {
    pub user: &'a User,
    /// The recent sign-in history as the API gave it, when it could be read.
    pub history: Option<&'a [AuthLogEntry]>,
    pub authenticators: Option<AuthenticatorCount>,
    /// Seconds since the epoch.
    pub now: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Likelihood {
    /// Refuses every sign-in while it lasts.
    Certain,
    /// What the latest failures point at.
    Likely,
    /// May be in the way; nothing the console saw confirms it.
    Possible,
}

impl Likelihood {
    pub fn label(self) -> &'static str {
        match self {
            Likelihood::Certain => "Blocks every sign-in",
            Likelihood::Likely => "Matches the latest failures",
            Likelihood::Possible => "May stand in the way",
        }
    }
}

/// A method the lookup reports locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lock {
    Token,
    Sms,
    Voice,
    Fingerprint,
    Approve,
}

impl Lock {
    pub const ALL: [Lock; 5] = [Lock::Token, Lock::Sms, Lock::Voice, Lock::Fingerprint, Lock::Approve];

    pub fn name(self) -> &'static str {
        match self {
            Lock::Token => "Authenticate OTP",
            Lock::Sms => "SMS Tokencode",
            Lock::Voice => "Voice Tokencode",
            Lock::Fingerprint => "Device Biometrics",
            Lock::Approve => "Approve",
        }
    }

    /// What the unlock API calls it; Device Biometrics and Approve it cannot unlock.
    pub fn unlock_method(self) -> Option<UnlockMethod> {
        match self {
            Lock::Token => Some(UnlockMethod::Token),
            Lock::Sms => Some(UnlockMethod::Sms),
            Lock::Voice => Some(UnlockMethod::Voice),
            Lock::Fingerprint | Lock::Approve => None,
        }
    }

    pub fn of(m: UnlockMethod) -> Lock {
        match m {
            UnlockMethod::Token => Lock::Token,
            UnlockMethod::Sms => Lock::Sms,
            UnlockMethod::Voice => Lock::Voice,
        }
    }

    pub fn is_locked(self, u: &User) -> bool {
        let flag = match self {
            Lock::Token => u.is_token_locked,
            Lock::Sms => u.is_sms_locked,
            Lock::Voice => u.is_voice_locked,
            Lock::Fingerprint => u.is_fingerprint_locked,
            Lock::Approve => u.is_approve_locked,
        };
        flag == Some(true)
    }

    /// The locks the lookup reports, in `ALL`'s order.
    pub fn of_user(u: &User) -> Vec<Lock> {
        Lock::ALL.into_iter().filter(|l| l.is_locked(u)).collect()
    }

    /// Whether a history entry's `method` is this one (the history names methods as the
    /// sign-in screens do; a hardware token's SecurID OTP locks with the token flag).
    fn used_in(self, method: &str) -> bool {
        let m = method.to_ascii_lowercase();
        match self {
            Lock::Token => m.contains("authenticate") || m.contains("securid") || m == "otp",
            Lock::Sms => m.contains("sms"),
            Lock::Voice => m.contains("voice"),
            Lock::Fingerprint => m.contains("biometric") || m.contains("fingerprint"),
            Lock::Approve => m.contains("approve"),
        }
    }
}

/// What stands in the way, in the order findings of one likelihood are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    PendingDeletion,
    DisabledBySync,
    Disabled,
    /// A status the console does not know.
    UnknownStatus,
    Locked(Lock),
    NoAuthenticator,
    HighRisk,
    /// Recent failures with this code that nothing above explains.
    Failures(u32),
}

impl Cause {
    /// A stable name for the page's markup and its tests: `locked-sms`, `failures-52`.
    pub fn key(self) -> String {
        match self {
            Cause::PendingDeletion => "pending-deletion".into(),
            Cause::DisabledBySync => "disabled-by-sync".into(),
            Cause::Disabled => "disabled".into(),
            Cause::UnknownStatus => "unknown-status".into(),
            Cause::Locked(l) => format!("locked-{}", match l {
                Lock::Token => "token",
                Lock::Sms => "sms",
                Lock::Voice => "voice",
                Lock::Fingerprint => "fingerprint",
                Lock::Approve => "approve",
            }),
            Cause::NoAuthenticator => "no-authenticator".into(),
            Cause::HighRisk => "high-risk".into(),
            Cause::Failures(code) => format!("failures-{code}"),
        }
    }
}

/// The one-click fix: each is one of the page's own actions (with its confirmation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fix {
    TakeBackDeletion,
    Synchronize,
    Enable,
    Unlock(UnlockMethod),
    IssueEmergencyCode,
}

impl Fix {
    pub fn label(self) -> &'static str {
        match self {
            Fix::TakeBackDeletion => "Take back the deletion",
            Fix::Synchronize => "Synchronize now",
            Fix::Enable => "Enable user",
            Fix::Unlock(UnlockMethod::Token) => "Unlock Authenticate OTP",
            Fix::Unlock(UnlockMethod::Sms) => "Unlock SMS Tokencode",
            Fix::Unlock(UnlockMethod::Voice) => "Unlock Voice Tokencode",
            Fix::IssueEmergencyCode => "Issue an emergency access code",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub cause: Cause,
    pub likelihood: Likelihood,
    /// "SMS Tokencode locked".
    pub title: String,
    /// What the console saw.
    pub evidence: String,
    /// What to do.
    pub next: String,
    pub fix: Option<Fix>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Diagnosis {
    /// Most likely first.
    pub findings: Vec<Finding>,
    /// What else helps on the call: an active emergency code, the last successful sign-in.
    pub notes: Vec<String>,
}

fn at(e: &AuthLogEntry) -> Option<i64> {
    e.event_log_date.as_deref().and_then(when::parse)
}

fn times(n: usize) -> String {
    if n == 1 { "once".to_string() } else { format!("{n} times") }
}

/// Failed sign-ins since the latest successful one (all of them when there is none), newest
/// first.
fn failures_since_success(history: &[AuthLogEntry]) -> Vec<&AuthLogEntry> {
    let success = words::last_success(history).and_then(at);
    let mut out: Vec<&AuthLogEntry> = history
        .iter()
        .filter(|e| words::kind(e) == Some(EventKind::SignInFailed))
        .filter(|e| match (success, at(e)) {
            (Some(s), Some(t)) => t > s,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(at(e).unwrap_or(i64::MIN)));
    out
}

/// "3 times, the last 2 hours ago".
fn tally(events: &[&AuthLogEntry], now: i64) -> String {
    let last = events.iter().filter_map(|e| at(e)).max();
    match last {
        Some(t) => format!("{}, the last {}", times(events.len()), when::relative(t, now)),
        None => times(events.len()),
    }
}

pub fn diagnose(f: &Facts) -> Diagnosis {
    let u = f.user;
    let mut findings = Vec::new();
    // Refusals as disabled (32, 22) never stand alone either: the status says whether the
    // account is disabled now.
    let mut explained: Vec<u32> = vec![32, 22];
    let recent = f.history.map(failures_since_success).unwrap_or_default();
    let with = |codes: &[u32]| recent.iter().copied().filter(|e| e.event_code.is_some_and(|c| codes.contains(&c))).collect::<Vec<_>>();

    // The account itself.
    let pending = u.status() == Some(&UserStatus::PendingDeletion) || u.mark_deleted == Some(true);
    let refusals = with(&[32, 22]);
    let refused = if refusals.is_empty() { String::new() } else { format!(" Their sign-ins since were refused as disabled ({}).", tally(&refusals, f.now)) };
    if pending {
        let marked = u.mark_deleted_at.as_deref().and_then(when::parse);
        let when_marked = marked.map(|t| format!(" {}", when::relative(t, f.now))).unwrap_or_default();
        let by = u.mark_deleted_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
        let purge = marked.map(|t| super::mark_deleted::days_left(t, f.now)).map(|d| match d {
            0 => " CAS deletes them within the day.".to_string(),
            1 => " CAS deletes them in 1 day.".to_string(),
            d => format!(" CAS deletes them in {d} days."),
        });
        findings.push(Finding {
            cause: Cause::PendingDeletion,
            likelihood: Likelihood::Certain,
            title: "Marked for deletion".into(),
            evidence: format!("Marked for deletion{when_marked}{by}.{}{refused}", purge.unwrap_or_default()),
            next: "If the deletion was a mistake, take it back; the user is then disabled, and enabling them lets them sign in again.".into(),
            fix: Some(Fix::TakeBackDeletion),
        });
    } else if u.status() == Some(&UserStatus::Disabled) {
        // The newest synchronization event says whether the directory disabled them.
        let sync = f.history.and_then(|h| {
            h.iter().filter(|e| words::kind(e) == Some(EventKind::Synchronization)).max_by_key(|e| at(e).unwrap_or(i64::MIN))
        });
        match (f.history, sync.and_then(|e| e.event_code).filter(|c| matches!(c, 401 | 402))) {
            (_, Some(code)) => {
                let ago = sync.and_then(at).map(|t| format!(", {}", when::relative(t, f.now))).unwrap_or_default();
                let what = if code == 402 { "did not find them in the directory" } else { "found them disabled in the directory" };
                findings.push(Finding {
                    cause: Cause::DisabledBySync,
                    likelihood: Likelihood::Certain,
                    title: "Disabled by a synchronization with the directory".into(),
                    evidence: format!("A synchronization {what} and disabled them (event {code}{ago}).{refused}"),
                    next: "CAS will not enable them itself (409). Enable or restore the account in the directory, then synchronize: the synchronization enables them again.".into(),
                    fix: Some(Fix::Synchronize),
                });
            }
            (Some(_), None) => findings.push(Finding {
                cause: Cause::Disabled,
                likelihood: Likelihood::Certain,
                title: "Disabled".into(),
                evidence: format!("The account is disabled in CAS. The sign-in history (40 days) shows no synchronization disabling them, so an administrator most likely did.{refused}"),
                next: "Enable them if the disable was not meant to last.".into(),
                fix: Some(Fix::Enable),
            }),
            (None, None) => findings.push(Finding {
                cause: Cause::Disabled,
                likelihood: Likelihood::Certain,
                title: "Disabled".into(),
                evidence: "The account is disabled in CAS. Whether an administrator or a synchronization with the directory did it, only the sign-in history says.".into(),
                next: "Enable them if the disable was not meant to last; if the directory disabled them, CAS refuses (409) and the account must be enabled there first.".into(),
                fix: Some(Fix::Enable),
            }),
        }
    } else if let Some(UserStatus::Other(s)) = u.status() {
        findings.push(Finding {
            cause: Cause::UnknownStatus,
            likelihood: Likelihood::Possible,
            title: format!("Status \u{201c}{s}\u{201d}"),
            evidence: format!("The server gives the status \u{201c}{s}\u{201d}, which the console does not know."),
            next: "Check the user in the Cloud Administration Console.".into(),
            fix: None,
        });
    }

    // Locked methods, each on its own: the latest failures may point at one of them. Refusals
    // as locked (35) never stand alone: with no lock now, the lock they met is over.
    let locks = Lock::of_user(u);
    explained.push(35);
    for lock in locks {
        let refused: Vec<&AuthLogEntry> = with(&[35]).into_iter().filter(|e| e.method.as_deref().is_none_or(|m| lock.used_in(m))).collect();
        let locked_at = f.history.and_then(|h| {
            h.iter().filter(|e| e.event_code == Some(2) && e.method.as_deref().is_some_and(|m| lock.used_in(m))).filter_map(at).max()
        });
        let mut evidence = match locked_at {
            Some(t) => format!("Locked {} after too many failed attempts.", when::relative(t, f.now)),
            None => "The user record says it is locked.".to_string(),
        };
        if !refused.is_empty() {
            evidence.push_str(&format!(" Their sign-ins with it were refused as locked ({}).", tally(&refused, f.now)));
        }
        let (next, fix) = match lock.unlock_method() {
            Some(m) => ("Unlock it; they can sign in with it straight away.".to_string(), Some(Fix::Unlock(m))),
            None => (
                format!("The Cloud Administration API cannot unlock {}: it unlocks when the lockout ends, or in the Cloud Administration Console. Meanwhile they can use another method, or an emergency access code.", lock.name()),
                Some(Fix::IssueEmergencyCode),
            ),
        };
        findings.push(Finding {
            cause: Cause::Locked(lock),
            likelihood: if refused.is_empty() { Likelihood::Possible } else { Likelihood::Likely },
            title: format!("{} locked", lock.name()),
            evidence,
            next,
            fix,
        });
    }

    // Nothing to sign in with.
    let phones = u.sms_number.as_deref().is_some_and(|n| !n.trim().is_empty()) || u.voice_number.as_deref().is_some_and(|n| !n.trim().is_empty());
    let unregistered = with(&[36, 51, 23]);
    let none_registered = f.authenticators.map(|a| a.total() == 0 && !phones);
    if none_registered == Some(true) || (none_registered.is_none() && !unregistered.is_empty()) {
        explained.extend([36, 51, 23]);
        let mut evidence = match f.authenticators {
            Some(a) if a.complete() => "No app, browser authenticator, FIDO credential or hardware token is registered, and there is no SMS or voice number.".to_string(),
            Some(_) => "No app or browser authenticator is registered and there is no SMS or voice number (FIDO credentials and hardware tokens could not be read).".to_string(),
            None => "Their authenticators could not be read.".to_string(),
        };
        if !unregistered.is_empty() {
            evidence.push_str(&format!(" Their sign-ins failed for want of a registered authenticator ({}).", tally(&unregistered, f.now)));
        }
        let confirmed = !unregistered.is_empty() || f.authenticators.is_some_and(|a| a.complete());
        findings.push(Finding {
            cause: Cause::NoAuthenticator,
            likelihood: if confirmed { Likelihood::Likely } else { Likelihood::Possible },
            title: "No authenticator to sign in with".into(),
            evidence,
            next: "Ask them to register an authenticator (the RSA Authenticator app, a security key) in My Page; an emergency access code gets them in meanwhile.".into(),
            fix: Some(Fix::IssueEmergencyCode),
        });
    }

    // The high-risk list.
    if u.high_risk_user == Some(true) {
        explained.push(1503);
        let denied = with(&[1503]);
        let mut evidence = "Access policies for high-risk users apply to them: they may be asked for a stronger method, or refused.".to_string();
        if !denied.is_empty() {
            evidence.push_str(&format!(" They denied approval requests ({}), perhaps ones they did not start.", tally(&denied, f.now)));
        }
        findings.push(Finding {
            cause: Cause::HighRisk,
            // The policy for high-risk users may be what refuses them.
            likelihood: if recent.is_empty() { Likelihood::Possible } else { Likelihood::Likely },
            title: "On the high-risk list".into(),
            evidence,
            next: "Taking them off the list is a security decision: check with whoever flagged them before you do (Remove from high-risk list, above).".into(),
            fix: None,
        });
    }

    // Whatever else the latest failures say, by code, newest first.
    let mut seen: Vec<u32> = Vec::new();
    for e in &recent {
        let Some(code) = e.event_code else { continue };
        if explained.contains(&code) || seen.contains(&code) {
            continue;
        }
        seen.push(code);
        let same = with(&[code]);
        let newest = recent.first().and_then(|n| n.event_code) == Some(code);
        let description = e.info().map(|i| i.description).or(e.event_description.as_deref()).unwrap_or("Failed");
        let method = e.method.as_deref().map(|m| format!(" with {m}")).unwrap_or_default();
        findings.push(Finding {
            cause: Cause::Failures(code),
            likelihood: if newest { Likelihood::Likely } else { Likelihood::Possible },
            title: format!("{} ({code})", description.trim_end_matches('.')),
            evidence: format!("Their sign-ins{method} failed this way {}.", tally(&same, f.now)),
            next: words::reason(e),
            fix: if matches!(code, 31 | 21) { Some(Fix::Synchronize) } else { None },
        });
    }

    findings.sort_by_key(|x| (x.likelihood, x.cause));

    let mut notes = Vec::new();
    let stale = |codes: &[u32], what: &str, now: &str| {
        let events = with(codes);
        (!events.is_empty()).then(|| format!("Their latest failures ({}) were refusals as {what}; {now}: ask them to try again.", tally(&events, f.now)))
    };
    if Lock::of_user(u).is_empty() {
        notes.extend(stale(&[35], "locked", "no method is locked now"));
    }
    if u.status() == Some(&UserStatus::Enabled) {
        notes.extend(stale(&[32, 22], "disabled", "the account is enabled now"));
    }
    match u.emergency_access_status.as_deref() {
        Some("Enabled") => {
            let until = u.emergency_tokencode_expiration.as_deref().and_then(when::parse).map(|t| format!(", expiring {}", when::relative(t, f.now))).unwrap_or_default();
            notes.push(format!("An emergency access code is active{until}: they can sign in with it where the policy offers it."));
        }
        Some("Locked") => notes.push("Their emergency access code is locked: issue a new one if they need it.".into()),
        _ => {}
    }
    if let Some(h) = f.history {
        match words::last_success(h) {
            Some(e) => {
                let ago = at(e).map(|t| when::relative(t, f.now)).unwrap_or_else(|| "at an unknown time".into());
                let method = e.method.as_deref().map(|m| format!(" with {m}")).unwrap_or_default();
                notes.push(format!("Last successful sign-in {ago}{method}."));
            }
            None => notes.push(match u.month_last_authenticated.as_deref() {
                Some(m) => format!("No successful sign-in in the history CAS keeps (40 days); the user record says they last authenticated in {m}."),
                None => "No successful sign-in in the history CAS keeps (40 days), and the user record names none.".into(),
            }),
        }
    }
    Diagnosis { findings, notes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// 2025-06-20T12:00:00Z.
    const NOW: i64 = 1_750_420_800;

    fn user(v: Value) -> User {
        let mut base = json!({"id": "u1", "emailAddress": "a@example.com", "userStatus": "Enabled", "highRiskUser": false,
            "isTokenLocked": false, "isSmsLocked": false, "isVoiceLocked": false, "isFingerprintLocked": false, "isApproveLocked": false});
        if let (Some(b), Some(o)) = (base.as_object_mut(), v.as_object()) {
            b.extend(o.clone());
        }
        serde_json::from_value(base).unwrap_or_default()
    }

    fn history(v: Value) -> Vec<AuthLogEntry> {
        serde_json::from_value(v).unwrap_or_default()
    }

    const APP: AuthenticatorCount = AuthenticatorCount { apps: 1, browsers: 0, fido: Some(0), hardware: Some(0) };
    const NOTHING: AuthenticatorCount = AuthenticatorCount { apps: 0, browsers: 0, fido: Some(0), hardware: Some(0) };

    fn causes(f: &Facts) -> Vec<Cause> {
        diagnose(f).findings.into_iter().map(|x| x.cause).collect()
    }

    #[test]
    fn nothing_in_the_way_is_no_finding() {
        let u = user(json!({}));
        let h = history(json!([{"eventCode": 103, "eventLogDate": "2025-06-20T08:00:00.000Z", "method": "Authenticate Tokencode"}]));
        let d = diagnose(&Facts { user: &u, history: Some(&h), authenticators: Some(APP), now: NOW });
        assert!(d.findings.is_empty());
        assert_eq!(d.notes, ["Last successful sign-in 4 hours ago with Authenticate Tokencode."]);
    }

    #[test]
    fn pending_deletion_comes_first_and_says_the_days_left() {
        let u = user(json!({"userStatus": "Pending Deletion", "markDeleted": true, "markDeletedAt": "2025-06-18T12:00:00.000Z", "markDeletedBy": "admin", "highRiskUser": true}));
        let h = history(json!([{"eventCode": 32, "eventLogDate": "2025-06-19T08:00:00.000Z"}]));
        let d = diagnose(&Facts { user: &u, history: Some(&h), authenticators: Some(APP), now: NOW });
        assert_eq!(d.findings.iter().map(|x| x.cause).collect::<Vec<_>>(), [Cause::PendingDeletion, Cause::HighRisk]);
        let first = &d.findings[0];
        assert_eq!(first.fix, Some(Fix::TakeBackDeletion));
        assert_eq!(first.evidence, "Marked for deletion 2 days ago by admin. CAS deletes them in 5 days. Their sign-ins since were refused as disabled (once, the last 1 day ago).");
        // `markDeleted` alone is enough.
        let marked = user(json!({"userStatus": "Disabled", "markDeleted": true}));
        assert_eq!(causes(&Facts { user: &marked, history: None, authenticators: None, now: NOW }), [Cause::PendingDeletion]);
    }

    #[test]
    fn a_sync_disable_is_told_from_an_admin_one_by_the_history() {
        let u = user(json!({"userStatus": "Disabled"}));
        let synced = history(json!([
            {"eventCode": 32, "eventLogDate": "2025-06-19T08:00:00.000Z"},
            {"eventCode": 401, "eventLogDate": "2025-06-14T10:00:00.000Z"},
            {"eventCode": 103, "eventLogDate": "2025-06-14T08:00:00.000Z"}
        ]));
        let d = diagnose(&Facts { user: &u, history: Some(&synced), authenticators: Some(APP), now: NOW });
        assert_eq!(d.findings.len(), 1, "{d:?}");
        assert_eq!((d.findings[0].cause, d.findings[0].fix), (Cause::DisabledBySync, Some(Fix::Synchronize)));
        assert!(d.findings[0].evidence.contains("event 401, 6 days ago"));
        // Re-enabled by a later sync, then disabled by an admin.
        let later = history(json!([
            {"eventCode": 400, "eventLogDate": "2025-06-16T10:00:00.000Z"},
            {"eventCode": 401, "eventLogDate": "2025-06-14T10:00:00.000Z"}
        ]));
        let d = diagnose(&Facts { user: &u, history: Some(&later), authenticators: Some(APP), now: NOW });
        assert_eq!((d.findings[0].cause, d.findings[0].fix), (Cause::Disabled, Some(Fix::Enable)));
        // A 402: gone from the directory.
        let gone = history(json!([{"eventCode": 402, "eventLogDate": "2025-06-14T10:00:00.000Z"}]));
        assert!(diagnose(&Facts { user: &u, history: Some(&gone), authenticators: None, now: NOW }).findings[0].evidence.contains("did not find them"));
        // Without the history, the console says it cannot tell.
        let d = diagnose(&Facts { user: &u, history: None, authenticators: Some(APP), now: NOW });
        assert_eq!(d.findings[0].cause, Cause::Disabled);
        assert!(d.findings[0].evidence.contains("only the sign-in history says"));
    }

    #[test]
    fn a_lock_the_failures_point_at_ranks_above_one_they_do_not() {
        let u = user(json!({"isSmsLocked": true, "isApproveLocked": true, "smsNumber": "+1 555"}));
        let h = history(json!([
            {"eventCode": 35, "eventLogDate": "2025-06-20T09:00:00.000Z", "method": "SMS Tokencode"},
            {"eventCode": 35, "eventLogDate": "2025-06-20T08:00:00.000Z", "method": "SMS Tokencode"},
            {"eventCode": 2, "eventLogDate": "2025-06-18T08:00:00.000Z", "method": "SMS Tokencode"},
            {"eventCode": 103, "eventLogDate": "2025-06-17T08:00:00.000Z", "method": "Authenticate Tokencode"}
        ]));
        let d = diagnose(&Facts { user: &u, history: Some(&h), authenticators: Some(NOTHING), now: NOW });
        assert_eq!(d.findings.iter().map(|x| (x.cause, x.likelihood)).collect::<Vec<_>>(), [
            (Cause::Locked(Lock::Sms), Likelihood::Likely),
            (Cause::Locked(Lock::Approve), Likelihood::Possible),
        ]);
        assert_eq!(d.findings[0].fix, Some(Fix::Unlock(UnlockMethod::Sms)));
        assert_eq!(d.findings[0].evidence, "Locked 2 days ago after too many failed attempts. Their sign-ins with it were refused as locked (2 times, the last 3 hours ago).");
        // Approve cannot be unlocked through the API: the fix is an emergency code.
        assert_eq!(d.findings[1].fix, Some(Fix::IssueEmergencyCode));
        // The SMS number is a way to sign in: not "no authenticator".
        assert!(!d.findings.iter().any(|x| x.cause == Cause::NoAuthenticator));
    }

    #[test]
    fn no_authenticator_from_the_list_or_from_the_failures() {
        let u = user(json!({}));
        let h = history(json!([
            {"eventCode": 36, "eventLogDate": "2025-06-20T09:00:00.000Z"},
            {"eventCode": 51, "eventLogDate": "2025-06-19T09:00:00.000Z", "method": "Approve"}
        ]));
        for (count, history) in [(Some(NOTHING), Some(&h[..])), (None, Some(&h[..])), (Some(NOTHING), None)] {
            let d = diagnose(&Facts { user: &u, history, authenticators: count, now: NOW });
            assert_eq!(d.findings.len(), 1, "{d:?}");
            assert_eq!((d.findings[0].cause, d.findings[0].likelihood, d.findings[0].fix), (Cause::NoAuthenticator, Likelihood::Likely, Some(Fix::IssueEmergencyCode)));
        }
        // v1 only and no failures to confirm it: possible, and it says what was not read.
        let v1 = AuthenticatorCount { fido: None, hardware: None, ..NOTHING };
        let d = diagnose(&Facts { user: &u, history: None, authenticators: Some(v1), now: NOW });
        assert_eq!(d.findings[0].likelihood, Likelihood::Possible);
        assert!(d.findings[0].evidence.contains("could not be read"));
        // An app is enough.
        assert!(diagnose(&Facts { user: &u, history: None, authenticators: Some(APP), now: NOW }).findings.is_empty());
        assert_eq!(diagnose(&Facts { user: &u, history: Some(&[][..]), authenticators: None, now: NOW }).notes[0], "No successful sign-in in the history CAS keeps (40 days), and the user record names none.");
    }

    #[test]
    fn high_risk_has_no_one_click_fix() {
        let u = user(json!({"highRiskUser": true}));
        let h = history(json!([
            {"eventCode": 1503, "eventLogDate": "2025-06-20T06:00:00.000Z", "method": "QR Code"},
            {"eventCode": 103, "eventLogDate": "2025-06-19T06:00:00.000Z"}
        ]));
        let d = diagnose(&Facts { user: &u, history: Some(&h), authenticators: Some(APP), now: NOW });
        assert_eq!(d.findings.len(), 1);
        assert_eq!((d.findings[0].cause, d.findings[0].likelihood, d.findings[0].fix), (Cause::HighRisk, Likelihood::Likely, None));
        assert!(d.findings[0].evidence.contains("denied approval requests (once, the last 6 hours ago)"));
        // Signed in since: the list may not be in the way.
        let since = history(json!([{"eventCode": 103, "eventLogDate": "2025-06-20T08:00:00.000Z"}, {"eventCode": 1503, "eventLogDate": "2025-06-20T06:00:00.000Z"}]));
        assert_eq!(diagnose(&Facts { user: &u, history: Some(&since), authenticators: Some(APP), now: NOW }).findings[0].likelihood, Likelihood::Possible);
    }

    #[test]
    fn other_failures_are_listed_by_code_newest_likely() {
        let u = user(json!({}));
        let h = history(json!([
            {"eventCode": 52, "eventLogDate": "2025-06-20T09:00:00.000Z", "method": "Approve"},
            {"eventCode": 1513, "eventLogDate": "2025-06-20T08:00:00.000Z"},
            {"eventCode": 52, "eventLogDate": "2025-06-20T07:00:00.000Z", "method": "Approve"},
            {"eventCode": 103, "eventLogDate": "2025-06-19T08:00:00.000Z"},
            {"eventCode": 33, "eventLogDate": "2025-06-18T08:00:00.000Z"}
        ]));
        let d = diagnose(&Facts { user: &u, history: Some(&h), authenticators: Some(APP), now: NOW });
        assert_eq!(d.findings.iter().map(|x| (x.cause, x.likelihood)).collect::<Vec<_>>(), [
            (Cause::Failures(52), Likelihood::Likely),
            (Cause::Failures(1513), Likelihood::Possible),
        ], "a failure before the last success is over");
        assert_eq!(d.findings[0].title, "Authentication failed - Cannot push notification to authenticator (52)");
        assert_eq!(d.findings[0].evidence, "Their sign-ins with Approve failed this way 2 times, the last 3 hours ago.");
        assert!(d.findings[0].next.contains("push"));
    }

    #[test]
    fn several_causes_at_once_in_order() {
        let u = user(json!({"userStatus": "Disabled", "highRiskUser": true, "isTokenLocked": true, "isVoiceLocked": true,
            "emergencyAccessStatus": "Enabled", "emergencyTokencodeExpiration": "2025-06-25T12:00:00.000Z"}));
        let h = history(json!([
            {"eventCode": 35, "eventLogDate": "2025-06-19T09:00:00.000Z", "method": "Voice Tokencode"},
            {"eventCode": 401, "eventLogDate": "2025-06-19T10:00:00.000Z"}
        ]));
        let d = diagnose(&Facts { user: &u, history: Some(&h), authenticators: Some(NOTHING), now: NOW });
        // Certain, then likely (the voice lock the failures name, nothing registered, the
        // high-risk list with failures since the last success), then possible.
        assert_eq!(d.findings.iter().map(|x| x.cause).collect::<Vec<_>>(), [
            Cause::DisabledBySync,
            Cause::Locked(Lock::Voice),
            Cause::NoAuthenticator,
            Cause::HighRisk,
            Cause::Locked(Lock::Token),
        ]);
        assert_eq!(d.notes[0], "An emergency access code is active, expiring in 5 days: they can sign in with it where the policy offers it.");
    }

    #[test]
    fn failures_of_a_state_that_is_over_are_a_note_not_a_cause() {
        // Unlocked and enabled since: what the failures met is gone.
        let u = user(json!({}));
        let h = history(json!([
            {"eventCode": 35, "eventLogDate": "2025-06-20T09:00:00.000Z", "method": "SMS Tokencode"},
            {"eventCode": 32, "eventLogDate": "2025-06-20T08:00:00.000Z"}
        ]));
        let d = diagnose(&Facts { user: &u, history: Some(&h), authenticators: Some(APP), now: NOW });
        assert!(d.findings.is_empty(), "{d:?}");
        assert_eq!(d.notes[..2], [
            "Their latest failures (once, the last 3 hours ago) were refusals as locked; no method is locked now: ask them to try again.".to_string(),
            "Their latest failures (once, the last 4 hours ago) were refusals as disabled; the account is enabled now: ask them to try again.".to_string(),
        ]);
    }

    #[test]
    fn an_unknown_status_is_said() {
        let u = user(json!({"userStatus": "Suspended"}));
        let d = diagnose(&Facts { user: &u, history: None, authenticators: None, now: NOW });
        assert_eq!(d.findings[0].title, "Status \u{201c}Suspended\u{201d}");
    }

    #[test]
    fn method_names_in_the_history_match_their_locks() {
        assert!(Lock::Token.used_in("Authenticate Tokencode") && Lock::Token.used_in("SecurID Token"));
        assert!(Lock::Sms.used_in("SMS Tokencode") && !Lock::Sms.used_in("Voice Tokencode"));
        assert!(Lock::Fingerprint.used_in("Device Biometrics") && Lock::Approve.used_in("Approve"));
        assert_eq!(Lock::of_user(&user(json!({"isSmsLocked": true, "isTokenLocked": true}))), [Lock::Token, Lock::Sms]);
        assert!(Fix::Unlock(UnlockMethod::Sms).label().contains("SMS"));
        assert_eq!([Cause::Locked(Lock::Sms), Cause::Failures(52), Cause::NoAuthenticator].map(Cause::key), ["locked-sms", "failures-52", "no-authenticator"]);
    }
}
