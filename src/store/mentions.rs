//! The `mentions` table and its full-text index: what a poll stores ([`NewMention`]), what
//! the commands read ([`MentionRow`], [`MentionQuery`]), and sentiment re-scoring, where the
//! store hands out unscored rows and takes their scores back (the scoring itself is
//! `analyze::sentiment`'s).

use jiff::Timestamp;
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use super::{MentionState, Result, Store, ts};
use crate::analyze::matcher::ItemView;
use crate::analyze::risk::{Category, Risk};
use crate::analyze::sentiment::{Label, Lang, Sentiment};

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
    /// What bad news the same text reports.
    pub risk: Risk,
    /// The fingerprint of its title and text ([`crate::analyze::story::fingerprint`]).
    pub simhash: Option<u64>,
    /// Whether it counts as news for spike detection: not when its time is estimated and
    /// it was found on its source's first poll (schema step 10).
    pub news: bool,
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
    /// The reputation-risk categories the mention reports (empty: none).
    pub risk: Vec<Category>,
    /// The gravest of them, 1 to 3 (0: none).
    pub risk_severity: u8,
    /// Where it is in the community manager's work.
    pub state: MentionState,
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
    /// A search in the query language, found through the full-text index and verified by
    /// the matcher (see [`crate::analyze::search`]).
    pub search: Option<crate::analyze::search::Search>,
    /// Only mentions with this sentiment.
    pub sentiment: Option<Label>,
    /// Only mentions reporting this risk category.
    pub risk: Option<Category>,
    /// Only mentions in these states; empty: every state but irrelevant (what counts).
    pub states: Vec<MentionState>,
    /// Only mentions read from this source (its URL as stored).
    pub source: Option<String>,
    /// Only mentions in this language (`fr`, `en`).
    pub lang: Option<String>,
    /// Only this mention.
    pub only: Option<i64>,
    /// Only mentions published before this time.
    pub until: Option<Timestamp>,
    /// Keyset pagination: only mentions listed after this one (published time, id) in
    /// newest-first order.
    pub after: Option<(Timestamp, i64)>,
    pub limit: usize,
}

impl MentionQuery {
    /// The states listed, as the SQL reads them: a comma-separated list.
    fn states_sql(&self) -> String {
        if self.states.is_empty() {
            "new,handled".into()
        } else {
            self.states
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(",")
        }
    }
}

impl Store {
    /// Mentions, newest first.
    pub fn mentions(&self, q: &MentionQuery) -> Result<Vec<MentionRow>> {
        let index = q.search.as_ref().and_then(|s| s.index_query());
        // A search is verified row by row, so the limit applies after it.
        let sql_limit = if q.search.is_some() {
            -1
        } else {
            q.limit as i64
        };
        let run = || -> rusqlite::Result<Vec<MentionRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT m.id, m.brand, s.url, m.url, m.title, m.snippet, m.author, m.lang,
                        m.published_at, m.published_estimated, m.fetched_at, m.matched_terms, m.sentiment,
                        m.sentiment_label, m.sentiment_lang, m.story_id, m.risk,
                        m.risk_severity, m.text, m.state
                 FROM mentions m JOIN sources s ON s.id = m.source_id
                 WHERE (?1 IS NULL OR m.brand = ?1)
                   AND (?2 IS NULL OR m.published_at >= ?2)
                   AND (?3 IS NULL OR m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?3))
                   AND (?5 IS NULL OR m.sentiment_label = ?5)
                   AND (?6 IS NULL OR (',' || m.risk || ',') LIKE ('%,' || ?6 || ',%'))
                   AND instr(',' || ?7 || ',', ',' || m.state || ',') > 0
                   AND (?8 IS NULL OR s.url = ?8)
                   AND (?9 IS NULL OR m.lang = ?9)
                   AND (?10 IS NULL OR m.published_at < ?10)
                   AND (?11 IS NULL OR m.published_at < ?11
                        OR (m.published_at = ?11 AND m.id < ?12))
                   AND (?13 IS NULL OR m.id = ?13)
                 ORDER BY m.published_at DESC, m.id DESC
                 LIMIT ?4",
            )?;
            stmt.query_map(
                params![
                    q.brand,
                    q.since.map(|t| t.as_second()),
                    index,
                    sql_limit,
                    q.sentiment.map(Label::as_str),
                    q.risk.map(Category::as_str),
                    q.states_sql(),
                    q.source,
                    q.lang,
                    q.until.map(|t| t.as_second()),
                    q.after.map(|(t, _)| t.as_second()),
                    q.after.map(|(_, id)| id),
                    q.only,
                ],
                |r| {
                    let terms: String = r.get(11)?;
                    if let Some(search) = &q.search {
                        let text: String = r.get(18)?;
                        let (title, url, lang): (String, Option<String>, Option<String>) =
                            (r.get(4)?, r.get(3)?, r.get(7)?);
                        let item = ItemView {
                            title: &title,
                            text: &text,
                            url: url.as_deref(),
                            lang: lang.as_deref(),
                        };
                        if !search.matches(&item) {
                            return Ok(None);
                        }
                    }
                    Ok(Some(MentionRow {
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
                        risk: Risk::from_stored(r.get::<_, Option<String>>(16)?.as_deref(), 1)
                            .categories(),
                        risk_severity: r.get::<_, Option<u8>>(17)?.unwrap_or(0),
                        state: MentionState::parse(&r.get::<_, String>(19)?)
                            .unwrap_or(MentionState::New),
                    }))
                },
            )?
            .filter_map(|r| r.transpose())
            .take(q.limit)
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Up to `limit` mentions without a sentiment label or a risk reading (stored by an
    /// older version).
    pub fn unscored_mentions(&self, limit: usize) -> Result<Vec<UnscoredMention>> {
        let run = || -> rusqlite::Result<Vec<UnscoredMention>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, brand, title, text, url, lang FROM mentions
                 WHERE sentiment_label IS NULL OR risk_severity IS NULL ORDER BY id LIMIT ?1",
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

    /// Records the sentiment and risk of stored mentions, in one transaction.
    pub fn set_sentiments(&mut self, scored: &[(i64, Sentiment, Risk)]) -> Result<()> {
        let run = |c: &mut Connection| -> rusqlite::Result<()> {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt = tx.prepare_cached(
                    "UPDATE mentions SET sentiment = ?2, sentiment_label = ?3, sentiment_lang = ?4,
                         risk = ?5, risk_severity = ?6
                     WHERE id = ?1",
                )?;
                for (id, s, risk) in scored {
                    stmt.execute(params![
                        id,
                        f64::from(s.score),
                        s.label.as_str(),
                        s.lang.map(Lang::as_str),
                        risk.to_stored(),
                        risk.severity
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
