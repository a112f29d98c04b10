//! One user, everything the lookup API says about them, and the changes an operator makes:
//! enable/disable and the high-risk flag, each confirmed, shown as the server answered it,
//! undoable, and written to the action log.

use crate::api;
use crate::session::{use_session, Session, SessionCtx};
use crate::ui::{or_dash, status_class, use_log, yes_no, Ask, ConfirmDialog, CopyButton, Flash, Note};
use cas_core::access::Operation;
use cas_core::actionlog::Outcome;
use cas_core::error::{classify, message, status_conflict_message, ApiError, UserMessage};
use cas_core::localuser::LocalUserForm;
use cas_core::route::{path, Page};
use cas_core::wire::{HighRiskAction, MultiStatusEntry, User, UserStatus};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::rc::Rc;

/// A change the operator asks for.
#[derive(Clone, Debug, PartialEq)]
enum Change {
    Status(UserStatus),
    HighRisk(HighRiskAction),
}

impl Change {
    fn busy(&self) -> &'static str {
        match self {
            Change::Status(UserStatus::Disabled) => "Disabling…",
            Change::Status(_) => "Enabling…",
            Change::HighRisk(HighRiskAction::Add) => "Adding to the high-risk list…",
            Change::HighRisk(HighRiskAction::Remove) => "Removing from the high-risk list…",
        }
    }

    fn log_label(&self, is_undo: bool) -> String {
        let base = match self {
            Change::Status(UserStatus::Disabled) => "Disable user",
            Change::Status(_) => "Enable user",
            Change::HighRisk(HighRiskAction::Add) => "Add to high-risk list",
            Change::HighRisk(HighRiskAction::Remove) => "Remove from high-risk list",
        };
        if is_undo { format!("{base} (undo)") } else { base.to_string() }
    }

    /// What takes it back, given the status before.
    fn reverse(&self, before: &Option<UserStatus>) -> Change {
        match self {
            Change::Status(_) => Change::Status(before.clone().unwrap_or(UserStatus::Enabled)),
            Change::HighRisk(HighRiskAction::Add) => Change::HighRisk(HighRiskAction::Remove),
            Change::HighRisk(HighRiskAction::Remove) => Change::HighRisk(HighRiskAction::Add),
        }
    }

    /// The confirmation a change needs; enabling needs none (it locks nobody out).
    fn ask(&self, who: &str) -> Option<Ask> {
        match self {
            Change::Status(UserStatus::Disabled) => Some(Ask {
                title: format!("Disable {who}?"),
                body: "A disabled user cannot access protected resources or register devices until an administrator enables them again.",
                confirm: "Disable",
            }),
            Change::Status(_) => None,
            Change::HighRisk(HighRiskAction::Add) => Some(Ask {
                title: format!("Add {who} to the high-risk list?"),
                body: "Access policies for high-risk users apply to them from their next authentication.",
                confirm: "Add to list",
            }),
            Change::HighRisk(HighRiskAction::Remove) => Some(Ask {
                title: format!("Remove {who} from the high-risk list?"),
                body: "Access policies for high-risk users no longer apply to them.",
                confirm: "Remove from list",
            }),
        }
    }
}

/// "Name (email)", or the email alone.
fn who(u: &User) -> String {
    let name = u.display_name();
    if name.is_empty() { u.email_address.clone() } else { format!("{name} ({})", u.email_address) }
}

/// The route: a user's page for the email in the address.
#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let email = Memo::new(move |_| params.read().get("email").unwrap_or_default());
    // A new user, a new page: nothing of the last one's outcome or undo carries over.
    move || view! { <UserView email=email.get()/> }
}

/// The lookup as loaded: the user and the answer's text, for the raw view.
type Lookup = Result<(User, String), ApiError>;

#[component]
fn UserView(email: String) -> impl IntoView {
    let session = use_session();
    let log = use_log();
    let unsynched = RwSignal::new(false);
    let lookup: LocalResource<Lookup> = LocalResource::new({
        let email = email.clone();
        move || {
            let (email, deep, s) = (email.clone(), unsynched.get(), session.get_untracked());
            async move {
                let Some(s) = s else { return Err(ApiError::Aborted) };
                api::lookup(&s, &email, deep, None).await
            }
        }
    });

    let outcome = RwSignal::new(use_context::<Flash>().and_then(|Flash(f)| f.try_update(Option::take).flatten()).map(|m| (m, true)));
    let undo = RwSignal::new(None::<Change>);
    let asking = RwSignal::new(None::<Change>);
    let found = move || lookup.get().and_then(Result::ok).map(|(u, _)| u);

    // Sends a change and reports it: the page shows what the server answered, the log keeps it.
    let change = Action::new_local(move |(c, is_undo): &(Change, bool)| {
        let (c, is_undo) = (c.clone(), *is_undo);
        let (s, user) = (session.get_untracked(), found());
        async move {
            let (Some(s), Some(user)) = (s, user) else { return };
            outcome.set(None);
            let before = user.status().cloned();
            let label = c.log_label(is_undo);
            match apply(&s, &c, &user).await {
                Ok((m, details)) => {
                    log.record(&label, &user.email_address, Outcome::Succeeded, details);
                    undo.set(if is_undo { None } else { Some(c.reverse(&before)) });
                    outcome.set(Some((m, true)));
                    match &c {
                        // The status answer says the new status: shown as it said.
                        Change::Status(new) => lookup.update(|l| {
                            if let Some(Ok((u, _))) = l {
                                u.user_status = Some(new.clone());
                            }
                        }),
                        // The lookup is the truth about the flag: read it back.
                        Change::HighRisk(_) => lookup.refetch(),
                    }
                }
                Err((m, logged, details)) => {
                    log.record(&label, &user.email_address, logged, details);
                    outcome.set(Some((m, false)));
                }
            }
        }
    });
    let request = move |c: Change| match found().and_then(|u| c.ask(&who(&u))) {
        Some(_) => asking.set(Some(c)),
        None => {
            change.dispatch((c, false));
        }
    };
    let ask = Signal::derive(move || asking.get().zip(found()).and_then(|(c, u)| c.ask(&who(&u))));
    let answer = Callback::new(move |yes: bool| {
        if let Some(c) = asking.try_update(Option::take).flatten() {
            if yes {
                change.dispatch((c, false));
            }
        }
    });
    let controls = Controls { session, change, undo, outcome };

    let loading = format!("Looking up {email}…");
    view! {
        <section class="user" aria-labelledby="user-title">
            <p class="crumbs"><A href=path(&Page::Search)>"← Search"</A></p>
            // `get` is None until the first answer; a reload keeps the page as it is until the
            // new answer is in.
            {move || match lookup.get() {
                None => view! { <p class="busy" role="status">{loading.clone()}</p> }.into_any(),
                Some(Ok((user, raw))) => view! { <Found user=user raw=raw controls=controls request=request/> }.into_any(),
                Some(Err(ApiError::Aborted)) => ().into_any(),
                Some(Err(e)) => {
                    let retry = move |_| lookup.refetch();
                    let deep = move |_| unsynched.set(true);
                    view! {
                        <h1 id="user-title">{email.clone()}</h1>
                        <Note message=message(&e, Some(Operation::Lookup))/>
                        <div class="actions">
                            <button type="button" data-test="retry" on:click=retry>"Try again"</button>
                            <button type="button" data-test="search-unsynched" on:click=deep>"Search the identity source"</button>
                        </div>
                    }.into_any()
                }
            }}
            <ConfirmDialog ask=ask answer=answer/>
        </section>
    }
}

/// What the action buttons need from the page.
#[derive(Clone, Copy)]
struct Controls {
    session: SessionCtx,
    change: Action<(Change, bool), ()>,
    undo: RwSignal<Option<Change>>,
    outcome: RwSignal<Option<(UserMessage, bool)>>,
}

#[component]
fn Found(user: User, raw: String, controls: Controls, request: impl Fn(Change) + Copy + Send + Sync + 'static) -> impl IntoView {
    let name = user.display_name();
    let status = user.status().map(|s| s.to_string()).unwrap_or_else(|| "Unknown".into());
    let title = if name.is_empty() { user.email_address.clone() } else { name.clone() };
    let extra: Vec<(String, String)> = user.extra.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
    view! {
        <div class="title-row">
            <h1 id="user-title">{title}</h1>
            <span class=status_class(&status) data-test="status">{status.clone()}</span>
            {(user.high_risk_user == Some(true)).then(|| view! { <span class="badge risk" data-test="high-risk-badge">"High risk"</span> })}
        </div>
        <Actions user=user.clone() controls=controls request=request/>
        <div class="groups">
            {detail_groups(&user, &name, &status).into_iter().enumerate().map(|(i, (title, items))| view! {
                <section aria-label=title>
                    <h2>{title}</h2>
                    <dl>
                        {(i == 0).then(|| view! {
                            <div><dt>"Email"</dt><dd><span data-test="email">{user.email_address.clone()}</span>" "<CopyButton text=user.email_address.clone() label="Copy email"/></dd></div>
                            <div><dt>"User ID"</dt><dd><code data-test="user-id">{user.id.clone()}</code>" "<CopyButton text=user.id.clone() label="Copy user ID"/></dd></div>
                        })}
                        {items.into_iter().map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> }).collect_view()}
                    </dl>
                </section>
            }).collect_view()}
            {(!extra.is_empty()).then(|| view! {
                <section aria-label="Other fields from the server">
                    <h2>"Other fields from the server"</h2>
                    <dl class="extra" data-test="extra">
                        {extra.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
                    </dl>
                </section>
            })}
        </div>
        <details>
            <summary>"Raw answer"</summary>
            <pre>{raw}</pre>
        </details>
    }
}

/// The buttons (or why each is not offered), the undo, what is in flight and the last outcome.
#[component]
fn Actions(user: User, controls: Controls, request: impl Fn(Change) + Copy + Send + Sync + 'static) -> impl IntoView {
    let Controls { session, change, undo, outcome } = controls;
    // What the credential allows can change while the page is open (rights found out, a
    // token replaced): the controls say so at once.
    let denial = move |op: Operation| {
        let s = session.get_untracked()?;
        s.changed.track();
        s.allows(op).err().map(|d| d.explain(op))
    };
    let busy = move || change.pending().get();
    let status = user.status().cloned();
    let to_status = match status {
        // Pending deletion offers "Enable": the server explains why it cannot (409).
        Some(UserStatus::Disabled | UserStatus::PendingDeletion) => UserStatus::Enabled,
        _ => UserStatus::Disabled,
    };
    let high_risk = user.high_risk_user == Some(true);
    let to_risk = if high_risk { HighRiskAction::Remove } else { HighRiskAction::Add };
    let edit = if !LocalUserForm::editable(&user) {
        let source = user.identity_source.clone().unwrap_or_default();
        Err(format!("Not editable here: the user comes from \u{201c}{source}\u{201d}, and only Local Identity Source users can be edited."))
    } else {
        Ok(path(&Page::EditUser(user.email_address.clone())))
    };
    let in_flight = move || change.input().get().map(|(c, _)| c.busy());
    // After a change (and when the page opens on a message, "Saved."), the focus lands on
    // Undo when the change succeeded, else on the outcome. A change redraws this component.
    let undo_button = NodeRef::<leptos::html::Button>::new();
    let outcome_box = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let Some(ok) = outcome.with(|o| o.as_ref().map(|(_, ok)| *ok)) else { return };
        // Once drawn; a redraw may have replaced this component by then.
        request_animation_frame(move || {
            let undo = undo_button.try_get_untracked().flatten().filter(|_| ok);
            match (undo, outcome_box.try_get_untracked().flatten()) {
                (Some(b), _) => drop(b.focus()),
                (None, Some(o)) => drop(o.focus()),
                _ => {}
            }
        });
    });

    view! {
        <div class="actions" aria-label="Actions">
            {move || match denial(Operation::SetUserStatus) {
                Some(why) => view! { <p class="why-not" data-test="status-denied">{why}</p> }.into_any(),
                None => {
                    let to = to_status.clone();
                    let (label, class) = if to == UserStatus::Enabled { ("Enable user", "") } else { ("Disable user", "danger") };
                    view! { <button type="button" class=class data-test="status-toggle" disabled=busy on:click=move |_| request(Change::Status(to.clone()))>{label}</button> }.into_any()
                }
            }}
            {move || match denial(Operation::ChangeHighRisk) {
                Some(why) => view! { <p class="why-not" data-test="risk-denied">{why}</p> }.into_any(),
                None => {
                    let label = if high_risk { "Remove from high-risk list" } else { "Add to high-risk list" };
                    view! { <button type="button" data-test="risk-toggle" disabled=busy on:click=move |_| request(Change::HighRisk(to_risk))>{label}</button> }.into_any()
                }
            }}
            {move || match edit.clone().and_then(|href| denial(Operation::UpdateLocalUser).map_or(Ok(href), Err)) {
                Err(why) => view! { <p class="why-not" data-test="edit-denied">{why}</p> }.into_any(),
                Ok(href) => view! { <A href=href attr:class="button">"Edit"</A> }.into_any(),
            }}
            {move || undo.get().map(|u| view! {
                <button type="button" data-test="undo" node_ref=undo_button disabled=busy on:click=move |_| {
                    undo.set(None);
                    change.dispatch((u.clone(), true));
                }>"Undo"</button>
            })}
            <p class="busy" role="status">{in_flight}</p>
        </div>
        <div tabindex="-1" node_ref=outcome_box data-test="outcome">
            {move || outcome.get().map(|(m, ok)| view! { <Note message=m kind=if ok { "note ok" } else { "note error" }/> })}
        </div>
    }
}

/// The lookup answer grouped for a human; every field shown, "—" where absent.
fn detail_groups(u: &User, name: &str, status: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    vec![
        ("Identity", vec![
            ("Name", if name.is_empty() { "—".into() } else { name.to_string() }),
            ("Primary username", or_dash(&u.principal_username)),
            ("Alternate username", or_dash(&u.alternate_username)),
            ("Primary unique identifier", or_dash(&u.primary_unique_identifier)),
            ("Identity source", or_dash(&u.identity_source)),
            ("Created", or_dash(&u.creation_date)),
            ("Last synchronized", or_dash(&u.last_sync_time)),
            ("Last authenticated", or_dash(&u.month_last_authenticated)),
        ]),
        ("Status", vec![
            ("Status", status.to_string()),
            ("Marked deleted", yes_no(u.mark_deleted).into()),
            ("Marked deleted at", or_dash(&u.mark_deleted_at)),
            ("Marked deleted by", or_dash(&u.mark_deleted_by)),
            ("High risk", yes_no(u.high_risk_user).into()),
        ]),
        ("Authentication methods", vec![
            ("Token locked", yes_no(u.is_token_locked).into()),
            ("SMS number", or_dash(&u.sms_number)),
            ("SMS locked", yes_no(u.is_sms_locked).into()),
            ("Voice number", or_dash(&u.voice_number)),
            ("Voice locked", yes_no(u.is_voice_locked).into()),
            ("Fingerprint locked", yes_no(u.is_fingerprint_locked).into()),
            ("Approve locked", yes_no(u.is_approve_locked).into()),
        ]),
        ("Emergency access", vec![
            ("Status", or_dash(&u.emergency_access_status)),
            ("Tokencode ID", or_dash(&u.emergency_tokencode_id)),
            ("Expires", or_dash(&u.emergency_tokencode_expiration)),
            ("Last used", or_dash(&u.emergency_tokencode_last_use)),
            ("Offline status", or_dash(&u.offline_emergency_access_status)),
            ("Offline expires", or_dash(&u.offline_emergency_tokencode_expiration)),
        ]),
    ]
}

/// Sends one change. Ok: the message for the page and the log's details. Err: the message, the
/// log's outcome (failed, or unknown) and details.
async fn apply(s: &Rc<Session>, change: &Change, user: &User) -> Result<(UserMessage, String), (UserMessage, Outcome, String)> {
    let who = who(user);
    let pending_deletion = user.status() == Some(&UserStatus::PendingDeletion) || user.mark_deleted == Some(true);
    let failed = |e: ApiError, op: Operation| {
        let m = match (&e, op) {
            (ApiError::Conflict { .. }, Operation::SetUserStatus) => status_conflict_message(pending_deletion),
            _ => message(&e, Some(op)),
        };
        let details = format!("{} {}", e.status().map(|c| c.to_string()).unwrap_or_else(|| "no answer".into()), e.detail());
        (m, Outcome::Failed, details.trim().to_string())
    };
    match change {
        Change::Status(new) => match api::set_status(s, &user.id, new.clone()).await {
            Ok(answer) => Ok((
                UserMessage::new(format!("{who} is now {}.", answer.user_status), "Undo puts it back."),
                format!("200, status now {}", answer.user_status),
            )),
            Err(e) => Err(failed(e, Operation::SetUserStatus)),
        },
        Change::HighRisk(action) => match api::change_high_risk(s, *action, vec![user.email_address.clone()]).await {
            Ok(ms) => match ms.users.first() {
                None => {
                    let what = match action {
                        HighRiskAction::Add => "is now on the high-risk list",
                        HighRiskAction::Remove => "is no longer on the high-risk list",
                    };
                    Ok((UserMessage::new(format!("{who} {what}."), "Undo puts it back."), "200".to_string()))
                }
                Some(MultiStatusEntry::Item(item)) => Err(failed(classify(item.status_code, None, &item.error, None), Operation::ChangeHighRisk)),
                // Never taken for a success.
                Some(MultiStatusEntry::Unreadable(_)) => Err((
                    UserMessage::new(
                        format!("The server answered 207 but what it said about {who} could not be read: whether the change was made is unknown."),
                        "Reload the user to see whether they are on the high-risk list before trying again.",
                    ),
                    Outcome::Unknown,
                    "207, entry unreadable: outcome unknown".to_string(),
                )),
            },
            Err(e) => Err(failed(e, Operation::ChangeHighRisk)),
        },
    }
}

/// The route: a user, in a wasm chunk of its own, loaded on the way to the page (the first
/// load is the shell and the connect screen; see ARCHITECTURE.md).
pub struct UserRoute;

#[lazy_route]
impl LazyRoute for UserRoute {
    fn data() -> Self {
        UserRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <UserPage/> }.into_any()
    }
}
