//! One module per page.

pub mod connect;
pub mod log;
pub mod search;
pub mod user;
