//! The clock and the API's timestamp forms, through the `time` crate.

use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Iso8601;
use time::macros::format_description;
use time::OffsetDateTime;

pub const SECOND_MS: i64 = 1000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

pub fn now_secs_f64() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

pub fn now_secs() -> u64 {
    (now_ms() / SECOND_MS).max(0) as u64
}

fn at(epoch_ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2018-08-31T19:10:30.045Z`: the form every timestamp in the API's answers takes.
pub fn iso_ms(epoch_ms: i64) -> String {
    at(epoch_ms)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"))
        .unwrap_or_default()
}

/// `Jun 2025`, the form of `monthLastAuthenticated`.
pub fn month_year(epoch_ms: i64) -> String {
    at(epoch_ms).format(format_description!("[month repr:short] [year]")).unwrap_or_default()
}

/// An ISO 8601 date and time with an offset (`2018-05-01T11:22:12.828-05:30`, `...Z`), as the
/// API's query parameters take them; `None` for anything else, a `+` decoded to a space included.
pub fn parse_iso(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text, &Iso8601::DEFAULT).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Midnight UTC before `epoch_ms`.
pub fn day_start(epoch_ms: i64) -> i64 {
    epoch_ms - epoch_ms.rem_euclid(DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_ms(1_535_742_630_045), "2018-08-31T19:10:30.045Z");
        assert_eq!(iso_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(month_year(1_749_938_869_908), "Jun 2025");
        assert_eq!(day_start(1_535_742_630_045), 1_535_673_600_000);
    }

    #[test]
    fn parses_query_timestamps_with_offsets_only() {
        let utc = parse_iso("2018-05-01T16:52:12.828Z").unwrap();
        assert_eq!(parse_iso("2018-05-01T11:22:12.828-05:30"), Some(utc));
        assert_eq!(parse_iso("2018-05-01T22:22:12.828+05:30"), Some(utc));
        assert_eq!(parse_iso("2018-05-01T16:52:12Z"), Some(utc - 828));
        for bad in ["2018-05-01T22:22:12.828 05:30", "2018-05-01T16:52:12", "2018-05-01", "yesterday", ""] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }
}
