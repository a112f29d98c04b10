//! Adding or removing many users at once: a pasted list or a CSV/text file, a preview of what
//! will be sent, then a job that sends it in batches and accounts for every identifier.
//!
//! The rules (batching, retries, reconciling answers) are `cas_core::bulk`'s; this page only
//! feeds it the clock and the answers. `Bulk` is provided by the app for the whole session, so
//! a job goes on while the operator looks at other pages.
//!
//! Size matters (200 KiB first load): all state is one plain struct in one `StoredValue`; the
//! parts that change with every keystroke or answer (preview, progress, outcome rows) are drawn
//! by `redraw` with plain DOM calls (see `high_risk`), and Leptos keeps the structure, the
//! events and the buttons, which change with the job's phase only (so a click always lands).

use crate::api;
use crate::pages::high_risk::{attrs, draw_rows, el, virtual_list, Cell};
use crate::router::Link;
use crate::session::{use_session, SessionCtx};
use crate::ui::{download, use_log, ActionLog, Confirm};
use cas_core::access::Operation;
use cas_core::bulk::{self, Category, Counts, Job, Outcome, Pause, Policy, State, CATEGORIES};
use cas_core::error::UserMessage;
use cas_core::route::Page;
use cas_core::wire::HighRiskAction;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

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
    /// Outcome filter (None: all) and the rows it lets through.
    filter: Option<Category>,
    shown: Vec<u32>,
    /// When the pending wake-up timer fires (0: none).
    armed: u64,
}

impl Data {
    fn action(&self) -> HighRiskAction {
        if self.remove {
            HighRiskAction::Remove
        } else {
            HighRiskAction::Add
        }
    }

    /// The identifiers the form holds now, one entry each.
    fn entries(&self) -> Vec<String> {
        match &self.table {
            Some((_, rows)) => bulk::column_values(rows, self.column, self.header),
            None => bulk::split_list(&self.text),
        }
    }

    /// 0 no job, 1 running, 2 paused, 3 cancelling, 4 finished.
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

/// The bulk page's state and job, shared by the whole session; the `NodeRef`s are where
/// `redraw` draws while those parts are in the page.
#[derive(Clone, Copy)]
pub struct Bulk {
    data: StoredValue<Data>,
    phase: RwSignal<u32>,
    preview: NodeRef<html::Div>,
    chooser: NodeRef<html::Div>,
    status: NodeRef<html::Div>,
    filters: NodeRef<html::Div>,
    list: NodeRef<html::Div>,
    session: SessionCtx,
    log: ActionLog,
}

impl Bulk {
    /// Call once, in the app, after the session and the action log are provided.
    pub fn new() -> Bulk {
        let bulk = Bulk {
            data: StoredValue::new(Data::default()),
            phase: RwSignal::new(0),
            preview: NodeRef::new(),
            chooser: NodeRef::new(),
            status: NodeRef::new(),
            filters: NodeRef::new(),
            list: NodeRef::new(),
            session: use_session(),
            log: use_log(),
        };
        // Draws what came into the page; and a fresh credential (a pasted token replaced, or
        // connected again) lets a job that was waiting for one go on by itself.
        Effect::new(move |_| {
            let _ = (bulk.preview.get(), bulk.chooser.get(), bulk.status.get(), bulk.list.get());
            draw_chooser(bulk);
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
            bulk.pump();
        });
        bulk
    }

    /// Changes the form or the job, then redraws.
    fn change<R: Default>(self, f: impl FnOnce(&mut Data) -> R) -> R {
        let r = self.data.try_update_value(f).unwrap_or_default();
        self.changed();
        r
    }

    /// After any change: the rows the filter lets through, the phase, and a redraw.
    fn changed(self) {
        self.data.update_value(|d| {
            let filter = d.filter;
            d.shown = match &d.job {
                Some(j) => (0..j.items.len() as u32).filter(|i| filter.is_none_or(|c| j.items[*i as usize].outcome.category() == c)).collect(),
                None => Vec::new(),
            };
        });
        let phase = self.data.with_value(Data::phase);
        if self.phase.get_untracked() != phase {
            self.phase.set(phase);
        }
        self.redraw();
    }

    fn job<R>(self, f: impl FnOnce(&mut Job) -> R) -> Option<R> {
        self.change(|d| d.job.as_mut().map(f))
    }

    /// Draws the parts that are in the page from the state.
    fn redraw(self) {
        let shown = |r: NodeRef<html::Div>| r.get_untracked().filter(|e| e.is_connected());
        let denied = self.session.get_untracked().and_then(|s| s.allows(Operation::ChangeHighRisk).err().map(|d| d.explain(Operation::ChangeHighRisk)));
        self.data.with_value(|d| {
            if let Some(root) = shown(self.preview) {
                draw_preview(&root, d, denied);
            }
            let Some(j) = &d.job else { return };
            if let Some(root) = shown(self.status) {
                draw_status(&root, j);
            }
            if let Some(root) = shown(self.filters) {
                draw_filters(&root, d, j);
            }
            if let Some(list) = shown(self.list) {
                draw_rows(&list, d.shown.len(), &|i| outcome_row(j, d.shown.get(i).copied()));
            }
        });
    }

    /// Sends what the job has ready, records a finished run in the action log, and sets a
    /// timer for the job's next wake-up. Called after every answer and every operator action.
    fn pump(self) {
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
        let wake = self.change(|d| {
            let at = d.job.as_ref()?.wake_at(now)?;
            (d.armed == 0 || at < d.armed).then(|| {
                d.armed = at;
                at
            })
        });
        if let Some(at) = wake {
            let again = move || {
                self.change(|d| d.armed = 0);
                self.pump();
            };
            set_timeout(again, Duration::from_millis(at.saturating_sub(now)));
        }
    }

    fn act(self, act: u32) {
        let now = now_ms();
        match act {
            PAUSE => {
                self.job(|j| j.pause(now));
            }
            RESUME => {
                self.job(|j| j.resume(now));
            }
            CANCEL => {
                self.job(|j| j.cancel(now));
            }
            RETRY => {
                self.job(|j| j.retry_failed(now));
            }
            EXPORT => {
                let csv = self.data.with_value(|d| d.job.as_ref().map(|j| bulk::outcomes_csv(&j.items, j.action))).unwrap_or_default();
                let stamp = crate::ui::iso_now().replace([':', '.'], "-");
                download(&format!("high-risk-bulk-{stamp}.csv"), "text/csv;charset=utf-8", &csv);
            }
            _ => self.change(|d| d.job = None),
        }
        self.pump();
    }
}

const PAUSE: u32 = 0;
const RESUME: u32 = 1;
const CANCEL: u32 = 2;
const RETRY: u32 = 3;
const EXPORT: u32 = 4;
const NEW: u32 = 5;

/// The element an event happened on, or its closest ancestor matching `selector`.
fn closest(ev: &web_sys::Event, selector: &str) -> Option<Element> {
    ev.target()?.dyn_into::<Element>().ok()?.closest(selector).ok()?
}

pub fn page() -> AnyView {
    let bulk = expect_context::<Bulk>();
    view! {
        <section class="bulk" aria-labelledby="bulk-title">
            <p class="crumbs"><Link to=Page::HighRiskList>"← High-risk list"</Link></p>
            <h1 id="bulk-title">"Add or remove many high-risk users"</h1>
            {move || if bulk.phase.get() == 0 { form(bulk) } else { job_view(bulk) }}
        </section>
    }
    .into_any()
}

/// Set-aside entries listed in the preview (all of them are in the outcome table).
const ASIDE_SHOWN: usize = 50;

fn form(bulk: Bulk) -> AnyView {
    let confirm = RwSignal::new(false);

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            let lower = name.to_ascii_lowercase();
            bulk.change(|d| {
                d.file_error = None;
                match text {
                    None => {
                        d.file_error = Some(UserMessage::new("The file could not be read.", "Choose it again; if it is on a network drive, copy it locally first."))
                    }
                    Some(text) if lower.ends_with(".csv") || lower.ends_with(".tsv") => {
                        let rows = bulk::parse_csv(&text);
                        (d.column, d.header) = bulk::guess_layout(&rows);
                        d.table = Some((name, rows));
                    }
                    Some(text) => {
                        if let Some(t) = web_sys::window().and_then(|w| w.document()).and_then(|doc| doc.get_element_by_id("bulk-input")) {
                            let _ = js_sys::Reflect::set(&t, &"value".into(), &text.as_str().into());
                        }
                        d.table = None;
                        d.text = text;
                    }
                }
            });
            draw_chooser(bulk);
        });
    };
    let on_chooser_change = move |ev: leptos::ev::Event| {
        let id = closest(&ev, "select, input").map(|e| e.id()).unwrap_or_default();
        if id == "bulk-column" {
            let column = event_target_value(&ev).parse().unwrap_or(0);
            bulk.change(|d| d.column = column);
        } else if id == "bulk-header" {
            let header = event_target_checked(&ev);
            bulk.change(|d| d.header = header);
        }
    };
    let on_chooser_click = move |ev: leptos::ev::MouseEvent| {
        if closest(&ev, "button").is_some() {
            bulk.change(|d| d.table = None);
            draw_chooser(bulk);
        }
    };
    let on_preview_click = move |ev: leptos::ev::MouseEvent| {
        if closest(&ev, "button").is_some() {
            confirm.set(true);
        }
    };

    let start = Callback::new(move |_| {
        bulk.change(|d| {
            let items = bulk::prepare(d.entries());
            d.filter = None;
            d.job = Some(Job::start(d.action(), items, Policy::default(), now_ms(), now_ms()));
        });
        bulk.pump();
    });
    let to_send = move || {
        confirm.track();
        bulk.data.with_value(|d| (if d.remove { "Remove" } else { "Add" }, Counts::of(&bulk::prepare(d.entries())).to_send(), if d.remove { "from" } else { "to" }))
    };
    let title = Signal::derive(move || {
        let (verb, n, place) = to_send();
        format!("{verb} {n} identifiers {place} the high-risk list?")
    });
    let label = Signal::derive(move || {
        let (verb, n, _) = to_send();
        format!("{verb} {n}")
    });
    let body = Signal::derive(|| "They are sent in requests of up to 100, three at a time. You can pause or cancel; what the server has already applied stays applied.".to_string());
    let (text, remove) = bulk.data.with_value(|d| (d.text.clone(), d.remove));

    view! {
        <fieldset>
            <legend>"Change"</legend>
            {[(false, "Add them to the high-risk list"), (true, "Remove them from the high-risk list")].map(|(r, label)| view! {
                <label class="check"><input type="radio" name="bulk-action" prop:checked=r == remove
                    on:change=move |_| bulk.change(|d| d.remove = r)/>{label}</label>
            }).collect_view()}
        </fieldset>
        <label for="bulk-input">"Identifiers: emails, primary usernames or alternate usernames"</label>
        <p class="hint">"One per line, or separated by commas, semicolons or spaces. Repeats (ignoring case) are sent once."</p>
        <textarea id="bulk-input" rows="10" spellcheck="false" prop:value=text
            on:input=move |ev| bulk.change(|d| d.text = event_target_value(&ev))></textarea>
        <label for="bulk-file">"… or load a CSV or text file"</label>
        <input id="bulk-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" on:change=on_file/>
        <div node_ref=bulk.chooser on:change=on_chooser_change on:click=on_chooser_click></div>
        <div node_ref=bulk.preview on:click=on_preview_click></div>
        <Confirm open=confirm title=title body=body confirm_label=label on_confirm=start/>
    }
    .into_any()
}

/// The CSV column chooser, drawn when a file is loaded or dropped (not on every keystroke, so
/// the select keeps its focus).
fn draw_chooser(bulk: Bulk) {
    let Some(root) = bulk.chooser.get_untracked() else { return };
    root.set_text_content(None);
    bulk.data.with_value(|d| {
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
            attrs(&b, &[("type", "button")]);
        }
    });
}

/// What would be sent, what is set aside and why, and the start button (disabled, with the
/// reason, for a credential that may not change the list).
fn draw_preview(root: &Element, d: &Data, denied: Option<String>) {
    root.set_text_content(None);
    let items = bulk::prepare(d.entries());
    let c = Counts::of(&items);
    let n = c.to_send();
    if let Some(m) = &d.file_error {
        note(root, "note error", &m.what, &m.next);
    }
    let line = format!("{} entries read: {n} to send in {} requests, {} duplicates, {} set aside.", c.input, n.div_ceil(100), c.duplicates, c.set_aside);
    if let Some(p) = el(root, "p", "summary", &line) {
        attrs(&p, &[("data-test", "preview")]);
    }
    if let Some(ul) = el(root, "ul", "set-aside", "") {
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
        if let Some(p) = el(root, "p", "note error", why) {
            attrs(&p, &[("role", "alert"), ("data-test", "bulk-denied")]);
        }
    }
    let verb = if d.remove { "Remove" } else { "Add" };
    if let Some(b) = el(root, "button", "primary", &format!("{verb}: send {n}…")) {
        attrs(&b, &[("type", "button"), ("data-test", "bulk-start")]);
        if denied.is_some() || n == 0 {
            attrs(&b, &[("disabled", "")]);
        }
    }
}

fn note(root: &Element, class: &str, what: &str, next: &str) -> Option<Element> {
    let n = el(root, "div", class, "")?;
    el(&n, "p", "what", what);
    if !next.is_empty() {
        el(&n, "p", "next", next);
    }
    Some(n)
}

fn job_view(bulk: Bulk) -> AnyView {
    // Redrawn when the job changes phase only, so a click always lands.
    let buttons = move || {
        let phase = bulk.phase.get();
        let failed = bulk.data.with_value(|d| d.job.as_ref().map_or(0, |j| j.counts().failed));
        let list: Vec<(u32, String)> = match phase {
            1 => vec![(PAUSE, "Pause".into()), (CANCEL, "Cancel".into())],
            2 => vec![(RESUME, "Resume".into()), (CANCEL, "Cancel".into())],
            4 => {
                let retry = (failed > 0).then(|| (RETRY, format!("Retry the {failed} failed")));
                retry.into_iter().chain([(EXPORT, "Export outcomes (CSV)".into()), (NEW, "New job".into())]).collect()
            }
            _ => Vec::new(),
        };
        list.into_iter().map(|(act, label)| view! { <button type="button" on:click=move |_| bulk.act(act)>{label}</button> }).collect_view()
    };
    let on_filter = move |ev: leptos::ev::MouseEvent| {
        let k = closest(&ev, "button[data-k]").and_then(|b| b.get_attribute("data-k")).and_then(|k| k.parse::<usize>().ok());
        if let Some(k) = k {
            bulk.change(|d| d.filter = k.checked_sub(1).map(|i| CATEGORIES[i]));
        }
    };
    view! {
        <div class="job">
            <div node_ref=bulk.status></div>
            <div class="actions">{buttons}</div>
            <div class="filters" role="group" aria-label="Show outcomes" node_ref=bulk.filters on:click=on_filter></div>
            {virtual_list(bulk.list, "Outcome of every identifier", &["Line", "Identifier", "Outcome", "Detail"], "bulk-cols", move || bulk.redraw())}
        </div>
    }
    .into_any()
}

/// Progress bar and line, and the job's state in words.
fn draw_status(root: &Element, j: &Job) {
    root.set_text_content(None);
    let now = now_ms();
    let c = j.counts();
    let (settled, total) = (c.to_send() - c.waiting, c.to_send());
    if let Some(p) = el(root, "progress", "", "") {
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
    if let Some(p) = el(root, "p", "summary", &line) {
        attrs(&p, &[("data-test", "progress")]);
    }
    let (class, what, next) = state_words(j, &c);
    if let Some(n) = note(root, class, &what, &next) {
        attrs(&n, &[("data-test", if class == "note ok" { "accounted" } else { "job-state" })]);
        if j.state() == &State::Finished {
            attrs(&n, &[("role", "status")]);
        }
    }
}

/// One button per outcome present, with its count; `data-k` is 0 for all, else 1 + the index
/// in `CATEGORIES`.
fn draw_filters(root: &Element, d: &Data, j: &Job) {
    root.set_text_content(None);
    let c = j.counts();
    let all = (0, format!("All ({})", c.input), d.filter.is_none());
    let each = CATEGORIES.iter().enumerate().filter(|(_, k)| c.in_category(**k) > 0).map(|(i, k)| {
        (i + 1, format!("{} ({})", k.label(j.action), c.in_category(*k)), d.filter == Some(*k))
    });
    for (k, label, pressed) in std::iter::once(all).chain(each) {
        if let Some(b) = el(root, "button", "", &label) {
            attrs(&b, &[("type", "button"), ("data-k", &k.to_string()), ("aria-pressed", if pressed { "true" } else { "false" })]);
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
