//! Authenticators (`GET /v2/users/{id}/devices`, v1 where v2 is refused, missing or needs a
//! permission the credential lacks): each with what the API says about it; an app or browser
//! authenticator can be deleted (`DELETE /v1/users/{id}/devices/{deviceId}`) after a
//! confirmation. FIDO credentials and hardware tokens have their own APIs and permissions.

use super::view::{Rows, Value};
use super::{Area, Change, Desk, Loaded};
use crate::api::{Authenticators as List, OnlyV1};
use crate::ui::{or_dash, Note};
use cas_core::access::Operation;
use cas_core::helpdesk::{AppDevice, FidoToken, SidToken};
use leptos::prelude::*;
use serde_json::{Map, Value as Json};

/// One authenticator as the panel shows it.
struct Card {
    kind: &'static str,
    name: String,
    rows: Vec<(String, Value)>,
    /// The device id, when the delete API can remove it.
    deletable: Option<String>,
}

fn row(label: &str, v: Value) -> (String, Value) {
    (label.to_string(), v)
}

fn text(label: &str, v: &Option<String>) -> (String, Value) {
    row(label, Value::Text(or_dash(v)))
}

/// Fields the console does not know, shown as the server sent them.
fn extra(rows: &mut Vec<(String, Value)>, extra: &Map<String, Json>) {
    rows.extend(extra.iter().map(|(k, v)| (k.clone(), Value::Text(v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))));
}

fn app(d: &AppDevice) -> Card {
    let mut rows = if d.is_browser() {
        vec![text("Browser", &d.browser)]
    } else {
        vec![text("Type", &d.device_type), text("Serial number", &d.device_serial_number), text("Methods", &d.capabilities)]
    };
    rows.extend([row("Registered", Value::when(&d.registered_date)), row("Updated", Value::when(&d.updated_at)), row("ID", Value::Code(d.id.clone()))]);
    extra(&mut rows, &d.extra);
    Card {
        kind: if d.is_browser() { "Browser authenticator" } else { "RSA Authenticator app" },
        name: d.name.clone().unwrap_or_else(|| "Unnamed device".into()),
        rows,
        deletable: Some(d.id.clone()),
    }
}

fn fido(f: &FidoToken) -> Card {
    let mut rows = vec![text("Status", &f.status), row("Registered", Value::when(&f.registered_date)), row("Updated", Value::when(&f.updated_at)), row("ID", Value::Code(f.id.clone()))];
    extra(&mut rows, &f.extra);
    Card { kind: "FIDO credential", name: f.name.clone().unwrap_or_else(|| "Unnamed credential".into()), rows, deletable: None }
}

fn token(t: &SidToken) -> Card {
    let pin = match t.pin_set {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "—",
    };
    let mut rows = vec![
        text("Serial number", &t.token_serial_number),
        text("State", &t.token_state),
        text("Status", &t.token_status),
        text("Status reason", &t.token_status_reason),
        row("Status changed", Value::when(&t.token_status_changed_at)),
        text("Status changed by", &t.token_status_changed_by),
        row("Expires", Value::when(&t.expiry_date)),
        row("Assigned", Value::when(&t.assigned_at)),
        text("Assigned by", &t.assigned_by),
        row("PIN set", Value::Text(pin.into())),
        row("Updated", Value::when(&t.updated_at)),
        row("ID", Value::Code(t.id.clone())),
    ];
    extra(&mut rows, &t.extra);
    Card { kind: "Hardware token", name: t.name.clone().unwrap_or_else(|| "Hardware token".into()), rows, deletable: None }
}

/// What v1 leaves out, and why it was v1.
fn only_v1(why: &OnlyV1) -> String {
    let cause = match why {
        OnlyV1::NotAllowed(denial) => denial.clone(),
        OnlyV1::Missing(status) => format!("This tenant has no version 2 of the API ({status})."),
        OnlyV1::Refused => "The server refused version 2 of the API (403).".to_string(),
    };
    format!("Shown from version 1 of the API, which lists apps and browser authenticators only: FIDO credentials and hardware tokens are not shown. {cause}")
}

#[component]
pub fn Authenticators(desk: Desk, list: LocalResource<Loaded<List>>) -> impl IntoView {
    let body = move || {
        Some(match list.get()? {
            Loaded::Denied(why) => view! { <p class="why-not" data-test="authenticators-denied">{why}</p> }.into_any(),
            Loaded::Failed(m) => view! { <Note message=m/> }.into_any(),
            Loaded::Ready(List { list, only_v1: v1 }) => {
                let cards: Vec<Card> = list.devices.iter().map(app).chain(list.fido_tokens.iter().map(fido)).chain(list.sid_tokens.iter().map(token)).collect();
                let phones = desk.user.with(|u| {
                    u.as_ref().map(|u| [("SMS", &u.sms_number), ("Voice", &u.voice_number)].into_iter().filter_map(|(k, n)| n.clone().map(|n| format!("{k} to {n}"))).collect::<Vec<_>>()).unwrap_or_default()
                });
                let none = if v1.is_some() { "No app or browser authenticator is registered" } else { "No authenticator is registered" };
                view! {
                    {v1.map(|w| view! { <p class="hint" data-test="only-v1">{only_v1(&w)}</p> })}
                    {cards.is_empty().then(|| view! {
                        <p data-test="no-authenticators">{if phones.is_empty() {
                            format!("{none}, and there is no SMS or voice number.")
                        } else {
                            format!("{none}; the user has {}.", phones.join(" and "))
                        }}</p>
                    })}
                    {cards.into_iter().map(|c| view! { <Item card=c desk=desk/> }).collect_view()}
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="panel authenticators" data-panel="authenticators" data-busy=move || list.with(Option::is_none).then_some("true") aria-labelledby="authenticators-title">
            <h2 id="authenticators-title">"Authenticators"</h2>
            {move || list.with(Option::is_none).then(|| view! { <p class="busy">"Reading the authenticators…"</p> })}
            {body}
            {desk.told(Area::Authenticators, None)}
        </section>
    }
}

#[component]
fn Item(card: Card, desk: Desk) -> impl IntoView {
    let Card { kind, name, rows, deletable } = card;
    let denied = desk.may(Operation::DeleteAuthenticator);
    let delete = deletable.map(|id| {
        let name = name.clone();
        move || match denied.get() {
            Some(why) => view! { <p class="why-not">{why}</p> }.into_any(),
            None => {
                let c = Change::DeleteAuthenticator { id: id.clone(), name: name.clone() };
                view! { <button type="button" class="danger" data-test="delete-authenticator" disabled=move || desk.busy() on:click=move |_| desk.request(c.clone(), Area::Authenticators)>"Delete"</button> }.into_any()
            }
        }
    });
    view! {
        <article class="authenticator" data-test="authenticator">
            <h3>{name}" "<span class="badge kind">{kind}</span></h3>
            <Rows rows=rows/>
            {delete}
        </article>
    }
}
