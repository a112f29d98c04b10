//! Integration tests: the real binary, raw HTTP, literal JSON from RSA's pages.

mod common;

mod auth;
mod authlogs;
mod bad_input;
mod faithfulness;
mod devices;
mod emergency;
mod faults;
mod highrisk;
mod lifecycle;
mod lookup;
mod oauth;
mod permissions;
mod persistence;
mod routes;
mod search;
mod status;
mod unlock;
mod update;
