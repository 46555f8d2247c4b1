//! How a source is read, as its watchlist says: the CSS selectors of a page
//! (`kind = "html"`), the JSON Pointers of a JSON document (`kind = "json"`), each checked
//! when the watchlist is read, and the addresses that make a source an alert feed. The
//! readers themselves are in `ingest::parse`.

use scraper::Selector;
use url::Url;

/// What to read where, as the watchlist says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlSpec {
    pub item: String,
    pub title: Field,
    pub link: Option<Field>,
    pub text: Option<Field>,
    pub author: Option<Field>,
    pub date: Option<Field>,
    pub next: Option<Field>,
    /// Pages read per poll, the first included.
    pub max_pages: u32,
    /// The zone of dates written without an offset: an IANA name.
    pub timezone: String,
}

/// A selector, and the attribute to read (the text when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub selector: String,
    pub attr: Option<String>,
}

impl Field {
    /// `"a.title@href"` → selector `a.title`, attribute `href`. The selector is checked.
    pub fn parse(s: &str) -> Result<Field, String> {
        let s = s.trim();
        let (selector, attr) = match s.rsplit_once('@') {
            Some((sel, attr))
                if !attr.is_empty()
                    && attr
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':')) =>
            {
                (sel.trim(), Some(attr.to_ascii_lowercase()))
            }
            _ => (s, None),
        };
        // `@href` alone reads the item element's own attribute.
        if !(selector.is_empty() && attr.is_some()) {
            Selector::parse(selector).map_err(|e| selector_error(selector, &e))?;
        }
        Ok(Field {
            selector: selector.to_string(),
            attr,
        })
    }
}

/// Checks an item selector.
pub fn check_selector(s: &str) -> Result<(), String> {
    Selector::parse(s.trim())
        .map(|_| ())
        .map_err(|e| selector_error(s.trim(), &e))
}

/// A selector error in Vigie's words, on one line, with where it goes wrong: the CSS
/// parser's own message asks the reader to report a bug ("Please report this to the
/// developer\nClassNeedsIdent").
pub fn selector_error(selector: &str, e: &scraper::error::SelectorErrorKind) -> String {
    use scraper::error::SelectorErrorKind as K;
    use selectors::parser::SelectorParseErrorKind as S;
    let what = match e {
        K::EndOfLine => "it ends too early",
        K::UnexpectedSelectorParseError(S::ClassNeedsIdent) => "a class name must follow `.`",
        K::UnexpectedSelectorParseError(S::EmptySelector) => "a selector is empty",
        K::UnexpectedSelectorParseError(S::DanglingCombinator) => {
            "a `>`, `+` or `~` has nothing after it"
        }
        K::UnexpectedSelectorParseError(S::UnsupportedPseudoClassOrElement) => {
            "this pseudo-class is not supported"
        }
        K::UnexpectedSelectorParseError(
            S::BadValueInAttr
            | S::ExpectedBarInAttr
            | S::InvalidQualNameInAttr
            | S::NoQualifiedNameInAttributeSelector
            | S::UnexpectedTokenInAttributeSelector,
        ) => "an attribute test is malformed (write [name] or [name=\"value\"])",
        K::ExpectedColonOnPseudoElement | K::ExpectedIdentityOnPseudoElement => {
            "a name must follow `:` or `::`"
        }
        _ => "unexpected character",
    };
    // Where: right after the longest start of the selector that still reads.
    let at = selector
        .char_indices()
        .map(|(i, _)| i)
        .chain([selector.len()])
        .filter(|&i| i > 0 && Selector::parse(&selector[..i]).is_ok())
        .max()
        .unwrap_or(0);
    let column = selector[..at].chars().count() + 1;
    format!("invalid CSS selector {selector:?}: {what} (at character {column})")
}

/// Where the fields are, as the watchlist says. Every path is a JSON Pointer (`/a/0/b`);
/// `items = ""` is the whole document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonSpec {
    pub items: String,
    pub title: String,
    pub link: Option<String>,
    pub text: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub id: Option<String>,
    pub timezone: String,
}

/// Checks a JSON Pointer's syntax: empty, or `/` then segments.
pub fn check_pointer(p: &str) -> Result<(), String> {
    if p.is_empty() || p.starts_with('/') {
        Ok(())
    } else {
        Err(format!(
            "{p:?} is not a JSON Pointer: write it from the root, like \"/results\" or \"/author/name\""
        ))
    }
}

/// Whether `url` is a Google Alerts feed (`https://www.google.com/alerts/feeds/…`).
pub fn is_google_alerts(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| {
        u.host_str().is_some_and(is_google_host) && u.path().starts_with("/alerts/feeds/")
    })
}

/// Whether `url` is a Talkwalker Alerts feed (`https://alerts.talkwalker.com/alerts/rss/…`).
pub fn is_talkwalker_alerts(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| {
        u.host_str()
            .is_some_and(|h| h == "talkwalker.com" || h.ends_with(".talkwalker.com"))
            && u.path().starts_with("/alerts/rss")
    })
}

pub fn is_google_host(h: &str) -> bool {
    let h = h.trim_start_matches("www.");
    h == "google.com" || h.starts_with("google.") || h.contains(".google.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_errors_say_what_and_where_in_one_line() {
        // Where: the first character the selector cannot be read past.
        for (bad, what, at) in [
            ("div.", "it ends too early", 4),
            ("div..post", "a class name must follow `.`", 4),
            ("article >", "a `>`, `+` or `~` has nothing after it", 9),
            ("a[href=", "it ends too early", 7),
            ("li:nonsense", "this pseudo-class is not supported", 3),
        ] {
            let e = check_selector(bad).unwrap_err();
            assert!(
                e.ends_with(&format!("{what} (at character {at})")),
                "{bad}: {e}"
            );
            assert!(!e.contains('\n') && !e.contains("developer"), "{bad}: {e}");
        }
        assert!(check_selector("div.post > a.title").is_ok());
    }
}
