//! Emergency access codes: `PUT /v2/users/{userId}/emergencyTokencode` (notes §6.1, §11.16),
//! `PUT /v1/users/{userId}/emergencyTokencode` (§6.2, §11.15) and
//! `DELETE /v1/users/{userId}/emergencyTokencode/{eacId}` (§6.3, §11.18: 200, every code of the
//! user removed).

use super::lenient;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// The code itself: shown to the operator once, never logged. Its `Debug` hides it and it has
/// no `Display`, so it cannot slip into a message by accident; `expose` is the one way out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmergencyTokencode(String);

impl EmergencyTokencode {
    pub fn new(code: String) -> Self {
        EmergencyTokencode(code)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EmergencyTokencode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmergencyTokencode(<hidden>)")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpiryUnit {
    Minutes,
    Hours,
    Days,
}

impl ExpiryUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiryUnit::Minutes => "minutes",
            ExpiryUnit::Hours => "hours",
            ExpiryUnit::Days => "days",
        }
    }

    pub fn parse(s: &str) -> Option<ExpiryUnit> {
        match s {
            "minutes" => Some(ExpiryUnit::Minutes),
            "hours" => Some(ExpiryUnit::Hours),
            "days" => Some(ExpiryUnit::Days),
            _ => None,
        }
    }

    pub fn minutes(self) -> u64 {
        match self {
            ExpiryUnit::Minutes => 1,
            ExpiryUnit::Hours => 60,
            ExpiryUnit::Days => 24 * 60,
        }
    }
}

/// A validity period: `expiryUnit` and `expiryValue`, sent together or not at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validity {
    pub expiry_unit: ExpiryUnit,
    pub expiry_value: u32,
}

/// "The code's validity period must be set between 1 minute and 7 days."
pub const MAX_VALIDITY_MINUTES: u64 = 7 * 24 * 60;

impl Validity {
    /// `None` outside 1 minute to 7 days.
    pub fn new(expiry_unit: ExpiryUnit, expiry_value: u32) -> Option<Validity> {
        let minutes = u64::from(expiry_value) * expiry_unit.minutes();
        (1..=MAX_VALIDITY_MINUTES).contains(&minutes).then_some(Validity { expiry_unit, expiry_value })
    }

    pub fn minutes(self) -> u64 {
        u64::from(self.expiry_value) * self.expiry_unit.minutes()
    }
}

/// The v2 body. Omitted values come from the tenant; when the tenant locks its settings the
/// service ignores these and says so (`configurationsLocked`).
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyCodeRequestV2 {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_use: Option<bool>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub validity: Option<Validity>,
}

/// The v1 body, `{"expirationDays": "7"}`: a string, as the page's example sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencyCodeRequestV1 {
    expiration_days: u8,
}

impl EmergencyCodeRequestV1 {
    /// `None` outside the documented 1 to 7.
    pub fn new(expiration_days: u8) -> Option<Self> {
        (1..=7).contains(&expiration_days).then_some(EmergencyCodeRequestV1 { expiration_days })
    }

    pub fn expiration_days(&self) -> u8 {
        self.expiration_days
    }
}

impl Serialize for EmergencyCodeRequestV1 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("expirationDays", &self.expiration_days.to_string())?;
        m.end()
    }
}

/// The v1 answer (the page's example, its missing commas aside).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyCode {
    /// What a later disable names; also shown by User Details.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub emergency_tokencode_id: Option<String>,
    /// The outcome itself: required.
    pub emergency_tokencode: EmergencyTokencode,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub expiration_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub offline_expiration_date: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The settings the service used to make the code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationsUsed {
    /// A string in the notes' example (`"4"`); a number is read too.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub expiry_value: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub expiry_unit: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool_or_string")]
    pub one_time_use: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The v2 answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyCodeV2 {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub emergency_tokencode_id: Option<String>,
    pub emergency_tokencode: EmergencyTokencode,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub expiration_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub offline_expiration_date: Option<String>,
    #[serde(default)]
    pub configurations_used: Option<ConfigurationsUsed>,
    #[serde(default, deserialize_with = "lenient::opt_bool_or_string")]
    pub one_time_use: Option<bool>,
    /// True when the tenant locks its settings and the request's values were ignored.
    #[serde(default, deserialize_with = "lenient::opt_bool_or_string")]
    pub configurations_locked: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Reads `expirationDays` as the v1 page allows it: a string or a number, 1 to 7.
pub fn expiration_days(v: &Value) -> Option<u8> {
    let n = match v {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.parse::<u64>().ok()?,
        _ => return None,
    };
    u8::try_from(n).ok().filter(|d| (1..=7).contains(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_serialize_the_documented_bodies() {
        let v2 = EmergencyCodeRequestV2 { one_time_use: Some(true), validity: Validity::new(ExpiryUnit::Hours, 4) };
        assert_eq!(serde_json::to_value(&v2).unwrap(), json!({"oneTimeUse": true, "expiryUnit": "hours", "expiryValue": 4}));
        assert_eq!(serde_json::to_value(EmergencyCodeRequestV2::default()).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(EmergencyCodeRequestV1::new(7).unwrap()).unwrap(), json!({"expirationDays": "7"}));
        assert_eq!(EmergencyCodeRequestV1::new(8), None);
        assert_eq!(Validity::new(ExpiryUnit::Minutes, 0), None);
        assert_eq!(Validity::new(ExpiryUnit::Days, 8), None);
        assert_eq!(Validity::new(ExpiryUnit::Minutes, 10_080).map(Validity::minutes), Some(10_080));
        assert_eq!(Validity::new(ExpiryUnit::Hours, 169), None);
        assert_eq!(expiration_days(&json!("7")), Some(7));
        assert_eq!(expiration_days(&json!(1)), Some(1));
        for bad in [json!("0"), json!(8), json!("seven"), json!(2.5), json!(null), json!(" 3")] {
            assert_eq!(expiration_days(&bad), None, "{bad}");
        }
    }

    #[test]
    fn answers_read_the_notes_examples_and_never_show_the_code() {
        let v2: EmergencyCodeV2 = serde_json::from_value(json!({
            "emergencyTokencodeId": "f10d0514-7dd1-4a13-a30e-236d0e65b56a", "emergencyTokencode": "12345678",
            "expirationDate": "2025-06-20T15:34:44.000Z", "offlineExpirationDate": "2025-06-27T12:00:00.000Z",
            "configurationsUsed": {"expiryValue": "4", "expiryUnit": "hours", "oneTimeUse": true},
            "oneTimeUse": true, "configurationsLocked": false
        }))
        .unwrap();
        assert_eq!(v2.emergency_tokencode.expose(), "12345678");
        assert_eq!(v2.configurations_used.as_ref().and_then(|c| c.expiry_value.as_deref()), Some("4"));
        let numeric: ConfigurationsUsed = serde_json::from_value(json!({"expiryValue": 4})).unwrap();
        assert_eq!(numeric.expiry_value.as_deref(), Some("4"));
        assert!(!format!("{v2:?}").contains("12345678"));
        let v1: EmergencyCode = serde_json::from_value(json!({"emergencyTokencodeId": "x", "emergencyTokencode": "87654321"})).unwrap();
        assert!(!format!("{v1:?}").contains("87654321"));
        // Without the code there is no outcome to show.
        assert!(serde_json::from_value::<EmergencyCode>(json!({"emergencyTokencodeId": "x"})).is_err());
    }
}
