//! Reading the operator's input: a pasted list or one column of a CSV file, then trimmed,
//! checked and de-duplicated into the job's items (in input order, every entry kept).

use super::{Item, Outcome};
use crate::error::UserMessage;
use std::collections::BTreeMap;
use std::fmt;

/// Longer identifiers are set aside unsent.
pub const MAX_LEN: usize = 256;

/// The most text a bulk job reads, pasted or from a file: 50,000 identifiers with a dozen
/// columns beside them fit; a 50 MB export does not, and is refused before it is read.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;
/// The most identifiers one job takes (500 requests of 100): beyond, the preview, the job
/// and its outcome table would slow the tab down for a list the operator should split anyway.
pub const MAX_IDENTIFIERS: usize = 50_000;
/// The most cells in one row of a CSV file; a wider "row" is not a list of users.
pub const MAX_COLUMNS: usize = 1_000;

/// Where the input came from, for the wording of a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The text box: pasted, typed, or a file that is not CSV loaded into it.
    Text,
    /// A CSV or TSV file.
    File,
}

/// Why an input is refused whole, before anything in it is read or sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TooLarge {
    /// More than `MAX_INPUT_BYTES`; `bytes` is how many.
    Bytes { source: Source, bytes: u64 },
    /// More than `MAX_IDENTIFIERS` entries (or data rows).
    Identifiers { source: Source },
    /// A CSV row with more than `MAX_COLUMNS` cells.
    Columns,
}

/// `50000` → `50,000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Whole megabytes, rounded up (no float formatting in the console).
fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

impl TooLarge {
    /// What happened and what to do next, for the bulk page.
    pub fn message(&self) -> UserMessage {
        let most = grouped(MAX_IDENTIFIERS);
        let limit = megabytes(MAX_INPUT_BYTES as u64);
        match *self {
            TooLarge::Bytes { source: Source::File, bytes } => UserMessage::new(
                format!("This file is {} MB, more than the {limit} MB a bulk job reads: nothing was read from it.", megabytes(bytes)),
                format!("Save a CSV file holding only the column of identifiers, or split the list into files of at most {most} identifiers each."),
            ),
            TooLarge::Bytes { source: Source::Text, bytes } => UserMessage::new(
                format!("The text is {} MB, more than the {limit} MB a bulk job reads: nothing was read from it.", megabytes(bytes)),
                format!("Split the list into several jobs of at most {most} identifiers each."),
            ),
            TooLarge::Identifiers { source: Source::Text } => UserMessage::new(
                format!("The list holds more than {most} identifiers, the most one bulk job takes: nothing was sent."),
                format!("Split it into several jobs of at most {most} identifiers each."),
            ),
            TooLarge::Identifiers { source: Source::File } => UserMessage::new(
                format!("The file holds more than {most} rows of identifiers, the most one bulk job takes: nothing was sent."),
                format!("Split it into files of at most {most} rows each and run one job per file."),
            ),
            TooLarge::Columns => UserMessage::new(
                format!("A row of this file has more than {} columns: it does not look like a CSV file of users.", grouped(MAX_COLUMNS)),
                "Open it in a spreadsheet, keep the column of identifiers, save that as CSV and choose it again.",
            ),
        }
    }
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.message();
        write!(f, "{} {}", m.what, m.next)
    }
}

impl std::error::Error for TooLarge {}

/// Checks a size before anything is read: a file's (`File.size`), or a text's length in bytes.
pub fn check_size(source: Source, bytes: u64) -> Result<(), TooLarge> {
    if bytes > MAX_INPUT_BYTES as u64 {
        Err(TooLarge::Bytes { source, bytes })
    } else {
        Ok(())
    }
}

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
    raw_entries(text).map(|s| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s).to_string()).collect()
}

fn raw_entries(text: &str) -> impl Iterator<Item = &str> {
    text.trim_start_matches('\u{FEFF}').split(is_separator).filter(|s| !s.is_empty())
}

/// `split_list` within the caps: the size is checked first, then the entries are counted
/// (without copying any) before they are split out.
pub fn read_list(text: &str) -> Result<Vec<String>, TooLarge> {
    check_size(Source::Text, text.len() as u64)?;
    if raw_entries(text).nth(MAX_IDENTIFIERS).is_some() {
        return Err(TooLarge::Identifiers { source: Source::Text });
    }
    Ok(split_list(text))
}

/// Rows of a CSV file, read with the csv crate: RFC 4180 quoting (quoted fields, `""` for a quote, line breaks inside
/// quotes), CRLF, LF or CR line ends, a leading byte-order mark dropped, blank lines skipped.
/// The delimiter is whichever of `,` `;` and tab is most frequent in the first line.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    // Without limits nothing is refused.
    parse_csv_within(text, usize::MAX, usize::MAX).unwrap_or_default()
}

/// `parse_csv` within the caps: the size is checked first, and reading stops at the first row
/// beyond `MAX_IDENTIFIERS` data rows (and a header) or the first cell beyond `MAX_COLUMNS`.
pub fn read_csv(text: &str) -> Result<Vec<Vec<String>>, TooLarge> {
    check_size(Source::File, text.len() as u64)?;
    parse_csv_within(text, MAX_IDENTIFIERS + 1, MAX_COLUMNS)
}

/// `column_values` within the cap on identifiers (a file without a header may hold one more
/// row than `read_csv` lets through as data).
pub fn read_column(rows: &[Vec<String>], col: usize, header: bool) -> Result<Vec<String>, TooLarge> {
    if rows.len().saturating_sub(usize::from(header)) > MAX_IDENTIFIERS {
        return Err(TooLarge::Identifiers { source: Source::File });
    }
    Ok(column_values(rows, col, header))
}

fn is_blank_row(r: &[String]) -> bool {
    r.len() == 1 && r[0].trim().is_empty()
}

fn parse_csv_within(text: &str, max_rows: usize, max_columns: usize) -> Result<Vec<Vec<String>>, TooLarge> {
    let text = text.trim_start_matches('\u{FEFF}');
    let first = text.lines().next().unwrap_or("");
    let delim = [b',', b';', b'\t'].into_iter().rev().max_by_key(|d| first.matches(char::from(*d)).count()).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new().delimiter(delim).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The input is a &str, so the reader meets neither invalid UTF-8 nor an I/O error; a
    // record it still could not read ends the file where it stands.
    while reader.read_record(&mut record).unwrap_or(false) {
        if record.len() > max_columns {
            return Err(TooLarge::Columns);
        }
        push_row(&mut rows, record.iter().map(str::to_string).collect(), max_rows)?;
    }
    Ok(rows)
}

/// Keeps a row unless it is blank; refuses the one beyond `max_rows`.
fn push_row(rows: &mut Vec<Vec<String>>, row: Vec<String>, max_rows: usize) -> Result<(), TooLarge> {
    if is_blank_row(&row) {
        return Ok(());
    }
    if rows.len() >= max_rows {
        return Err(TooLarge::Identifiers { source: Source::File });
    }
    rows.push(row);
    Ok(())
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

    #[test]
    fn under_the_caps_the_checked_readers_read_as_before() {
        for text in ["\u{FEFF}a@x.com\r\nb@x.com, c@x.com;d", "", "  \n ,; ", "\u{FEFF}", "\"\""] {
            assert_eq!(read_list(text), Ok(split_list(text)), "{text:?}");
        }
        for text in ["\u{FEFF}name,email\r\n\"Doe, Jane\",jane@x.com\r\n\"multi\nline\"\rlast,\n\n", "a;b\n1;2", "", "\n\n \n", "x"] {
            assert_eq!(read_csv(text), Ok(parse_csv(text)), "{text:?}");
        }
        let rows = parse_csv("Name,E-mail\nJane,jane@x.com\n");
        assert_eq!(read_column(&rows, 1, true), Ok(column_values(&rows, 1, true)));
    }

    #[test]
    fn a_million_line_paste_is_refused_before_it_is_split() {
        let million = "a@x.com\n".repeat(1_000_000);
        assert!(million.len() <= MAX_INPUT_BYTES, "refused by the count, not the size");
        assert_eq!(read_list(&million), Err(TooLarge::Identifiers { source: Source::Text }));
        let most = "a\n".repeat(MAX_IDENTIFIERS);
        assert_eq!(read_list(&most).map(|v| v.len()), Ok(MAX_IDENTIFIERS));
        assert_eq!(read_list(&format!("{most}b")), Err(TooLarge::Identifiers { source: Source::Text }));
        let huge = " ".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(read_list(&huge), Err(TooLarge::Bytes { source: Source::Text, bytes: (MAX_INPUT_BYTES + 1) as u64 }));
    }

    #[test]
    fn a_50_mb_file_is_refused_by_its_size_alone() {
        let fifty = 50 * 1024 * 1024;
        assert_eq!(check_size(Source::File, fifty), Err(TooLarge::Bytes { source: Source::File, bytes: fifty }));
        assert_eq!(check_size(Source::File, MAX_INPUT_BYTES as u64), Ok(()));
        assert_eq!(read_csv(&"x".repeat(MAX_INPUT_BYTES + 1)), Err(TooLarge::Bytes { source: Source::File, bytes: (MAX_INPUT_BYTES + 1) as u64 }));
    }

    #[test]
    fn csv_rows_and_columns_are_capped() {
        // A header and MAX_IDENTIFIERS data rows, blank lines not counted.
        let full = format!("email\n\n{}", "a@x.com\n".repeat(MAX_IDENTIFIERS));
        let rows = read_csv(&full).unwrap_or_default();
        assert_eq!(rows.len(), MAX_IDENTIFIERS + 1);
        assert_eq!(read_column(&rows, 0, true).map(|v| v.len()), Ok(MAX_IDENTIFIERS));
        // The same rows without a header are one too many.
        assert_eq!(read_column(&rows, 0, false), Err(TooLarge::Identifiers { source: Source::File }));
        assert_eq!(read_csv(&format!("{full}b@x.com\n")), Err(TooLarge::Identifiers { source: Source::File }));
        let widest = vec![""; MAX_COLUMNS].join(",");
        assert_eq!(read_csv(&widest).map(|r| r[0].len()), Ok(MAX_COLUMNS));
        assert_eq!(read_csv(&format!("{widest},")), Err(TooLarge::Columns));
        assert_eq!(read_csv(&",".repeat(MAX_INPUT_BYTES)), Err(TooLarge::Columns));
    }

    #[test]
    fn refusals_say_what_happened_and_what_to_do() {
        let all = [
            TooLarge::Bytes { source: Source::File, bytes: 50 * 1024 * 1024 },
            TooLarge::Bytes { source: Source::Text, bytes: (MAX_INPUT_BYTES + 1) as u64 },
            TooLarge::Identifiers { source: Source::Text },
            TooLarge::Identifiers { source: Source::File },
            TooLarge::Columns,
        ];
        for t in all {
            let m = t.message();
            assert!(!m.what.is_empty() && !m.next.is_empty(), "{t:?}");
        }
        assert_eq!(
            all[0].message().what,
            "This file is 50 MB, more than the 8 MB a bulk job reads: nothing was read from it."
        );
        assert_eq!(all[2].to_string(), "The list holds more than 50,000 identifiers, the most one bulk job takes: nothing was sent. Split it into several jobs of at most 50,000 identifiers each.");
        assert_eq!(all[1].message().what, "The text is 9 MB, more than the 8 MB a bulk job reads: nothing was read from it.");
        assert_eq!((grouped(0), grouped(999), grouped(1_000), grouped(1_234_567)), ("0".into(), "999".into(), "1,000".into(), "1,234,567".into()));
    }
}
