//! Integration tests: the real binary, raw HTTP, literal JSON from RSA's pages.

mod common;

mod auth;
mod bad_input;
mod faithfulness;
mod faults;
mod highrisk;
mod lookup;
mod oauth;
mod persistence;
mod routes;
mod search;
mod status;
mod update;
