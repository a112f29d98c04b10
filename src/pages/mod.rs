//! One module per page.

pub mod connect;
pub mod edit_user;
pub mod log;
pub mod search;
pub mod user;
