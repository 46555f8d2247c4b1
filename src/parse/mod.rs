//! Documents in, items out. One adapter per source kind; each is a pure function of the
//! bytes, the source URL and the fetch time.

pub mod alerts;
pub mod dates;
pub mod feed;
pub mod html;
pub mod json;

use jiff::Timestamp;
use serde::Serialize;

/// One entry of a source, as Vigie keeps it (before matching).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The source's own id for the item (RSS guid, Atom id, JSON Feed id), or one derived
    /// from its link and title when the source gives none.
    pub id: String,
    /// Canonical link (see [`crate::extract::canonical_url`]), when the item has one.
    pub url: Option<String>,
    pub title: String,
    /// Clean text (HTML turned into text), capped at [`crate::extract::MAX_TEXT_BYTES`].
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
