//! The [`Store`](crate::store::Store) on PostgreSQL: the same operations as on SQLite, with
//! the same transactions, over one connection per process (the store takes one call at a
//! time, as on SQLite: see [`crate::store::blocking`]).
//!
//! The store's operations are synchronous; this backend runs each on a small runtime of its
//! own, which also drives its connection, so it works the same from the daemon's blocking
//! threads and from the command line. A connection the server closed is opened again at
//! the next operation.
//!
//! # Several nodes
//! Each process is a node with an id. A poll's commit writes its source's state only while
//! the source is not leased to another node ([`work::claim_sources`] leases it): a node whose
//! lease passed to another drops its poll instead of storing it twice. Mentions of a brand
//! are written under a transaction-wide advisory lock per brand, taken in name order, so
//! that a story's copies stored by two nodes at once still join one story, and a brand's
//! mention ids grow in commit order.

use std::cell::RefCell;
use std::collections::HashMap;

use super::conn::{Db, Sql, Tx};
use jiff::Timestamp;

use super::{PgError, connect, describe, migrate_schema, sql, work};
use crate::analyze::risk::Risk;
use crate::analyze::sentiment::{Lang, Sentiment};
use crate::analyze::story::STORY_WINDOW;
use crate::settings::postgres::PgTarget;
use crate::settings::watchlist::PlannedSource;
use crate::store::commit::{PollCommit, PollResult, stored_count};
use crate::store::mentions::{NewMention, UnscoredMention};
use crate::store::sources::SourceRow;
use crate::store::stories::{Entry, STORY_CANDIDATES, nearest_in, push_entry};
use crate::store::{StoreError, opt_ts, ts};

type Result<T> = std::result::Result<T, StoreError>;

/// A PostgreSQL database, as one node sees it.
pub struct PgStore {
    /// Runs the operations and drives the connection; `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
    client: RefCell<Option<Db>>,
    target: PgTarget,
    /// `user@host:port/db`, for messages (never the password).
    at: String,
    pub(super) node: String,
    /// When this node last said it was alive (Unix seconds).
    last_beat: std::cell::Cell<i64>,
    /// Recent mentions' fingerprints per brand, for joining stories.
    stories: RefCell<Stories>,
}

/// How often a polling node says it is alive (seconds): well within any lease.
const HEARTBEAT_EVERY: i64 = 5;

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("at", &self.at)
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // The connection goes with the runtime; dropping a runtime may not block where the
        // store is dropped (an async task).
        self.client.get_mut().take();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl PgStore {
    /// Connects to `target` as `node` and brings the schema up to date.
    pub fn open(target: &PgTarget, node: &str) -> Result<PgStore> {
        let at = target
            .url
            .parse::<tokio_postgres::Config>()
            .map(|c| describe(&c))
            .unwrap_or_else(|_| "PostgreSQL".into());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Postgres {
                at: at.clone(),
                error: PgError::Connect {
                    at: at.clone(),
                    why: format!("cannot start its runtime: {e}"),
                },
            })?;
        let store = PgStore {
            runtime: Some(runtime),
            client: RefCell::new(None),
            target: target.clone(),
            at: format!("PostgreSQL {at}"),
            node: node.to_string(),
            last_beat: std::cell::Cell::new(0),
            stories: RefCell::new(Stories::default()),
        };
        store.run(async |c| migrate_schema(&mut c.client).await.map(|_| ()))?;
        Ok(store)
    }

    /// The error for an operation made for a SQLite file (a backup, its checks).
    pub fn sqlite_only(&self, what: &'static str) -> StoreError {
        StoreError::NotOnPostgres {
            at: self.at.clone(),
            what,
        }
    }

    /// Runs `f` with the connection (opened again if the server closed it), waiting for it
    /// here: from a runtime's worker thread, without holding that worker. When the
    /// connection is lost during `f` (a server restart, a fail-over), `f` runs once more on
    /// a new one: what it did in a transaction was rolled back with the connection, and
    /// every operation is safe to redo (mentions are unique, states are set, not added).
    pub(super) fn run<T>(
        &self,
        mut f: impl AsyncFnMut(&mut Db) -> std::result::Result<T, PgError>,
    ) -> Result<T> {
        let runtime = self.runtime.as_ref().expect("set until dropped");
        let work = async {
            let mut tries = 0;
            loop {
                tries += 1;
                let mut client = match self.client.take() {
                    Some(c) if !c.is_closed() => c,
                    _ => Db::new(connect(&self.target).await?),
                };
                let done = f(&mut client).await;
                if let Err(PgError::Lost { .. }) = &done
                    && tries < 2
                {
                    tracing::warn!(node = %self.node, at = %self.at, "PostgreSQL connection lost; connecting again");
                    continue;
                }
                self.client.replace(Some(client));
                return done;
            }
        };
        let done = if tokio::runtime::Handle::try_current().is_ok() {
            tokio::task::block_in_place(|| runtime.block_on(work))
        } else {
            runtime.block_on(work)
        };
        done.map_err(|error| StoreError::Postgres {
            at: self.at.clone(),
            error,
        })
    }

    /// Registers this node with its watchlists' hash (see [`work::join`]).
    pub fn join(&self, catalogue: &str, now: Timestamp, alive: i64) -> Result<()> {
        let node = self.node.clone();
        self.run(async |c| {
            work::join(&mut c.client, &node, catalogue, now.as_second(), alive)
                .await
                .map_err(|e| match e {
                    work::JoinError::Pg(e) => e,
                    other => PgError::Copy(other.to_string()),
                })
        })
    }

    pub fn schema_version(&self) -> Result<usize> {
        self.run(async |c| {
            let v: i32 = c
                .query_one("SELECT coalesce(max(version), 0) FROM vigie_schema", &[])
                .await
                .map_err(sql("reading the schema's version"))?
                .get(0);
            Ok(v.max(0) as usize)
        })
    }

    /// A write transaction, rolled back: refused by a read-only server (a standby).
    pub fn check_writable(&mut self) -> Result<()> {
        self.run(async |c| {
            let tx = c.transaction().await.map_err(sql("starting a write"))?;
            tx.execute("UPDATE sources SET id = id WHERE false", &[])
                .await
                .map_err(sql("checking that the database takes writes"))?;
            tx.rollback().await.map_err(sql("rolling back"))
        })
    }

    /// As [`crate::store::Sqlite::sync_sources`], writing only what changed: nodes that
    /// start while others poll lock no row those polls are storing (an upsert of every
    /// source locked them all, and a group commit waiting on one of them deadlocked).
    pub fn sync_sources(&mut self, sources: &[PlannedSource], now: Timestamp) -> Result<()> {
        let mut planned: HashMap<&str, (&str, Option<&str>)> = HashMap::new();
        for s in sources {
            planned
                .entry(s.url.as_str())
                .or_insert((s.kind.as_str(), s.name.as_deref()));
        }
        let now = now.as_second();
        self.run(async |c| {
            let tx = c
                .transaction()
                .await
                .map_err(sql("recording the sources"))?;
            // Nodes starting together: one at a time.
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended('vigie.sources', 0))",
                &[],
            )
            .await
            .map_err(sql("waiting for the sources' lock"))?;
            let stored = tx
                .query("SELECT url, kind, name, planned FROM sources", &[])
                .await
                .map_err(sql("reading the sources"))?;
            let mut known = std::collections::HashSet::new();
            let (mut changed, mut dropped) = (Vec::new(), Vec::new());
            for r in &stored {
                let url: &str = r.get(0);
                known.insert(url.to_string());
                let is_planned: bool = r.get(3);
                match planned.get(url) {
                    Some(&(kind, name))
                        if r.get::<_, &str>(1) != kind
                            || r.get::<_, Option<&str>>(2) != name
                            || !is_planned =>
                    {
                        changed.push(url.to_string())
                    }
                    // No watchlist names it any more: kept with its mentions, not polled.
                    None if is_planned => dropped.push(url.to_string()),
                    _ => {}
                }
            }
            let mut new: Vec<String> = planned
                .keys()
                .filter(|u| !known.contains(**u))
                .map(|u| u.to_string())
                .collect();
            new.sort_unstable();
            changed.sort_unstable();
            for (urls, statement) in [
                (
                    new,
                    "INSERT INTO sources (url, kind, created_at, next_check_at, name)
                     SELECT u, k, $4, $4, n
                     FROM unnest($1::text[], $2::text[], $3::text[]) AS t(u, k, n)
                     ON CONFLICT (url) DO NOTHING",
                ),
                (
                    changed,
                    "UPDATE sources s SET kind = t.k, name = t.n, planned = true
                     FROM unnest($1::text[], $2::text[], $3::text[]) AS t(u, k, n)
                     WHERE s.url = t.u AND $4::bigint IS NOT NULL",
                ),
            ] {
                if urls.is_empty() {
                    continue;
                }
                let kinds: Vec<&str> = urls.iter().map(|u| planned[u.as_str()].0).collect();
                let names: Vec<Option<&str>> = urls.iter().map(|u| planned[u.as_str()].1).collect();
                tx.execute(statement, &[&urls, &kinds, &names, &now])
                    .await
                    .map_err(sql("recording the sources"))?;
            }
            if !dropped.is_empty() {
                tx.execute(
                    "UPDATE sources SET planned = false WHERE url = ANY($1)",
                    &[&dropped],
                )
                .await
                .map_err(sql("recording the sources no longer planned"))?;
            }
            tx.commit().await.map_err(sql("recording the sources"))
        })
    }

    /// Leases up to `limit` due sources to this node for `lease` (see
    /// [`work::claim_sources`]) and says it is alive: the sources' URLs, and when the next
    /// source comes due (or a lease ends).
    pub fn claim_due(
        &mut self,
        now: Timestamp,
        lease: std::time::Duration,
        limit: usize,
    ) -> Result<(Vec<String>, Option<Timestamp>)> {
        let node = self.node.as_str();
        let secs = lease.as_secs().min(i64::MAX as u64) as i64;
        let limit = limit.min(i64::MAX as usize) as i64;
        let beat = now.as_second() - self.last_beat.get() >= HEARTBEAT_EVERY;
        let claimed = self.run(async |c| {
            if beat {
                work::heartbeat(&c.client, node, now.as_second()).await?;
            }
            let claimed = if limit > 0 {
                work::claim_sources(&c.client, node, now.as_second(), secs, limit).await?
            } else {
                Vec::new()
            };
            let next = work::next_due(&c.client).await?;
            Ok((claimed.into_iter().map(|s| s.url).collect(), opt_ts(next)))
        })?;
        if beat {
            self.last_beat.set(now.as_second());
        }
        Ok(claimed)
    }

    pub fn due_times(&self) -> Result<Vec<(String, Timestamp)>> {
        self.run(async |c| {
            let rows = c
                .query("SELECT url, next_check_at FROM sources", &[])
                .await
                .map_err(sql("reading when sources are due"))?;
            Ok(rows.iter().map(|r| (r.get(0), ts(r.get(1)))).collect())
        })
    }

    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        self.query_sources(None)
    }

    pub fn source(&self, url: &str) -> Result<Option<SourceRow>> {
        Ok(self.query_sources(Some(url))?.into_iter().next())
    }

    pub fn source_urls(&self) -> Result<Vec<String>> {
        self.run(async |c| {
            let rows = c
                .query("SELECT url FROM sources ORDER BY url", &[])
                .await
                .map_err(sql("listing the sources"))?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn query_sources(&self, url: Option<&str>) -> Result<Vec<SourceRow>> {
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT s.url, s.kind, s.etag, s.last_modified, s.last_checked_at,
                            s.last_success_at, s.last_error, s.last_error_at,
                            s.consecutive_errors, s.next_check_at, s.last_item_count,
                            s.ttl_seconds,
                            (SELECT count(*) FROM mentions m WHERE m.source_id = s.id),
                            s.repairs, s.polled_by
                     FROM sources s WHERE $1::text IS NULL OR s.url = $1 ORDER BY s.url",
                    &[&url],
                )
                .await
                .map_err(sql("reading the sources"))?;
            Ok(rows
                .iter()
                .map(|r| SourceRow {
                    url: r.get(0),
                    kind: r.get(1),
                    validators: crate::ingest::fetch::Validators {
                        etag: r.get(2),
                        last_modified: r.get(3),
                    },
                    last_checked_at: opt_ts(r.get(4)),
                    last_success_at: opt_ts(r.get(5)),
                    last_error: r.get(6),
                    last_error_at: opt_ts(r.get(7)),
                    consecutive_errors: r.get::<_, i64>(8).clamp(0, u32::MAX as i64) as u32,
                    next_check_at: ts(r.get(9)),
                    last_item_count: r
                        .get::<_, Option<i64>>(10)
                        .map(|n| n.clamp(0, u32::MAX as i64) as u32),
                    ttl: r
                        .get::<_, Option<i64>>(11)
                        .map(|s| std::time::Duration::from_secs(s.max(0) as u64)),
                    mentions: r.get::<_, i64>(12).max(0) as u64,
                    repairs: r.get(13),
                    polled_by: r.get(14),
                })
                .collect())
        })
    }

    pub fn commit_poll(&mut self, c: &PollCommit) -> Result<usize> {
        self.commit_polls(std::slice::from_ref(c))
            .pop()
            .expect("one result per poll")
    }

    /// As [`crate::store::Sqlite::commit_polls`]: the group in one transaction, or each
    /// poll in its own when the group fails, so only the failing poll fails.
    pub fn commit_polls(&mut self, commits: &[PollCommit]) -> Vec<Result<usize>> {
        match self.commit_together(commits) {
            Ok(news) => news.into_iter().map(Ok).collect(),
            Err(_) if commits.len() > 1 => commits
                .iter()
                .map(|c| self.commit_together(std::slice::from_ref(c)).map(|n| n[0]))
                .collect(),
            Err(e) => vec![Err(e)],
        }
    }

    fn commit_together(&self, commits: &[PollCommit]) -> Result<Vec<usize>> {
        let node = self.node.as_str();
        self.run(async |c| {
            let tx = c
                .transaction()
                .await
                .map_err(sql("starting a poll's commit"))?;
            let mut brands: Vec<&str> = commits
                .iter()
                .flat_map(|c| match &c.result {
                    PollResult::Fetched { mentions, .. } => mentions.as_slice(),
                    _ => &[],
                })
                .map(|m| m.brand.as_str())
                .collect();
            brands.sort_unstable();
            brands.dedup();
            // In name order, so that two nodes' commits never wait for each other in turn.
            for brand in &brands {
                tx.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended('vigie.mentions:' || $1, 0))",
                    &[brand],
                )
                .await
                .map_err(sql("waiting for the brand's lock"))?;
            }
            let mut stories = self.stories.take();
            stories.begin();
            let mut news = Vec::with_capacity(commits.len());
            let mut done = Ok(());
            for commit in commits {
                match commit_one(&tx, node, &mut stories, commit).await {
                    Ok(n) => news.push(n),
                    Err(e) => {
                        done = Err(e);
                        break;
                    }
                }
            }
            if done.is_ok() {
                done = tx.commit().await.map_err(sql("committing a poll"));
            }
            if done.is_err() {
                // What the cache learnt in the rolled-back transaction is not stored.
                stories.invalidate();
            }
            self.stories.replace(stories);
            done.map(|()| news)
        })
    }

    /// As SQLite's: up to `batch` mentions found before `cutoff`, oldest first, in one
    /// transaction, with what people decided about them; their stories' copies become
    /// stories of their own.
    pub fn prune_mentions(&mut self, cutoff: Timestamp, batch: usize) -> Result<usize> {
        let batch = batch.min(i64::MAX as usize) as i64;
        self.run(async |c| {
            let tx = c.transaction().await.map_err(sql("starting to prune"))?;
            let ids: Vec<i64> = tx
                .query(
                    "SELECT id FROM mentions WHERE fetched_at < $1 ORDER BY fetched_at, id
                     LIMIT $2 FOR UPDATE",
                    &[&cutoff.as_second(), &batch],
                )
                .await
                .map_err(sql("choosing mentions to prune"))?
                .iter()
                .map(|r| r.get(0))
                .collect();
            for (what, statement) in [
                (
                    "unlinking copies",
                    "UPDATE mentions SET story_id = NULL WHERE story_id = ANY($1)",
                ),
                (
                    "pruning decisions",
                    "DELETE FROM mention_events WHERE mention_id = ANY($1)",
                ),
                (
                    "pruning corrections",
                    "DELETE FROM corrections WHERE mention_id = ANY($1)",
                ),
                (
                    "pruning mentions",
                    "DELETE FROM mentions WHERE id = ANY($1)",
                ),
            ] {
                tx.execute(statement, &[&ids]).await.map_err(sql(what))?;
            }
            tx.commit().await.map_err(sql("committing the pruning"))?;
            // Copies of a pruned mention became stories of their own.
            self.stories.take();
            Ok(ids.len())
        })
    }

    pub fn unscored_mentions(&self, limit: usize) -> Result<Vec<UnscoredMention>> {
        let limit = limit.min(i64::MAX as usize) as i64;
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT id, brand, title, text, url, lang FROM mentions
                     WHERE sentiment_label IS NULL OR risk_severity IS NULL ORDER BY id LIMIT $1",
                    &[&limit],
                )
                .await
                .map_err(sql("reading unscored mentions"))?;
            Ok(rows
                .iter()
                .map(|r| UnscoredMention {
                    id: r.get(0),
                    brand: r.get(1),
                    title: r.get(2),
                    text: r.get(3),
                    url: r.get(4),
                    lang: r.get(5),
                })
                .collect())
        })
    }

    pub fn set_sentiments(&mut self, scored: &[(i64, Sentiment, Risk)]) -> Result<()> {
        self.run(async |c| {
            let tx = c.transaction().await.map_err(sql("starting to score"))?;
            const SCORE: &str = "UPDATE mentions SET sentiment = $2, sentiment_label = $3,
                     sentiment_lang = $4, risk = $5, risk_severity = $6
                 WHERE id = $1";
            for (id, s, risk) in scored {
                tx.execute(
                    SCORE,
                    &[
                        id,
                        &f64::from(s.score),
                        &s.label.as_str(),
                        &s.lang.map(Lang::as_str),
                        &risk.to_stored(),
                        &i64::from(risk.severity),
                    ],
                )
                .await
                .map_err(sql("scoring a mention"))?;
            }
            tx.commit().await.map_err(sql("committing the scores"))
        })
    }

    pub fn mention_count(&self) -> Result<u64> {
        self.run(async |c| {
            let n: i64 = c
                .query_one("SELECT count(*) FROM mentions", &[])
                .await
                .map_err(sql("counting mentions"))?
                .get(0);
            Ok(n.max(0) as u64)
        })
    }

    pub fn brands(&self) -> Result<Vec<String>> {
        self.run(async |c| {
            let rows = c
                .query("SELECT DISTINCT brand FROM mentions ORDER BY brand", &[])
                .await
                .map_err(sql("listing the brands"))?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }
}

/// Story candidates per brand, kept between commits as SQLite's index is. Under the
/// brand's lock every other node's mentions of that brand are committed, and their ids
/// grew in commit order (each was allocated under the lock), so each commit reads only
/// the brand's mentions past the highest id known. Anything that may have made the cache
/// wrong (a failed commit, pruning) drops it.
#[derive(Default)]
pub(super) struct Stories {
    brands: HashMap<String, Candidates>,
}

struct Candidates {
    entries: Vec<Entry>,
    /// Mentions fetched before this were not read.
    since: i64,
    /// The highest mention id read.
    max_id: i64,
    /// Whether this transaction has read the brand's new mentions yet.
    fresh: bool,
}

impl Stories {
    pub(super) fn invalidate(&mut self) {
        self.brands.clear();
    }

    /// A new transaction: every brand's candidates must be brought up to date again.
    fn begin(&mut self) {
        for c in self.brands.values_mut() {
            c.fresh = false;
        }
    }

    async fn of(
        &mut self,
        tx: &Tx<'_>,
        brand: &str,
        fetched_at: Timestamp,
    ) -> std::result::Result<&mut Vec<Entry>, PgError> {
        let since = (fetched_at - STORY_WINDOW).as_second();
        let reload = self.brands.get(brand).is_none_or(|c| c.since > since);
        if reload {
            let rows = tx
                .query(
                    "SELECT fetched_at, coalesce(story_id, id), simhash, id FROM mentions
                     WHERE brand = $1 AND fetched_at >= $2 AND simhash IS NOT NULL
                     ORDER BY fetched_at DESC, id DESC LIMIT $3",
                    &[&brand, &since, &(STORY_CANDIDATES as i64)],
                )
                .await
                .map_err(sql("reading the brand's recent stories"))?;
            let max_id = tx
                .query_one(
                    "SELECT coalesce(max(id), 0) FROM mentions WHERE brand = $1",
                    &[&brand],
                )
                .await
                .map_err(sql("reading the brand's last mention"))?
                .get(0);
            let entries = rows.iter().rev().map(entry).collect();
            self.brands.insert(
                brand.to_string(),
                Candidates {
                    entries,
                    since,
                    max_id,
                    fresh: true,
                },
            );
        }
        let c = self.brands.get_mut(brand).expect("just read");
        if !c.fresh {
            let rows = tx
                .query(
                    "SELECT fetched_at, coalesce(story_id, id), simhash, id FROM mentions
                     WHERE brand = $1 AND id > $2 AND simhash IS NOT NULL ORDER BY id",
                    &[&brand, &c.max_id],
                )
                .await
                .map_err(sql("reading the brand's new stories"))?;
            for r in &rows {
                let e = entry(r);
                c.max_id = c.max_id.max(r.get(3));
                if e.fetched_at >= c.since {
                    let story = (e.story != r.get::<_, i64>(3)).then_some(e.story);
                    push_entry(&mut c.entries, r.get(3), e.simhash, ts(e.fetched_at), story);
                }
            }
            c.fresh = true;
        }
        Ok(&mut c.entries)
    }

    /// Records the mention `id` this transaction stored.
    fn add(&mut self, brand: &str, id: i64, hash: u64, fetched_at: Timestamp, story: Option<i64>) {
        if let Some(c) = self.brands.get_mut(brand) {
            c.max_id = c.max_id.max(id);
            push_entry(&mut c.entries, id, hash, fetched_at, story);
        }
    }
}

fn entry(r: &tokio_postgres::Row) -> Entry {
    Entry {
        fetched_at: r.get(0),
        story: r.get(1),
        simhash: r.get::<_, i64>(2) as u64,
    }
}

/// One poll's writes, inside the group's transaction: the source's state first (refused
/// when its lease passed to another node), then its new mentions.
async fn commit_one(
    tx: &Tx<'_>,
    node: &str,
    stories: &mut Stories,
    c: &PollCommit,
) -> std::result::Result<usize, PgError> {
    let checked = c.checked_at.as_second();
    tx.execute(
        "INSERT INTO sources (url, kind, created_at, next_check_at) VALUES ($1, 'feed', $2, $2)
         ON CONFLICT (url) DO NOTHING",
        &[&c.url, &checked],
    )
    .await
    .map_err(sql("recording a new source"))?;
    let row = tx
        .query_one(
            "SELECT id, lease_node FROM sources WHERE url = $1 FOR UPDATE",
            &[&c.url],
        )
        .await
        .map_err(sql("reading the source"))?;
    let (source_id, lease): (i64, Option<String>) = (row.get(0), row.get(1));
    if let Some(other) = lease.filter(|l| l != node) {
        return Err(PgError::Copy(format!(
            "source {}: node {other} took it over when this node's lease ended; this poll is dropped (node {other}'s is kept)",
            c.url
        )));
    }
    record_source_state(tx, node, source_id, c).await?;
    let mut new = 0;
    if let PollResult::Fetched { mentions, .. } = &c.result {
        let mut changed: Vec<&str> = Vec::new();
        for m in mentions {
            if insert_mention(tx, stories, source_id, m).await? {
                new += 1;
                if !changed.contains(&m.brand.as_str()) {
                    changed.push(&m.brand);
                }
            }
        }
        for brand in changed {
            tx.execute(
                "INSERT INTO alert_review (brand, since) VALUES ($1, $2)
                 ON CONFLICT (brand) DO NOTHING",
                &[&brand, &checked],
            )
            .await
            .map_err(sql("marking a brand for review"))?;
        }
    }
    Ok(new)
}

/// Stores `m` unless its brand has it already (then only its engagement, as it is now).
/// True when it was new.
async fn insert_mention(
    tx: &Tx<'_>,
    stories: &mut Stories,
    source_id: i64,
    m: &NewMention,
) -> std::result::Result<bool, PgError> {
    let known = tx
        .query_opt(
            "SELECT id FROM mentions WHERE brand = $1 AND dedup_key = $2",
            &[&m.brand, &m.dedup_key],
        )
        .await
        .map_err(sql("looking a mention up"))?
        .is_some();
    if known {
        if let Some(e) = &m.engagement {
            // A post seen again: its counts as they are now.
            tx.execute(
                "UPDATE mentions SET engagement = $3, engagement_parts = $4,
                        reach = coalesce($5, reach)
                 WHERE brand = $1 AND dedup_key = $2
                   AND (engagement IS DISTINCT FROM $3 OR engagement_parts IS DISTINCT FROM $4
                        OR reach IS DISTINCT FROM coalesce($5, reach))",
                &[
                    &m.brand,
                    &m.dedup_key,
                    &stored_count(e.total()),
                    &e.to_stored(),
                    &m.reach.map(stored_count),
                ],
            )
            .await
            .map_err(sql("updating a mention's engagement"))?;
        }
        return Ok(false);
    }
    let story = match m.simhash {
        Some(hash) => nearest_in(
            stories.of(tx, &m.brand, m.fetched_at).await?,
            hash,
            m.fetched_at,
        ),
        None => None,
    };
    let terms = serde_json::to_string(&m.matched_terms).unwrap_or_else(|_| "[]".into());
    let row = tx
        .query_opt(
            "INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet,
                 text, author, lang, published_at, published_estimated, fetched_at, matched_terms,
                 sentiment, sentiment_label, sentiment_lang, simhash, story_id, news, risk,
                 risk_severity, engagement, engagement_parts, reach, rating)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                     $18, $19, $20, $21, $22, $23, $24, $25, $26)
             ON CONFLICT (brand, dedup_key) DO NOTHING
             RETURNING id",
            &[
                &m.brand,
                &source_id,
                &m.dedup_key,
                &m.item_id,
                &m.url,
                &m.title,
                &m.snippet,
                &m.text,
                &m.author,
                &m.lang,
                &m.published_at.as_second(),
                &i64::from(m.published_estimated),
                &m.fetched_at.as_second(),
                &terms,
                &f64::from(m.sentiment.score),
                &m.sentiment.label.as_str(),
                &m.sentiment.lang.map(Lang::as_str),
                &m.simhash.map(|h| h as i64),
                &story,
                &i64::from(m.news),
                &m.risk.to_stored(),
                &i64::from(m.risk.severity),
                &m.engagement.as_ref().map(|e| stored_count(e.total())),
                &m.engagement.as_ref().map(|e| e.to_stored()),
                &m.reach.map(stored_count),
                &m.rating.map(i64::from),
            ],
        )
        .await
        .map_err(sql("storing a mention"))?;
    let Some(row) = row else {
        return Ok(false);
    };
    if let Some(hash) = m.simhash {
        stories.add(&m.brand, row.get(0), hash, m.fetched_at, story);
    }
    Ok(true)
}

/// As SQLite's: validators and health after a document, success after "not modified", the
/// error counted after a failure, and when it is due next; with who polled it, and its
/// lease ended.
async fn record_source_state(
    tx: &Tx<'_>,
    node: &str,
    source_id: i64,
    c: &PollCommit,
) -> std::result::Result<(), PgError> {
    let checked = c.checked_at.as_second();
    let next = c.next_check_at.as_second();
    let done = match &c.result {
        PollResult::Fetched {
            validators,
            ttl,
            item_count,
            newest_item,
            cadence,
            repairs,
            ..
        } => {
            tx.execute(
                "UPDATE sources SET etag = $2, last_modified = $3, last_checked_at = $4,
                    last_success_at = $4, consecutive_errors = 0, next_check_at = $5,
                    last_item_count = $6, ttl_seconds = $7, failing_since = NULL,
                    empty_since = CASE WHEN $6::bigint = 0 THEN coalesce(empty_since, $4) END,
                    newest_item_at = greatest(coalesce(newest_item_at, $8), coalesce($8, newest_item_at)),
                    item_cadence_seconds = coalesce($9, item_cadence_seconds), repairs = $10,
                    polled_by = $11, lease_node = NULL, lease_until = NULL
                 WHERE id = $1",
                &[
                    &source_id,
                    &validators.etag,
                    &validators.last_modified,
                    &checked,
                    &next,
                    &(*item_count as i64),
                    &ttl.map(|t| t.as_secs() as i64),
                    &newest_item.map(|t| t.as_second()),
                    &cadence.map(|c| c.as_secs() as i64),
                    &(!repairs.is_empty()).then(|| repairs.join("; ")),
                    &node,
                ],
            )
            .await
        }
        PollResult::NotModified => {
            tx.execute(
                "UPDATE sources SET last_checked_at = $2, last_success_at = $2,
                    consecutive_errors = 0, next_check_at = $3, failing_since = NULL,
                    polled_by = $4, lease_node = NULL, lease_until = NULL
                 WHERE id = $1",
                &[&source_id, &checked, &next, &node],
            )
            .await
        }
        PollResult::Failed { error, problem } => {
            tx.execute(
                "UPDATE sources SET last_checked_at = $2, last_error = $3, last_error_at = $2,
                    consecutive_errors = consecutive_errors + 1, next_check_at = $4,
                    failing_since = coalesce(failing_since, $2), last_problem = $5,
                    polled_by = $6, lease_node = NULL, lease_until = NULL
                 WHERE id = $1",
                &[&source_id, &checked, error, &next, &problem.to_stored(), &node],
            )
            .await
        }
    };
    done.map_err(sql("recording the source's state"))?;
    Ok(())
}
