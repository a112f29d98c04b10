//! A list that stays smooth with tens of thousands of rows: only the rows in view exist in the
//! page. Fixed row height in a scroll container; spacers above and below are sized through
//! CSSOM (`style:height`), which the CSP allows where a `style` attribute would not be. Rows
//! are keyed: scrolling or a change elsewhere leaves a row that is still in view untouched.

use leptos::html;
use leptos::prelude::*;

/// Height of one row in pixels: `.vrow` in style/main.css says the same.
pub const ROW_PX: usize = 30;
/// Rows in view (`.vlist` is this many rows high, its header included) and rows drawn beyond
/// them each way.
const IN_VIEW: usize = 19;
const OVERSCAN: usize = 6;

/// `len` rows; row `i` is drawn by `row(i)` and drawn again only when `key(i)` changes.
/// `scroller` lets the page move the list (back to the top when a filter changes). `head`,
/// when given, draws the header's cells in place of `columns` (sort buttons, a checkbox).
/// Callbacks, not generics: one copy of the list's code serves every list.
#[component]
pub fn VirtualList(
    class: &'static str,
    label: &'static str,
    columns: &'static [&'static str],
    #[prop(into)] len: Signal<usize>,
    key: Callback<usize, String>,
    row: Callback<usize, AnyView>,
    #[prop(optional)] scroller: NodeRef<html::Div>,
    #[prop(optional)] head: Option<ViewFn>,
) -> impl IntoView {
    let first = RwSignal::new(0usize);
    let window = move || {
        let n = len.get();
        let start = first.get().saturating_sub(OVERSCAN).min(n);
        (start, (first.get() + IN_VIEW + OVERSCAN).min(n), n)
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&ev);
        first.set(el.scroll_top().max(0) as usize / ROW_PX);
    };
    let px = |rows: usize| format!("{}px", rows * ROW_PX);
    view! {
        <div node_ref=scroller class=format!("vlist {class}") role="table" aria-label=label tabindex="0" on:scroll=on_scroll>
            <div class="vrow vhead" role="row">
                {match head {
                    Some(head) => head.run(),
                    None => columns.iter().map(|c| view! { <span role="columnheader">{*c}</span> }).collect_view().into_any(),
                }}
            </div>
            <div>
                <div style:height=move || px(window().0)></div>
                <For
                    each=move || {
                        let (start, end, _) = window();
                        (start..end).map(|i| (key.run(i), i)).collect::<Vec<_>>()
                    }
                    key=|(k, _)| k.clone()
                    children=move |(_, i)| view! { <div class="vrow" role="row">{row.run(i)}</div> }
                />
                <div style:height=move || { let (_, end, n) = window(); px(n - end) }></div>
            </div>
        </div>
    }
}
