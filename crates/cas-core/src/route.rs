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
    NotFound(String),
}

/// Reads a pathname (percent-decoding the email in user addresses).
pub fn parse(path: &str) -> Page {
    let trimmed = path.trim_end_matches('/');
    let segments: Vec<&str> = trimmed.split('/').skip(1).collect();
    match segments.as_slice() {
        [] | [""] => Page::Search,
        ["users", email] if !email.is_empty() => Page::User(percent_decode(email)),
        ["users", email, "edit"] if !email.is_empty() => Page::EditUser(percent_decode(email)),
        ["high-risk"] => Page::HighRiskList,
        ["high-risk", "bulk"] => Page::BulkHighRisk,
        ["log"] => Page::Log,
        _ => Page::NotFound(path.to_string()),
    }
}

/// The address of a page.
pub fn path(page: &Page) -> String {
    match page {
        Page::Search => "/".into(),
        Page::User(email) => format!("/users/{}", percent_encode(email)),
        Page::EditUser(email) => format!("/users/{}/edit", percent_encode(email)),
        Page::HighRiskList => "/high-risk".into(),
        Page::BulkHighRisk => "/high-risk/bulk".into(),
        Page::Log => "/log".into(),
        Page::NotFound(p) => p.clone(),
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

/// Decodes `%XX`; malformed sequences stay as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_trip_through_their_paths() {
        for page in [
            Page::Search,
            Page::User("jane.doe+1@example.com".into()),
            Page::User("a/b?c#d %".into()),
            Page::EditUser("José@example.com".into()),
            Page::HighRiskList,
            Page::BulkHighRisk,
            Page::Log,
        ] {
            assert_eq!(parse(&path(&page)), page);
        }
    }

    #[test]
    fn odd_paths() {
        assert_eq!(parse(""), Page::Search);
        assert_eq!(parse("/users/"), Page::NotFound("/users/".into()));
        assert_eq!(parse("/users/a%40b.c/"), Page::User("a@b.c".into()));
        assert_eq!(parse("/nope"), Page::NotFound("/nope".into()));
        assert_eq!(percent_decode("100%zz"), "100%zz");
        assert_eq!(path(&Page::User("a b@x".into())), "/users/a%20b@x");
    }
}
