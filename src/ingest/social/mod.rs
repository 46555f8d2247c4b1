//! Reading community and social services' answers (the request is built by
//! [`crate::settings::social`]): each service's JSON becomes [`Item`]s with their author,
//! link, time, engagement and reach, and the next page's address when there is one.
//! Fields a service leaves out are left out; removed and deleted posts are skipped (no one
//! can read them any more).

mod appstore;
mod bluesky;
mod hackernews;
mod mastodon;
mod reddit;

use std::path::Path;

use jiff::Timestamp;
use serde_json::Value;

use super::extract::{canonical_url, clean_text, html_to_text, normalize_language};
use super::fetch::{FetchError, FetchErrorKind, Fetcher};
use super::parse::{Engagement, Item, Languages, Parsed};
use crate::settings::social::{Service, SocialSpec};
use crate::settings::watchlist::Credentials;

/// Reads one page of `service`'s answer fetched from `url`.
pub fn read(
    service: Service,
    bytes: &[u8],
    url: &str,
    now: Timestamp,
    langs: Languages,
) -> Result<Parsed, String> {
    if service == Service::YouTube {
        return super::parse::feed::parse_feed_with(bytes, url, now, langs)
            .map(|f| Parsed {
                items: f.items,
                ..Parsed::default()
            })
            .map_err(|e| e.to_string());
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "{} answered something that is not JSON: {e}",
            service.name()
        )
    })?;
    let page = match service {
        Service::Reddit => reddit::page(&doc, url),
        Service::HackerNews => hackernews::page(&doc, url),
        Service::Mastodon => mastodon::page(&doc, url),
        Service::Bluesky => bluesky::page(&doc, url),
        Service::AppStore => appstore::page(&doc, url),
        Service::YouTube => unreachable!("read as a feed above"),
    }?;
    let items = page
        .posts
        .into_iter()
        .filter_map(|p| p.into_item(url, now, langs))
        .collect();
    Ok(Parsed {
        items,
        next: page.next,
        ..Parsed::default()
    })
}

/// One page of a service's answer.
struct Page {
    posts: Vec<Post>,
    /// The next page's address, when the service says there is one.
    next: Option<String>,
}

/// A post as a service describes it, before it is an [`Item`].
#[derive(Default)]
struct Post {
    /// The service's own id (`t3_abc`, an `at://` URI, a status id).
    id: String,
    link: Option<String>,
    /// Services without titles (Mastodon, Bluesky) get the text's first words.
    title: Option<String>,
    /// Text, or HTML when `html`.
    text: String,
    html: bool,
    author: Option<String>,
    published: Option<Timestamp>,
    lang: Option<String>,
    engagement: Option<Engagement>,
    reach: Option<u64>,
    rating: Option<u8>,
}

impl Post {
    fn into_item(self, source: &str, now: Timestamp, langs: Languages) -> Option<Item> {
        let text = if self.html {
            html_to_text(&self.text)
        } else {
            clean_text(&self.text)
        };
        let title = match self.title.map(|t| clean_text(&t)).filter(|t| !t.is_empty()) {
            Some(t) => t,
            None => headline(&text),
        };
        if title.is_empty() && text.is_empty() {
            return None;
        }
        let (published, published_estimated) = match self.published {
            Some(t) if t <= now => (t, false),
            _ => (now, true),
        };
        let lang = self
            .lang
            .as_deref()
            .and_then(normalize_language)
            .or_else(|| langs.detect(&title, &text));
        Some(Item {
            id: self.id,
            url: self.link.and_then(|l| canonical_url(&l, None)),
            title,
            text,
            author: self
                .author
                .map(|a| clean_text(&a))
                .filter(|a| !a.is_empty()),
            published,
            published_estimated,
            lang,
            source: source.to_string(),
            engagement: self.engagement,
            reach: self.reach,
            rating: self.rating,
        })
    }
}

/// A title for a post that has none: its first sentence, at most about 100 characters.
fn headline(text: &str) -> String {
    let first = text
        .split_inclusive(['\n', '.', '!', '?'])
        .next()
        .unwrap_or_default()
        .trim();
    if first.chars().count() <= 100 {
        return first.trim_end_matches('\n').to_string();
    }
    let mut cut: String = first.chars().take(100).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    format!("{cut}…")
}

/// The text at `pointer`, when it is a non-empty string.
fn text_at(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
}

/// The count at `pointer`: a number, or a number written as text (Apple's `"label": "3"`).
fn count_at(v: &Value, pointer: &str) -> Option<u64> {
    match v.pointer(pointer)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A time written as RFC 3339 (`2026-12-05T09:30:00.000Z`) at `pointer`.
fn time_at(v: &Value, pointer: &str) -> Option<Timestamp> {
    let s = text_at(v, pointer)?;
    s.parse::<Timestamp>().ok().or_else(|| {
        jiff::fmt::strtime::parse("%Y-%m-%dT%H:%M:%S%:z", s.trim())
            .ok()?
            .to_timestamp()
            .ok()
    })
}

/// `url` with its query parameter `key` set to `value` (the next page's cursor).
fn with_param(url: &str, key: &str, value: &str) -> Option<String> {
    let mut u = url::Url::parse(url).ok()?;
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| k != key)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    u.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(key, value);
    Some(u.to_string())
}

/// The most a token or password file may hold.
const SECRET_BYTES: u64 = 8 * 1024;

/// Why a source's credentials could not be had.
#[derive(Debug)]
pub enum AuthError {
    /// Its token or password file cannot be read, or is empty.
    File(String),
    /// The service refused the login, or could not be asked.
    Login { message: String, refused: bool },
}

impl AuthError {
    pub fn message(&self) -> &str {
        match self {
            AuthError::File(m) | AuthError::Login { message: m, .. } => m,
        }
    }
}

/// The credentials a poll of this source sends: its token file's token, or a Bluesky
/// session opened with its app password (kept for an hour).
pub async fn authorize(
    fetcher: &Fetcher,
    spec: &SocialSpec,
    now: Timestamp,
) -> Result<Option<Credentials>, AuthError> {
    if let Some(path) = &spec.token_file {
        return read_secret(path, "token_file")
            .map(|t| Some(Credentials::bearer(t)))
            .map_err(AuthError::File);
    }
    if let Some(login) = &spec.login {
        return bluesky::session(fetcher, login, now).await.map(Some);
    }
    Ok(None)
}

/// What the service said when it refused the credentials: forget a cached session, so the
/// next poll logs in again.
pub fn credentials_refused(spec: &SocialSpec) {
    if let Some(login) = &spec.login {
        bluesky::forget(login);
    }
}

/// A secret kept in a file: its first line, trimmed.
fn read_secret(path: &Path, key: &str) -> Result<String, String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(SECRET_BYTES).read_to_string(&mut text))
        .map_err(|e| format!("cannot read {key} {}: {e}", path.display()))?;
    let secret = text.lines().next().unwrap_or_default().trim().to_string();
    if secret.is_empty() {
        return Err(format!("{key} {} is empty", path.display()));
    }
    Ok(secret)
}

/// The error of a poll whose credentials the service refused (401, or 403 with
/// credentials): said in those words, so the person knows to renew them.
pub fn refusal(service: Service, spec: &SocialSpec, e: &FetchError) -> Option<String> {
    let FetchErrorKind::Status(status) = e.kind else {
        return None;
    };
    let with = spec.token_file.is_some() || spec.login.is_some();
    match (status, with) {
        (401, true) | (403, true) => Some(format!(
            "token refused by {} (HTTP {status}): renew the {} and the next poll uses it",
            service.name(),
            if spec.login.is_some() {
                "app password in app_password_file"
            } else {
                "token in token_file"
            }
        )),
        (401, false) | (403, false)
            if crate::settings::social::keys(service)
                .iter()
                .any(|k| *k == "token_file" || *k == "identifier") =>
        {
            Some(format!(
                "{} asks for a token here (HTTP {status}): add {}",
                service.name(),
                if service == Service::Bluesky {
                    "`identifier` with `app_password_file`"
                } else {
                    "`token_file`"
                }
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_without_a_title_is_named_by_its_first_sentence() {
        assert_eq!(
            headline("Acme a encore oublié ma commande. Trois fois !"),
            "Acme a encore oublié ma commande."
        );
        let long = "mot ".repeat(60);
        let h = headline(&long);
        assert!(h.ends_with('…') && h.chars().count() <= 101, "{h}");
    }

    #[test]
    fn the_next_page_replaces_the_cursor() {
        let u = with_param(
            "https://x.example/s.json?q=acme&after=t3_a",
            "after",
            "t3_b",
        )
        .unwrap();
        assert_eq!(u, "https://x.example/s.json?q=acme&after=t3_b");
    }
}
