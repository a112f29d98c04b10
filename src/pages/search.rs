//! Find a user by a fragment of their email, as you type. The search and its page live in the
//! URL (`/?q=doe&page=2`): Back and Forward, a reload followed by reconnecting, and a link sent
//! to a colleague land on the same results. Only the newest query's answer is ever shown: a
//! newer one aborts the request of the one before.

use crate::api::{self, SearchResults};
use crate::session::use_session;
use crate::ui::{status_class, Note};
use cas_core::access::Operation;
use cas_core::error::{message, ApiError};
use cas_core::route::{path, search_path, Page};
use cas_core::search::DEBOUNCE_MS;
use cas_core::wire::User;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::time::Duration;

pub const PAGE_SIZE: u32 = 25;

#[component]
pub fn SearchPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let needle = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    // `page` in the URL counts from 1, the API from 0.
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1).max(1) - 1);

    // The box runs ahead of the URL while the debounce waits; Back and Forward bring the URL's
    // query back into it. `written` is the last query this page put in the URL itself.
    let typed = RwSignal::new(needle.get_untracked());
    let written = StoredValue::new(needle.get_untracked());
    Effect::new(move |_| {
        let q = needle.get();
        if written.with_value(|w| *w != q) {
            written.set_value(q.clone());
            typed.set(q);
        }
    });
    let go = {
        let navigate = navigate.clone();
        move |q: &str, p: u32, replace: bool| {
            written.set_value(q.to_string());
            navigate(&search_path(q, p), NavigateOptions { replace, scroll: false, ..NavigateOptions::default() });
        }
    };
    let debounce = StoredValue::new(None::<TimeoutHandle>);
    let on_input = {
        let go = go.clone();
        move |ev: ev::Event| {
            let q = event_target_value(&ev);
            typed.set(q.clone());
            if let Some(h) = debounce.try_update_value(Option::take).flatten() {
                h.clear();
            }
            let go = go.clone();
            // Typing replaces the history entry; only a new page of results adds one.
            let handle = set_timeout_with_handle(move || go(&q, 0, true), Duration::from_millis(DEBOUNCE_MS));
            debounce.set_value(handle.ok());
        }
    };
    on_cleanup(move || {
        if let Some(h) = debounce.try_update_value(Option::take).flatten() {
            h.clear();
        }
    });

    // A resource runs its requests one after the other, so the one a newer query (or page)
    // replaces is aborted here at once: the request in flight for another query than the
    // address's, never the one just started for it.
    let in_flight = StoredValue::new_local(None::<((String, u32), web_sys::AbortController)>);
    Effect::new(move |_| {
        let wanted = (needle.get(), page.get());
        if let Some((_, c)) = in_flight.try_update_value(|f| f.take_if(|(key, _)| *key != wanted)).flatten() {
            c.abort();
        }
    });
    // An answer carries the query and page it answers.
    let results = LocalResource::new(move || {
        let (q, p, s) = (needle.get(), page.get(), session.get_untracked());
        async move {
            let outcome = async {
                let Some(s) = s else { return Ok(None) };
                if q.trim().is_empty() {
                    return Ok(None);
                }
                let abort = api::abort_on_cleanup()?;
                in_flight.set_value(Some(((q.clone(), p), abort.clone())));
                api::search(&s, &q, p, PAGE_SIZE, Some(&abort)).await.map(Some)
            }
            .await;
            (q, p, outcome)
        }
    });

    let selected = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        results.track();
        selected.set(None);
    });
    // The answer shown is the one about the query in the box and the page in the address;
    // while the box holds something else (the debounce runs) or the answer for it is still
    // on its way, the page says it is searching and shows no other query's results.
    let current = move || {
        results.with(|r| match r {
            Some((q, p, _)) => typed.with(|t| t.trim() == q.trim()) && *p == page.get(),
            None => false,
        })
    };
    let answer = move || results.get().filter(|_| current()).map(|(q, _, outcome)| (q, outcome));
    let shown = move || match answer() {
        Some((_, Ok(Some(r)))) => r.users,
        _ => Vec::new(),
    };
    let input = NodeRef::<html::Input>::new();


    // The results are plain links: the arrow keys move the focus along them (from the box, down
    // into them; from the first, back up to the box), Enter opens the focused one, as any link.
    let focus_result = move |i: usize| {
        if let Some(el) = document().get_element_by_id(&format!("result-{i}")) {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    };
    let on_keydown = {
        let navigate = navigate.clone();
        let go = go.clone();
        move |ev: ev::KeyboardEvent| {
            // Escape empties the box and the results at once (no debounce), focus staying.
            if ev.key() == "Escape" && !typed.with_untracked(String::is_empty) {
                ev.prevent_default();
                if let Some(h) = debounce.try_update_value(Option::take).flatten() {
                    h.clear();
                }
                typed.set(String::new());
                go("", 0, true);
                return;
            }
            let list = shown();
            match ev.key().as_str() {
                "ArrowDown" if !list.is_empty() => {
                    ev.prevent_default();
                    focus_result(0);
                }
                "Enter" => {
                    if let Some(u) = list.first() {
                        ev.prevent_default();
                        navigate(&path(&Page::User(u.email_address.clone())), NavigateOptions::default());
                    }
                }
                _ => {}
            }
        }
    };
    let on_list_keydown = move |ev: ev::KeyboardEvent| {
        let Some(i) = selected.get_untracked() else { return };
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                focus_result((i + 1).min(shown().len().saturating_sub(1)));
            }
            "ArrowUp" if i == 0 => {
                ev.prevent_default();
                if let Some(b) = input.get_untracked() {
                    let _ = b.focus();
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                focus_result(i - 1);
            }
            _ => {}
        }
    };
    let loading = move || !matches!(answer(), Some((_, Ok(_) | Err(_)))) || matches!(answer(), Some((_, Err(ApiError::Aborted))));

    view! {
        <section class="search" aria-labelledby="search-title">
            <h1 id="search-title">"Find a user"</h1>
            <label for="search-box">"Email contains"</label>
            <input id="search-box" node_ref=input type="search" autocomplete="off" spellcheck="false" autofocus
                placeholder="part of an email address (/ comes here, Esc clears)" aria-keyshortcuts="/"
                aria-describedby="search-hint"
                prop:value=move || typed.get()
                on:input=on_input on:keydown=on_keydown/>
            <p class="hint" id="search-hint">"Literal text, no wildcards. The exact match comes first, then by email. Arrow down to the results; Enter opens one."</p>
            <p class="busy" role="status">{move || (loading() && !typed.get().trim().is_empty()).then_some("Searching…")}</p>
            {move || match answer() {
                None | Some((_, Ok(None) | Err(ApiError::Aborted))) => ().into_any(),
                Some((_, Err(e))) => view! { <Note message=message(&e, Some(Operation::Search))/> }.into_any(),
                Some((q, Ok(Some(r)))) if r.users.is_empty() => view! {
                    <p class="empty" data-test="no-results">{format!("No user\u{2019}s email contains \u{201c}{q}\u{201d}.")}</p>
                }.into_any(),
                Some((q, Ok(Some(r)))) => {
                    let go = go.clone();
                    view! { <div on:keydown=on_list_keydown><Results results=r selected=selected on_page=Callback::new(move |p| go(&q, p, false))/></div> }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Results(results: SearchResults, selected: RwSignal<Option<usize>>, on_page: Callback<u32>) -> impl IntoView {
    let total_pages = results.total_pages.unwrap_or(1).max(1);
    let current = results.page;
    let summary = match results.total {
        Some(t) => format!("{t} user{} found · page {} of {total_pages}", if t == 1 { "" } else { "s" }, current + 1),
        None => format!("{} users shown", results.users.len()),
    };
    let rows: Vec<(usize, User)> = results.users.into_iter().enumerate().collect();
    view! {
        <p class="summary" data-test="summary">{summary}</p>
        <ul id="results" class="results" aria-label="Users found">
            <For each=move || rows.clone() key=|(i, u)| (*i, u.id.clone()) let:row>
                <ResultRow user=row.1 index=row.0 selected=selected/>
            </For>
        </ul>
        {(total_pages > 1).then(|| view! {
            <nav class="pager" aria-label="Result pages">
                <button type="button" disabled={current == 0} on:click=move |_| on_page.run(current.saturating_sub(1))>"Previous page"</button>
                <button type="button" disabled={u64::from(current) + 1 >= total_pages} on:click=move |_| on_page.run(current + 1)>"Next page"</button>
            </nav>
        })}
    }
}

#[component]
fn ResultRow(user: User, index: usize, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let status = user.status().map(|s| s.to_string()).unwrap_or_else(|| "status unknown".into());
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
    let is_selected = move || selected.get() == Some(index);
    view! {
        <li class:selected=is_selected on:focusin=move |_| selected.set(Some(index)) on:focusout=move |_| selected.set(None)>
            <A href=path(&Page::User(user.email_address.clone())) attr:id=format!("result-{index}")>
                <span class="email">{user.email_address.clone()}</span>
                <span class="name">{if name.is_empty() { "(no name)".to_string() } else { name }}</span>
            </A>
            <span class=status_class(&status)>{status.clone()}</span>
            {(user.high_risk_user == Some(true)).then(|| view! { <span class="badge risk">"High risk"</span> })}
            <span class="source">{user.identity_source.clone().unwrap_or_default()}</span>
            {locks.into_iter().map(|l| view! { <span class="badge lock">{l}</span> }).collect_view()}
        </li>
    }
}

/// The route: search, in a wasm chunk of its own, loaded on the way to the page (the first
/// load is the shell and the connect screen; see ARCHITECTURE.md).
pub struct SearchRoute;

#[lazy_route]
impl LazyRoute for SearchRoute {
    fn data() -> Self {
        SearchRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SearchPage/> }.into_any()
    }
}
