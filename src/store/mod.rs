//! All SQL lives here: the SQLite database of sources and mentions.
//!
//! # Durability
//! WAL journal with `synchronous = FULL`: a committed poll survives `kill -9` and power loss.
//! Every write is one `BEGIN IMMEDIATE` transaction (deferred transactions can fail with
//! BUSY on upgrade in WAL mode). The daemon holds one connection, the single writer; the
//! inspection commands open their own and only read.
//!
//! # The commit point
//! A poll's new mentions and its source's new state (validators, success, errors, next check)
//! are committed together by [`Store::commit_poll`]. Storing an ETag apart from its items
//! would lose those items for good if the second write failed.
//!
//! # Idempotence
//! A mention is unique per (brand, canonical URL or item id): re-polling the same feed, or
//! a restart in the middle of a poll, never duplicates one.
//!
//! Times are stored as Unix seconds (UTC).

mod alerts;
mod digest;
mod lifecycle;
mod schema;

pub use alerts::{
    AlertChange, AlertRow, BrandActivity, EmailResult, Outgoing, QueuedEmail, Sample,
};
pub use digest::{BrandFigures, DeadEmail, DigestInput, DigestQuery, Found, SourceHealth};
pub use lifecycle::{ExportRow, PRUNE_BATCH};

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use serde::Serialize;

use crate::analyze::sentiment::{Label, Lang, Sentiment};
use crate::ingest::fetch::Validators;
use crate::settings::watchlist::PlannedSource;

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
}

/// A mention ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMention {
    pub brand: String,
    pub dedup_key: String,
    pub item_id: String,
    pub url: Option<String>,
    pub title: String,
    pub snippet: String,
    pub text: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub published_at: Timestamp,
    pub published_estimated: bool,
    pub fetched_at: Timestamp,
    pub matched_terms: Vec<String>,
    /// Of the text around the brand's hits.
    pub sentiment: Sentiment,
    /// The fingerprint of its title and text ([`crate::analyze::story::fingerprint`]).
    pub simhash: Option<u64>,
}

/// What a poll of one source came to.
#[derive(Debug, Clone, PartialEq)]
pub enum PollResult {
    /// A new document: its validators, how many items it had, the mentions found.
    Fetched {
        validators: Validators,
        /// The feed's own polling hint (RSS `<ttl>`), kept for later 304s.
        ttl: Option<Duration>,
        item_count: usize,
        mentions: Vec<NewMention>,
        /// The newest dated item of the document, and the usual gap between its items, to
        /// tell a source that stopped publishing.
        newest_item: Option<Timestamp>,
        cadence: Option<Duration>,
    },
    /// 304 or unchanged file.
    NotModified,
    /// The poll failed; the reason is shown to people as is.
    Failed { error: String },
}

/// Everything one poll writes, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct PollCommit {
    pub url: String,
    pub checked_at: Timestamp,
    pub next_check_at: Timestamp,
    pub result: PollResult,
}

/// A stored mention, as listed by `vigie mentions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentionRow {
    pub id: i64,
    pub brand: String,
    pub source: String,
    pub url: Option<String>,
    pub title: String,
    pub snippet: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub published_at: Timestamp,
    pub published_estimated: bool,
    pub fetched_at: Timestamp,
    pub matched_terms: Vec<String>,
    /// `None` for a mention stored before sentiment was scored and not rescored yet.
    pub sentiment: Option<f64>,
    pub sentiment_label: Option<Label>,
    /// The language the sentiment was scored in; `None` with a score of 0 when the text is
    /// neither French nor English.
    pub sentiment_lang: Option<String>,
    /// For a copy of a story stored before it (see [`crate::analyze::story`]), the id of the story's
    /// first mention.
    pub story: Option<i64>,
}

/// A stored mention that has no sentiment yet (stored by an older version).
#[derive(Debug, Clone, PartialEq)]
pub struct UnscoredMention {
    pub id: i64,
    pub brand: String,
    pub title: String,
    pub text: String,
    pub url: Option<String>,
    pub lang: Option<String>,
}

/// Filters for [`Store::mentions`].
#[derive(Debug, Clone, Default)]
pub struct MentionQuery {
    pub brand: Option<String>,
    pub since: Option<Timestamp>,
    /// Words to find in title or text (accent-insensitive; `word*` for a prefix).
    pub search: Option<String>,
    /// Only mentions with this sentiment.
    pub sentiment: Option<Label>,
    pub limit: usize,
}

/// The database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|error| StoreError::Sqlite {
            path: path.to_path_buf(),
            error,
        })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.init()?;
        Ok(store)
    }

    /// Opens an existing database for reading only: nothing is created, migrated or
    /// written, so the inspection commands work on a file this user cannot write (a copy, a
    /// read-only mount, another user's database). A newer schema is refused; an older one is
    /// upgraded first where the file can be written, as the next poll would.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let known = Self::current_schema();
        let store = Self::connect_read_only(path)?;
        let found = store.schema_version()?;
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        if found < known {
            drop(store);
            return match Store::open(path) {
                Ok(upgraded) => {
                    drop(upgraded);
                    Self::connect_read_only(path)
                }
                Err(e) => Err(StoreError::TooOld {
                    path: path.to_path_buf(),
                    found,
                    known,
                    why: e.sqlite_message(),
                }),
            };
        }
        Ok(store)
    }

    /// A read-only connection to the database as it is (no version check, nothing written,
    /// whatever its journal mode). SQLite reads a WAL database without its `-shm` index as
    /// long as no write-ahead log waits to be replayed; one that does, in a folder this user
    /// cannot write, is refused with a clear reason.
    pub fn connect_read_only(path: &Path) -> Result<Store> {
        let err = |error| StoreError::Sqlite {
            path: path.to_path_buf(),
            error,
        };
        if !path.is_file() {
            return Err(err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some("no such database file".into()),
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let probe = |conn: &Connection| -> rusqlite::Result<()> {
            conn.busy_timeout(Duration::from_secs(5))?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        };
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        match probe(&conn) {
            Ok(()) => {}
            // No write-ahead log waits (the last writer checkpointed and removed it), so
            // the file alone is the whole database: read it as such, without the index
            // SQLite would otherwise create beside it in a folder this user cannot write.
            Err(e) if cannot_build_wal_index(&e) && !wal_holds_changes(path) => {
                drop(conn);
                let mut uri = url::Url::from_file_path(path.canonicalize().map_err(|e| {
                    err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                        Some(e.to_string()),
                    ))
                })?)
                .map_err(|()| err(rusqlite::Error::InvalidPath(path.to_path_buf())))?;
                uri.set_query(Some("immutable=1"));
                let conn =
                    Connection::open_with_flags(uri.as_str(), flags | OpenFlags::SQLITE_OPEN_URI)
                        .map_err(err)?;
                probe(&conn).map_err(err)?;
                return Ok(Store {
                    conn,
                    path: path.to_path_buf(),
                });
            }
            Err(e) if cannot_build_wal_index(&e) => {
                return Err(err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!(
                        "its write-ahead log ({}-wal) holds changes, and this user can neither \
                         write its index beside it nor read them without it; run the command \
                         as the database's owner",
                        path.display()
                    )),
                )));
            }
            Err(e) => return Err(err(e)),
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn init(&mut self) -> Result<()> {
        let pragmas = |c: &Connection| -> rusqlite::Result<i64> {
            c.busy_timeout(std::time::Duration::from_secs(5))?;
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", "FULL")?;
            c.pragma_update(None, "foreign_keys", "ON")?;
            c.pragma_query_value(None, "user_version", |r| r.get(0))
        };
        let version = pragmas(&self.conn).map_err(|e| self.err(e))?.max(0) as usize;
        let known = schema::MIGRATIONS.len();
        if version > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        for (i, step) in schema::MIGRATIONS.iter().enumerate().skip(version) {
            let migrate = |c: &mut Connection| -> rusqlite::Result<()> {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                step.run(&tx)?;
                tx.pragma_update(None, "user_version", (i + 1) as i64)?;
                tx.commit()
            };
            migrate(&mut self.conn).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    fn err(&self, error: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            error,
        }
    }

    /// The schema version this vigie writes (the number of migrations it knows).
    pub fn current_schema() -> usize {
        schema::MIGRATIONS.len()
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<usize> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map(|v| v.max(0) as usize)
            .map_err(|e| self.err(e))
    }

    /// Makes sure every planned source has a row; new ones are due at once. Existing rows
    /// keep their state; sources no longer in any watchlist are kept (with their mentions)
    /// but no longer polled.
    pub fn sync_sources(&mut self, sources: &[PlannedSource], now: Timestamp) -> Result<()> {
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut ins = tx.prepare(
                    "INSERT INTO sources (url, kind, created_at, next_check_at) VALUES (?1, ?2, ?3, ?3)
                     ON CONFLICT (url) DO UPDATE SET kind = excluded.kind",
                )?;
                for s in sources {
                    ins.execute(params![s.url, s.kind.as_str(), now.as_second()])?;
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

    /// Stored state of one source.
    pub fn source(&self, url: &str) -> Result<Option<SourceRow>> {
        Ok(self.query_sources(Some(url))?.into_iter().next())
    }

    fn query_sources(&self, url: Option<&str>) -> Result<Vec<SourceRow>> {
        let run = || -> rusqlite::Result<Vec<SourceRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT s.url, s.kind, s.etag, s.last_modified, s.last_checked_at, s.last_success_at,
                        s.last_error, s.last_error_at, s.consecutive_errors, s.next_check_at,
                        s.last_item_count, s.ttl_seconds,
                        (SELECT count(*) FROM mentions m WHERE m.source_id = s.id)
                 FROM sources s WHERE ?1 IS NULL OR s.url = ?1 ORDER BY s.url",
            )?;
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
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Commits one poll: new mentions and the source's new state, atomically. Returns how
    /// many mentions were new (already-known ones are skipped).
    pub fn commit_poll(&mut self, c: &PollCommit) -> Result<usize> {
        self.commit_poll_with(c, &[], &mut |_| Vec::new())
    }

    /// Like [`Store::commit_poll`], and then, in the same transaction, shows `policy` each of
    /// `brands` as it stands with this poll's mentions, and stores the alert changes and
    /// emails it decides on. A failure anywhere stores nothing.
    pub fn commit_poll_with(
        &mut self,
        c: &PollCommit,
        brands: &[String],
        policy: &mut dyn FnMut(&BrandActivity) -> Vec<AlertChange>,
    ) -> Result<usize> {
        let mut run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let checked = c.checked_at.as_second();
            let next = c.next_check_at.as_second();
            tx.execute(
                "INSERT INTO sources (url, kind, created_at, next_check_at) VALUES (?1, 'feed', ?2, ?2)
                 ON CONFLICT (url) DO NOTHING",
                params![c.url, checked],
            )?;
            let source_id: i64 = tx.query_row(
                "SELECT id FROM sources WHERE url = ?1",
                params![c.url],
                |r| r.get(0),
            )?;
            let mut new = 0;
            // Brands with a mention this poll stored for the first time.
            let mut changed: Vec<&str> = Vec::new();
            match &c.result {
                PollResult::Fetched {
                    validators,
                    ttl,
                    item_count,
                    mentions,
                    newest_item,
                    cadence,
                } => {
                    let mut ins = tx.prepare_cached(
                        "INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet,
                             text, author, lang, published_at, published_estimated, fetched_at, matched_terms,
                             sentiment, sentiment_label, sentiment_lang, simhash)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
                         ON CONFLICT (brand, dedup_key) DO NOTHING",
                    )?;
                    for m in mentions {
                        let terms =
                            serde_json::to_string(&m.matched_terms).unwrap_or_else(|_| "[]".into());
                        let inserted = ins.execute(params![
                            m.brand,
                            source_id,
                            m.dedup_key,
                            m.item_id,
                            m.url,
                            m.title,
                            m.snippet,
                            m.text,
                            m.author,
                            m.lang,
                            m.published_at.as_second(),
                            m.published_estimated,
                            m.fetched_at.as_second(),
                            terms,
                            f64::from(m.sentiment.score),
                            m.sentiment.label.as_str(),
                            m.sentiment.lang.map(Lang::as_str),
                            m.simhash.map(|h| h as i64),
                        ])?;
                        if inserted > 0
                            && let Some(hash) = m.simhash
                        {
                            join_story(&tx, tx.last_insert_rowid(), &m.brand, hash, m.fetched_at)?;
                        }
                        if inserted > 0 && !changed.contains(&m.brand.as_str()) {
                            changed.push(&m.brand);
                        }
                        new += inserted;
                    }
                    tx.execute(
                        "UPDATE sources SET etag = ?2, last_modified = ?3, last_checked_at = ?4,
                             last_success_at = ?4, consecutive_errors = 0, next_check_at = ?5,
                             last_item_count = ?6, ttl_seconds = ?7, failing_since = NULL,
                             empty_since = CASE WHEN ?6 = 0 THEN coalesce(empty_since, ?4) END,
                             newest_item_at = max(coalesce(newest_item_at, ?8), coalesce(?8, newest_item_at)),
                             item_cadence_seconds = coalesce(?9, item_cadence_seconds)
                         WHERE id = ?1",
                        params![
                            source_id,
                            validators.etag,
                            validators.last_modified,
                            checked,
                            next,
                            *item_count as i64,
                            ttl.map(|t| t.as_secs() as i64),
                            newest_item.map(|t| t.as_second()),
                            cadence.map(|c| c.as_secs() as i64)
                        ],
                    )?;
                }
                PollResult::NotModified => {
                    tx.execute(
                        "UPDATE sources SET last_checked_at = ?2, last_success_at = ?2,
                             consecutive_errors = 0, next_check_at = ?3, failing_since = NULL
                         WHERE id = ?1",
                        params![source_id, checked, next],
                    )?;
                }
                PollResult::Failed { error } => {
                    tx.execute(
                        "UPDATE sources SET last_checked_at = ?2, last_error = ?3, last_error_at = ?2,
                             consecutive_errors = consecutive_errors + 1, next_check_at = ?4,
                             failing_since = coalesce(failing_since, ?2)
                         WHERE id = ?1",
                        params![source_id, checked, error, next],
                    )?;
                }
            }
            // A brand is looked at when it has new mentions or an open alert (which may be
            // over): without either, nothing can have changed for it.
            for brand in brands {
                let now = c.checked_at;
                if !changed.contains(&brand.as_str()) && !alerts::has_open(&tx, brand)? {
                    continue;
                }
                let seen = alerts::activity(&tx, brand, now)?;
                for change in policy(&seen) {
                    alerts::apply(&tx, &change, now)?;
                }
            }
            tx.commit()?;
            Ok(new)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// Mentions, newest first.
    pub fn mentions(&self, q: &MentionQuery) -> Result<Vec<MentionRow>> {
        let search = q.search.as_deref().and_then(fts_query);
        if q.search.is_some() && search.is_none() {
            return Ok(Vec::new());
        }
        let run = || -> rusqlite::Result<Vec<MentionRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT m.id, m.brand, s.url, m.url, m.title, m.snippet, m.author, m.lang,
                        m.published_at, m.published_estimated, m.fetched_at, m.matched_terms, m.sentiment,
                        m.sentiment_label, m.sentiment_lang, m.story_id
                 FROM mentions m JOIN sources s ON s.id = m.source_id
                 WHERE (?1 IS NULL OR m.brand = ?1)
                   AND (?2 IS NULL OR m.published_at >= ?2)
                   AND (?3 IS NULL OR m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?3))
                   AND (?5 IS NULL OR m.sentiment_label = ?5)
                 ORDER BY m.published_at DESC, m.id DESC
                 LIMIT ?4",
            )?;
            stmt.query_map(
                params![
                    q.brand,
                    q.since.map(|t| t.as_second()),
                    search,
                    q.limit as i64,
                    q.sentiment.map(Label::as_str),
                ],
                |r| {
                    let terms: String = r.get(11)?;
                    Ok(MentionRow {
                        id: r.get(0)?,
                        brand: r.get(1)?,
                        source: r.get(2)?,
                        url: r.get(3)?,
                        title: r.get(4)?,
                        snippet: r.get(5)?,
                        author: r.get(6)?,
                        lang: r.get(7)?,
                        published_at: ts(r.get(8)?),
                        published_estimated: r.get(9)?,
                        fetched_at: ts(r.get(10)?),
                        matched_terms: serde_json::from_str(&terms).unwrap_or_default(),
                        sentiment: r.get(12)?,
                        sentiment_label: r
                            .get::<_, Option<String>>(13)?
                            .and_then(|l| l.parse().ok()),
                        sentiment_lang: r.get(14)?,
                        story: r.get(15)?,
                    })
                },
            )?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Up to `limit` mentions without a sentiment label (stored by an older version).
    pub fn unscored_mentions(&self, limit: usize) -> Result<Vec<UnscoredMention>> {
        let run = || -> rusqlite::Result<Vec<UnscoredMention>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, brand, title, text, url, lang FROM mentions
                 WHERE sentiment_label IS NULL ORDER BY id LIMIT ?1",
            )?;
            stmt.query_map([limit as i64], |r| {
                Ok(UnscoredMention {
                    id: r.get(0)?,
                    brand: r.get(1)?,
                    title: r.get(2)?,
                    text: r.get(3)?,
                    url: r.get(4)?,
                    lang: r.get(5)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Records the sentiment of stored mentions, in one transaction.
    pub fn set_sentiments(&mut self, scored: &[(i64, Sentiment)]) -> Result<()> {
        let run = |c: &mut Connection| -> rusqlite::Result<()> {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt = tx.prepare_cached(
                    "UPDATE mentions SET sentiment = ?2, sentiment_label = ?3, sentiment_lang = ?4
                     WHERE id = ?1",
                )?;
                for (id, s) in scored {
                    stmt.execute(params![
                        id,
                        f64::from(s.score),
                        s.label.as_str(),
                        s.lang.map(Lang::as_str)
                    ])?;
                }
            }
            tx.commit()
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// Number of stored mentions.
    pub fn mention_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM mentions", [], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(|e| self.err(e))
    }

    /// The brand names that have mentions, as stored.
    pub fn brands(&self) -> Result<Vec<String>> {
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT brand FROM mentions ORDER BY brand")?;
            stmt.query_map([], |r| r.get(0))?.collect()
        };
        run().map_err(|e| self.err(e))
    }
}

/// Runs `f` on a shared database on tokio's blocking pool: SQLite calls block, and may wait
/// for another writer.
pub async fn blocking<T: Send + 'static>(
    store: &std::sync::Arc<std::sync::Mutex<Store>>,
    f: impl FnOnce(&mut Store) -> T + Send + 'static,
) -> T {
    let store = store.clone();
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

/// The most recent mentions of a brand a new one is compared with: copies arrive close in
/// time, and this bounds the cost of a brand with tens of thousands of mentions a week.
const STORY_CANDIDATES: i64 = 5000;

/// Makes the mention `id` a copy of the nearest story of `brand` found within
/// [`crate::analyze::story::STORY_WINDOW`] whose fingerprint is at most
/// [`crate::analyze::story::MAX_DISTANCE`] bits away, if there is one.
fn join_story(
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

/// Turns what a person types into a safe FTS5 query: every word must appear (accents and
/// case ignored by the index), `word*` is a prefix, and French elisions are dropped so
/// "l'Acmé" finds "d'Acme". Operators and quotes in the input are taken literally. `None`
/// when nothing searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    const ELISIONS: &[&str] = &[
        "l", "d", "j", "n", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu",
    ];
    let mut terms = Vec::new();
    for chunk in input.split_whitespace() {
        let prefix = chunk.ends_with('*');
        let mut words: Vec<&str> = chunk
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        // "l'Acme", "qu’Acme": the elided article is not part of what is searched for.
        if words.len() > 1 && ELISIONS.contains(&words[0].to_lowercase().as_str()) {
            words.remove(0);
        }
        if words.is_empty()
            || (words.len() == 1 && ELISIONS.contains(&words[0].to_lowercase().as_str()))
        {
            continue;
        }
        // "grille-pain" is the phrase "grille pain", as the index tokenised it.
        let phrase = words.join(" ");
        terms.push(if prefix {
            format!("\"{phrase}\"*")
        } else {
            format!("\"{phrase}\"")
        });
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Whether the database's write-ahead log exists and holds frames not yet written back to
/// the file (a log of just its 32-byte header, or none, holds nothing).
fn wal_holds_changes(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 32)
}

/// Whether a read failed because the WAL index could not be opened or created.
fn cannot_build_wal_index(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::watchlist::SourceKind;

    fn mention(brand: &str, key: &str, title: &str, text: &str, at: i64) -> NewMention {
        NewMention {
            brand: brand.into(),
            dedup_key: key.into(),
            item_id: key.into(),
            url: Some(key.into()),
            title: title.into(),
            snippet: text.into(),
            text: text.into(),
            author: None,
            lang: Some("fr".into()),
            published_at: Timestamp::from_second(at).unwrap(),
            published_estimated: false,
            fetched_at: Timestamp::from_second(at).unwrap(),
            matched_terms: vec![brand.into()],
            sentiment: crate::analyze::sentiment::score(
                &format!("{title}. {text}"),
                Some(Lang::Fr),
            ),
            simhash: crate::analyze::story::fingerprint(title, text),
        }
    }

    fn fetched(mentions: Vec<NewMention>) -> PollCommit {
        PollCommit {
            url: "https://feed.example/rss".into(),
            checked_at: Timestamp::from_second(1_000).unwrap(),
            next_check_at: Timestamp::from_second(1_900).unwrap(),
            result: PollResult::Fetched {
                validators: Validators {
                    etag: Some("\"v1\"".into()),
                    last_modified: None,
                },
                ttl: Some(Duration::from_secs(3600)),
                item_count: mentions.len(),
                mentions,
                newest_item: None,
                cadence: None,
            },
        }
    }

    #[test]
    fn pruning_deletes_old_mentions_in_batches_and_unlinks_their_copies() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("v.db")).unwrap();
        let recall = "Acme rappelle 40 000 grille-pain après plusieurs départs de feu";
        s.commit_poll(&fetched(vec![
            mention("Acme", "https://a/old1", "Rappel Acme", recall, 100),
            mention(
                "Acme",
                "https://a/old2",
                "Acme au salon de Lyon",
                "Un stand Acme très fréquenté cette année",
                200,
            ),
        ]))
        .unwrap();
        // A copy of the old recall, found later: it joins the old story.
        s.commit_poll(&fetched(vec![mention(
            "Acme",
            "https://b/copy",
            "Acme rappelle ses grille-pain",
            recall,
            10_000,
        )]))
        .unwrap();
        let q = MentionQuery {
            limit: 10,
            ..Default::default()
        };
        let copy = |s: &Store| {
            s.mentions(&q)
                .unwrap()
                .into_iter()
                .find(|m| m.url.as_deref() == Some("https://b/copy"))
                .unwrap()
        };
        assert!(copy(&s).story.is_some());

        let cutoff = Timestamp::from_second(5_000).unwrap();
        assert_eq!(s.prune_mentions(cutoff, 1).unwrap(), 1, "one batch of one");
        assert_eq!(s.prune_mentions(cutoff, 10).unwrap(), 1);
        assert_eq!(s.prune_mentions(cutoff, 10).unwrap(), 0);
        assert_eq!(s.mention_count().unwrap(), 1);
        assert_eq!(copy(&s).story, None, "the copy is a story of its own now");
        // The full-text index forgot them too.
        let found = s
            .mentions(&MentionQuery {
                search: Some("salon".into()),
                ..q.clone()
            })
            .unwrap();
        assert!(found.is_empty());
        assert_eq!(s.integrity_check().unwrap(), "ok");

        let backup = dir.path().join("backup.db");
        s.backup(&backup).unwrap();
        let b = Store::open(&backup).unwrap();
        assert_eq!(b.mention_count().unwrap(), 1);
        assert_eq!(b.integrity_check().unwrap(), "ok");
        assert!(matches!(
            s.backup(&backup),
            Err(StoreError::BackupExists { .. })
        ));
    }

    #[test]
    fn migrations_run_once_and_reopening_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/v.db");
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), schema::MIGRATIONS.len());
        s.commit_poll(&fetched(vec![mention("Acme", "https://a/1", "t", "x", 10)]))
            .unwrap();
        drop(s);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.mention_count().unwrap(), 1);
        let mode: String = s
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn the_same_mention_is_stored_once_per_brand() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("v.db")).unwrap();
        let batch = vec![
            mention("Acme", "https://a/1", "t", "x", 10),
            mention("Globex", "https://a/1", "t", "x", 10),
        ];
        assert_eq!(s.commit_poll(&fetched(batch.clone())).unwrap(), 2);
        assert_eq!(s.commit_poll(&fetched(batch)).unwrap(), 0);
        assert_eq!(s.mention_count().unwrap(), 2);
    }

    #[test]
    fn source_state_follows_successes_and_failures() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("v.db")).unwrap();
        let url = "https://feed.example/rss";
        let planned = PlannedSource {
            credentials: None,
            url: url.into(),
            kind: SourceKind::Feed,
            adapter: Default::default(),
            interval: std::time::Duration::from_secs(60),
            brands: vec![],
        };
        s.sync_sources(&[planned], Timestamp::from_second(500).unwrap())
            .unwrap();
        assert_eq!(
            s.source(url).unwrap().unwrap().next_check_at.as_second(),
            500
        );
        let fail = |n: i64| PollCommit {
            url: url.into(),
            checked_at: Timestamp::from_second(n).unwrap(),
            next_check_at: Timestamp::from_second(n + 60).unwrap(),
            result: PollResult::Failed {
                error: "HTTP 500".into(),
            },
        };
        s.commit_poll(&fail(600)).unwrap();
        s.commit_poll(&fail(700)).unwrap();
        let row = s.source(url).unwrap().unwrap();
        assert_eq!(
            (row.consecutive_errors, row.last_error.as_deref()),
            (2, Some("HTTP 500"))
        );
        assert_eq!(row.last_success_at, None);
        s.commit_poll(&fetched(vec![])).unwrap();
        let row = s.source(url).unwrap().unwrap();
        assert_eq!(row.consecutive_errors, 0);
        assert_eq!(row.validators.etag.as_deref(), Some("\"v1\""));
        assert_eq!(row.ttl, Some(Duration::from_secs(3600)));
        assert_eq!(
            row.last_error.as_deref(),
            Some("HTTP 500"),
            "the last error stays on record"
        );
    }

    #[test]
    fn full_text_search_ignores_accents_case_and_elisions() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("v.db")).unwrap();
        s.commit_poll(&fetched(vec![
            mention(
                "Acme",
                "https://a/1",
                "Rappel massif",
                "Le rappel d’ACMÉ inquiète les clients",
                10,
            ),
            mention(
                "Acme",
                "https://a/2",
                "Bonne nouvelle",
                "Acme ouvre une usine à Lyon",
                20,
            ),
        ]))
        .unwrap();
        let find = |q: &str| -> Vec<i64> {
            s.mentions(&MentionQuery {
                search: Some(q.into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|m| m.published_at.as_second())
            .collect()
        };
        assert_eq!(find("l'acme inquiete"), [10]);
        assert_eq!(find("RAPPEL"), [10]);
        assert_eq!(find("usine lyon"), [20]);
        assert_eq!(find("acm*"), [20, 10]);
        assert_eq!(find("\"unbalanced OR"), Vec::<i64>::new());
        assert_eq!(fts_query("l' d'"), None);
        assert_eq!(
            fts_query("qu’Acmé grille-pain").as_deref(),
            Some("\"Acmé\" \"grille pain\"")
        );
    }

    #[test]
    fn mentions_keep_their_sentiment_and_can_be_filtered_by_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.commit_poll(&fetched(vec![
            mention(
                "Acme",
                "https://a/1",
                "Acme",
                "Service client nul, je suis déçu",
                10,
            ),
            mention(
                "Acme",
                "https://a/2",
                "Acme",
                "Acme ouvre une usine à Lyon",
                20,
            ),
            mention("Acme", "https://a/3", "Acme", "Génial, bravo Acme !", 30),
        ]))
        .unwrap();
        let with = |label: Option<Label>| -> Vec<(i64, Option<Label>)> {
            s.mentions(&MentionQuery {
                sentiment: label,
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|m| (m.published_at.as_second(), m.sentiment_label))
            .collect()
        };
        assert_eq!(
            with(None),
            [
                (30, Some(Label::Positive)),
                (20, Some(Label::Neutral)),
                (10, Some(Label::Negative))
            ]
        );
        assert_eq!(with(Some(Label::Negative)), [(10, Some(Label::Negative))]);
        let rows = s
            .mentions(&MentionQuery {
                limit: 1,
                ..Default::default()
            })
            .unwrap();
        assert!(rows[0].sentiment.unwrap() > 0.3);
        assert_eq!(rows[0].sentiment_lang.as_deref(), Some("fr"));
        assert!(s.unscored_mentions(10).unwrap().is_empty());
    }

    #[test]
    fn the_upgrade_takes_passwords_out_of_stored_urls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            // A database as version 5 left it: a source keyed with its password, its clean
            // twin (the same feed listed again since), and links resolved against it.
            let c = Connection::open(&path).unwrap();
            let tx = c.unchecked_transaction().unwrap();
            for step in &schema::MIGRATIONS[..5] {
                step.run(&tx).unwrap();
            }
            tx.commit().unwrap();
            c.pragma_update(None, "user_version", 5).unwrap();
            c.execute_batch(
                "INSERT INTO sources (id, url, kind, created_at) VALUES
                     (1, 'https://bob:s3cret@f.example/rss', 'feed', 0),
                     (2, 'https://ann:pw@g.example/rss', 'feed', 0),
                     (3, 'https://g.example/rss', 'feed', 0);
                 INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet, text,
                     published_at, fetched_at, matched_terms)
                 VALUES ('Acme', 1, 'https://bob:s3cret@f.example/a', 'a', 'https://bob:s3cret@f.example/a',
                         'Acme', 's', 't', 5, 5, '[]'),
                        ('Acme', 2, 'https://ann:pw@g.example/b', 'b', 'https://ann:pw@g.example/b',
                         'Acme', 's', 't', 5, 5, '[]'),
                        ('Acme', 3, 'https://g.example/b', 'b', 'https://g.example/b',
                         'Acme', 's', 't', 5, 5, '[]');",
            )
            .unwrap();
        }
        let s = Store::open(&path).unwrap();
        let sources: Vec<String> = s.sources().unwrap().into_iter().map(|r| r.url).collect();
        assert_eq!(sources, ["https://f.example/rss", "https://g.example/rss"]);
        let rows = s
            .mentions(&MentionQuery {
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rows.len(), 3, "nothing lost");
        for m in &rows {
            assert!(!m.url.as_deref().unwrap().contains('@'), "{m:?}");
            assert!(!m.source.contains('@'), "{m:?}");
        }
        drop(s);
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("s3cret") && !text.contains("ann:pw"));
    }

    #[test]
    fn a_database_from_before_sentiment_is_upgraded_and_its_mentions_can_be_scored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            // A database as version 1 left it, with one mention.
            let c = Connection::open(&path).unwrap();
            let tx = c.unchecked_transaction().unwrap();
            schema::MIGRATIONS[0].run(&tx).unwrap();
            tx.commit().unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            c.execute_batch(
                "INSERT INTO sources (url, kind, created_at) VALUES ('https://f/rss', 'feed', 0);
                 INSERT INTO mentions (brand, source_id, dedup_key, item_id, title, snippet, text,
                     published_at, fetched_at, matched_terms)
                 VALUES ('Acme', 1, 'k', 'k', 'Acme', 's', 'Acme est vraiment nul', 5, 5, '[\"acme\"]');",
            )
            .unwrap();
        }
        let mut s = Store::open(&path).unwrap();
        let old = s
            .mentions(&MentionQuery {
                limit: 5,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(old.len(), 1);
        assert_eq!((old[0].sentiment, old[0].sentiment_label), (None, None));

        let unscored = s.unscored_mentions(10).unwrap();
        assert_eq!(unscored.len(), 1);
        assert_eq!(unscored[0].text, "Acme est vraiment nul");
        let score = crate::analyze::sentiment::score(&unscored[0].text, None);
        s.set_sentiments(&[(unscored[0].id, score)]).unwrap();
        let negative = s
            .mentions(&MentionQuery {
                sentiment: Some(Label::Negative),
                limit: 5,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(negative.len(), 1);
        assert!(s.unscored_mentions(10).unwrap().is_empty());
    }
}
