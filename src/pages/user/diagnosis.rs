//! "Why can't this user sign in?": `cas_core::helpdesk::diagnosis` over what the page already
//! read (the lookup, the recent history, the authenticators), each finding with its one-click
//! fix, which is one of the page's own changes with its confirmation.

use super::{Area, Change, Desk, Loaded};
use crate::api::Authenticators;
use crate::session::now_secs;
use cas_core::access::Operation;
use cas_core::helpdesk::diagnosis::{diagnose, AuthenticatorCount, Facts, Finding, Fix};
use cas_core::helpdesk::{AuthLogEntry, EmergencyChoice};
use cas_core::wire::UserStatus;
use leptos::prelude::*;

/// The change a fix makes, and the permission it needs.
fn change_of(fix: Fix) -> (Change, Operation) {
    match fix {
        Fix::TakeBackDeletion => (Change::MarkDeleted(false), Operation::MarkDeleted),
        Fix::Synchronize => (Change::Sync, Operation::SyncUser),
        Fix::Enable => (Change::Status(UserStatus::Enabled), Operation::SetUserStatus),
        Fix::Unlock(m) => (Change::Unlock(vec![m]), Operation::UnlockMethods),
        // The tenant's own settings: the emergency panel offers the choice of terms.
        Fix::IssueEmergencyCode => (Change::IssueCode(EmergencyChoice::default()), Operation::IssueEmergencyCode),
    }
}

#[component]
pub fn Diagnosis(desk: Desk, history: LocalResource<Loaded<Vec<AuthLogEntry>>>, authenticators: LocalResource<Loaded<Authenticators>>) -> impl IntoView {
    let busy = move || history.with(Option::is_none) || authenticators.with(Option::is_none);
    let reading = Memo::new(move |_| {
        let user = desk.user.get()?;
        let h = history.get();
        let a = authenticators.get();
        let count = a.as_ref().and_then(Loaded::ready).map(|a| {
            if a.only_v1.is_some() {
                AuthenticatorCount::of_v1(&cas_core::helpdesk::AuthenticatorsV1 { devices: a.list.devices.clone() })
            } else {
                AuthenticatorCount::of_v2(&a.list)
            }
        });
        let list = h.as_ref().and_then(Loaded::ready);
        let d = diagnose(&Facts { user: &user, history: list.map(Vec::as_slice), authenticators: count, now: now_secs() as i64 });
        // What could not be read, and why, so the operator knows what the reading rests on.
        let mut unread = Vec::new();
        for (what, load) in [("the sign-in history", h.map(|l| l.map_ready())), ("the authenticators", a.map(|l| l.map_ready()))] {
            match load {
                Some(Loaded::Denied(why)) => unread.push(format!("Not read: {what}. {why}")),
                Some(Loaded::Failed(m)) => unread.push(format!("Not read: {what} ({})", m.what)),
                _ => {}
            }
        }
        Some((d, unread))
    });
    Effect::new(move || {
        let titles = reading.with(|r| r.as_ref().map(|(d, _)| d.findings.iter().map(|f| f.title.clone()).collect()).unwrap_or_default());
        desk.findings.set(titles);
    });

    view! {
        <section class="panel diagnosis" data-panel="diagnosis" data-busy=move || busy().then_some("true") aria-labelledby="why-title">
            <h2 id="why-title">"Why can't this user sign in?"</h2>
            {move || busy().then(|| view! { <p class="busy">"Reading the sign-in history and the authenticators…"</p> })}
            {move || reading.get().map(|(d, unread)| view! {
                {if d.findings.is_empty() {
                    view! { <p class="clear" data-test="no-finding">"Nothing the console can see stands in the way: the account is enabled, no method is locked, and no recent failure points at a cause. The problem may be on the user's side (their device, their network) or in the application's access policy."</p> }.into_any()
                } else {
                    view! {
                        <ol class="findings" data-test="findings">
                            {d.findings.into_iter().map(|f| view! { <Item finding=f desk=desk/> }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                {(!d.notes.is_empty()).then(|| view! { <ul class="notes">{d.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul> })}
                {unread.into_iter().map(|u| view! { <p class="why-not">{u}</p> }).collect_view()}
            })}
            {move || desk.issued.get().filter(|s| s.area == Area::Diagnosis).map(|s| view! { <super::emergency::IssuedBox shown=s desk=desk/> })}
            {desk.told(Area::Diagnosis, None)}
        </section>
    }
}

impl<T> Loaded<T> {
    /// The load without its value: what the diagnosis says about a panel it could not read.
    fn map_ready(self) -> Loaded<()> {
        match self {
            Loaded::Denied(w) => Loaded::Denied(w),
            Loaded::Failed(m) => Loaded::Failed(m),
            Loaded::Ready(_) => Loaded::Ready(()),
        }
    }
}

#[component]
fn Item(finding: Finding, desk: Desk) -> impl IntoView {
    let Finding { cause, likelihood, title, evidence, next, fix } = finding;
    let class = format!("finding {}", format!("{likelihood:?}").to_lowercase());
    view! {
        <li class=class data-cause=cause.key()>
            <p class="likelihood">{likelihood.label()}</p>
            <h3>{title}</h3>
            <p>{evidence}</p>
            <p class="next">{next}</p>
            {fix.map(|fix| {
                let (change, op) = change_of(fix);
                let denied = desk.may(op);
                move || match denied.get() {
                    Some(why) => view! { <p class="why-not">{why}</p> }.into_any(),
                    None => {
                        let c = change.clone();
                        view! { <button type="button" data-test="fix" disabled=move || desk.busy() on:click=move |_| desk.request(c.clone(), Area::Diagnosis)>{fix.label()}</button> }.into_any()
                    }
                }
            })}
        </li>
    }
}
