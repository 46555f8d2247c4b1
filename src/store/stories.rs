//! Stories: a new mention joins the story of the closest recent mention of its brand (by
//! SimHash distance, `analyze::story`'s measure), or starts its own.

use jiff::Timestamp;
use rusqlite::params;

/// The most recent mentions of a brand a new one is compared with: copies arrive close in
/// time, and this bounds the cost of a brand with tens of thousands of mentions a week.
const STORY_CANDIDATES: i64 = 5000;

/// Makes the mention `id` a copy of the nearest story of `brand` found within
/// [`crate::analyze::story::STORY_WINDOW`] whose fingerprint is at most
/// [`crate::analyze::story::MAX_DISTANCE`] bits away, if there is one.
pub(super) fn join_story(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    brand: &str,
    hash: u64,
    fetched_at: Timestamp,
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT coalesce(story_id, id), simhash FROM mentions
         WHERE brand = ?1 AND id != ?2 AND simhash IS NOT NULL AND fetched_at >= ?3
         ORDER BY fetched_at DESC LIMIT ?4",
    )?;
    let since = (fetched_at - crate::analyze::story::STORY_WINDOW).as_second();
    let mut best: Option<(u32, i64)> = None;
    let rows = stmt.query_map(params![brand, id, since, STORY_CANDIDATES], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (story, other) = row?;
        let d = crate::analyze::story::distance(hash, other as u64);
        if d <= crate::analyze::story::MAX_DISTANCE
            && best.is_none_or(|(bd, bs)| (d, story) < (bd, bs))
        {
            best = Some((d, story));
        }
    }
    if let Some((_, story)) = best {
        tx.execute(
            "UPDATE mentions SET story_id = ?2 WHERE id = ?1",
            params![id, story],
        )?;
    }
    Ok(())
}
