//! Request and response bodies exactly as RSA's pages name them (`../shared/seeds/`): the one
//! codec of the console (through serde_json in the browser) and of the sandbox.
//!
//! Leniency is declared here, field by field. Informational fields are `Option`s read with
//! [`lenient`]: missing, `null` or of another type, they read as absent, so one odd field never
//! costs the operator the whole answer; unknown fields are kept in `extra`. What decides an
//! outcome is strict: a 207 item's identifier and `statusCode`, `save_succeeded` and the
//! validity flags of an update answer, the status a status change answers, a token. Writers
//! emit the documented shape, `null` included, so the sandbox answers like the real service.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// An informational field: a value of another type than documented reads as absent rather
/// than failing the whole answer (the raw answer still shows what came).
pub fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(d)?).ok())
}

/// Like [`lenient`] for a field that has a natural empty value.
pub fn lenient_or_default<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    Ok(lenient(d)?.unwrap_or_default())
}

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
/// land in `extra` so nothing the server says is lost. Written (by the sandbox), the fields the
/// User Details page documents are always there, `null` when unknown; those with
/// `skip_serializing_if` are the ones the real service leaves out when it has nothing to say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub email_address: String,
    #[serde(default, deserialize_with = "lenient")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub creation_date: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub identity_source: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub user_status: Option<UserStatus>,
    #[serde(default, deserialize_with = "lenient")]
    pub mark_deleted: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub high_risk_user: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub mark_deleted_at: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub mark_deleted_by: Option<String>,
    /// Absent (not null) when the tenant has no SMS tokencode.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub sms_number: Option<String>,
    /// Absent (not null) when the tenant has no voice tokencode.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub voice_number: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub is_token_locked: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub is_sms_locked: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub is_voice_locked: Option<bool>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub is_fingerprint_locked: Option<bool>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub is_approve_locked: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub last_sync_time: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub emergency_access_status: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub emergency_tokencode_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub emergency_tokencode_expiration: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub emergency_tokencode_last_use: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub offline_emergency_access_status: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub offline_emergency_tokencode_expiration: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub month_last_authenticated: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub principal_username: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub alternate_username: Option<String>,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
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
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub total_pages: u64,
    #[serde(default, deserialize_with = "lenient_or_default")]
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
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub id: String,
    /// Strict: the page shows this as the user's status now.
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
/// example shows a number: we write a number and read either. Strict: which identifier failed
/// and how decides what the console reports for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MultiStatusItem {
    #[serde(alias = "user")]
    pub id: String,
    #[serde(deserialize_with = "number_or_string")]
    pub status_code: u16,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub error: String,
}

/// An entry of a 207 list: an item, or something that could not be read as one. An unreadable
/// entry is never taken for a success: the identifiers it may concern are reported as
/// "outcome unknown" (see `bulk::job`, and the user page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MultiStatusEntry {
    Item(MultiStatusItem),
    Unreadable(Value),
}

impl MultiStatusEntry {
    /// The identifier an unreadable entry names, when it names one as a string.
    pub fn identifier(&self) -> Option<&str> {
        match self {
            MultiStatusEntry::Item(i) => Some(&i.id),
            MultiStatusEntry::Unreadable(v) => v.get("id").or_else(|| v.get("user")).and_then(Value::as_str),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct MultiStatus {
    #[serde(default)]
    pub users: Vec<MultiStatusEntry>,
}

impl MultiStatus {
    pub fn of(items: Vec<MultiStatusItem>) -> MultiStatus {
        MultiStatus { users: items.into_iter().map(MultiStatusEntry::Item).collect() }
    }
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
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub email: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub primary_username: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
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
#[derive(Clone, PartialEq, Serialize, Deserialize, Default)]
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

// Never print the password.
impl fmt::Debug for UpdateLocalUserRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateLocalUserRequest").field("id", &self.id).field("user_name", &self.user_name).finish_non_exhaustive()
    }
}

/// The update answer (200 even when the save failed: read `save_succeeded`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct UpdateLocalUserResponse {
    // The `*_valid` flags are strict (a flag of another type fails the answer): they say which
    // field the server refused. Absent means the server did not say.
    #[serde(default, deserialize_with = "lenient")]
    pub cloud_directory_enabled: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name_valid: Option<bool>,
    #[serde(default)]
    pub last_name_valid: Option<bool>,
    #[serde(default)]
    pub username_valid: Option<bool>,
    #[serde(default)]
    pub email_valid: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub email_failure_reason: Option<String>,
    #[serde(default)]
    pub sms_phone_valid: Option<bool>,
    #[serde(default)]
    pub voice_phone_valid: Option<bool>,
    #[serde(default)]
    pub manager_email_valid: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
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
    /// Strict: 200 does not mean saved; this does.
    pub save_succeeded: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub save_failure_reason: Option<String>,
    #[serde(default)]
    pub duplicate_username: Option<bool>,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub validation_errors: Vec<String>,
}

/// `POST {issuer}/token` answer.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub token_type: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub expires_in: u64,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

// Never print the token.
impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse").field("expires_in", &self.expires_in).field("scope", &self.scope).finish_non_exhaustive()
    }
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

/// The token endpoint's error body (RFC 6749 §5.2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    pub error: String,
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
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
        let codes: Vec<Option<u16>> = m.users.iter().map(|u| if let MultiStatusEntry::Item(i) = u { Some(i.status_code) } else { None }).collect();
        assert_eq!(codes, vec![Some(404), Some(409), Some(400)]);
    }

    #[test]
    fn a_207_entry_that_cannot_be_read_is_kept_as_unreadable() {
        let m: MultiStatus = serde_json::from_value(json!({"users": [
            {"id": "a", "statusCode": "soon"}, {"statusCode": 404}, "b", {"user": "c", "statusCode": 409}
        ]}))
        .unwrap();
        assert!(matches!(&m.users[0], MultiStatusEntry::Unreadable(_)));
        assert_eq!(m.users.iter().map(MultiStatusEntry::identifier).collect::<Vec<_>>(), vec![Some("a"), None, None, Some("c")]);
        assert!(matches!(&m.users[3], MultiStatusEntry::Item(i) if i.status_code == 409));
        // The sandbox writes items as the docs show them.
        let written = serde_json::to_value(MultiStatus::of(vec![MultiStatusItem { id: "x".into(), status_code: 404, error: "User not found".into() }])).unwrap();
        assert_eq!(written, json!({"users": [{"id": "x", "statusCode": 404, "error": "User not found"}]}));
    }

    /// Found by fuzzing (`answers`): an entry naming its status twice is unreadable, so its
    /// identifier ends "of unknown outcome", never as whichever status came last.
    #[test]
    fn a_207_entry_with_a_repeated_key_is_unreadable() {
        let m: MultiStatus = serde_json::from_str(r#"{"users": [{"id": "a", "statusCode": 404, "error": "User not found", "statusCode": "410"}]}"#).unwrap();
        assert!(matches!(&m.users[0], MultiStatusEntry::Unreadable(_)), "{m:?}");
        assert_eq!(m.users[0].identifier(), Some("a"));
    }

    #[test]
    fn informational_fields_of_another_type_read_as_absent_and_outcomes_stay_strict() {
        let u: User = serde_json::from_str(r#"{"id":"1","emailAddress":"a@b.c","firstName":42,"isTokenLocked":"yes","userStatus":3}"#).unwrap();
        assert_eq!((u.first_name, u.is_token_locked, u.user_status), (None, None, None));
        assert!(serde_json::from_str::<User>("[1,2]").is_err());
        assert!(serde_json::from_str::<Vec<User>>("{}").is_err());
        assert!(serde_json::from_str::<TokenResponse>(r#"{"token_type":"Bearer"}"#).is_err());
        assert!(serde_json::from_str::<UserStatusResponse>(r#"{"id":"1","userStatus":7}"#).is_err());
        let saved = r#"{"save_succeeded":true,"validation_errors":"none","email":5}"#;
        let r: UpdateLocalUserResponse = serde_json::from_str(saved).unwrap();
        assert!(r.save_succeeded && r.validation_errors.is_empty() && r.email.is_none());
        assert!(serde_json::from_str::<UpdateLocalUserResponse>(r#"{"save_succeeded":"yes"}"#).is_err());
        assert!(serde_json::from_str::<UpdateLocalUserResponse>(r#"{"email_valid":true}"#).is_err(), "no save_succeeded: unknown, not false");
        assert!(serde_json::from_str::<UpdateLocalUserResponse>(r#"{"save_succeeded":true,"email_valid":"no"}"#).is_err());
    }

    #[test]
    fn secrets_never_reach_debug() {
        let t = TokenResponse { access_token: "SECRET".into(), token_type: "Bearer".into(), expires_in: 1, scope: None };
        assert!(!format!("{t:?}").contains("SECRET"));
        let u = UpdateLocalUserRequest { password: Some("SECRET".into()), ..UpdateLocalUserRequest::default() };
        assert!(!format!("{u:?}").contains("SECRET"));
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
