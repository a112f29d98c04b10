//! `GET /v1/users/{userId}/authlogs/`: a user's 100 most recent authentication events, newest
//! first, as a bare JSON array (notes §2, §11.9–10), and the event codes RSA documents (§2.1).

use super::lenient;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One event. Field names are those of RSA's Java client (the docs print no example); every
/// field is informational, so each reads as absent when missing or of another type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AuthLogEntry {
    /// `2025-06-20T15:34:44.000Z`; the order of the list.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub event_log_date: Option<String>,
    /// `user`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub event_type: Option<String>,
    /// `notice` or `error`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub event_level: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub event_category: Option<String>,
    /// A number here; RSA's Java client reads it as a string, so either is accepted.
    #[serde(default, deserialize_with = "lenient::opt_u32")]
    pub event_code: Option<u32>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub event_description: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub event_id: Option<String>,
    #[serde(default, rename = "serverIPAddress", deserialize_with = "lenient::opt_string")]
    pub server_ip_address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub customer_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    /// The authentication method (`SMS Tokencode`, `Authenticate Tokencode`, ...).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub method: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub policy_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub verbose_flag: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_activity_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub transaction_id: Option<String>,
    // Typed Object in the Java client: kept as whatever JSON comes.
    #[serde(default, rename = "sourceIPAddress")]
    pub source_ip_address: Option<Value>,
    #[serde(default)]
    pub application: Option<Value>,
    #[serde(default)]
    pub device_name: Option<Value>,
    #[serde(default)]
    pub device_id: Option<Value>,
    #[serde(default)]
    pub policy_name: Option<Value>,
    #[serde(default)]
    pub authentication_details: Option<Value>,
    #[serde(default)]
    pub assurance_level: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AuthLogEntry {
    /// What RSA documents about this entry's code.
    pub fn info(&self) -> Option<&'static EventInfo> {
        self.event_code.and_then(event_info)
    }
}

/// The query of the auth-log API. Timestamps are ISO 8601 with an offset; a `+` in them must
/// be sent as `%2B` (a raw `+` arrives as a space and is refused).
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AuthLogQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_code: Option<u32>,
    /// Exclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time_after: Option<String>,
    /// Inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time_on_or_before: Option<String>,
}

/// At most this many events in one answer ("the 100 most recent events").
pub const AUTH_LOG_LIMIT: usize = 100;
/// Events older than this are purged ("Events are retained for 40 days in CAS").
pub const RETENTION_DAYS: i64 = 40;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventLevel {
    Notice,
    Error,
}

impl EventLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            EventLevel::Notice => "notice",
            EventLevel::Error => "error",
        }
    }
}

/// What an event tells the operator, for filtering and for the "why can't this user sign
/// in?" reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    SignInSucceeded,
    SignInFailed,
    MethodLocked,
    MethodUnlocked,
    EnrollmentSucceeded,
    EnrollmentFailed,
    /// The user was re-enabled, or disabled because the directory disabled or lost them.
    Synchronization,
    /// Just-in-time synchronization failed.
    SynchronizationFailed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventInfo {
    pub code: u32,
    pub level: EventLevel,
    pub kind: EventKind,
    /// [INF] The docs name categories "authentication or identity router" without a table:
    /// `Authentication` for sign-in events, `Identity Source` for the synchronization range,
    /// `RADIUS` for the RADIUS range.
    pub category: &'static str,
    /// RSA's wording, verbatim.
    pub description: &'static str,
}

const fn e(code: u32, level: EventLevel, kind: EventKind, category: &'static str, description: &'static str) -> EventInfo {
    EventInfo { code, level, kind, category, description }
}

use EventKind::*;
use EventLevel::{Error, Notice};

const AUTH: &str = "Authentication";
const SOURCE: &str = "Identity Source";
const RADIUS: &str = "RADIUS";

/// The codes of "User Event Monitor Messages for Cloud Access Service" that the notes give.
pub const EVENT_CODES: &[EventInfo] = &[
    e(2, Notice, MethodLocked, AUTH, "Method now locked."),
    e(3, Notice, MethodUnlocked, AUTH, "Method unlocked - User successfully authenticated."),
    e(4, Notice, MethodUnlocked, AUTH, "SecurID OTP automatically unlocked – Lockout duration expired."),
    e(20, Error, EnrollmentFailed, AUTH, "Method enrollment failed - Required parameter missing."),
    e(21, Error, EnrollmentFailed, AUTH, "Method enrollment failed - User does not exist."),
    e(22, Error, EnrollmentFailed, AUTH, "Method enrollment failed - User account disabled."),
    e(23, Error, EnrollmentFailed, AUTH, "Method enrollment failed - Logon authenticator not registered to user."),
    e(24, Error, EnrollmentFailed, AUTH, "Method enrollment failed - Provider type not found."),
    e(30, Error, SignInFailed, AUTH, "Authentication failed - Required parameter missing."),
    e(31, Error, SignInFailed, AUTH, "Authentication failed - User does not exist."),
    e(32, Error, SignInFailed, AUTH, "Authentication failed - User account disabled."),
    e(33, Error, SignInFailed, AUTH, "Authentication failed - Application not found."),
    e(34, Error, SignInFailed, AUTH, "Authentication failed - Rule not found."),
    e(35, Error, SignInFailed, AUTH, "Authentication failed - Method locked."),
    e(36, Error, SignInFailed, AUTH, "Authentication failed - Authenticator not registered or authentication method not enrolled."),
    e(38, Error, SignInFailed, AUTH, "Illegal access."),
    e(51, Error, SignInFailed, AUTH, "Authentication failed - Authenticator not registered."),
    e(52, Error, SignInFailed, AUTH, "Authentication failed - Cannot push notification to authenticator."),
    e(53, Error, SignInFailed, AUTH, "Authentication failed - Internal verification interrupted."),
    e(101, Notice, EnrollmentSucceeded, AUTH, "Authenticate Tokencode enrollment succeeded."),
    e(102, Error, EnrollmentFailed, AUTH, "Authenticate Tokencode authentication enrollment failed."),
    e(103, Notice, SignInSucceeded, AUTH, "Authenticate Tokencode authentication succeeded."),
    e(400, Notice, Synchronization, SOURCE, "User re-enabled in the Cloud Authentication Service."),
    e(401, Notice, Synchronization, SOURCE, "User disabled in directory server now disabled in the Cloud Authentication Service."),
    e(402, Notice, Synchronization, SOURCE, "User not found in directory server now disabled in the Cloud Authentication Service."),
    e(403, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - Invalid email"),
    e(404, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - Duplicate email"),
    e(405, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - Disabled in directory server"),
    e(406, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - Missing unique identifiers in directory server"),
    e(407, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - Unknown reason"),
    e(408, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - Missing email"),
    e(409, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - No identity router can service this request"),
    e(410, Error, SynchronizationFailed, SOURCE, "Just-in-time synchronization failed to synchronize user with the Cloud Authentication Service - Unable to contact directory server"),
    e(1501, Notice, SignInSucceeded, AUTH, "QR Code authentication succeeded."),
    e(1503, Error, SignInFailed, AUTH, "QR Code authentication failed - User denied approval."),
    e(1507, Notice, EnrollmentSucceeded, AUTH, "QR Code enrollment succeeded."),
    e(1513, Error, SignInFailed, AUTH, "QR Code authentication failed - QR code has expired."),
    e(1521, Notice, SignInSucceeded, AUTH, "QR Code (RSA Agent) authentication succeeded."),
    e(20601, Error, SignInFailed, RADIUS, "RADIUS - LDAP authentication succeeded - Access denied. Policy does not contain RADIUS-compatible methods for additional authentication."),
    e(20606, Error, SignInFailed, RADIUS, "RADIUS – Approve authentication failed – Method timeout."),
    e(20609, Error, SignInFailed, RADIUS, "RADIUS - Authentication failed - Internal error."),
    e(20612, Notice, SignInSucceeded, RADIUS, "User initiated additional authentication, primary authentication managed by RADIUS client."),
];

/// RSA's description and level of a code, when the notes document it.
pub fn event_info(code: u32) -> Option<&'static EventInfo> {
    EVENT_CODES.iter().find(|e| e.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_an_entry_leniently_and_keeps_unknown_fields() {
        let e: AuthLogEntry = serde_json::from_value(json!({
            "eventLogDate": "2025-06-20T15:34:44.000Z", "eventType": "user", "eventLevel": "error",
            "eventCategory": "Authentication", "eventCode": "35", "eventDescription": "Authentication failed - Method locked.",
            "method": "SMS Tokencode", "sourceIPAddress": {"v4": "203.0.113.7"}, "application": null, "verboseFlag": false,
            "somethingNew": 1
        }))
        .unwrap();
        assert_eq!(e.event_code, Some(35));
        assert_eq!(e.info().map(|i| i.kind), Some(EventKind::SignInFailed));
        assert_eq!(e.verbose_flag.as_deref(), Some("false"));
        assert_eq!(e.source_ip_address, Some(json!({"v4": "203.0.113.7"})));
        assert_eq!(e.application, None);
        assert_eq!(e.extra.get("somethingNew"), Some(&json!(1)));
        let n: AuthLogEntry = serde_json::from_value(json!({"eventCode": 103, "eventLogDate": 5})).unwrap();
        assert_eq!(n.event_code, Some(103));
        assert_eq!(n.event_log_date.as_deref(), Some("5"));
        let nothing: Vec<AuthLogEntry> = serde_json::from_str("[{}]").unwrap();
        assert_eq!(nothing[0], AuthLogEntry::default());
    }

    #[test]
    fn the_table_is_the_notes() {
        let codes: Vec<u32> = EVENT_CODES.iter().map(|e| e.code).collect();
        assert_eq!(codes.len(), 42);
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "unique and ascending");
        assert_eq!(event_info(35).map(|e| e.description), Some("Authentication failed - Method locked."));
        assert_eq!(event_info(35).map(|e| e.level.as_str()), Some("error"));
        assert_eq!(event_info(402).map(|e| e.kind), Some(EventKind::Synchronization));
        assert_eq!(event_info(0), None);
        assert_eq!(event_info(37), None);
    }

    #[test]
    fn the_query_serializes_only_what_is_set() {
        let q = AuthLogQuery { event_code: Some(35), start_time_after: Some("2025-06-01T00:00:00.000+05:30".into()), end_time_on_or_before: None };
        assert_eq!(serde_json::to_value(&q).unwrap(), json!({"eventCode": 35, "startTimeAfter": "2025-06-01T00:00:00.000+05:30"}));
    }
}
