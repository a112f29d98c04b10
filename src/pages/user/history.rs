//! Sign-in history (`GET /v1/users/{id}/authlogs/`): the last successful sign-in first, then
//! the events newest first with every failure's reason in words, filtered by kind or code of
//! event and by date. A code and dates go to the API (`eventCode`, `startTimeAfter`,
//! `endTimeOnOrBefore`); a kind, which spans several codes, filters what came.

use super::view::{offset_on, zone_label, Line, Table, When};
use super::{load, Desk, Loaded};
use crate::api;
use crate::ui::Note;
use cas_core::access::Operation;
use cas_core::error::UserMessage;
use cas_core::helpdesk::authlogs::AUTH_LOG_LIMIT;
use cas_core::helpdesk::{words, AuthLogEntry, AuthLogQuery, EventKind};
use cas_core::when;
use leptos::prelude::*;
use serde_json::Value as Json;

use super::view::Value;

/// The filter's choice: every event, a kind (`kind:failed`) or one code (`code:35`).
fn kind_of(choice: &str) -> Option<EventKind> {
    choice.strip_prefix("kind:").and_then(EventKind::from_key)
}

fn code_of(choice: &str) -> Option<u32> {
    choice.strip_prefix("code:").and_then(|c| c.parse().ok())
}

/// The query for the API, or why the dates make none.
fn query(choice: &str, from: &str, to: &str) -> Result<AuthLogQuery, String> {
    let bound = |day: &str, f: fn(&str, i32) -> Option<String>| -> Result<Option<String>, String> {
        if day.is_empty() {
            return Ok(None);
        }
        f(day, offset_on(day)).map(Some).ok_or_else(|| format!("\u{201c}{day}\u{201d} is not a date."))
    };
    if !from.is_empty() && !to.is_empty() && from > to {
        return Err("The start date is after the end date.".into());
    }
    Ok(AuthLogQuery { event_code: code_of(choice), start_time_after: bound(from, when::after_day_start)?, end_time_on_or_before: bound(to, when::day_end)? })
}

/// A field the API types as any JSON, as text.
fn json_text(v: &Option<Json>) -> Value {
    match v {
        None | Some(Json::Null) => Value::text(None),
        Some(Json::String(s)) => Value::text(Some(s)),
        Some(other) => Value::Text(other.to_string()),
    }
}

fn line(e: &AuthLogEntry) -> Line {
    let kind = words::kind(e);
    let class = match kind {
        Some(k) if k.is_failure() => "event-failed",
        Some(EventKind::SignInSucceeded) => "event-ok",
        _ if e.event_level.as_deref() == Some("error") => "event-failed",
        _ => "event-other",
    };
    let outcome = kind.map(EventKind::outcome).unwrap_or(match e.event_level.as_deref() {
        Some("error") => "Error",
        _ => "Notice",
    });
    let event = match (e.event_code, e.info().map(|i| i.description).or(e.event_description.as_deref())) {
        (Some(c), Some(d)) => format!("{c} · {d}"),
        (Some(c), None) => c.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => "—".to_string(),
    };
    Line {
        class: class.to_string(),
        cells: vec![
            Value::when(&e.event_log_date),
            Value::Text(outcome.to_string()),
            Value::Text(event),
            Value::text(e.method.as_deref()),
            json_text(&e.application),
            json_text(&e.source_ip_address),
            Value::Text(words::reason(e)),
        ],
    }
}

const HEAD: &[&str] = &["When", "Outcome", "Event", "Method", "Application", "From", "What it means"];

#[component]
pub fn History(desk: Desk, recent: LocalResource<Loaded<Vec<AuthLogEntry>>>) -> impl IntoView {
    let choice = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let id = Memo::new(move |_| desk.user.with(|u| u.as_ref().map(|u| u.id.clone()).unwrap_or_default()));
    let asked = Memo::new(move |_| query(&choice.get(), &from.get(), &to.get()));
    let denied = desk.may(Operation::ReadAuthLogs);
    // Only a filter the API applies asks again; the recent history serves the rest.
    let filtered: LocalResource<Option<Loaded<Vec<AuthLogEntry>>>> = LocalResource::new(move || {
        desk.reload_history.track();
        let (asked, id, denied, s) = (asked.get(), id.get(), denied.get(), desk.session.get_untracked());
        async move {
            match asked {
                _ if denied.is_some() => None,
                Err(why) => Some(Loaded::Failed(UserMessage::new(why, "Correct the dates."))),
                Ok(q) if q == AuthLogQuery::default() => None,
                Ok(q) => {
                    let s = s?;
                    Some(load(&s, move |s, abort| async move { api::auth_logs(&s, &id, &q, Some(&abort)).await }, Operation::ReadAuthLogs).await)
                }
            }
        }
    });
    let shown = move || match filtered.get() {
        None => None,
        Some(None) => recent.get(),
        Some(Some(l)) => Some(l),
    };
    let busy = move || recent.with(Option::is_none) || filtered.with(Option::is_none);

    let last_success = move || {
        let list = recent.get()?;
        let list = list.ready()?;
        Some(match words::last_success(list) {
            Some(e) => {
                let with = e.method.as_deref().map(|m| format!(" with {m}")).unwrap_or_default();
                let app = match &e.application {
                    Some(Json::String(a)) => format!(", to {a}"),
                    _ => String::new(),
                };
                view! { <p class="last-success" data-test="last-success">"Last successful sign-in: " <When iso=e.event_log_date.clone()/>{format!("{with}{app}.")}</p> }.into_any()
            }
            None => {
                let month = desk.user.with(|u| u.as_ref().and_then(|u| u.month_last_authenticated.clone()));
                let said = month.map(|m| format!(" The user record says they last authenticated in {m}.")).unwrap_or_default();
                view! { <p class="last-success" data-test="last-success">{format!("No successful sign-in in the history CAS keeps (the last 40 days).{said}")}</p> }.into_any()
            }
        })
    };

    let clear = move |_| {
        choice.set(String::new());
        from.set(String::new());
        to.set(String::new());
    };
    let reload = move |_| desk.reload_history.update(|n| *n += 1);

    let table = move || {
        let loaded = shown()?;
        Some(match loaded {
            Loaded::Denied(_) => ().into_any(),
            Loaded::Failed(m) => view! { <Note message=m/> }.into_any(),
            Loaded::Ready(list) => {
                let kind = choice.with(|c| kind_of(c));
                let mut events: Vec<&AuthLogEntry> = list.iter().filter(|e| kind.is_none_or(|k| words::kind(e) == Some(k))).collect();
                // Newest first, as the API promises; sorted again rather than trusted.
                events.sort_by_key(|e| std::cmp::Reverse(e.event_log_date.as_deref().and_then(when::parse).unwrap_or(i64::MIN)));
                let mut count = match (events.len(), list.len()) {
                    (0, 0) => "No event matches.".to_string(),
                    (n, m) if kind.is_some() => format!("{n} of the {m} events read are {}.", kind.map(|k| k.label().to_lowercase()).unwrap_or_default()),
                    (n, _) => format!("{n} events."),
                };
                if list.len() >= AUTH_LOG_LIMIT {
                    count.push_str(" One answer holds the 100 newest: narrow the dates to see older ones.");
                }
                let lines = events.into_iter().map(line).collect::<Vec<_>>();
                view! {
                    <p class="count" data-test="history-count">{count}</p>
                    {(!lines.is_empty()).then(|| view! { <Table caption="Sign-in events, newest first".to_string() head=HEAD lines=lines class="history"/> })}
                }
                .into_any()
            }
        })
    };

    view! {
        <section class="panel history" data-panel="history" data-busy=move || busy().then_some("true") aria-labelledby="history-title">
            <h2 id="history-title">"Sign-in history"</h2>
            {move || match denied.get() {
                Some(why) => view! { <p class="why-not" data-test="history-denied">{why}</p> }.into_any(),
                None => view! {
                    {last_success}
                    <div class="filters">
                        <label>"Events "
                            <select data-test="event-filter" prop:value=move || choice.get() on:change=move |ev| choice.set(event_target_value(&ev))>
                                <option value="">"All events"</option>
                                {EventKind::ALL.map(|k| view! {
                                    <optgroup label=k.label()>
                                        <option value=format!("kind:{}", k.key())>{format!("All: {}", k.label().to_lowercase())}</option>
                                        {words::codes_of(k).map(|c| view! { <option value=format!("code:{c}")>{words::code_label(c)}</option> }).collect_view()}
                                    </optgroup>
                                }).into_iter().collect_view()}
                            </select>
                        </label>
                        <label>"From " <input type="date" data-test="from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/></label>
                        <label>"To " <input type="date" data-test="to" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/></label>
                        <button type="button" on:click=clear>"Clear filters"</button>
                        <button type="button" data-test="history-reload" on:click=reload>"Reload"</button>
                    </div>
                    <p class="hint">{move || format!("Times are in your time zone ({}); hover one for the server's exact value. CAS keeps 40 days of events.", zone_label())}</p>
                    {move || busy().then(|| view! { <p class="busy">"Reading the sign-in history…"</p> })}
                    {table}
                }.into_any(),
            }}
        </section>
    }
}
