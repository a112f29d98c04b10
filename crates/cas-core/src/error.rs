//! Every way a call can end badly, read from the wire once, and worded once for the operator:
//! what happened, and what to do next.

use crate::access::Operation;
use crate::wire::{AppErrorBody, ForbiddenBody, OAuthErrorBody};
use serde::Deserialize;
use std::fmt;

/// What the gateway's 403 meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Forbidden {
    /// The token ran out; renewing or reconnecting fixes it.
    Expired,
    /// Token refused or lacking the right (the gateway does not say which).
    Refused,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    BadRequest { detail: String },
    Forbidden { why: Forbidden, detail: String },
    NotFound { detail: String },
    Conflict { detail: String },
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests { retry_after_secs: Option<u64> },
    Server { status: u16, detail: String },
    /// A proxy or load balancer answered with an HTML page instead of the API.
    ProxyPage { status: u16 },
    Unexpected { status: u16, detail: String },
    /// The request never got an answer: offline, DNS, refused, CORS.
    Network,
    /// No answer within the console's limit; the request was aborted.
    Timeout,
    /// The console cancelled the request itself (a newer one replaced it): never shown.
    Aborted,
    /// A success status whose body is not what the API documents.
    BadBody { status: u16, detail: String },
    /// The browser could not sign a token with the connected key.
    Signing { detail: String },
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = message(self, None);
        write!(f, "{} {}", m.what, m.next)
    }
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::BadRequest { .. } => Some(400),
            ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound { .. } => Some(404),
            ApiError::Conflict { .. } => Some(409),
            ApiError::PayloadTooLarge => Some(413),
            ApiError::UnsupportedMediaType => Some(415),
            ApiError::TooManyRequests { .. } => Some(429),
            ApiError::Server { status, .. }
            | ApiError::ProxyPage { status }
            | ApiError::Unexpected { status, .. }
            | ApiError::BadBody { status, .. } => Some(*status),
            ApiError::Network | ApiError::Timeout | ApiError::Aborted | ApiError::Signing { .. } => None,
        }
    }

    /// Worth trying again after a pause, unchanged.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::TooManyRequests { .. }
                | ApiError::Server { .. }
                | ApiError::ProxyPage { status: 502..=504 }
                | ApiError::Network
                | ApiError::Timeout
        )
    }

    pub fn is_expired_credential(&self) -> bool {
        matches!(self, ApiError::Forbidden { why: Forbidden::Expired, .. })
    }

    /// The server's own words, when it said any.
    pub fn detail(&self) -> &str {
        match self {
            ApiError::BadRequest { detail }
            | ApiError::Forbidden { detail, .. }
            | ApiError::NotFound { detail }
            | ApiError::Conflict { detail }
            | ApiError::Server { detail, .. }
            | ApiError::Unexpected { detail, .. }
            | ApiError::BadBody { detail, .. }
            | ApiError::Signing { detail } => detail,
            _ => "",
        }
    }
}

/// Reads a non-2xx answer. `retry_after` is the raw header, if any.
pub fn classify(status: u16, content_type: Option<&str>, body: &str, retry_after: Option<&str>) -> ApiError {
    let looks_html = content_type.is_some_and(|c| c.contains("html"))
        || body.trim_start().starts_with('<');
    let detail = server_words(body);
    match status {
        _ if looks_html && detail.is_empty() => ApiError::ProxyPage { status },
        400 => ApiError::BadRequest { detail },
        401 | 403 => {
            let why = if detail.to_ascii_lowercase().contains("expired") { Forbidden::Expired } else { Forbidden::Refused };
            ApiError::Forbidden { why, detail }
        }
        404 => ApiError::NotFound { detail },
        409 => ApiError::Conflict { detail },
        413 => ApiError::PayloadTooLarge,
        415 => ApiError::UnsupportedMediaType,
        429 => ApiError::TooManyRequests { retry_after_secs: retry_after.and_then(parse_retry_after) },
        500..=599 => ApiError::Server { status, detail },
        _ => ApiError::Unexpected { status, detail },
    }
}

/// `Retry-After` in seconds; an HTTP date is not worth a clock here, so it counts as absent.
pub fn parse_retry_after(v: &str) -> Option<u64> {
    v.trim().parse::<u64>().ok().map(|s| s.min(3600))
}

/// The error bodies an answer may carry: the application's, the gateway's, the token
/// endpoint's (RFC 6749).
#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorBody {
    App(AppErrorBody),
    Gateway(ForbiddenBody),
    OAuth(OAuthErrorBody),
}

/// The message inside a documented error body (`description` of an application error,
/// `message` of the gateway's 403, `error_description` or `error` of the token endpoint), or
/// a short plain-text body.
pub fn server_words(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() || body.starts_with('<') {
        return String::new();
    }
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody::App(e)) => e.description,
        Ok(ErrorBody::Gateway(e)) => e.message,
        Ok(ErrorBody::OAuth(e)) => e.error_description.filter(|d| !d.is_empty()).unwrap_or(e.error),
        // JSON of no documented shape says nothing we can quote.
        Err(_) if serde_json::from_str::<serde::de::IgnoredAny>(body).is_ok() => String::new(),
        Err(_) => body.chars().take(200).collect(),
    }
}

/// A message for the operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserMessage {
    /// What happened.
    pub what: String,
    /// What to do next.
    pub next: String,
}

impl UserMessage {
    pub fn new(what: impl Into<String>, next: impl Into<String>) -> Self {
        UserMessage { what: what.into(), next: next.into() }
    }
}

/// The one place an `ApiError` becomes words. `op` sharpens the wording where it matters.
pub fn message(err: &ApiError, op: Option<Operation>) -> UserMessage {
    let said = |d: &str| if d.is_empty() { String::new() } else { format!(" The server said: \u{201c}{d}\u{201d}.") };
    match err {
        ApiError::BadRequest { detail } => UserMessage::new(
            format!("The server refused the request as malformed (400).{}", said(detail)),
            "Check what you entered; if it looks right, this is a console bug: export the action log and report it.",
        ),
        ApiError::Forbidden { why: Forbidden::Expired, .. } => UserMessage::new(
            "Your credential has expired (403).",
            "Renew it: the console renews key files and OAuth clients by itself; for a pasted token, paste a fresh one. Your page stays as it is.",
        ),
        ApiError::Forbidden { why: Forbidden::Refused, detail } => {
            let needs = match op {
                Some(op) => format!(" To {} a key needs the right role or an OAuth client the `{}` permission.", op.describe(), op.scope()),
                None => String::new(),
            };
            UserMessage::new(
                format!("The server refused your credential (403).{}{needs}", said(detail)),
                "Reconnect with a credential that has this permission, or ask a Super Administrator to grant it.",
            )
        }
        ApiError::NotFound { detail } => UserMessage::new(
            format!("Not found (404).{}", said(detail)),
            match op {
                Some(Operation::Lookup) => "Check the email address; a user not yet synchronized can be found with \u{201c}Search the identity source\u{201d}.",
                _ => "The user may have been deleted or renamed: search again.",
            },
        ),
        ApiError::Conflict { detail } => UserMessage::new(
            format!("The server refused the change because of the user's state (409).{}", said(detail)),
            "Reload the user to see their current state.",
        ),
        ApiError::PayloadTooLarge => UserMessage::new("The request was too large for the server (413).", "Send fewer items at once."),
        ApiError::UnsupportedMediaType => UserMessage::new(
            "The server did not accept the request's format (415).",
            "This is a console bug or a proxy rewriting requests: report it with the action log.",
        ),
        ApiError::TooManyRequests { retry_after_secs } => UserMessage::new(
            "The server is rate-limiting this credential (429).",
            match retry_after_secs {
                Some(s) => format!("The console waits {s} s and tries again by itself."),
                None => "The console waits a little and tries again by itself.".to_string(),
            },
        ),
        ApiError::Server { status, detail } => UserMessage::new(
            format!("The server failed with an internal error ({status}).{}", said(detail)),
            "Try again in a moment; if it keeps failing, check RSA's status page or contact RSA support.",
        ),
        ApiError::ProxyPage { status } => UserMessage::new(
            format!("A proxy between you and RSA answered with an error page ({status}) instead of the API."),
            "The tenant or the proxy may be down or misconfigured: try again shortly, then ask whoever runs this console's server.",
        ),
        ApiError::Unexpected { status, detail } => UserMessage::new(
            format!("The server answered with an unexpected status ({status}).{}", said(detail)),
            "Try again; if it persists, report it with the action log.",
        ),
        ApiError::Network => UserMessage::new(
            "The request did not reach the server (network error).",
            "Check your connection and that this console's proxy is running, then try again.",
        ),
        ApiError::Timeout => UserMessage::new(
            "The server did not answer in time; the console stopped waiting.",
            "Try again. A change may or may not have been made: reload the user to check before repeating it.",
        ),
        ApiError::Aborted => UserMessage::new("The request was cancelled.", "Nothing to do."),
        ApiError::BadBody { status, detail } => UserMessage::new(
            format!("The server answered {status} but its body is not what the API documents ({detail})."),
            "Reload to see the current state; if it persists, report it.",
        ),
        ApiError::Signing { detail } => UserMessage::new(
            format!("The browser could not sign a token with your key ({detail})."),
            "Disconnect and connect again with the key; if it keeps failing, the key may be damaged: download it again.",
        ),
    }
}

/// 409 from the status API: the two documented causes, in words.
pub fn status_conflict_message(pending_deletion: bool) -> UserMessage {
    if pending_deletion {
        UserMessage::new(
            "This user is pending deletion and cannot be enabled (409).",
            "An administrator must cancel the deletion in the Cloud Administration Console first (Users > Management).",
        )
    } else {
        UserMessage::new(
            "This user was disabled by a synchronization with their identity source and cannot be enabled here (409).",
            "Enable the account in the identity source (for example Active Directory), then synchronize.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_bodies() {
        let e = classify(404, Some("application/json"), r#"{"code":"404 NOT_FOUND","description":"User a@b.c not found"}"#, None);
        assert_eq!(e, ApiError::NotFound { detail: "User a@b.c not found".into() });
        let e = classify(403, None, r#"{"timestamp":1,"status":403,"error":"Forbidden","message":"Expired Access Token is not allowed","path":"/x"}"#, None);
        assert!(e.is_expired_credential());
        let e = classify(403, None, r#"{"timestamp":1,"status":403,"error":"Forbidden","message":"Server failed to process provided access token","path":"/x"}"#, None);
        assert_eq!(e, ApiError::Forbidden { why: Forbidden::Refused, detail: "Server failed to process provided access token".into() });
    }

    #[test]
    fn html_from_a_proxy_is_not_json() {
        let e = classify(502, Some("text/html"), "<html><body>Bad Gateway</body></html>", None);
        assert_eq!(e, ApiError::ProxyPage { status: 502 });
        assert!(e.is_transient());
        assert!(message(&e, None).what.contains("proxy"));
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        assert_eq!(classify(429, None, "Too many requests.", Some("3")), ApiError::TooManyRequests { retry_after_secs: Some(3) });
        assert_eq!(classify(429, None, "", Some("Wed, 21 Oct 2015 07:28:00 GMT")), ApiError::TooManyRequests { retry_after_secs: None });
    }

    #[test]
    fn every_error_has_both_halves_of_a_message() {
        let all = [
            ApiError::BadRequest { detail: "x".into() },
            ApiError::Forbidden { why: Forbidden::Expired, detail: String::new() },
            ApiError::Forbidden { why: Forbidden::Refused, detail: String::new() },
            ApiError::NotFound { detail: String::new() },
            ApiError::Conflict { detail: String::new() },
            ApiError::PayloadTooLarge,
            ApiError::UnsupportedMediaType,
            ApiError::TooManyRequests { retry_after_secs: None },
            ApiError::Server { status: 500, detail: String::new() },
            ApiError::ProxyPage { status: 504 },
            ApiError::Unexpected { status: 418, detail: String::new() },
            ApiError::Network,
            ApiError::Timeout,
            ApiError::BadBody { status: 200, detail: "expected a user".into() },
            ApiError::Signing { detail: "x".into() },
        ];
        for e in all {
            let m = message(&e, Some(Operation::SetUserStatus));
            assert!(!m.what.is_empty() && !m.next.is_empty(), "{e:?}");
        }
        let m = message(&ApiError::Forbidden { why: Forbidden::Refused, detail: String::new() }, Some(Operation::ChangeHighRisk));
        assert!(m.what.contains("rsa.user.risky.manage"));
    }

    #[test]
    fn conflicts_name_their_cause() {
        assert!(status_conflict_message(true).what.contains("pending deletion"));
        assert!(status_conflict_message(false).next.contains("identity source"));
    }
}
