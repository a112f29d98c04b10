//! Pages drawn the plain way (the high-risk list, bulk changes, a user): a constant skeleton
//! (fixed markup, never any data) set once, events delegated to its root, and the parts that
//! change drawn with a few DOM calls. Reactive view code costs far more wasm than this does,
//! and the whole console must load in 200 KiB. Everything from the server goes in as text
//! (`set_text_content`) or an attribute value, never as markup.

use crate::router::navigate;
use cas_core::route;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDivElement};

/// A drawn page's root while it is on screen: async work checks it before drawing on a page
/// the operator has left.
pub fn on_screen(root: NodeRef<html::Div>) -> Option<HtmlDivElement> {
    root.get_untracked().filter(|r| r.is_connected())
}

/// Appends a new `tag` element to `parent`, with `class` and text when not empty.
pub fn el(parent: &Element, tag: &str, class: &str, text: &str) -> Option<Element> {
    let e = parent.owner_document()?.create_element(tag).ok()?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    parent.append_child(&e).ok()?;
    Some(e)
}

/// Sets attributes; none of ours can fail.
pub fn attrs(e: &Element, pairs: &[(&str, &str)]) {
    for (k, v) in pairs {
        let _ = e.set_attribute(k, v);
    }
}

/// The element with this id inside `root`.
pub fn part(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("#{id}")).ok().flatten()
}

/// The element an event happened on, or its closest ancestor matching `selector`.
pub fn closest(ev: &web_sys::Event, selector: &str) -> Option<Element> {
    ev.target()?.dyn_into::<Element>().ok()?.closest(selector).ok()?
}

/// A `div` holding "what happened" and "what to do next", like `ui::Note`.
pub fn note(root: &Element, class: &str, what: &str, next: &str) -> Option<Element> {
    let n = el(root, "div", class, "")?;
    el(&n, "p", "what", what);
    if !next.is_empty() {
        el(&n, "p", "next", next);
    }
    Some(n)
}

/// A plain click on a link inside a drawn page navigates in place (like `router::Link`).
pub fn follow_link(ev: &web_sys::MouseEvent) {
    if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
        return;
    }
    if let Some(href) = closest(ev, "a[href]").and_then(|a| a.get_attribute("href")) {
        ev.prevent_default();
        navigate(&route::parse(&href));
    }
}
