//! The shell: routes, the header that says what the console is connected as, and the
//! connect screen in place of any page while nothing is connected (the URL is kept, so a
//! pasted deep link opens once the operator connects).

use crate::api::Activity;
use crate::pages::{connect::Connect, edit_user::EditUserPage, log::LogPage, search::{LastSearch, SearchPage}, user};
use crate::pages::{bulk::{self, Bulk}, high_risk};
use crate::router::{provide_router, use_page, Link};
use crate::session::{now_secs, use_session, SessionCtx};
use crate::ui::ActionLog;
use cas_core::jwt::time_left;
use leptos::prelude::*;
use cas_core::route::Page;
use std::time::Duration;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx(RwSignal::new_local(None));
    provide_context(session);
    provide_context(ActionLog(RwSignal::new(Vec::new())));
    let activity = Activity(RwSignal::new(None));
    activity.register();
    provide_context(activity);
    provide_context(LastSearch::new());
    provide_context(crate::ui::Flash(RwSignal::new(None)));
    provide_router();
    provide_context(Bulk::new());
    let connected = Memo::new(move |_| session.0.with(|s| s.is_some()));
    let page = use_page();

    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <Header/>
        <main id="main" tabindex="-1">
            {move || if !connected.get() {
                view! { <Connect/> }.into_any()
            } else {
                match page.get() {
                    Page::Search => view! { <SearchPage/> }.into_any(),
                    Page::User(email) => user::page(email),
                    Page::EditUser(email) => view! { <EditUserPage email=email/> }.into_any(),
                    Page::Log => view! { <LogPage/> }.into_any(),
                    Page::HighRiskList => high_risk::page(),
                    Page::BulkHighRisk => bulk::page(),
                    _ => view! { <p class="empty">"There is no page at this address. " <Link to=Page::Search>"Search users"</Link></p> }.into_any(),
                }
            }}
        </main>
    }
}

/// Ticks every few seconds so "time left" stays true.
fn clock() -> ReadSignal<u64> {
    let (now, set_now) = signal(now_secs());
    if let Ok(handle) = set_interval_with_handle(move || set_now.set(now_secs()), Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }
    now
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let log = expect_context::<ActionLog>();
    let Activity(activity) = expect_context::<Activity>();
    let now = clock();

    let status = move || {
        let s = session.get()?;
        s.changed.track();
        let left = match s.expires_at() {
            Some(exp) => time_left(exp, now.get()),
            None if s.can_renew() => "renewed as needed".to_string(),
            None => "expiry not known".to_string(),
        };
        Some(view! {
            <dl class="connection" aria-label="Connection">
                <div><dt>"Tenant"</dt><dd data-test="tenant">{s.tenant.clone()}</dd></div>
                <div><dt>"Credential"</dt><dd data-test="kind">{s.kind_label()}</dd></div>
                <div><dt>"Rights"</dt><dd data-test="rights">{s.rights_label()}</dd></div>
                <div><dt>"Token"</dt><dd data-test="time-left">{left}</dd></div>
            </dl>
            <button type="button" class="disconnect" on:click=move |_| session.disconnect()>"Disconnect"</button>
        })
    };

    view! {
        <header class="top">
            <div class="brand"><Link to=Page::Search>"CAS user console"</Link></div>
            <nav aria-label="Main">
                <Link to=Page::Search>"Search"</Link>
                <Link to=Page::HighRiskList>"High-risk list"</Link>
                <Link to=Page::Log>{move || format!("Action log ({})", log.0.with(Vec::len))}</Link>
            </nav>
            <div class="session">{status}</div>
        </header>
        <ExpiredToken/>
        <p class="activity" role="status" aria-live="polite">{move || activity.get()}</p>
    }
}

/// A pasted token the server called expired: ask for a fresh one without leaving the page.
#[component]
fn ExpiredToken() -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(String::new());
    let expired = move || {
        let s = session.get()?;
        s.changed.track();
        s.is_expired().then_some(s)
    };
    view! {
        {move || expired().map(|s2| {
            view! {
                <form class="note error expired" on:submit=move |ev| {
                    ev.prevent_default();
                    let t = text.get_untracked();
                    if !t.trim().is_empty() {
                        s2.replace_pasted(t.trim().to_string());
                        text.set(String::new());
                    }
                }>
                    <p class="what">"Your token has expired (403). The page stays as it is."</p>
                    <label>"Paste a fresh token, then repeat what you were doing "
                        <input type="password" autocomplete="off" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit">"Use this token"</button>
                    <button type="button" on:click=move |_| session.disconnect()>"Disconnect"</button>
                </form>
            }
        })}
    }
}
