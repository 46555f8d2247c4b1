//! Documents in, items out. One adapter per source kind; each is a pure function of the
//! bytes, the source URL and the fetch time.

pub mod alerts;
pub mod dates;
pub mod feed;
pub mod html;
pub mod json;
pub mod opml;
pub mod repair;
pub mod transcode;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use crate::settings::watchlist::Adapter;

/// One entry of a source, as Vigie keeps it (before matching).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The source's own id for the item (RSS guid, Atom id, JSON Feed id), or one derived
    /// from its link and title when the source gives none.
    pub id: String,
    /// Canonical link (see [`crate::ingest::extract::canonical_url`]), when the item has one.
    pub url: Option<String>,
    pub title: String,
    /// Clean text (HTML turned into text), capped at [`crate::ingest::extract::MAX_TEXT_BYTES`].
    pub text: String,
    pub author: Option<String>,
    /// When the item was published: the feed's date, else its update date, else the fetch
    /// time; never later than the fetch time.
    pub published: Timestamp,
    /// True when `published` is not the source's own date (missing, or in the future).
    pub published_estimated: bool,
    /// ISO 639-1 code: the item's or feed's declared language, else detected when reliable.
    pub lang: Option<String>,
    /// URL of the source the item came from.
    pub source: String,
    /// How many people interacted with it, when the service says (social sources, a
    /// video feed's likes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engagement: Option<Engagement>,
    /// How many people it could reach: the author's followers, the community's
    /// subscribers, a video's views, when the service says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reach: Option<u64>,
    /// A review's star rating, 1 to 5 (an app store), kept beside the text's sentiment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
}

/// The interactions an item drew, as its service counts them: the parts kept by their
/// service's names (`score`, `comments`; `likes`, `reposts`, `replies`...), and one number,
/// their sum, to rank and weigh mentions across services.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Engagement {
    pub parts: Vec<(String, u64)>,
}

impl Engagement {
    /// The parts the service gave (missing ones left out); `None` when it gave none.
    pub fn of(parts: &[(&str, Option<u64>)]) -> Option<Engagement> {
        let parts: Vec<(String, u64)> = parts
            .iter()
            .filter_map(|(name, n)| Some((name.to_string(), (*n)?)))
            .collect();
        (!parts.is_empty()).then_some(Engagement { parts })
    }

    /// All interactions together.
    pub fn total(&self) -> u64 {
        self.parts
            .iter()
            .fold(0u64, |a, (_, n)| a.saturating_add(*n))
    }

    /// How the database keeps the parts: `score=120,comments=45`.
    pub fn to_stored(&self) -> String {
        self.parts
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The parts read back from [`Engagement::to_stored`]; what cannot be read is left out.
    pub fn from_stored(s: &str) -> Option<Engagement> {
        let parts: Vec<(String, u64)> = s
            .split(',')
            .filter_map(|p| {
                let (k, n) = p.split_once('=')?;
                Some((k.trim().to_string(), n.trim().parse().ok()?))
            })
            .collect();
        (!parts.is_empty()).then_some(Engagement { parts })
    }
}

impl Item {
    /// What makes two copies of an item the same mention: the canonical URL, else the id.
    pub fn dedup_key(&self) -> String {
        match &self.url {
            Some(u) => u.clone(),
            None => format!("id:{}", self.id),
        }
    }
}

/// The newest dated item of a document, and the median gap between its dated items (at
/// least three are needed): how often the source publishes, to tell when it stops.
pub fn rhythm(items: &[Item]) -> (Option<Timestamp>, Option<std::time::Duration>) {
    let mut dates: Vec<Timestamp> = items
        .iter()
        .filter(|i| !i.published_estimated)
        .map(|i| i.published)
        .collect();
    dates.sort();
    let newest = dates.last().copied();
    if dates.len() < 3 {
        return (newest, None);
    }
    let mut gaps: Vec<i64> = dates
        .windows(2)
        .map(|w| w[1].as_second() - w[0].as_second())
        .collect();
    gaps.sort_unstable();
    let median = gaps[gaps.len() / 2].max(60);
    (newest, Some(std::time::Duration::from_secs(median as u64)))
}

/// What one document yields, whatever its kind.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub items: Vec<Item>,
    /// RSS `<ttl>`: how long the publisher asks readers to wait between polls.
    pub ttl: Option<Duration>,
    /// For a page read with selectors, the next page to read.
    pub next: Option<String>,
    /// What had to be repaired for a feed to be read (see [`repair`]); empty when nothing.
    pub repairs: Vec<String>,
}

/// Whether parsing detects the language of items that do not declare one. Detection is a
/// fifth of the cost of reading a feed, and the poller only needs it for the items that
/// mention a brand ([`Languages::Later`]: it detects them itself, see
/// [`detect_item_language`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Languages {
    Detect,
    Later,
}

impl Languages {
    /// The language of an item that declares none, when this asks for detection.
    pub(crate) fn detect(self, title: &str, text: &str) -> Option<String> {
        match self {
            Languages::Detect => detect_item_language(title, text),
            Languages::Later => None,
        }
    }
}

/// The language of an item's title and text, when whatlang is confident of it.
pub fn detect_item_language(title: &str, text: &str) -> Option<String> {
    crate::ingest::extract::detect_language(&format!("{title}\n{text}"))
}

/// Reads one fetched document as its source's adapter says: turned into UTF-8 first
/// ([`transcode`]), then parsed in isolation, so that a panic inside a parser is this
/// document's error ("the feed parser failed on this document: ..."), never the process's.
/// `content_type` is the HTTP header, when the document came over HTTP. The same for
/// `vigie poll`, the daemon, `vigie parse` and `vigie try-source`.
pub fn read_document(
    adapter: &Adapter,
    bytes: &[u8],
    content_type: Option<&str>,
    url: &str,
    now: Timestamp,
) -> Result<Parsed, String> {
    read_document_with(adapter, bytes, content_type, url, now, Languages::Detect)
}

/// [`read_document`], detecting languages or not.
pub fn read_document_with(
    adapter: &Adapter,
    bytes: &[u8],
    content_type: Option<&str>,
    url: &str,
    now: Timestamp,
    langs: Languages,
) -> Result<Parsed, String> {
    let reader = match adapter {
        Adapter::Feed | Adapter::AlertFeed => "the feed parser",
        Adapter::Json(_) => "the JSON reader",
        Adapter::Html(_) => "the page reader",
        Adapter::Social(_) => "the social reader",
    };
    let mut parsed = isolated(reader, || {
        fault::check(url);
        let bytes = transcode::to_utf8(bytes, content_type);
        match adapter {
            Adapter::Feed => feed::parse_feed_with(&bytes, url, now, langs)
                .map(|f| Parsed {
                    items: f.items,
                    ttl: f.ttl,
                    next: None,
                    repairs: f.repairs,
                })
                .map_err(|e| e.to_string()),
            Adapter::AlertFeed => feed::parse_feed_with(&bytes, url, now, langs)
                .map(|f| Parsed {
                    items: alerts::fix_items(f.items),
                    ttl: f.ttl,
                    next: None,
                    repairs: f.repairs,
                })
                .map_err(|e| e.to_string()),
            Adapter::Json(spec) => json::parse_json_with(&bytes, url, spec, now, langs)
                .map(|items| Parsed {
                    items,
                    ..Parsed::default()
                })
                .map_err(|e| e.to_string()),
            Adapter::Social(spec) => {
                crate::ingest::social::read(spec.service, &bytes, url, now, langs)
            }
            Adapter::Html(spec) => html::parse_page_with(&bytes, url, spec, now, langs)
                .map(|p| Parsed {
                    items: p.items,
                    next: p.next,
                    ..Parsed::default()
                })
                .map_err(|e| e.to_string()),
        }
    })??;
    for item in &mut parsed.items {
        item.drop_control_characters();
    }
    Ok(parsed)
}

/// `text` without its control characters but line feeds and tabs (a JSON `\u0000`, a
/// stray `\u0007`), or `None` when it has none. NUL cannot be stored by PostgreSQL, and
/// none of them means anything to a reader.
fn without_controls(text: &str) -> Option<String> {
    let keep = |c: char| !c.is_control() || c == '\n' || c == '\t';
    if text.chars().all(keep) {
        return None;
    }
    Some(text.chars().filter(|&c| keep(c)).collect())
}

impl Item {
    /// Removes control characters (but line feeds and tabs) from what is stored and shown.
    pub fn drop_control_characters(&mut self) {
        for field in [&mut self.id, &mut self.title, &mut self.text] {
            if let Some(clean) = without_controls(field) {
                *field = clean;
            }
        }
        if let Some(author) = &mut self.author
            && let Some(clean) = without_controls(author)
        {
            *author = clean;
        }
    }
}

/// Runs a pure stage on one document; a panic inside it comes back as
/// `"{stage} failed on this document: {panic message}"`.
pub fn isolated<T>(stage: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        format!(
            "{stage} failed on this document: {}",
            panic_message(payload.as_ref())
        )
    })
}

/// What a caught panic said.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an internal error".to_string())
}

/// Fault injection for tests: makes the parsing of one source's documents panic, to prove
/// that such a panic is contained. Not used by Vigie itself.
#[doc(hidden)]
pub mod fault {
    use std::sync::Mutex;

    static PANIC_ON: Mutex<Vec<String>> = Mutex::new(Vec::new());

    /// From now on, parsing a document whose URL contains `url_part` panics.
    pub fn panic_when_parsing(url_part: &str) {
        PANIC_ON
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(url_part.to_string());
    }

    pub(crate) fn check(url: &str) {
        let hit = PANIC_ON
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .any(|p| url.contains(p.as_str()));
        if hit {
            panic!("fault injected for {url}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_an_item() {
        let doc = br#"{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[
            {"id":"1\u0000","url":"https://a.example/1","title":"Acme\u0000 nul\u0007",
             "content_text":"Acme\u0000 a\nb\tc","authors":[{"name":"Zo\u0000\u001be"}]}]}"#;
        let parsed = read_document(
            &Adapter::Feed,
            doc,
            Some("application/feed+json"),
            "https://a.example/feed.json",
            Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let item = &parsed.items[0];
        assert_eq!(item.title, "Acme nul");
        // (A tab is white space, which the text's cleaning turns into a space.)
        assert_eq!(item.text, "Acme a\nb c");
        assert_eq!(item.id, "1");
        assert_eq!(item.author.as_deref(), Some("Zoe"));
    }

    #[test]
    fn a_panic_in_a_stage_is_an_error_that_says_where() {
        let e = isolated("the feed parser", || -> u32 { panic!("boom at byte 12") }).unwrap_err();
        assert_eq!(
            e,
            "the feed parser failed on this document: boom at byte 12"
        );
        let n = 3;
        let e = isolated("matching", || -> u32 { panic!("bad {n}") }).unwrap_err();
        assert_eq!(e, "matching failed on this document: bad 3");
        assert_eq!(isolated("x", || 7), Ok(7));
    }

    #[test]
    fn a_utf16_feed_is_read_like_its_utf8_twin() {
        let feed = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>t</title><item><title>Acme à Noël</title><link>https://ex.com/a</link></item></channel></rss>";
        let mut be = vec![0xFE, 0xFF];
        for u in feed.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let now: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        let p = read_document(&Adapter::Feed, &be, None, "https://ex.com/feed", now).unwrap();
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].title, "Acme à Noël");
    }
}
