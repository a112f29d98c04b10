//! Small pieces every page uses: messages, the confirmation dialog, copy buttons, downloads,
//! and the action log store.

use cas_core::actionlog::{LogEntry, Outcome};
use cas_core::error::UserMessage;
use leptos::html;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// An error (or notice) in two parts: what happened, and what to do next.
#[component]
pub fn Note(message: UserMessage, #[prop(optional)] kind: &'static str, #[prop(optional)] test: &'static str) -> impl IntoView {
    let class = if kind.is_empty() { "note error" } else { kind };
    let role = if class.contains("error") { "alert" } else { "status" };
    view! {
        <div class=class role=role data-test=(!test.is_empty()).then_some(test)>
            <p class="what">{message.what}</p>
            {(!message.next.is_empty()).then(|| view! { <p class="next">{message.next}</p> })}
        </div>
    }
}

/// What a confirmation dialog asks.
#[derive(Clone, Debug, PartialEq)]
pub struct Ask {
    pub title: String,
    pub body: &'static str,
    pub confirm: &'static str,
}

/// A native modal `<dialog>`: focus stays inside while it is open, Escape closes it without a
/// change. `answer` gets `true` for the confirm button and `false` however else it closes.
/// With `reason`, it also offers an optional "reason or ticket number" field bound to it, for
/// the action log.
/// The focus starts on Cancel (the safe answer) and goes back to what opened the dialog.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] ask: Signal<Option<Ask>>,
    answer: Callback<bool>,
    #[prop(optional)] reason: Option<RwSignal<String>>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move || {
        let Some(d) = dialog.get() else { return };
        match ask.get() {
            Some(_) if !d.open() => {
                let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
                opener.set_value(active.and_then(|a| a.dyn_into().ok()));
                let _ = d.show_modal();
            }
            None if d.open() => d.close(),
            _ => {}
        }
    });
    let closed = move |_| {
        if reopened(dialog) {
            return;
        }
        answer.run(false);
        if let Some(el) = opener.try_update_value(Option::take).flatten().filter(|el| el.is_connected()) {
            let _ = el.focus();
        }
    };
    let text = move |f: fn(&Ask) -> String| move || ask.with(|a| a.as_ref().map(f).unwrap_or_default());
    view! {
        <dialog node_ref=dialog class="confirm" aria-labelledby="confirm-title" on:close=closed>
            <h2 id="confirm-title">{text(|a| a.title.clone())}</h2>
            <p>{text(|a| a.body.to_string())}</p>
            {reason.map(|r| view! {
                <label class="reason">"Reason or ticket number (optional, kept in the action log)"
                    <input type="text" data-test="reason" autocomplete="off" spellcheck="false" maxlength="200"
                        prop:value=move || r.get() on:input=move |ev| r.set(event_target_value(&ev))/>
                </label>
            })}
            <div class="actions">
                // `autofocus`: the modal opens on the safe answer, not on the reason field.
                <button type="button" autofocus on:click=move |_| answer.run(false)>"Cancel"</button>
                <button type="button" class="danger" on:click=move |_| answer.run(true)>{text(|a| a.confirm.to_string())}</button>
            </div>
        </dialog>
    }
}

/// Whether a `close` event comes too late: the dialog it was for is open again. `close` is a
/// task queued when a dialog closes, and Chromium runs input first, so Escape and then Enter
/// (or `?`) at once can reopen it before the event for the first closing arrives; answering
/// that event would dismiss the new question.
pub fn reopened(dialog: NodeRef<html::Dialog>) -> bool {
    dialog.get_untracked().is_some_and(|d| d.open())
}

/// "Copy", then "Copied" for a moment: puts `text` on the clipboard.
#[component]
pub fn CopyButton(text: String, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
            copied.set(true);
            set_timeout(move || copied.set(false), Duration::from_secs(2));
        }
    };
    view! {
        <button type="button" class="copy" aria-label=label on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
    }
}

/// Offers `content` as a file download. The object URL is revoked right after.
pub fn download(filename: &str, mime: &str, content: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = document.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(filename);
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Now, as ISO 8601 UTC.
pub fn iso_now() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// A file name stamp: now, without the characters file systems dislike.
pub fn file_stamp() -> String {
    iso_now().replace([':', '.'], "-")
}

/// Every change the console made this session, newest last. In memory only.
#[derive(Clone, Copy)]
pub struct ActionLog(pub RwSignal<Vec<LogEntry>>);

impl ActionLog {
    pub fn record(&self, action: &str, target: &str, outcome: Outcome, details: String) {
        let entry = LogEntry { time: iso_now(), action: action.to_string(), target: target.to_string(), outcome, details };
        self.0.update(|log| log.push(entry));
    }
}

pub fn use_log() -> ActionLog {
    expect_context::<ActionLog>()
}

/// "Yes"/"No"/"—" for optional flags: state in words, never colour alone.
pub fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "—",
    }
}

/// An optional value, or a dash.
pub fn or_dash(v: &Option<String>) -> String {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "—".to_string(),
    }
}

/// CSS class for a status badge ("status-pending-deletion").
pub fn status_class(status: &str) -> String {
    format!("badge status-{}", status.to_ascii_lowercase().replace(' ', "-"))
}

/// A message for the next page (e.g. "Saved." after an edit brings the operator back).
#[derive(Clone, Copy)]
pub struct Flash(pub RwSignal<Option<UserMessage>>);
