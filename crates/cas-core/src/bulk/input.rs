//! Reading the operator's input: a pasted list or one column of a CSV file, then trimmed,
//! checked and de-duplicated into the job's items (in input order, every entry kept).

use super::{Item, Outcome};
use std::collections::BTreeMap;

/// Longer identifiers are set aside unsent.
pub const MAX_LEN: usize = 256;

/// Why an entry is set aside instead of sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    Empty,
    TooLong,
    /// A control character or an invisible (format) character, with its code point.
    Control(u32),
}

impl Invalid {
    pub fn reason(self) -> String {
        match self {
            Invalid::Empty => "empty".into(),
            Invalid::TooLong => format!("longer than {MAX_LEN} characters"),
            Invalid::Control(c) => format!("contains a control or invisible character (U+{c:04X})"),
        }
    }
}

/// Control characters, and the invisible ones that make two identifiers look alike.
fn is_hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Whether `text` (already trimmed) may be sent.
pub fn check(text: &str) -> Result<(), Invalid> {
    if text.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Some(c) = text.chars().find(|c| is_hidden(*c)) {
        return Err(Invalid::Control(c as u32));
    }
    if text.chars().count() > MAX_LEN {
        return Err(Invalid::TooLong);
    }
    Ok(())
}

fn is_separator(c: char) -> bool {
    c == ',' || c == ';' || c.is_whitespace()
}

/// A pasted list: identifiers separated by line breaks, commas, semicolons, spaces or tabs
/// (runs of separators count as one). A pair of double quotes around an entry is dropped,
/// so `""` is an empty entry and is set aside.
pub fn split_list(text: &str) -> Vec<String> {
    text.trim_start_matches('\u{FEFF}')
        .split(is_separator)
        .filter(|s| !s.is_empty())
        .map(|s| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s).to_string())
        .collect()
}

/// Rows of a CSV file: RFC 4180 quoting (quoted fields, `""` for a quote, line breaks inside
/// quotes), CRLF, LF or CR line ends, a leading byte-order mark dropped, blank lines skipped.
/// The delimiter is whichever of `,` `;` and tab is most frequent in the first line.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{FEFF}');
    let first = text.lines().next().unwrap_or("");
    let delim = [',', ';', '\t'].into_iter().rev().max_by_key(|d| first.matches(*d).count()).unwrap_or(',');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut fresh) = (false, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c != '"' {
                field.push(c);
            } else if chars.peek() == Some(&'"') {
                chars.next();
                field.push('"');
            } else {
                quoted = false;
            }
        } else if c == '"' && fresh {
            quoted = true;
            fresh = false;
        } else if c == delim {
            row.push(std::mem::take(&mut field));
            fresh = true;
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
            fresh = true;
        } else {
            field.push(c);
            fresh = false;
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r: &Vec<String>| !(r.len() == 1 && r[0].trim().is_empty()));
    rows
}

/// How much a header cell sounds like the identifier column.
fn header_score(cell: &str) -> u8 {
    let c = cell.trim().to_ascii_lowercase();
    if c.contains("mail") {
        3
    } else if ["user", "login", "upn", "principal", "alternate", "sam"].iter().any(|w| c.contains(w)) {
        2
    } else if c.contains("name") || c.contains("id") {
        1
    } else {
        0
    }
}

/// The column most likely to hold the identifiers, and whether the first row is a header:
/// a first row with no `@` and a cell named like an identifier is a header, and names the
/// column; otherwise the column with the most `@` wins (the first on a tie).
pub fn guess_layout(rows: &[Vec<String>]) -> (usize, bool) {
    let Some(first) = rows.first() else { return (0, false) };
    let header = !first.iter().any(|c| c.contains('@')) && first.iter().any(|c| header_score(c) > 0);
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let score = |col: usize| -> usize {
        if header {
            first.get(col).map_or(0, |c| usize::from(header_score(c)))
        } else {
            rows.iter().filter(|r| r.get(col).is_some_and(|c| c.contains('@'))).count()
        }
    };
    let best = (0..width).rev().max_by_key(|c| score(*c)).unwrap_or(0);
    (best, header)
}

/// One column's values, a missing cell read as empty (and so set aside, still counted).
pub fn column_values(rows: &[Vec<String>], col: usize, header: bool) -> Vec<String> {
    rows.iter().skip(usize::from(header)).map(|r| r.get(col).cloned().unwrap_or_default()).collect()
}

/// The job's items: every entry trimmed and kept in order; the invalid ones set aside with a
/// reason; a repeat (ignoring ASCII case: the API matches case-insensitively) marked as a
/// duplicate of the first, which alone is sent.
pub fn prepare(entries: Vec<String>) -> Vec<Item> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    entries
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let text = raw.trim().to_string();
            let (outcome, detail) = match check(&text) {
                Err(why) => (Outcome::SetAside(why), why.reason()),
                Ok(()) => match seen.get(&text.to_ascii_lowercase()) {
                    Some(first) => (Outcome::Duplicate, format!("same as line {}", first + 1)),
                    None => {
                        seen.insert(text.to_ascii_lowercase(), i);
                        (Outcome::Waiting, String::new())
                    }
                },
            };
            Item { text, outcome, detail }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::Counts;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pasted_lists_split_on_every_separator() {
        let text = "\u{FEFF}a@x.com\r\nb@x.com, c@x.com;d@x.com\te@x.com  f\n\n,,;\n\"g@x.com\"\n\"\"\n";
        assert_eq!(split_list(text), strings(&["a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com", "f", "g@x.com", ""]));
        assert!(split_list("  \n ,; ").is_empty());
    }

    #[test]
    fn csv_quotes_delimiters_and_line_ends() {
        let rows = parse_csv("\u{FEFF}name,email\r\n\"Doe, Jane\",jane@x.com\r\n\"Say \"\"hi\"\"\",\"multi\nline\"\rlast,\n\n");
        assert_eq!(rows, vec![
            strings(&["name", "email"]),
            strings(&["Doe, Jane", "jane@x.com"]),
            strings(&["Say \"hi\"", "multi\nline"]),
            strings(&["last", ""]),
        ]);
        assert_eq!(parse_csv("a;b\n1;2"), vec![strings(&["a", "b"]), strings(&["1", "2"])]);
        assert_eq!(parse_csv("a\tb\tc,d\n1\t2\t3,4"), vec![strings(&["a", "b", "c,d"]), strings(&["1", "2", "3,4"])]);
        assert_eq!(parse_csv("only@x.com"), vec![strings(&["only@x.com"])]);
        assert!(parse_csv("").is_empty());
    }

    #[test]
    fn the_identifier_column_is_guessed() {
        let with_header = parse_csv("Name,Department,E-mail address\nJane,IT,jane@x.com\n");
        assert_eq!(guess_layout(&with_header), (2, true));
        assert_eq!(column_values(&with_header, 2, true), strings(&["jane@x.com"]));
        let username_header = parse_csv("ticket,sAMAccountName\n12,jdoe\n");
        assert_eq!(guess_layout(&username_header), (1, true));
        let no_header = parse_csv("12,Jane,jane@x.com\n13,Joe,joe@x.com\n14,,\n");
        assert_eq!(guess_layout(&no_header), (2, false));
        assert_eq!(column_values(&no_header, 2, false), strings(&["jane@x.com", "joe@x.com", ""]));
        let ragged = vec![strings(&["a"]), strings(&["b", "c@x"])];
        assert_eq!(guess_layout(&ragged), (1, false));
        assert_eq!(column_values(&ragged, 1, false), strings(&["", "c@x"]));
        assert_eq!(guess_layout(&[]), (0, false));
    }

    #[test]
    fn entries_are_trimmed_checked_and_deduplicated_in_order() {
        let long = "x".repeat(MAX_LEN + 1);
        let exact = "y".repeat(MAX_LEN);
        let items = prepare(strings(&[" Jane@X.com ", "bell\u{7}", "jane@x.COM", "", &long, &exact, "zero\u{200B}width", "jdoe", "JDOE", "José", "JOSÉ"]));
        let outcomes: Vec<Outcome> = items.iter().map(|i| i.outcome).collect();
        assert_eq!(outcomes, vec![
            Outcome::Waiting,
            Outcome::SetAside(Invalid::Control(7)),
            Outcome::Duplicate,
            Outcome::SetAside(Invalid::Empty),
            Outcome::SetAside(Invalid::TooLong),
            Outcome::Waiting,
            Outcome::SetAside(Invalid::Control(0x200B)),
            Outcome::Waiting,
            Outcome::Duplicate,
            Outcome::Waiting,
            // Only ASCII case is folded (the console carries no Unicode tables): sent twice, harmless.
            Outcome::Waiting,
        ]);
        assert_eq!(items[0].text, "Jane@X.com");
        assert_eq!(items[2].detail, "same as line 1");
        assert_eq!(items[1].detail, "contains a control or invisible character (U+0007)");
        assert_eq!(items[4].detail, "longer than 256 characters");
        let c = Counts::of(&items);
        assert_eq!((c.input, c.to_send(), c.duplicates, c.set_aside), (11, 5, 2, 4));
    }
}
