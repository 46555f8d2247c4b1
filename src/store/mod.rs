//! All SQL lives here: the SQLite database of sources, mentions, stories, alerts, the
//! outbox and digests. It takes and returns plain data types; no other module sees a
//! rusqlite type or writes SQL.
//!
//! # Durability
//! WAL journal with `synchronous = FULL`: a committed poll survives `kill -9` and power loss.
//! Every write is one `BEGIN IMMEDIATE` transaction (deferred transactions can fail with
//! BUSY on upgrade in WAL mode). The daemon holds one connection, the single writer; the
//! inspection commands open their own and only read.
//!
//! # The commit point
//! A poll's new mentions and its source's new state (validators, success, errors, next check)
//! are committed together by [`Store::commit_poll`] (or with other polls' by
//! [`Store::commit_polls`], each still all or nothing). Storing an ETag apart from its items
//! would lose those items for good if the second write failed. The brands that got new
//! mentions are marked in the same transaction; [`Store::review_alerts`] takes the marks,
//! decides and stores the alert changes with their emails, in a transaction of its own.
//!
//! # Idempotence
//! A mention is unique per (brand, canonical URL or item id): re-polling the same feed, or
//! a restart in the middle of a poll, never duplicates one.
//!
//! Times are stored as Unix seconds (UTC).
//!
//! # The seam
//! [`Store`] is the one boundary a second backend (PostgreSQL) implements. Its operations,
//! by concern, with the transaction each needs ("write" is one immediate transaction,
//! "read" one consistent read):
//!
//! | concern (file) | operations | transaction |
//! |---|---|---|
//! | connection (`connection.rs`, `schema.rs`) | `open` (create, migrate), `open_read_only`, `connect_read_only`, `schema_version`, `current_schema` | migrations: one write each |
//! | sources (`sources.rs`) | `sync_sources` | write |
//! | | `due_times`, `sources`, `source` | read |
//! | the commit point (`commit.rs`) | `commit_poll`, `commit_polls`: mentions (with their stories), source state, brands to review | one write for a poll or a group of polls |
//! | | `review_alerts`: the marked brands' and open alerts' activity, the alert changes and their emails | one write per review |
//! | mentions (`mentions.rs`) | `mentions` (full-text search), `mention_count`, `brands`, `unscored_mentions` | read |
//! | | `set_sentiments` (scores computed outside the store) | write |
//! | stories (`stories.rs`) | joined inside `commit_poll`, through an in-memory index checked against `data_version` | (the poll's) |
//! | alerts (`alerts.rs`) | `alerts`, `points` | read |
//! | outbox (`outbox.rs`) | `enqueue_email`, `email_result` | write |
//! | | `next_email` (takes a lease) | write |
//! | | `next_email_due`, `outbox_counts` | read |
//! | digests (`digest.rs`) | `digest_input`, `digest_covered_until`, `last_digest_sent` | read |
//! | | `start_digests`, `record_digest` (the emails with the new coverage) | write |
//! | triage (`triage.rs`) | `decide` (state, corrections, notes, with history), `acknowledge_alert`, `create_token`, `use_token`, `revoke_token` | write |
//! | | `history`, `corrections`, `tokens`, `digests`, `digest_html` | read |
//! | lifecycle (`lifecycle.rs`) | `backup` (`VACUUM INTO`), `quick_check`, `integrity_check`, `check_writable`, `export_mentions` | read |
//! | | `prune_mentions` | one write per batch |
//!
//! Calls from async code go through [`blocking`] on a [`SharedStore`], one at a time.

mod alerts;
mod commit;
mod connection;
mod digest;
mod lifecycle;
mod mentions;
mod outbox;
pub mod pg;
mod schema;
mod sources;
mod stories;
mod triage;

pub use alerts::{AlertChange, AlertRow, BrandActivity, Sample, StoryInfo};
pub use commit::{PollCommit, PollResult};
pub use digest::{BrandFigures, DeadEmail, DigestInput, DigestQuery, Found, SourceHealth};
pub use lifecycle::{ExportRow, PRUNE_BATCH};
pub use mentions::{MentionQuery, MentionRow, NewMention, Order, UnscoredMention};
pub use outbox::{EmailResult, Outgoing, QueuedEmail};
pub use sources::SourceRow;
pub use triage::{
    Correction, Decision, DigestRow, Event, MentionDetail, MentionState, NOTE_CHARS, Overview,
    OverviewSpan, TokenRow,
};

use std::path::PathBuf;

use jiff::Timestamp;
use rusqlite::Connection;

/// A database failure, with the database's path.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // SQLite's message is the whole reason: it is not also chained as a source, which
    // would print it two more times under `{:#}`.
    #[error("database {path}: {error}")]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("database {path}: cannot create its folder: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("backup {path}: the file exists; give a new name (a backup never overwrites)")]
    BackupExists { path: PathBuf },
    #[error("backup {path}: cannot write it: {reason}")]
    BackupFailed { path: PathBuf, reason: String },
    #[error(
        "database {path}: schema version {found} is newer than this vigie knows ({known}); was it written by a newer release?"
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error(
        "database {path}: schema version {found} is older than this vigie's ({known}) and cannot be upgraded here ({why}); run `vigie poll` once as the database's owner"
    )]
    TooOld {
        path: PathBuf,
        found: usize,
        known: usize,
        why: String,
    },
}

impl StoreError {
    /// Whether SQLite found the file damaged (malformed pages, or not a database at all).
    pub fn is_damaged(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite { error, .. } if matches!(
                error.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            )
        )
    }

    /// SQLite's own words for a database failure (the whole message for other errors).
    pub fn sqlite_message(&self) -> String {
        match self {
            StoreError::Sqlite { error, .. } => error.to_string(),
            other => other.to_string(),
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// The database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Recent mentions' fingerprints, for joining stories without reading rows.
    stories: stories::StoryIndex,
}

/// A database shared by the tasks of a process: the poller's polls, the outbox, the
/// digest clock, the health listener.
#[derive(Debug, Clone)]
pub struct SharedStore {
    store: std::sync::Arc<std::sync::Mutex<Store>>,
    /// Taken (asynchronously) before a blocking thread is: tasks waiting for the database
    /// wait as futures, not as blocked threads of tokio's small blocking pool, which the
    /// polls need for parsing and matching.
    gate: std::sync::Arc<tokio::sync::Semaphore>,
}

impl SharedStore {
    pub fn new(store: Store) -> Self {
        SharedStore {
            store: std::sync::Arc::new(std::sync::Mutex::new(store)),
            gate: std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
        }
    }

    /// The database, for synchronous code outside the runtime's tasks (setting up).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Runs `f` on a shared database on tokio's blocking pool: SQLite calls block, and may wait
/// for another writer. One call at a time per database.
pub async fn blocking<T: Send + 'static>(
    shared: &SharedStore,
    f: impl FnOnce(&mut Store) -> T + Send + 'static,
) -> T {
    let _turn = shared.gate.acquire().await.expect("never closed");
    let store = shared.store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    })
    .await
    .expect("database task panicked")
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn opt_ts(secs: Option<i64>) -> Option<Timestamp> {
    secs.map(ts)
}

#[cfg(test)]
mod tests;
