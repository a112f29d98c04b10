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

impl Validity {
    /// "15 minutes", "1 hour", "7 days".
    pub fn label(self) -> String {
        let unit = match (self.expiry_unit, self.expiry_value) {
            (ExpiryUnit::Minutes, 1) => "minute",
            (ExpiryUnit::Minutes, _) => "minutes",
            (ExpiryUnit::Hours, 1) => "hour",
            (ExpiryUnit::Hours, _) => "hours",
            (ExpiryUnit::Days, 1) => "day",
            (ExpiryUnit::Days, _) => "days",
        };
        format!("{} {unit}", self.expiry_value)
    }

    /// v1 counts whole days: this validity rounded up to one (a 15-minute code becomes a
    /// 1-day one; never longer than 7).
    pub fn v1_days(self) -> u8 {
        let days = self.minutes().div_ceil(ExpiryUnit::Days.minutes());
        u8::try_from(days.clamp(1, 7)).unwrap_or(7)
    }
}

/// The validities the console offers besides the tenant's own setting and a custom one.
pub const VALIDITY_PRESETS: [Validity; 7] = [
    Validity { expiry_unit: ExpiryUnit::Minutes, expiry_value: 15 },
    Validity { expiry_unit: ExpiryUnit::Hours, expiry_value: 1 },
    Validity { expiry_unit: ExpiryUnit::Hours, expiry_value: 4 },
    Validity { expiry_unit: ExpiryUnit::Hours, expiry_value: 8 },
    Validity { expiry_unit: ExpiryUnit::Days, expiry_value: 1 },
    Validity { expiry_unit: ExpiryUnit::Days, expiry_value: 3 },
    Validity { expiry_unit: ExpiryUnit::Days, expiry_value: 7 },
];

/// A validity the operator typed: a whole number of `unit` (`minutes`, `hours`, `days`),
/// from 1 minute to 7 days; `Err` says what is wrong, in words for the form.
pub fn custom_validity(value: &str, unit: &str) -> Result<Validity, String> {
    let unit = ExpiryUnit::parse(unit).ok_or_else(|| "Choose minutes, hours or days.".to_string())?;
    let n: u32 = value.trim().parse().map_err(|_| "Enter a whole number.".to_string())?;
    Validity::new(unit, n).ok_or_else(|| {
        let max = MAX_VALIDITY_MINUTES / unit.minutes();
        format!("A code is valid from 1 minute to 7 days: 1 to {max} {}.", unit.as_str())
    })
}

/// What the operator asks for: `None` fields are the tenant's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EmergencyChoice {
    pub one_time_use: Option<bool>,
    pub validity: Option<Validity>,
}

impl EmergencyChoice {
    pub fn v2(self) -> EmergencyCodeRequestV2 {
        EmergencyCodeRequestV2 { one_time_use: self.one_time_use, validity: self.validity }
    }

    /// v1 needs a number of days and takes one use or many from the tenant: the tenant's
    /// validity is not known, so it asks for the shortest, 1 day.
    pub fn v1(self) -> EmergencyCodeRequestV1 {
        EmergencyCodeRequestV1 { expiration_days: self.validity.map_or(1, Validity::v1_days) }
    }

    /// "one use, valid 4 hours" for the confirmation and the log.
    pub fn describe(self) -> String {
        let uses = match self.one_time_use {
            Some(true) => "one use",
            Some(false) => "many uses",
            None => "uses as the tenant sets",
        };
        match self.validity {
            Some(v) => format!("{uses}, valid {}", v.label()),
            None => format!("{uses}, valid as long as the tenant sets"),
        }
    }
}

impl ConfigurationsUsed {
    /// "one use, valid 4 hours", as far as the answer says.
    pub fn describe(&self) -> String {
        let uses = match self.one_time_use {
            Some(true) => "one use",
            Some(false) => "many uses",
            None => "uses not stated",
        };
        let value = self.expiry_value.as_deref().map(str::trim);
        let validity = match (value.and_then(|v| v.parse().ok()), self.expiry_unit.as_deref().and_then(ExpiryUnit::parse)) {
            (Some(expiry_value), Some(expiry_unit)) => format!("valid {}", Validity { expiry_unit, expiry_value }.label()),
            _ => match (value, self.expiry_unit.as_deref()) {
                (Some(v), Some(u)) => format!("valid {v} {u}"),
                _ => "validity not stated".to_string(),
            },
        };
        format!("{uses}, {validity}")
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
    fn the_choices_the_console_offers() {
        assert!(VALIDITY_PRESETS.iter().all(|v| Validity::new(v.expiry_unit, v.expiry_value) == Some(*v)));
        let labels: Vec<String> = VALIDITY_PRESETS.iter().map(|v| v.label()).collect();
        assert_eq!(labels, ["15 minutes", "1 hour", "4 hours", "8 hours", "1 day", "3 days", "7 days"]);
        assert_eq!(custom_validity("90", "minutes"), Validity::new(ExpiryUnit::Minutes, 90).ok_or(String::new()));
        assert_eq!(custom_validity(" 168 ", "hours").map(Validity::minutes), Ok(10_080));
        assert_eq!(custom_validity("169", "hours"), Err("A code is valid from 1 minute to 7 days: 1 to 168 hours.".into()));
        assert_eq!(custom_validity("0", "days"), Err("A code is valid from 1 minute to 7 days: 1 to 7 days.".into()));
        assert_eq!(custom_validity("1.5", "days"), Err("Enter a whole number.".into()));
        assert_eq!(custom_validity("2", "weeks"), Err("Choose minutes, hours or days.".into()));
        // v1 counts whole days.
        let v = |u, n| Validity::new(u, n).map(Validity::v1_days);
        assert_eq!(v(ExpiryUnit::Minutes, 15), Some(1));
        assert_eq!(v(ExpiryUnit::Hours, 25), Some(2));
        assert_eq!(v(ExpiryUnit::Days, 7), Some(7));
        let tenant = EmergencyChoice::default();
        assert_eq!(serde_json::to_value(tenant.v2()).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(tenant.v1()).unwrap(), json!({"expirationDays": "1"}));
        let chosen = EmergencyChoice { one_time_use: Some(false), validity: Validity::new(ExpiryUnit::Hours, 4) };
        assert_eq!(serde_json::to_value(chosen.v2()).unwrap(), json!({"oneTimeUse": false, "expiryUnit": "hours", "expiryValue": 4}));
        assert_eq!(chosen.describe(), "many uses, valid 4 hours");
        assert_eq!(tenant.describe(), "uses as the tenant sets, valid as long as the tenant sets");
        let used = ConfigurationsUsed { expiry_value: Some("1".into()), expiry_unit: Some("days".into()), one_time_use: Some(true), extra: Map::new() };
        assert_eq!(used.describe(), "one use, valid 1 day");
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
