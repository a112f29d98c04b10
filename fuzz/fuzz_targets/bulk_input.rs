//! The bulk page's input: a pasted list, a CSV file, the guessed column, the prepared items,
//! and the CSV written back out (the outcome table, the action log).
//!
//! No panic. The capped readers read what the plain ones read under the caps. Every entry
//! becomes exactly one item, counted once. A cell written out is never a formula a
//! spreadsheet could run, and reads back as written (with the neutralising `'`).
#![no_main]

use cas_core::bulk::{self, Counts, Outcome, TooLarge};
use cas_core::csv;
use cas_core::wire::HighRiskAction;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };

    let list = bulk::split_list(text);
    assert!(list.iter().all(|e| !e.contains([',', ';', '\n', ' '])));
    assert_eq!(bulk::read_list(text).as_ref(), Ok(&list), "fuzz inputs are under the caps");
    check_items(list);

    let rows = bulk::parse_csv(text);
    assert!(rows.iter().all(|r| !r.is_empty()));
    match bulk::read_csv(text) {
        Ok(capped) => assert_eq!(capped, rows),
        Err(TooLarge::Columns) => assert!(rows.iter().any(|r| r.len() > bulk::MAX_COLUMNS)),
        Err(other) => panic!("{other:?} for {} bytes", text.len()),
    }
    let (col, header) = bulk::guess_layout(&rows);
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    assert!(col < width.max(1));
    assert!(!header || !rows.is_empty());
    for (col, header) in [(col, header), (col, !header), (width, false)] {
        let values = bulk::column_values(&rows, col, header);
        assert_eq!(values.len(), rows.len().saturating_sub(usize::from(header)));
        assert_eq!(bulk::read_column(&rows, col, header).as_ref(), Ok(&values));
        check_items(values);
    }

    // Cells out: up to three, separated by U+001F in the input, and a last one (a row of one
    // blank cell is a blank line, which the reader skips).
    let mut cells: Vec<&str> = text.split('\u{1F}').take(3).collect();
    cells.push("end");
    let header = ["a", "b", "c", "d"];
    let written = csv::table(&header[..cells.len()], vec![cells.clone()]);
    let read = bulk::parse_csv(&written);
    assert_eq!(read.len(), 2, "{written:?}");
    for (out, cell) in read[1].iter().zip(&cells) {
        assert!(out == cell || out.strip_prefix('\'') == Some(*cell), "{cell:?} read back as {out:?}");
        assert!(!could_run(out), "{cell:?} written as {out:?}");
    }
});

/// The oracle: what spreadsheets skip before a value (whitespace, control and invisible
/// characters), then a formula sign. A value starting with the neutralising `'` is text.
fn could_run(cell: &str) -> bool {
    let invisible = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}');
    !cell.starts_with('\'') && cell.chars().find(|c| !invisible(*c)).is_some_and(|c| "=+-@\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20}".contains(c))
}

fn check_items(entries: Vec<String>) {
    let n = entries.len();
    let items = bulk::prepare(entries);
    assert_eq!(items.len(), n);
    let c = Counts::of(&items);
    assert_eq!(c.sum(), n);
    assert_eq!(c.to_send(), c.waiting);
    for item in &items {
        assert_eq!(item.text.trim(), item.text);
        if let Outcome::SetAside(why) = item.outcome {
            assert!(!why.reason().is_empty());
        }
    }
    for action in [HighRiskAction::Add, HighRiskAction::Remove] {
        let table = bulk::parse_csv(&bulk::outcomes_csv(&items, action));
        assert_eq!(table.len(), 1 + items.len());
        for (row, item) in table[1..].iter().zip(&items) {
            assert!(row[1] == item.text || row[1].strip_prefix('\'') == Some(item.text.as_str()), "{row:?}");
        }
        let _ = c.accounted(action);
    }
}
