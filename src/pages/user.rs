//! One user, everything the lookup API says about them, and the changes an operator makes:
//! enable/disable and the high-risk flag, each confirmed, shown as the server answered it,
//! undoable, and written to the action log.
//!
//! Drawn the plain way (see `dom`): the page's state lives in one `Shown`, and `draw` and
//! `draw_actions` put it on the page; clicks are delegated to the page's root.

use crate::api;
use crate::dom::{attrs, closest, el, follow_link, note, on_screen, part};
use crate::session::{use_session, Session, SessionCtx};
use crate::ui::{or_dash, status_class, use_log, yes_no, ActionLog, Flash};
use cas_core::access::Operation;
use cas_core::actionlog::Outcome;
use cas_core::error::{message, status_conflict_message, ApiError, UserMessage};
use cas_core::localuser::LocalUserForm;
use cas_core::route::{self, Page};
use cas_core::wire::{HighRiskAction, User, UserStatus};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;

enum Loaded {
    Loading,
    /// The user and the server's answer as it came.
    Found(Box<User>, String),
    Failed(UserMessage),
}

/// A change to make: asked about, in flight, or the one that takes the last change back.
#[derive(Clone, PartialEq)]
enum Pending {
    Status(UserStatus),
    HighRisk(HighRiskAction),
}

/// Everything the page shows. The last change's message and undo outlive a reload of the
/// user, so showing the server's new state keeps them.
struct Shown {
    email: String,
    loaded: Loaded,
    /// Set by "Search the identity source": lookups ask for users not yet synchronized.
    unsynched: bool,
    busy: Option<&'static str>,
    outcome: Option<(UserMessage, bool)>,
    /// What takes the last change back, with one click.
    undo: Option<Pending>,
    /// The change the confirmation dialog asks about.
    pending: Option<Pending>,
    /// A message from the page before (e.g. "Saved." after an edit), shown once.
    flash: Option<UserMessage>,
}

/// What every handler needs; all of it `Copy`.
#[derive(Clone, Copy)]
struct Ctx {
    session: SessionCtx,
    log: ActionLog,
    shown: StoredValue<Shown>,
    root: NodeRef<html::Div>,
}

impl Ctx {
    fn live(&self) -> Option<Element> {
        on_screen(self.root).map(Element::from)
    }

    fn draw(&self) {
        if let Some(r) = self.live() {
            self.shown.with_value(|s| draw(&r, s, self.session.get_untracked().as_deref()));
        }
    }

    fn draw_actions(&self) {
        if let Some(r) = self.live() {
            self.shown.with_value(|s| draw_actions(&r, s, self.session.get_untracked().as_deref()));
        }
    }

    fn load(self) {
        let Some(s) = self.session.get_untracked() else { return };
        let (email, deep) = self.shown.with_value(|v| (v.email.clone(), v.unsynched));
        spawn_local(async move {
            let outcome = api::lookup(&s, &email, deep, None).await;
            let loaded = match outcome {
                Ok((u, raw)) => Loaded::Found(Box::new(u), raw),
                Err(err) => Loaded::Failed(message(&err, Some(Operation::Lookup))),
            };
            self.shown.update_value(|v| v.loaded = loaded);
            self.draw();
        });
    }

    /// Asks first when the change locks someone out or changes their policies; runs it if not.
    fn ask(self, change: Pending) {
        // Only disabling locks someone out; enabling needs no second thought.
        if matches!(change, Pending::Status(UserStatus::Enabled)) {
            return self.run(change, false);
        }
        let Some(r) = self.live() else { return };
        let who = self.shown.with_value(|v| match &v.loaded {
            Loaded::Found(u, _) => who(u),
            _ => String::new(),
        });
        let (title, body, label) = match &change {
            Pending::Status(_) => (
                format!("Disable {who}?"),
                "A disabled user cannot access protected resources or register devices until an administrator enables them again.",
                "Disable",
            ),
            Pending::HighRisk(HighRiskAction::Add) => (
                format!("Add {who} to the high-risk list?"),
                "Access policies for high-risk users apply to them from their next authentication.",
                "Add to list",
            ),
            Pending::HighRisk(HighRiskAction::Remove) => (
                format!("Remove {who} from the high-risk list?"),
                "Access policies for high-risk users no longer apply to them.",
                "Remove from list",
            ),
        };
        self.shown.update_value(|v| v.pending = Some(change));
        let Some(d) = part(&r, "u-confirm").and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok()) else { return };
        for (sel, text) in [("h2", title.as_str()), ("p", body), ("[data-act=confirm]", label)] {
            if let Some(e) = d.query_selector(sel).ok().flatten() {
                e.set_text_content(Some(text));
            }
        }
        // Modal: focus stays inside while open, and Escape closes it without a change.
        let _ = d.show_modal();
    }

    /// Runs a change and reports it: the page shows what the server answered, the log keeps it.
    fn run(self, change: Pending, is_undo: bool) {
        let Some(s) = self.session.get_untracked() else { return };
        let Some((id, email, who, before, pending_deletion)) = self.shown.with_value(|v| match &v.loaded {
            Loaded::Found(u, _) => {
                let status = u.status().cloned();
                let deleting = status == Some(UserStatus::PendingDeletion) || u.mark_deleted == Some(true);
                Some((u.id.clone(), u.email_address.clone(), who(u), status, deleting))
            }
            _ => None,
        }) else {
            return;
        };
        let busy = match change {
            Pending::Status(UserStatus::Disabled) => "Disabling…",
            Pending::Status(_) => "Enabling…",
            Pending::HighRisk(HighRiskAction::Add) => "Adding to the high-risk list…",
            Pending::HighRisk(HighRiskAction::Remove) => "Removing from the high-risk list…",
        };
        self.shown.update_value(|v| {
            v.busy = Some(busy);
            v.outcome = None;
            v.flash = None;
        });
        self.draw_actions();
        spawn_local(async move {
            let result = apply(&s, &change, &id, &email, &who, pending_deletion).await;
            let action = action_label(&change, is_undo);
            match result {
                Ok((m, answered)) => {
                    self.log.record(&action, &email, Outcome::Succeeded, answered);
                    self.shown.update_value(|v| {
                        v.busy = None;
                        v.undo = if is_undo { None } else { Some(reverse(&change, &before)) };
                        v.outcome = Some((m, true));
                        if let (Pending::Status(new), Loaded::Found(u, _)) = (&change, &mut v.loaded) {
                            u.user_status = Some(new.clone());
                        }
                    });
                    match change {
                        Pending::Status(_) => self.draw(),
                        // The lookup is the truth about the flag: read it back.
                        Pending::HighRisk(_) => {
                            self.draw_actions();
                            self.load();
                        }
                    }
                }
                Err((m, details)) => {
                    self.log.record(&action, &email, Outcome::Failed, details);
                    self.shown.update_value(|v| {
                        v.busy = None;
                        v.outcome = Some((m, false));
                    });
                    self.draw_actions();
                }
            }
        });
    }

    fn on_click(self, ev: &web_sys::MouseEvent) {
        let Some(button) = closest(ev, "[data-act]") else { return follow_link(ev) };
        let act = button.get_attribute("data-act").unwrap_or_default();
        let target = self.shown.with_value(|v| match &v.loaded {
            Loaded::Found(u, _) => Some((u.status().cloned(), u.high_risk_user == Some(true), u.email_address.clone(), u.id.clone())),
            _ => None,
        });
        match (act.as_str(), target) {
            ("retry", _) => self.load(),
            ("unsynched", _) => {
                self.shown.update_value(|v| v.unsynched = true);
                self.load();
            }
            ("status", Some((status, ..))) => self.ask(Pending::Status(match status {
                // Pending deletion offers "Enable": the server explains why it cannot (409).
                Some(UserStatus::Disabled | UserStatus::PendingDeletion) => UserStatus::Enabled,
                _ => UserStatus::Disabled,
            })),
            ("risk", Some((_, high_risk, ..))) => {
                self.ask(Pending::HighRisk(if high_risk { HighRiskAction::Remove } else { HighRiskAction::Add }))
            }
            ("undo", _) => {
                if let Some(undo) = self.shown.try_update_value(|v| v.undo.take()).flatten() {
                    self.run(undo, true);
                }
            }
            ("confirm" | "cancel", _) => {
                if let Some(d) = button.closest("dialog").ok().flatten().and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
                    d.close();
                }
                let pending = self.shown.try_update_value(|v| v.pending.take()).flatten();
                if let (Some(change), "confirm") = (pending, act.as_str()) {
                    self.run(change, false);
                }
            }
            ("copy-email" | "copy-id", Some((_, _, email, id))) => {
                let text = if act == "copy-email" { email } else { id };
                if let Some(w) = web_sys::window() {
                    let _ = w.navigator().clipboard().write_text(&text);
                    button.set_text_content(Some("Copied"));
                    set_timeout(move || button.set_text_content(Some("Copy")), std::time::Duration::from_secs(2));
                }
            }
            _ => {}
        }
    }
}

/// "Name (email)", or the email alone.
fn who(u: &User) -> String {
    let name = u.display_name();
    if name.is_empty() { u.email_address.clone() } else { format!("{name} ({})", u.email_address) }
}

pub fn page(email: String) -> AnyView {
    let ctx = Ctx {
        session: use_session(),
        log: use_log(),
        shown: StoredValue::new(Shown {
            email: email.clone(),
            loaded: Loaded::Loading,
            unsynched: false,
            busy: None,
            outcome: None,
            undo: None,
            pending: None,
            flash: use_context::<Flash>().and_then(|Flash(f)| f.try_update(Option::take).flatten()),
        }),
        root: NodeRef::new(),
    };
    ctx.load();
    // What the credential allows can change while the page is open (rights found out,
    // a token replaced): the controls say so at once.
    Effect::new(move |_| {
        if let Some(s) = ctx.session.get() {
            s.changed.track();
        }
        ctx.draw_actions();
    });
    let search = route::path(&Page::Search);
    view! {
        <section class="user" aria-labelledby="user-title">
            <div node_ref=ctx.root on:click=move |ev| ctx.on_click(&ev)>
                <p class="crumbs"><a href=search>"← Search"</a></p>
                <div id="u-body"><p class="busy" role="status">{format!("Looking up {email}…")}</p></div>
            </div>
        </section>
    }
    .into_any()
}

const FOUND: &str = concat!(
    r#"<div class="title-row"><h1 id="user-title"></h1></div>"#,
    r#"<div id="u-actions" class="actions" aria-label="Actions"></div><div id="u-outcome"></div>"#,
    r#"<dialog id="u-confirm" class="confirm" aria-labelledby="confirm-title"><h2 id="confirm-title"></h2><p></p>"#,
    r#"<div class="actions"><button type="button" data-act="cancel">Cancel</button>"#,
    r#"<button type="button" class="danger" data-act="confirm"></button></div></dialog>"#,
    r#"<div class="groups"></div>"#,
);

/// The page body for what is loaded.
fn draw(root: &Element, v: &Shown, session: Option<&Session>) {
    let Some(body) = part(root, "u-body") else { return };
    match &v.loaded {
        Loaded::Loading => {}
        Loaded::Failed(m) => {
            body.set_text_content(None);
            if let Some(h) = el(&body, "h1", "", &v.email) {
                attrs(&h, &[("id", "user-title")]);
            }
            if let Some(n) = note(&body, "note error", &m.what, &m.next) {
                attrs(&n, &[("role", "alert")]);
            }
            let Some(a) = el(&body, "div", "actions", "") else { return };
            for (act, text, test) in [("retry", "Try again", "retry"), ("unsynched", "Search the identity source", "search-unsynched")] {
                if let Some(b) = el(&a, "button", "", text) {
                    attrs(&b, &[("type", "button"), ("data-act", act), ("data-test", test)]);
                }
            }
        }
        Loaded::Found(u, raw) => {
            body.set_inner_html(FOUND);
            draw_user(&body, u, raw);
            draw_actions(root, v, session);
        }
    }
}

/// The title, the groups of fields, the server's other fields and its raw answer.
fn draw_user(body: &Element, u: &User, raw: &str) {
    let name = u.display_name();
    let status = u.status().map(|s| s.to_string()).unwrap_or_else(|| "Unknown".into());
    if let Some(title) = body.first_element_child() {
        if let Some(h) = title.first_element_child() {
            h.set_text_content(Some(if name.is_empty() { &u.email_address } else { &name }));
        }
        if let Some(b) = el(&title, "span", &status_class(&status), &status) {
            attrs(&b, &[("data-test", "status")]);
        }
        if u.high_risk_user == Some(true) {
            if let Some(b) = el(&title, "span", "badge risk", "High risk") {
                attrs(&b, &[("data-test", "high-risk-badge")]);
            }
        }
    }
    let Some(groups) = body.query_selector(".groups").ok().flatten() else { return };
    for (i, (title, items)) in detail_groups(u, &name, &status).into_iter().enumerate() {
        let Some(sec) = el(&groups, "section", "", "") else { return };
        attrs(&sec, &[("aria-label", title)]);
        el(&sec, "h2", "", title);
        let Some(dl) = el(&sec, "dl", "", "") else { return };
        if i == 0 {
            for (label, value, tag, test, act, copy) in [
                ("Email", &u.email_address, "span", "email", "copy-email", "Copy email"),
                ("User ID", &u.id, "code", "user-id", "copy-id", "Copy user ID"),
            ] {
                let Some(dd) = row(&dl, label, "") else { return };
                if let Some(v) = el(&dd, tag, "", value) {
                    attrs(&v, &[("data-test", test)]);
                }
                let _ = dd.append_with_str_1(" ");
                if let Some(b) = el(&dd, "button", "copy", "Copy") {
                    attrs(&b, &[("type", "button"), ("data-act", act), ("aria-label", copy)]);
                }
            }
        }
        for (label, value) in items {
            row(&dl, &label, &value);
        }
    }
    let extra = cas_core::json::Json::parse(raw).map(|j| cas_core::decode::user_extras(&j)).unwrap_or_default();
    if !extra.is_empty() {
        if let Some(sec) = el(&groups, "section", "", "") {
            attrs(&sec, &[("aria-label", "Other fields from the server")]);
            el(&sec, "h2", "", "Other fields from the server");
            if let Some(dl) = el(&sec, "dl", "extra", "") {
                attrs(&dl, &[("data-test", "extra")]);
                for (label, value) in extra {
                    row(&dl, &label, &value);
                }
            }
        }
    }
    if let Some(d) = el(body, "details", "", "") {
        el(&d, "summary", "", "Raw answer");
        el(&d, "pre", "", raw);
    }
}

/// One `<div><dt>label</dt><dd>value</dd></div>`; returns the `dd`.
fn row(dl: &Element, label: &str, value: &str) -> Option<Element> {
    let d = el(dl, "div", "", "")?;
    el(&d, "dt", "", label);
    el(&d, "dd", "", value)
}

/// The buttons (or why each is not offered), the undo, what is in flight and the last outcome.
fn draw_actions(root: &Element, v: &Shown, session: Option<&Session>) {
    let (Some(actions), Some(outcome), Loaded::Found(u, _)) = (part(root, "u-actions"), part(root, "u-outcome"), &v.loaded) else { return };
    actions.set_text_content(None);
    let denial = |op: Operation| session.and_then(|s| s.allows(op).err().map(|d| d.explain(op)));
    let why_not = |why: &str, test: &str| {
        if let Some(p) = el(&actions, "p", "why-not", why) {
            attrs(&p, &[("data-test", test)]);
        }
    };
    let button = |class: &str, text: &str, act: &str, test: &str| {
        if let Some(b) = el(&actions, "button", class, text) {
            attrs(&b, &[("type", "button"), ("data-act", act), ("data-test", test)]);
            if v.busy.is_some() {
                attrs(&b, &[("disabled", "")]);
            }
        }
    };
    match denial(Operation::SetUserStatus) {
        Some(why) => why_not(&why, "status-denied"),
        None => match u.status() {
            Some(UserStatus::Disabled | UserStatus::PendingDeletion) => button("", "Enable user", "status", "status-toggle"),
            _ => button("danger", "Disable user", "status", "status-toggle"),
        },
    }
    match denial(Operation::ChangeHighRisk) {
        Some(why) => why_not(&why, "risk-denied"),
        None if u.high_risk_user == Some(true) => button("", "Remove from high-risk list", "risk", "risk-toggle"),
        None => button("", "Add to high-risk list", "risk", "risk-toggle"),
    }
    // Editing: offered for local users, explained for everyone else.
    if !LocalUserForm::editable(u) {
        let source = u.identity_source.clone().unwrap_or_default();
        why_not(&format!("Not editable here: the user comes from \u{201c}{source}\u{201d}, and only Local Identity Source users can be edited."), "edit-denied");
    } else if let Some(why) = denial(Operation::UpdateLocalUser) {
        why_not(&why, "edit-denied");
    } else if let Some(a) = el(&actions, "a", "button", "Edit") {
        attrs(&a, &[("href", &route::path(&Page::EditUser(u.email_address.clone())))]);
    }
    if v.undo.is_some() {
        button("", "Undo", "undo", "undo");
    }
    if let Some(p) = el(&actions, "p", "busy", v.busy.unwrap_or_default()) {
        attrs(&p, &[("role", "status")]);
    }
    outcome.set_text_content(None);
    let notes = v.outcome.iter().map(|(m, ok)| (m, *ok)).chain(v.flash.iter().map(|m| (m, true)));
    for (m, ok) in notes {
        if let Some(n) = note(&outcome, if ok { "note ok" } else { "note error" }, &m.what, &m.next) {
            attrs(&n, &[("role", if ok { "status" } else { "alert" })]);
        }
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

fn reverse(change: &Pending, before: &Option<UserStatus>) -> Pending {
    match change {
        Pending::Status(_) => Pending::Status(before.clone().unwrap_or(UserStatus::Enabled)),
        Pending::HighRisk(HighRiskAction::Add) => Pending::HighRisk(HighRiskAction::Remove),
        Pending::HighRisk(HighRiskAction::Remove) => Pending::HighRisk(HighRiskAction::Add),
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
