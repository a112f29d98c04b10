//! CSV out (action log, bulk outcomes) with spreadsheet formula injection neutralised.
//!
//! Written here rather than with the csv crate's writer (the bulk page reads CSV with that
//! crate): what matters is `could_run`, which no CSV writer knows, and the quoting beside it
//! is a few lines that the fuzz target `bulk_input` reads back with the crate's reader.

/// A character that starts a formula, once a spreadsheet has dropped what comes before it.
/// The full-width forms are read as the ASCII ones by some (East Asian locales of Excel).
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}')
}

/// What spreadsheets may drop in front of a value before reading it: whitespace (Unicode's,
/// no-break spaces included), control characters, and invisible format characters such as
/// zero-width spaces and byte-order marks.
fn skipped_before_formula(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Whether a spreadsheet could run `value` as a formula: its first character that is not
/// whitespace, a control or an invisible character starts one. A value starting with a tab or
/// CR is neutralised whatever follows (OWASP's rule: both can start a formula in Excel).
fn could_run(value: &str) -> bool {
    value.starts_with(['\t', '\r']) || value.chars().find(|c| !skipped_before_formula(*c)).is_some_and(starts_formula)
}

/// One cell: quoted when needed; a value a spreadsheet could take for a formula (see
/// `could_run`) gets a leading `'` so it is shown as text instead of run.
pub fn cell(value: &str) -> String {
    let neutral = if could_run(value) { format!("'{value}") } else { value.to_string() };
    if neutral.contains([',', '"', '\n', '\r']) || neutral.starts_with(' ') || neutral.ends_with(' ') {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = cells.iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// A whole table, header first.
pub fn table<S: AsRef<str>>(header: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> String {
    let mut out = row(header);
    for r in rows {
        out.push_str(&row(&r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell(""), "");
    }

    /// Spreadsheets trim leading whitespace on import (Google Sheets, LibreOffice's "trim
    /// spaces", Excel for some locales) and then evaluate what follows.
    #[test]
    fn formulas_behind_leading_whitespace_or_invisible_characters_are_neutralised() {
        for hidden in [" =1+1", "  +1", "\n=HYPERLINK(\"x\")", "\r\n@SUM(A1)", " \t-2", "\u{00A0}=1", "\u{3000}=1", "\u{200B}=1", "\u{FEFF}@x", "\u{0007}=1"] {
            let out = cell(hidden);
            let body = out.strip_prefix('"').unwrap_or(&out);
            assert!(body.starts_with('\''), "{hidden:?} came out as {out:?}");
        }
        // Full-width signs, which some spreadsheets take for the ASCII ones.
        for wide in ["\u{FF1D}1+1", "\u{FF0B}1", "\u{FF0D}1", "\u{FF20}x"] {
            assert!(cell(wide).starts_with('\''), "{wide:?}");
        }
        // Whitespace before plain text is left alone; so is a sign later in the value.
        assert_eq!(cell(" plain"), "\" plain\"");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("jane-doe@example.com"), "jane-doe@example.com");
        assert_eq!(cell("  "), "\"  \"");
    }

    #[test]
    fn tables_use_crlf() {
        let t = table(&["a", "b"], vec![vec!["1", "x\"y"]]);
        assert_eq!(t, "a,b\r\n1,\"x\"\"y\"\r\n");
    }
}
