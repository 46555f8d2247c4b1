//! The commit point: one poll's new mentions, its source's new state (validators, success
//! or error, next check) and the alert changes and emails they lead to, in ONE immediate
//! transaction ([`Store::commit_poll_with`]). Storing an ETag apart from its items would
//! lose those items for good if the second write failed.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::mentions::NewMention;
use super::stories::join_story;
use super::{AlertChange, BrandActivity, Result, Store, alerts};
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

impl Store {
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
            let source_id = source_id(&tx, &c.url, c.checked_at)?;
            let (new, changed) = match &c.result {
                PollResult::Fetched { mentions, .. } => insert_mentions(&tx, source_id, mentions)?,
                PollResult::NotModified | PollResult::Failed { .. } => (0, Vec::new()),
            };
            record_source_state(&tx, source_id, c)?;
            review_alerts(&tx, brands, &changed, c.checked_at, policy)?;
            tx.commit()?;
            Ok(new)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }
}

/// The source's row id, the row made first if the source is not known yet.
fn source_id(tx: &Transaction<'_>, url: &str, checked: Timestamp) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO sources (url, kind, created_at, next_check_at) VALUES (?1, 'feed', ?2, ?2)
         ON CONFLICT (url) DO NOTHING",
        params![url, checked.as_second()],
    )?;
    tx.query_row("SELECT id FROM sources WHERE url = ?1", params![url], |r| {
        r.get(0)
    })
}

/// Inserts the mentions not already stored, each joining its story. Returns how many were
/// new and the brands that got one.
fn insert_mentions<'m>(
    tx: &Transaction<'_>,
    source_id: i64,
    mentions: &'m [NewMention],
) -> rusqlite::Result<(usize, Vec<&'m str>)> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet,
             text, author, lang, published_at, published_estimated, fetched_at, matched_terms,
             sentiment, sentiment_label, sentiment_lang, simhash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT (brand, dedup_key) DO NOTHING",
    )?;
    let mut new = 0;
    let mut changed: Vec<&str> = Vec::new();
    for m in mentions {
        let terms = serde_json::to_string(&m.matched_terms).unwrap_or_else(|_| "[]".into());
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
            join_story(tx, tx.last_insert_rowid(), &m.brand, hash, m.fetched_at)?;
        }
        if inserted > 0 && !changed.contains(&m.brand.as_str()) {
            changed.push(&m.brand);
        }
        new += inserted;
    }
    Ok((new, changed))
}

/// The source's state after this poll: validators and health after a document, success
/// after "not modified", the error counted after a failure; and when it is due next.
fn record_source_state(
    tx: &Transaction<'_>,
    source_id: i64,
    c: &PollCommit,
) -> rusqlite::Result<()> {
    let checked = c.checked_at.as_second();
    let next = c.next_check_at.as_second();
    match &c.result {
        PollResult::Fetched {
            validators,
            ttl,
            item_count,
            newest_item,
            cadence,
            ..
        } => tx.execute(
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
        )?,
        PollResult::NotModified => tx.execute(
            "UPDATE sources SET last_checked_at = ?2, last_success_at = ?2,
                 consecutive_errors = 0, next_check_at = ?3, failing_since = NULL
             WHERE id = ?1",
            params![source_id, checked, next],
        )?,
        PollResult::Failed { error } => tx.execute(
            "UPDATE sources SET last_checked_at = ?2, last_error = ?3, last_error_at = ?2,
                 consecutive_errors = consecutive_errors + 1, next_check_at = ?4,
                 failing_since = coalesce(failing_since, ?2)
             WHERE id = ?1",
            params![source_id, checked, error, next],
        )?,
    };
    Ok(())
}

/// Shows `policy` each brand that has new mentions or an open alert (which may be over):
/// without either, nothing can have changed for it. Stores what it decides.
fn review_alerts(
    tx: &Transaction<'_>,
    brands: &[String],
    changed: &[&str],
    now: Timestamp,
    policy: &mut dyn FnMut(&BrandActivity) -> Vec<AlertChange>,
) -> rusqlite::Result<()> {
    for brand in brands {
        if !changed.contains(&brand.as_str()) && !alerts::has_open(tx, brand)? {
            continue;
        }
        let seen = alerts::activity(tx, brand, now)?;
        for change in policy(&seen) {
            alerts::apply(tx, &change, now)?;
        }
    }
    Ok(())
}
