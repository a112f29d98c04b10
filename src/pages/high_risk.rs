//! The high-risk list: everyone on it, filtered as you type, each row a link to the user.
//!
//! It stays smooth with tens of thousands of entries: only the rows in view exist in the page
//! (a virtual list: fixed row height in a scroll container, spacers above and below sized
//! through CSSOM, which the CSP allows where a `style` attribute would not be).
//!
//! Drawn the plain way (see `dom`).

use crate::api;
use crate::dom::{attrs, closest, el, follow_link, note, on_screen, part};
use crate::session::use_session;
use cas_core::access::Operation;
use cas_core::error::{message, UserMessage};
use cas_core::route::{self, Page};
use cas_core::wire::HighRiskEntry;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Height of one row in pixels: `.vrow` in style/main.css says the same.
pub const ROW_PX: usize = 30;
/// Rows in view (`.vlist` is this many rows high, its header included) and rows drawn beyond
/// them each way.
const IN_VIEW: usize = 19;
const OVERSCAN: usize = 6;

/// One cell of a virtual list's row.
pub struct Cell {
    pub text: String,
    /// The text is an email: the cell links to that user's page.
    pub link: bool,
    pub class: &'static str,
}

impl Cell {
    pub fn text(text: String) -> Cell {
        Cell { text, link: false, class: "" }
    }
}

/// Markup of an empty virtual list (fixed text only) for a skeleton.
pub fn vlist_markup(id: &str, class: &str, label: &str, columns: &[&str]) -> String {
    let heads: String = columns.iter().map(|c| format!("<span role=\"columnheader\">{c}</span>")).collect();
    format!("<div id=\"{id}\" class=\"vlist {class}\" role=\"table\" aria-label=\"{label}\" tabindex=\"0\"><div class=\"vrow vhead\" role=\"row\">{heads}</div><div></div></div>")
}

/// An empty block `rows` rows high, sized through CSSOM.
fn spacer(parent: &Element, rows: usize) {
    if let Some(h) = el(parent, "div", "", "").and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = h.style().set_property("height", &format!("{}px", rows * ROW_PX));
    }
}

/// Draws the rows of `list` (from `vlist_markup`) now in view: row `i` of `len` is `row(i)`.
pub fn draw_rows(list: &Element, len: usize, row: &dyn Fn(usize) -> Vec<Cell>) {
    let Some(body) = list.last_element_child() else { return };
    // Read before emptying: an empty list has nothing to scroll, and the position would be lost.
    let first = list.scroll_top().max(0) as usize / ROW_PX;
    body.set_text_content(None);
    let (start, end) = (first.saturating_sub(OVERSCAN).min(len), (first + IN_VIEW + OVERSCAN).min(len));
    spacer(&body, start);
    for i in start..end {
        let Some(r) = el(&body, "div", "vrow", "") else { return };
        attrs(&r, &[("role", "row")]);
        for c in row(i) {
            let Some(cell) = el(&r, "span", c.class, if c.link { "" } else { &c.text }) else { return };
            attrs(&cell, &[("role", "cell")]);
            if c.link {
                if let Some(a) = el(&cell, "a", "", &c.text) {
                    attrs(&a, &[("href", &route::path(&Page::User(c.text)))]);
                }
            }
        }
    }
    spacer(&body, len - end);
}

const SKELETON: &str = concat!(
    r#"<div class="title-row"><h1 id="hr-title">High-risk users</h1><a href="/high-risk/bulk">Add or remove many…</a>"#,
    r#"<button type="button" data-act="reload">Reload</button></div>"#,
    r#"<p class="hint">Access policies for high-risk users apply to everyone listed here. Open a user to take them off the list one by one.</p>"#,
    r#"<div id="hr-body"><p class="busy" role="status">Loading the high-risk list…</p></div>"#,
);

const READY: &str = concat!(
    r#"<label for="hr-filter">Filter</label><input id="hr-filter" type="search" autocomplete="off" spellcheck="false" "#,
    r#"placeholder="part of an email, primary or alternate username"><p id="hr-count" class="summary" role="status" data-test="hr-count"></p>"#,
);

/// The list as loaded, what the filter searches (lowercased once per load), and what it shows.
#[derive(Default)]
struct Listed {
    entries: Vec<HighRiskEntry>,
    haystack: Vec<String>,
    shown: Vec<u32>,
    filter: String,
    /// Why there is no list (refused, failed).
    problem: Option<UserMessage>,
}

impl Listed {
    fn refilter(&mut self) {
        let needle = self.filter.trim().to_ascii_lowercase();
        self.shown = (0..self.haystack.len() as u32).filter(|i| self.haystack[*i as usize].contains(&needle)).collect();
    }

    /// The body after a load: the problem, or the filter, the count and the list.
    fn draw_body(&self, root: &Element) {
        let Some(body) = part(root, "hr-body") else { return };
        if let Some(m) = &self.problem {
            body.set_text_content(None);
            if let Some(n) = note(&body, "note error", &m.what, &m.next) {
                attrs(&n, &[("role", "alert"), ("data-test", "list-problem")]);
            }
            return;
        }
        body.set_inner_html(&format!("{READY}{}", vlist_markup("hr-list", "hr-cols", "High-risk users", &["Email", "Primary username", "Alternate username"])));
        if let Some(f) = part(root, "hr-filter") {
            let _ = js_sys::Reflect::set(&f, &"value".into(), &self.filter.as_str().into());
        }
        self.draw_list(root);
    }

    fn draw_list(&self, root: &Element) {
        let total = self.entries.len();
        let s = if total == 1 { "" } else { "s" };
        let count = if self.filter.trim().is_empty() {
            format!("{total} user{s} on the high-risk list")
        } else {
            format!("{} of {total} user{s} match", self.shown.len())
        };
        if let Some(c) = part(root, "hr-count") {
            c.set_text_content(Some(&count));
        }
        if let Some(list) = part(root, "hr-list") {
            draw_rows(&list, self.shown.len(), &|i| {
                let e = self.shown.get(i).and_then(|j| self.entries.get(*j as usize)).cloned().unwrap_or_default();
                vec![Cell { text: e.email, link: true, class: "" }, Cell::text(e.primary_username), Cell::text(e.alternate_username)]
            });
        }
    }
}

pub fn page() -> AnyView {
    let session = use_session();
    let data = StoredValue::new(Listed::default());
    let root = NodeRef::<html::Div>::new();
    let live = move || on_screen(root);

    let load = move || {
        let Some(s) = session.get_untracked() else { return };
        if let Some(body) = live().and_then(|r| part(&r, "hr-body")) {
            body.set_inner_html(r#"<p class="busy" role="status">Loading the high-risk list…</p>"#);
        }
        spawn_local(async move {
            let outcome = match s.allows(Operation::ReadHighRisk) {
                Err(d) => Err(UserMessage::new(d.explain(Operation::ReadHighRisk), "Reconnect with a credential that may read the list.")),
                Ok(()) => api::high_risk_list(&s, None).await.map_err(|e| message(&e, Some(Operation::ReadHighRisk))),
            };
            data.update_value(|l| match outcome {
                Ok(entries) => {
                    l.haystack = entries
                        .iter()
                        .map(|e| format!("{}\n{}\n{}", e.email, e.primary_username, e.alternate_username).to_ascii_lowercase())
                        .collect();
                    l.entries = entries;
                    l.problem = None;
                    l.refilter();
                }
                Err(m) => l.problem = Some(m),
            });
            // The operator may have moved on to another page meanwhile.
            if let Some(r) = live() {
                data.with_value(|l| l.draw_body(&r));
            }
        });
    };
    load();

    let on_click = move |ev: leptos::ev::MouseEvent| {
        if closest(&ev, "[data-act=reload]").is_some() {
            load();
        } else {
            follow_link(&ev);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let Some(r) = live() else { return };
        let text = event_target_value(&ev);
        if let Some(list) = part(&r, "hr-list") {
            list.set_scroll_top(0);
        }
        data.update_value(|l| {
            l.filter = text;
            l.refilter();
            l.draw_list(&r);
        });
    };
    let on_scroll = move |_| {
        if let Some(r) = live() {
            data.with_value(|l| l.draw_list(&r));
        }
    };

    view! {
        <section class="high-risk" aria-labelledby="hr-title">
            <div node_ref=root on:click=on_click on:input=on_input on:scroll:capture=on_scroll inner_html=SKELETON></div>
        </section>
    }
    .into_any()
}
