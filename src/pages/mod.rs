//! One module per page.

pub mod bulk;
pub mod connect;
pub mod edit_user;
pub mod high_risk;
pub mod log;
pub mod search;
pub mod user;
