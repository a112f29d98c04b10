//! The shell: routes, the header that says what the console is connected as, and the
//! connect screen in place of any page while nothing is connected (the URL is kept, so a
//! pasted deep link, or a search in the address bar, opens once the operator connects).

use crate::pages::bulk::{BulkJobs, BulkRoute};
use crate::pages::connect::Connect;
use crate::pages::edit_user::EditUserRoute;
use crate::pages::high_risk::HighRiskRoute;
use crate::pages::log::LogRoute;
use crate::pages::search::SearchRoute;
use crate::pages::user::UserRoute;
use crate::session::{now_secs, use_session, SessionCtx};
use crate::shortcuts::{preload_help, Keyboard, ShortcutHelp};
use crate::theme::ThemeSwitch;
use crate::ui::{ActionLog, Flash};
use cas_core::jwt::time_left;
use cas_core::route::{path, Page};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos::task::spawn_local;
use leptos_router::{path, Lazy, LazyRoute};
use std::time::Duration;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx(RwSignal::new_local(None));
    provide_context(session);
    provide_context(ActionLog(RwSignal::new(Vec::new())));
    provide_context(Flash(RwSignal::new(None)));
    provide_context(BulkJobs::new());
    let connected = Memo::new(move |_| session.0.with(Option::is_some));
    // The first screen is up: the pages' chunks are fetched in the background now, so a page
    // opened after connecting does not wait for its code. Only the shell and the connect
    // screen are the first load (xtask/src/split.rs).
    Effect::new(move |_| {
        spawn_local(SearchRoute::preload());
        spawn_local(UserRoute::preload());
        spawn_local(EditUserRoute::preload());
        spawn_local(HighRiskRoute::preload());
        spawn_local(BulkRoute::preload());
        spawn_local(LogRoute::preload());
        spawn_local(preload_help());
    });

    let help = RwSignal::new(false);

    view! {
        <Router>
            <Keyboard connected=connected help=help/>
            <a class="skip" href="#main">"Skip to content"</a>
            <Header help=help/>
            <main id="main" tabindex="-1">
                <Show when=move || connected.get() fallback=|| view! { <Connect/> }>
                    <Routes fallback=|| view! { <NoPage/> }>
                        <Route path=path!("/") view={Lazy::<SearchRoute>::new()}/>
                        <Route path=path!("/users/:email") view={Lazy::<UserRoute>::new()}/>
                        <Route path=path!("/users/:email/edit") view={Lazy::<EditUserRoute>::new()}/>
                        <Route path=path!("/high-risk") view={Lazy::<HighRiskRoute>::new()}/>
                        <Route path=path!("/high-risk/bulk") view={Lazy::<BulkRoute>::new()}/>
                        <Route path=path!("/log") view={Lazy::<LogRoute>::new()}/>
                    </Routes>
                </Show>
            </main>
            <ShortcutHelp open=help/>
        </Router>
    }
}

#[component]
fn NoPage() -> impl IntoView {
    view! { <p class="empty">"There is no page at this address. " <A href=path(&Page::Search)>"Search users"</A></p> }
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
fn Header(help: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    let log = expect_context::<ActionLog>();
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
    let waiting = move || session.get().and_then(|s| s.waiting.get());

    view! {
        <header class="top">
            <div class="brand"><A href=path(&Page::Search)>"CAS user console"</A></div>
            <nav aria-label="Main">
                <A href=path(&Page::Search) exact=true attr:aria-keyshortcuts="/">"Search"</A>
                <A href=path(&Page::HighRiskList) exact=true attr:aria-keyshortcuts="h">"High-risk list"</A>
                <A href=path(&Page::Log) attr:aria-keyshortcuts="l">{move || format!("Action log ({})", log.0.with(Vec::len))}</A>
            </nav>
            <div class="session">{status}</div>
            <div class="tools">
                <button type="button" aria-keyshortcuts="?" aria-haspopup="dialog" data-test="shortcuts" on:click=move |_| help.set(true)>"Shortcuts"</button>
                <ThemeSwitch/>
            </div>
        </header>
        <ExpiredToken/>
        <p class="activity" role="status" aria-live="polite">{waiting}</p>
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
        {move || expired().map(|s| {
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let t = text.get_untracked();
                if !t.trim().is_empty() {
                    s.replace_pasted(t.trim().to_string());
                    text.set(String::new());
                }
            };
            view! {
                <form class="note error expired" on:submit=submit>
                    <p class="what">"Your token has expired (403). The page stays as it is."</p>
                    // A text field, not a password one: browsers offer to save password
                    // fields, i.e. to write the token to disk.
                    <label>"Paste a fresh token, then repeat what you were doing "
                        <input type="text" autocomplete="off" spellcheck="false" data-test="fresh-token"
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit">"Use this token"</button>
                    <button type="button" on:click=move |_| session.disconnect()>"Disconnect"</button>
                </form>
            }
        })}
    }
}
