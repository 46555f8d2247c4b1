//! RSS 0.9x/1.0/2.0, Atom 1.0 and JSON Feed, through feed-rs.
//!
//! feed-rs hands out chrono types; they are converted to jiff here, at the boundary.

use std::time::Duration;

use jiff::Timestamp;
use url::Url;

use super::dates::parse_date;
use super::{Item, Languages};
use super::{repair, transcode};
use crate::ingest::extract::{
    canonical_url, clean_text, html_to_text, looks_like_html, normalize_language,
};

/// What a feed document yields.
#[derive(Debug, Clone)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub items: Vec<Item>,
    /// RSS `<ttl>`: how long the publisher asks readers to wait between polls.
    pub ttl: Option<Duration>,
    /// What had to be repaired for the document to be read (empty: nothing), in words an
    /// operator can pass on to the publisher.
    pub repairs: Vec<String>,
}

/// Why a document is not a feed.
#[derive(Debug, thiserror::Error)]
#[error("not a readable feed (RSS, Atom or JSON Feed): {0}")]
pub struct FeedError(String);

/// Parses a feed document fetched from `source` at `fetched_at`.
pub fn parse_feed(
    bytes: &[u8],
    source: &str,
    fetched_at: Timestamp,
) -> Result<ParsedFeed, FeedError> {
    parse_feed_with(bytes, source, fetched_at, Languages::Detect)
}

/// [`parse_feed`], detecting the language of items that declare none or not.
pub fn parse_feed_with(
    bytes: &[u8],
    source: &str,
    fetched_at: Timestamp,
    langs: Languages,
) -> Result<ParsedFeed, FeedError> {
    let base = Url::parse(source).ok();
    let (feed, repairs) = match parser(source, fetched_at).parse(bytes) {
        Ok(feed) if !feed.entries.is_empty() || !has_entry_markup(bytes) => (feed, Vec::new()),
        strict => forgive(bytes, strict, source, fetched_at)?,
    };
    let feed_lang = feed.language.as_deref().and_then(normalize_language);
    let items = feed
        .entries
        .into_iter()
        .map(|entry| {
            let title = entry.title.as_ref().map(text_of).unwrap_or_default();
            let body = entry
                .content
                .as_ref()
                .and_then(|c| {
                    c.body
                        .as_deref()
                        .map(|b| to_text(b, c.content_type.to_string().contains("html")))
                })
                .filter(|t| !t.is_empty())
                .or_else(|| entry.summary.as_ref().map(text_of))
                .or_else(|| {
                    // A video feed (YouTube) describes its entries in <media:group> only.
                    entry
                        .media
                        .iter()
                        .find_map(|m| m.description.as_ref())
                        .map(text_of)
                })
                .unwrap_or_default();
            // <media:community>: a video's views (its reach) and likes (YouTube's star
            // rating count).
            let community = entry.media.iter().find_map(|m| m.community.as_ref());
            let reach = community.and_then(|c| c.stats_views);
            let engagement = community.and_then(|c| {
                crate::ingest::parse::Engagement::of(&[
                    ("likes", c.stars_count),
                    ("favourites", c.stats_favorites.filter(|n| *n > 0)),
                ])
            });
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(entry.links.first())
                .and_then(|l| canonical_url(&l.href, base.as_ref()))
                .or_else(|| {
                    // RSS items often put the permalink in <guid isPermaLink="true"> only.
                    entry
                        .id
                        .starts_with("http")
                        .then(|| canonical_url(&entry.id, base.as_ref()))
                        .flatten()
                });
            let declared = entry.published.or(entry.updated).map(|d| {
                Timestamp::new(d.timestamp(), d.timestamp_subsec_nanos() as i32)
                    .unwrap_or(fetched_at)
            });
            let (published, published_estimated) = match declared {
                Some(t) if t <= fetched_at => (t, false),
                _ => (fetched_at, true),
            };
            let lang = entry
                .language
                .as_deref()
                .and_then(normalize_language)
                .or_else(|| feed_lang.clone())
                .or_else(|| langs.detect(&title, &body));
            let author = entry
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref().map(str::trim))
                .find(|n| !n.is_empty())
                .map(str::to_string);
            Item {
                id: entry.id,
                url: link,
                title,
                text: body,
                author,
                published,
                published_estimated,
                lang,
                source: source.to_string(),
                engagement,
                reach,
                rating: None,
            }
        })
        .collect();
    Ok(ParsedFeed {
        title: feed.title.as_ref().map(text_of),
        items,
        ttl: feed.ttl.map(|m| Duration::from_secs(u64::from(m) * 60)),
        repairs,
    })
}

/// feed-rs set up for one document of `source`.
fn parser(source: &str, fetched_at: Timestamp) -> feed_rs::parser::Parser {
    feed_rs::parser::Builder::new()
        .base_uri(Some(source))
        .timestamp_parser(move |text| feed_date(text, fetched_at))
        .build()
}

/// Whether a document that gave no entries has entry elements all the same (Atom 0.3's
/// entries are in a namespace feed-rs does not know, and come out as none).
fn has_entry_markup(bytes: &[u8]) -> bool {
    bytes
        .windows(6)
        .any(|w| w == b"<entry" || w.starts_with(b"<item"))
}

/// When feed-rs refused the document or found no entries in it: the repairs of
/// [`repair`] one after the other, until one gives entries. The strict answer stands when
/// none does; a refusal then says what the document looks like instead.
fn forgive(
    bytes: &[u8],
    strict: Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError>,
    source: &str,
    fetched_at: Timestamp,
) -> Result<(feed_rs::model::Feed, Vec<String>), FeedError> {
    // A new parser for each try: one that failed inside an entry keeps state that makes
    // the next parse panic (feed-rs 3.0's Media RSS scope).
    let entries = |doc: &str| {
        parser(source, fetched_at)
            .parse(doc.as_bytes())
            .ok()
            .filter(|f| !f.entries.is_empty())
    };
    let mut fixes = Vec::new();
    let doc = match transcode::mend_utf8(bytes) {
        Some((text, fix)) => {
            fixes.push(fix);
            if let Some(feed) = entries(&text) {
                return Ok((feed, fixes));
            }
            text
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    };
    if doc.trim_start().starts_with('{') {
        if let Some((json, f)) = repair::lenient_json_feed(&doc) {
            fixes.extend(f);
            if let Some(feed) = entries(&json) {
                return Ok((feed, fixes));
            }
        }
    } else {
        let mut doc = doc;
        if let Some((d, f)) = repair::normalise(&doc) {
            fixes.extend(f);
            if let Some(feed) = entries(&d) {
                return Ok((feed, fixes));
            }
            doc = d;
        }
        if let Some((d, f)) = repair::recover(&doc) {
            fixes.extend(f);
            if let Some(feed) = entries(&d) {
                return Ok((feed, fixes));
            }
            if let Some((d, f)) = repair::normalise(&d) {
                fixes.extend(f);
                if let Some(feed) = entries(&d) {
                    return Ok((feed, fixes));
                }
            }
        }
    }
    match strict {
        Ok(feed) => Ok((feed, Vec::new())),
        Err(e) => Err(FeedError(
            repair::not_a_feed(bytes, source).unwrap_or_else(|| e.to_string()),
        )),
    }
}

/// A feed's date, read by [`parse_date`] in UTC: RFC 3339 and RFC 2822 first (nearly
/// every feed), then the forms publishers get wrong (a wrong weekday, month first, a zone
/// by name, French names). feed-rs's own reader rewrote every date through a dozen regular
/// expressions before trying them: 7 % of a first ingest.
fn feed_date(text: &str, fetched_at: Timestamp) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = parse_date(text, &jiff::tz::TimeZone::UTC, fetched_at)?;
    // jiff splits a time before 1970 as (-1 s, -0.5 s); chrono wants (-2 s, +0.5 s).
    let (secs, nanos) = match t.subsec_nanosecond() {
        n if n < 0 => (t.as_second() - 1, n + 1_000_000_000),
        n => (t.as_second(), n),
    };
    chrono::DateTime::from_timestamp(secs, nanos.unsigned_abs())
}

fn text_of(t: &feed_rs::model::Text) -> String {
    to_text(&t.content, t.content_type.to_string().contains("html"))
}

fn to_text(s: &str, declared_html: bool) -> String {
    if declared_html || looks_like_html(s) {
        html_to_text(s)
    } else {
        // feed-rs leaves HTML entity names it does not know (`&eacute;`) as they are.
        clean_text(&repair::html_entities(s))
    }
}
