//! The high-risk list: everyone on it, filtered as you type, sorted by a column, each row a
//! link to the user. Rows can be selected (a checkbox each, shift-click for a range, all that
//! match the filter) and removed from the list as one bulk job, the same job and outcome view
//! as the bulk page's; the list, or the rows the filter leaves, exports as CSV. It stays
//! smooth with tens of thousands of entries (`VirtualList`). The rules are
//! `cas_core::high_risk`'s; this page draws them.

use crate::api;
use crate::pages::bulk::BulkJobs;
use crate::session::use_session;
use crate::ui::{download, file_stamp, Ask, ConfirmDialog, Note};
use crate::virtual_list::{Scroll, VirtualList};
use cas_core::access::Operation;
use cas_core::error::{message, UserMessage};
use cas_core::high_risk::{Listing, Narrowing, Selection, Sort, COLUMNS};
use cas_core::route::{path, Page};
use cas_core::wire::{HighRiskAction, HighRiskEntry};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::{lazy_route, LazyRoute, NavigateOptions};
use std::sync::Arc;

#[component]
pub fn HighRiskPage() -> impl IntoView {
    let session = use_session();
    let reloading = RwSignal::new(false);
    let list = LocalResource::new(move || {
        let s = session.get_untracked();
        async move {
            let answer = async {
                let s = s.ok_or_else(|| UserMessage::new("Not connected.", "Connect first."))?;
                if let Err(d) = s.allows(Operation::ReadHighRisk) {
                    return Err(UserMessage::new(d.explain(Operation::ReadHighRisk), "Reconnect with a credential that may read the list."));
                }
                let abort = api::abort_on_cleanup().map_err(|e| message(&e, None))?;
                api::high_risk_list(&s, Some(&abort)).await.map_err(|e| message(&e, Some(Operation::ReadHighRisk)))
            }
            .await;
            reloading.set(false);
            answer
        }
    });
    // The filter and the sort outlive a reload; the selection does not (the rows may differ).
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<Sort>);
    let reload = move |_| {
        reloading.set(true);
        list.refetch();
    };
    view! {
        <section class="high-risk" aria-labelledby="hr-title">
            <div class="title-row">
                <h1 id="hr-title">"High-risk users"</h1>
                <A href=path(&Page::BulkHighRisk)>"Add or remove many…"</A>
                <button type="button" disabled=move || reloading.get() on:click=reload>"Reload"</button>
                <p class="busy" role="status" data-test="hr-reloading">{move || reloading.get().then_some("Reloading the list…")}</p>
            </div>
            <p class="hint">"Access policies for high-risk users apply to everyone listed here. Select rows to take them off the list, or open a user."</p>
            {move || match list.get() {
                None => view! { <p class="busy" role="status" data-test="hr-loading">"Loading the high-risk list…"</p> }.into_any(),
                Some(Ok(entries)) => view! { <Listed entries=entries filter=filter sort=sort/> }.into_any(),
                Some(Err(m)) => view! { <Note message=m test="list-problem"/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Listed(entries: Vec<HighRiskEntry>, filter: RwSignal<String>, sort: RwSignal<Option<Sort>>) -> impl IntoView {
    let jobs = expect_context::<BulkJobs>();
    let session = use_session();
    let navigate = use_navigate();
    let listing = Arc::new(Listing::new(entries));
    let total = listing.len();
    let order = Memo::new({
        let l = listing.clone();
        move |_| l.order(sort.get())
    });
    let narrowing = StoredValue::new(Narrowing::default());
    let shown = Memo::new({
        let l = listing.clone();
        move |_| order.with(|o| narrowing.try_update_value(|n| n.matching(&l, o, sort.get(), &filter.read())).unwrap_or_default())
    });
    let selection = RwSignal::new(Selection::new(total));
    let filtering = move || !filter.read().trim().is_empty();

    let count = move || {
        let s = if total == 1 { "" } else { "s" };
        if filtering() {
            format!("{} of {total} user{s} match", shown.read().len())
        } else {
            format!("{total} user{s} on the high-risk list")
        }
    };
    let selected = move || selection.with(Selection::count);
    let selected_shown = Memo::new(move |_| selection.with(|s| shown.with(|v| s.selected_in(v))));
    let selected_words = move || {
        let (n, hidden) = (selected(), selected() - selected_shown.get());
        match (n, hidden) {
            (0, _) => "None selected".to_string(),
            (n, 0) => format!("{n} selected"),
            (n, h) => format!("{n} selected ({h} not shown by the filter)"),
        }
    };

    let scroll = Scroll::default();
    let to_top = move || scroll.to_top();
    let on_input = move |ev: leptos::ev::Event| {
        to_top();
        filter.set(event_target_value(&ev));
    };
    // Escape clears the filter (and keeps the focus in it).
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && !filter.read_untracked().is_empty() {
            ev.prevent_default();
            to_top();
            filter.set(String::new());
        }
    };

    // Removing the selection: who may, whether a job is already under way, and the ask.
    let denied = move || {
        let s = session.get_untracked()?;
        s.changed.track();
        s.allows(Operation::ChangeHighRisk).err().map(|d| d.explain(Operation::ChangeHighRisk))
    };
    let busy = move || jobs.busy();
    let problem = RwSignal::new(None::<UserMessage>);
    let asking = RwSignal::new(false);
    let ask = Signal::derive(move || {
        let n = selected();
        asking.get().then(|| Ask {
            title: format!("Remove {n} user{} from the high-risk list?", if n == 1 { "" } else { "s" }),
            body: "Access policies for high-risk users no longer apply to them. They are sent as one bulk job, whose page then shows what became of each.",
            confirm: "Remove from list",
        })
    });
    let answer = Callback::new({
        let listing = listing.clone();
        let navigate = navigate.clone();
        move |yes: bool| {
            if !asking.get_untracked() {
                return;
            }
            asking.set(false);
            if !yes {
                return;
            }
            // An entry with no identifier at all goes too: the job sets it aside, and says so.
            let ids = selection.with_untracked(Selection::positions).into_iter().map(|k| listing.identifier(k).unwrap_or_default().to_string()).collect();
            match jobs.start_with(HighRiskAction::Remove, ids) {
                Ok(()) => navigate(&path(&Page::BulkHighRisk), NavigateOptions::default()),
                Err(m) => problem.set(Some(m)),
            }
        }
    });

    let export = {
        let listing = listing.clone();
        move |_| {
            let csv = shown.with_untracked(|rows| listing.csv(rows));
            let what = if filtering() { "filtered" } else { "all" };
            download(&format!("high-risk-list-{what}-{}.csv", file_stamp()), "text/csv;charset=utf-8", &csv);
        }
    };
    let export_label = move || if filtering() { format!("Export the {} shown (CSV)", shown.read().len()) } else { "Export the list (CSV)".to_string() };
    let select_all_label = move || {
        let n = shown.read().len();
        if filtering() { format!("Select all {n} that match") } else { format!("Select all {n}") }
    };

    // The header: a checkbox for every row shown, then a sort button per column.
    let all_shown = move || {
        let n = shown.read().len();
        n > 0 && selected_shown.get() == n
    };
    let some_shown = move || selected_shown.get() != 0 && !all_shown();
    let head = ViewFn::from(move || {
        view! {
            <span role="columnheader">
                <input type="checkbox" aria-label="Select every row shown" data-test="hr-select-shown" prop:checked=all_shown
                    prop:indeterminate=some_shown
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selection.update(|s| shown.with_untracked(|v| s.set_all(v, on)));
                    }/>
            </span>
            {COLUMNS.into_iter().map(|c| view! {
                <span role="columnheader" aria-sort=move || Sort::aria(sort.get(), c)>
                    <button type="button" class="sort" on:click=move |_| {
                        to_top();
                        sort.update(|s| *s = Sort::next(*s, c));
                    }>
                        {c.label()}
                        <span class="arrow" aria-hidden="true">{move || match Sort::aria(sort.get(), c) {
                            "ascending" => "\u{2191}",
                            "descending" => "\u{2193}",
                            _ => "",
                        }}</span>
                    </button>
                </span>
            }).collect_view()}
        }
        .into_any()
    });

    let entry = move |i: usize| shown.with(|s| s.get(i).copied());
    // Rows are keyed by their place in the view, and each shows whichever entry is there now:
    // a keystroke of the filter or a new sort changes the text of the rows in view in place,
    // where rows keyed by entry were made anew and restyled by the browser, which put one
    // keystroke in five over a frame (BENCHMARKS.md). A row whose entry is the same is left as
    // it is.
    let key = Callback::new(move |i: usize| i.to_string());
    let row = Callback::new({
        let listing = listing.clone();
        move |i: usize| {
            let at = Memo::new(move |_| entry(i));
            let field = {
                let listing = listing.clone();
                move |f: fn(&HighRiskEntry) -> &str| {
                    let listing = listing.clone();
                    move || at.get().and_then(|k| listing.entries.get(k as usize)).map(|e| f(e).to_string()).unwrap_or_default()
                }
            };
            let email = field(|e| &e.email);
            let (label, href) = (email.clone(), email.clone());
            // The entry's position in the list, not in the view: the selection follows the
            // entry across filters and sorts.
            let click = move |ev: leptos::ev::MouseEvent| {
                if let Some(k) = at.get_untracked() {
                    selection.update(|s| shown.with_untracked(|v| s.click(v, k, ev.shift_key())));
                }
            };
            view! {
                <span role="cell">
                    <input type="checkbox" aria-label=move || format!("Select {}", label()) prop:checked=move || at.get().is_some_and(|k| selection.with(|s| s.is_selected(k))) on:click=click/>
                </span>
                <span role="cell"><A href=move || path(&Page::User(href()))>{email}</A></span>
                <span role="cell">{field(|e| &e.primary_username)}</span>
                <span role="cell">{field(|e| &e.alternate_username)}</span>
            }
            .into_any()
        }
    });

    view! {
        <label for="hr-filter">"Filter"</label>
        <input id="hr-filter" type="search" autocomplete="off" spellcheck="false" placeholder="part of an email, primary or alternate username (Esc clears)"
            prop:value=move || filter.get() on:input=on_input on:keydown=on_keydown/>
        <p id="hr-count" class="summary" role="status" data-test="hr-count">{count}</p>
        <div class="actions selection" role="group" aria-label="Selection">
            <span data-test="hr-selected" role="status">{selected_words}</span>
            <button type="button" data-test="hr-select-all" disabled=move || shown.read().is_empty()
                on:click=move |_| selection.update(|s| shown.with_untracked(|v| s.set_all(v, true)))>{select_all_label}</button>
            <button type="button" data-test="hr-clear" disabled=move || selected() == 0 on:click=move |_| selection.update(Selection::clear)>"Clear selection"</button>
            {move || match (denied(), busy()) {
                (Some(why), _) => view! { <p class="why-not" data-test="hr-remove-denied">{why}</p> }.into_any(),
                (None, true) => view! {
                    <p class="why-not" data-test="hr-remove-denied">"A bulk job is under way: it must finish before another starts. "
                        <A href=path(&Page::BulkHighRisk)>"See it"</A></p>
                }.into_any(),
                (None, false) => view! {
                    <button type="button" class="danger" data-test="hr-remove" disabled=move || selected() == 0 on:click=move |_| {
                        problem.set(None);
                        asking.set(true);
                    }>{move || format!("Remove {} from the list…", selected())}</button>
                }.into_any(),
            }}
            <button type="button" data-test="hr-export" on:click=export>{export_label}</button>
        </div>
        {move || problem.get().map(|m| view! { <Note message=m/> })}
        <VirtualList class="hr-cols" label="High-risk users" columns=&[] head=head
            len=Signal::derive(move || shown.read().len()) key=key row=row scroll=scroll/>
        <ConfirmDialog ask=ask answer=answer/>
    }
}

/// The route: the high-risk list, in a wasm chunk of its own, loaded on the way to the page (the first
/// load is the shell and the connect screen; see ARCHITECTURE.md).
pub struct HighRiskRoute;

#[lazy_route]
impl LazyRoute for HighRiskRoute {
    fn data() -> Self {
        HighRiskRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <HighRiskPage/> }.into_any()
    }
}
