//! Adding or removing many users at once: a pasted list or a CSV/text file, a preview of what
//! will be sent, then a job that sends it in batches and accounts for every identifier.
//!
//! The rules (batching, retries, reconciling answers) are `cas_core::bulk`'s; this page only
//! feeds the job the clock and the answers. `BulkJobs` is provided by the app for the whole
//! session, so a job goes on while the operator looks at other pages.

use crate::api;
use crate::session::{use_session, SessionCtx};
use crate::ui::{download, file_stamp, use_log, ActionLog, Note};
use crate::virtual_list::VirtualList;
use cas_core::access::Operation;
use cas_core::bulk::{self, Category, Counts, Item, Job, Outcome, Pause, Policy, Source, State, TooLarge, CATEGORIES};
use cas_core::error::UserMessage;
use cas_core::route::{path, Page};
use cas_core::wire::HighRiskAction;
use leptos::html;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use leptos::task::spawn_local;
use leptos_router::components::A;
use std::time::Duration;
use wasm_bindgen_futures::JsFuture;

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The form as the operator left it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Form {
    remove: bool,
    text: String,
    /// A loaded CSV file: its name and rows, the chosen column, whether row 1 is a header.
    table: Option<(String, Vec<Vec<String>>)>,
    column: usize,
    header: bool,
    file_error: Option<UserMessage>,
}

impl Form {
    fn action(&self) -> HighRiskAction {
        if self.remove { HighRiskAction::Remove } else { HighRiskAction::Add }
    }

    /// The identifiers the form holds now, one entry each, or why it holds too many to read
    /// (checked before the text is split, so a huge paste cannot freeze the tab).
    fn entries(&self) -> Result<Vec<String>, TooLarge> {
        match &self.table {
            Some((_, rows)) => bulk::read_column(rows, self.column, self.header),
            None => bulk::read_list(&self.text),
        }
    }
}

/// The bulk page's form and job, kept for the whole session.
#[derive(Clone, Copy)]
pub struct BulkJobs {
    job: RwSignal<Option<Job>>,
    form: RwSignal<Form>,
    confirming: RwSignal<bool>,
    filter: RwSignal<Option<Category>>,
    /// When the pending wake-up timer fires (0: none).
    armed: StoredValue<u64>,
    /// A job was just started: its view takes the focus once drawn.
    started: StoredValue<bool>,
    session: SessionCtx,
    log: ActionLog,
}

impl BulkJobs {
    /// Call once, in the app, after the session and the action log are provided.
    pub fn new() -> BulkJobs {
        let jobs = BulkJobs {
            job: RwSignal::new(None),
            form: RwSignal::new(Form::default()),
            confirming: RwSignal::new(false),
            filter: RwSignal::new(None),
            armed: StoredValue::new(0),
            started: StoredValue::new(false),
            session: use_session(),
            log: use_log(),
        };
        // A pasted token replaced in the same session lets a job that waited for one go on by
        // itself. A job paused by Disconnect waits for the operator, whatever is connected next.
        Effect::new(move |_| {
            match jobs.session.get() {
                None => jobs.job.update(|j| {
                    if let Some(j) = j {
                        j.disconnected(now_ms());
                    }
                }),
                Some(s) => {
                    s.changed.track();
                    let renewed = !s.is_expired() && s.allows(Operation::ChangeHighRisk).is_ok();
                    let waiting = jobs.job.with_untracked(|j| j.as_ref().is_some_and(|j| matches!(j.state(), State::Paused(Pause::Expired(_)))));
                    if renewed && waiting {
                        jobs.with_job(|j| j.resume(now_ms()));
                    }
                }
            }
            jobs.pump();
        });
        jobs
    }

    fn with_job<R>(self, f: impl FnOnce(&mut Job) -> R) -> Option<R> {
        self.job.try_update(|j| j.as_mut().map(f)).flatten()
    }

    /// Sends what the job has ready, records a finished run in the action log, and sets a
    /// timer for the job's next wake-up. Called after every answer and every operator action.
    fn pump(self) {
        if self.job.with_untracked(Option::is_none) {
            return;
        }
        let now = now_ms();
        let Some(s) = self.session.get_untracked() else {
            self.with_job(|j| j.disconnected(now));
            return;
        };
        while let Some((action, req)) = self.with_job(|j| Some((j.action, j.next(now)?))).flatten() {
            let s = s.clone();
            spawn_local(async move {
                let result = api::change_high_risk_once(&s, action, req.users).await;
                self.with_job(|j| j.answer(req.id, result, now_ms()));
                self.pump();
            });
        }
        if let Some(r) = self.with_job(Job::take_report).flatten() {
            self.log.record(&r.action, &r.target, r.outcome, r.details);
        }
        let wake = self.job.with_untracked(|j| j.as_ref().and_then(|j| j.wake_at(now)));
        if let Some(at) = wake.filter(|at| self.armed.with_value(|armed| *armed == 0 || at < armed)) {
            self.armed.set_value(at);
            set_timeout(
                move || {
                    self.armed.set_value(0);
                    self.pump();
                },
                Duration::from_millis(at.saturating_sub(now)),
            );
        }
    }

    /// An operator's action on the job, then whatever it lets the job send.
    fn act(self, f: impl FnOnce(&mut Job, u64)) {
        self.with_job(|j| f(j, now_ms()));
        self.pump();
    }

    fn start(self) {
        let form = self.form.get_untracked();
        // The start button is disabled while the input is refused; this is the same check.
        let Ok(entries) = form.entries() else { return };
        self.launch(form.action(), bulk::prepare(entries));
    }

    fn launch(self, action: HighRiskAction, items: Vec<Item>) {
        let now = now_ms();
        self.filter.set(None);
        self.confirming.set(false);
        self.started.set_value(true);
        self.job.set(Some(Job::start(action, items, Policy::default(), now, now)));
        self.pump();
    }

    /// Whether a job is under way (not finished): one runs at a time.
    pub fn busy(self) -> bool {
        self.job.with(|j| j.as_ref().is_some_and(|j| *j.state() != State::Finished))
    }

    /// Starts a job on `identifiers` (the high-risk list's selection): the same job, rules
    /// and outcome view as a pasted list's. The bulk page's form stays as the operator left
    /// it. A finished job's outcome makes way, as "New job" does; one under way is never
    /// replaced.
    pub fn start_with(self, action: HighRiskAction, identifiers: Vec<String>) -> Result<(), UserMessage> {
        if self.job.with_untracked(|j| j.as_ref().is_some_and(|j| *j.state() != State::Finished)) {
            return Err(UserMessage::new(
                "Another bulk job is still under way; nothing was sent.",
                "Open \u{201c}Add or remove many\u{2026}\u{201d} to follow it, then try again once it has finished or you cancelled it.",
            ));
        }
        self.launch(action, bulk::prepare(identifiers));
        Ok(())
    }
}

#[component]
pub fn BulkPage() -> impl IntoView {
    let jobs = expect_context::<BulkJobs>();
    let has_job = Memo::new(move |_| jobs.job.with(Option::is_some));
    view! {
        <section class="bulk" aria-labelledby="bulk-title">
            <p class="crumbs"><A href=path(&Page::HighRiskList)>"← High-risk list"</A></p>
            <h1 id="bulk-title">"Add or remove many high-risk users"</h1>
            <Show when=move || has_job.get() fallback=move || view! { <BulkForm jobs=jobs/> }>
                <JobView jobs=jobs/>
            </Show>
        </section>
    }
}

/// Set-aside entries listed in the preview (all of them are in the outcome table).
const ASIDE_SHOWN: usize = 50;

#[component]
fn BulkForm(jobs: BulkJobs) -> impl IntoView {
    let BulkJobs { form, confirming, session, .. } = jobs;
    let edit = move |f: fn(&mut Form, String), ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        confirming.set(false);
        form.update(|d| f(d, value));
    };
    // While the operator types or pastes, the box holds the text and nothing is written back:
    // writing a 10 MB paste back into it would have the browser lay it out again for seconds.
    // Text the form gets otherwise (a file read into the box, the form of an earlier visit)
    // is put in the box.
    let text_box = NodeRef::<html::Textarea>::new();
    let from_box = StoredValue::new(false);
    let text = Memo::new(move |_| form.with(|f| f.text.clone()));
    Effect::new(move |_| {
        let (Some(b), t) = (text_box.get(), text.get()) else { return };
        if !from_box.try_update_value(std::mem::take).unwrap_or(false) {
            b.set_value(&t);
        }
    });
    // The job's items as the form stands, or why the input is refused (the preview then reads
    // no items).
    let read = Memo::new(move |_| form.with(Form::entries).map(bulk::prepare));
    let pasted_refused = RwSignal::new(None::<TooLarge>);
    let refused = move || pasted_refused.get().or_else(|| read.with(|r| r.as_ref().err().copied()));
    let denied = move || {
        let s = session.get_untracked()?;
        s.changed.track();
        s.allows(Operation::ChangeHighRisk).err().map(|d| d.explain(Operation::ChangeHighRisk))
    };
    let counts = Memo::new(move |_| read.with(|r| Counts::of(r.as_deref().unwrap_or(&[]))));
    let to_send = move || counts.get().to_send();
    let preview = move || {
        let c = counts.get();
        let n = c.to_send();
        format!("{} entries read: {n} to send in {} requests, {} duplicates, {} set aside.", c.input, n.div_ceil(100), c.duplicates, c.set_aside)
    };
    let aside = move || {
        read.with(|r| {
            let items = r.as_deref().unwrap_or(&[]);
            let aside: Vec<(usize, &Item)> = items.iter().enumerate().filter(|(_, it)| matches!(it.outcome, Outcome::SetAside(_))).collect();
            let mut lines: Vec<String> = aside
                .iter()
                .take(ASIDE_SHOWN)
                .map(|(i, it)| format!("Line {}: \u{201c}{}\u{201d}: {}", i + 1, it.text.chars().take(60).collect::<String>(), it.detail))
                .collect();
            if aside.len() > ASIDE_SHOWN {
                lines.push(format!("… and {} more: see the outcome table.", aside.len() - ASIDE_SHOWN));
            }
            lines
        })
    };
    let verb = move || if form.with(|f| f.remove) { ("Remove", "from") } else { ("Add", "to") };
    let confirm_button = NodeRef::<html::Button>::new();
    // The confirmation takes the keyboard focus.
    Effect::new(move |_| {
        if let (true, Some(b)) = (confirming.get(), confirm_button.get()) {
            let _ = b.focus();
        }
    });

    view! {
        <fieldset>
            <legend>"Change"</legend>
            <label class="check"><input type="radio" name="bulk-action" id="bulk-add" prop:checked=move || !form.with(|f| f.remove)
                on:change=move |ev| edit(|f, _| f.remove = false, ev)/>"Add them to the high-risk list"</label>
            <label class="check"><input type="radio" name="bulk-action" id="bulk-remove" prop:checked=move || form.with(|f| f.remove)
                on:change=move |ev| edit(|f, _| f.remove = true, ev)/>"Remove them from the high-risk list"</label>
        </fieldset>
        <label for="bulk-input">"Identifiers: emails, primary usernames or alternate usernames"</label>
        <p class="hint">"One per line, or separated by commas, semicolons or spaces. Repeats (ignoring case) are sent once."</p>
        <textarea id="bulk-input" node_ref=text_box rows="10" spellcheck="false"
            disabled=move || form.with(|f| f.table.is_some()) on:paste=move |ev: leptos::ev::ClipboardEvent| {
                // A paste far too large is refused before the browser puts it in the box: laying
                // out a million lines there alone would freeze the tab for seconds.
                // (What the box holds with it is checked as always, once it is in.)
                let Some(pasted) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
                pasted_refused.set(bulk::check_size(Source::Text, pasted.len() as u64).err());
                if pasted_refused.get_untracked().is_some() {
                    ev.prevent_default();
                }
            }
            on:input=move |ev| {
                pasted_refused.set(None);
                let typed = event_target_value(&ev);
                confirming.set(false);
                // Marked only when the text changes, as only then does the effect below run.
                if form.with_untracked(|f| f.text != typed) {
                    from_box.set_value(true);
                    form.update(|f| f.text = typed);
                }
            }></textarea>
        <label for="bulk-file">"… or load a CSV or text file"</label>
        <input id="bulk-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" on:change=move |ev| load_file(jobs, event_target(&ev))/>
        <ColumnChooser jobs=jobs/>
        {move || form.with(|f| f.file_error.clone()).map(|m| view! { <Note message=m test="file-refused"/> })}
        {move || refused().map(|r| view! { <Note message=r.message() test="input-refused"/> })}
        <p class="summary" data-test="preview">{preview}</p>
        <ul class="set-aside" data-test="set-aside">
            {move || aside().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
        </ul>
        {move || denied().map(|why| view! { <p class="note error" role="alert" data-test="bulk-denied">{why}</p> })}
        <div class="actions">
            {move || {
                let (verb, place) = verb();
                let n = to_send();
                if confirming.get() && denied().is_none() && n > 0 {
                    let what = format!("{verb} {n} identifiers {place} the high-risk list?");
                    view! {
                        <div class="note confirm" role="alertdialog" aria-label=what.clone()>
                            <p class="what">{what.clone()}</p>
                            <p class="next">"They are sent in requests of up to 100, three at a time. You can pause or cancel; what the server has already applied stays applied."</p>
                            <button type="button" class="danger" data-test="bulk-confirm" node_ref=confirm_button on:click=move |_| jobs.start()>{format!("{verb} {n}")}</button>
                            <button type="button" data-test="bulk-back" on:click=move |_| confirming.set(false)>"Back"</button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="primary" data-test="bulk-start" disabled={denied().is_some() || n == 0}
                            on:click=move |_| confirming.set(true)>{format!("{verb}: send {n}…")}</button>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// The CSV column chooser, shown while a CSV or TSV file is the input.
#[component]
fn ColumnChooser(jobs: BulkJobs) -> impl IntoView {
    let form = jobs.form;
    let table = Memo::new(move |_| form.with(|f| f.table.as_ref().map(|(name, rows)| {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let samples: Vec<String> = (0..width).map(|c| rows[0].get(c).map(|s| s.chars().take(40).collect()).unwrap_or_default()).collect();
        (format!("{name}: {} rows, {width} columns.", rows.len()), samples)
    })));
    move || table.get().map(|(info, samples)| view! {
        <p class="hint" data-test="csv-info">{info}</p>
        <label for="bulk-column">"Column holding the identifiers"</label>
        <select id="bulk-column" on:change=move |ev| {
            let c = event_target_value(&ev).parse().unwrap_or(0);
            jobs.confirming.set(false);
            form.update(|f| f.column = c);
        }>
            {samples.into_iter().enumerate().map(|(c, sample)| view! {
                <option value=c.to_string() selected=move || form.with(|f| f.column == c)>{format!("Column {}: {sample}", c + 1)}</option>
            }).collect_view()}
        </select>
        <label class="check"><input type="checkbox" id="bulk-header" prop:checked=move || form.with(|f| f.header)
            on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| f.header = on); }/>"The first row is a header (not sent)"</label>
        <button type="button" on:click=move |_| form.update(|f| f.table = None)>"Use the text box instead"</button>
    })
}

/// A CSV (or TSV) file gets the column chooser; any other file goes into the text box.
fn load_file(jobs: BulkJobs, input: web_sys::HtmlInputElement) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    let name = file.name();
    let lower = name.to_ascii_lowercase();
    let csv = lower.ends_with(".csv") || lower.ends_with(".tsv");
    // A file too large is refused by its size alone, before a byte of it is read.
    if let Err(refused) = bulk::check_size(if csv { Source::File } else { Source::Text }, file.size() as u64) {
        jobs.confirming.set(false);
        jobs.form.update(|f| f.file_error = Some(refused.message()));
        return;
    }
    spawn_local(async move {
        let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
        jobs.confirming.set(false);
        jobs.form.update(|f| {
            f.file_error = None;
            match text {
                None => f.file_error = Some(UserMessage::new("The file could not be read.", "Choose it again; if it is on a network drive, copy it locally first.")),
                Some(text) if csv => match bulk::read_csv(&text) {
                    Ok(rows) => {
                        (f.column, f.header) = bulk::guess_layout(&rows);
                        f.table = Some((name, rows));
                    }
                    Err(refused) => f.file_error = Some(refused.message()),
                },
                Some(text) => {
                    f.table = None;
                    f.text = text;
                }
            }
        });
    });
}

#[component]
fn JobView(jobs: BulkJobs) -> impl IntoView {
    let BulkJobs { job, filter, .. } = jobs;
    let counts = Memo::new(move |_| job.with(|j| j.as_ref().map(Job::counts)).unwrap_or_default());
    let state = Memo::new(move |_| job.with(|j| j.as_ref().map(|j| j.state().clone())));
    let action = Memo::new(move |_| job.with(|j| j.as_ref().map(|j| j.action)).unwrap_or(HighRiskAction::Add));
    let shown = Memo::new(move |_| {
        let f = filter.get();
        job.with(|j| j.as_ref().map(|j| (0..j.items.len() as u32).filter(|i| f.is_none_or(|c| j.items[*i as usize].outcome.category() == c)).collect::<Vec<u32>>()))
            .unwrap_or_default()
    });
    let export = move |_| {
        let csv = job.with_untracked(|j| j.as_ref().map(|j| bulk::outcomes_csv(&j.items, j.action))).unwrap_or_default();
        download(&format!("high-risk-bulk-{}.csv", file_stamp()), "text/csv;charset=utf-8", &csv);
    };
    let button = move |label: String, act: fn(&mut Job, u64)| view! { <button type="button" on:click=move |_| jobs.act(act)>{label}</button> };
    let buttons = move || match state.get() {
        Some(State::Running) => vec![button("Pause".into(), |j, now| j.pause(now)), button("Cancel".into(), |j, now| j.cancel(now))].into_any(),
        Some(State::Paused(_)) => vec![button("Resume".into(), |j, now| j.resume(now)), button("Cancel".into(), |j, now| j.cancel(now))].into_any(),
        Some(State::Finished) => {
            let retry = counts.get().retryable();
            view! {
                {(retry > 0).then(|| button(format!("Retry the {retry} failed"), |j, now| { j.retry_failed(now); }))}
                <button type="button" on:click=export>"Export outcomes (CSV)"</button>
                <button type="button" on:click=move |_| job.set(None)>"New job"</button>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    let filters = move || {
        let (c, a) = (counts.get(), action.get());
        let all = (None, format!("All ({})", c.input));
        let each = CATEGORIES.iter().filter(|k| c.in_category(**k) > 0).map(|k| (Some(*k), format!("{} ({})", k.label(a), c.in_category(*k))));
        std::iter::once(all)
            .chain(each)
            .map(|(k, label)| view! {
                <button type="button" aria-pressed=move || (filter.get() == k).to_string() on:click=move |_| filter.set(k)>{label}</button>
            })
            .collect_view()
    };
    let line = move |i: usize| shown.with(|s| s.get(i).copied());
    let item = move |i: usize| line(i).and_then(|k| job.with(|j| j.as_ref().and_then(|j| j.items.get(k as usize).cloned())));
    // A row is drawn again only when its outcome or detail changes.
    let key = Callback::new(move |i: usize| match (line(i), item(i)) {
        (Some(k), Some(it)) => format!("{k}\n{}\n{}", it.outcome.label(action.get_untracked()), it.detail),
        _ => String::new(),
    });
    let row = Callback::new(move |i: usize| {
        let (k, it) = (line(i).unwrap_or(0), item(i).unwrap_or_else(|| Item { text: String::new(), outcome: Outcome::Waiting, detail: String::new() }));
        let class = match it.outcome.category() {
            Category::Done => "o-done",
            Category::Waiting | Category::NotSent => "o-muted",
            _ => "o-bad",
        };
        view! {
            <span role="cell">{(k + 1).to_string()}</span>
            <span role="cell">{it.text}</span>
            <span role="cell" class=class>{it.outcome.label(action.get_untracked())}</span>
            <span role="cell">{it.detail}</span>
        }
        .into_any()
    });

    view! {
        <JobStatus jobs=jobs counts=counts/>
        <div class="actions">{buttons}</div>
        <div class="filters" role="group" aria-label="Show outcomes">{filters}</div>
        <VirtualList class="bulk-cols" label="Outcome of every identifier" columns=&["Line", "Identifier", "Outcome", "Detail"]
            len=Signal::derive(move || shown.read().len()) key=key row=row/>
    }
}

/// Progress bar and line, and the job's state in words.
#[component]
fn JobStatus(jobs: BulkJobs, counts: Memo<Counts>) -> impl IntoView {
    let job = jobs.job;
    let line = move || {
        let c = counts.get();
        job.with(|j| {
            let Some(j) = j else { return String::new() };
            let now = now_ms();
            let (settled, total) = (c.to_send() - c.waiting, c.to_send());
            let left = match (j.state(), j.time_left_ms(now)) {
                (State::Finished, _) => format!("took {}", bulk::duration_words(j.active_ms(now))),
                (_, Some(ms)) => format!("about {} left", bulk::duration_words(ms)),
                (_, None) => "estimating the time left".into(),
            };
            format!(
                "{settled} of {total} settled · {} succeeded · {} failed · {} retries waiting · {} requests ({} rate-limited, {} retried) · {left}",
                c.done,
                c.failures(),
                j.retries_waiting(),
                j.requests,
                j.rate_limited,
                j.retried,
            )
        })
    };
    let words = move || job.with(|j| j.as_ref().map(|j| state_words(j, &counts.get())));
    // A job just started (here or from the high-risk list) puts the focus on its progress,
    // where its outcome will be.
    let status = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = status.get() {
            if jobs.started.try_update_value(std::mem::take).unwrap_or(false) {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div class="job-status" tabindex="-1" node_ref=status data-test="job-status">
            <progress max=move || counts.get().to_send().to_string() value=move || { let c = counts.get(); (c.to_send() - c.waiting).to_string() }
                data-test="progress-bar"></progress>
            <p class="summary" data-test="progress">{line}</p>
            {move || words().map(|(class, what, next, finished)| {
                let test = if class == "note ok" { "accounted" } else { "job-state" };
                view! {
                    <div class=class data-test=test role=finished.then_some("status")>
                        <p class="what">{what}</p>
                        {(!next.is_empty()).then(|| view! { <p class="next">{next}</p> })}
                    </div>
                }
            })}
        </div>
    }
}

/// The job's state in words: (class, what, next, finished).
fn state_words(j: &Job, c: &Counts) -> (&'static str, String, String, bool) {
    match j.state() {
        State::Running => ("busy", format!("Sending… {} requests in flight.", j.in_flight()), String::new(), false),
        State::Paused(Pause::Operator) => {
            ("note", "Paused.".into(), "Nothing more is sent until you resume; answers to requests already sent are still recorded.".into(), false)
        }
        State::Paused(Pause::Disconnected) => (
            "note error",
            "Paused: not connected.".into(),
            "Nothing is sent while no credential is connected. Connect, then press Resume to go on under that credential.".into(),
            false,
        ),
        State::Paused(Pause::Expired(m)) => (
            "note error",
            format!("Paused. {}", m.what),
            "The job goes on by itself once your credential is renewed (paste a fresh token above).".into(),
            false,
        ),
        State::Paused(Pause::Refused(m)) => ("note error", format!("Paused. {}", m.what), m.next.clone(), false),
        State::Cancelling => ("busy", "Cancelling: waiting for the answers to the requests already sent…".into(), String::new(), false),
        State::Finished => {
            let next = match j.unmatched.first() {
                Some(first) => format!(
                    "The server also reported {} identifiers this console did not send (first: \u{201c}{first}\u{201d}); they are not counted above.",
                    j.unmatched.len()
                ),
                None => String::new(),
            };
            let ok = c.sum() == c.input && c.waiting == 0;
            (if ok { "note ok" } else { "note error" }, c.accounted(j.action), next, true)
        }
    }
}

/// The route: bulk high-risk changes, in a wasm chunk of its own, loaded on the way to the page (the first
/// load is the shell and the connect screen; see ARCHITECTURE.md).
pub struct BulkRoute;

#[lazy_route]
impl LazyRoute for BulkRoute {
    fn data() -> Self {
        BulkRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <BulkPage/> }.into_any()
    }
}
