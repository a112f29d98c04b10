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
}

impl Operation {
    pub fn scope(self) -> &'static str {
        match self {
            Operation::Lookup | Operation::Search => "rsa.user.read",
            Operation::SetUserStatus => "rsa.user.manage",
            Operation::ChangeHighRisk => "rsa.user.risky.manage",
            Operation::ReadHighRisk => "rsa.user.risky.read",
            Operation::UpdateLocalUser => "rsa.group.users.manage",
        }
    }

    /// Other scopes seen to grant the same call (unconfirmed, accepted too).
    pub fn alternative_scopes(self) -> &'static [&'static str] {
        match self {
            Operation::UpdateLocalUser => &["rsa.user.local.manage"],
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
        }
    }
}

/// Every scope the console asks for when it connects with an OAuth client.
pub const ALL_SCOPES: [&str; 5] = [
    "rsa.user.read",
    "rsa.user.manage",
    "rsa.user.risky.manage",
    "rsa.user.risky.read",
    "rsa.group.users.manage",
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

/// Legacy keys: role decides; local-user edits are OAuth only.
pub fn key_allows(role: KeyRole, op: Operation) -> Result<(), Denial> {
    match (role, op) {
        (_, Operation::UpdateLocalUser) => Err(Denial::NeedsOAuth),
        (KeyRole::HelpDesk, Operation::ChangeHighRisk | Operation::ReadHighRisk) => {
            Err(Denial::NeedsSuperAdmin)
        }
        _ => Ok(()),
    }
}

/// OAuth tokens: the scope decides.
pub fn scopes_allow<'a>(scopes: impl IntoIterator<Item = &'a str> + Clone, op: Operation) -> Result<(), Denial> {
    let granted = |want: &str| scopes.clone().into_iter().any(|s| s == want);
    if granted(op.scope()) || op.alternative_scopes().iter().any(|s| granted(s)) {
        Ok(())
    } else {
        Err(Denial::NeedsScope(op.scope()))
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
}
