//! Small pieces every page uses: messages, downloads, and the action log store.

use cas_core::actionlog::{LogEntry, Outcome};
use cas_core::error::UserMessage;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// An error (or notice) in two parts: what happened, and what to do next.
#[component]
pub fn Note(message: UserMessage, #[prop(optional)] kind: &'static str) -> impl IntoView {
    let class = if kind.is_empty() { "note error" } else { kind };
    let role = if class.contains("error") { "alert" } else { "status" };
    view! {
        <div class=class role=role>
            <p class="what">{message.what}</p>
            <p class="next">{message.next}</p>
        </div>
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

/// True until the component that asked for it goes away: async work checks it before
/// touching a page the operator has left.
#[derive(Clone)]
pub struct Alive(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Alive {
    pub fn get(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

pub fn alive() -> Alive {
    let flag = Alive(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)));
    let f = flag.clone();
    on_cleanup(move || f.0.store(false, std::sync::atomic::Ordering::Relaxed));
    flag
}

/// CSS class for a status badge ("status-pending-deletion").
pub fn status_class(status: &str) -> String {
    format!("badge status-{}", status.to_ascii_lowercase().replace(' ', "-"))
}

/// A message for the next page (e.g. "Saved." after an edit brings the operator back).
#[derive(Clone, Copy)]
pub struct Flash(pub RwSignal<Option<UserMessage>>);
