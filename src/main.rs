//! The CAS user console: a help-desk operator's view of RSA ID Plus users, talking to the
//! Cloud Administration API through a same-origin proxy.
//!
//! This crate is glue: fetch, WebCrypto and the DOM. Logic lives in `cas-core`.
//! It must never persist a credential: no storage API, no URL, no log line holds one. The one
//! thing it stores is the theme the operator picked with the header's switch (`theme.rs`).

mod api;
mod app;
mod crypto;
mod pages;
mod session;
mod shortcuts;
mod theme;
mod ui;
mod virtual_list;

// Talc in place of Rust's default dlmalloc: several KiB less wasm, and faster.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    leptos::mount::mount_to_body(app::App);
}
