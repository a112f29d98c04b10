//! `GET /v1/users/{userId}/devices`, `GET /v2/users/{userId}/devices` (notes §3, §11.11–12)
//! and `DELETE /v1/users/{userId}/devices/{deviceId}` (§4, 200 with an empty body).
//!
//! Field names are those of RSA's Java client; the docs print no example. Each element's `id`
//! is what a delete names, so it is strict; everything else is informational.

use super::lenient;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A registered device running the RSA Authenticator app, or a browser authenticator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppDevice {
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    /// `ANDROID`, `IOS`, `WINDOWS`, `BROWSER` in the sandbox (RSA documents no value set).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub device_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub registered_date: Option<String>,
    /// The methods the device offers, as one string (`Approve, Authenticate OTP, Device
    /// Biometrics`); an array is joined the same way.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub capabilities: Option<String>,
    /// For a browser authenticator: which browser.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub browser: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub device_serial_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AppDevice {
    pub fn is_browser(&self) -> bool {
        self.device_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("BROWSER"))
    }
}

/// A FIDO credential (security key or passkey).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FidoToken {
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub registered_date: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A hardware token: SecurID 700 or DS100.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SidToken {
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub token_serial_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub token_state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub token_status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub token_status_reason: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub token_status_changed_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub token_status_changed_by: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub expiry_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub assigned_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub assigned_by: Option<String>,
    /// A boolean here; RSA's Java client reads a string.
    #[serde(default, deserialize_with = "lenient::opt_bool_or_string")]
    pub pin_set: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The v1 answer: `{"devices": [...]}` (a bare array is read too; RSA documents neither).
/// Browsers are included unless `includeBrowsers=false`. No hardware tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct AuthenticatorsV1 {
    pub devices: Vec<AppDevice>,
}

impl<'de> Deserialize<'de> for AuthenticatorsV1 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Wrapped {
                #[serde(default)]
                devices: Vec<AppDevice>,
            },
            Bare(Vec<AppDevice>),
        }
        Ok(match Either::deserialize(d)? {
            Either::Wrapped { devices } | Either::Bare(devices) => AuthenticatorsV1 { devices },
        })
    }
}

/// The v2 answer: all three lists, always (the sandbox sends each, empty when there is none).
/// Browsers are excluded unless `includeBrowsers=true`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorsV2 {
    #[serde(default)]
    pub devices: Vec<AppDevice>,
    #[serde(default)]
    pub fido_tokens: Vec<FidoToken>,
    #[serde(default)]
    pub sid_tokens: Vec<SidToken>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AuthenticatorsV2 {
    /// Whether the user has anything to sign in with beyond SMS or voice.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty() && self.fido_tokens.is_empty() && self.sid_tokens.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_reads_wrapped_or_bare_and_v2_reads_three_lists() {
        let wrapped: AuthenticatorsV1 = serde_json::from_value(json!({"devices": [{"id": "d1", "deviceType": "BROWSER"}]})).unwrap();
        let bare: AuthenticatorsV1 = serde_json::from_value(json!([{"id": "d1", "deviceType": "BROWSER"}])).unwrap();
        assert_eq!(wrapped, bare);
        assert!(wrapped.devices[0].is_browser());
        let v2: AuthenticatorsV2 = serde_json::from_value(json!({
            "devices": [{"id": "d1", "capabilities": ["Approve", "Authenticate OTP"]}],
            "fidoTokens": [{"id": "f1", "status": "Enabled"}],
            "sidTokens": [{"id": "s1", "pinSet": "true", "tokenSerialNumber": 123}]
        }))
        .unwrap();
        assert_eq!(v2.devices[0].capabilities.as_deref(), Some("Approve, Authenticate OTP"));
        assert_eq!(v2.sid_tokens[0].pin_set, Some(true));
        assert_eq!(v2.sid_tokens[0].token_serial_number.as_deref(), Some("123"));
        assert!(!v2.is_empty());
        // The id decides what a delete names: without one the answer is not read.
        assert!(serde_json::from_value::<AuthenticatorsV2>(json!({"devices": [{"name": "x"}]})).is_err());
    }

    #[test]
    fn unset_fields_are_written_as_null() {
        let d = AppDevice {
            id: "d".into(),
            name: None,
            user_id: None,
            device_type: None,
            registered_date: None,
            capabilities: None,
            browser: None,
            device_serial_number: None,
            updated_at: None,
            extra: Map::new(),
        };
        assert_eq!(serde_json::to_value(&d).unwrap()["browser"], Value::Null);
    }
}
