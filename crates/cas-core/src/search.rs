//! Search semantics of `POST /v1/users/search`: literal, case-insensitive "email contains",
//! the exact match first, then the rest by email ascending. The sandbox answers with it and
//! the console's tests check the order against it.

use crate::wire::User;

pub const PAGE_SIZE_MAX: u32 = 25;
/// How long the console waits after the last keystroke before it searches.
pub const DEBOUNCE_MS: u64 = 30;
pub const PAGE_SIZE_DEFAULT: u32 = 25;

/// Why a `pageSize` or `pageNumber` query value is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PagingError {
    PageSize(String),
    PageNumber(String),
}

/// `pageSize`: absent means 25; otherwise an integer 1..=25.
pub fn page_size(raw: Option<&str>) -> Result<u32, PagingError> {
    match raw {
        None => Ok(PAGE_SIZE_DEFAULT),
        Some(v) => match v.trim().parse::<u32>() {
            Ok(n) if (1..=PAGE_SIZE_MAX).contains(&n) => Ok(n),
            _ => Err(PagingError::PageSize(v.to_string())),
        },
    }
}

/// `pageNumber`: absent means 0.
pub fn page_number(raw: Option<&str>) -> Result<u32, PagingError> {
    match raw {
        None => Ok(0),
        Some(v) => v.trim().parse::<u32>().map_err(|_| PagingError::PageNumber(v.to_string())),
    }
}

pub fn matches(user_email: &str, needle_lower: &str) -> bool {
    user_email.to_lowercase().contains(needle_lower)
}

/// Orders matches as the API documents: exact (case-insensitive) first, then by email.
pub fn order(users: &mut [&User], needle: &str) {
    let needle = needle.to_lowercase();
    users.sort_by_cached_key(|u| {
        let email = u.email_address.to_lowercase();
        (email != needle, email)
    });
}

/// Total pages for a v2 envelope.
pub fn total_pages(total: u64, page_size: u32) -> u64 {
    total.div_ceil(u64::from(page_size.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(email: &str) -> User {
        User { email_address: email.into(), ..User::default() }
    }

    #[test]
    fn exact_match_first_then_ascending() {
        let users = [user("zed.doe@x.com"), user("j.doe@x.com"), user("a.j.doe@x.com"), user("J.Doe")];
        let mut found: Vec<&User> = users.iter().filter(|u| matches(&u.email_address, "j.doe")).collect();
        order(&mut found, "j.doe");
        let emails: Vec<&str> = found.iter().map(|u| u.email_address.as_str()).collect();
        assert_eq!(emails, ["J.Doe", "a.j.doe@x.com", "j.doe@x.com"]);
    }

    #[test]
    fn wildcards_are_literal() {
        assert!(!matches("jane@x.com", "j*"));
        assert!(matches("j*ne@x.com", "j*"));
    }

    #[test]
    fn paging_bounds() {
        assert_eq!(page_size(None), Ok(25));
        assert_eq!(page_size(Some("1")), Ok(1));
        assert!(page_size(Some("0")).is_err());
        assert!(page_size(Some("26")).is_err());
        assert!(page_size(Some("x")).is_err());
        assert_eq!(page_number(Some("3")), Ok(3));
        assert!(page_number(Some("-1")).is_err());
        assert_eq!(total_pages(0, 25), 0);
        assert_eq!(total_pages(26, 25), 2);
    }
}
