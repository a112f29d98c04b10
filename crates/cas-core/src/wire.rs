//! Request and response bodies exactly as RSA's pages name them (`../shared/seeds/`).
//!
//! Readers are lenient (unknown fields kept, optional fields may be missing); writers emit the
//! documented shape, `null` included, so the sandbox answers like the real service.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// The three statuses the API reports; anything else is kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UserStatus {
    Enabled,
    Disabled,
    PendingDeletion,
    Other(String),
}

impl UserStatus {
    pub fn as_str(&self) -> &str {
        match self {
            UserStatus::Enabled => "Enabled",
            UserStatus::Disabled => "Disabled",
            UserStatus::PendingDeletion => "Pending Deletion",
            UserStatus::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> UserStatus {
        match s {
            "Enabled" => UserStatus::Enabled,
            "Disabled" => UserStatus::Disabled,
            "Pending Deletion" => UserStatus::PendingDeletion,
            other => UserStatus::Other(other.to_string()),
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UserStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(UserStatus::parse(&String::deserialize(d)?))
    }
}

/// A user as the lookup and search APIs return it.
///
/// Every field but `id` and `emailAddress` is optional on read; fields the pages do not list
/// land in `extra` so nothing the server says is lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub email_address: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub identity_source: Option<String>,
    #[serde(default)]
    pub user_status: Option<UserStatus>,
    #[serde(default)]
    pub mark_deleted: Option<bool>,
    #[serde(default)]
    pub high_risk_user: Option<bool>,
    #[serde(default)]
    pub mark_deleted_at: Option<String>,
    #[serde(default)]
    pub mark_deleted_by: Option<String>,
    /// Absent (not null) when the tenant has no SMS tokencode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_number: Option<String>,
    /// Absent (not null) when the tenant has no voice tokencode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_number: Option<String>,
    #[serde(default)]
    pub is_token_locked: Option<bool>,
    #[serde(default)]
    pub is_sms_locked: Option<bool>,
    #[serde(default)]
    pub is_voice_locked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_fingerprint_locked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_approve_locked: Option<bool>,
    #[serde(default)]
    pub last_sync_time: Option<String>,
    #[serde(default)]
    pub emergency_access_status: Option<String>,
    #[serde(default)]
    pub emergency_tokencode_id: Option<String>,
    #[serde(default)]
    pub emergency_tokencode_expiration: Option<String>,
    #[serde(default)]
    pub emergency_tokencode_last_use: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_emergency_access_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_emergency_tokencode_expiration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month_last_authenticated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_unique_identifier: Option<String>,
    /// Whatever else the server sent, kept for the raw view.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    pub fn status(&self) -> Option<&UserStatus> {
        self.user_status.as_ref()
    }

    pub fn display_name(&self) -> String {
        let first = self.first_name.as_deref().unwrap_or("").trim();
        let last = self.last_name.as_deref().unwrap_or("").trim();
        match (first.is_empty(), last.is_empty()) {
            (true, true) => String::new(),
            (false, true) => first.to_string(),
            (true, false) => last.to_string(),
            (false, false) => format!("{first} {last}"),
        }
    }
}

/// `POST /v1/users/lookup`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LookupRequest {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_unsynched: Option<bool>,
}

/// `POST /v1/users/search` and `/v2/users/search`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    pub email_like: String,
}

/// Search v2's envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    #[serde(default)]
    pub total_pages: u64,
    #[serde(default)]
    pub total_elements: u64,
    #[serde(default)]
    pub elements: Vec<User>,
}

/// `PUT /v1/users/{id}/userStatus` body, and its answer with `id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStatusRequest {
    pub user_status: UserStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStatusResponse {
    pub id: String,
    pub user_status: UserStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighRiskAction {
    Add,
    Remove,
}

impl HighRiskAction {
    pub fn as_str(self) -> &'static str {
        match self {
            HighRiskAction::Add => "add",
            HighRiskAction::Remove => "remove",
        }
    }

    /// The API takes the action case-insensitively.
    pub fn parse(s: &str) -> Option<HighRiskAction> {
        if s.eq_ignore_ascii_case("add") {
            Some(HighRiskAction::Add)
        } else if s.eq_ignore_ascii_case("remove") {
            Some(HighRiskAction::Remove)
        } else {
            None
        }
    }
}

/// At most this many identifiers in one add/remove call.
pub const HIGH_RISK_BATCH_LIMIT: usize = 100;

/// `PUT /v1/users/highrisk`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HighRiskRequest {
    pub action: String,
    pub users: Vec<String>,
}

impl HighRiskRequest {
    pub fn new(action: HighRiskAction, users: Vec<String>) -> Self {
        HighRiskRequest { action: action.as_str().to_string(), users }
    }
}

/// One failed identifier in a 207 answer. The table calls `statusCode` a string while the
/// example shows a number: we write a number and read either.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MultiStatusItem {
    #[serde(default, alias = "user")]
    pub id: String,
    #[serde(deserialize_with = "number_or_string")]
    pub status_code: u16,
    #[serde(default)]
    pub error: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct MultiStatus {
    #[serde(default)]
    pub users: Vec<MultiStatusItem>,
}

fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        N(u16),
        S(String),
    }
    match Either::deserialize(d)? {
        Either::N(n) => Ok(n),
        Either::S(s) => s
            .trim()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| serde::de::Error::custom(format!("not a status code: {s}"))),
    }
}

/// `GET /v2/users/highrisk`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct HighRiskListV2 {
    #[serde(default)]
    pub users: Vec<HighRiskEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HighRiskEntry {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub primary_username: String,
    #[serde(default)]
    pub alternate_username: String,
}

/// `GET /v1/users/highrisk`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct HighRiskListV1 {
    #[serde(default)]
    pub users: Vec<String>,
}

pub const PASSWORD_OPTIONS: [&str; 3] = ["NONE", "GENERATE_AND_SEND", "ENTERED_BY_ADMIN"];
pub const PASSWORD_SEND_METHODS: [&str; 2] = ["NONE", "EMAIL"];

/// `PUT /v1/users/update` body. Unknown fields the server returned elsewhere are carried in
/// `extra` so an edit never drops them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UpdateLocalUserRequest {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub default_sms_phone: Option<String>,
    #[serde(default)]
    pub default_voice_phone: Option<String>,
    #[serde(default)]
    pub manager_email: Option<String>,
    #[serde(default)]
    pub identity_source: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub password_creation_option: Option<String>,
    #[serde(default)]
    pub password_send_method: Option<String>,
    #[serde(default)]
    pub initial_password_email: Option<String>,
    #[serde(default)]
    pub alternate_usernames: Vec<String>,
    #[serde(default)]
    pub group_memberships: Vec<String>,
    #[serde(default)]
    pub sms_phone_numbers: Vec<String>,
    #[serde(default)]
    pub voice_phone_numbers: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The update answer (200 even when the save failed: read `save_succeeded`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct UpdateLocalUserResponse {
    #[serde(default)]
    pub cloud_directory_enabled: Option<bool>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name_valid: Option<bool>,
    #[serde(default)]
    pub last_name_valid: Option<bool>,
    #[serde(default)]
    pub username_valid: Option<bool>,
    #[serde(default)]
    pub email_valid: Option<bool>,
    #[serde(default)]
    pub email_failure_reason: Option<String>,
    #[serde(default)]
    pub sms_phone_valid: Option<bool>,
    #[serde(default)]
    pub voice_phone_valid: Option<bool>,
    #[serde(default)]
    pub manager_email_valid: Option<bool>,
    #[serde(default)]
    pub manager_email_failure_reason: Option<String>,
    #[serde(default)]
    pub identity_source_valid: Option<bool>,
    #[serde(default)]
    pub password_valid: Option<bool>,
    #[serde(default)]
    pub initial_password_email_valid: Option<bool>,
    #[serde(default)]
    pub password_send_method_valid: Option<bool>,
    #[serde(default)]
    pub alternate_username_valid: Vec<bool>,
    #[serde(default)]
    pub virtualgroups_valid: Vec<bool>,
    #[serde(default)]
    pub sms_phone_list_valid: Vec<bool>,
    #[serde(default)]
    pub voice_phone_list_valid: Vec<bool>,
    #[serde(default)]
    pub save_succeeded: bool,
    #[serde(default)]
    pub save_failure_reason: Option<String>,
    #[serde(default)]
    pub duplicate_username: Option<bool>,
    #[serde(default)]
    pub validation_errors: Vec<String>,
}

/// `POST {issuer}/token` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub token_type: String,
    #[serde(default)]
    pub expires_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The gateway's 403 body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForbiddenBody {
    pub timestamp: u64,
    pub status: u16,
    pub error: String,
    pub message: String,
    pub path: String,
}

/// Application error body: `{"code": "404 NOT_FOUND", "description": "..."}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppErrorBody {
    pub code: String,
    pub description: String,
}

impl AppErrorBody {
    pub fn new(status: u16, description: impl Into<String>) -> Self {
        let reason = match status {
            400 => "BAD_REQUEST",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            409 => "CONFLICT",
            413 => "PAYLOAD_TOO_LARGE",
            415 => "UNSUPPORTED_MEDIA_TYPE",
            429 => "TOO_MANY_REQUESTS",
            _ => "INTERNAL_SERVER_ERROR",
        };
        AppErrorBody { code: format!("{status} {reason}"), description: description.into() }
    }
}

/// Legacy key file as the Cloud Administration Console hands it out.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyFileJson {
    pub customer_name: String,
    #[serde(rename = "accessID")]
    pub access_id: String,
    #[serde(default)]
    pub description: String,
    pub access_key: String,
    pub admin_rest_api_url: String,
}

// Never print the key.
impl fmt::Debug for KeyFileJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFileJson")
            .field("customer_name", &self.customer_name)
            .field("access_id", &self.access_id)
            .field("admin_rest_api_url", &self.admin_rest_api_url)
            .finish_non_exhaustive()
    }
}

/// The sandbox's `oauth-client.json`: what a Super Administrator copies out of RSA's console.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClientFile {
    pub client_id: String,
    pub issuer_url: String,
    pub admin_rest_api_url: String,
    pub jwk: Value,
}

impl fmt::Debug for OAuthClientFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClientFile")
            .field("client_id", &self.client_id)
            .field("issuer_url", &self.issuer_url)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_reads_the_documented_example_and_keeps_unknown_fields() {
        let user: User = serde_json::from_value(json!({
            "id": "f85b6e95-f41f-45b4-bc84-559fead6460c",
            "emailAddress": "user.one@mycompany.com",
            "firstName": "User", "lastName": "One",
            "creationDate": "2018-08-31T19:10:30.045Z",
            "identitySource": "My Company AD",
            "userStatus": "Pending Deletion",
            "markDeleted": false, "highRiskUser": false,
            "markDeletedAt": null, "markDeletedBy": null,
            "isTokenLocked": false, "isSmsLocked": false, "isVoiceLocked": false,
            "lastSyncTime": "2018-08-31T19:20:30.045Z",
            "emergencyAccessStatus": "Disabled",
            "somethingNew": {"a": 1}
        }))
        .unwrap();
        assert_eq!(user.user_status, Some(UserStatus::PendingDeletion));
        assert_eq!(user.sms_number, None);
        assert_eq!(user.extra.get("somethingNew"), Some(&json!({"a": 1})));
        let back = serde_json::to_value(&user).unwrap();
        assert_eq!(back["markDeletedAt"], Value::Null);
        assert!(back.get("smsNumber").is_none());
        assert_eq!(back["somethingNew"], json!({"a": 1}));
    }

    #[test]
    fn user_with_only_id_and_email_reads() {
        let user: User = serde_json::from_str(r#"{"id":"1","emailAddress":"a@b.c"}"#).unwrap();
        assert_eq!(user.display_name(), "");
        assert_eq!(user.status(), None);
    }

    #[test]
    fn multi_status_reads_number_or_string_codes() {
        let m: MultiStatus = serde_json::from_value(json!({"users": [
            {"id": "a", "statusCode": 404, "error": "User not found"},
            {"id": "b", "statusCode": "409", "error": "Multiple users were found for the user identifier"},
            {"id": "c", "statusCode": "400 BAD_REQUEST", "error": "x"}
        ]}))
        .unwrap();
        let codes: Vec<u16> = m.users.iter().map(|u| u.status_code).collect();
        assert_eq!(codes, vec![404, 409, 400]);
    }

    #[test]
    fn high_risk_action_is_case_insensitive() {
        assert_eq!(HighRiskAction::parse("ADD"), Some(HighRiskAction::Add));
        assert_eq!(HighRiskAction::parse("Remove"), Some(HighRiskAction::Remove));
        assert_eq!(HighRiskAction::parse("delete"), None);
    }

    #[test]
    fn app_error_body_uses_the_documented_code_form() {
        let body = serde_json::to_value(AppErrorBody::new(404, "User x not found")).unwrap();
        assert_eq!(body, json!({"code": "404 NOT_FOUND", "description": "User x not found"}));
    }

    #[test]
    fn key_file_debug_never_shows_the_key() {
        let k = KeyFileJson {
            customer_name: "c".into(),
            access_id: "id".into(),
            description: String::new(),
            access_key: "SECRET".into(),
            admin_rest_api_url: "u".into(),
        };
        assert!(!format!("{k:?}").contains("SECRET"));
    }
}
