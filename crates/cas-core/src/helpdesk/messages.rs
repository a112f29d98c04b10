//! The help-desk APIs' own failures in words: the cases `error::message` cannot word without
//! knowing which call it was (a mark-deleted 409 has three causes, its 405 means a SCIM
//! source, a delete's 404 means the device went first). Everything else is `error::message`.

use crate::access::Operation;
use crate::error::{message, ApiError, UserMessage};

/// `PUT markDeleted` failed; `marking` is what was asked (true: mark, false: take back).
pub fn mark_deleted(e: &ApiError, marking: bool) -> UserMessage {
    match e {
        ApiError::Conflict { detail } => {
            let said = detail.to_ascii_lowercase();
            if !marking {
                UserMessage::new(
                    "The user is not pending deletion, so there is no deletion to take back (409).",
                    "Someone may have taken it back already: reload the user to see their state.",
                )
            } else if said.contains("already") || said.contains("pending") {
                UserMessage::new(
                    "The user is already marked for deletion (409).",
                    "Someone else may have marked them meanwhile: reload the user to see how many days are left.",
                )
            } else if said.contains("enabled") {
                UserMessage::new(
                    "An enabled user cannot be marked for deletion (409).",
                    "Disable the user first, then mark them for deletion.",
                )
            } else {
                UserMessage::new(
                    "The server refused to mark the user for deletion because of their state (409): only a disabled user not yet pending deletion can be marked.",
                    "Reload the user to see their state.",
                )
            }
        }
        ApiError::Unexpected { status: 405, .. } => UserMessage::new(
            "Users of a SCIM-managed identity source (such as Azure Active Directory through SCIM) cannot be marked for deletion here (405).",
            "Delete or deprovision the user in the identity source; SCIM removes them from CAS.",
        ),
        ApiError::NotFound { .. } => UserMessage::new(
            "CAS no longer has this user (404): they may have been deleted already.",
            "Search for them again.",
        ),
        _ => message(e, Some(Operation::MarkDeleted)),
    }
}

/// `DELETE devices/{deviceId}` failed.
pub fn delete_authenticator(e: &ApiError) -> UserMessage {
    match e {
        ApiError::NotFound { .. } => UserMessage::new(
            "The server does not have this authenticator for this user (404): it may have been deleted already.",
            "The list is read again: check what is there now.",
        ),
        _ => message(e, Some(Operation::DeleteAuthenticator)),
    }
}

/// `POST sync` failed.
pub fn sync(e: &ApiError) -> UserMessage {
    match e {
        ApiError::NotFound { .. } => UserMessage::new(
            "CAS does not have this user (404), so there is nothing to synchronize.",
            "Search for them again; a user not yet synchronized is found with \u{201c}Search the identity source\u{201d}.",
        ),
        _ => message(e, Some(Operation::SyncUser)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_deleted_refusal_is_worded() {
        let conflict = |d: &str| ApiError::Conflict { detail: d.into() };
        assert!(mark_deleted(&conflict("User x is already pending deletion."), true).what.contains("already marked"));
        assert!(mark_deleted(&conflict("User x is enabled: disable the user before marking it for deletion."), true).next.contains("Disable the user first"));
        assert!(mark_deleted(&conflict("User x is not pending deletion."), false).what.contains("no deletion to take back"));
        assert!(mark_deleted(&conflict(""), true).what.contains("only a disabled user"));
        let scim = ApiError::Unexpected { status: 405, detail: "The method you are using is not allowed".into() };
        assert!(mark_deleted(&scim, true).what.contains("SCIM"));
        assert!(mark_deleted(&ApiError::NotFound { detail: String::new() }, false).what.contains("404"));
        assert!(mark_deleted(&ApiError::Network, true).what.contains("network"));
    }

    #[test]
    fn a_gone_device_and_an_unknown_user() {
        assert!(delete_authenticator(&ApiError::NotFound { detail: "User and/or device is not found.".into() }).what.contains("deleted already"));
        assert!(sync(&ApiError::NotFound { detail: String::new() }).what.contains("nothing to synchronize"));
        let refused = ApiError::Forbidden { why: crate::error::Forbidden::Refused, detail: String::new() };
        assert!(sync(&refused).what.contains("rsa.user.sync"));
    }
}
