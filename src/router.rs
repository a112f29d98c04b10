//! A small router: the page is a signal read from `location.pathname`; links and
//! `navigate` push history entries; Back/Forward come in through `popstate`.
//! (leptos_router cost about 14 KiB gzip of a 200 KiB budget for the five routes we have.)

use cas_core::route::{self, Page};
use leptos::ev;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Router(RwSignal<Page>);

fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_else(|| "/".into())
}

pub fn provide_router() -> Router {
    let router = Router(RwSignal::new(route::parse(&current_path())));
    let handle = window_event_listener(ev::popstate, move |_| router.0.set(route::parse(&current_path())));
    on_cleanup(move || handle.remove());
    provide_context(router);
    router
}

pub fn use_page() -> Signal<Page> {
    let Router(page) = expect_context::<Router>();
    page.into()
}

impl Router {
    /// Goes to `page`, adding a history entry. Usable from async work, where no context is.
    pub fn go(&self, page: &Page) {
        let path = route::path(page);
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
        self.0.set(page.clone());
        // A new page starts at the top, like a real navigation.
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }
}

pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// Goes to `page` from an event handler (which sees the context).
pub fn navigate(page: &Page) {
    if let Some(router) = use_context::<Router>() {
        router.go(page);
    }
}

/// An in-app link: a real `<a href>` (so open-in-new-tab works) that navigates in place.
#[component]
pub fn Link(to: Page, children: Children, #[prop(optional)] class: &'static str) -> impl IntoView {
    let href = route::path(&to);
    let current = use_page();
    let target = to.clone();
    let is_current = move || current.with(|p| *p == target);
    view! {
        <a href=href class=class aria-current=move || is_current().then_some("page")
            on:click=move |ev: ev::MouseEvent| {
                if ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key()) {
                    ev.prevent_default();
                    navigate(&to);
                }
            }>{children()}</a>
    }
}
