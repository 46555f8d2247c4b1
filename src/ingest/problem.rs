//! Why a source could not be read, as a kind a person can be told about in their own
//! words (the digest does, in French or English); the technical message stays for
//! `vigie sources` and the logs.

use super::fetch::FetchErrorKind;

/// What went wrong with a source, stored beside its technical message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The server answered with this error status.
    Status(u16),
    Timeout,
    TooLarge,
    Redirects,
    /// The address is on a private network (or a link leaves the source's folder).
    Blocked,
    /// The site could not be reached: unknown name, connection refused, TLS.
    Connect,
    BadUrl,
    /// Reading was cut, or the file is missing or unreadable.
    Io,
    /// A web page where a feed was expected.
    HtmlPage,
    /// A document that is no feed Vigie can read.
    NotAFeed,
    /// A page read with selectors where the selectors find nothing any more.
    NoItems,
    /// Anything else while reading the document.
    Unreadable,
}

/// Every kind but `Status`, which carries its code.
const NAMED: [Problem; 11] = [
    Problem::Timeout,
    Problem::TooLarge,
    Problem::Redirects,
    Problem::Blocked,
    Problem::Connect,
    Problem::BadUrl,
    Problem::Io,
    Problem::HtmlPage,
    Problem::NotAFeed,
    Problem::NoItems,
    Problem::Unreadable,
];

impl Problem {
    /// How it is stored: `status-404`, `timeout`, `html-page`...
    pub fn to_stored(self) -> String {
        match self {
            Problem::Status(code) => format!("status-{code}"),
            other => other.name().to_string(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Problem::Status(_) => "status",
            Problem::Timeout => "timeout",
            Problem::TooLarge => "too-large",
            Problem::Redirects => "redirects",
            Problem::Blocked => "blocked",
            Problem::Connect => "connect",
            Problem::BadUrl => "bad-url",
            Problem::Io => "io",
            Problem::HtmlPage => "html-page",
            Problem::NotAFeed => "not-a-feed",
            Problem::NoItems => "no-items",
            Problem::Unreadable => "unreadable",
        }
    }

    /// Reads a stored kind back; `None` for one this version does not know.
    pub fn from_stored(s: &str) -> Option<Problem> {
        if let Some(code) = s.strip_prefix("status-") {
            return code.parse().ok().map(Problem::Status);
        }
        NAMED.into_iter().find(|p| p.name() == s)
    }

    /// The kind of a failed fetch.
    pub fn of_fetch(kind: FetchErrorKind) -> Problem {
        match kind {
            FetchErrorKind::Status(code) => Problem::Status(code),
            FetchErrorKind::Timeout => Problem::Timeout,
            FetchErrorKind::TooLarge => Problem::TooLarge,
            FetchErrorKind::Redirects => Problem::Redirects,
            FetchErrorKind::Blocked => Problem::Blocked,
            FetchErrorKind::Connect => Problem::Connect,
            FetchErrorKind::BadUrl => Problem::BadUrl,
            FetchErrorKind::Io => Problem::Io,
        }
    }

    /// The kind of a document that could not be read, from the reader's message (Vigie's
    /// own words: see `parse::repair::not_a_feed`, `parse::feed::FeedError` and the
    /// selector check of the poll).
    pub fn of_reading(message: &str) -> Problem {
        if message.contains("this is an HTML page, not a feed") {
            Problem::HtmlPage
        } else if message.starts_with("not a readable feed") {
            Problem::NotAFeed
        } else if message.starts_with("no item matches the selector") {
            Problem::NoItems
        } else {
            Problem::Unreadable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_read_back_as_stored() {
        for p in [Problem::Status(404), Problem::Status(503)]
            .into_iter()
            .chain(NAMED)
        {
            assert_eq!(Problem::from_stored(&p.to_stored()), Some(p));
        }
        assert_eq!(Problem::from_stored("status-x"), None);
        assert_eq!(Problem::from_stored("later-kind"), None);
    }
}
