//! The wire model of RSA's Cloud Administration API and every piece of the console's logic
//! that needs no browser: key files, JWT claims, error wording, CSV, search order, dates in
//! words, the help-desk call's diagnosis.
//!
//! Shared by the console (wasm) and the sandbox (native) so the two cannot drift.
//! It must never do I/O, read a clock or hold a credential beyond the call it was given.

pub mod access;
pub mod actionlog;
pub mod bulk;
pub mod csv;
pub mod error;
pub mod helpdesk;
pub mod high_risk;
pub mod jwk;
pub mod localuser;
pub mod jwt;
pub mod keyfile;
pub mod route;
pub mod search;
pub mod shortcuts;
pub mod when;
pub mod wire;
