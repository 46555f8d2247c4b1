//! The database's upkeep: online backups, and pruning old mentions in small batches.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{TransactionBehavior, params};

use super::{Result, Sqlite, StoreError, opt_ts, ts};

/// Mentions deleted per transaction when pruning, so the daemon's polls are never held up
/// for long.
pub const PRUNE_BATCH: usize = 500;

impl Sqlite {
    /// Writes a consistent copy of the database to `target` (`VACUUM INTO`): online, while
    /// the daemon runs, and compact. Refuses to overwrite a file.
    pub fn backup(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(StoreError::BackupExists {
                path: target.to_path_buf(),
            });
        }
        // An error here is the copy's (a missing folder, no space, no right to write): it
        // names the copy, not the database it is made from.
        self.conn
            .execute("VACUUM INTO ?1", [target.to_string_lossy()])
            .map(|_| ())
            .map_err(|e| StoreError::BackupFailed {
                path: target.to_path_buf(),
                reason: e.to_string(),
            })
    }

    /// Deletes up to `batch` mentions found before `cutoff`, oldest first, in one
    /// transaction, and returns how many. A copy of a deleted story's mention becomes a
    /// story of its own.
    pub fn prune_mentions(&mut self, cutoff: Timestamp, batch: usize) -> Result<usize> {
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<usize> {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let ids: Vec<i64> = tx
                .prepare_cached(
                    "SELECT id FROM mentions WHERE fetched_at < ?1 ORDER BY fetched_at, id LIMIT ?2",
                )?
                .query_map(params![cutoff.as_second(), batch as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            {
                let mut unlink =
                    tx.prepare_cached("UPDATE mentions SET story_id = NULL WHERE story_id = ?1")?;
                let mut delete = tx.prepare_cached("DELETE FROM mentions WHERE id = ?1")?;
                // What people decided about a deleted mention goes with it.
                let mut events =
                    tx.prepare_cached("DELETE FROM mention_events WHERE mention_id = ?1")?;
                let mut corrections =
                    tx.prepare_cached("DELETE FROM corrections WHERE mention_id = ?1")?;
                for id in &ids {
                    unlink.execute([id])?;
                }
                for id in &ids {
                    delete.execute([id])?;
                    events.execute([id])?;
                    corrections.execute([id])?;
                }
            }
            tx.commit()?;
            Ok(ids.len())
        };
        // Copies of a pruned mention became stories of their own.
        self.stories.invalidate();
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// Whether the database takes a write now (a write transaction, rolled back).
    pub fn check_writable(&mut self) -> Result<()> {
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<()> {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("UPDATE sources SET id = id WHERE 0", [])?;
            tx.rollback()
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// `PRAGMA quick_check`: `["ok"]`, or the first problems found (at most 10).
    pub fn quick_check(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA quick_check(10)")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        rows.map_err(|e| self.err(e))
    }

    /// `PRAGMA integrity_check`: `ok`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

/// A mention as `vigie export` writes it: everything stored, full text included.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportRow {
    pub id: i64,
    pub brand: String,
    pub source: String,
    pub url: Option<String>,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub published_at: Timestamp,
    pub published_estimated: bool,
    pub fetched_at: Timestamp,
    pub matched_terms: Vec<String>,
    pub sentiment: Option<f64>,
    pub sentiment_label: Option<String>,
    /// For a copy of a story, the id of the story's first mention.
    pub story: Option<i64>,
}

impl Sqlite {
    /// Every mention published since `since` (all without it), oldest first, handed to `out`
    /// one at a time so an export of any size runs in constant memory; `out` returns false
    /// to stop.
    pub fn export_mentions(
        &self,
        since: Option<Timestamp>,
        out: &mut dyn FnMut(ExportRow) -> bool,
    ) -> Result<()> {
        let mut run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare(
                "SELECT m.id, m.brand, s.url, m.url, m.title, m.text, m.author, m.lang,
                        m.published_at, m.published_estimated, m.fetched_at, m.matched_terms,
                        m.sentiment, m.sentiment_label, m.story_id
                 FROM mentions m JOIN sources s ON s.id = m.source_id
                 WHERE (?1 IS NULL OR m.published_at >= ?1) AND m.state != 'irrelevant'
                 ORDER BY m.published_at, m.id",
            )?;
            let mut rows = stmt.query([since.map(|t| t.as_second())])?;
            while let Some(r) = rows.next()? {
                let terms: String = r.get(11)?;
                let row = ExportRow {
                    id: r.get(0)?,
                    brand: r.get(1)?,
                    source: crate::ingest::fetch::redact_str(&r.get::<_, String>(2)?),
                    url: r.get(3)?,
                    title: r.get(4)?,
                    text: r.get(5)?,
                    author: r.get(6)?,
                    lang: r.get(7)?,
                    published_at: ts(r.get(8)?),
                    published_estimated: r.get(9)?,
                    fetched_at: opt_ts(r.get(10)?).unwrap_or(Timestamp::UNIX_EPOCH),
                    matched_terms: serde_json::from_str(&terms).unwrap_or_default(),
                    sentiment: r.get(12)?,
                    sentiment_label: r.get(13)?,
                    story: r.get(14)?,
                };
                if !out(row) {
                    break;
                }
            }
            Ok(())
        };
        run().map_err(|e| self.err(e))
    }
}
