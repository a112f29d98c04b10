//! The high-risk list: everyone on it, filtered as you type, each row a link to the user. It
//! stays smooth with tens of thousands of entries (`VirtualList`).

use crate::api;
use crate::session::use_session;
use crate::ui::Note;
use crate::virtual_list::VirtualList;
use cas_core::access::Operation;
use cas_core::error::{message, UserMessage};
use cas_core::route::{path, Page};
use cas_core::wire::HighRiskEntry;
use leptos::html;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use leptos_router::components::A;
use std::sync::Arc;

#[component]
pub fn HighRiskPage() -> impl IntoView {
    let session = use_session();
    let list = LocalResource::new(move || {
        let s = session.get_untracked();
        async move {
            let s = s.ok_or_else(|| UserMessage::new("Not connected.", "Connect first."))?;
            if let Err(d) = s.allows(Operation::ReadHighRisk) {
                return Err(UserMessage::new(d.explain(Operation::ReadHighRisk), "Reconnect with a credential that may read the list."));
            }
            let abort = api::abort_on_cleanup().map_err(|e| message(&e, None))?;
            api::high_risk_list(&s, Some(&abort)).await.map_err(|e| message(&e, Some(Operation::ReadHighRisk)))
        }
    });
    view! {
        <section class="high-risk" aria-labelledby="hr-title">
            <div class="title-row">
                <h1 id="hr-title">"High-risk users"</h1>
                <A href=path(&Page::BulkHighRisk)>"Add or remove many…"</A>
                <button type="button" on:click=move |_| list.refetch()>"Reload"</button>
            </div>
            <p class="hint">"Access policies for high-risk users apply to everyone listed here. Open a user to take them off the list one by one."</p>
            {move || match list.get() {
                None => view! { <p class="busy" role="status">"Loading the high-risk list…"</p> }.into_any(),
                Some(Ok(entries)) => view! { <Listed entries=entries/> }.into_any(),
                Some(Err(m)) => view! { <Note message=m test="list-problem"/> }.into_any(),
            }}
        </section>
    }
}

/// The list as loaded, with what the filter searches: lowercased once per load.
struct Loaded {
    entries: Vec<HighRiskEntry>,
    haystack: Vec<String>,
}

#[component]
fn Listed(entries: Vec<HighRiskEntry>) -> impl IntoView {
    let haystack = entries.iter().map(|e| format!("{}\n{}\n{}", e.email, e.primary_username, e.alternate_username).to_lowercase()).collect();
    let loaded = Arc::new(Loaded { entries, haystack });
    let filter = RwSignal::new(String::new());
    let shown = Memo::new({
        let loaded = loaded.clone();
        move |_| {
            let needle = filter.read().trim().to_lowercase();
            (0..loaded.haystack.len() as u32).filter(|i| loaded.haystack[*i as usize].contains(&needle)).collect::<Vec<u32>>()
        }
    });
    let total = loaded.entries.len();
    let count = move || {
        let s = if total == 1 { "" } else { "s" };
        if filter.read().trim().is_empty() {
            format!("{total} user{s} on the high-risk list")
        } else {
            format!("{} of {total} user{s} match", shown.read().len())
        }
    };
    let scroller = NodeRef::<html::Div>::new();
    let on_input = move |ev: leptos::ev::Event| {
        if let Some(list) = scroller.get_untracked() {
            list.set_scroll_top(0);
        }
        filter.set(event_target_value(&ev));
    };
    let entry = move |i: usize| shown.with(|s| s.get(i).copied());
    let key = Callback::new(move |i: usize| entry(i).map(|k| k.to_string()).unwrap_or_default());
    let row = Callback::new(move |i: usize| {
        let e = entry(i).and_then(|k| loaded.entries.get(k as usize)).cloned().unwrap_or_default();
        view! {
            <span role="cell"><A href=path(&Page::User(e.email.clone()))>{e.email}</A></span>
            <span role="cell">{e.primary_username}</span>
            <span role="cell">{e.alternate_username}</span>
        }
        .into_any()
    });
    view! {
        <label for="hr-filter">"Filter"</label>
        <input id="hr-filter" type="search" autocomplete="off" spellcheck="false" placeholder="part of an email, primary or alternate username"
            prop:value=move || filter.get() on:input=on_input/>
        <p id="hr-count" class="summary" role="status" data-test="hr-count">{count}</p>
        <VirtualList class="hr-cols" label="High-risk users" columns=&["Email", "Primary username", "Alternate username"]
            len=Signal::derive(move || shown.read().len()) key=key row=row scroller=scroller/>
    }
}

/// The route: the high-risk list, in a wasm chunk of its own, loaded on the way to the page (the first
/// load is the shell and the connect screen; see ARCHITECTURE.md).
pub struct HighRiskRoute;

#[lazy_route]
impl LazyRoute for HighRiskRoute {
    fn data() -> Self {
        HighRiskRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <HighRiskPage/> }.into_any()
    }
}
