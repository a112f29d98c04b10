//! The user's life in CAS: synchronize now (`POST /v1/users/{id}/sync`), showing the last
//! synchronization before and after; mark for deletion or take the mark back
//! (`PUT /v1/users/{id}/markDeleted`), with the days left of the seven. Every refusal (the
//! 409s, the 405 of SCIM sources) is worded in `cas_core::helpdesk::messages`.

use super::view::{Rows, Value, When};
use super::{Area, Change, Desk};
use crate::session::now_secs;
use cas_core::access::Operation;
use cas_core::helpdesk::mark_deleted::{days_left, purge_at};
use cas_core::when;
use cas_core::wire::UserStatus;
use leptos::prelude::*;

#[component]
pub fn Sync(desk: Desk) -> impl IntoView {
    let rows = move || {
        let u = desk.user.get()?;
        Some(vec![
            ("Identity source".to_string(), Value::text(u.identity_source.as_deref())),
            ("Last synchronized".to_string(), Value::when(&u.last_sync_time)),
        ])
    };
    let denied = desk.may(Operation::SyncUser);
    let status = |s: &Option<UserStatus>| s.as_ref().map(|s| s.to_string()).unwrap_or_else(|| "not known".into());
    view! {
        <section class="panel sync" data-panel="sync" aria-labelledby="sync-title">
            <h2 id="sync-title">"Synchronization"</h2>
            {move || rows().map(|rows| view! { <Rows rows=rows/> })}
            {move || match denied.get() {
                Some(why) => view! { <p class="why-not" data-test="sync-denied">{why}</p> }.into_any(),
                None => view! {
                    <button type="button" data-test="sync" disabled=move || desk.busy() on:click=move |_| desk.request(Change::Sync, Area::Sync)>"Synchronize now"</button>
                    <p class="hint">"Reads the user from their identity source again: the details, and whether the directory still has them enabled."</p>
                }.into_any(),
            }}
            {move || desk.synced.get().map(|s| {
                let rows = vec![
                    ("Synchronized before".to_string(), Value::When(s.before.0)),
                    ("Synchronized now".to_string(), Value::When(s.after.0)),
                    ("Status before".to_string(), Value::Text(status(&s.before.1))),
                    ("Status now".to_string(), Value::Text(status(&s.after.1))),
                ];
                view! { <Rows rows=rows class="answer" test="sync-answer"/> }
            })}
            {desk.told(Area::Sync, None)}
        </section>
    }
}

#[component]
pub fn Deletion(desk: Desk) -> impl IntoView {
    let state = move || {
        let u = desk.user.get()?;
        let pending = u.status() == Some(&UserStatus::PendingDeletion) || u.mark_deleted == Some(true);
        Some((pending, u.status().cloned(), u.mark_deleted_at.clone(), u.mark_deleted_by.clone()))
    };
    let denied = desk.may(Operation::MarkDeleted);
    let control = move |mark: bool, label: &'static str, test: &'static str, class: &'static str| match denied.get() {
        Some(why) => view! { <p class="why-not" data-test="deletion-denied">{why}</p> }.into_any(),
        None => view! { <button type="button" class=class data-test=test disabled=move || desk.busy() on:click=move |_| desk.request(Change::MarkDeleted(mark), Area::Deletion)>{label}</button> }.into_any(),
    };
    view! {
        <section class="panel deletion" data-panel="deletion" aria-labelledby="deletion-title">
            <h2 id="deletion-title">"Deletion"</h2>
            {move || state().map(|(pending, status, at, by)| {
                if pending {
                    let marked = at.as_deref().and_then(when::parse);
                    let left = marked.map(|t| match days_left(t, now_secs() as i64) {
                        0 => "CAS is due to delete them now.".to_string(),
                        1 => "1 day left of the seven: CAS deletes them on".to_string(),
                        d => format!("{d} days left of the seven: CAS deletes them on"),
                    });
                    let purge_iso = marked.map(|t| iso(purge_at(t)));
                    view! {
                        <p data-test="deletion-state">
                            "Marked for deletion " <When iso=at/>{by.map(|b| format!(" by {b}"))}". "
                            {match (left, purge_iso) {
                                (Some(l), Some(p)) if !l.ends_with("now.") => view! { {l}" " <When iso=Some(p) plain=true/>"." }.into_any(),
                                (Some(l), _) => l.into_any(),
                                _ => "When they were marked is not known, so neither is when CAS deletes them.".into_any(),
                            }}
                        </p>
                        {control(false, "Take back the deletion", "unmark-deleted", "")}
                    }
                    .into_any()
                } else if status == Some(UserStatus::Enabled) {
                    view! { <p data-test="deletion-state">"Not marked for deletion. Only a disabled user can be marked: disable them first."</p> }.into_any()
                } else {
                    view! {
                        <p data-test="deletion-state">"Not marked for deletion. Marking a disabled user for deletion removes them, their authenticators and history from CAS seven days later; until then it can be taken back."</p>
                        {control(true, "Mark for deletion", "mark-deleted", "danger")}
                    }
                    .into_any()
                }
            })}
            {desk.told(Area::Deletion, None)}
        </section>
    }
}

/// Seconds since the epoch as the API writes a time, for `When`.
fn iso(secs: i64) -> String {
    String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0)).to_iso_string())
}
