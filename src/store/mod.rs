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
//! [`Store`] is the one boundary both backends implement (SQLite here, PostgreSQL in
//! [`pg`], in files of the same names). Its operations, by concern, with the transaction
//! each needs ("write" is one immediate transaction, "read" one consistent read):
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
    #[error("database {at}: {error}")]
    Postgres { at: String, error: pg::PgError },
    #[error(
        "database {at}: {what} is for a SQLite file; on PostgreSQL use the server's own tools (pg_dump for a backup, see deploy/README.md)"
    )]
    NotOnPostgres { at: String, what: &'static str },
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

/// The database: a SQLite file, or a PostgreSQL database several nodes share.
#[derive(Debug)]
pub enum Store {
    Sqlite(Sqlite),
    /// Boxed: it is much larger than a SQLite connection.
    Postgres(Box<pg::store::PgStore>),
}

/// The SQLite backend.
#[derive(Debug)]
pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
    /// Recent mentions' fingerprints, for joining stories without reading rows.
    stories: stories::StoryIndex,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and brings its schema up
    /// to date.
    pub fn open(path: &std::path::Path) -> Result<Store> {
        Sqlite::open(path).map(Store::Sqlite)
    }

    /// Opens an existing SQLite database for reading only (see [`Sqlite::open_read_only`]).
    pub fn open_read_only(path: &std::path::Path) -> Result<Store> {
        Sqlite::open_read_only(path).map(Store::Sqlite)
    }

    /// A read-only connection to a SQLite database as it is (see
    /// [`Sqlite::connect_read_only`]).
    pub fn connect_read_only(path: &std::path::Path) -> Result<Store> {
        Sqlite::connect_read_only(path).map(Store::Sqlite)
    }

    /// Connects to the PostgreSQL database `target` as node `node`, and brings its schema
    /// up to date.
    pub fn open_postgres(
        target: &crate::settings::postgres::PgTarget,
        node: &str,
    ) -> Result<Store> {
        pg::store::PgStore::open(target, node).map(|p| Store::Postgres(Box::new(p)))
    }

    /// The SQLite schema version this vigie writes.
    pub fn current_schema() -> usize {
        Sqlite::current_schema()
    }

    /// Registers this process as a node of a PostgreSQL database, with the hash of its
    /// watchlists: refused while another node seen within `alive` runs with other ones.
    /// Nothing to do on SQLite (one process).
    pub fn join(&self, catalogue: &str, now: Timestamp, alive: std::time::Duration) -> Result<()> {
        match self {
            Store::Sqlite(_) => Ok(()),
            Store::Postgres(p) => p.join(catalogue, now, alive.as_secs() as i64),
        }
    }

    /// Leases up to `limit` due sources to this node for `lease` (PostgreSQL, several
    /// nodes): their URLs, and when the next source comes due. On SQLite (one process) the
    /// scheduler reads [`Store::due_times`] instead, and nothing is leased.
    pub fn claim_due(
        &mut self,
        now: Timestamp,
        lease: std::time::Duration,
        limit: usize,
    ) -> Result<(Vec<String>, Option<Timestamp>)> {
        match self {
            Store::Sqlite(_) => Ok((Vec::new(), None)),
            Store::Postgres(p) => p.claim_due(now, lease, limit),
        }
    }

    /// Whether this is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Store::Postgres(_))
    }

    #[cfg(test)]
    fn conn(&self) -> &Connection {
        match self {
            Store::Sqlite(s) => &s.conn,
            Store::Postgres(_) => panic!("a SQLite test on PostgreSQL"),
        }
    }
}

/// The [`Store`] operations, each passed to its backend: `read`/`write` ones exist on
/// both; `sqlite read` ones are about a SQLite file (a backup, its integrity checks) and
/// are refused on PostgreSQL with a sentence naming the server's own tools.
macro_rules! store_ops {
    () => {};
    ($(#[$m:meta])* read $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty; $($rest:tt)*) => {
        impl Store {
            $(#[$m])*
            pub fn $name(&self, $($arg: $ty),*) -> $ret {
                match self {
                    Store::Sqlite(s) => s.$name($($arg),*),
                    Store::Postgres(p) => p.$name($($arg),*),
                }
            }
        }
        store_ops!($($rest)*);
    };
    ($(#[$m:meta])* write $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty; $($rest:tt)*) => {
        impl Store {
            $(#[$m])*
            pub fn $name(&mut self, $($arg: $ty),*) -> $ret {
                match self {
                    Store::Sqlite(s) => s.$name($($arg),*),
                    Store::Postgres(p) => p.$name($($arg),*),
                }
            }
        }
        store_ops!($($rest)*);
    };
    ($(#[$m:meta])* sqlite read $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty; $($rest:tt)*) => {
        impl Store {
            $(#[$m])*
            pub fn $name(&self, $($arg: $ty),*) -> $ret {
                match self {
                    Store::Sqlite(s) => s.$name($($arg),*),
                    Store::Postgres(p) => Err(p.sqlite_only(stringify!($name))),
                }
            }
        }
        store_ops!($($rest)*);
    };
}

store_ops! {
    // connection
    read schema_version() -> Result<usize>;
    // sources
    write sync_sources(sources: &[crate::settings::watchlist::PlannedSource], now: Timestamp) -> Result<()>;
    read due_times() -> Result<Vec<(String, Timestamp)>>;
    read sources() -> Result<Vec<SourceRow>>;
    read source_urls() -> Result<Vec<String>>;
    read source(url: &str) -> Result<Option<SourceRow>>;
    // the commit point
    write commit_poll(c: &PollCommit) -> Result<usize>;
    write commit_polls(commits: &[PollCommit]) -> Vec<Result<usize>>;
    write review_alerts(
        brands: &[String],
        now: Timestamp,
        open_too: bool,
        policy: &mut dyn FnMut(&BrandActivity) -> Vec<AlertChange>
    ) -> Result<usize>;
    // mentions
    read mentions(q: &MentionQuery) -> Result<Vec<MentionRow>>;
    read unscored_mentions(limit: usize) -> Result<Vec<UnscoredMention>>;
    write set_sentiments(
        scored: &[(i64, crate::analyze::sentiment::Sentiment, crate::analyze::risk::Risk)]
    ) -> Result<()>;
    read mention_count() -> Result<u64>;
    read brands() -> Result<Vec<String>>;
    // alerts
    read points(brand: &str, from: Timestamp, to: Timestamp) -> Result<Vec<crate::analyze::alert::Point>>;
    read loud_points(brand: &str, from: Timestamp, to: Timestamp) -> Result<Vec<(crate::analyze::alert::Point, Option<u64>)>>;
    write acknowledge(id: i64, by: Option<&str>, note: Option<&str>, now: Timestamp) -> Result<bool>;
    read alerts(open_only: bool, limit: usize) -> Result<Vec<AlertRow>>;
    read alert(id: i64) -> Result<Option<AlertRow>>;
    // outbox
    write enqueue_email(e: &Outgoing, now: Timestamp) -> Result<()>;
    write next_email(now: Timestamp, lease: std::time::Duration) -> Result<Option<QueuedEmail>>;
    write next_channel_message(now: Timestamp, lease: std::time::Duration) -> Result<Option<QueuedEmail>>;
    read next_email_due() -> Result<Option<Timestamp>>;
    write email_result(id: i64, now: Timestamp, result: EmailResult<'_>) -> Result<()>;
    write postpone(id: i64, at: Timestamp, why: &str) -> Result<()>;
    read channel_counts() -> Result<Vec<(String, u64, u64, u64)>>;
    read outbox_counts() -> Result<(u64, u64, u64)>;
    // digests
    read digest_input(q: &DigestQuery) -> Result<DigestInput>;
    read sources_health(
        urls: &[String],
        names: &std::collections::HashMap<String, String>
    ) -> Result<Vec<SourceHealth>>;
    read digest_covered_until(watchlist: &str) -> Result<Option<Timestamp>>;
    write start_digests(watchlist: &str, from: Timestamp) -> Result<Timestamp>;
    write record_digest(
        watchlist: &str,
        period: (Timestamp, Timestamp),
        emails: &[Outgoing],
        html: Option<&str>,
        advance: bool,
        now: Timestamp
    ) -> Result<usize>;
    read last_digest_sent() -> Result<Option<Timestamp>>;
    read voice(brands: &[String], from: Timestamp, to: Timestamp) -> Result<Vec<crate::analyze::voice::Figures>>;
    // lifecycle
    sqlite read backup(target: &std::path::Path) -> Result<()>;
    write prune_mentions(cutoff: Timestamp, batch: usize) -> Result<usize>;
    write check_writable() -> Result<()>;
    sqlite read quick_check() -> Result<Vec<String>>;
    sqlite read integrity_check() -> Result<String>;
    read export_mentions(since: Option<Timestamp>, out: &mut dyn FnMut(ExportRow) -> bool) -> Result<()>;
    // triage
    write decide(ids: &[i64], decision: &Decision, actor: &str, now: Timestamp) -> Result<Vec<i64>>;
    read mention(id: i64) -> Result<Option<MentionDetail>>;
    read story_copies(id: i64) -> Result<Vec<MentionRow>>;
    read correction(id: i64) -> Result<Option<Correction>>;
    read overview(brand: &str, span: &OverviewSpan) -> Result<Overview>;
    read history(id: i64) -> Result<Vec<Event>>;
    read corrections() -> Result<Vec<Correction>>;
    write create_token(name: &str, role: &str, sha256: &str, now: Timestamp) -> Result<i64>;
    write use_token(sha256: &str, now: Timestamp) -> Result<Option<(String, String)>>;
    read tokens() -> Result<Vec<TokenRow>>;
    write revoke_token(id: i64, now: Timestamp) -> Result<bool>;
    write web_secret(name: &str, make: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>>;
    read digests(limit: usize) -> Result<Vec<DigestRow>>;
    read digest_html(watchlist: &str, end: Timestamp) -> Result<Option<String>>;
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
    // The caller's span (a node's id, a poll's source) on what the database logs.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _in = span.enter();
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
