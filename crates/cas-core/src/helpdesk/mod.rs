//! Wire types of the help-desk APIs beyond the seed pages (`../shared/api-notes-helpdesk.md`):
//! sign-in history, authenticators, unlock, emergency access, sync and mark-deleted; and the
//! help-desk call's pure logic: the history in words (`words`), "why can't this user sign
//! in?" (`diagnosis`), the ticket summary (`summary`) and these APIs' refusals in words
//! (`messages`).
//!
//! The same conventions as `wire`: responses are lenient where a field is informational
//! (`Option` with a default, unknown fields kept in `extra`), strict where it decides an
//! outcome; requests serialize exactly the documented body. No `Debug` prints a secret (the
//! emergency access code is one).

pub mod authenticators;
pub mod authlogs;
pub mod diagnosis;
pub mod emergency;
mod lenient;
pub mod mark_deleted;
pub mod messages;
pub mod summary;
pub mod sync;
pub mod unlock;
pub mod words;

pub use authenticators::{AppDevice, AuthenticatorsV1, AuthenticatorsV2, FidoToken, SidToken};
pub use authlogs::{event_info, AuthLogEntry, AuthLogQuery, EventInfo, EventKind, EventLevel, EVENT_CODES};
pub use emergency::{
    ConfigurationsUsed, EmergencyChoice, EmergencyCode, EmergencyCodeRequestV1, EmergencyCodeRequestV2, EmergencyCodeV2, EmergencyTokencode,
    ExpiryUnit, Validity,
};
pub use mark_deleted::{MarkDeletedRequest, MarkDeletedResponse};
pub use unlock::{UnlockMethod, UnlockRequest, UnlockResponse};
