//! `PUT /v1/users/update`: validation as the real service reports it (every `*_valid` flag
//! set, `validation_errors` in words, 200 even when nothing was saved) and the change itself.

use crate::gen::{GROUPS, LOCAL};
use crate::store::{Private, Rec, Users};
use cas_core::wire::{UpdateLocalUserRequest, UpdateLocalUserResponse, PASSWORD_OPTIONS, PASSWORD_SEND_METHODS};

const MAX_LEN: usize = 255;

/// `local@domain.tld`, no spaces, one `@`.
pub fn email_shape_ok(s: &str) -> bool {
    let s = s.trim();
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && !domain.contains(['(', ')', ',', ';', ':', '<', '>', '[', ']', '\\', '"'])
}

/// Digits, spaces, `+` (leading only), `-`, parentheses; 7 to 20 digits.
pub fn phone_shape_ok(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')')) {
        return false;
    }
    if s.chars().skip(1).any(|c| c == '+') {
        return false;
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits)
}

fn name_ok(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().count() <= MAX_LEN && !t.chars().any(char::is_control)
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// The outcome: the answer, and the changed user when it was saved.
pub struct Outcome {
    pub response: UpdateLocalUserResponse,
    pub change: Option<(usize, Rec)>,
}

pub fn update(users: &Users, req: &UpdateLocalUserRequest) -> Outcome {
    let mut errors: Vec<String> = Vec::new();
    let mut r = UpdateLocalUserResponse {
        cloud_directory_enabled: Some(true),
        user_id: Some(req.id.clone()),
        email: req.email.clone(),
        duplicate_username: Some(false),
        ..UpdateLocalUserResponse::default()
    };
    let target = (!req.id.trim().is_empty()).then(|| users.index_of_id(req.id.trim())).flatten();
    if req.id.trim().is_empty() {
        errors.push("id is required.".into());
    }

    let first_ok = req.first_name.as_deref().is_some_and(name_ok);
    if !first_ok {
        errors.push(if blank(&req.first_name) { "First name is required.".into() } else { "First name is not valid.".to_string() });
    }
    r.first_name_valid = Some(first_ok);

    let last_ok = req.last_name.as_deref().is_none_or(|l| l.trim().is_empty() || name_ok(l));
    if !last_ok {
        errors.push("Last name is not valid.".into());
    }
    r.last_name_valid = Some(last_ok);

    let mut username_ok = req.user_name.as_deref().is_some_and(|u| name_ok(u) && !u.trim().contains(char::is_whitespace));
    if !username_ok {
        errors.push(if blank(&req.user_name) { "User name is required.".into() } else { "User name is not valid.".to_string() });
    } else if let Some(name) = req.user_name.as_deref() {
        if users.principal_taken(name.trim(), target.unwrap_or(usize::MAX)) {
            username_ok = false;
            r.duplicate_username = Some(true);
            errors.push(format!("User name {} is already in use.", name.trim()));
        }
    }
    r.username_valid = Some(username_ok);

    let email_reason = match req.email.as_deref().map(str::trim) {
        None | Some("") => Some("Email is required."),
        Some(e) if !email_shape_ok(e) => Some("Email is not a valid email address."),
        Some(e) => match users.index_of_email(&e.to_lowercase()) {
            Some(i) if Some(i) != target => Some("Email is already in use by another user."),
            _ => None,
        },
    };
    r.email_valid = Some(email_reason.is_none());
    r.email_failure_reason = email_reason.map(str::to_string);
    errors.extend(email_reason.map(str::to_string));

    let phone_flag = |v: &Option<String>, what: &str, errors: &mut Vec<String>| {
        let ok = blank(v) || v.as_deref().is_some_and(phone_shape_ok);
        if !ok {
            errors.push(format!("{what} is not a valid phone number."));
        }
        ok
    };
    r.sms_phone_valid = Some(phone_flag(&req.default_sms_phone, "Default SMS phone", &mut errors));
    r.voice_phone_valid = Some(phone_flag(&req.default_voice_phone, "Default voice phone", &mut errors));

    let manager_reason = match req.manager_email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(m) if !email_shape_ok(m) => Some("Manager email is not a valid email address."),
        Some(_) => None,
    };
    r.manager_email_valid = Some(manager_reason.is_none());
    r.manager_email_failure_reason = manager_reason.map(str::to_string);
    errors.extend(manager_reason.map(str::to_string));

    let source_ok = req.identity_source.as_deref().is_some_and(|s| s.trim() == LOCAL);
    if !source_ok {
        errors.push(if blank(&req.identity_source) {
            "Identity source is required.".into()
        } else {
            format!("Identity source must be \"{LOCAL}\": only local users can be updated.")
        });
    }
    r.identity_source_valid = Some(source_ok);

    let option = req.password_creation_option.as_deref().map(str::trim).unwrap_or("");
    let option_ok = PASSWORD_OPTIONS.contains(&option);
    if !option_ok {
        errors.push(if option.is_empty() {
            "passwordCreationOption is required.".into()
        } else {
            format!("passwordCreationOption must be one of {}.", PASSWORD_OPTIONS.join(", "))
        });
    }
    let password_ok = match option {
        "ENTERED_BY_ADMIN" => {
            let ok = req.password.as_deref().is_some_and(|p| p.chars().count() >= 8);
            if !ok {
                errors.push("A password of at least 8 characters is required when passwordCreationOption is ENTERED_BY_ADMIN.".into());
            }
            ok
        }
        _ => option_ok,
    };
    r.password_valid = Some(password_ok);

    let send = req.password_send_method.as_deref().map(str::trim).unwrap_or("");
    let send_ok = match option {
        "GENERATE_AND_SEND" => send == "EMAIL",
        _ => send.is_empty() || PASSWORD_SEND_METHODS.contains(&send),
    };
    if !send_ok {
        errors.push(if option == "GENERATE_AND_SEND" {
            "passwordSendMethod EMAIL is required when passwordCreationOption is GENERATE_AND_SEND.".into()
        } else {
            format!("passwordSendMethod must be one of {}.", PASSWORD_SEND_METHODS.join(", "))
        });
    }
    r.password_send_method_valid = Some(send_ok);

    let initial = req.initial_password_email.as_deref().map(str::trim).unwrap_or("");
    r.initial_password_email_valid = Some(!initial.is_empty() && email_shape_ok(initial));
    if option == "GENERATE_AND_SEND" && !initial.is_empty() && !email_shape_ok(initial) {
        errors.push("initialPasswordEmail is not a valid email address.".into());
    }

    r.alternate_username_valid = req.alternate_usernames.iter().map(|a| name_ok(a) && !a.trim().contains(char::is_whitespace)).collect();
    for (i, ok) in r.alternate_username_valid.iter().enumerate() {
        if !ok {
            errors.push(format!("Alternate username #{} is not valid.", i + 1));
        }
    }
    r.virtualgroups_valid = req.group_memberships.iter().map(|g| GROUPS.iter().any(|k| k.eq_ignore_ascii_case(g.trim()))).collect();
    for (g, ok) in req.group_memberships.iter().zip(&r.virtualgroups_valid) {
        if !ok {
            errors.push(format!("Group {g} does not exist."));
        }
    }
    r.sms_phone_list_valid = req.sms_phone_numbers.iter().map(|p| phone_shape_ok(p)).collect();
    r.voice_phone_list_valid = req.voice_phone_numbers.iter().map(|p| phone_shape_ok(p)).collect();
    for (list, what) in [(&r.sms_phone_list_valid, "SMS"), (&r.voice_phone_list_valid, "Voice")] {
        for (i, ok) in list.iter().enumerate() {
            if !ok {
                errors.push(format!("{what} phone number #{} is not a valid phone number.", i + 1));
            }
        }
    }

    let failure = if !req.id.trim().is_empty() && target.is_none() {
        Some(format!("User {} not found.", req.id.trim()))
    } else if target.is_some_and(|i| users.recs[i].user.identity_source.as_deref() != Some(LOCAL)) {
        Some("The user is not in a local identity source; only local users can be updated.".to_string())
    } else if !errors.is_empty() {
        Some("Validation failed.".to_string())
    } else {
        None
    };
    r.validation_errors = errors;
    let Some(index) = target.filter(|_| failure.is_none()) else {
        r.save_succeeded = false;
        r.save_failure_reason = failure.or_else(|| Some("Validation failed.".into()));
        return Outcome { response: r, change: None };
    };
    r.save_succeeded = true;
    r.save_failure_reason = None;
    Outcome { response: r, change: Some((index, apply(&users.recs[index], req))) }
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

fn apply(rec: &Rec, req: &UpdateLocalUserRequest) -> Rec {
    let mut u = rec.user.clone();
    u.first_name = opt(&req.first_name);
    u.last_name = opt(&req.last_name);
    u.email_address = opt(&req.email).unwrap_or_default();
    u.principal_username = opt(&req.user_name);
    let alternates: Vec<String> = req.alternate_usernames.iter().map(|a| a.trim().to_string()).collect();
    // "" rather than absent for users that had the field (generated ones always do).
    u.alternate_username = alternates.first().cloned().or_else(|| rec.user.alternate_username.as_ref().map(|_| String::new()));
    let sms: Vec<String> = req.sms_phone_numbers.iter().map(|p| p.trim().to_string()).collect();
    let voice: Vec<String> = req.voice_phone_numbers.iter().map(|p| p.trim().to_string()).collect();
    u.sms_number = opt(&req.default_sms_phone).or_else(|| sms.first().cloned());
    u.voice_number = opt(&req.default_voice_phone).or_else(|| voice.first().cloned());
    let groups = req
        .group_memberships
        .iter()
        .filter_map(|g| GROUPS.iter().find(|k| k.eq_ignore_ascii_case(g.trim())).map(|k| k.to_string()))
        .collect();
    let private = Private {
        group_memberships: groups,
        sms_phone_numbers: sms,
        voice_phone_numbers: voice,
        alternate_usernames: alternates,
        manager_email: opt(&req.manager_email),
        ..rec.private.clone()
    };
    rec.with(u, private)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(email_shape_ok("a.b@example.com"));
        assert!(!email_shape_ok("a b@example.com"));
        assert!(!email_shape_ok("ab@example"));
        assert!(!email_shape_ok("a@b@c.com"));
        assert!(phone_shape_ok("+1 (555) 010-0001"));
        assert!(phone_shape_ok("1234567890"));
        assert!(!phone_shape_ok("12345"));
        assert!(!phone_shape_ok("555-CALL-NOW"));
        assert!(!phone_shape_ok("1+234567890"));
        assert!(!phone_shape_ok("123456789012345678901"));
    }
}
