//! `PUT /v1/users/{userId}/markDeleted` (notes §8, §11.20–21): mark a disabled user for
//! deletion (purged seven days later) or take the mark back.

use super::lenient;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{"markDeleted": true}`: a JSON boolean, as the page's table says (its example sends the
/// string `"true"`, which the service accepts too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkDeletedRequest {
    #[serde(deserialize_with = "lenient::bool_or_string")]
    pub mark_deleted: bool,
}

/// The answer: the user (the sandbox sends all of User Details); these four fields say what
/// happened, and `markDeleted` decides it, so it is required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkDeletedResponse {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::bool_or_string")]
    pub mark_deleted: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mark_deleted_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mark_deleted_by: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// "Users marked as deleted are removed from CAS after seven days."
pub const PURGE_AFTER_DAYS: i64 = 7;

const DAY: i64 = 24 * 60 * 60;

/// When CAS deletes a user marked at `marked_at` (seconds since the epoch).
pub fn purge_at(marked_at: i64) -> i64 {
    marked_at + PURGE_AFTER_DAYS * DAY
}

/// Whole days, rounded up, from `now` until the purge of a user marked at `marked_at`: 7 just
/// after marking, 1 on the last day, 0 once it is due.
pub fn days_left(marked_at: i64, now: i64) -> i64 {
    let left = purge_at(marked_at) - now;
    if left <= 0 { 0 } else { (left + DAY - 1) / DAY }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bool_or_string_both_ways() {
        assert_eq!(serde_json::to_value(MarkDeletedRequest { mark_deleted: true }).unwrap(), json!({"markDeleted": true}));
        for v in [json!(true), json!("true")] {
            assert!(serde_json::from_value::<MarkDeletedRequest>(json!({"markDeleted": v})).unwrap().mark_deleted);
        }
        assert!(serde_json::from_value::<MarkDeletedRequest>(json!({"markDeleted": "yes"})).is_err());
        let r: MarkDeletedResponse = serde_json::from_value(json!({"id": "u", "markDeleted": "false", "markDeletedAt": null, "userStatus": "Disabled"})).unwrap();
        assert!(!r.mark_deleted);
        assert_eq!(r.extra["userStatus"], "Disabled");
        assert!(serde_json::from_value::<MarkDeletedResponse>(json!({"id": "u"})).is_err());
    }

    #[test]
    fn days_left_of_the_seven() {
        let marked = 1_750_000_000;
        assert_eq!(days_left(marked, marked), 7);
        assert_eq!(days_left(marked, marked + 1), 7);
        assert_eq!(days_left(marked, marked + 2 * DAY), 5);
        assert_eq!(days_left(marked, marked + 7 * DAY - 1), 1);
        assert_eq!(days_left(marked, marked + 7 * DAY), 0);
        assert_eq!(days_left(marked, marked + 30 * DAY), 0);
        assert_eq!(purge_at(marked), marked + 604_800);
    }
}
