//! The keyboard, console-wide: the shortcut keys (`cas_core::shortcuts` says which key does
//! what and when a key is left alone), the dialog that lists them, and where the focus lands
//! after a navigation: on the new page's first control when it marks one (`autofocus`), else
//! on its heading, once the page has drawn it. Focus the operator moved in the meantime is
//! left where it is.

use cas_core::route::{path, Page};
use cas_core::shortcuts::{shortcut, takes_text, Context, Shortcut, HELP};
use leptos::ev;
use leptos::html;
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use std::time::Duration;
use wasm_bindgen::JsCast;

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn active() -> Option<web_sys::Element> {
    document()?.active_element()
}

/// Focuses `el`; an element that is not focusable by itself (a heading) becomes so first.
pub fn focus(el: &web_sys::Element) {
    if !el.has_attribute("tabindex") && matches!(el.tag_name().as_str(), "H1" | "H2" | "DIV" | "SECTION" | "P") {
        let _ = el.set_attribute("tabindex", "-1");
    }
    if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// Whether the focused element takes typed text.
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else { return false };
    let kind = el.dyn_ref::<web_sys::HtmlInputElement>().map(|i| i.type_()).unwrap_or_default();
    takes_text(&el.tag_name(), &kind, el.is_content_editable())
}

/// A page's own `autofocus`, not a dialog's (that one is for when the dialog opens).
const AUTOFOCUS: &str = "[autofocus]:not(dialog *)";

/// The page's focus target drawn since `stale` was taken: `[autofocus]` first, else `h1`.
fn target(stale: &[web_sys::Element]) -> Option<web_sys::Element> {
    let main = document()?.get_element_by_id("main")?;
    [AUTOFOCUS, "h1"].into_iter().find_map(|sel| main.query_selector(sel).ok().flatten().filter(|el| !stale.contains(el)))
}

fn targets_now() -> Vec<web_sys::Element> {
    let Some(main) = document().and_then(|d| d.get_element_by_id("main")) else { return Vec::new() };
    let Ok(list) = main.query_selector_all(&format!("{AUTOFOCUS}, h1")) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

/// After a navigation: waits (up to 10 s: a lazy page, then its first answer) for the new
/// page's focus target, unless the operator or the page moves the focus first.
fn focus_new_page() {
    let (before, stale) = (active(), targets_now());
    let body = document().and_then(|d| d.body()).map(web_sys::Element::from);
    fn attempt(before: Option<web_sys::Element>, body: Option<web_sys::Element>, stale: Vec<web_sys::Element>, left: u32) {
        let now = active();
        if now.is_some() && now != before && now != body {
            return;
        }
        match target(&stale) {
            Some(el) => focus(&el),
            None if left > 0 => set_timeout(move || attempt(before, body, stale, left - 1), Duration::from_millis(50)),
            None => {}
        }
    }
    set_timeout(move || attempt(before, body, stale, 200), Duration::from_millis(0));
}

/// The global keys and the focus after each navigation. Lives in the router (it navigates).
#[component]
pub fn Keyboard(#[prop(into)] connected: Signal<bool>, help: RwSignal<bool>) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let handle = window_event_listener(ev::keydown, move |ev| {
        if ev.default_prevented() {
            return;
        }
        let cx = Context {
            typing: typing(&ev),
            modifier: ev.ctrl_key() || ev.meta_key() || ev.alt_key(),
            dialog_open: document().and_then(|d| d.query_selector("dialog[open]").ok().flatten()).is_some(),
            connected: connected.get_untracked(),
        };
        let Some(key) = shortcut(&ev.key(), cx) else { return };
        ev.prevent_default();
        let page = match key {
            Shortcut::Help => return help.set(true),
            Shortcut::Search => Page::Search,
            Shortcut::HighRiskList => Page::HighRiskList,
            Shortcut::Log => Page::Log,
        };
        let to = path(&page);
        if location.pathname.get_untracked() == to {
            // Already there: the page's first control or heading, as after a navigation.
            if let Some(el) = target(&[]) {
                focus(&el);
            }
        } else {
            navigate(&to, NavigateOptions::default());
        }
    });
    on_cleanup(move || handle.remove());

    // Not on the first screen of the tab: only once something changes it.
    Effect::new(move |first: Option<()>| {
        location.pathname.track();
        connected.track();
        if first.is_some() {
            focus_new_page();
        }
    });
}

/// The `?` dialog, drawn the first time it is asked for. Its code is a chunk of its own
/// (Leptos' `#[lazy]`, split like the pages), so the first load carries only this; the shell
/// fetches the chunk in the background once the first screen is up (`preload_help`).
#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    let asked = Memo::new(move |was: Option<&bool>| open.get() || was.copied().unwrap_or(false));
    view! {
        <Show when=move || asked.get()>
            {Suspend::new(async move { help_dialog(open).await })}
        </Show>
    }
}

/// Fetches the `?` dialog's chunk without drawing it.
pub async fn preload_help() {
    __preload_help_dialog().await;
}

#[lazy]
fn help_dialog(open: RwSignal<bool>) -> AnyView {
    view! { <HelpDialog open=open/> }.into_any()
}

/// Every key the console answers to. Closing it puts the focus back on what had it before.
#[component]
fn HelpDialog(open: RwSignal<bool>) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::Element>);
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        match open.get() {
            true if !d.open() => {
                opener.set_value(active());
                let _ = d.show_modal();
            }
            false if d.open() => d.close(),
            _ => {}
        }
    });
    let closed = move |_| {
        if crate::ui::reopened(dialog) {
            return;
        }
        open.set(false);
        if let Some(el) = opener.try_update_value(Option::take).flatten().filter(|el| el.is_connected()) {
            focus(&el);
        }
    };
    view! {
        <dialog node_ref=dialog class="help" aria-labelledby="help-title" data-test="shortcut-help" on:close=closed>
            <h2 id="help-title">"Keyboard shortcuts"</h2>
            <p class="hint">"The letter keys work anywhere but in a field you type in."</p>
            <table>
                <thead><tr><th scope="col">"Keys"</th><th scope="col">"What they do"</th></tr></thead>
                <tbody>
                    {HELP.iter().map(|(keys, what)| view! {
                        <tr>
                            <td>{keys.iter().map(|k| view! { <kbd>{*k}</kbd>" " }).collect_view()}</td>
                            <td>{*what}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="actions"><button type="button" on:click=move |_| open.set(false)>"Close"</button></div>
        </dialog>
    }
}
