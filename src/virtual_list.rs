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

/// Where a list is scrolled to, which the page may move: back to the top when a filter changes.
#[derive(Clone, Copy)]
pub struct Scroll {
    node: NodeRef<html::Div>,
    /// The first row in view: set by the list's scroll events, and at once by `to_top`.
    first: RwSignal<usize>,
}

impl Default for Scroll {
    fn default() -> Scroll {
        Scroll { node: NodeRef::new(), first: RwSignal::new(0) }
    }
}

impl Scroll {
    /// Back to the first row. The rows follow now, not at the next frame's scroll event: what
    /// the page draws next (a new filter's matches) is drawn from the top.
    pub fn to_top(self) {
        if let Some(list) = self.node.get_untracked() {
            list.set_scroll_top(0);
        }
        self.first.set(0);
    }
}

/// `len` rows; row `i` is drawn by `row(i)` and drawn again only when `key(i)` changes.
/// `scroll` lets the page move the list (back to the top when a filter changes). `head`,
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
    #[prop(optional)] scroll: Scroll,
    #[prop(optional)] head: Option<ViewFn>,
) -> impl IntoView {
    let Scroll { node, first } = scroll;
    let window = move || {
        let n = len.get();
        // When the list gets shorter than where it was scrolled, the browser moves the scroll
        // position back within it, but says so in a scroll event only at the next frame: until
        // then the rows are drawn from where that position will be, rather than none at all.
        let first = first.get().min(n.saturating_sub(IN_VIEW));
        (first.saturating_sub(OVERSCAN), (first + IN_VIEW + OVERSCAN).min(n), n)
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        let el: web_sys::Element = event_target(&ev);
        first.set(el.scroll_top().max(0) as usize / ROW_PX);
    };
    let px = |rows: usize| format!("{}px", rows * ROW_PX);
    view! {
        <div node_ref=node class=format!("vlist {class}") role="table" aria-label=label tabindex="0" on:scroll=on_scroll>
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
