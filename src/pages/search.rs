//! Find a user by a fragment of their email, as you type. Only the newest query's answer is
//! ever shown: older requests are aborted, and a late answer is dropped by its sequence number.

use crate::api::{self, Cancel, SearchResults};
use crate::session::use_session;
use crate::ui::Note;
use cas_core::access::Operation;
use cas_core::error::{message, ApiError, UserMessage};
use cas_core::wire::User;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::{navigate, Link};
use cas_core::route::Page;
use std::time::Duration;

const DEBOUNCE: Duration = Duration::from_millis(250);
pub const PAGE_SIZE: u32 = 25;

#[derive(Clone, PartialEq)]
enum Found {
    Nothing,
    Results { needle: String, results: SearchResults },
    Failed(UserMessage),
}

/// The last search, kept while the operator looks at a user and comes back.
#[derive(Clone, Copy)]
pub struct LastSearch {
    query: RwSignal<String>,
    page: RwSignal<u32>,
}

impl LastSearch {
    pub fn new() -> Self {
        LastSearch { query: RwSignal::new(String::new()), page: RwSignal::new(0) }
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let session = use_session();
    let LastSearch { query, page } = expect_context::<LastSearch>();
    let found = RwSignal::new(Found::Nothing);
    let loading = RwSignal::new(false);
    let selected = RwSignal::new(None::<usize>);
    let seq = StoredValue::new(0u64);
    let in_flight = StoredValue::new_local(None::<Cancel>);
    let input = NodeRef::<html::Input>::new();

    Effect::new(move |_| {
        let needle = query.get();
        let p = page.get();
        seq.update_value(|n| *n += 1);
        let mine = seq.get_value();
        selected.set(None);
        if needle.trim().is_empty() {
            in_flight.update_value(|c| if let Some(c) = c.take() { c.cancel() });
            loading.set(false);
            found.set(Found::Nothing);
            return;
        }
        set_timeout(
            move || {
                if seq.get_value() != mine {
                    return;
                }
                let Some(s) = session.get_untracked() else { return };
                let cancel = Cancel::new();
                in_flight.update_value(|c| {
                    if let Some(old) = std::mem::replace(c, cancel.clone()) {
                        old.cancel();
                    }
                });
                loading.set(true);
                spawn_local(async move {
                    let outcome = api::search(&s, &needle, p, PAGE_SIZE, cancel.as_ref()).await;
                    // A newer query owns the page now.
                    if seq.get_value() != mine {
                        return;
                    }
                    loading.set(false);
                    match outcome {
                        Ok(results) => found.set(Found::Results { needle, results }),
                        Err(ApiError::Aborted) => {}
                        Err(e) => found.set(Found::Failed(message(&e, Some(Operation::Search)))),
                    }
                });
            },
            DEBOUNCE,
        );
    });

    // `/` anywhere outside a text field jumps to the search box.
    let handle = window_event_listener(ev::keydown, move |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if !typing {
            if let Some(i) = input.get_untracked() {
                ev.prevent_default();
                let _ = i.focus();
            }
        }
    });
    on_cleanup(move || handle.remove());

    let users = move || match found.get() {
        Found::Results { results, .. } => results.users,
        _ => Vec::new(),
    };
    let on_keydown = {
        move |ev: ev::KeyboardEvent| {
            let list = users();
            if list.is_empty() {
                return;
            }
            let last = list.len() - 1;
            match ev.key().as_str() {
                "ArrowDown" => {
                    ev.prevent_default();
                    selected.update(|s| *s = Some(s.map_or(0, |i| (i + 1).min(last))));
                }
                "ArrowUp" => {
                    ev.prevent_default();
                    selected.update(|s| *s = Some(s.map_or(0, |i| i.saturating_sub(1))));
                }
                "Enter" => {
                    let pick = selected.get_untracked().unwrap_or(0);
                    if let Some(u) = list.get(pick) {
                        ev.prevent_default();
                        navigate(&Page::User(u.email_address.clone()));
                    }
                }
                _ => {}
            }
        }
    };

    view! {
        <section class="search" aria-labelledby="search-title">
            <h1 id="search-title">"Find a user"</h1>
            <label for="search-box">"Email contains"</label>
            <input id="search-box" node_ref=input type="search" autocomplete="off" spellcheck="false" autofocus
                placeholder="part of an email address (press / to come here)"
                role="combobox" aria-controls="results" aria-expanded=move || (!users().is_empty()).to_string()
                aria-activedescendant=move || selected.get().map(|i| format!("result-{i}")).unwrap_or_default()
                prop:value=move || query.get()
                on:input=move |ev| { query.set(event_target_value(&ev)); page.set(0); }
                on:keydown=on_keydown/>
            <p class="hint">"Literal text, no wildcards. The exact match comes first, then by email."</p>
            <p class="busy" role="status">{move || loading.get().then_some("Searching…")}</p>
            {move || match found.get() {
                Found::Nothing => ().into_any(),
                Found::Failed(m) => view! { <Note message=m/> }.into_any(),
                Found::Results { needle, results } if results.users.is_empty() => view! {
                    <p class="empty" data-test="no-results">{format!("No user\u{2019}s email contains \u{201c}{needle}\u{201d}.")}</p>
                }.into_any(),
                Found::Results { results, .. } => view! { <Results results=results selected=selected page=page/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Results(results: SearchResults, selected: RwSignal<Option<usize>>, page: RwSignal<u32>) -> impl IntoView {
    let total_pages = results.total_pages.unwrap_or(1);
    let summary = match results.total {
        Some(t) => format!("{t} user{} found · page {} of {}", if t == 1 { "" } else { "s" }, results.page + 1, total_pages.max(1)),
        None => format!("{} users shown", results.users.len()),
    };
    let current = results.page;
    view! {
        <p class="summary" data-test="summary">{summary}</p>
        <ul id="results" class="results" role="listbox" aria-label="Users found">
            {results.users.into_iter().enumerate().map(|(i, u)| view! { <ResultRow user=u index=i selected=selected/> }).collect_view()}
        </ul>
        {(total_pages > 1).then(|| view! {
            <nav class="pager" aria-label="Result pages">
                <button type="button" disabled={current == 0} on:click=move |_| page.set(current.saturating_sub(1))>"Previous page"</button>
                <button type="button" disabled={u64::from(current) + 1 >= total_pages} on:click=move |_| page.set(current + 1)>"Next page"</button>
            </nav>
        })}
    }
}

#[component]
fn ResultRow(user: User, index: usize, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let status = user.status().map(|s| s.to_string()).unwrap_or_else(|| "status unknown".into());
    let status_class = crate::ui::status_class(&status);
    let locks: Vec<&str> = [
        (user.is_token_locked, "Token locked"),
        (user.is_sms_locked, "SMS locked"),
        (user.is_voice_locked, "Voice locked"),
        (user.is_fingerprint_locked, "Fingerprint locked"),
        (user.is_approve_locked, "Approve locked"),
    ]
    .into_iter()
    .filter_map(|(flag, label)| (flag == Some(true)).then_some(label))
    .collect();
    let name = user.display_name();
    view! {
        <li id=format!("result-{index}") role="option" aria-selected=move || (selected.get() == Some(index)).to_string()
            class:selected=move || selected.get() == Some(index)>
            <Link to=Page::User(user.email_address.clone())>
                <span class="email">{user.email_address.clone()}</span>
                <span class="name">{if name.is_empty() { "(no name)".to_string() } else { name }}</span>
            </Link>
            <span class=status_class>{status}</span>
            {(user.high_risk_user == Some(true)).then(|| view! { <span class="badge risk">"High risk"</span> })}
            <span class="source">{user.identity_source.clone().unwrap_or_default()}</span>
            {locks.into_iter().map(|l| view! { <span class="badge lock">{l}</span> }).collect_view()}
        </li>
    }
}
