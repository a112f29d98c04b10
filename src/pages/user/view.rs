//! The user page's few data-driven views: label/value rows, one table, a date in words. Each
//! panel describes what it shows as data and hands it to these, so a new field costs a line,
//! not a new view type (each of which costs wasm).

use crate::session::now_secs;
use cas_core::when;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The browser's offset from UTC at a moment, in minutes east (daylight saving included).
pub fn offset_at(secs: i64) -> i32 {
    let date = js_sys::Date::new(&JsValue::from_f64(secs as f64 * 1000.0));
    -(date.get_timezone_offset() as i32)
}

/// The offset on a calendar day (`2025-06-01`), at its start, for the history's date filter.
pub fn offset_on(day: &str) -> i32 {
    match when::day_parts(day) {
        Some((y, m, d)) => {
            let date = js_sys::Date::new_with_year_month_day(y.max(0) as u32, i32::from(m) - 1, i32::from(d));
            -(date.get_timezone_offset() as i32)
        }
        None => 0,
    }
}

/// "UTC+02:00": the zone the page's dates are in.
pub fn zone_label() -> String {
    let m = offset_at(now_secs() as i64);
    let sign = if m < 0 { '-' } else { '+' };
    format!("UTC{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
}

/// One value of a row or a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    /// A timestamp from the server: in words, the exact value on hover.
    When(Option<String>),
    /// A value to copy whole (an id).
    Code(String),
}

impl Value {
    /// Text, or "—" when blank.
    pub fn text(v: Option<&str>) -> Value {
        match v.map(str::trim) {
            Some(s) if !s.is_empty() => Value::Text(s.to_string()),
            _ => Value::Text("—".into()),
        }
    }

    pub fn when(v: &Option<String>) -> Value {
        Value::When(v.clone())
    }
}

/// A timestamp in the operator's words and zone, the server's exact value in `title` and
/// `datetime`; shown as the server wrote it when it is not a timestamp, "—" when absent.
/// `plain`: the date and time alone, without "(in 6 days)".
#[component]
pub fn When(iso: Option<String>, #[prop(optional)] plain: bool) -> impl IntoView {
    let words = |iso: &str| match plain {
        true => when::parse(iso).and_then(|t| when::local(t, offset_at(t))),
        false => when::in_words(iso, now_secs() as i64, offset_at),
    };
    match iso.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        None => "—".into_any(),
        Some(iso) => match words(&iso) {
            Some(words) => view! { <time datetime=iso.clone() title=iso>{words}</time> }.into_any(),
            None => iso.into_any(),
        },
    }
}

fn show(v: Value) -> AnyView {
    match v {
        Value::Text(t) => t.into_any(),
        Value::When(iso) => view! { <When iso=iso/> }.into_any(),
        Value::Code(c) => view! { <code>{c}</code> }.into_any(),
    }
}

/// Label/value rows: a `<dl>`.
#[component]
pub fn Rows(rows: Vec<(String, Value)>, #[prop(optional)] class: &'static str, #[prop(optional)] test: &'static str) -> impl IntoView {
    view! {
        <dl class=(!class.is_empty()).then_some(class) data-test=(!test.is_empty()).then_some(test)>
            {rows.into_iter().map(|(label, value)| view! { <div><dt>{label}</dt><dd>{show(value)}</dd></div> }).collect_view()}
        </dl>
    }
}

/// A row of a `Table`: its cells, and a class for the whole row.
pub struct Line {
    pub class: String,
    pub cells: Vec<Value>,
}

/// A plain table with a caption and a header row.
#[component]
pub fn Table(caption: String, head: &'static [&'static str], lines: Vec<Line>, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! {
        <table class=(!class.is_empty()).then_some(class)>
            <caption>{caption}</caption>
            <thead><tr>{head.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr></thead>
            <tbody>
                {lines.into_iter().map(|l| view! {
                    <tr class=l.class>{l.cells.into_iter().map(|c| view! { <td>{show(c)}</td> }).collect_view()}</tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
