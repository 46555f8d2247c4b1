//! The database's upkeep: online backups, and pruning old mentions in small batches.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{TransactionBehavior, params};

use super::{Result, Store, StoreError};

/// Mentions deleted per transaction when pruning, so the daemon's polls are never held up
/// for long.
pub const PRUNE_BATCH: usize = 500;

impl Store {
    /// Writes a consistent copy of the database to `target` (`VACUUM INTO`): online, while
    /// the daemon runs, and compact. Refuses to overwrite a file.
    pub fn backup(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(StoreError::BackupExists {
                path: target.to_path_buf(),
            });
        }
        self.conn
            .execute("VACUUM INTO ?1", [target.to_string_lossy()])
            .map(|_| ())
            .map_err(|e| self.err(e))
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
                for id in &ids {
                    unlink.execute([id])?;
                }
                for id in &ids {
                    delete.execute([id])?;
                }
            }
            tx.commit()?;
            Ok(ids.len())
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// `PRAGMA integrity_check`: `ok`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}
