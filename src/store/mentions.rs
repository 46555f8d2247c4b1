//! The `mentions` table and its full-text index: what a poll stores ([`NewMention`]), what
//! the commands read ([`MentionRow`], [`MentionQuery`]), and sentiment re-scoring, where the
//! store hands out unscored rows and takes their scores back (the scoring itself is
//! `analyze::sentiment`'s).

use jiff::Timestamp;
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use super::{MentionState, Result, Sqlite, ts};
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
    /// The interactions it drew and the people it could reach, when its service says
    /// (schema step 15); its star rating, for a review.
    pub engagement: Option<crate::ingest::parse::Engagement>,
    pub reach: Option<u64>,
    pub rating: Option<u8>,
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
    /// Its interactions (the sum, and the parts as its service names them), the people it
    /// could reach and a review's stars, when its service gave them.
    pub engagement: Option<u64>,
    pub engagement_parts: Vec<(String, u64)>,
    pub reach: Option<u64>,
    pub rating: Option<u8>,
}

/// The order of [`Store::mentions`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest first.
    #[default]
    Newest,
    /// Most interactions first (those whose service counts none last), then newest.
    Engagement,
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
    pub order: Order,
    pub limit: usize,
}

impl MentionQuery {
    /// The states listed; none: every state but irrelevant.
    pub(crate) fn states_or_default(&self) -> Vec<MentionState> {
        if self.states.is_empty() {
            vec![MentionState::New, MentionState::Handled]
        } else {
            self.states.clone()
        }
    }
}

/// Full-text hits from which a search is read in time order rather than through the index.
const COMMON_HITS: usize = 5_000;

impl Sqlite {
    /// How many mentions the full-text index finds for `expr`, counting up to `cap`.
    fn index_hits(&self, expr: &str, cap: usize) -> Result<usize> {
        self.conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH ?1 LIMIT ?2)",
            )
            .and_then(|mut st| st.query_row(params![expr, cap as i64], |r| r.get::<_, i64>(0)))
            .map(|n| n.max(0) as usize)
            .map_err(|e| self.err(e))
    }

    /// Mentions, newest first.
    pub fn mentions(&self, q: &MentionQuery) -> Result<Vec<MentionRow>> {
        let index = q.search.as_ref().and_then(|s| s.index_query());
        // A search is verified row by row, so the limit applies after it.
        let sql_limit = if q.search.is_some() {
            -1
        } else {
            q.limit as i64
        };
        // Only the filters given are written into the statement, so SQLite can pick the index
        // that serves them (`?1 IS NULL OR brand = ?1` would rule every index out). Each
        // combination is its own cached statement.
        let mut sql = String::from(
            "SELECT m.id, m.brand, s.url, m.url, m.title, m.snippet, m.author, m.lang,
                    m.published_at, m.published_estimated, m.fetched_at, m.matched_terms, m.sentiment,
                    m.sentiment_label, m.sentiment_lang, m.story_id, m.risk,
                    m.risk_severity, m.text, m.state, m.engagement, m.engagement_parts,
                    m.reach, m.rating
             FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE 1",
        );
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        let mut clause = |sql_part: &str, v: Vec<rusqlite::types::Value>| {
            // Anonymous `?`s are bound in the order they appear: the clauses' order.
            sql.push_str(" AND (");
            sql.push_str(sql_part);
            sql.push(')');
            values.extend(v);
        };
        use rusqlite::types::Value as V;
        // One state: its index, newest first. Several: the one left out, so that the time
        // index gives the order (an IN over the state index would sort every row).
        let states = q.states_or_default();
        let left_out: Vec<MentionState> = MentionState::ALL
            .into_iter()
            .filter(|s| !states.contains(s))
            .collect();
        match (states.as_slice(), left_out.as_slice()) {
            ([one], _) => clause("m.state = ?", vec![V::Text(one.as_str().into())]),
            (_, [one]) => clause("m.state != ?", vec![V::Text(one.as_str().into())]),
            _ => {}
        }
        if let Some(b) = &q.brand {
            clause("m.brand = ?", vec![V::Text(b.clone())]);
        }
        if let Some(t) = q.since {
            clause("m.published_at >= ?", vec![V::Integer(t.as_second())]);
        }
        if let Some(t) = q.until {
            clause("m.published_at < ?", vec![V::Integer(t.as_second())]);
        }
        // A search whose words are in many mentions is faster read newest first and checked
        // by the matcher row by row (the first page is soon full) than found through the
        // index and sorted whole; the index serves the rarer ones.
        let index = match index {
            Some(i) if self.index_hits(i, COMMON_HITS)? >= COMMON_HITS => None,
            other => other,
        };
        if let Some(i) = index {
            clause(
                "m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)",
                vec![V::Text(i.to_string())],
            );
        }
        if let Some(l) = q.sentiment {
            clause("m.sentiment_label = ?", vec![V::Text(l.as_str().into())]);
        }
        if let Some(c) = q.risk {
            clause(
                "(',' || m.risk || ',') LIKE ('%,' || ? || ',%')",
                vec![V::Text(c.as_str().into())],
            );
        }
        if let Some(u) = &q.source {
            clause("s.url = ?", vec![V::Text(u.clone())]);
        }
        if let Some(l) = &q.lang {
            clause("m.lang = ?", vec![V::Text(l.clone())]);
        }
        if let Some((t, id)) = q.after {
            clause(
                "m.published_at < ? OR (m.published_at = ? AND m.id < ?)",
                vec![
                    V::Integer(t.as_second()),
                    V::Integer(t.as_second()),
                    V::Integer(id),
                ],
            );
        }
        if let Some(id) = q.only {
            clause("m.id = ?", vec![V::Integer(id)]);
        }
        sql.push_str(match q.order {
            Order::Newest => " ORDER BY m.published_at DESC, m.id DESC LIMIT ",
            Order::Engagement => {
                " ORDER BY m.engagement IS NULL, m.engagement DESC, m.published_at DESC, m.id DESC LIMIT "
            }
        });
        sql.push_str(&sql_limit.to_string());
        let run = || -> rusqlite::Result<Vec<MentionRow>> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(values.iter()), |r| {
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
                    sentiment_label: r.get::<_, Option<String>>(13)?.and_then(|l| l.parse().ok()),
                    sentiment_lang: r.get(14)?,
                    story: r.get(15)?,
                    risk: Risk::from_stored(r.get::<_, Option<String>>(16)?.as_deref(), 1)
                        .categories(),
                    risk_severity: r.get::<_, Option<u8>>(17)?.unwrap_or(0),
                    state: MentionState::parse(&r.get::<_, String>(19)?)
                        .unwrap_or(MentionState::New),
                    engagement: r.get::<_, Option<i64>>(20)?.map(|n| n.max(0) as u64),
                    engagement_parts: r
                        .get::<_, Option<String>>(21)?
                        .and_then(|p| crate::ingest::parse::Engagement::from_stored(&p))
                        .map(|e| e.parts)
                        .unwrap_or_default(),
                    reach: r.get::<_, Option<i64>>(22)?.map(|n| n.max(0) as u64),
                    rating: r.get::<_, Option<u8>>(23)?,
                }))
            })?
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
