//! cas-sandbox: a local, single-tenant emulator of RSA's Cloud Administration API, for the
//! console's tests, demos and benchmarks. Not an authorization server: loopback only.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod control;
pub mod faults;
pub mod gen;
pub mod keys;
pub mod reqlog;
pub mod seeded;
pub mod server;
pub mod store;
pub mod clock;
pub mod update;
