//! Dates as an operator reads them: "12 May 2019, 14:00 (6 years ago)", in the operator's
//! time zone. The API writes ISO 8601 (`2019-05-12T12:00:00.000Z`); the exact value stays
//! beside the words (a `title`, the raw view), and the action log and CSVs keep it as it is.
//!
//! No clock and no time zone database here: the caller gives "now" and the zone's offset from
//! UTC at each moment (the browser knows it, daylight saving included).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Seconds since the epoch of an RFC 3339 timestamp (the API's form), fraction dropped;
/// `None` for anything else (`Jun 2025`, an empty string).
pub fn parse(iso: &str) -> Option<i64> {
    OffsetDateTime::parse(iso.trim(), &Rfc3339).ok().map(OffsetDateTime::unix_timestamp)
}

fn offset(minutes: i32) -> UtcOffset {
    // Real zones are within ±14 h; anything else reads as UTC rather than failing.
    UtcOffset::from_whole_seconds(minutes.saturating_mul(60)).unwrap_or(UtcOffset::UTC)
}

/// "12 May 2019, 14:00" at `at` in the zone `offset_minutes` east of UTC.
pub fn local(at: i64, offset_minutes: i32) -> Option<String> {
    let t = OffsetDateTime::from_unix_timestamp(at).ok()?.to_offset(offset(offset_minutes));
    t.format(format_description!("[day padding:none] [month repr:short] [year], [hour]:[minute]")).ok()
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// The mean Gregorian year and month: whole years and months are counted by them.
const YEAR: i64 = 31_556_952;
const MONTH: i64 = YEAR / 12;

/// "6 years ago", "in 5 days", "just now": how far `at` is from `now`, rounded down.
pub fn relative(at: i64, now: i64) -> String {
    let gap = now - at;
    let s = gap.abs();
    let (n, unit) = match s {
        _ if s < MINUTE => return "just now".to_string(),
        _ if s < HOUR => (s / MINUTE, "minute"),
        _ if s < DAY => (s / HOUR, "hour"),
        _ if s < 31 * DAY => (s / DAY, "day"),
        _ if s < YEAR => ((s / MONTH).max(1), "month"),
        _ => (s / YEAR, "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if gap >= 0 {
        format!("{n} {unit}{plural} ago")
    } else {
        format!("in {n} {unit}{plural}")
    }
}

/// "12 May 2019, 14:00 (6 years ago)": `iso` in the operator's zone, `offset_at` giving the
/// zone's offset in minutes east of UTC at a moment. `None` when `iso` is not a timestamp.
pub fn in_words(iso: &str, now: i64, offset_at: impl Fn(i64) -> i32) -> Option<String> {
    let at = parse(iso)?;
    Some(format!("{} ({})", local(at, offset_at(at))?, relative(at, now)))
}

/// A calendar day as an `<input type="date">` gives it (`2025-06-01`): year, month (1–12),
/// day; `None` when it is not a day of the calendar.
pub fn day_parts(day: &str) -> Option<(i32, u8, u8)> {
    parse_day(day).map(|d| (d.year(), u8::from(d.month()), d.day()))
}

fn parse_day(day: &str) -> Option<Date> {
    let mut parts = day.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, d).ok()
}

/// The API's query form, with the offset: `2025-06-01T00:00:00.000+05:30`.
fn query_form(t: OffsetDateTime) -> Option<String> {
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3][offset_hour sign:mandatory]:[offset_minute]"
    ))
    .ok()
}

/// `startTimeAfter` for events from the start of `day` in the zone `offset_minutes` east of
/// UTC: the API's bound is exclusive, so it is the last millisecond of the day before.
pub fn after_day_start(day: &str, offset_minutes: i32) -> Option<String> {
    let start = PrimitiveDateTime::new(parse_day(day)?, Time::MIDNIGHT).assume_offset(offset(offset_minutes));
    query_form(start - time::Duration::milliseconds(1))
}

/// `endTimeOnOrBefore` for events up to the end of `day` (inclusive): its last millisecond.
pub fn day_end(day: &str, offset_minutes: i32) -> Option<String> {
    let end = Time::from_hms_milli(23, 59, 59, 999).ok()?;
    query_form(PrimitiveDateTime::new(parse_day(day)?, end).assume_offset(offset(offset_minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-06-15T12:00:00Z.
    const NOW: i64 = 1_749_988_800;

    #[test]
    fn reads_the_api_forms() {
        assert_eq!(parse("2019-05-12T12:00:00.000Z"), Some(1_557_662_400));
        assert_eq!(parse("2019-05-12T12:00:00Z"), Some(1_557_662_400));
        assert_eq!(parse("2019-05-12T17:30:00.000+05:30"), Some(1_557_662_400));
        assert_eq!(parse(" 2019-05-12T12:00:00.999Z "), Some(1_557_662_400));
        for not in ["Jun 2025", "", "2019-05-12", "yesterday", "2019-13-12T12:00:00Z"] {
            assert_eq!(parse(not), None, "{not}");
        }
    }

    #[test]
    fn in_the_operators_zone() {
        let at = parse("2019-05-12T12:00:00.000Z").unwrap_or_default();
        assert_eq!(local(at, 120).as_deref(), Some("12 May 2019, 14:00"));
        assert_eq!(local(at, 0).as_deref(), Some("12 May 2019, 12:00"));
        assert_eq!(local(at, -13 * 60).as_deref(), Some("11 May 2019, 23:00"));
        assert_eq!(local(at, 330).as_deref(), Some("12 May 2019, 17:30"));
        // An offset no zone has reads as UTC rather than failing.
        assert_eq!(local(at, 100_000).as_deref(), Some("12 May 2019, 12:00"));
        assert_eq!(
            in_words("2019-05-12T12:00:00.000Z", NOW, |_| 120).as_deref(),
            Some("12 May 2019, 14:00 (6 years ago)")
        );
        assert_eq!(in_words("Jun 2025", NOW, |_| 0), None);
    }

    #[test]
    fn the_offset_is_the_one_at_that_moment() {
        // A zone on summer time (+2) in June and winter time (+1) in January.
        let cet = |t: i64| if (1_743_296_400..1_761_440_400).contains(&t) { 120 } else { 60 };
        assert_eq!(in_words("2025-01-10T08:00:00.000Z", NOW, cet).as_deref(), Some("10 Jan 2025, 09:00 (5 months ago)"));
        assert_eq!(in_words("2025-06-10T08:00:00.000Z", NOW, cet).as_deref(), Some("10 Jun 2025, 10:00 (5 days ago)"));
    }

    #[test]
    fn relative_words() {
        let cases = [
            (NOW, "just now"),
            (NOW - 59, "just now"),
            (NOW - 60, "1 minute ago"),
            (NOW - 59 * MINUTE, "59 minutes ago"),
            (NOW - HOUR, "1 hour ago"),
            (NOW - 23 * HOUR, "23 hours ago"),
            (NOW - DAY, "1 day ago"),
            (NOW - 30 * DAY, "30 days ago"),
            (NOW - 31 * DAY, "1 month ago"),
            (NOW - 200 * DAY, "6 months ago"),
            (NOW - 364 * DAY, "11 months ago"),
            (NOW - 366 * DAY, "1 year ago"),
            (NOW + 5 * DAY, "in 5 days"),
            (NOW + 90, "in 1 minute"),
            (NOW + 2 * YEAR, "in 2 years"),
        ];
        for (at, words) in cases {
            assert_eq!(relative(at, NOW), words, "{at}");
        }
    }

    #[test]
    fn day_bounds_for_the_auth_log_filter() {
        assert_eq!(after_day_start("2025-06-01", 330).as_deref(), Some("2025-05-31T23:59:59.999+05:30"));
        assert_eq!(day_end("2025-06-01", 330).as_deref(), Some("2025-06-01T23:59:59.999+05:30"));
        assert_eq!(after_day_start("2025-06-01", 0).as_deref(), Some("2025-05-31T23:59:59.999+00:00"));
        assert_eq!(day_end("2024-02-29", -420).as_deref(), Some("2024-02-29T23:59:59.999-07:00"));
        assert_eq!(after_day_start("2025-02-30", 0), None);
        assert_eq!(day_parts("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(day_parts("2025-02-29"), None);
        assert_eq!(day_end("", 0), None);
        assert_eq!(day_end("June 1st", 0), None);
        // What the bounds mean: the start is exclusive, the end inclusive.
        let start = parse(&after_day_start("2025-06-01", 330).unwrap_or_default()).unwrap_or_default();
        assert_eq!(parse("2025-06-01T00:00:00.000+05:30"), Some(start + 1));
    }
}
