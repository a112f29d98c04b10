//! The high-risk list as the console shows it: sorted by a column, filtered as you type, rows
//! selected (one, a shift-click range, all that match), and exported as CSV. Positions are
//! `u32` indexes into the list as the server sent it, so 50,000 entries stay cheap to keep.

use crate::csv;
use crate::wire::HighRiskEntry;
use std::cmp::Ordering;

/// The list's columns, in the order shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Email,
    PrimaryUsername,
    AlternateUsername,
}

pub const COLUMNS: [Column; 3] = [Column::Email, Column::PrimaryUsername, Column::AlternateUsername];

impl Column {
    pub fn label(self) -> &'static str {
        match self {
            Column::Email => "Email",
            Column::PrimaryUsername => "Primary username",
            Column::AlternateUsername => "Alternate username",
        }
    }

    fn index(self) -> usize {
        match self {
            Column::Email => 0,
            Column::PrimaryUsername => 1,
            Column::AlternateUsername => 2,
        }
    }
}

/// A sort the operator chose; none is the server's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Sort {
    /// A click on `column`'s header: ascending, then descending, then the server's order.
    pub fn next(current: Option<Sort>, column: Column) -> Option<Sort> {
        match current {
            Some(s) if s.column == column && !s.descending => Some(Sort { column, descending: true }),
            Some(s) if s.column == column => None,
            _ => Some(Sort { column, descending: false }),
        }
    }

    /// The header's `aria-sort` for `column`.
    pub fn aria(current: Option<Sort>, column: Column) -> &'static str {
        match current {
            Some(s) if s.column == column && s.descending => "descending",
            Some(s) if s.column == column => "ascending",
            _ => "none",
        }
    }
}

/// The list as loaded, with each entry's three values lowercased once, for sorting and
/// filtering, into one string joined by newlines: a filter is one search per entry, and a
/// needle from a one-line text field never holds a newline, so no match spans two values.
pub struct Listing {
    pub entries: Vec<HighRiskEntry>,
    lower: Vec<Lower>,
}

struct Lower {
    joined: String,
    /// Where the second and the third value start in `joined`.
    starts: [usize; 2],
}

impl Lower {
    fn new(e: &HighRiskEntry) -> Lower {
        let (a, b, c) = (e.email.to_lowercase(), e.primary_username.to_lowercase(), e.alternate_username.to_lowercase());
        let starts = [a.len() + 1, a.len() + b.len() + 2];
        Lower { joined: format!("{a}\n{b}\n{c}"), starts }
    }

    fn column(&self, c: usize) -> &str {
        let [b, c2] = self.starts;
        match c {
            0 => &self.joined[..b - 1],
            1 => &self.joined[b..c2 - 1],
            _ => &self.joined[c2..],
        }
    }
}

impl Listing {
    pub fn new(entries: Vec<HighRiskEntry>) -> Listing {
        let lower = entries.iter().map(Lower::new).collect();
        Listing { entries, lower }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every position in `sort`'s order. Case is ignored; empty values come last either way
    /// (a blank is no answer, not the smallest one); ties keep the server's order.
    pub fn order(&self, sort: Option<Sort>) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        if let Some(Sort { column, descending }) = sort {
            let c = column.index();
            order.sort_by(|a, b| {
                let (x, y) = (self.lower[*a as usize].column(c), self.lower[*b as usize].column(c));
                match (x.is_empty(), y.is_empty()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    _ if descending => y.cmp(x),
                    _ => x.cmp(y),
                }
            });
        }
        order
    }

    /// The positions of `order` whose email, primary or alternate username contains `needle`,
    /// ignoring case and the spaces around it.
    pub fn matching(&self, order: &[u32], needle: &str) -> Vec<u32> {
        let needle = needle.trim().to_lowercase();
        if needle.is_empty() {
            return order.to_vec();
        }
        // One searcher for the needle, not one per value (str::contains builds one per call).
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        order.iter().copied().filter(|i| finder.find(self.lower[*i as usize].joined.as_bytes()).is_some()).collect()
    }

    /// What a bulk job sends for an entry: its email, or a username when the server gave none.
    pub fn identifier(&self, i: u32) -> Option<&str> {
        let e = self.entries.get(i as usize)?;
        [&e.email, &e.primary_username, &e.alternate_username].into_iter().map(|v| v.trim()).find(|v| !v.is_empty())
    }

    /// `rows` (positions, in the order shown) as CSV, formula-safe, with a header row. The
    /// bulk page reads it back: its email column is the first.
    pub fn csv(&self, rows: &[u32]) -> String {
        csv::table(
            &["email", "primary username", "alternate username"],
            rows.iter().filter_map(|i| self.entries.get(*i as usize)).map(|e| vec![e.email.as_str(), e.primary_username.as_str(), e.alternate_username.as_str()]),
        )
    }
}

/// The filter's answers while the operator types and erases: each keystroke that extends the
/// needle filters only what the last one matched, and one that erases back to an earlier
/// needle gets that needle's answer back without a scan. The answers are for one order, the
/// listing's in `sort`'s: a new sort starts afresh.
#[derive(Default)]
pub struct Narrowing {
    sort: Option<Sort>,
    /// Needles, each containing the one before, with their matches.
    steps: Vec<(String, Vec<u32>)>,
}

impl Narrowing {
    /// `listing.matching(order, needle)`, from the closest answer already known; `order` is
    /// `listing.order(sort)`.
    pub fn matching(&mut self, listing: &Listing, order: &[u32], sort: Option<Sort>, needle: &str) -> Vec<u32> {
        if self.sort != sort {
            self.sort = sort;
            self.steps.clear();
        }
        let needle = needle.trim().to_lowercase();
        if needle.is_empty() {
            self.steps.clear();
            return order.to_vec();
        }
        // Whatever contains `needle` contains every needle that `needle` contains.
        while self.steps.last().is_some_and(|(n, _)| !needle.contains(n.as_str())) {
            self.steps.pop();
        }
        if let Some((n, found)) = self.steps.last() {
            if *n == needle {
                return found.clone();
            }
        }
        let within = self.steps.last().map_or(order, |(_, found)| found.as_slice());
        let found = listing.matching(within, &needle);
        self.steps.push((needle, found.clone()));
        found
    }
}

/// Which entries are selected, and the anchor a shift-click extends from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    picked: Vec<bool>,
    count: usize,
    anchor: Option<u32>,
}

impl Selection {
    pub fn new(len: usize) -> Selection {
        Selection { picked: vec![false; len], count: 0, anchor: None }
    }

    pub fn is_selected(&self, i: u32) -> bool {
        self.picked.get(i as usize).copied().unwrap_or(false)
    }

    pub fn count(&self) -> usize {
        self.count
    }

    fn set(&mut self, i: u32, on: bool) {
        if let Some(p) = self.picked.get_mut(i as usize) {
            if *p != on {
                *p = on;
                if on { self.count += 1 } else { self.count -= 1 }
            }
        }
    }

    /// A click on entry `i`'s checkbox. It flips that row; with shift, every row from the
    /// last one clicked to this one, as `shown` lists them now, takes this row's new state. A
    /// last-clicked row the filter now hides is no anchor: the click is a plain one. A row
    /// not in `shown` is not clicked.
    pub fn click(&mut self, shown: &[u32], i: u32, shift: bool) {
        let Some(at) = shown.iter().position(|s| *s == i) else { return };
        let on = !self.is_selected(i);
        let from = self.anchor.filter(|_| shift).and_then(|a| shown.iter().position(|s| *s == a));
        match from {
            Some(from) => {
                for &j in &shown[from.min(at)..=from.max(at)] {
                    self.set(j, on);
                }
            }
            None => self.set(i, on),
        }
        self.anchor = Some(i);
    }

    /// Selects (or unselects) every row in `shown`: all that match the filter. Rows the
    /// filter hides stay as they are.
    pub fn set_all(&mut self, shown: &[u32], on: bool) {
        for &i in shown {
            self.set(i, on);
        }
    }

    pub fn clear(&mut self) {
        self.picked.iter_mut().for_each(|p| *p = false);
        self.count = 0;
        self.anchor = None;
    }

    /// How many of `shown` are selected.
    pub fn selected_in(&self, shown: &[u32]) -> usize {
        shown.iter().filter(|i| self.is_selected(**i)).count()
    }

    /// Every selected position, in the server's order.
    pub fn positions(&self) -> Vec<u32> {
        (0..self.picked.len() as u32).filter(|i| self.picked[*i as usize]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(email: &str, primary: &str, alternate: &str) -> HighRiskEntry {
        HighRiskEntry { email: email.into(), primary_username: primary.into(), alternate_username: alternate.into() }
    }

    fn listing() -> Listing {
        Listing::new(vec![
            entry("carol@example.com", "carol", ""),
            entry("Alice@example.com", "zed", "a.alt"),
            entry("bob@example.com", "", "b.alt"),
            entry("dave@example.com", "Alice2", ""),
        ])
    }

    #[test]
    fn a_header_click_cycles_ascending_descending_none() {
        let asc = Sort::next(None, Column::Email);
        assert_eq!(asc, Some(Sort { column: Column::Email, descending: false }));
        let desc = Sort::next(asc, Column::Email);
        assert_eq!(desc, Some(Sort { column: Column::Email, descending: true }));
        assert_eq!(Sort::next(desc, Column::Email), None);
        assert_eq!(Sort::next(desc, Column::PrimaryUsername), Some(Sort { column: Column::PrimaryUsername, descending: false }));
        assert_eq!(Sort::aria(desc, Column::Email), "descending");
        assert_eq!(Sort::aria(asc, Column::Email), "ascending");
        assert_eq!(Sort::aria(asc, Column::AlternateUsername), "none");
    }

    #[test]
    fn sorts_ignoring_case_with_blanks_last_and_ties_in_server_order() {
        let l = listing();
        assert_eq!(l.order(None), [0, 1, 2, 3]);
        assert_eq!(l.order(Some(Sort { column: Column::Email, descending: false })), [1, 2, 0, 3]);
        assert_eq!(l.order(Some(Sort { column: Column::Email, descending: true })), [3, 0, 2, 1]);
        assert_eq!(l.order(Some(Sort { column: Column::PrimaryUsername, descending: false })), [3, 0, 1, 2]);
        assert_eq!(l.order(Some(Sort { column: Column::PrimaryUsername, descending: true })), [1, 0, 3, 2]);
        // Two blanks keep the server's order, after the rest, both ways.
        assert_eq!(l.order(Some(Sort { column: Column::AlternateUsername, descending: false })), [1, 2, 0, 3]);
        assert_eq!(l.order(Some(Sort { column: Column::AlternateUsername, descending: true })), [2, 1, 0, 3]);
    }

    #[test]
    fn filters_any_column_ignoring_case_in_the_order_given() {
        let l = listing();
        let order = l.order(Some(Sort { column: Column::Email, descending: true }));
        assert_eq!(l.matching(&order, "  ALICE "), [3, 1]);
        assert_eq!(l.matching(&order, "b.alt"), [2]);
        assert_eq!(l.matching(&order, ""), order);
        assert!(l.matching(&order, "nobody").is_empty());
    }

    #[test]
    fn narrowing_answers_as_a_full_scan_while_typing_erasing_and_retyping() {
        let l = listing();
        // One Narrowing through both orders, as the page keeps one: a new sort starts afresh.
        let mut n = Narrowing::default();
        for sort in [None, Some(Sort { column: Column::Email, descending: true }), None] {
            let order = l.order(sort);
            for needle in ["a", "al", "ali", "al", "a", "", "b", "b.", "b.alt", "ex", "EXA", "example.com", " @", "c", "carol", "car", "zed", "z"] {
                assert_eq!(n.matching(&l, &order, sort, needle), l.matching(&order, needle), "{needle:?} in {sort:?}");
            }
        }
    }

    #[test]
    fn identifier_is_the_email_or_else_a_username() {
        let l = Listing::new(vec![entry(" a@x ", "p", ""), entry("", "", "alt"), entry("", " ", "")]);
        assert_eq!(l.identifier(0), Some("a@x"));
        assert_eq!(l.identifier(1), Some("alt"));
        assert_eq!(l.identifier(2), None);
        assert_eq!(l.identifier(9), None);
    }

    #[test]
    fn csv_has_a_header_keeps_the_order_shown_and_is_formula_safe() {
        let l = Listing::new(vec![entry("a@x", "=HYPERLINK(\"evil\")", ""), entry("b@x", "b", "-1,2")]);
        assert_eq!(
            l.csv(&[1, 0]),
            "email,primary username,alternate username\r\nb@x,b,\"'-1,2\"\r\na@x,\"'=HYPERLINK(\"\"evil\"\")\",\r\n"
        );
        assert_eq!(l.csv(&[]), "email,primary username,alternate username\r\n");
    }

    #[test]
    fn clicks_toggle_and_shift_clicks_set_a_range_to_the_new_state() {
        let shown: Vec<u32> = vec![4, 2, 0, 1, 3];
        let mut s = Selection::new(5);
        s.click(&shown, 2, false);
        assert_eq!((s.positions(), s.count()), (vec![2], 1));
        // Shift-click two rows further down (entry 1): rows 2, 0, 1 as shown are selected.
        s.click(&shown, 1, true);
        assert_eq!((s.positions(), s.count()), (vec![0, 1, 2], 3));
        // A plain click unselects one; a shift-click onto a selected row unselects the range.
        s.click(&shown, 0, false);
        assert_eq!((s.positions(), s.count()), (vec![1, 2], 2));
        s.click(&shown, 1, true);
        assert_eq!((s.positions(), s.count()), (vec![2], 1));
        // A plain click flips one row only.
        s.click(&shown, 3, false);
        assert_eq!(s.positions(), [2, 3]);
        // Upwards works the same: from entry 3 (last shown) up to entry 4 (first shown).
        s.click(&shown, 4, true);
        assert_eq!((s.positions(), s.count()), (vec![0, 1, 2, 3, 4], 5));
    }

    #[test]
    fn a_hidden_anchor_makes_a_shift_click_a_plain_one() {
        let mut s = Selection::new(6);
        s.click(&[0, 1, 2, 3, 4, 5], 0, false);
        // The filter now hides row 0.
        let shown = [3, 4, 5];
        s.click(&shown, 5, true);
        assert_eq!(s.positions(), [0, 5]);
        // A shift-click with no anchor yet is a plain click too.
        let mut fresh = Selection::new(3);
        fresh.click(&[0, 1, 2], 2, true);
        assert_eq!(fresh.positions(), [2]);
        // A row that is not shown, or does not exist, is not clicked.
        fresh.click(&[0, 1], 2, false);
        fresh.click(&[0, 1, 2, 7], 7, false);
        assert_eq!(fresh.positions(), [2]);
    }

    #[test]
    fn all_that_match_the_filter_are_selected_or_unselected_together() {
        let mut s = Selection::new(5);
        s.click(&[0, 1, 2, 3, 4], 0, false);
        s.set_all(&[3, 4], true);
        assert_eq!((s.positions(), s.count()), (vec![0, 3, 4], 3));
        assert_eq!(s.selected_in(&[1, 3]), 1);
        s.set_all(&[3, 4], true);
        assert_eq!(s.count(), 3, "selecting twice counts once");
        s.set_all(&[0, 3], false);
        assert_eq!((s.positions(), s.count()), (vec![4], 1));
        s.clear();
        assert_eq!((s.positions(), s.count()), (vec![], 0));
        s.click(&[0, 1, 2], 1, true);
        assert_eq!(s.positions(), [1], "clear forgets the anchor");
    }
}
