//! The high-risk list: everyone on it, filtered as you type, each row a link to the user.
//!
//! It stays smooth with tens of thousands of entries: only the rows in view exist in the page
//! (a virtual list: fixed row height in a scroll container, spacers above and below sized
//! through CSSOM, which the CSP allows where a `style` attribute would not be).
//!
//! Size matters here (200 KiB first load), so the parts that change as data streams in (rows,
//! counts, progress) are drawn with a few plain DOM calls (`draw_rows`, `el`) instead of
//! reactive view code, which costs far more wasm per closure. Leptos keeps the page structure
//! and the events. Everything is text (`set_text_content`): nothing from the server is parsed
//! as HTML.

use crate::api;
use crate::router::{navigate, Link};
use crate::session::use_session;
use crate::ui::Note;
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

/// An empty block `rows` rows high, sized through CSSOM.
fn spacer(parent: &Element, rows: usize) {
    if let Some(h) = el(parent, "div", "", "").and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = h.style().set_property("height", &format!("{}px", rows * ROW_PX));
    }
}

/// A virtual list's scroll container: a header row of `columns`, then the rows `draw_rows`
/// puts there. Links inside go through the app's router.
pub fn virtual_list(node_ref: NodeRef<html::Div>, label: &'static str, columns: &'static [&'static str], class: &'static str, on_scroll: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class=format!("vlist {class}") role="table" aria-label=label node_ref=node_ref tabindex="0"
            on:scroll=move |_| on_scroll() on:click=follow_link>
            <div class="vrow vhead" role="row">
                {columns.iter().map(|c| view! { <span role="columnheader">{*c}</span> }).collect_view()}
            </div>
            <div></div>
        </div>
    }
}

/// Draws the rows of `list` (from `virtual_list`) now in view: row `i` of `len` is `row(i)`.
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

/// A plain click on a link drawn by `draw_rows` navigates in place (like `router::Link`).
fn follow_link(ev: leptos::ev::MouseEvent) {
    if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
        return;
    }
    let link = ev.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|e| e.closest("a[href]").ok().flatten());
    if let Some(href) = link.and_then(|a| a.get_attribute("href")) {
        ev.prevent_default();
        navigate(&route::parse(&href));
    }
}

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

    fn summary(&self) -> String {
        let total = self.entries.len();
        let s = if total == 1 { "" } else { "s" };
        if self.filter.trim().is_empty() {
            format!("{total} user{s} on the high-risk list")
        } else {
            format!("{} of {total} user{s} match", self.shown.len())
        }
    }

    fn draw(&self, list: &Element) {
        if let Some(count) = list.previous_element_sibling() {
            count.set_text_content(Some(&self.summary()));
        }
        draw_rows(list, self.shown.len(), &|i| {
            let e = self.shown.get(i).and_then(|j| self.entries.get(*j as usize)).cloned().unwrap_or_default();
            vec![Cell { text: e.email, link: true, class: "" }, Cell::text(e.primary_username), Cell::text(e.alternate_username)]
        });
    }
}

pub fn page() -> AnyView {
    let session = use_session();
    let data = StoredValue::new(Listed::default());
    // 0 loading, 1 loaded, 2 a problem (in `data`).
    let phase = RwSignal::new(0u32);
    let reload = RwSignal::new(0u32);
    let list = NodeRef::<html::Div>::new();
    let alive = crate::ui::alive();
    let draw = move || {
        if let Some(l) = list.get_untracked() {
            data.with_value(|d| d.draw(&l));
        }
    };

    Effect::new(move |_| {
        reload.track();
        let Some(s) = session.get_untracked() else { return };
        if let Err(d) = s.allows(Operation::ReadHighRisk) {
            let why = UserMessage::new(d.explain(Operation::ReadHighRisk), "Reconnect with a credential that may read the list.");
            data.update_value(|l| l.problem = Some(why));
            phase.set(2);
            return;
        }
        phase.set(0);
        let alive = alive.clone();
        spawn_local(async move {
            let outcome = api::high_risk_list(&s, None).await;
            if !alive.get() {
                return;
            }
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
                Err(e) => l.problem = Some(message(&e, Some(Operation::ReadHighRisk))),
            });
            phase.set(if data.with_value(|l| l.problem.is_some()) { 2 } else { 1 });
        });
    });
    // Draws once the list is in the page (and again after each load).
    Effect::new(move |_| {
        if list.get().is_some() {
            draw();
        }
    });

    let on_filter = move |ev| {
        let text = event_target_value(&ev);
        data.update_value(|l| {
            l.filter = text;
            l.refilter();
        });
        if let Some(l) = list.get_untracked() {
            l.set_scroll_top(0);
        }
        draw();
    };

    view! {
        <section class="high-risk" aria-labelledby="hr-title">
            <div class="title-row">
                <h1 id="hr-title">"High-risk users"</h1>
                <Link to=Page::BulkHighRisk>"Add or remove many…"</Link>
                <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"Reload"</button>
            </div>
            <p class="hint">"Access policies for high-risk users apply to everyone listed here. Open a user to take them off the list one by one."</p>
            {move || match phase.get() {
                0 => view! { <p class="busy" role="status">"Loading the high-risk list…"</p> }.into_any(),
                2 => view! { <div data-test="list-problem"><Note message=data.with_value(|l| l.problem.clone()).unwrap_or_else(|| UserMessage::new("", ""))/></div> }.into_any(),
                _ => view! {
                    <label for="hr-filter">"Filter"</label>
                    <input id="hr-filter" type="search" autocomplete="off" spellcheck="false" placeholder="part of an email, primary or alternate username"
                        prop:value=data.with_value(|l| l.filter.clone()) on:input=on_filter/>
                    <p class="summary" role="status" data-test="hr-count"></p>
                    {virtual_list(list, "High-risk users", &["Email", "Primary username", "Alternate username"], "hr-cols", draw)}
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}
