//! Editing a user of the Local Identity Source (`PUT /v1/users/update`): the form's model,
//! its checks before sending, the "old → new" summary, and the server's flags read back onto
//! the fields they concern.
//!
//! The update API takes the whole user, so the form sends every property back, the ones it
//! does not show (id, identity source) included. RSA's lookup documents no group memberships,
//! phone lists or manager email: the form takes them from the lookup answer when present and
//! otherwise says they are not known, so an edit never blanks a field silently.

use crate::wire::{UpdateLocalUserRequest, UpdateLocalUserResponse, User};
use serde::Serialize;
use serde_json::{Map, Value};

pub const LOCAL_SOURCE: &str = "Local Identity Source";

/// Every field of the form, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    FirstName,
    LastName,
    UserName,
    Email,
    DefaultSmsPhone,
    DefaultVoicePhone,
    ManagerEmail,
    AlternateUsernames,
    GroupMemberships,
    SmsPhoneNumbers,
    VoicePhoneNumbers,
    PasswordCreationOption,
    PasswordSendMethod,
    InitialPasswordEmail,
    Password,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Field::FirstName,
        Field::LastName,
        Field::UserName,
        Field::Email,
        Field::DefaultSmsPhone,
        Field::DefaultVoicePhone,
        Field::ManagerEmail,
        Field::AlternateUsernames,
        Field::GroupMemberships,
        Field::SmsPhoneNumbers,
        Field::VoicePhoneNumbers,
        Field::PasswordCreationOption,
        Field::PasswordSendMethod,
        Field::InitialPasswordEmail,
        Field::Password,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::UserName => "Username",
            Field::Email => "Email",
            Field::DefaultSmsPhone => "Default SMS phone",
            Field::DefaultVoicePhone => "Default voice phone",
            Field::ManagerEmail => "Manager's email",
            Field::AlternateUsernames => "Alternate usernames",
            Field::GroupMemberships => "Group memberships",
            Field::SmsPhoneNumbers => "SMS phone numbers",
            Field::VoicePhoneNumbers => "Voice phone numbers",
            Field::PasswordCreationOption => "Password",
            Field::PasswordSendMethod => "Send the generated password by",
            Field::InitialPasswordEmail => "Send the password to",
            Field::Password => "New password",
        }
    }

    /// The update API's property: the variant's name in camelCase, the rule (and the names)
    /// `UpdateLocalUserRequest` serializes with; a test holds the two together.
    pub fn key(self) -> String {
        match serde_json::to_value(self) {
            Ok(Value::String(k)) => k,
            _ => String::new(),
        }
    }

    /// Lists are edited as comma-separated text.
    pub fn is_list(self) -> bool {
        matches!(self, Field::AlternateUsernames | Field::GroupMemberships | Field::SmsPhoneNumbers | Field::VoicePhoneNumbers)
    }
}

/// The form: every value as the operator sees it (lists one item per line).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LocalUserForm {
    pub id: String,
    pub identity_source: String,
    values: Vec<(Field, String)>,
    /// Fields the lookup did not tell (so their current value is not known).
    pub unknown: Vec<Field>,
}

fn list_text(v: &Value) -> Option<String> {
    let items: Vec<&str> = v.as_array()?.iter().filter_map(Value::as_str).collect();
    Some(items.join(", "))
}

/// Splits a list field's text: one item per line or comma-separated, blanks dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl LocalUserForm {
    /// Whether the update API may edit this user at all.
    pub fn editable(user: &User) -> bool {
        user.identity_source.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(LOCAL_SOURCE))
    }

    /// What the lookup does not document (group memberships, phone lists, manager) comes from
    /// the fields it carried beyond `User`'s, when it carried them.
    pub fn from_user(user: &User) -> LocalUserForm {
        let mut unknown = Vec::new();
        let mut from_extra = |field: Field, fallback: Option<String>| -> String {
            match user.extra.get(&field.key()) {
                Some(v) if field.is_list() => list_text(v).unwrap_or_default(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) => String::new(),
                _ => match fallback {
                    Some(f) => f,
                    None => {
                        unknown.push(field);
                        String::new()
                    }
                },
            }
        };
        let values = vec![
            (Field::FirstName, user.first_name.clone().unwrap_or_default()),
            (Field::LastName, user.last_name.clone().unwrap_or_default()),
            (Field::UserName, user.principal_username.clone().unwrap_or_default()),
            (Field::Email, user.email_address.clone()),
            (Field::DefaultSmsPhone, user.sms_number.clone().unwrap_or_default()),
            (Field::DefaultVoicePhone, user.voice_number.clone().unwrap_or_default()),
            (Field::ManagerEmail, from_extra(Field::ManagerEmail, None)),
            (Field::AlternateUsernames, from_extra(Field::AlternateUsernames, user.alternate_username.clone())),
            (Field::GroupMemberships, from_extra(Field::GroupMemberships, None)),
            (Field::SmsPhoneNumbers, from_extra(Field::SmsPhoneNumbers, None)),
            (Field::VoicePhoneNumbers, from_extra(Field::VoicePhoneNumbers, None)),
            (Field::PasswordCreationOption, "NONE".to_string()),
            (Field::PasswordSendMethod, "NONE".to_string()),
            (Field::InitialPasswordEmail, String::new()),
            (Field::Password, String::new()),
        ];
        LocalUserForm {
            id: user.id.clone(),
            identity_source: user.identity_source.clone().unwrap_or_else(|| LOCAL_SOURCE.to_string()),
            values,
            unknown,
        }
    }

    pub fn get(&self, field: Field) -> &str {
        self.values.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn set(&mut self, field: Field, value: String) {
        if let Some(slot) = self.values.iter_mut().find(|(f, _)| *f == field) {
            slot.1 = value;
        }
        self.unknown.retain(|f| *f != field);
    }

    fn opt(&self, field: Field) -> Option<String> {
        let v = self.get(field).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    /// The body for `PUT /v1/users/update`.
    pub fn to_request(&self) -> UpdateLocalUserRequest {
        let option = self.get(Field::PasswordCreationOption).to_string();
        let entered = option == "ENTERED_BY_ADMIN";
        let generated = option == "GENERATE_AND_SEND";
        UpdateLocalUserRequest {
            id: self.id.clone(),
            first_name: self.opt(Field::FirstName),
            last_name: self.opt(Field::LastName),
            user_name: self.opt(Field::UserName),
            email: self.opt(Field::Email),
            default_sms_phone: self.opt(Field::DefaultSmsPhone),
            default_voice_phone: self.opt(Field::DefaultVoicePhone),
            manager_email: self.opt(Field::ManagerEmail),
            identity_source: Some(self.identity_source.clone()),
            password: if entered { self.opt(Field::Password) } else { None },
            password_creation_option: Some(option),
            password_send_method: Some(if generated { self.get(Field::PasswordSendMethod).to_string() } else { "NONE".into() }),
            initial_password_email: Some(if generated { self.get(Field::InitialPasswordEmail).trim().to_string() } else { String::new() }),
            alternate_usernames: split_list(self.get(Field::AlternateUsernames)),
            group_memberships: split_list(self.get(Field::GroupMemberships)),
            sms_phone_numbers: split_list(self.get(Field::SmsPhoneNumbers)),
            voice_phone_numbers: split_list(self.get(Field::VoicePhoneNumbers)),
            extra: Map::new(),
        }
    }

    /// Forgets the typed password (after a request, whatever its outcome).
    pub fn clear_password(&mut self) {
        self.set(Field::Password, String::new());
    }

    /// Checks before sending, one message per field at most.
    pub fn validate(&self) -> Vec<(Field, String)> {
        let mut errors = Vec::new();
        for field in [Field::FirstName, Field::UserName, Field::Email] {
            if self.get(field).trim().is_empty() {
                errors.push((field, format!("{} is required.", field.label())));
            }
        }
        for field in [Field::Email, Field::ManagerEmail] {
            let v = self.get(field).trim();
            if !v.is_empty() && !is_email(v) {
                errors.push((field, "This is not an email address (name@domain.example).".to_string()));
            }
        }
        for field in [Field::DefaultSmsPhone, Field::DefaultVoicePhone] {
            let v = self.get(field).trim();
            if !v.is_empty() && !is_phone(v) {
                errors.push((field, PHONE_HINT.to_string()));
            }
        }
        for field in [Field::SmsPhoneNumbers, Field::VoicePhoneNumbers] {
            if let Some(bad) = split_list(self.get(field)).into_iter().find(|p| !is_phone(p)) {
                errors.push((field, format!("\u{201c}{bad}\u{201d}: {PHONE_HINT}")));
            }
        }
        match self.get(Field::PasswordCreationOption) {
            "GENERATE_AND_SEND" => {
                if self.get(Field::PasswordSendMethod) != "EMAIL" {
                    errors.push((Field::PasswordSendMethod, "Choose how the generated password is sent.".into()));
                }
                let to = self.get(Field::InitialPasswordEmail).trim();
                if !to.is_empty() && !is_email(to) {
                    errors.push((Field::InitialPasswordEmail, "This is not an email address.".into()));
                }
            }
            "ENTERED_BY_ADMIN" => {
                let pw = self.get(Field::Password);
                if pw.is_empty() {
                    errors.push((Field::Password, "Type the new password.".into()));
                } else if pw.chars().count() < 8 {
                    errors.push((Field::Password, "The password needs at least 8 characters.".into()));
                }
            }
            "NONE" => {}
            _ => errors.push((Field::PasswordCreationOption, "Choose how the password is set.".into())),
        }
        errors
    }

    /// What an operator is about to change: (field, old, new). The password shows as "(new)".
    pub fn changes(&self, original: &LocalUserForm) -> Vec<(Field, String, String)> {
        let mut out = Vec::new();
        for field in Field::ALL {
            let (old, new) = (original.get(field), self.get(field));
            let differs = if field.is_list() { split_list(old) != split_list(new) } else { old.trim() != new.trim() };
            if !differs || matches!(field, Field::PasswordSendMethod | Field::InitialPasswordEmail) && self.get(Field::PasswordCreationOption) != "GENERATE_AND_SEND" {
                continue;
            }
            let shown = |v: &str| if field.is_list() { split_list(v).join(", ") } else { v.trim().to_string() };
            match field {
                Field::Password if self.get(Field::PasswordCreationOption) == "ENTERED_BY_ADMIN" => {
                    out.push((field, String::new(), "(new password)".into()))
                }
                Field::Password => {}
                _ => out.push((field, shown(old), shown(new))),
            }
        }
        out
    }
}

const PHONE_HINT: &str = "A phone number has 7 to 20 digits and may use spaces, +, - and parentheses.";

pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.contains(char::is_whitespace)
        && !domain.contains('@')
}

pub fn is_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits) && v.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// The server's answer read onto the fields: (field, message). `general` collects what
/// belongs to no field (save failure reason, validation errors).
pub fn server_errors(resp: &UpdateLocalUserResponse, form: &LocalUserForm) -> (Vec<(Field, String)>, Vec<String>) {
    let duplicate = resp.duplicate_username == Some(true);
    let initial_email = form.get(Field::PasswordCreationOption) == "GENERATE_AND_SEND";
    let checks: [(Option<bool>, Field, Option<&String>); 10] = [
        (resp.first_name_valid, Field::FirstName, None),
        (resp.last_name_valid, Field::LastName, None),
        (resp.username_valid.filter(|_| !duplicate), Field::UserName, None),
        (resp.email_valid, Field::Email, resp.email_failure_reason.as_ref()),
        (resp.sms_phone_valid, Field::DefaultSmsPhone, None),
        (resp.voice_phone_valid, Field::DefaultVoicePhone, None),
        (resp.manager_email_valid, Field::ManagerEmail, resp.manager_email_failure_reason.as_ref()),
        (resp.password_valid, Field::Password, None),
        (resp.password_send_method_valid, Field::PasswordSendMethod, None),
        (resp.initial_password_email_valid.filter(|_| initial_email), Field::InitialPasswordEmail, None),
    ];
    let mut fields: Vec<(Field, String)> = Vec::new();
    for (ok, field, reason) in checks {
        if field == Field::UserName && duplicate {
            fields.push((field, "Another user already has this username.".into()));
        } else if ok == Some(false) {
            fields.push((field, reason.cloned().unwrap_or_else(|| "The server refused this value.".into())));
        }
    }
    for (field, flags) in [
        (Field::AlternateUsernames, &resp.alternate_username_valid),
        (Field::GroupMemberships, &resp.virtualgroups_valid),
        (Field::SmsPhoneNumbers, &resp.sms_phone_list_valid),
        (Field::VoicePhoneNumbers, &resp.voice_phone_list_valid),
    ] {
        let items = split_list(form.get(field));
        let bad: Vec<&str> = flags.iter().zip(&items).filter(|(ok, _)| !**ok).map(|(_, v)| v.as_str()).collect();
        if !bad.is_empty() {
            fields.push((field, format!("The server refused: {}.", bad.join(", "))));
        }
    }
    let mut general: Vec<String> = resp.validation_errors.clone();
    if let Some(reason) = &resp.save_failure_reason {
        general.insert(0, reason.clone());
    }
    if resp.identity_source_valid == Some(false) {
        general.push("The server refused the identity source: only users of the Local Identity Source can be edited.".into());
    }
    (fields, general)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn local_user() -> User {
        let v = json!({
            "id": "u1", "emailAddress": "local.user@example.com", "firstName": "Local", "lastName": "User",
            "identitySource": "Local Identity Source", "principalUsername": "local.user", "smsNumber": "+1 555 010 0001",
            "groupMemberships": ["helpdesk"], "smsPhoneNumbers": ["+1 555 010 0001"], "managerEmail": null,
            "somethingElse": 1
        });
        serde_json::from_value(v).unwrap()
    }

    fn form() -> LocalUserForm {
        LocalUserForm::from_user(&local_user())
    }

    #[test]
    fn form_starts_from_the_server_and_names_what_it_was_not_told() {
        let form = form();
        assert_eq!(form.get(Field::UserName), "local.user");
        assert_eq!(form.get(Field::GroupMemberships), "helpdesk");
        assert_eq!(form.get(Field::ManagerEmail), "");
        assert_eq!(form.unknown, vec![Field::AlternateUsernames, Field::VoicePhoneNumbers]);
        let req = form.to_request();
        assert_eq!(req.group_memberships, vec!["helpdesk"]);
        assert_eq!(req.sms_phone_numbers, vec!["+1 555 010 0001"]);
        assert_eq!(req.identity_source.as_deref(), Some("Local Identity Source"));
        assert_eq!(req.password, None);
        assert_eq!(req.password_creation_option.as_deref(), Some("NONE"));
        assert!(LocalUserForm::editable(&local_user()));
    }

    #[test]
    fn an_untouched_field_survives_an_edit() {
        let original = form();
        let mut form = original.clone();
        form.set(Field::FirstName, "Lola".into());
        assert_eq!(form.changes(&original), vec![(Field::FirstName, "Local".into(), "Lola".into())]);
        let req = form.to_request();
        assert_eq!(req.first_name.as_deref(), Some("Lola"));
        assert_eq!(req.last_name.as_deref(), Some("User"));
        assert_eq!(req.group_memberships, vec!["helpdesk"]);
    }

    #[test]
    fn checks_before_sending() {
        let mut form = form();
        assert_eq!(form.validate(), vec![]);
        form.set(Field::Email, "not-an-email".into());
        form.set(Field::FirstName, " ".into());
        form.set(Field::SmsPhoneNumbers, "123\n+1 555 010 0002".into());
        form.set(Field::PasswordCreationOption, "GENERATE_AND_SEND".into());
        let fields: Vec<Field> = form.validate().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::FirstName, Field::Email, Field::SmsPhoneNumbers, Field::PasswordSendMethod]);
        form.set(Field::PasswordCreationOption, "ENTERED_BY_ADMIN".into());
        form.set(Field::Password, "short".into());
        assert!(form.validate().iter().any(|(f, m)| *f == Field::Password && m.contains("8 characters")));
    }

    #[test]
    fn a_password_is_sent_only_when_entered_by_the_admin_and_never_shown() {
        let original = form();
        let mut form = original.clone();
        form.set(Field::Password, "s3cret-pass".into());
        assert_eq!(form.to_request().password, None, "NONE sends no password");
        form.set(Field::PasswordCreationOption, "ENTERED_BY_ADMIN".into());
        assert_eq!(form.to_request().password.as_deref(), Some("s3cret-pass"));
        let changes = form.changes(&original);
        assert!(changes.iter().all(|(_, old, new)| !old.contains("s3cret") && !new.contains("s3cret")));
        form.clear_password();
        assert_eq!(form.get(Field::Password), "");
    }

    #[test]
    fn server_flags_land_on_their_fields() {
        let mut form = form();
        form.set(Field::GroupMemberships, "helpdesk\nnope".into());
        let resp = UpdateLocalUserResponse {
            duplicate_username: Some(true),
            username_valid: Some(false),
            email_valid: Some(false),
            email_failure_reason: Some("Email already used".into()),
            virtualgroups_valid: vec![true, false],
            save_succeeded: false,
            save_failure_reason: Some("Validation failed".into()),
            validation_errors: vec!["group nope unknown".into()],
            ..UpdateLocalUserResponse::default()
        };
        let (fields, general) = server_errors(&resp, &form);
        assert_eq!(
            fields,
            vec![
                (Field::UserName, "Another user already has this username.".into()),
                (Field::Email, "Email already used".into()),
                (Field::GroupMemberships, "The server refused: nope.".into()),
            ]
        );
        assert_eq!(general, vec!["Validation failed".to_string(), "group nope unknown".to_string()]);
    }

    #[test]
    fn shapes() {
        assert!(is_email("a.b@c.example"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.d"));
        assert!(is_phone("+1 (555) 010-0001"));
        assert!(!is_phone("123"));
        assert!(!is_phone("555-CALL-NOW"));
        assert_eq!(split_list("a, b\n\n c"), vec!["a", "b", "c"]);
    }

    #[test]
    fn every_field_is_a_property_of_the_update_request() {
        let written = serde_json::to_value(UpdateLocalUserRequest::default()).unwrap();
        for f in Field::ALL {
            assert!(written.get(f.key()).is_some(), "{}", f.key());
        }
        assert_eq!(Field::DefaultSmsPhone.key(), "defaultSmsPhone");
    }

}
