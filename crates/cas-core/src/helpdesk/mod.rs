//! Wire types of the help-desk APIs beyond the seed pages (`../shared/api-notes-helpdesk.md`):
//! sign-in history, authenticators, unlock, emergency access, sync and mark-deleted.
//!
//! The same conventions as `wire`: responses are lenient where a field is informational
//! (`Option` with a default, unknown fields kept in `extra`), strict where it decides an
//! outcome; requests serialize exactly the documented body. No `Debug` prints a secret (the
//! emergency access code is one).

pub mod authenticators;
pub mod authlogs;
pub mod emergency;
mod lenient;
pub mod mark_deleted;
pub mod sync;
pub mod unlock;

pub use authenticators::{AppDevice, AuthenticatorsV1, AuthenticatorsV2, FidoToken, SidToken};
pub use authlogs::{event_info, AuthLogEntry, AuthLogQuery, EventInfo, EventKind, EventLevel, EVENT_CODES};
pub use emergency::{ConfigurationsUsed, EmergencyCode, EmergencyCodeRequestV1, EmergencyCodeRequestV2, EmergencyCodeV2, EmergencyTokencode, ExpiryUnit, Validity};
pub use mark_deleted::{MarkDeletedRequest, MarkDeletedResponse};
pub use unlock::{UnlockMethod, UnlockRequest, UnlockResponse};
