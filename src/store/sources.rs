//! The `sources` table: the planned sources recorded at start ([`Store::sync_sources`]),
//! when each is due, and each one's state for `vigie sources`, the digest and `/metrics`.
//! A poll's own state is written by [`Store::commit_poll`] (see `commit.rs`).

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use super::{Result, Sqlite, opt_ts, ts};
use crate::ingest::fetch::Validators;
use crate::settings::watchlist::PlannedSource;

/// A source's stored state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    pub url: String,
    pub kind: String,
    #[serde(skip)]
    pub validators: Validators,
    pub last_checked_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub last_error_at: Option<Timestamp>,
    pub consecutive_errors: u32,
    pub next_check_at: Timestamp,
    /// Items in the last document fetched.
    pub last_item_count: Option<u32>,
    /// The feed's own polling hint (RSS `<ttl>`) from the last document fetched.
    #[serde(skip)]
    pub ttl: Option<Duration>,
    /// Mentions stored from this source so far.
    pub mentions: u64,
    /// What its last document needed repaired to be read ("RSS 1.1, read as RSS 2.0; …").
    pub repairs: Option<String>,
    /// The node that polled it last (PostgreSQL, several nodes); `None` on SQLite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polled_by: Option<String>,
}

impl Sqlite {
    /// Makes sure every planned source has a row; new ones are due at once. Existing rows
    /// keep their state; sources no longer in any watchlist are kept (with their mentions)
    /// but no longer polled.
    pub fn sync_sources(&mut self, sources: &[PlannedSource], now: Timestamp) -> Result<()> {
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut ins = tx.prepare(
                    "INSERT INTO sources (url, kind, created_at, next_check_at, name)
                     VALUES (?1, ?2, ?3, ?3, ?4)
                     ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                )?;
                for s in sources {
                    ins.execute(params![s.url, s.kind.as_str(), now.as_second(), s.name])?;
                }
            }
            tx.commit()
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// When each source is due, by URL: the daemon's schedule, read at every wake-up, so it
    /// reads nothing else.
    pub fn due_times(&self) -> Result<Vec<(String, Timestamp)>> {
        let run = || -> rusqlite::Result<Vec<(String, Timestamp)>> {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT url, next_check_at FROM sources")?;
            stmt.query_map([], |r| Ok((r.get(0)?, ts(r.get(1)?))))?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Stored state of every source, by URL.
    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        self.query_sources(None)
    }

    /// Every source's URL, sorted (without counting their mentions, as `sources` does).
    pub fn source_urls(&self) -> Result<Vec<String>> {
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT url FROM sources ORDER BY url")?;
            stmt.query_map([], |r| r.get(0))?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Stored state of one source.
    pub fn source(&self, url: &str) -> Result<Option<SourceRow>> {
        Ok(self.query_sources(Some(url))?.into_iter().next())
    }

    fn query_sources(&self, url: Option<&str>) -> Result<Vec<SourceRow>> {
        let run = || -> rusqlite::Result<Vec<SourceRow>> {
            // Two statements, so that one source is found by its URL's index rather than by
            // reading every row (a poll reads its source's row first).
            const COLUMNS: &str = "SELECT s.url, s.kind, s.etag, s.last_modified,
                        s.last_checked_at, s.last_success_at, s.last_error, s.last_error_at,
                        s.consecutive_errors, s.next_check_at, s.last_item_count, s.ttl_seconds,
                        (SELECT count(*) FROM mentions m WHERE m.source_id = s.id), s.repairs
                 FROM sources s";
            let mut stmt = match url {
                Some(_) => self
                    .conn
                    .prepare_cached(&format!("{COLUMNS} WHERE s.url = ?1"))?,
                None => self
                    .conn
                    .prepare_cached(&format!("{COLUMNS} WHERE ?1 IS NULL ORDER BY s.url"))?,
            };
            stmt.query_map(params![url], |r| {
                Ok(SourceRow {
                    url: r.get(0)?,
                    kind: r.get(1)?,
                    validators: Validators {
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                    },
                    last_checked_at: opt_ts(r.get(4)?),
                    last_success_at: opt_ts(r.get(5)?),
                    last_error: r.get(6)?,
                    last_error_at: opt_ts(r.get(7)?),
                    consecutive_errors: r.get(8)?,
                    next_check_at: ts(r.get(9)?),
                    last_item_count: r.get(10)?,
                    ttl: r
                        .get::<_, Option<i64>>(11)?
                        .map(|s| Duration::from_secs(s.max(0) as u64)),
                    mentions: r.get::<_, i64>(12)?.max(0) as u64,
                    repairs: r.get(13)?,
                    polled_by: None,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }
}
