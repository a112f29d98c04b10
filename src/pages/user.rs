//! One user, everything the lookup API says about them, and the changes an operator makes:
//! enable/disable and the high-risk flag, each confirmed, shown as the server answered it,
//! undoable, and written to the action log.

use crate::api;
use crate::session::{use_session, Session};
use crate::ui::{or_dash, use_log, yes_no, Confirm, CopyButton, Note};
use cas_core::access::Operation;
use cas_core::actionlog::Outcome;
use cas_core::error::{message, status_conflict_message, ApiError, UserMessage};
use cas_core::wire::{HighRiskAction, User, UserStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use crate::router::Link;
use cas_core::route::Page;
use std::rc::Rc;

#[derive(Clone, PartialEq)]
enum Loaded {
    Loading,
    /// The user and the server's answer as it came.
    Found(Box<User>, String),
    Failed(UserMessage),
}

/// A change the operator can take back with one click.
#[derive(Clone, PartialEq)]
enum Undo {
    Status(UserStatus),
    HighRisk(HighRiskAction),
}

/// The last change made on this page: in flight, its outcome, and how to take it back.
#[derive(Clone, Copy)]
struct ChangeState {
    busy: RwSignal<Option<&'static str>>,
    outcome: RwSignal<Option<(UserMessage, bool)>>,
    undo: RwSignal<Option<Undo>>,
}

#[derive(Clone, PartialEq)]
enum Pending {
    Status(UserStatus),
    HighRisk(HighRiskAction),
}

#[component]
pub fn UserPage(email: String) -> impl IntoView {
    let session = use_session();
    let loaded = RwSignal::new(Loaded::Loading);
    let reload = RwSignal::new(0u32);
    // Set by "Search the identity source": the next lookup asks for users not yet synchronized.
    let unsynched = RwSignal::new(false);
    let email = StoredValue::new(email);
    let alive = crate::ui::alive();
    // Lives here, not in the details, so showing the server's new status keeps the message
    // and the undo button.
    let change = ChangeState {
        busy: RwSignal::new(None),
        outcome: RwSignal::new(None),
        undo: RwSignal::new(None),
    };

    Effect::new(move |_| {
        let e = email.get_value();
        reload.track();
        let deep = unsynched.get_untracked();
        let Some(s) = session.get_untracked() else { return };
        let alive = alive.clone();
        spawn_local(async move {
            let outcome = api::lookup(&s, &e, deep, None).await;
            // The operator may have moved on to another page meanwhile.
            if !alive.get() {
                return;
            }
            loaded.set(match outcome {
                Ok((u, raw)) => Loaded::Found(Box::new(u), raw),
                Err(err) => Loaded::Failed(message(&err, Some(Operation::Lookup))),
            });
        });
    });

    view! {
        <section class="user" aria-labelledby="user-title">
            <p class="crumbs"><Link to=Page::Search>"← Search"</Link></p>
            {move || match loaded.get() {
                Loaded::Loading => view! { <p class="busy" role="status">{format!("Looking up {}…", email.get_value())}</p> }.into_any(),
                Loaded::Failed(m) => view! {
                    <h1 id="user-title">{email.get_value()}</h1>
                    <Note message=m/>
                    <div class="actions">
                        <button type="button" on:click=move |_| reload.update(|n| *n += 1)>"Try again"</button>
                        <button type="button" data-test="search-unsynched" on:click=move |_| { unsynched.set(true); reload.update(|n| *n += 1) }>"Search the identity source"</button>
                    </div>
                }.into_any(),
                Loaded::Found(u, raw) => view! { <UserDetails user=*u raw=raw loaded=loaded reload=reload change=change/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn UserDetails(user: User, raw: String, loaded: RwSignal<Loaded>, reload: RwSignal<u32>, change: ChangeState) -> impl IntoView {
    let session = use_session();
    let log = use_log();
    let ChangeState { busy, outcome, undo } = change;
    let flash = use_context::<crate::ui::Flash>().and_then(|crate::ui::Flash(f)| f.try_update(Option::take).flatten());
    let confirm_open = RwSignal::new(false);
    let pending = RwSignal::new(None::<Pending>);

    let name = user.display_name();
    let who = if name.is_empty() { user.email_address.clone() } else { format!("{name} ({})", user.email_address) };
    let status = user.status().cloned();
    let pending_deletion = status == Some(UserStatus::PendingDeletion) || user.mark_deleted == Some(true);
    let high_risk = user.high_risk_user == Some(true);
    let id = user.id.clone();
    let email = user.email_address.clone();

    let denial = move |op: Operation| session.get().and_then(|s| s.allows(op).err().map(|d| d.explain(op)));

    // Runs a change and reports it: the page shows what the server answered, the log keeps it.
    let run = {
        let (id, email, who, status) = (id.clone(), email.clone(), who.clone(), status.clone());
        Callback::new(move |(change, is_undo): (Pending, bool)| {
            let Some(s) = session.get_untracked() else { return };
            let (id, email, who, before) = (id.clone(), email.clone(), who.clone(), status.clone());
            busy.set(Some(match change {
                Pending::Status(UserStatus::Disabled) => "Disabling…",
                Pending::Status(_) => "Enabling…",
                Pending::HighRisk(HighRiskAction::Add) => "Adding to the high-risk list…",
                Pending::HighRisk(HighRiskAction::Remove) => "Removing from the high-risk list…",
            }));
            outcome.set(None);
            spawn_local(async move {
                let result = apply(&s, &change, &id, &email, &who, pending_deletion).await;
                busy.set(None);
                let action = action_label(&change, is_undo);
                match result {
                    Ok((m, answered)) => {
                        log.record(&action, &email, Outcome::Succeeded, answered);
                        undo.set(if is_undo { None } else { Some(reverse(&change, &before)) });
                        outcome.set(Some((m, true)));
                        match change {
                            Pending::Status(new) => loaded.update(|l| {
                                if let Loaded::Found(u, _) = l {
                                    u.user_status = Some(new);
                                }
                            }),
                            // The lookup is the truth about the flag: read it back.
                            Pending::HighRisk(_) => reload.update(|n| *n += 1),
                        }
                    }
                    Err((m, details)) => {
                        log.record(&action, &email, Outcome::Failed, details);
                        outcome.set(Some((m, false)));
                    }
                }
            });
        })
    };
    let run_confirmed = Callback::new(move |_| {
        if let Some(change) = pending.get_untracked() {
            run.run((change, false));
        }
    });
    let ask = move |change: Pending| {
        pending.set(Some(change));
        confirm_open.set(true);
    };

    let (title, body, confirm_label) = {
        let who = who.clone();
        let title = Signal::derive(move || match pending.get() {
            Some(Pending::Status(UserStatus::Disabled)) => format!("Disable {who}?"),
            Some(Pending::Status(_)) => format!("Enable {who}?"),
            Some(Pending::HighRisk(HighRiskAction::Add)) => format!("Add {who} to the high-risk list?"),
            Some(Pending::HighRisk(HighRiskAction::Remove)) => format!("Remove {who} from the high-risk list?"),
            None => String::new(),
        });
        let body = Signal::derive(move || match pending.get() {
            Some(Pending::Status(UserStatus::Disabled)) => "A disabled user cannot access protected resources or register devices until an administrator enables them again.".to_string(),
            Some(Pending::Status(_)) => "The user can access protected resources again.".to_string(),
            Some(Pending::HighRisk(HighRiskAction::Add)) => "Access policies for high-risk users apply to them from their next authentication.".to_string(),
            Some(Pending::HighRisk(HighRiskAction::Remove)) => "Access policies for high-risk users no longer apply to them.".to_string(),
            None => String::new(),
        });
        let label = Signal::derive(move || match pending.get() {
            Some(Pending::Status(UserStatus::Disabled)) => "Disable".to_string(),
            Some(Pending::Status(_)) => "Enable".to_string(),
            Some(Pending::HighRisk(HighRiskAction::Add)) => "Add to list".to_string(),
            _ => "Remove from list".to_string(),
        });
        (title, body, label)
    };

    let status_text = status.as_ref().map(|s| s.to_string()).unwrap_or_else(|| "Unknown".into());
    let status_control = {
        let status = status.clone();
        move || {
            if let Some(why) = denial(Operation::SetUserStatus) {
                return view! { <p class="why-not" data-test="status-denied">{why}</p> }.into_any();
            }
            // Pending deletion shows "Enable": the server explains why it cannot (409).
            let next = match status {
                Some(UserStatus::Disabled | UserStatus::PendingDeletion) => UserStatus::Enabled,
                _ => UserStatus::Disabled,
            };
            let disabling = next == UserStatus::Disabled;
            let label = if disabling { "Disable user" } else { "Enable user" };
            view! {
                <button type="button" class:danger=disabling data-test="status-toggle"
                    disabled=move || busy.get().is_some()
                    on:click=move |_| {
                        // Only disabling locks someone out, so only disabling asks first.
                        if disabling { ask(Pending::Status(next.clone())) } else { run.run((Pending::Status(next.clone()), false)) }
                    }>{label}</button>
            }.into_any()
        }
    };
    let risk_control = move || {
        if let Some(why) = denial(Operation::ChangeHighRisk) {
            return view! { <p class="why-not" data-test="risk-denied">{why}</p> }.into_any();
        }
        let action = if high_risk { HighRiskAction::Remove } else { HighRiskAction::Add };
        let label = if high_risk { "Remove from high-risk list" } else { "Add to high-risk list" };
        view! {
            <button type="button" data-test="risk-toggle" disabled=move || busy.get().is_some()
                on:click=move |_| ask(Pending::HighRisk(action))>{label}</button>
        }.into_any()
    };
    // Editing: offered for local users, explained for everyone else.
    let edit_control = {
        let editable = cas_core::localuser::LocalUserForm::editable(&user);
        let source = user.identity_source.clone().unwrap_or_default();
        let target = Page::EditUser(user.email_address.clone());
        move || {
            if !editable {
                return view! { <p class="why-not" data-test="edit-denied">{format!("Not editable here: the user comes from \u{201c}{source}\u{201d}, and only Local Identity Source users can be edited.")}</p> }.into_any();
            }
            match denial(Operation::UpdateLocalUser) {
                Some(why) => view! { <p class="why-not" data-test="edit-denied">{why}</p> }.into_any(),
                None => view! { <Link to=target.clone() class="button">"Edit"</Link> }.into_any(),
            }
        }
    };
    let undo_view = {
        move || {
            undo.get().map(|u| {
                let change = match u {
                    Undo::Status(s) => Pending::Status(s),
                    Undo::HighRisk(a) => Pending::HighRisk(a),
                };
                view! { <button type="button" data-test="undo" disabled=move || busy.get().is_some()
                    on:click=move |_| { undo.set(None); run.run((change.clone(), true)) }>"Undo"</button> }
            })
        }
    };

    let extra = cas_core::json::Json::parse(&raw).map(|j| cas_core::decode::user_extras(&j)).unwrap_or_default();
    let groups = detail_groups(&user, &name, &status_text);

    view! {
        <div class="title-row">
            <h1 id="user-title">{if name.is_empty() { user.email_address.clone() } else { name.clone() }}</h1>
            <span class=crate::ui::status_class(&status_text) data-test="status">{status_text.clone()}</span>
            {high_risk.then(|| view! { <span class="badge risk" data-test="high-risk-badge">"High risk"</span> })}
        </div>
        <div class="actions" aria-label="Actions">
            {status_control}
            {risk_control}
            {edit_control}
            {undo_view}
            <p class="busy" role="status">{move || busy.get()}</p>
        </div>
        {move || outcome.get().map(|(m, ok)| view! { <Note message=m kind=if ok { "note ok" } else { "note error" }/> })}
        {flash.map(|m| view! { <Note message=m kind="note ok"/> })}
        <Confirm open=confirm_open title=title body=body confirm_label=confirm_label on_confirm=run_confirmed/>

        <div class="groups">
            <section aria-labelledby="g-identity"><h2 id="g-identity">"Identity"</h2><dl>
                <div><dt>"Email"</dt><dd><span data-test="email">{user.email_address.clone()}</span> <CopyButton text=user.email_address.clone() label="Copy email"/></dd></div>
                <div><dt>"User ID"</dt><dd><code data-test="user-id">{user.id.clone()}</code> <CopyButton text=user.id.clone() label="Copy user ID"/></dd></div>
                {rows(groups[0].1.clone())}
            </dl></section>
            {groups.into_iter().skip(1).map(|(title, items)| view! {
                <section aria-label=title><h2>{title}</h2><dl>{rows(items)}</dl></section>
            }).collect_view()}
        </div>
        {(!extra.is_empty()).then(|| view! {
            <section aria-labelledby="g-other"><h2 id="g-other">"Other fields from the server"</h2>
                <dl class="extra" data-test="extra">{rows(extra)}</dl></section>
        })}
        <details><summary>"Raw answer"</summary><pre>{raw}</pre></details>
    }
}

/// The lookup answer grouped for a human; every field shown, "—" where absent.
fn detail_groups(u: &User, name: &str, status: &str) -> Vec<(&'static str, Vec<(String, String)>)> {
    let r = |label: &str, value: String| (label.to_string(), value);
    vec![
        ("Identity", vec![
            r("Name", if name.is_empty() { "—".into() } else { name.to_string() }),
            r("Primary username", or_dash(&u.principal_username)),
            r("Alternate username", or_dash(&u.alternate_username)),
            r("Primary unique identifier", or_dash(&u.primary_unique_identifier)),
            r("Identity source", or_dash(&u.identity_source)),
            r("Created", or_dash(&u.creation_date)),
            r("Last synchronized", or_dash(&u.last_sync_time)),
            r("Last authenticated", or_dash(&u.month_last_authenticated)),
        ]),
        ("Status", vec![
            r("Status", status.to_string()),
            r("Marked deleted", yes_no(u.mark_deleted).into()),
            r("Marked deleted at", or_dash(&u.mark_deleted_at)),
            r("Marked deleted by", or_dash(&u.mark_deleted_by)),
            r("High risk", yes_no(u.high_risk_user).into()),
        ]),
        ("Authentication methods", vec![
            r("Token locked", yes_no(u.is_token_locked).into()),
            r("SMS number", or_dash(&u.sms_number)),
            r("SMS locked", yes_no(u.is_sms_locked).into()),
            r("Voice number", or_dash(&u.voice_number)),
            r("Voice locked", yes_no(u.is_voice_locked).into()),
            r("Fingerprint locked", yes_no(u.is_fingerprint_locked).into()),
            r("Approve locked", yes_no(u.is_approve_locked).into()),
        ]),
        ("Emergency access", vec![
            r("Status", or_dash(&u.emergency_access_status)),
            r("Tokencode ID", or_dash(&u.emergency_tokencode_id)),
            r("Expires", or_dash(&u.emergency_tokencode_expiration)),
            r("Last used", or_dash(&u.emergency_tokencode_last_use)),
            r("Offline status", or_dash(&u.offline_emergency_access_status)),
            r("Offline expires", or_dash(&u.offline_emergency_tokencode_expiration)),
        ]),
    ]
}

fn rows(items: Vec<(String, String)>) -> impl IntoView {
    items.into_iter().map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> }).collect_view()
}

fn reverse(change: &Pending, before: &Option<UserStatus>) -> Undo {
    match change {
        Pending::Status(_) => Undo::Status(before.clone().unwrap_or(UserStatus::Enabled)),
        Pending::HighRisk(HighRiskAction::Add) => Undo::HighRisk(HighRiskAction::Remove),
        Pending::HighRisk(HighRiskAction::Remove) => Undo::HighRisk(HighRiskAction::Add),
    }
}

fn action_label(change: &Pending, is_undo: bool) -> String {
    let base = match change {
        Pending::Status(UserStatus::Disabled) => "Disable user",
        Pending::Status(_) => "Enable user",
        Pending::HighRisk(HighRiskAction::Add) => "Add to high-risk list",
        Pending::HighRisk(HighRiskAction::Remove) => "Remove from high-risk list",
    };
    if is_undo { format!("{base} (undo)") } else { base.to_string() }
}

/// Sends one change. Ok: the message for the page and the log's details; Err likewise.
async fn apply(
    s: &Rc<Session>,
    change: &Pending,
    id: &str,
    email: &str,
    who: &str,
    pending_deletion: bool,
) -> Result<(UserMessage, String), (UserMessage, String)> {
    let failed = |e: ApiError, op: Operation| {
        let m = match (&e, op) {
            (ApiError::Conflict { .. }, Operation::SetUserStatus) => status_conflict_message(pending_deletion),
            _ => message(&e, Some(op)),
        };
        let details = format!("{} {}", e.status().map(|c| c.to_string()).unwrap_or_else(|| "no answer".into()), e.detail());
        (m, details.trim().to_string())
    };
    match change {
        Pending::Status(new) => match api::set_status(s, id, new.clone()).await {
            Ok(answer) => Ok((
                UserMessage::new(format!("{who} is now {}.", answer.user_status), "Undo puts it back."),
                format!("200, status now {}", answer.user_status),
            )),
            Err(e) => Err(failed(e, Operation::SetUserStatus)),
        },
        Pending::HighRisk(action) => match api::change_high_risk(s, *action, vec![email.to_string()]).await {
            Ok(ms) if ms.users.is_empty() => {
                let what = match action {
                    HighRiskAction::Add => "is now on the high-risk list",
                    HighRiskAction::Remove => "is no longer on the high-risk list",
                };
                Ok((UserMessage::new(format!("{who} {what}."), "Undo puts it back."), "200".to_string()))
            }
            Ok(ms) => {
                let item = &ms.users[0];
                let e = cas_core::error::classify(item.status_code, None, &item.error, None);
                Err(failed(e, Operation::ChangeHighRisk))
            }
            Err(e) => Err(failed(e, Operation::ChangeHighRisk)),
        },
    }
}
