//! Light or dark: the system's setting, unless the operator used the header's switch. The
//! choice is the one thing the console stores (localStorage: it is not a secret), and only
//! once the switch is used; switching back to what the system shows forgets it, so the
//! console follows the system again. style/main.css reads `data-theme` on `<html>`.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

const KEY: &str = "cas-console-theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The remembered choice: `Some(true)` for dark.
fn remembered() -> Option<bool> {
    match storage()?.get_item(KEY).ok().flatten()?.as_str() {
        "dark" => Some(true),
        "light" => Some(false),
        _ => None,
    }
}

fn remember(choice: Option<bool>) {
    let Some(s) = storage() else { return };
    let _ = match choice {
        Some(dark) => s.set_item(KEY, if dark { "dark" } else { "light" }),
        None => s.remove_item(KEY),
    };
}

/// Puts the choice on `<html>`: CSS follows the system where there is none.
fn apply(choice: Option<bool>) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let _ = match choice {
        Some(dark) => root.set_attribute("data-theme", if dark { "dark" } else { "light" }),
        None => root.remove_attribute("data-theme"),
    };
}

/// The header's switch. It says the theme shown, whichever decided it.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let query = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    let system_dark = RwSignal::new(query.as_ref().is_some_and(|q| q.matches()));
    if let Some(q) = query {
        // The shell lives as long as the tab: this listener is never removed.
        let on_change = Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(move |e: web_sys::MediaQueryListEvent| system_dark.set(e.matches()));
        q.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
    }
    let choice = RwSignal::new(remembered());
    // Before the first paint, so a remembered theme does not flash the other one.
    apply(choice.get_untracked());
    let dark = move || choice.get().unwrap_or_else(|| system_dark.get());
    let toggle = move |_| {
        let wanted = !dark();
        let choice_now = (wanted != system_dark.get_untracked()).then_some(wanted);
        choice.set(choice_now);
        remember(choice_now);
        apply(choice_now);
    };
    view! {
        <button type="button" class="theme" role="switch" data-test="theme-switch" aria-checked=move || dark().to_string() on:click=toggle>
            "Dark theme"
        </button>
    }
}
