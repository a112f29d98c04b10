//! One user: everything the lookup API says about them, what stands in the way of their
//! signing in, and the changes a help-desk call needs (enable/disable, the high-risk flag,
//! unlock, emergency access, authenticators, synchronization, deletion). Each change is
//! confirmed, with an optional reason or ticket number, shown as the server answered it, and
//! written to the action log.
//!
//! A file per panel: `diagnosis`, `history`, `authenticators`, `locks`, `emergency`,
//! `lifecycle` (synchronization and deletion); `view` holds the data-driven views they share.
//! This file holds the page, what its panels share (`Desk`) and every change (`Change`,
//! `apply`).

mod authenticators;
mod diagnosis;
mod emergency;
mod history;
mod lifecycle;
mod locks;
mod view;

use crate::api::{self, IssuedCode};
use crate::session::{use_session, Session, SessionCtx};
use crate::ui::{or_dash, status_class, use_log, yes_no, ActionLog, Ask, ConfirmDialog, CopyButton, Flash, Note};
use cas_core::access::Operation;
use cas_core::actionlog::{self, LogEntry, Outcome};
use cas_core::error::{classify, message, status_conflict_message, ApiError, UserMessage};
use cas_core::helpdesk::diagnosis::Lock;
use cas_core::helpdesk::{messages, summary, AuthLogEntry, EmergencyChoice, UnlockMethod, UnlockResponse};
use cas_core::localuser::LocalUserForm;
use cas_core::route::{path, Page};
use cas_core::wire::{HighRiskAction, MultiStatusEntry, User, UserStatus};
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};
use send_wrapper::SendWrapper;
use std::rc::Rc;
use std::time::Duration;
use view::{Rows, Value};

/// A change the operator asks for.
#[derive(Clone, Debug, PartialEq)]
enum Change {
    Status(UserStatus),
    HighRisk(HighRiskAction),
    Unlock(Vec<UnlockMethod>),
    DeleteAuthenticator { id: String, name: String },
    IssueCode(EmergencyChoice),
    /// The code's id, when known.
    DisableCode(Option<String>),
    Sync,
    /// Mark (true) or take the mark back (false).
    MarkDeleted(bool),
}

fn method_names(ms: &[UnlockMethod]) -> String {
    ms.iter().map(|m| Lock::of(*m).name()).collect::<Vec<_>>().join(", ")
}

impl Change {
    fn busy(&self) -> &'static str {
        match self {
            Change::Status(UserStatus::Disabled) => "Disabling…",
            Change::Status(_) => "Enabling…",
            Change::HighRisk(HighRiskAction::Add) => "Adding to the high-risk list…",
            Change::HighRisk(HighRiskAction::Remove) => "Removing from the high-risk list…",
            Change::Unlock(_) => "Unlocking…",
            Change::DeleteAuthenticator { .. } => "Deleting the authenticator…",
            Change::IssueCode(_) => "Issuing an emergency access code…",
            Change::DisableCode(_) => "Disabling the emergency access code…",
            Change::Sync => "Synchronizing with the identity source…",
            Change::MarkDeleted(true) => "Marking for deletion…",
            Change::MarkDeleted(false) => "Taking back the deletion…",
        }
    }

    fn log_label(&self, is_undo: bool) -> String {
        let base = match self {
            Change::Status(UserStatus::Disabled) => "Disable user".to_string(),
            Change::Status(_) => "Enable user".to_string(),
            Change::HighRisk(HighRiskAction::Add) => "Add to high-risk list".to_string(),
            Change::HighRisk(HighRiskAction::Remove) => "Remove from high-risk list".to_string(),
            Change::Unlock(ms) => format!("Unlock {}", method_names(ms)),
            Change::DeleteAuthenticator { .. } => "Delete authenticator".to_string(),
            Change::IssueCode(_) => "Issue emergency access code".to_string(),
            Change::DisableCode(_) => "Disable emergency access code".to_string(),
            Change::Sync => "Synchronize user".to_string(),
            Change::MarkDeleted(true) => "Mark for deletion".to_string(),
            Change::MarkDeleted(false) => "Take back deletion".to_string(),
        };
        if is_undo { format!("{base} (undo)") } else { base }
    }

    /// What takes it back, given the status before; only the two toggles have an undo.
    fn reverse(&self, before: &Option<UserStatus>) -> Option<Change> {
        match self {
            Change::Status(_) => Some(Change::Status(before.clone().unwrap_or(UserStatus::Enabled))),
            Change::HighRisk(HighRiskAction::Add) => Some(Change::HighRisk(HighRiskAction::Remove)),
            Change::HighRisk(HighRiskAction::Remove) => Some(Change::HighRisk(HighRiskAction::Add)),
            _ => None,
        }
    }

    /// The confirmation a change needs; enabling needs none (it locks nobody out).
    fn ask(&self, who: &str) -> Option<Ask> {
        let (title, body, confirm) = match self {
            Change::Status(UserStatus::Disabled) => (
                format!("Disable {who}?"),
                "A disabled user cannot access protected resources or register devices until an administrator enables them again.",
                "Disable",
            ),
            Change::Status(_) => return None,
            Change::HighRisk(HighRiskAction::Add) => (
                format!("Add {who} to the high-risk list?"),
                "Access policies for high-risk users apply to them from their next authentication.",
                "Add to list",
            ),
            Change::HighRisk(HighRiskAction::Remove) => (
                format!("Remove {who} from the high-risk list?"),
                "Access policies for high-risk users no longer apply to them.",
                "Remove from list",
            ),
            Change::Unlock(ms) => (format!("Unlock {} for {who}?", method_names(ms)), "They can sign in with these methods again straight away.", "Unlock"),
            Change::DeleteAuthenticator { name, .. } => (
                format!("Delete the authenticator \u{201c}{name}\u{201d} of {who}?"),
                "They can no longer sign in with it; to use it again they must register it again. This cannot be undone.",
                "Delete",
            ),
            Change::IssueCode(c) => (
                format!("Issue an emergency access code for {who} ({})?", c.describe()),
                "The code is shown on this page once: give it to the user over a channel you trust. It is never written to the action log or anywhere else.",
                "Issue code",
            ),
            Change::DisableCode(_) => (
                format!("Disable the emergency access code of {who}?"),
                "Their online emergency access codes stop working at once; an offline code for a Windows computer still works until it expires.",
                "Disable code",
            ),
            Change::Sync => (
                format!("Synchronize {who} with the identity source now?"),
                "CAS reads the user from the directory again. If the directory has them disabled, or no longer has them, CAS disables them too.",
                "Synchronize",
            ),
            Change::MarkDeleted(true) => (
                format!("Mark {who} for deletion?"),
                "CAS deletes the user, with their authenticators and history, seven days from now. Until then the deletion can be taken back.",
                "Mark for deletion",
            ),
            Change::MarkDeleted(false) => (
                format!("Take back the deletion of {who}?"),
                "The user stays in CAS, disabled: enable them afterwards if they should sign in again.",
                "Take back",
            ),
        };
        Some(Ask { title, body, confirm })
    }
}

/// Where on the page a change was asked for: its outcome is shown there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    Actions,
    Diagnosis,
    Authenticators,
    Locks,
    Emergency,
    Sync,
    Deletion,
}

/// A change on its way: what, from where, whether it undoes the last one, and the reason.
#[derive(Clone, Debug, PartialEq)]
struct Request {
    change: Change,
    from: Area,
    undo: bool,
    reason: Option<String>,
}

/// The outcome of the last change, for the area it was asked from.
#[derive(Clone, Debug, PartialEq)]
struct Told {
    message: UserMessage,
    ok: bool,
    area: Area,
}

/// A code just issued, shown once where it was asked for.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    area: Area,
    code: IssuedCode,
}

/// The synchronization just made: the last sync time and the status, before and after.
#[derive(Clone, Debug, PartialEq)]
struct Synced {
    before: (Option<String>, Option<UserStatus>),
    after: (Option<String>, Option<UserStatus>),
}

/// A panel's load: refused before any request, failed, or there.
#[derive(Clone, Debug, PartialEq)]
enum Loaded<T> {
    Denied(String),
    Failed(UserMessage),
    Ready(T),
}

impl<T> Loaded<T> {
    fn ready(&self) -> Option<&T> {
        match self {
            Loaded::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// The lookup as loaded: the user and the answer's text, for the raw view.
type Lookup = Result<(User, String), ApiError>;

/// What the page's panels share: the user, the one change action and what came of it.
#[derive(Clone, Copy)]
struct Desk {
    session: SessionCtx,
    log: ActionLog,
    lookup: LocalResource<Lookup>,
    user: Memo<Option<User>>,
    change: Action<Request, ()>,
    asking: RwSignal<Option<(Change, Area)>>,
    reason: RwSignal<String>,
    outcome: RwSignal<Option<Told>>,
    undo: RwSignal<Option<Change>>,
    issued: RwSignal<Option<Shown>>,
    unlocked: RwSignal<Option<UnlockResponse>>,
    synced: RwSignal<Option<Synced>>,
    /// The diagnosis' findings, for the ticket summary.
    findings: RwSignal<Vec<String>>,
    /// Bumped to read the history and the authenticators again after a change.
    reload_history: RwSignal<u32>,
    reload_devices: RwSignal<u32>,
}

impl Desk {
    /// Asks for `c`: through its confirmation where it has one, at once otherwise.
    fn request(self, c: Change, from: Area) {
        let who = self.user.with_untracked(|u| u.as_ref().map(who)).unwrap_or_default();
        if c.ask(&who).is_some() {
            self.reason.set(String::new());
            self.asking.set(Some((c, from)));
        } else {
            self.change.dispatch(Request { change: c, from, undo: false, reason: None });
        }
    }

    /// Why the credential cannot do `op`, said before any request; tracks the rights, which
    /// can change while the page is open (rights found out, a token replaced).
    fn denial(self, op: Operation) -> Option<String> {
        let s = self.session.get_untracked()?;
        s.changed.track();
        s.allows(op).err().map(|d| d.explain(op))
    }

    /// `denial` as a memo: what depends on it changes only when the answer does, not on every
    /// token renewal.
    fn may(self, op: Operation) -> Memo<Option<String>> {
        Memo::new(move |_| self.denial(op))
    }

    fn busy(self) -> bool {
        self.change.pending().get()
    }

    /// What is in flight from `area`.
    fn in_flight(self, area: Area) -> Option<&'static str> {
        self.change.input().with(|r| r.as_ref().filter(|r| r.from == area).map(|r| r.change.busy()))
    }

    /// What is in flight from `area`, in words, while it is.
    fn busy_line(self, area: Area) -> impl IntoView {
        view! { <p class="busy" role="status">{move || self.in_flight(area)}</p> }
    }

    /// The last outcome, where it was asked for, and (but for the actions row, which shows it
    /// among its buttons) what is in flight there. When an outcome
    /// arrives (or the page opens on one, "Saved."), the focus lands on `undo` if the change
    /// succeeded and it is drawn, else on the outcome.
    fn told(self, area: Area, undo: Option<NodeRef<html::Button>>) -> impl IntoView {
        let outcome_box = NodeRef::<html::Div>::new();
        Effect::new(move |_| {
            let Some(ok) = self.outcome.with(|o| o.as_ref().filter(|t| t.area == area).map(|t| t.ok)) else { return };
            // Once drawn; a redraw may have replaced these elements by then.
            request_animation_frame(move || {
                let undo = undo.and_then(|u| u.try_get_untracked().flatten()).filter(|_| ok);
                match (undo, outcome_box.try_get_untracked().flatten()) {
                    (Some(b), _) => drop(b.focus()),
                    (None, Some(o)) => drop(o.focus()),
                    _ => {}
                }
            });
        });
        view! {
            {(area != Area::Actions).then(|| self.busy_line(area))}
            <div class="told" tabindex="-1" node_ref=outcome_box data-test=(area == Area::Actions).then_some("outcome")>
                {move || self.outcome.get().filter(|t| t.area == area).map(|t| view! { <Note message=t.message kind=if t.ok { "note ok" } else { "note error" }/> })}
            </div>
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
                let abort = api::abort_on_cleanup()?;
                api::lookup(&s, &email, deep, Some(&abort)).await
            }
        }
    });
    let user = Memo::new(move |_| lookup.get().and_then(Result::ok).map(|(u, _)| u));
    let found = Memo::new(move |_| user.with(Option::is_some));
    // "Try again" waits, visibly, for the new answer (the old one stays on screen till then).
    let again = RwSignal::new(false);
    Effect::new(move |_| {
        lookup.track();
        again.set(false);
    });

    let outcome = RwSignal::new(use_context::<Flash>().and_then(|Flash(f)| f.try_update(Option::take).flatten()).map(|m| Told { message: m, ok: true, area: Area::Actions }));
    let (undo, issued, unlocked, synced) = (RwSignal::new(None), RwSignal::new(None), RwSignal::new(None), RwSignal::new(None));
    let (reload_history, reload_devices) = (RwSignal::new(0), RwSignal::new(0));

    // Sends a change and reports it: the page shows what the server answered, the log keeps it.
    let change = Action::new_local(move |r: &Request| {
        let r = r.clone();
        let (s, user) = (session.get_untracked(), user.get_untracked());
        async move {
            let (Some(s), Some(user)) = (s, user) else { return };
            outcome.set(None);
            let before = user.status().cloned();
            let label = r.change.log_label(r.undo);
            let told = |message, ok| outcome.set(Some(Told { message, ok, area: r.from }));
            match apply(&s, &r.change, &user).await {
                Ok(Applied { message, details, effect }) => {
                    log.record(&label, &user.email_address, Outcome::Succeeded, actionlog::with_reason(details, r.reason.as_deref()));
                    undo.set(if r.undo { None } else { r.change.reverse(&before) });
                    told(message, true);
                    match effect {
                        // The status answer says the new status: shown as it said.
                        Aftermath::Status(new) => lookup.update(|l| {
                            if let Some(Ok((u, _))) = l {
                                u.user_status = Some(new);
                            }
                        }),
                        Aftermath::Unlocked(answer) => {
                            lookup.update(|l| {
                                if let Some(Ok((u, _))) = l {
                                    u.is_token_locked = Some(answer.is_token_locked);
                                    u.is_sms_locked = Some(answer.is_sms_locked);
                                    u.is_voice_locked = Some(answer.is_voice_locked);
                                }
                            });
                            unlocked.set(Some(answer));
                        }
                        Aftermath::Issued(code) => {
                            issued.set(Some(Shown { area: r.from, code }));
                            lookup.refetch();
                        }
                        Aftermath::Synced(after, raw) => {
                            synced.set(Some(Synced {
                                before: (user.last_sync_time.clone(), before),
                                after: (after.last_sync_time.clone(), after.user_status.clone()),
                            }));
                            lookup.update(|l| *l = Some(Ok((after, raw))));
                            // A synchronization that changes the status writes an event.
                            reload_history.update(|n| *n += 1);
                        }
                        Aftermath::Deleted => reload_devices.update(|n| *n += 1),
                        Aftermath::CodeDisabled => {
                            issued.set(None);
                            lookup.refetch();
                        }
                        // The lookup is the truth about the flag and the deletion mark.
                        Aftermath::Reload => lookup.refetch(),
                    }
                }
                Err(Refused { message, outcome: logged, details, reload }) => {
                    log.record(&label, &user.email_address, logged, actionlog::with_reason(details, r.reason.as_deref()));
                    told(message, false);
                    match reload {
                        Some(Aftermath::Deleted) => reload_devices.update(|n| *n += 1),
                        Some(_) => lookup.refetch(),
                        None => {}
                    }
                }
            }
        }
    });
    let desk = Desk {
        session,
        log,
        lookup,
        user,
        change,
        asking: RwSignal::new(None),
        reason: RwSignal::new(String::new()),
        outcome,
        undo,
        issued,
        unlocked,
        synced,
        findings: RwSignal::new(Vec::new()),
        reload_history,
        reload_devices,
    };
    let ask = Signal::derive(move || desk.asking.get().zip(user.get()).and_then(|((c, _), u)| c.ask(&who(&u))));
    let answer = Callback::new(move |yes: bool| {
        if let Some((c, from)) = desk.asking.try_update(Option::take).flatten() {
            if yes {
                let reason = actionlog::reason(&desk.reason.get_untracked());
                change.dispatch(Request { change: c, from, undo: false, reason });
            }
        }
    });

    let loading = format!("Looking up {email}…");
    view! {
        <section class="user" aria-labelledby="user-title">
            <p class="crumbs"><A href=path(&Page::Search)>"← Search"</A></p>
            // `get` is None until the first answer; a reload keeps the page as it is until the
            // new answer is in.
            {move || match lookup.get() {
                None => view! { <p class="busy" role="status">{loading.clone()}</p> }.into_any(),
                Some(Ok((user, _))) => view! { <Head user=user desk=desk/> }.into_any(),
                Some(Err(ApiError::Aborted)) => ().into_any(),
                Some(Err(e)) => {
                    let retry = move |_| {
                        again.set(true);
                        lookup.refetch();
                    };
                    let deep = move |_| {
                        again.set(true);
                        unsynched.set(true);
                    };
                    let looking = format!("Looking up {email} again…");
                    view! {
                        <h1 id="user-title">{email.clone()}</h1>
                        <Note message=message(&e, Some(Operation::Lookup))/>
                        <div class="actions">
                            <button type="button" data-test="retry" disabled=move || again.get() on:click=retry>"Try again"</button>
                            <button type="button" data-test="search-unsynched" disabled=move || again.get() on:click=deep>"Search the identity source"</button>
                            <p class="busy" role="status">{move || again.get().then(|| looking.clone())}</p>
                        </div>
                    }.into_any()
                }
            }}
            // The panels are made once the user is found and stay through reloads: what they
            // loaded and what the operator chose in them survives every change.
            <Show when=move || found.get()>
                <Panels desk=desk/>
            </Show>
            <ConfirmDialog ask=ask answer=answer reason=desk.reason/>
        </section>
    }
}

/// The title, the badges and the actions.
#[component]
fn Head(user: User, desk: Desk) -> impl IntoView {
    let name = user.display_name();
    let status = user.status().map(|s| s.to_string()).unwrap_or_else(|| "Unknown".into());
    let title = if name.is_empty() { user.email_address.clone() } else { name };
    view! {
        <div class="title-row">
            <h1 id="user-title">{title}</h1>
            <span class=status_class(&status) data-test="status">{status.clone()}</span>
            {(user.high_risk_user == Some(true)).then(|| view! { <span class="badge risk" data-test="high-risk-badge">"High risk"</span> })}
        </div>
        <Actions user=user desk=desk/>
    }
}

/// The buttons (or why each is not offered), the undo, the summary, what is in flight and the
/// last outcome.
#[component]
fn Actions(user: User, desk: Desk) -> impl IntoView {
    let busy = move || desk.busy();
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

    let undo_button = NodeRef::<html::Button>::new();
    view! {
        <div class="actions" aria-label="Actions">
            {move || match desk.denial(Operation::SetUserStatus) {
                Some(why) => view! { <p class="why-not" data-test="status-denied">{why}</p> }.into_any(),
                None => {
                    let to = to_status.clone();
                    let (label, class) = if to == UserStatus::Enabled { ("Enable user", "") } else { ("Disable user", "danger") };
                    view! { <button type="button" class=class data-test="status-toggle" disabled=busy on:click=move |_| desk.request(Change::Status(to.clone()), Area::Actions)>{label}</button> }.into_any()
                }
            }}
            {move || match desk.denial(Operation::ChangeHighRisk) {
                Some(why) => view! { <p class="why-not" data-test="risk-denied">{why}</p> }.into_any(),
                None => {
                    let label = if high_risk { "Remove from high-risk list" } else { "Add to high-risk list" };
                    view! { <button type="button" data-test="risk-toggle" disabled=busy on:click=move |_| desk.request(Change::HighRisk(to_risk), Area::Actions)>{label}</button> }.into_any()
                }
            }}
            {move || match edit.clone().and_then(|href| desk.denial(Operation::UpdateLocalUser).map_or(Ok(href), Err)) {
                Err(why) => view! { <p class="why-not" data-test="edit-denied">{why}</p> }.into_any(),
                Ok(href) => view! { <A href=href attr:class="button">"Edit"</A> }.into_any(),
            }}
            {move || desk.undo.get().map(|u| view! {
                <button type="button" data-test="undo" node_ref=undo_button disabled=busy on:click=move |_| {
                    desk.undo.set(None);
                    desk.change.dispatch(Request { change: u.clone(), from: Area::Actions, undo: true, reason: None });
                }>"Undo"</button>
            })}
            <SummaryButton desk=desk/>
            // In the row of buttons, where the eye is after a click (the outcome goes below).
            {desk.busy_line(Area::Actions)}
        </div>
        <div>{desk.told(Area::Actions, Some(undo_button))}</div>
    }
}

/// "Copy summary": the ticket text for this user, made when clicked from the action log
/// (which never holds an emergency code) and the diagnosis' findings.
#[component]
fn SummaryButton(desk: Desk) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let Some(u) = desk.user.get_untracked() else { return };
        let Some(w) = web_sys::window() else { return };
        let origin = w.location().origin().unwrap_or_default();
        let link = format!("{origin}{}", path(&Page::User(u.email_address.clone())));
        let findings = desk.findings.get_untracked();
        let text = desk.log.0.with_untracked(|entries| {
            let mine: Vec<&LogEntry> = entries.iter().filter(|e| e.target.eq_ignore_ascii_case(&u.email_address)).collect();
            summary::ticket(&who(&u), &link, &findings, &mine)
        });
        let _ = w.navigator().clipboard().write_text(&text);
        copied.set(true);
        set_timeout(move || copied.set(false), Duration::from_secs(2));
    };
    view! {
        <button type="button" data-test="copy-summary" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy summary" }}</button>
    }
}

/// Everything below the actions, made once the user is found: the diagnosis, the details,
/// the panels and the raw answer. The history and the authenticators are read here, once, for
/// their panels and the diagnosis alike; nothing is asked that the credential may not do.
#[component]
fn Panels(desk: Desk) -> impl IntoView {
    let session = desk.session;
    let id = Memo::new(move |_| desk.user.with(|u| u.as_ref().map(|u| u.id.clone()).unwrap_or_default()));
    let (logs, v1, v2) = (desk.may(Operation::ReadAuthLogs), desk.may(Operation::ReadAuthenticators), desk.may(Operation::ReadAuthenticatorsV2));

    let history: LocalResource<Loaded<Vec<AuthLogEntry>>> = LocalResource::new(move || {
        desk.reload_history.track();
        let (id, denied, s) = (id.get(), logs.get(), session.get_untracked());
        async move {
            if let Some(why) = denied {
                return Loaded::Denied(why);
            }
            let Some(s) = s else { return Loaded::Failed(message(&ApiError::Aborted, None)) };
            load(&s, move |s, abort| async move { api::auth_logs(&s, &id, &Default::default(), Some(&abort)).await }, Operation::ReadAuthLogs).await
        }
    });
    let authenticators: LocalResource<Loaded<api::Authenticators>> = LocalResource::new(move || {
        desk.reload_devices.track();
        let (id, v1, v2, s) = (id.get(), v1.get(), v2.get(), session.get_untracked());
        async move {
            if let Some(why) = v1 {
                return Loaded::Denied(why);
            }
            let Some(s) = s else { return Loaded::Failed(message(&ApiError::Aborted, None)) };
            load(&s, move |s, abort| async move { api::authenticators(&s, &id, v2, Some(&abort)).await }, Operation::ReadAuthenticators).await
        }
    });

    view! {
        <diagnosis::Diagnosis desk=desk history=history authenticators=authenticators/>
        {move || desk.user.get().map(|u| view! { <Details user=u/> })}
        <div class="panels">
            <history::History desk=desk recent=history/>
            <locks::Locks desk=desk/>
            <authenticators::Authenticators desk=desk list=authenticators/>
            <emergency::Emergency desk=desk/>
            <lifecycle::Sync desk=desk/>
            <lifecycle::Deletion desk=desk/>
        </div>
        {move || desk.lookup.get().and_then(Result::ok).map(|(u, raw)| view! { <Raw user=u raw=raw/> })}
    }
}

/// A panel's read, aborted when the page goes; `op` words a refusal.
async fn load<T, F, Fut>(s: &Rc<Session>, read: F, op: Operation) -> Loaded<T>
where
    F: FnOnce(Rc<Session>, web_sys::AbortController) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let abort = match api::abort_switch() {
        Ok(a) => a,
        Err(e) => return Loaded::Failed(message(&e, Some(op))),
    };
    let on_leave = SendWrapper::new(abort.clone());
    on_cleanup(move || on_leave.abort());
    match read(s.clone(), abort).await {
        Ok(t) => Loaded::Ready(t),
        Err(e) => Loaded::Failed(message(&e, Some(op))),
    }
}

/// The lookup answer grouped for a human; every field shown, "—" where absent, dates in
/// words.
#[component]
fn Details(user: User) -> impl IntoView {
    let u = &user;
    let name = u.display_name();
    let status = u.status().map(|s| s.to_string()).unwrap_or_else(|| "Unknown".into());
    let t = |v: &Option<String>| Value::Text(or_dash(v));
    let yn = |v: Option<bool>| Value::Text(yes_no(v).into());
    let groups: Vec<(&'static str, Vec<(&'static str, Value)>)> = vec![
        ("Identity", vec![
            ("Name", Value::text(Some(&name))),
            ("Primary username", t(&u.principal_username)),
            ("Alternate username", t(&u.alternate_username)),
            ("Primary unique identifier", t(&u.primary_unique_identifier)),
            ("Identity source", t(&u.identity_source)),
            ("Created", Value::when(&u.creation_date)),
            ("Last synchronized", Value::when(&u.last_sync_time)),
            ("Last authenticated", t(&u.month_last_authenticated)),
        ]),
        ("Status", vec![
            ("Status", Value::Text(status)),
            ("Marked deleted", yn(u.mark_deleted)),
            ("Marked deleted at", Value::when(&u.mark_deleted_at)),
            ("Marked deleted by", t(&u.mark_deleted_by)),
            ("High risk", yn(u.high_risk_user)),
        ]),
        ("Authentication methods", vec![
            ("Token locked", yn(u.is_token_locked)),
            ("SMS number", t(&u.sms_number)),
            ("SMS locked", yn(u.is_sms_locked)),
            ("Voice number", t(&u.voice_number)),
            ("Voice locked", yn(u.is_voice_locked)),
            ("Fingerprint locked", yn(u.is_fingerprint_locked)),
            ("Approve locked", yn(u.is_approve_locked)),
        ]),
        ("Emergency access", vec![
            ("Status", t(&u.emergency_access_status)),
            ("Tokencode ID", t(&u.emergency_tokencode_id)),
            ("Expires", Value::when(&u.emergency_tokencode_expiration)),
            ("Last used", Value::when(&u.emergency_tokencode_last_use)),
            ("Offline status", t(&u.offline_emergency_access_status)),
            ("Offline expires", Value::when(&u.offline_emergency_tokencode_expiration)),
        ]),
    ];
    let extra: Vec<(String, Value)> = u.extra.iter().map(|(k, v)| (k.clone(), Value::Text(v.to_string()))).collect();
    let (email, id) = (u.email_address.clone(), u.id.clone());
    view! {
        <div class="groups">
            {groups.into_iter().enumerate().map(|(i, (title, rows))| view! {
                <section aria-label=title>
                    <h2>{title}</h2>
                    {(i == 0).then(|| view! {
                        <dl>
                            <div><dt>"Email"</dt><dd><span data-test="email">{email.clone()}</span>" "<CopyButton text=email.clone() label="Copy email"/></dd></div>
                            <div><dt>"User ID"</dt><dd><code data-test="user-id">{id.clone()}</code>" "<CopyButton text=id.clone() label="Copy user ID"/></dd></div>
                        </dl>
                    })}
                    <Rows rows=rows.into_iter().map(|(l, v)| (l.to_string(), v)).collect()/>
                </section>
            }).collect_view()}
            {(!extra.is_empty()).then(|| view! {
                <section aria-label="Other fields from the server">
                    <h2>"Other fields from the server"</h2>
                    <Rows rows=extra class="extra" test="extra"/>
                </section>
            })}
        </div>
    }
}

/// The answer as it came, and every date in it exactly as the server wrote it.
#[component]
fn Raw(user: User, raw: String) -> impl IntoView {
    let u = &user;
    let exact = |v: &Option<String>| Value::text(v.as_deref());
    let dates = vec![
        ("Created".to_string(), exact(&u.creation_date)),
        ("Last synchronized".to_string(), exact(&u.last_sync_time)),
        ("Marked deleted at".to_string(), exact(&u.mark_deleted_at)),
        ("Emergency code expires".to_string(), exact(&u.emergency_tokencode_expiration)),
        ("Emergency code last used".to_string(), exact(&u.emergency_tokencode_last_use)),
        ("Offline code expires".to_string(), exact(&u.offline_emergency_tokencode_expiration)),
    ];
    view! {
        <details class="raw">
            <summary>"Raw answer"</summary>
            <h3>"Dates as the server wrote them (ISO 8601, UTC)"</h3>
            <Rows rows=dates class="exact" test="exact-dates"/>
            <pre>{raw}</pre>
        </details>
    }
}

/// What a change did, for the page and the log.
struct Applied {
    message: UserMessage,
    /// The log's details (status, what the server said); never a secret.
    details: String,
    effect: Aftermath,
}

/// What the page does with a change's answer.
enum Aftermath {
    Status(UserStatus),
    Unlocked(UnlockResponse),
    Issued(IssuedCode),
    Synced(User, String),
    Deleted,
    CodeDisabled,
    Reload,
}

/// A change refused or unknown: the message, the log's outcome and details, and what to read
/// again.
struct Refused {
    message: UserMessage,
    outcome: Outcome,
    details: String,
    reload: Option<Aftermath>,
}

fn refused(e: &ApiError, m: UserMessage) -> Refused {
    let details = format!("{} {}", e.status().map(|c| c.to_string()).unwrap_or_else(|| "no answer".into()), e.detail());
    Refused { message: m, outcome: Outcome::Failed, details: details.trim().to_string(), reload: None }
}

/// A date for a message: in words, in the operator's zone.
fn in_words(iso: &Option<String>) -> Option<String> {
    iso.as_deref().and_then(|i| cas_core::when::in_words(i, crate::session::now_secs() as i64, view::offset_at))
}

/// Sends one change.
async fn apply(s: &Rc<Session>, change: &Change, user: &User) -> Result<Applied, Refused> {
    let who = who(user);
    let id = user.id.as_str();
    let pending_deletion = user.status() == Some(&UserStatus::PendingDeletion) || user.mark_deleted == Some(true);
    let plain = |e: &ApiError, op: Operation| refused(e, message(e, Some(op)));
    let done = |what: String, next: &str, details: String, effect: Aftermath| Applied { message: UserMessage::new(what, next), details, effect };
    match change {
        Change::Status(new) => match api::set_status(s, id, new.clone()).await {
            Ok(answer) => Ok(done(
                format!("{who} is now {}.", answer.user_status),
                "Undo puts it back.",
                format!("200, status now {}", answer.user_status),
                Aftermath::Status(answer.user_status),
            )),
            Err(e @ ApiError::Conflict { .. }) => Err(refused(&e, status_conflict_message(pending_deletion))),
            Err(e) => Err(plain(&e, Operation::SetUserStatus)),
        },
        Change::HighRisk(action) => match api::change_high_risk(s, *action, vec![user.email_address.clone()]).await {
            Ok(ms) => match ms.users.first() {
                None => {
                    let what = match action {
                        HighRiskAction::Add => "is now on the high-risk list",
                        HighRiskAction::Remove => "is no longer on the high-risk list",
                    };
                    Ok(done(format!("{who} {what}."), "Undo puts it back.", "200".to_string(), Aftermath::Reload))
                }
                Some(MultiStatusEntry::Item(item)) => Err(plain(&classify(item.status_code, None, &item.error, None), Operation::ChangeHighRisk)),
                // Never taken for a success.
                Some(MultiStatusEntry::Unreadable(_)) => Err(Refused {
                    message: UserMessage::new(
                        format!("The server answered 207 but what it said about {who} could not be read: whether the change was made is unknown."),
                        "Reload the user to see whether they are on the high-risk list before trying again.",
                    ),
                    outcome: Outcome::Unknown,
                    details: "207, entry unreadable: outcome unknown".to_string(),
                    reload: None,
                }),
            },
            Err(e) => Err(plain(&e, Operation::ChangeHighRisk)),
        },
        Change::Unlock(methods) => match api::unlock(s, id, methods.clone()).await {
            Ok(answer) => {
                let still: Vec<UnlockMethod> = methods.iter().copied().filter(|m| answer.locked(*m)).collect();
                let states = UnlockMethod::ALL.map(|m| format!("{} {}", m.as_str(), if answer.locked(m) { "locked" } else { "unlocked" })).join(", ");
                let (what, next) = if still.is_empty() {
                    (format!("{} unlocked for {who}.", method_names(methods)), "They can sign in with it again now.")
                } else {
                    (format!("The server answered, but {} is still locked for {who}.", method_names(&still)), "Try again; if it stays locked, check the user in the Cloud Administration Console.")
                };
                Ok(done(what, next, format!("200, {states}"), Aftermath::Unlocked(answer)))
            }
            Err(e) => Err(plain(&e, Operation::UnlockMethods)),
        },
        Change::DeleteAuthenticator { id: device, name } => match api::delete_authenticator(s, id, device).await {
            Ok(()) => Ok(done(
                format!("The authenticator \u{201c}{name}\u{201d} of {who} is deleted."),
                "They must register it again to sign in with it.",
                format!("200, deleted \u{201c}{name}\u{201d} ({device})"),
                Aftermath::Deleted,
            )),
            Err(e) => {
                let mut r = refused(&e, messages::delete_authenticator(&e));
                r.details = format!("{}, device \u{201c}{name}\u{201d} ({device})", r.details);
                r.reload = matches!(e, ApiError::NotFound { .. }).then_some(Aftermath::Deleted);
                Err(r)
            }
        },
        Change::IssueCode(choice) => match api::issue_emergency_code(s, id, *choice).await {
            Ok(code) => {
                let version = if code.v1_because.is_some() { "v1" } else { "v2" };
                let uses = match code.one_time_use {
                    Some(true) => "one use",
                    Some(false) => "many uses",
                    None => "uses as the tenant sets",
                };
                let until = code.expires.clone().unwrap_or_else(|| "not stated".into());
                let overridden = if code.locked == Some(true) { ", tenant settings locked: request overridden" } else { "" };
                let what = match in_words(&code.expires) {
                    Some(w) => format!("An emergency access code is issued for {who}: {uses}, valid until {w}."),
                    None => format!("An emergency access code is issued for {who}: {uses}."),
                };
                // The details name the code's id and terms, never the code.
                let details = format!("200 ({version}), {uses}, valid until {until}{overridden}, id {}", code.id.clone().unwrap_or_else(|| "not stated".into()));
                Ok(done(what, "Give it to the user now: it is shown only here, and only until you hide it or leave the page.", details, Aftermath::Issued(code)))
            }
            Err(e) => Err(plain(&e, Operation::IssueEmergencyCode)),
        },
        Change::DisableCode(code_id) => match api::disable_emergency_code(s, id, code_id.as_deref()).await {
            Ok(()) => Ok(done(
                format!("The emergency access codes of {who} are disabled."),
                "An offline code for a Windows computer still works until it expires.",
                format!("200, code {}", code_id.clone().unwrap_or_else(|| "id not known: all codes".into())),
                Aftermath::CodeDisabled,
            )),
            Err(e) => Err(plain(&e, Operation::DisableEmergencyCode)),
        },
        Change::Sync => match api::sync(s, id).await {
            Ok((after, raw)) => {
                let status = after.status().map(|s| s.to_string()).unwrap_or_else(|| "unknown".into());
                let changed = after.status() != user.status();
                let what = if changed {
                    format!("{who} is synchronized with the identity source: their status is now {status}.")
                } else {
                    format!("{who} is synchronized with the identity source; their status stays {status}.")
                };
                let next = match after.status() {
                    Some(UserStatus::Disabled) => "The directory still has them disabled or does not have them: enable or restore the account there, then synchronize again.",
                    _ => "",
                };
                let details = format!("200, status {status}, last sync {}", after.last_sync_time.clone().unwrap_or_else(|| "not stated".into()));
                Ok(done(what, next, details, Aftermath::Synced(after, raw)))
            }
            Err(e) => Err(refused(&e, messages::sync(&e))),
        },
        Change::MarkDeleted(mark) => match api::mark_deleted(s, id, *mark).await {
            Ok(answer) => {
                let (what, next) = if answer.mark_deleted {
                    (format!("{who} is marked for deletion: CAS deletes them in seven days."), "Take back the deletion before then if it was a mistake.")
                } else {
                    (format!("The deletion of {who} is taken back: they stay in CAS, disabled."), "Enable them if they should sign in again.")
                };
                let at = answer.mark_deleted_at.clone().map(|t| format!(" at {t}")).unwrap_or_default();
                let details = format!("200, markDeleted {}{at}", answer.mark_deleted);
                if answer.mark_deleted == *mark {
                    Ok(done(what, next, details, Aftermath::Reload))
                } else {
                    // A 200 whose mark is not the one asked for is not a success.
                    Err(Refused {
                        message: UserMessage::new(
                            format!("The server answered 200 but says markDeleted is {}: the change was not made.", answer.mark_deleted),
                            "The user is read again: check their state.",
                        ),
                        outcome: Outcome::Failed,
                        details,
                        reload: Some(Aftermath::Reload),
                    })
                }
            }
            Err(e) => {
                let mut r = refused(&e, messages::mark_deleted(&e, *mark));
                r.reload = matches!(e, ApiError::Conflict { .. }).then_some(Aftermath::Reload);
                Err(r)
            }
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
