//! `PATCH /v1/users/{userId}/methods` (notes §5, §11.14): unlock a user's Authenticate OTP
//! (`TOKEN`), SMS and voice tokencodes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UnlockMethod {
    Token,
    Sms,
    Voice,
}

impl UnlockMethod {
    pub const ALL: [UnlockMethod; 3] = [UnlockMethod::Token, UnlockMethod::Sms, UnlockMethod::Voice];

    pub fn as_str(self) -> &'static str {
        match self {
            UnlockMethod::Token => "TOKEN",
            UnlockMethod::Sms => "SMS",
            UnlockMethod::Voice => "VOICE",
        }
    }

    /// As documented: upper case only.
    pub fn parse(s: &str) -> Option<UnlockMethod> {
        UnlockMethod::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// `{"unlockMethods": ["TOKEN", "SMS"]}`: at least one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnlockRequest {
    pub unlock_methods: Vec<UnlockMethod>,
}

/// "The status of all methods after the unlock operation has completed": what the console
/// shows per method, so every flag is required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnlockResponse {
    pub is_token_locked: bool,
    pub is_sms_locked: bool,
    pub is_voice_locked: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UnlockResponse {
    pub fn locked(&self, m: UnlockMethod) -> bool {
        match m {
            UnlockMethod::Token => self.is_token_locked,
            UnlockMethod::Sms => self.is_sms_locked,
            UnlockMethod::Voice => self.is_voice_locked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_documented_body_and_a_strict_answer() {
        let r = UnlockRequest { unlock_methods: vec![UnlockMethod::Token, UnlockMethod::Voice, UnlockMethod::Sms] };
        assert_eq!(serde_json::to_value(&r).unwrap(), json!({"unlockMethods": ["TOKEN", "VOICE", "SMS"]}));
        assert_eq!(UnlockMethod::parse("sms"), None);
        let a: UnlockResponse = serde_json::from_value(json!({"isTokenLocked": false, "isSmsLocked": true, "isVoiceLocked": false})).unwrap();
        assert!(a.locked(UnlockMethod::Sms) && !a.locked(UnlockMethod::Token));
        assert!(serde_json::from_value::<UnlockResponse>(json!({"isTokenLocked": false})).is_err());
    }
}
