//! Who may call what: the OAuth scope each operation needs and what each key role allows.
//! The sandbox enforces this table and the console reads it to explain a disabled action.

/// Every call the console or the sandbox knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    Lookup,
    Search,
    SetUserStatus,
    ChangeHighRisk,
    ReadHighRisk,
    UpdateLocalUser,
    /// `GET /v1/users/{id}/authlogs/`
    ReadAuthLogs,
    /// `GET /v1/users/{id}/devices`
    ReadAuthenticators,
    /// `GET /v2/users/{id}/devices` (with FIDO credentials and hardware tokens)
    ReadAuthenticatorsV2,
    /// `DELETE /v1/users/{id}/devices/{deviceId}`
    DeleteAuthenticator,
    /// `PATCH /v1/users/{id}/methods`
    UnlockMethods,
    /// `PUT /v1` and `/v2/users/{id}/emergencyTokencode`
    IssueEmergencyCode,
    /// `DELETE /v1/users/{id}/emergencyTokencode/{eacId}`
    DisableEmergencyCode,
    /// `POST /v1/users/{id}/sync`
    SyncUser,
    /// `PUT /v1/users/{id}/markDeleted`
    MarkDeleted,
}

impl Operation {
    /// The OAuth permission the call needs (api-notes-helpdesk.md §10.3).
    pub fn scope(self) -> &'static str {
        match self {
            Operation::Lookup | Operation::Search => "rsa.user.read",
            Operation::SetUserStatus => "rsa.user.manage",
            Operation::ChangeHighRisk => "rsa.user.risky.manage",
            Operation::ReadHighRisk => "rsa.user.risky.read",
            Operation::UpdateLocalUser => "rsa.group.users.manage",
            Operation::ReadAuthLogs => "rsa.audit.user",
            Operation::ReadAuthenticators | Operation::ReadAuthenticatorsV2 => "rsa.authenticator.mobile.read",
            Operation::DeleteAuthenticator => "rsa.authenticator.mobile.delete",
            Operation::UnlockMethods => "rsa.user.factor.manage",
            Operation::IssueEmergencyCode | Operation::DisableEmergencyCode => "rsa.authenticator.emergency.manage",
            Operation::SyncUser => "rsa.user.sync",
            Operation::MarkDeleted => "rsa.user.delete.soft",
        }
    }

    /// Other scopes seen to grant the same call (unconfirmed, accepted too).
    pub fn alternative_scopes(self) -> &'static [&'static str] {
        match self {
            Operation::UpdateLocalUser => &["rsa.user.local.manage"],
            // "Update, sync, enable, and disable users".
            Operation::SyncUser => &["rsa.user.manage"],
            _ => &[],
        }
    }

    /// Scopes needed besides `scope()`. v2 lists FIDO credentials, SecurID 700 and DS100
    /// tokens, each kind behind its own read permission; the docs do not say whether a missing
    /// one gives 403 or an empty list. The sandbox refuses (403), so a missing permission is
    /// never shown to the operator as "no tokens".
    pub fn also_required(self) -> &'static [&'static str] {
        match self {
            Operation::ReadAuthenticatorsV2 => &["rsa.authenticator.fido.read", "rsa.authenticator.sidtoken.read", "rsa.authenticator.ds100.read"],
            _ => &[],
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Operation::Lookup => "look up a user",
            Operation::Search => "search users",
            Operation::SetUserStatus => "enable or disable users",
            Operation::ChangeHighRisk => "change the high-risk list",
            Operation::ReadHighRisk => "read the high-risk list",
            Operation::UpdateLocalUser => "edit local users",
            Operation::ReadAuthLogs => "read a user's sign-in history",
            Operation::ReadAuthenticators => "see a user's authenticators",
            Operation::ReadAuthenticatorsV2 => "see a user's authenticators, FIDO credentials and hardware tokens",
            Operation::DeleteAuthenticator => "delete a user's authenticator",
            Operation::UnlockMethods => "unlock a user's methods",
            Operation::IssueEmergencyCode => "issue an emergency access code",
            Operation::DisableEmergencyCode => "disable an emergency access code",
            Operation::SyncUser => "synchronize a user with the identity source",
            Operation::MarkDeleted => "mark a user for deletion or take the mark back",
        }
    }
}

/// Every scope the console asks for when it connects with an OAuth client.
pub const ALL_SCOPES: [&str; 15] = [
    "rsa.user.read",
    "rsa.user.manage",
    "rsa.user.risky.manage",
    "rsa.user.risky.read",
    "rsa.group.users.manage",
    "rsa.audit.user",
    "rsa.authenticator.mobile.read",
    "rsa.authenticator.fido.read",
    "rsa.authenticator.sidtoken.read",
    "rsa.authenticator.ds100.read",
    "rsa.authenticator.mobile.delete",
    "rsa.user.factor.manage",
    "rsa.authenticator.emergency.manage",
    "rsa.user.sync",
    "rsa.user.delete.soft",
];

/// Role of a legacy Administration API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyRole {
    HelpDesk,
    SuperAdmin,
}

impl KeyRole {
    pub fn label(self) -> &'static str {
        match self {
            KeyRole::HelpDesk => "Help Desk Administrator",
            KeyRole::SuperAdmin => "Super Administrator",
        }
    }
}

/// Why a credential cannot make a call, in words for the operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denial {
    NeedsScope(&'static str),
    NeedsSuperAdmin,
    NeedsOAuth,
}

impl Denial {
    pub fn explain(&self, op: Operation) -> String {
        match self {
            Denial::NeedsScope(scope) => format!(
                "To {} the OAuth client needs the `{scope}` permission. Ask a Super Administrator to grant it, then reconnect.",
                op.describe()
            ),
            Denial::NeedsSuperAdmin => format!(
                "To {} you need a Super Administrator key; this key has the Help Desk Administrator role.",
                op.describe()
            ),
            Denial::NeedsOAuth => format!(
                "To {} you need an OAuth API client with the `{}` permission: RSA does not accept legacy keys for it.",
                op.describe(),
                op.scope()
            ),
        }
    }
}

/// Legacy keys: role decides; local-user edits are OAuth only. Every help-desk API takes a key
/// of either role (§1.2, §11.1).
pub fn key_allows(role: KeyRole, op: Operation) -> Result<(), Denial> {
    match (role, op) {
        (_, Operation::UpdateLocalUser) => Err(Denial::NeedsOAuth),
        (KeyRole::HelpDesk, Operation::ChangeHighRisk | Operation::ReadHighRisk) => {
            Err(Denial::NeedsSuperAdmin)
        }
        _ => Ok(()),
    }
}

/// OAuth tokens: the scopes decide.
pub fn scopes_allow<'a>(scopes: impl IntoIterator<Item = &'a str> + Clone, op: Operation) -> Result<(), Denial> {
    let granted = |want: &str| scopes.clone().into_iter().any(|s| s == want);
    if !(granted(op.scope()) || op.alternative_scopes().iter().any(|s| granted(s))) {
        return Err(Denial::NeedsScope(op.scope()));
    }
    match op.also_required().iter().find(|s| !granted(s)) {
        Some(missing) => Err(Denial::NeedsScope(missing)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_desk_keys_cannot_touch_the_high_risk_list() {
        assert_eq!(key_allows(KeyRole::HelpDesk, Operation::ChangeHighRisk), Err(Denial::NeedsSuperAdmin));
        assert_eq!(key_allows(KeyRole::HelpDesk, Operation::SetUserStatus), Ok(()));
        assert_eq!(key_allows(KeyRole::SuperAdmin, Operation::ReadHighRisk), Ok(()));
        assert_eq!(key_allows(KeyRole::SuperAdmin, Operation::UpdateLocalUser), Err(Denial::NeedsOAuth));
    }

    #[test]
    fn scopes_decide_for_oauth() {
        let scopes = ["rsa.user.read", "rsa.user.local.manage"];
        assert_eq!(scopes_allow(scopes, Operation::Search), Ok(()));
        assert_eq!(scopes_allow(scopes, Operation::UpdateLocalUser), Ok(()));
        assert_eq!(
            scopes_allow(scopes, Operation::SetUserStatus),
            Err(Denial::NeedsScope("rsa.user.manage"))
        );
        assert!(Denial::NeedsScope("rsa.user.manage").explain(Operation::SetUserStatus).contains("rsa.user.manage"));
    }

    #[test]
    fn help_desk_apis_take_either_role_and_their_own_scopes() {
        const HELPDESK: [Operation; 9] = [
            Operation::ReadAuthLogs,
            Operation::ReadAuthenticators,
            Operation::ReadAuthenticatorsV2,
            Operation::DeleteAuthenticator,
            Operation::UnlockMethods,
            Operation::IssueEmergencyCode,
            Operation::DisableEmergencyCode,
            Operation::SyncUser,
            Operation::MarkDeleted,
        ];
        for op in HELPDESK {
            assert_eq!(key_allows(KeyRole::HelpDesk, op), Ok(()), "{op:?}");
            assert_eq!(key_allows(KeyRole::SuperAdmin, op), Ok(()), "{op:?}");
            assert_eq!(scopes_allow(["rsa.user.read"], op), Err(Denial::NeedsScope(op.scope())), "{op:?}");
            assert!(ALL_SCOPES.contains(&op.scope()));
            assert!(op.also_required().iter().all(|s| ALL_SCOPES.contains(s)));
            let all = ALL_SCOPES;
            assert_eq!(scopes_allow(all, op), Ok(()), "{op:?}");
        }
        assert_eq!(scopes_allow(["rsa.user.manage"], Operation::SyncUser), Ok(()));
        assert_eq!(
            scopes_allow(["rsa.authenticator.mobile.read", "rsa.authenticator.fido.read"], Operation::ReadAuthenticatorsV2),
            Err(Denial::NeedsScope("rsa.authenticator.sidtoken.read"))
        );
        assert_eq!(scopes_allow(["rsa.authenticator.mobile.read"], Operation::ReadAuthenticators), Ok(()));
        assert_eq!(scopes_allow(["rsa.authenticator.device.delete"], Operation::DeleteAuthenticator), Err(Denial::NeedsScope("rsa.authenticator.mobile.delete")));
    }
}
