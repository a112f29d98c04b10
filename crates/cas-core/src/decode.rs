//! The browser's side of the wire: answers read and requests written with `crate::json`.
//! The serde derives on `wire` types are what the sandbox uses; in the console they cost
//! kilobytes of wasm each. Tests below hold both to the same results.
//!
//! Reading is lenient: a field of the wrong type reads as absent, never as a failure.
//! Unknown fields of a user are not copied into `User::extra` here; `user_extras` lists them.

use crate::json::{self, Json};
use crate::wire::{
    HighRiskEntry, HighRiskListV2, HighRiskRequest, LookupRequest, MultiStatus, MultiStatusItem, SearchPage,
    SearchRequest, TokenResponse, UpdateLocalUserRequest, UpdateLocalUserResponse, User, UserStatus,
    UserStatusRequest, UserStatusResponse,
};

pub trait FromJson: Sized {
    fn from_json(v: &Json) -> Option<Self>;
}

/// Parses an answer's text; None when it is not JSON or not the expected shape.
pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&Json::parse(text)?)
}

type Members = [(String, Json)];

fn field<'a>(m: &'a Members, k: &str) -> Option<&'a Json> {
    m.iter().find(|(key, _)| key == k).map(|(_, v)| v)
}

fn text(m: &Members, k: &str) -> Option<String> {
    field(m, k).and_then(Json::as_str).map(str::to_string)
}

fn flag(m: &Members, k: &str) -> Option<bool> {
    field(m, k).and_then(Json::as_bool)
}

fn number(m: &Members, k: &str) -> Option<u64> {
    field(m, k).and_then(Json::as_u64)
}

fn flags(m: &Members, k: &str) -> Vec<bool> {
    field(m, k).and_then(Json::as_array).map(|a| a.iter().filter_map(Json::as_bool).collect()).unwrap_or_default()
}

fn list<T: FromJson>(v: Option<&Json>) -> Vec<T> {
    v.and_then(Json::as_array).map(|a| a.iter().filter_map(T::from_json).collect()).unwrap_or_default()
}

/// A user's fields that `User` does not name, as (name, JSON text), in the server's order.
pub fn user_extras(raw: &Json) -> Vec<(String, String)> {
    raw.as_object()
        .map(|m| m.iter().filter(|(k, _)| !USER_FIELDS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.text())).collect())
        .unwrap_or_default()
}

/// Fields `User` names; everything else goes to `extra`.
const USER_FIELDS: [&str; 29] = [
    "id", "emailAddress", "firstName", "lastName", "creationDate", "identitySource", "userStatus", "markDeleted",
    "highRiskUser", "markDeletedAt", "markDeletedBy", "smsNumber", "voiceNumber", "isTokenLocked", "isSmsLocked",
    "isVoiceLocked", "isFingerprintLocked", "isApproveLocked", "lastSyncTime", "emergencyAccessStatus",
    "emergencyTokencodeId", "emergencyTokencodeExpiration", "emergencyTokencodeLastUse", "offlineEmergencyAccessStatus",
    "offlineEmergencyTokencodeExpiration", "monthLastAuthenticated", "principalUsername", "alternateUsername",
    "primaryUniqueIdentifier",
];

impl FromJson for User {
    fn from_json(v: &Json) -> Option<User> {
        let m = v.as_object()?;
        let t = |k| text(m, k);
        let f = |k| flag(m, k);
        Some(User {
            id: t("id").unwrap_or_default(),
            email_address: t("emailAddress").unwrap_or_default(),
            first_name: t("firstName"),
            last_name: t("lastName"),
            creation_date: t("creationDate"),
            identity_source: t("identitySource"),
            user_status: t("userStatus").map(|s| UserStatus::parse(&s)),
            mark_deleted: f("markDeleted"),
            high_risk_user: f("highRiskUser"),
            mark_deleted_at: t("markDeletedAt"),
            mark_deleted_by: t("markDeletedBy"),
            sms_number: t("smsNumber"),
            voice_number: t("voiceNumber"),
            is_token_locked: f("isTokenLocked"),
            is_sms_locked: f("isSmsLocked"),
            is_voice_locked: f("isVoiceLocked"),
            is_fingerprint_locked: f("isFingerprintLocked"),
            is_approve_locked: f("isApproveLocked"),
            last_sync_time: t("lastSyncTime"),
            emergency_access_status: t("emergencyAccessStatus"),
            emergency_tokencode_id: t("emergencyTokencodeId"),
            emergency_tokencode_expiration: t("emergencyTokencodeExpiration"),
            emergency_tokencode_last_use: t("emergencyTokencodeLastUse"),
            offline_emergency_access_status: t("offlineEmergencyAccessStatus"),
            offline_emergency_tokencode_expiration: t("offlineEmergencyTokencodeExpiration"),
            month_last_authenticated: t("monthLastAuthenticated"),
            principal_username: t("principalUsername"),
            alternate_username: t("alternateUsername"),
            primary_unique_identifier: t("primaryUniqueIdentifier"),
            extra: Default::default(),
        })
    }
}

/// Search v1 answers a bare array.
impl FromJson for Vec<User> {
    fn from_json(v: &Json) -> Option<Vec<User>> {
        v.as_array().map(|_| list(Some(v)))
    }
}

impl FromJson for SearchPage {
    fn from_json(v: &Json) -> Option<SearchPage> {
        let m = v.as_object()?;
        Some(SearchPage {
            total_pages: number(m, "totalPages").unwrap_or(0),
            total_elements: number(m, "totalElements").unwrap_or(0),
            elements: list(field(m, "elements")),
        })
    }
}

impl FromJson for UserStatusResponse {
    fn from_json(v: &Json) -> Option<UserStatusResponse> {
        let m = v.as_object()?;
        Some(UserStatusResponse { id: text(m, "id").unwrap_or_default(), user_status: UserStatus::parse(&text(m, "userStatus")?) })
    }
}

impl FromJson for HighRiskEntry {
    fn from_json(v: &Json) -> Option<HighRiskEntry> {
        let m = v.as_object()?;
        Some(HighRiskEntry {
            email: text(m, "email").unwrap_or_default(),
            primary_username: text(m, "primaryUsername").unwrap_or_default(),
            alternate_username: text(m, "alternateUsername").unwrap_or_default(),
        })
    }
}

impl FromJson for HighRiskListV2 {
    fn from_json(v: &Json) -> Option<HighRiskListV2> {
        Some(HighRiskListV2 { users: list(v.get("users")) })
    }
}

impl FromJson for MultiStatusItem {
    fn from_json(v: &Json) -> Option<MultiStatusItem> {
        let m = v.as_object()?;
        // The table calls statusCode a string, the example a number: read both.
        let status_code = match field(m, "statusCode")? {
            Json::Num(_) => u16::try_from(field(m, "statusCode")?.as_u64()?).ok()?,
            Json::Str(s) => s.trim().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?,
            _ => return None,
        };
        Some(MultiStatusItem {
            id: text(m, "id").or_else(|| text(m, "user")).unwrap_or_default(),
            status_code,
            error: text(m, "error").unwrap_or_default(),
        })
    }
}

impl FromJson for MultiStatus {
    fn from_json(v: &Json) -> Option<MultiStatus> {
        Some(MultiStatus { users: list(v.get("users")) })
    }
}

impl FromJson for TokenResponse {
    fn from_json(v: &Json) -> Option<TokenResponse> {
        let m = v.as_object()?;
        Some(TokenResponse {
            access_token: text(m, "access_token")?,
            token_type: text(m, "token_type").unwrap_or_default(),
            expires_in: number(m, "expires_in").unwrap_or(0),
            scope: text(m, "scope"),
        })
    }
}

impl FromJson for UpdateLocalUserResponse {
    fn from_json(v: &Json) -> Option<UpdateLocalUserResponse> {
        let m = v.as_object()?;
        let t = |k| text(m, k);
        let f = |k| flag(m, k);
        Some(UpdateLocalUserResponse {
            cloud_directory_enabled: f("cloud_directory_enabled"),
            user_id: t("user_id"),
            email: t("email"),
            first_name_valid: f("first_name_valid"),
            last_name_valid: f("last_name_valid"),
            username_valid: f("username_valid"),
            email_valid: f("email_valid"),
            email_failure_reason: t("email_failure_reason"),
            sms_phone_valid: f("sms_phone_valid"),
            voice_phone_valid: f("voice_phone_valid"),
            manager_email_valid: f("manager_email_valid"),
            manager_email_failure_reason: t("manager_email_failure_reason"),
            identity_source_valid: f("identity_source_valid"),
            password_valid: f("password_valid"),
            initial_password_email_valid: f("initial_password_email_valid"),
            password_send_method_valid: f("password_send_method_valid"),
            alternate_username_valid: flags(m, "alternate_username_valid"),
            virtualgroups_valid: flags(m, "virtualgroups_valid"),
            sms_phone_list_valid: flags(m, "sms_phone_list_valid"),
            voice_phone_list_valid: flags(m, "voice_phone_list_valid"),
            save_succeeded: f("save_succeeded").unwrap_or(false),
            save_failure_reason: t("save_failure_reason"),
            duplicate_username: f("duplicate_username"),
            validation_errors: field(m, "validation_errors")
                .and_then(Json::as_array)
                .map(|a| a.iter().map(|e| e.as_str().map_or_else(|| e.text(), str::to_string)).collect())
                .unwrap_or_default(),
        })
    }
}

/// Request bodies, written as the API names their properties.
pub trait ToJson {
    fn to_json(&self) -> Json;
}

impl ToJson for LookupRequest {
    fn to_json(&self) -> Json {
        match self.search_unsynched {
            Some(b) => json::obj([("email", json::s(&self.email)), ("searchUnsynched", Json::Bool(b))]),
            None => json::obj([("email", json::s(&self.email))]),
        }
    }
}

impl ToJson for SearchRequest {
    fn to_json(&self) -> Json {
        json::obj([("emailLike", json::s(&self.email_like))])
    }
}

impl ToJson for UserStatusRequest {
    fn to_json(&self) -> Json {
        json::obj([("userStatus", json::s(self.user_status.as_str()))])
    }
}

impl ToJson for HighRiskRequest {
    fn to_json(&self) -> Json {
        json::obj([("action", json::s(&self.action)), ("users", json::strings(&self.users))])
    }
}

impl ToJson for UpdateLocalUserRequest {
    fn to_json(&self) -> Json {
        json::obj([
            ("id", json::s(&self.id)),
            ("firstName", json::opt(&self.first_name)),
            ("lastName", json::opt(&self.last_name)),
            ("userName", json::opt(&self.user_name)),
            ("email", json::opt(&self.email)),
            ("defaultSmsPhone", json::opt(&self.default_sms_phone)),
            ("defaultVoicePhone", json::opt(&self.default_voice_phone)),
            ("managerEmail", json::opt(&self.manager_email)),
            ("identitySource", json::opt(&self.identity_source)),
            ("password", json::opt(&self.password)),
            ("passwordCreationOption", json::opt(&self.password_creation_option)),
            ("passwordSendMethod", json::opt(&self.password_send_method)),
            ("initialPasswordEmail", json::opt(&self.initial_password_email)),
            ("alternateUsernames", json::strings(&self.alternate_usernames)),
            ("groupMemberships", json::strings(&self.group_memberships)),
            ("smsPhoneNumbers", json::strings(&self.sms_phone_numbers)),
            ("voicePhoneNumbers", json::strings(&self.voice_phone_numbers)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    /// Both readers agree on well-typed input (unknown user fields aside: `user_extras`).
    fn same<T: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug + Clearable>(v: Value) {
        let mut by_serde: T = serde_json::from_value(v.clone()).unwrap();
        by_serde.clear_extra();
        assert_eq!(T::from_json(&Json::parse(&v.to_string()).unwrap()), Some(by_serde));
    }

    trait Clearable {
        fn clear_extra(&mut self) {}
    }
    impl Clearable for User {
        fn clear_extra(&mut self) {
            self.extra.clear();
        }
    }
    impl Clearable for Vec<User> {
        fn clear_extra(&mut self) {
            self.iter_mut().for_each(User::clear_extra);
        }
    }
    impl Clearable for SearchPage {
        fn clear_extra(&mut self) {
            self.elements.clear_extra();
        }
    }
    impl Clearable for UserStatusResponse {}
    impl Clearable for HighRiskListV2 {}
    impl Clearable for MultiStatus {}
    impl Clearable for TokenResponse {}
    impl Clearable for UpdateLocalUserResponse {}

    /// Both writers agree: what the console sends is what serde would have sent.
    fn written_alike<T: ToJson + serde::Serialize>(v: &T) {
        let mine: Value = serde_json::from_str(&v.to_json().text()).unwrap();
        let mut theirs = serde_json::to_value(v).unwrap();
        if let Some(o) = theirs.as_object_mut() {
            o.retain(|_, x| !x.is_null() || mine.get("password").is_some());
        }
        let mut mine = mine;
        if let Some(o) = mine.as_object_mut() {
            o.retain(|_, x| !x.is_null());
        }
        if let Some(o) = theirs.as_object_mut() {
            o.retain(|_, x| !x.is_null());
        }
        assert_eq!(mine, theirs);
    }

    #[test]
    fn requests_are_written_like_serde_would() {
        written_alike(&LookupRequest { email: "a@b.c".into(), search_unsynched: Some(true) });
        written_alike(&LookupRequest { email: "a\"b".into(), search_unsynched: None });
        written_alike(&SearchRequest { email_like: "j.doe".into() });
        written_alike(&UserStatusRequest { user_status: UserStatus::Disabled });
        written_alike(&HighRiskRequest::new(crate::wire::HighRiskAction::Add, vec!["a".into(), "b".into()]));
        written_alike(&UpdateLocalUserRequest {
            id: "u1".into(),
            first_name: Some("Joe".into()),
            user_name: Some("jschmoe".into()),
            password_creation_option: Some("NONE".into()),
            group_memberships: vec!["g1".into()],
            ..UpdateLocalUserRequest::default()
        });
    }

    #[test]
    fn unknown_user_fields_are_listed_in_order() {
        let raw = Json::parse(r#"{"id":"1","emailAddress":"a@b.c","zeta":1,"alpha":{"x":[true]}}"#).unwrap();
        assert_eq!(user_extras(&raw), vec![("zeta".to_string(), "1".to_string()), ("alpha".to_string(), r#"{"x":[true]}"#.to_string())]);
    }

    fn full_user() -> Value {
        json!({
            "id": "f85b6e95-f41f-45b4-bc84-559fead6460c", "emailAddress": "user.one@mycompany.com",
            "firstName": "User", "lastName": "One", "creationDate": "2018-08-31T19:10:30.045Z",
            "identitySource": "My Company AD", "userStatus": "Enabled", "markDeleted": false, "highRiskUser": false,
            "markDeletedAt": null, "markDeletedBy": null, "smsNumber": "+11235556799", "voiceNumber": "+1 774 291 4444",
            "isTokenLocked": false, "isSmsLocked": false, "isVoiceLocked": false, "isFingerprintLocked": true,
            "isApproveLocked": false, "lastSyncTime": "2018-08-31T19:20:30.045Z", "emergencyAccessStatus": "Disabled",
            "emergencyTokencodeId": null, "emergencyTokencodeExpiration": null, "emergencyTokencodeLastUse": null,
            "offlineEmergencyAccessStatus": "Disabled", "offlineEmergencyTokencodeExpiration": null,
            "monthLastAuthenticated": "Jun 2025", "principalUsername": "uone", "alternateUsername": "u.one@corp",
            "primaryUniqueIdentifier": "S-1-5", "somethingNew": [1, 2]
        })
    }

    #[test]
    fn users_read_alike() {
        same::<User>(full_user());
        same::<User>(json!({"id": "1", "emailAddress": "a@b.c"}));
        same::<User>(json!({"id": "1", "emailAddress": "a@b.c", "userStatus": "Pending Deletion", "x": null}));
        same::<Vec<User>>(json!([full_user(), {"id": "2", "emailAddress": "x@y.z"}]));
        same::<SearchPage>(json!({"totalPages": 3, "totalElements": 51, "elements": [full_user()]}));
    }

    #[test]
    fn other_answers_read_alike() {
        same::<UserStatusResponse>(json!({"id": "f10d0514", "userStatus": "Disabled"}));
        same::<HighRiskListV2>(json!({"users": [{"email": "a@b.c", "primaryUsername": "a", "alternateUsername": ""}]}));
        same::<MultiStatus>(json!({"users": [{"id": "user.one@company.com", "statusCode": 404, "error": "User not found"},
            {"id": "user.two@company.com", "statusCode": "409", "error": "Multiple users were found for the user identifier"}]}));
        same::<TokenResponse>(json!({"access_token": "abc", "token_type": "Bearer", "expires_in": 3600, "scope": "rsa.user.read"}));
        same::<UpdateLocalUserResponse>(json!({
            "cloud_directory_enabled": true, "user_id": "80800c5b", "email": "jschmoe@rsavia.com",
            "first_name_valid": true, "last_name_valid": true, "username_valid": true, "email_valid": true,
            "email_failure_reason": null, "sms_phone_valid": true, "voice_phone_valid": true, "manager_email_valid": true,
            "manager_email_failure_reason": null, "identity_source_valid": true, "password_valid": true,
            "initial_password_email_valid": false, "password_send_method_valid": true,
            "alternate_username_valid": [true, true], "virtualgroups_valid": [true, false],
            "sms_phone_list_valid": [true, true], "voice_phone_list_valid": [true, true], "save_succeeded": false,
            "save_failure_reason": "Invalid group", "duplicate_username": false, "validation_errors": ["group2 unknown"]
        }));
    }

    #[test]
    fn wrong_types_read_as_absent_not_as_failure() {
        let u: User = parse(r#"{"id":"1","emailAddress":"a@b.c","firstName":42,"isTokenLocked":"yes"}"#).unwrap();
        assert_eq!(u.first_name, None);
        assert_eq!(u.is_token_locked, None);
        assert!(parse::<User>("[1,2]").is_none());
        assert!(parse::<Vec<User>>("{}").is_none());
        assert!(parse::<User>("<html>").is_none());
        assert!(parse::<TokenResponse>(r#"{"token_type":"Bearer"}"#).is_none());
    }
}
