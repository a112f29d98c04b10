//! `POST /v1/users/{userId}/sync` (notes §7, §11.19): no body ("Set Content-Length to zero"),
//! and the answer is the user's details after the synchronization, `lastSyncTime` updated.

/// The answer: User Details.
pub type SyncResponse = crate::wire::User;

/// The request body: none.
pub const SYNC_BODY: &str = "";
