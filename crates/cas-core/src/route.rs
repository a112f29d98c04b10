//! The console's pages and their addresses. A page's address is a deep link an operator can
//! paste into a ticket, so it carries only what names the page (an email), never a credential.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Search,
    User(String),
    EditUser(String),
    HighRiskList,
    BulkHighRisk,
    Log,
}

/// The address of a page. The console's router (app.rs) matches the same shapes.
pub fn path(page: &Page) -> String {
    match page {
        Page::Search => "/".into(),
        Page::User(email) => format!("/users/{}", percent_encode(email)),
        Page::EditUser(email) => format!("/users/{}/edit", percent_encode(email)),
        Page::HighRiskList => "/high-risk".into(),
        Page::BulkHighRisk => "/high-risk/bulk".into(),
        Page::Log => "/log".into(),
    }
}

/// The search page showing `needle`'s results, page `page` (from 0): `/?q=doe&page=2`. Pages
/// count from 1 in the address, as an operator reads them.
pub fn search_path(needle: &str, page: u32) -> String {
    match (needle.is_empty(), page) {
        (true, _) => "/".into(),
        (false, 0) => format!("/?q={}", percent_encode(needle)),
        (false, p) => format!("/?q={}&page={}", percent_encode(needle), p + 1),
    }
}

/// Encodes everything but unreserved characters and `@` (kept readable in tickets). The
/// console's one encoder: page addresses, API path segments and form values.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(path(&Page::User("jane.doe+1@example.com".into())), "/users/jane.doe%2B1@example.com");
        assert_eq!(path(&Page::User("a/b?c#d %".into())), "/users/a%2Fb%3Fc%23d%20%25");
        assert_eq!(path(&Page::EditUser("José@example.com".into())), "/users/Jos%C3%A9@example.com/edit");
        assert_eq!(path(&Page::User("a b@x".into())), "/users/a%20b@x");
        assert_eq!(search_path("", 3), "/");
        assert_eq!(search_path("j.doe@", 0), "/?q=j.doe@");
        assert_eq!(search_path("a&b=c", 1), "/?q=a%26b%3Dc&page=2");
    }
}
