//! The operator's action log: every change made this session, exportable as CSV.

use crate::ui::{download, file_stamp, use_log};
use cas_core::actionlog::to_csv;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn LogPage() -> impl IntoView {
    let log = use_log();
    let export = move |_| {
        let csv = log.0.with(|entries| to_csv(entries));
        download(&format!("cas-action-log-{}.csv", file_stamp()), "text/csv;charset=utf-8", &csv);
    };
    view! {
        <section aria-labelledby="log-title">
            <div class="title-row">
                <h1 id="log-title">"Action log"</h1>
                <button type="button" on:click=export disabled=move || log.0.with(Vec::is_empty)>"Export CSV"</button>
            </div>
            <p class="hint">"Every change this console asked for in this tab, with the server's answer. It lives in memory and is gone when the tab closes: export it to keep it."</p>
            <Show when=move || !log.0.with(Vec::is_empty) fallback=|| view! { <p class="empty">"No changes yet."</p> }>
                <table class="log">
                    <thead><tr><th scope="col">"Time"</th><th scope="col">"Action"</th><th scope="col">"Target"</th><th scope="col">"Outcome"</th><th scope="col">"Details"</th></tr></thead>
                    <tbody>
                        {move || log.0.get().into_iter().rev().map(|e| view! {
                            <tr class=format!("outcome-{}", e.outcome.label().replace(' ', "-"))>
                                <td>{e.time}</td><td>{e.action}</td><td>{e.target}</td><td>{e.outcome.label()}</td><td>{e.details}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// The route: the action log, in a wasm chunk of its own, loaded on the way to the page (the first
/// load is the shell and the connect screen; see ARCHITECTURE.md).
pub struct LogRoute;

#[lazy_route]
impl LazyRoute for LogRoute {
    fn data() -> Self {
        LogRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <LogPage/> }.into_any()
    }
}
