//! What people decide about mentions and alerts (the workspace, the API, `vigie triage`):
//! a mention's state (new, handled, irrelevant), a corrected sentiment or risk, a note; an
//! alert acknowledged. Every decision is kept in the mention's history (who, what, when).
//!
//! A decision applies to a whole story: marking its first mention irrelevant marks its
//! copies too (one story, one decision). An *irrelevant* mention stays stored but leaves
//! every count, chart, digest, spike detection and export (their queries skip it). A
//! corrected sentiment or risk is written over the computed one in `mentions`, so every
//! reader uses it; `corrections` keeps the computed values beside it for `vigie export
//! --corrections`. The brands touched are marked for the alert review, which decides again
//! with the corrected figures.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Result, Sqlite, opt_ts, ts};
use crate::analyze::risk::Risk;
use crate::analyze::sentiment::Label;

/// Where a mention is in the community manager's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionState {
    /// Not looked at yet.
    New,
    /// Answered, escalated or otherwise dealt with.
    Handled,
    /// Not about the brand (a homonym, spam): left out of every figure.
    Irrelevant,
}

impl MentionState {
    pub const ALL: [MentionState; 3] = [
        MentionState::New,
        MentionState::Handled,
        MentionState::Irrelevant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MentionState::New => "new",
            MentionState::Handled => "handled",
            MentionState::Irrelevant => "irrelevant",
        }
    }

    pub fn parse(s: &str) -> Option<MentionState> {
        MentionState::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl std::str::FromStr for MentionState {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        MentionState::parse(s)
            .ok_or_else(|| format!("unknown state {s:?}: expected new, handled or irrelevant"))
    }
}

/// One decision about mentions.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    State(MentionState),
    /// The sentiment as the person reads it.
    Sentiment(Label),
    /// The risk as the person reads it (none: no risk).
    Risk(Risk),
    Note(String),
}

impl Decision {
    pub(crate) fn action(&self) -> &'static str {
        match self {
            Decision::State(_) => "state",
            Decision::Sentiment(_) => "sentiment",
            Decision::Risk(_) => "risk",
            Decision::Note(_) => "note",
        }
    }

    pub(crate) fn detail(&self) -> String {
        match self {
            Decision::State(s) => s.as_str().into(),
            Decision::Sentiment(l) => l.as_str().into(),
            Decision::Risk(r) => r.to_stored().unwrap_or_else(|| "none".into()),
            Decision::Note(n) => n.trim().chars().take(NOTE_CHARS).collect(),
        }
    }
}

/// Longest note kept, in characters.
pub const NOTE_CHARS: usize = 2000;

/// One line of a mention's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub at: Timestamp,
    pub actor: String,
    /// `state`, `sentiment`, `risk` or `note`.
    pub action: String,
    pub detail: String,
}

/// A correction, for `vigie export --corrections`: the computed reading and the person's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub mention_id: i64,
    pub brand: String,
    pub lang: Option<String>,
    pub title: String,
    pub text: String,
    pub computed_sentiment: Option<f64>,
    pub computed_label: Option<String>,
    pub computed_risk: Option<String>,
    /// `None`: the sentiment was not corrected.
    pub sentiment_label: Option<String>,
    /// `None`: the risk was not corrected; `"none"`: the person saw no risk.
    pub risk: Option<String>,
    pub corrected_at: Timestamp,
    pub corrected_by: String,
}

/// A mention with its whole text.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionDetail {
    pub row: super::MentionRow,
    pub text: String,
}

/// An API token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked: bool,
}

/// A brand's figures for the workspace's overview.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overview {
    /// Mentions per day from the chart's first day: (total, negative or reporting a risk).
    pub days: Vec<(u32, u32)>,
    pub today: u64,
    pub week: u64,
    pub week_negative: u64,
    /// In the period before the week (from `from`).
    pub before: u64,
    /// The stored risk lists of the week, with their counts.
    pub week_risks: Vec<(String, u64)>,
}

/// The times an [`Overview`] is read between.
#[derive(Debug, Clone, Copy)]
pub struct OverviewSpan {
    pub from: Timestamp,
    pub first_day: Timestamp,
    pub days: usize,
    pub today: Timestamp,
    pub week: Timestamp,
    pub now: Timestamp,
}

/// A sent digest, as the workspace lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestRow {
    pub watchlist: String,
    pub period_start: Timestamp,
    pub period_end: Timestamp,
    pub created_at: Timestamp,
    pub emails: i64,
    /// Whether its page was kept (digests sent before version 13 of the schema were not).
    pub kept: bool,
}

/// The score written for a corrected label: the computed strength with the person's sign,
/// at least clearly out of the neutral band (0 for neutral), so lists sorted by score put it
/// where it belongs.
pub(crate) fn corrected_score(computed: Option<f64>, label: Label) -> f64 {
    let strength = computed.unwrap_or(0.0).abs().max(0.5);
    match label {
        Label::Negative => -strength,
        Label::Neutral => 0.0,
        Label::Positive => strength,
    }
}

impl Sqlite {
    /// Applies `decision` to the mentions `ids` (and their stories' copies) as `actor` at
    /// `now`, in one transaction. Returns the ids changed (unknown ids are skipped).
    pub fn decide(
        &mut self,
        ids: &[i64],
        decision: &Decision,
        actor: &str,
        now: Timestamp,
    ) -> Result<Vec<i64>> {
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<Vec<i64>> {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut touched = Vec::new();
            {
                let mut story = tx.prepare_cached(
                    "SELECT id FROM mentions WHERE id = ?1
                     UNION SELECT id FROM mentions WHERE story_id = ?1 AND ?2",
                )?;
                for id in ids {
                    // A note is about the one mention; the other decisions about its story.
                    let whole = !matches!(decision, Decision::Note(_));
                    for row in story.query_map(params![id, whole], |r| r.get::<_, i64>(0))? {
                        let row = row?;
                        if !touched.contains(&row) {
                            touched.push(row);
                        }
                    }
                }
                let mut event = tx.prepare_cached(
                    "INSERT INTO mention_events (mention_id, at, actor, action, detail)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                let mut mark = tx.prepare_cached(
                    "INSERT INTO alert_review (brand, since)
                     SELECT brand, ?2 FROM mentions WHERE id = ?1
                     ON CONFLICT (brand) DO NOTHING",
                )?;
                for id in &touched {
                    apply(&tx, *id, decision, actor, now)?;
                    event.execute(params![
                        id,
                        now.as_second(),
                        actor,
                        decision.action(),
                        decision.detail()
                    ])?;
                    if !matches!(decision, Decision::Note(_)) {
                        mark.execute(params![id, now.as_second()])?;
                    }
                }
            }
            tx.commit()?;
            Ok(touched)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// One mention with its whole text, whatever its state.
    pub fn mention(&self, id: i64) -> Result<Option<MentionDetail>> {
        let q = super::MentionQuery {
            only: Some(id),
            states: MentionState::ALL.to_vec(),
            limit: 1,
            ..Default::default()
        };
        let Some(row) = self.mentions(&q)?.pop() else {
            return Ok(None);
        };
        let text = self
            .conn
            .query_row("SELECT text FROM mentions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))?;
        Ok(Some(MentionDetail { row, text }))
    }

    /// The other mentions of `id`'s story (its first mention and its copies), oldest first.
    pub fn story_copies(&self, id: i64) -> Result<Vec<super::MentionRow>> {
        let run = || -> rusqlite::Result<Vec<i64>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT m.id FROM mentions m, mentions me
                 WHERE me.id = ?1 AND m.id != me.id
                   AND coalesce(m.story_id, m.id) = coalesce(me.story_id, me.id)
                 ORDER BY m.published_at, m.id LIMIT 100",
            )?;
            stmt.query_map([id], |r| r.get(0))?.collect()
        };
        let ids = run().map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(m) = self.mention(id)? {
                out.push(m.row);
            }
        }
        Ok(out)
    }

    /// The correction of mention `id`, if it was corrected.
    pub fn correction(&self, id: i64) -> Result<Option<Correction>> {
        Ok(self.corrections_where(Some(id))?.pop())
    }

    /// `brand`'s figures over `span`, counted as detection counts them (a story once, news
    /// only, irrelevant mentions left out), from the `mentions_counted` index alone.
    pub fn overview(&self, brand: &str, span: &OverviewSpan) -> Result<Overview> {
        let run = || -> rusqlite::Result<Overview> {
            let mut out = Overview {
                days: vec![(0, 0); span.days],
                ..Default::default()
            };
            let mut stmt = self.conn.prepare_cached(
                "SELECT CASE WHEN published_at < ?2 THEN -1 ELSE (published_at - ?2) / 86400 END AS day,
                        count(*),
                        count(*) FILTER (WHERE sentiment_label = 'negative' OR risk IS NOT NULL),
                        count(*) FILTER (WHERE published_at >= ?5),
                        count(*) FILTER (WHERE published_at > ?6),
                        count(*) FILTER (WHERE published_at > ?6
                                         AND (sentiment_label = 'negative' OR risk IS NOT NULL))
                 FROM mentions INDEXED BY mentions_counted
                 WHERE brand = ?1 AND published_at > ?3 AND published_at <= ?4
                   AND story_id IS NULL AND news = 1 AND state != 'irrelevant'
                 GROUP BY day",
            )?;
            let mut rows = stmt.query(params![
                brand,
                span.first_day.as_second(),
                span.from.as_second(),
                span.now.as_second(),
                span.today.as_second(),
                span.week.as_second()
            ])?;
            while let Some(r) = rows.next()? {
                let day: i64 = r.get(0)?;
                let (total, negative): (i64, i64) = (r.get(1)?, r.get(2)?);
                if let Some(d) = usize::try_from(day).ok().and_then(|d| out.days.get_mut(d)) {
                    *d = (total as u32, negative as u32);
                }
                out.today += r.get::<_, i64>(3)? as u64;
                let week: i64 = r.get(4)?;
                out.week += week as u64;
                out.week_negative += r.get::<_, i64>(5)? as u64;
                out.before += (total - week) as u64;
            }
            let mut stmt = self.conn.prepare_cached(
                "SELECT risk, count(*) FROM mentions INDEXED BY mentions_counted
                 WHERE brand = ?1 AND published_at > ?2 AND published_at <= ?3 AND risk IS NOT NULL
                   AND story_id IS NULL AND news = 1 AND state != 'irrelevant'
                 GROUP BY risk",
            )?;
            out.week_risks = stmt
                .query_map(
                    params![brand, span.week.as_second(), span.now.as_second()],
                    |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            Ok(out)
        };
        run().map_err(|e| self.err(e))
    }

    /// A mention's history, oldest first.
    pub fn history(&self, id: i64) -> Result<Vec<Event>> {
        let run = || -> rusqlite::Result<Vec<Event>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT at, actor, action, detail FROM mention_events
                 WHERE mention_id = ?1 ORDER BY at, id",
            )?;
            stmt.query_map([id], |r| {
                Ok(Event {
                    at: ts(r.get(0)?),
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Every correction, oldest first, with the mention's text.
    pub fn corrections(&self) -> Result<Vec<Correction>> {
        self.corrections_where(None)
    }

    fn corrections_where(&self, id: Option<i64>) -> Result<Vec<Correction>> {
        let run = || -> rusqlite::Result<Vec<Correction>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT c.mention_id, m.brand, m.lang, m.title, m.text, c.computed_sentiment,
                        c.computed_label, c.computed_risk, c.sentiment_label, c.risk,
                        c.corrected_at, c.corrected_by
                 FROM corrections c JOIN mentions m ON m.id = c.mention_id
                 WHERE ?1 IS NULL OR c.mention_id = ?1
                 ORDER BY c.corrected_at, c.mention_id",
            )?;
            stmt.query_map([id], |r| {
                Ok(Correction {
                    mention_id: r.get(0)?,
                    brand: r.get(1)?,
                    lang: r.get(2)?,
                    title: r.get(3)?,
                    text: r.get(4)?,
                    computed_sentiment: r.get(5)?,
                    computed_label: r.get(6)?,
                    computed_risk: r.get(7)?,
                    sentiment_label: r.get(8)?,
                    risk: r.get(9)?,
                    corrected_at: ts(r.get(10)?),
                    corrected_by: r.get(11)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Records a new API token by its SHA-256 (hex); returns its id.
    pub fn create_token(
        &mut self,
        name: &str,
        role: &str,
        sha256: &str,
        now: Timestamp,
    ) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO api_tokens (name, role, sha256, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role, sha256, now.as_second()],
            )
            .map(|_| self.conn.last_insert_rowid())
            .map_err(|e| self.err(e))
    }

    /// The role and name of the live token whose SHA-256 is `sha256`, noting its use.
    pub fn use_token(&mut self, sha256: &str, now: Timestamp) -> Result<Option<(String, String)>> {
        let found = self
            .conn
            .query_row(
                "SELECT id, name, role FROM api_tokens WHERE sha256 = ?1 AND revoked_at IS NULL",
                [sha256],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((id, name, role)) = found else {
            return Ok(None);
        };
        // At most one write a minute per token: reads stay reads.
        self.conn
            .execute(
                "UPDATE api_tokens SET last_used_at = ?2
                 WHERE id = ?1 AND coalesce(last_used_at, 0) < ?2 - 60",
                params![id, now.as_second()],
            )
            .map_err(|e| self.err(e))?;
        Ok(Some((name, role)))
    }

    /// Every API token, newest first.
    pub fn tokens(&self) -> Result<Vec<TokenRow>> {
        let run = || -> rusqlite::Result<Vec<TokenRow>> {
            let mut stmt = self.conn.prepare(
                "SELECT id, name, role, created_at, last_used_at, revoked_at IS NOT NULL
                 FROM api_tokens ORDER BY id DESC",
            )?;
            stmt.query_map([], |r| {
                Ok(TokenRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                    created_at: ts(r.get(3)?),
                    last_used_at: opt_ts(r.get(4)?),
                    revoked: r.get(5)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Revokes the token `id`; false when there is no live token with that id.
    pub fn revoke_token(&mut self, id: i64, now: Timestamp) -> Result<bool> {
        self.conn
            .execute(
                "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, now.as_second()],
            )
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    /// The secret `name` of the workspace, made by `make` the first time it is asked for.
    pub fn web_secret(&mut self, name: &str, make: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>> {
        let value = make();
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<Vec<u8>> {
            c.execute(
                "INSERT INTO web_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                params![name, value],
            )?;
            c.query_row(
                "SELECT value FROM web_secrets WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// Sent digests, newest first.
    pub fn digests(&self, limit: usize) -> Result<Vec<DigestRow>> {
        let run = || -> rusqlite::Result<Vec<DigestRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT watchlist, period_start, period_end, created_at, emails, html IS NOT NULL
                 FROM digests ORDER BY period_end DESC, watchlist LIMIT ?1",
            )?;
            stmt.query_map([limit as i64], |r| {
                Ok(DigestRow {
                    watchlist: r.get(0)?,
                    period_start: ts(r.get(1)?),
                    period_end: ts(r.get(2)?),
                    created_at: ts(r.get(3)?),
                    emails: r.get(4)?,
                    kept: r.get(5)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// The page of `watchlist`'s digest ending at `end`, as it was sent.
    pub fn digest_html(&self, watchlist: &str, end: Timestamp) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT html FROM digests WHERE watchlist = ?1 AND period_end = ?2",
                params![watchlist, end.as_second()],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }
}

/// Applies one decision to one mention.
fn apply(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    decision: &Decision,
    actor: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let keep_computed = |tx: &rusqlite::Transaction<'_>| {
        tx.execute(
            "INSERT INTO corrections (mention_id, computed_sentiment, computed_label,
                 computed_risk, computed_severity, corrected_at, corrected_by)
             SELECT id, sentiment, sentiment_label, risk, risk_severity, ?2, ?3
             FROM mentions WHERE id = ?1
             ON CONFLICT (mention_id) DO UPDATE
             SET corrected_at = excluded.corrected_at, corrected_by = excluded.corrected_by",
            params![id, now.as_second(), actor],
        )
    };
    match decision {
        Decision::State(state) => {
            tx.execute(
                "UPDATE mentions SET state = ?2 WHERE id = ?1",
                params![id, state.as_str()],
            )?;
        }
        Decision::Sentiment(label) => {
            keep_computed(tx)?;
            let computed: Option<f64> = tx
                .query_row(
                    "SELECT computed_sentiment FROM corrections WHERE mention_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            tx.execute(
                "UPDATE mentions SET sentiment = ?2, sentiment_label = ?3 WHERE id = ?1",
                params![id, corrected_score(computed, *label), label.as_str()],
            )?;
            tx.execute(
                "UPDATE corrections SET sentiment_label = ?2 WHERE mention_id = ?1",
                params![id, label.as_str()],
            )?;
        }
        Decision::Risk(risk) => {
            keep_computed(tx)?;
            tx.execute(
                "UPDATE mentions SET risk = ?2, risk_severity = ?3 WHERE id = ?1",
                params![id, risk.to_stored(), risk.severity],
            )?;
            tx.execute(
                "UPDATE corrections SET risk = ?2 WHERE mention_id = ?1",
                params![id, risk.to_stored().unwrap_or_else(|| "none".into())],
            )?;
        }
        Decision::Note(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrected_label_gets_a_score_on_its_side_of_the_neutral_band() {
        // The sarcasm example of the issue: +0.77 read as negative.
        assert_eq!(corrected_score(Some(0.77), Label::Negative), -0.77);
        assert_eq!(corrected_score(Some(0.01), Label::Negative), -0.5);
        assert_eq!(corrected_score(Some(-0.3), Label::Positive), 0.5);
        assert_eq!(corrected_score(None, Label::Neutral), 0.0);
        assert_eq!(
            Label::of(corrected_score(Some(0.2), Label::Negative) as f32),
            Label::Negative
        );
    }
}
