//! The commit point: one poll's new mentions, its source's new state (validators, success
//! or error, next check) and the brands whose alerts are to be reviewed, in ONE immediate
//! transaction ([`Store::commit_poll`]). Storing an ETag apart from its items would lose
//! those items for good if the second write failed.
//!
//! The alert review ([`Store::review_alerts`]) is a transaction of its own, run once for
//! a batch of polls: the alert changes and their emails are stored together, and the
//! brands marked by the commits stay marked until a review has taken them.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, TransactionBehavior, params};

use super::mentions::NewMention;
use super::stories::StoryIndex;
use super::{AlertChange, BrandActivity, Result, Sqlite, alerts};
use crate::analyze::sentiment::Lang;
use crate::ingest::fetch::Validators;

/// What a poll of one source came to.
#[derive(Debug, Clone, PartialEq)]
pub enum PollResult {
    /// A new document: its validators, how many items it had, the mentions found.
    Fetched {
        validators: Validators,
        /// The feed's own polling hint (RSS `<ttl>`), kept for later 304s.
        ttl: Option<Duration>,
        item_count: usize,
        /// What had to be repaired for the document to be read; empty when nothing.
        repairs: Vec<String>,
        mentions: Vec<NewMention>,
        /// The newest dated item of the document, and the usual gap between its items, to
        /// tell a source that stopped publishing.
        newest_item: Option<Timestamp>,
        cadence: Option<Duration>,
    },
    /// 304 or unchanged file.
    NotModified,
    /// The poll failed; the reason is shown to people as is.
    Failed {
        error: String,
        problem: crate::ingest::problem::Problem,
    },
}

/// Everything one poll writes, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct PollCommit {
    pub url: String,
    pub checked_at: Timestamp,
    pub next_check_at: Timestamp,
    pub result: PollResult,
}

impl Sqlite {
    /// Commits one poll atomically: new mentions (each joining its story), the source's new
    /// state, and the brands that got new mentions marked for the alert review
    /// ([`Store::review_alerts`]). Returns how many mentions were new (already-known ones
    /// are skipped). A failure anywhere stores nothing.
    pub fn commit_poll(&mut self, c: &PollCommit) -> Result<usize> {
        self.commit_polls(std::slice::from_ref(c))
            .pop()
            .expect("one result per poll")
    }

    /// Commits several polls in one transaction (one write to the disk for all), each
    /// atomically as [`Store::commit_poll`] does. When one poll's statements fail, the
    /// group is rolled back and each poll is committed in a transaction of its own, so only
    /// that poll fails (savepoints per poll would do the same, but make the full-text index
    /// write a segment for each, which cost a third of the commit time). If a transaction
    /// itself cannot be committed (a full disk), its polls fail. One result per poll.
    pub fn commit_polls(&mut self, commits: &[PollCommit]) -> Vec<Result<usize>> {
        let results = match self.commit_together(commits) {
            Ok(news) => news.into_iter().map(Ok).collect(),
            Err(_) if commits.len() > 1 => commits
                .iter()
                .map(|c| self.commit_together(std::slice::from_ref(c)).map(|n| n[0]))
                .collect(),
            Err(e) => vec![Err(e)],
        };
        results
            .into_iter()
            .map(|r| r.map_err(|e| self.err(e)))
            .collect()
    }

    /// Commits `commits` in one transaction, or nothing.
    fn commit_together(&mut self, commits: &[PollCommit]) -> rusqlite::Result<Vec<usize>> {
        let Sqlite { conn, stories, .. } = self;
        let done = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let news = commits
                .iter()
                .map(|c| commit_one(&tx, stories, c))
                .collect::<rusqlite::Result<Vec<usize>>>()?;
            tx.commit()?;
            Ok(news)
        })();
        if done.is_err() {
            // What the index learnt in the rolled-back transaction is not stored.
            stories.invalidate();
        }
        done
    }

    /// Reviews the alerts of `brands` that need it, in one transaction: those whose
    /// mentions changed since the last review and, with `open_too`, those with an open
    /// alert (which may be over, with no new mention at all). `policy` sees each as it
    /// stands; what it decides is stored with its emails. Returns how many brands were
    /// reviewed. Brands not in `brands` stay on the list for a review that watches them.
    pub fn review_alerts(
        &mut self,
        brands: &[String],
        now: Timestamp,
        open_too: bool,
        policy: &mut dyn FnMut(&BrandActivity) -> Vec<AlertChange>,
    ) -> Result<usize> {
        let mut run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut due: Vec<String> = tx
                .prepare_cached("SELECT brand FROM alert_review ORDER BY brand")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if open_too {
                due.extend(alerts::brands_with_open(&tx)?);
            }
            due.sort();
            due.dedup();
            let watched: std::collections::HashSet<&str> =
                brands.iter().map(String::as_str).collect();
            let mut reviewed = 0;
            for brand in due.iter().filter(|b| watched.contains(b.as_str())) {
                let seen = alerts::activity(&tx, brand, now)?;
                for change in policy(&seen) {
                    alerts::apply(&tx, &change, now)?;
                }
                tx.prepare_cached("DELETE FROM alert_review WHERE brand = ?1")?
                    .execute([brand])?;
                reviewed += 1;
            }
            tx.commit()?;
            Ok(reviewed)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }
}

/// One poll's writes, inside the batch's transaction.
fn commit_one(
    conn: &Connection,
    stories: &mut StoryIndex,
    c: &PollCommit,
) -> rusqlite::Result<usize> {
    let source_id = source_id(conn, &c.url, c.checked_at)?;
    let new = match &c.result {
        PollResult::Fetched { mentions, .. } if !mentions.is_empty() => {
            if let Some(first) = mentions.iter().map(|m| m.fetched_at).min() {
                stories.prepare(conn, first)?;
            }
            let (new, changed) = insert_mentions(conn, stories, source_id, mentions)?;
            mark_for_review(conn, &changed, c.checked_at)?;
            new
        }
        _ => 0,
    };
    record_source_state(conn, source_id, c)?;
    Ok(new)
}

/// Marks `brands` for the alert review.
fn mark_for_review(tx: &Connection, brands: &[&str], now: Timestamp) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO alert_review (brand, since) VALUES (?1, ?2) ON CONFLICT (brand) DO NOTHING",
    )?;
    for b in brands {
        stmt.execute(params![b, now.as_second()])?;
    }
    Ok(())
}

/// The source's row id, the row made first if the source is not known yet.
fn source_id(tx: &Connection, url: &str, checked: Timestamp) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO sources (url, kind, created_at, next_check_at) VALUES (?1, 'feed', ?2, ?2)
         ON CONFLICT (url) DO NOTHING",
    )?
    .execute(params![url, checked.as_second()])?;
    tx.prepare_cached("SELECT id FROM sources WHERE url = ?1")?
        .query_row(params![url], |r| r.get(0))
}

/// Inserts the mentions not already stored, each joining its story (see
/// [`StoryIndex::nearest`]). Returns how many were new and the brands that got one.
fn insert_mentions<'m>(
    tx: &Connection,
    stories: &mut StoryIndex,
    source_id: i64,
    mentions: &'m [NewMention],
) -> rusqlite::Result<(usize, Vec<&'m str>)> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet,
             text, author, lang, published_at, published_estimated, fetched_at, matched_terms,
             sentiment, sentiment_label, sentiment_lang, simhash, story_id, news, risk,
             risk_severity, engagement, engagement_parts, reach, rating)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)
         ON CONFLICT (brand, dedup_key) DO NOTHING",
    )?;
    // A post seen again: its counts as they are now.
    let mut louder = tx.prepare_cached(
        "UPDATE mentions SET engagement = ?3, engagement_parts = ?4, reach = coalesce(?5, reach)
         WHERE brand = ?1 AND dedup_key = ?2
           AND (engagement IS NOT ?3 OR engagement_parts IS NOT ?4 OR reach IS NOT coalesce(?5, reach))",
    )?;
    let mut new = 0;
    let mut changed: Vec<&str> = Vec::new();
    for m in mentions {
        let terms = serde_json::to_string(&m.matched_terms).unwrap_or_else(|_| "[]".into());
        let story = m
            .simhash
            .and_then(|hash| stories.nearest(&m.brand, hash, m.fetched_at));
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
            story,
            m.news,
            m.risk.to_stored(),
            m.risk.severity,
            m.engagement.as_ref().map(|e| stored_count(e.total())),
            m.engagement.as_ref().map(|e| e.to_stored()),
            m.reach.map(stored_count),
            m.rating,
        ])?;
        if inserted == 0 {
            if let Some(e) = &m.engagement {
                louder.execute(params![
                    m.brand,
                    m.dedup_key,
                    stored_count(e.total()),
                    e.to_stored(),
                    m.reach.map(stored_count)
                ])?;
            }
            continue;
        }
        let id = tx.last_insert_rowid();
        index_text(tx, id, m)?;
        if let Some(hash) = m.simhash {
            stories.add(id, &m.brand, hash, m.fetched_at, story);
        }
        if !changed.contains(&m.brand.as_str()) {
            changed.push(&m.brand);
        }
        new += inserted;
    }
    Ok((new, changed))
}

/// A count as SQLite's integers hold it (a service may write any number).
pub(super) fn stored_count(n: u64) -> i64 {
    n.min(i64::MAX as u64) as i64
}

/// The full-text entry of the mention just stored as row `id` (schema step 8 says why this
/// is not a trigger).
fn index_text(tx: &Connection, id: i64, m: &NewMention) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO mentions_fts (rowid, title, text) VALUES (?1, ?2, ?3)")?
        .execute(params![id, m.title, m.text])?;
    Ok(())
}

/// The source's state after this poll: validators and health after a document, success
/// after "not modified", the error counted after a failure; and when it is due next.
fn record_source_state(tx: &Connection, source_id: i64, c: &PollCommit) -> rusqlite::Result<()> {
    let checked = c.checked_at.as_second();
    let next = c.next_check_at.as_second();
    match &c.result {
        PollResult::Fetched {
            validators,
            ttl,
            item_count,
            newest_item,
            cadence,
            repairs,
            ..
        } => tx
            .prepare_cached(
                "UPDATE sources SET etag = ?2, last_modified = ?3, last_checked_at = ?4,
                 last_success_at = ?4, consecutive_errors = 0, next_check_at = ?5,
                 last_item_count = ?6, ttl_seconds = ?7, failing_since = NULL,
                 empty_since = CASE WHEN ?6 = 0 THEN coalesce(empty_since, ?4) END,
                 newest_item_at = max(coalesce(newest_item_at, ?8), coalesce(?8, newest_item_at)),
                 item_cadence_seconds = coalesce(?9, item_cadence_seconds), repairs = ?10
             WHERE id = ?1",
            )?
            .execute(params![
                source_id,
                validators.etag,
                validators.last_modified,
                checked,
                next,
                *item_count as i64,
                ttl.map(|t| t.as_secs() as i64),
                newest_item.map(|t| t.as_second()),
                cadence.map(|c| c.as_secs() as i64),
                (!repairs.is_empty()).then(|| repairs.join("; ")),
            ])?,
        PollResult::NotModified => tx
            .prepare_cached(
                "UPDATE sources SET last_checked_at = ?2, last_success_at = ?2,
                 consecutive_errors = 0, next_check_at = ?3, failing_since = NULL
             WHERE id = ?1",
            )?
            .execute(params![source_id, checked, next])?,
        PollResult::Failed { error, problem } => tx
            .prepare_cached(
                "UPDATE sources SET last_checked_at = ?2, last_error = ?3, last_error_at = ?2,
                 consecutive_errors = consecutive_errors + 1, next_check_at = ?4,
                 failing_since = coalesce(failing_since, ?2), last_problem = ?5
             WHERE id = ?1",
            )?
            .execute(params![
                source_id,
                checked,
                error,
                next,
                problem.to_stored()
            ])?,
    };
    Ok(())
}
