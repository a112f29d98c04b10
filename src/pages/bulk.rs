//! Adding or removing many users at once: a pasted list or a CSV/text file, a preview of what
//! will be sent, then a job that sends it in batches and accounts for every identifier.
//!
//! The rules (batching, retries, reconciling answers) are `cas_core::bulk`'s; this page only
//! feeds it the clock and the answers. `Bulk` is provided by the app for the whole session, so
//! a job goes on while the operator looks at other pages.
//!
//! Drawn the plain way (see `dom`): a constant skeleton (the form, or the job), events
//! delegated to the page's root, and `redraw` for what changes.
//! The job's buttons are redrawn only when its phase changes, so a click always lands.

use crate::api;
use crate::dom::{attrs, closest, el, follow_link, note, on_screen, part};
use crate::pages::high_risk::{draw_rows, vlist_markup, Cell};
use crate::session::{use_session, SessionCtx};
use crate::ui::{download, use_log, ActionLog};
use cas_core::access::Operation;
use cas_core::bulk::{self, Category, Counts, Job, Outcome, Pause, Policy, State, CATEGORIES};
use cas_core::error::UserMessage;
use cas_core::wire::HighRiskAction;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlElement};

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

const HEAD: &str = r#"<p class="crumbs"><a href="/high-risk">← High-risk list</a></p><h1 id="bulk-title">Add or remove many high-risk users</h1>"#;

const FORM: &str = concat!(
    r#"<fieldset><legend>Change</legend>"#,
    r#"<label class="check"><input type="radio" name="bulk-action" id="bulk-add">Add them to the high-risk list</label>"#,
    r#"<label class="check"><input type="radio" name="bulk-action" id="bulk-remove">Remove them from the high-risk list</label></fieldset>"#,
    r#"<label for="bulk-input">Identifiers: emails, primary usernames or alternate usernames</label>"#,
    r#"<p class="hint">One per line, or separated by commas, semicolons or spaces. Repeats (ignoring case) are sent once.</p>"#,
    r#"<textarea id="bulk-input" rows="10" spellcheck="false"></textarea>"#,
    r#"<label for="bulk-file">… or load a CSV or text file</label>"#,
    r#"<input id="bulk-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/plain">"#,
    r#"<div id="bulk-chooser"></div><div id="bulk-preview"></div>"#,
);

const JOB: &str = r#"<div id="bulk-status"></div><div id="bulk-actions" class="actions"></div><div id="bulk-filters" class="filters" role="group" aria-label="Show outcomes"></div>"#;

/// Everything the page holds, in memory only.
#[derive(Default)]
struct Data {
    job: Option<Job>,
    remove: bool,
    text: String,
    /// A loaded CSV file: its name and rows, the chosen column, whether row 1 is a header.
    table: Option<(String, Vec<Vec<String>>)>,
    column: usize,
    header: bool,
    file_error: Option<UserMessage>,
    /// The start button was pressed once: the preview asks to confirm.
    confirming: bool,
    /// Outcome filter (None: all) and the rows it lets through.
    filter: Option<Category>,
    shown: Vec<u32>,
    /// What the page shows: 0 the form, else the job's phase (1 running, 2 paused,
    /// 3 cancelling, 4 finished) as last drawn.
    drawn: u32,
    /// When the pending wake-up timer fires (0: none).
    armed: u64,
}

impl Data {
    /// The identifiers the form holds now, one entry each.
    fn entries(&self) -> Vec<String> {
        match &self.table {
            Some((_, rows)) => bulk::column_values(rows, self.column, self.header),
            None => bulk::split_list(&self.text),
        }
    }

    fn phase(&self) -> u32 {
        match self.job.as_ref().map(Job::state) {
            None => 0,
            Some(State::Running) => 1,
            Some(State::Paused(_)) => 2,
            Some(State::Cancelling) => 3,
            Some(State::Finished) => 4,
        }
    }
}

/// The bulk page's state and job, shared by the whole session.
#[derive(Clone, Copy)]
pub struct Bulk {
    data: StoredValue<Data>,
    /// The page's root while it is shown.
    root: NodeRef<html::Div>,
    session: SessionCtx,
    log: ActionLog,
}

impl Bulk {
    /// Call once, in the app, after the session and the action log are provided.
    pub fn new() -> Bulk {
        let bulk = Bulk { data: StoredValue::new(Data::default()), root: NodeRef::new(), session: use_session(), log: use_log() };
        // Draws the page when it comes in; and a fresh credential (a pasted token replaced,
        // or connected again) lets a job that was waiting for one go on by itself.
        Effect::new(move |_| {
            if bulk.root.get().is_some() {
                bulk.data.update_value(|d| d.drawn = u32::MAX);
            }
            if let Some(s) = bulk.session.get() {
                s.changed.track();
                if !s.is_expired() && s.allows(Operation::ChangeHighRisk).is_ok() {
                    bulk.data.update_value(|d| {
                        if let Some(j) = d.job.as_mut().filter(|j| matches!(j.state(), State::Paused(Pause::Expired(_) | Pause::Disconnected))) {
                            j.resume(now_ms());
                        }
                    });
                }
            }
            bulk.changed();
            bulk.pump();
        });
        bulk
    }

    /// After any change: the rows the filter lets through, then a redraw.
    fn changed(self) {
        self.data.update_value(|d| {
            let filter = d.filter;
            d.shown = match &d.job {
                Some(j) => (0..j.items.len() as u32).filter(|i| filter.is_none_or(|c| j.items[*i as usize].outcome.category() == c)).collect(),
                None => Vec::new(),
            };
        });
        self.redraw();
    }

    fn job<R>(self, f: impl FnOnce(&mut Job) -> R) -> Option<R> {
        let r = self.data.try_update_value(|d| d.job.as_mut().map(f)).flatten();
        self.changed();
        r
    }

    /// Draws what changed, if the page is shown.
    fn redraw(self) {
        let Some(root) = on_screen(self.root) else { return };
        let denied = self.session.get_untracked().and_then(|s| s.allows(Operation::ChangeHighRisk).err().map(|d| d.explain(Operation::ChangeHighRisk)));
        self.data.update_value(|d| {
            let phase = d.phase();
            let swap = (phase == 0) != (d.drawn == 0) || d.drawn == u32::MAX;
            if swap {
                root.set_inner_html(&if phase == 0 {
                    format!("{HEAD}{FORM}")
                } else {
                    format!("{HEAD}{JOB}{}", vlist_markup("bulk-list", "bulk-cols", "Outcome of every identifier", &["Line", "Identifier", "Outcome", "Detail"]))
                });
            }
            let Some(j) = &d.job else {
                if swap {
                    fill_form(&root, d);
                }
                draw_preview(&root, d, denied);
                d.drawn = 0;
                return;
            };
            if swap || d.drawn != phase {
                draw_actions(&root, j, phase);
            }
            d.drawn = phase;
            draw_status(&root, j);
            draw_filters(&root, d, j);
            if let Some(list) = part(&root, "bulk-list") {
                draw_rows(&list, d.shown.len(), &|i| outcome_row(j, d.shown.get(i).copied()));
            }
        });
    }

    /// Sends what the job has ready, records a finished run in the action log, and sets a
    /// timer for the job's next wake-up. Called after every answer and every operator action.
    fn pump(self) {
        if self.data.with_value(|d| d.job.is_none()) {
            return;
        }
        let now = now_ms();
        let Some(s) = self.session.get_untracked() else {
            self.job(|j| j.pause_for(Pause::Disconnected, now));
            return;
        };
        while let Some((action, req)) = self.job(|j| Some((j.action, j.next(now)?))).flatten() {
            let s = s.clone();
            spawn_local(async move {
                let result = api::change_high_risk_once(&s, action, req.users).await;
                self.job(|j| j.answer(req.id, result, now_ms()));
                self.pump();
            });
        }
        if let Some(r) = self.job(Job::take_report).flatten() {
            self.log.record(&r.action, &r.target, r.outcome, r.details);
        }
        let wake = self
            .data
            .try_update_value(|d| {
                let at = d.job.as_ref()?.wake_at(now)?;
                (d.armed == 0 || at < d.armed).then(|| {
                    d.armed = at;
                    at
                })
            })
            .flatten();
        if let Some(at) = wake {
            let again = move || {
                self.data.update_value(|d| d.armed = 0);
                self.pump();
            };
            set_timeout(again, Duration::from_millis(at.saturating_sub(now)));
        }
    }

    /// A click anywhere on the page.
    fn click(self, ev: &web_sys::MouseEvent) {
        let Some(act) = closest(ev, "[data-act]").and_then(|b| b.get_attribute("data-act")) else {
            follow_link(ev);
            return;
        };
        let now = now_ms();
        match act.as_str() {
            "start" => self.data.update_value(|d| d.confirming = true),
            "back" => self.data.update_value(|d| d.confirming = false),
            "confirm" => self.data.update_value(|d| {
                let action = if d.remove { HighRiskAction::Remove } else { HighRiskAction::Add };
                let items = bulk::prepare(d.entries());
                (d.filter, d.confirming) = (None, false);
                d.job = Some(Job::start(action, items, Policy::default(), now, now));
            }),
            "text-box" => self.data.update_value(|d| d.table = None),
            "new" => self.data.update_value(|d| d.job = None),
            "export" => {
                let csv = self.data.with_value(|d| d.job.as_ref().map(|j| bulk::outcomes_csv(&j.items, j.action))).unwrap_or_default();
                let stamp = crate::ui::iso_now().replace([':', '.'], "-");
                download(&format!("high-risk-bulk-{stamp}.csv"), "text/csv;charset=utf-8", &csv);
            }
            "pause" => {
                self.job(|j| j.pause(now));
            }
            "resume" => {
                self.job(|j| j.resume(now));
            }
            "cancel" => {
                self.job(|j| j.cancel(now));
            }
            "retry" => {
                self.job(|j| j.retry_failed(now));
            }
            k => {
                let k: usize = k.parse().unwrap_or(0);
                self.data.update_value(|d| d.filter = k.checked_sub(1).and_then(|i| CATEGORIES.get(i).copied()));
            }
        }
        if act == "text-box" {
            draw_chooser(self);
        }
        self.changed();
        self.pump();
        if act == "start" {
            // The confirmation takes the keyboard focus.
            if let Some(b) = self.root.get_untracked().and_then(|r| r.query_selector("[data-act=confirm]").ok().flatten()) {
                let _ = b.unchecked_into::<HtmlElement>().focus();
            }
        }
    }

    /// Typing in the list, choosing an action, a column, a header or a file.
    fn edit(self, ev: &web_sys::Event) {
        let Some(target) = closest(ev, "input, textarea, select") else { return };
        let id = target.id();
        if id == "bulk-file" {
            // A file input fires both `input` and `change`: read the file once.
            if ev.type_() == "change" {
                self.load_file(target.unchecked_into());
            }
            return;
        }
        // Text arrives with `input`; the rest with `change` (a text box's `change` on blur
        // would redraw the button being clicked, and the click would be lost).
        if (id == "bulk-input") != (ev.type_() == "input") {
            return;
        }
        let value = event_target_value(ev);
        let checked = id == "bulk-header" && event_target_checked(ev);
        self.data.update_value(|d| {
            d.confirming = false;
            match id.as_str() {
                "bulk-input" => d.text = value,
                "bulk-add" => d.remove = false,
                "bulk-remove" => d.remove = true,
                "bulk-column" => d.column = value.parse().unwrap_or(0),
                "bulk-header" => d.header = checked,
                _ => {}
            }
        });
        self.changed();
    }

    /// A CSV (or TSV) file gets the column chooser; any other file goes into the text box.
    fn load_file(self, input: web_sys::HtmlInputElement) {
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            let lower = name.to_ascii_lowercase();
            self.data.update_value(|d| {
                d.file_error = None;
                match text {
                    None => {
                        d.file_error =
                            Some(UserMessage::new("The file could not be read.", "Choose it again; if it is on a network drive, copy it locally first."))
                    }
                    Some(text) if lower.ends_with(".csv") || lower.ends_with(".tsv") => {
                        let rows = bulk::parse_csv(&text);
                        (d.column, d.header) = bulk::guess_layout(&rows);
                        d.table = Some((name, rows));
                    }
                    Some(text) => {
                        d.table = None;
                        d.text = text;
                    }
                }
            });
            if let Some(r) = self.root.get_untracked() {
                self.data.with_value(|d| fill_form(&r, d));
            }
            self.changed();
        });
    }
}

pub fn page() -> AnyView {
    let bulk = expect_context::<Bulk>();
    view! {
        <section class="bulk" aria-labelledby="bulk-title">
            <div node_ref=bulk.root on:click=move |ev| bulk.click(&ev) on:input=move |ev| bulk.edit(&ev) on:change=move |ev| bulk.edit(&ev)
                on:scroll:capture=move |_| bulk.redraw()></div>
        </section>
    }
    .into_any()
}

/// Puts the form's state into a freshly drawn form.
fn fill_form(root: &Element, d: &Data) {
    if let Some(t) = part(root, "bulk-input") {
        let _ = js_sys::Reflect::set(&t, &"value".into(), &d.text.as_str().into());
    }
    if let Some(r) = part(root, if d.remove { "bulk-remove" } else { "bulk-add" }) {
        let _ = js_sys::Reflect::set(&r, &"checked".into(), &true.into());
    }
    draw_chooser_in(root, d);
}

fn draw_chooser(bulk: Bulk) {
    if let Some(r) = bulk.root.get_untracked() {
        bulk.data.with_value(|d| draw_chooser_in(&r, d));
    }
}

/// The CSV column chooser, drawn when a file is loaded or dropped (not on every keystroke, so
/// the select keeps its focus).
fn draw_chooser_in(root: &Element, d: &Data) {
    // While a CSV file is the input, the text box is not.
    if let Some(t) = part(root, "bulk-input") {
        let _ = js_sys::Reflect::set(&t, &"disabled".into(), &d.table.is_some().into());
    }
    let Some(root) = part(root, "bulk-chooser") else { return };
    root.set_text_content(None);
    let Some((name, rows)) = &d.table else { return };
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let Some(info) = el(&root, "p", "hint", &format!("{name}: {} rows, {width} columns.", rows.len())) else { return };
    attrs(&info, &[("data-test", "csv-info")]);
    if let Some(l) = el(&root, "label", "", "Column holding the identifiers") {
        attrs(&l, &[("for", "bulk-column")]);
    }
    let Some(select) = el(&root, "select", "", "") else { return };
    attrs(&select, &[("id", "bulk-column")]);
    for c in 0..width {
        let sample: String = rows[0].get(c).map(|s| s.chars().take(40).collect()).unwrap_or_default();
        if let Some(o) = el(&select, "option", "", &format!("Column {}: {sample}", c + 1)) {
            attrs(&o, &[("value", &c.to_string())]);
            if c == d.column {
                attrs(&o, &[("selected", "")]);
            }
        }
    }
    if let Some(l) = el(&root, "label", "check", "") {
        if let Some(b) = el(&l, "input", "", "") {
            attrs(&b, &[("type", "checkbox"), ("id", "bulk-header")]);
            if d.header {
                attrs(&b, &[("checked", "")]);
            }
        }
        let _ = l.append_with_str_1("The first row is a header (not sent)");
    }
    if let Some(b) = el(&root, "button", "", "Use the text box instead") {
        attrs(&b, &[("type", "button"), ("data-act", "text-box")]);
    }
}

/// Set-aside entries listed in the preview (all of them are in the outcome table).
const ASIDE_SHOWN: usize = 50;

/// What would be sent, what is set aside and why, and the start button: disabled, with the
/// reason, for a credential that may not change the list; pressed once, it asks to confirm.
fn draw_preview(root: &Element, d: &Data, denied: Option<String>) {
    let Some(root) = part(root, "bulk-preview") else { return };
    root.set_text_content(None);
    let items = bulk::prepare(d.entries());
    let c = Counts::of(&items);
    let n = c.to_send();
    if let Some(m) = &d.file_error {
        note(&root, "note error", &m.what, &m.next);
    }
    let line = format!("{} entries read: {n} to send in {} requests, {} duplicates, {} set aside.", c.input, n.div_ceil(100), c.duplicates, c.set_aside);
    if let Some(p) = el(&root, "p", "summary", &line) {
        attrs(&p, &[("data-test", "preview")]);
    }
    if let Some(ul) = el(&root, "ul", "set-aside", "") {
        attrs(&ul, &[("data-test", "set-aside")]);
        let aside: Vec<(usize, &bulk::Item)> = items.iter().enumerate().filter(|(_, it)| matches!(it.outcome, Outcome::SetAside(_))).collect();
        for (i, it) in aside.iter().take(ASIDE_SHOWN) {
            el(&ul, "li", "", &format!("Line {}: \u{201c}{}\u{201d}: {}", i + 1, it.text.chars().take(60).collect::<String>(), it.detail));
        }
        if aside.len() > ASIDE_SHOWN {
            el(&ul, "li", "", &format!("… and {} more: see the outcome table.", aside.len() - ASIDE_SHOWN));
        }
    }
    if let Some(why) = &denied {
        if let Some(p) = el(&root, "p", "note error", why) {
            attrs(&p, &[("role", "alert"), ("data-test", "bulk-denied")]);
        }
    }
    let (verb, place) = if d.remove { ("Remove", "from") } else { ("Add", "to") };
    let Some(actions) = el(&root, "div", "actions", "") else { return };
    if d.confirming && denied.is_none() && n > 0 {
        let what = format!("{verb} {n} identifiers {place} the high-risk list?");
        let next = "They are sent in requests of up to 100, three at a time. You can pause or cancel; what the server has already applied stays applied.";
        if let Some(box_) = note(&actions, "note confirm", &what, next) {
            attrs(&box_, &[("role", "alertdialog"), ("aria-label", &what)]);
            for (act, label, test) in [("confirm", format!("{verb} {n}"), "bulk-confirm"), ("back", "Back".to_string(), "bulk-back")] {
                if let Some(b) = el(&box_, "button", if act == "confirm" { "danger" } else { "" }, &label) {
                    attrs(&b, &[("type", "button"), ("data-act", act), ("data-test", test)]);
                }
            }
        }
    } else if let Some(b) = el(&actions, "button", "primary", &format!("{verb}: send {n}…")) {
        attrs(&b, &[("type", "button"), ("data-act", "start"), ("data-test", "bulk-start")]);
        if denied.is_some() || n == 0 {
            attrs(&b, &[("disabled", "")]);
        }
    }
}

/// The job's buttons for its phase.
fn draw_actions(root: &Element, j: &Job, phase: u32) {
    let Some(root) = part(root, "bulk-actions") else { return };
    root.set_text_content(None);
    let failed = j.counts().failed;
    let retry = format!("Retry the {failed} failed");
    let list: &[(&str, &str)] = match phase {
        1 => &[("pause", "Pause"), ("cancel", "Cancel")],
        2 => &[("resume", "Resume"), ("cancel", "Cancel")],
        4 if failed > 0 => &[("retry", &retry), ("export", "Export outcomes (CSV)"), ("new", "New job")],
        4 => &[("export", "Export outcomes (CSV)"), ("new", "New job")],
        _ => &[],
    };
    for (act, label) in list {
        if let Some(b) = el(&root, "button", "", label) {
            attrs(&b, &[("type", "button"), ("data-act", act)]);
        }
    }
}

/// Progress bar and line, and the job's state in words.
fn draw_status(root: &Element, j: &Job) {
    let Some(root) = part(root, "bulk-status") else { return };
    root.set_text_content(None);
    let now = now_ms();
    let c = j.counts();
    let (settled, total) = (c.to_send() - c.waiting, c.to_send());
    if let Some(p) = el(&root, "progress", "", "") {
        attrs(&p, &[("max", &total.to_string()), ("value", &settled.to_string()), ("data-test", "progress-bar")]);
    }
    let left = match (j.state(), j.time_left_ms(now)) {
        (State::Finished, _) => format!("took {}", bulk::duration_words(j.active_ms(now))),
        (_, Some(ms)) => format!("about {} left", bulk::duration_words(ms)),
        (_, None) => "estimating the time left".into(),
    };
    let line = format!(
        "{settled} of {total} settled · {} succeeded · {} failed · {} retries waiting · {} requests ({} rate-limited, {} retried) · {left}",
        c.done,
        c.failures(),
        j.retries_waiting(),
        j.requests,
        j.rate_limited,
        j.retried,
    );
    if let Some(p) = el(&root, "p", "summary", &line) {
        attrs(&p, &[("data-test", "progress")]);
    }
    let (class, what, next) = state_words(j, &c);
    if let Some(n) = note(&root, class, &what, &next) {
        attrs(&n, &[("data-test", if class == "note ok" { "accounted" } else { "job-state" })]);
        if j.state() == &State::Finished {
            attrs(&n, &[("role", "status")]);
        }
    }
}

/// One button per outcome present, with its count; `data-act` is 0 for all, else 1 + the
/// index in `CATEGORIES`.
fn draw_filters(root: &Element, d: &Data, j: &Job) {
    let Some(root) = part(root, "bulk-filters") else { return };
    root.set_text_content(None);
    let c = j.counts();
    let all = (0, format!("All ({})", c.input), d.filter.is_none());
    let each = CATEGORIES
        .iter()
        .enumerate()
        .filter(|(_, k)| c.in_category(**k) > 0)
        .map(|(i, k)| (i + 1, format!("{} ({})", k.label(j.action), c.in_category(*k)), d.filter == Some(*k)));
    for (k, label, pressed) in std::iter::once(all).chain(each) {
        if let Some(b) = el(&root, "button", "", &label) {
            attrs(&b, &[("type", "button"), ("data-act", &k.to_string()), ("aria-pressed", if pressed { "true" } else { "false" })]);
        }
    }
}

fn outcome_row(j: &Job, k: Option<u32>) -> Vec<Cell> {
    let Some(it) = k.and_then(|k| j.items.get(k as usize)) else { return Vec::new() };
    let class = match it.outcome.category() {
        Category::Done => "o-done",
        Category::Waiting | Category::NotSent => "o-muted",
        _ => "o-bad",
    };
    vec![
        Cell::text((k.unwrap_or(0) + 1).to_string()),
        Cell::text(it.text.clone()),
        Cell { text: it.outcome.label(j.action).to_string(), link: false, class },
        Cell::text(it.detail.clone()),
    ]
}

/// The job's state in words: (class, what, next).
fn state_words(j: &Job, c: &Counts) -> (&'static str, String, String) {
    match j.state() {
        State::Running => ("busy", format!("Sending… {} requests in flight.", j.in_flight()), String::new()),
        State::Paused(Pause::Operator) => {
            ("note", "Paused.".into(), "Nothing more is sent until you resume; answers to requests already sent are still recorded.".into())
        }
        State::Paused(Pause::Disconnected) => ("note error", "Paused: not connected.".into(), "Connect again and the job goes on.".into()),
        State::Paused(Pause::Expired(m)) => (
            "note error",
            format!("Paused. {}", m.what),
            "The job goes on by itself once your credential is renewed (paste a fresh token above).".into(),
        ),
        State::Paused(Pause::Refused(m)) => ("note error", format!("Paused. {}", m.what), m.next.clone()),
        State::Cancelling => ("busy", "Cancelling: waiting for the answers to the requests already sent…".into(), String::new()),
        State::Finished => {
            let next = match j.unmatched.first() {
                Some(first) => format!(
                    "The server also reported {} identifiers this console did not send (first: \u{201c}{first}\u{201d}); they are not counted above.",
                    j.unmatched.len()
                ),
                None => String::new(),
            };
            let ok = c.sum() == c.input && c.waiting == 0;
            (if ok { "note ok" } else { "note error" }, c.accounted(j.action), next)
        }
    }
}
