//! Stories: a new mention joins the story of the closest recent mention of its brand (by
//! SimHash distance, `analyze::story`'s measure), or starts its own.
//!
//! The candidates are held in memory ([`StoryIndex`]): per brand, the fingerprints of the
//! mentions fetched within [`STORY_WINDOW`], in fetch order, so joining costs a scan of at
//! most [`STORY_CANDIDATES`] 16-byte entries instead of as many row reads (the row reads
//! made the first ingest of a large corpus quadratic). The database stays the truth: the
//! index is loaded from it in the first write transaction, checked against SQLite's
//! `data_version` at each one (another connection's commit, such as a `vigie poll` beside
//! the daemon, makes it reload), and dropped when a transaction of ours fails or prunes.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::analyze::story::{MAX_DISTANCE, STORY_WINDOW, distance};

/// The most recent mentions of a brand a new one is compared with: copies arrive close in
/// time, and this bounds the cost of a brand with tens of thousands of mentions a week.
pub(super) const STORY_CANDIDATES: usize = 5000;

/// One mention as story joining sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) fetched_at: i64,
    /// Its story: the id of the story's first mention (its own id when it is the first).
    pub(super) story: i64,
    pub(super) simhash: u64,
}

/// Per brand, the recent mentions' fingerprints, oldest first.
#[derive(Debug, Default)]
pub(super) struct StoryIndex {
    /// `None` until loaded, and after anything that may have made it stale.
    loaded: Option<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    /// `PRAGMA data_version` when loaded: it changes when another connection commits.
    data_version: i64,
    /// Mentions fetched before this were not loaded.
    since: i64,
    brands: HashMap<String, Vec<Entry>>,
}

impl StoryIndex {
    /// Forgets the index: the next write transaction loads it again.
    pub(super) fn invalidate(&mut self) {
        self.loaded = None;
    }

    /// Makes the index true to the database inside `tx` for mentions fetched from
    /// `fetched_at` on: loads it when it is not loaded, when another connection has committed
    /// since, or when it does not reach back far enough.
    pub(super) fn prepare(
        &mut self,
        tx: &Connection,
        fetched_at: Timestamp,
    ) -> rusqlite::Result<()> {
        let version: i64 = tx
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        let since = (fetched_at - STORY_WINDOW).as_second();
        if let Some(l) = &self.loaded
            && l.data_version == version
            && l.since <= since
        {
            return Ok(());
        }
        let mut brands: HashMap<String, Vec<Entry>> = HashMap::new();
        let mut stmt = tx.prepare_cached(
            "SELECT brand, fetched_at, coalesce(story_id, id), simhash FROM mentions
             WHERE fetched_at >= ?1 AND simhash IS NOT NULL ORDER BY fetched_at, id",
        )?;
        let mut rows = stmt.query([since])?;
        while let Some(r) = rows.next()? {
            let brand: String = r.get(0)?;
            brands.entry(brand).or_default().push(Entry {
                fetched_at: r.get(1)?,
                story: r.get(2)?,
                simhash: r.get::<_, i64>(3)? as u64,
            });
        }
        self.loaded = Some(Loaded {
            data_version: version,
            since,
            brands,
        });
        Ok(())
    }

    /// The story a new mention of `brand` joins: the nearest story among the brand's
    /// [`STORY_CANDIDATES`] most recent mentions fetched within [`STORY_WINDOW`] before it,
    /// at most [`MAX_DISTANCE`] bits away (ties to the oldest story); `None` when it starts
    /// its own (the same choice as reading the brand's mentions by fetch time, newest
    /// first). Known before the mention is stored, so its row is written once, story and
    /// all. [`Self::prepare`] must have been called in the same transaction.
    pub(super) fn nearest(&self, brand: &str, hash: u64, fetched_at: Timestamp) -> Option<i64> {
        nearest_in(self.loaded.as_ref()?.brands.get(brand)?, hash, fetched_at)
    }

    /// Records the mention `id` of `brand`, just stored in `story` (`None`: its own), as a
    /// candidate for the mentions after it.
    pub(super) fn add(
        &mut self,
        id: i64,
        brand: &str,
        hash: u64,
        fetched_at: Timestamp,
        story: Option<i64>,
    ) {
        let Some(loaded) = self.loaded.as_mut() else {
            return;
        };
        let entries = match loaded.brands.get_mut(brand) {
            Some(entries) => entries,
            None => loaded.brands.entry(brand.to_string()).or_default(),
        };
        push_entry(entries, id, hash, fetched_at, story);
    }
}

/// The story a new mention with `hash`, fetched at `fetched_at`, joins among a brand's
/// `entries` (oldest first): the nearest story among the [`STORY_CANDIDATES`] most recent
/// fetched within [`STORY_WINDOW`] before it, at most [`MAX_DISTANCE`] bits away (ties to the
/// oldest story); `None` when it starts its own. Both backends join stories with it.
pub(super) fn nearest_in(entries: &[Entry], hash: u64, fetched_at: Timestamp) -> Option<i64> {
    let since = (fetched_at - STORY_WINDOW).as_second();
    let mut best: Option<(u32, i64)> = None;
    for e in entries.iter().rev().take(STORY_CANDIDATES) {
        if e.fetched_at < since {
            break;
        }
        let d = distance(hash, e.simhash);
        if d <= MAX_DISTANCE && best.is_none_or(|b| (d, e.story) < b) {
            best = Some((d, e.story));
        }
    }
    best.map(|(_, s)| s)
}

/// Adds the mention `id`, just stored in `story` (`None`: its own), to a brand's `entries`
/// in fetch order, and drops the entries that have left the window.
pub(super) fn push_entry(
    entries: &mut Vec<Entry>,
    id: i64,
    hash: u64,
    fetched_at: Timestamp,
    story: Option<i64>,
) {
    let at = fetched_at.as_second();
    let since = (fetched_at - STORY_WINDOW).as_second();
    let end = entries.partition_point(|e| e.fetched_at <= at);
    entries.insert(
        end,
        Entry {
            fetched_at: at,
            story: story.unwrap_or(id),
            simhash: hash,
        },
    );
    // Mentions that have left the window are no one's candidates any more.
    let old = entries.partition_point(|e| e.fetched_at < since);
    if old > 0 {
        entries.drain(..old);
    }
}
