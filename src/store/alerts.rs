//! Alerts in SQLite: what the policy reads of a brand ([`BrandActivity`]), the changes it
//! decides ([`AlertChange`], stored with their emails in the review's transaction), and the
//! alert list for `vigie alerts`. The emails themselves wait in the outbox (`outbox.rs`).
//!
//! Alert decisions are made by [`Store::review_alerts`], in one transaction for the brands
//! that polls marked (in their own transactions) and the brands with an open alert: an
//! alert and its emails are stored together, or not at all, and a mark stays until a
//! review has taken it.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Transaction, params};
use serde::Serialize;

use super::outbox::Outgoing;
use super::{Result, Store, opt_ts, ts};
use crate::analyze::alert::{Action, Kind, OpenAlert, Point, Reading};
use crate::settings::alerts::DETECTION_SPAN;

/// What the alert policy sees of one brand, read inside the poll's transaction.
#[derive(Debug, Clone)]
pub struct BrandActivity {
    pub brand: String,
    /// Mentions published in the detection span before `now` (15 days), oldest first.
    pub points: Vec<Point>,
    pub open: Vec<OpenAlert>,
    /// When the brand's last alert of each kind closed.
    pub last_closed: HashMap<Kind, Timestamp>,
    /// The most recent mentions of the last 24 hours, newest first, for emails.
    pub recent: Vec<Sample>,
}

/// A mention as an email shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub title: String,
    pub url: Option<String>,
    pub source: String,
    pub snippet: String,
    pub matched_terms: Vec<String>,
    pub sentiment: Option<f64>,
    pub published_at: Timestamp,
}

/// What the policy decided for one brand: an action and the emails that tell of it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertChange {
    pub brand: String,
    pub action: Action,
    pub emails: Vec<Outgoing>,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRow {
    pub id: i64,
    pub brand: String,
    pub kind: Kind,
    pub state: String,
    #[serde(with = "secs")]
    pub window: Duration,
    pub opened_at: Timestamp,
    pub observed: u32,
    pub total: u32,
    pub baseline: f64,
    pub statistic: f64,
    pub threshold: f64,
    pub escalated_at: Option<Timestamp>,
    pub escalated_observed: Option<u32>,
    pub closed_at: Option<Timestamp>,
    /// Emails of this alert: sent, waiting, dead.
    pub emails_sent: u32,
    pub emails_pending: u32,
    pub emails_dead: u32,
}

mod secs {
    pub fn serialize<S: serde::Serializer>(
        d: &std::time::Duration,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }
}

/// Reads what the policy needs about `brand`, inside `tx`.
pub(super) fn activity(
    tx: &Transaction<'_>,
    brand: &str,
    now: Timestamp,
) -> rusqlite::Result<BrandActivity> {
    let points = points(tx, brand, now - DETECTION_SPAN, now)?;
    let mut stmt = tx.prepare_cached(
        "SELECT id, kind, opened_at, window_seconds, observed, escalated_at IS NOT NULL
         FROM alerts WHERE brand = ?1 AND state = 'open'",
    )?;
    let open = stmt
        .query_map([brand], |r| {
            Ok(OpenAlert {
                id: r.get(0)?,
                kind: Kind::parse(&r.get::<_, String>(1)?).unwrap_or(Kind::Volume),
                opened_at: ts(r.get(2)?),
                window: Duration::from_secs(r.get::<_, i64>(3)?.max(0) as u64),
                opened_observed: r.get::<_, i64>(4)?.max(0) as u32,
                escalated: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = tx.prepare_cached(
        "SELECT kind, max(closed_at) FROM alerts WHERE brand = ?1 AND state = 'closed' GROUP BY kind",
    )?;
    let last_closed = stmt
        .query_map([brand], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .filter_map(|r| r.ok())
        .filter_map(|(k, t)| Some((Kind::parse(&k)?, ts(t))))
        .collect();
    let mut stmt = tx.prepare_cached(
        "SELECT m.title, m.url, s.url, m.snippet, m.matched_terms, m.sentiment, m.published_at
         FROM mentions m JOIN sources s ON s.id = m.source_id
         WHERE m.brand = ?1 AND m.published_at > ?2 AND m.published_at <= ?3
           AND m.story_id IS NULL AND m.news = 1
         ORDER BY m.published_at DESC, m.id DESC LIMIT 200",
    )?;
    let recent = stmt
        .query_map(
            params![
                brand,
                (now - Duration::from_secs(24 * 3600)).as_second(),
                now.as_second()
            ],
            sample,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(BrandActivity {
        brand: brand.to_string(),
        points,
        open,
        last_closed,
        recent,
    })
}

/// A [`Sample`] from a row of `title, url, source url, snippet, matched_terms, sentiment,
/// published_at`.
pub(super) fn sample(r: &rusqlite::Row<'_>) -> rusqlite::Result<Sample> {
    let terms: String = r.get(4)?;
    Ok(Sample {
        title: r.get(0)?,
        url: r.get(1)?,
        source: r.get(2)?,
        snippet: r.get(3)?,
        matched_terms: serde_json::from_str(&terms).unwrap_or_default(),
        sentiment: r.get(5)?,
        published_at: ts(r.get(6)?),
    })
}

/// A brand's stories published in `(from, to]`, oldest first: a copy of a story already
/// stored (syndicated, or reached through an alert) is not counted again, nor a mention
/// that is not news (an undated item of a source's first poll).
pub(super) fn points(
    conn: &rusqlite::Connection,
    brand: &str,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<Vec<Point>> {
    let mut stmt = conn.prepare_cached(
        "SELECT published_at, sentiment_label = 'negative' FROM mentions
         WHERE brand = ?1 AND published_at > ?2 AND published_at <= ?3
           AND story_id IS NULL AND news = 1
         ORDER BY published_at",
    )?;
    stmt.query_map(params![brand, from.as_second(), to.as_second()], |r| {
        Ok(Point {
            published: ts(r.get(0)?),
            negative: r.get::<_, Option<bool>>(1)?.unwrap_or(false),
        })
    })?
    .collect()
}

/// The brands with an open alert.
pub(super) fn brands_with_open(tx: &Transaction<'_>) -> rusqlite::Result<Vec<String>> {
    tx.prepare_cached("SELECT DISTINCT brand FROM alerts WHERE state = 'open'")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// Stores an alert change and queues its emails, inside `tx`.
pub(super) fn apply(
    tx: &Transaction<'_>,
    change: &AlertChange,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let alert_id = match &change.action {
        Action::Open(r) => {
            insert_alert(tx, &change.brand, r, now)?;
            tx.last_insert_rowid()
        }
        Action::Escalate { alert, reading } => {
            tx.execute(
                "UPDATE alerts SET escalated_at = ?2, escalated_observed = ?3 WHERE id = ?1",
                params![alert, now.as_second(), reading.observed],
            )?;
            *alert
        }
        Action::Close { alert, .. } => {
            tx.execute(
                "UPDATE alerts SET state = 'closed', closed_at = ?2 WHERE id = ?1",
                params![alert, now.as_second()],
            )?;
            *alert
        }
    };
    for e in &change.emails {
        super::outbox::enqueue(tx, Some(alert_id), e, now)?;
    }
    Ok(())
}

fn insert_alert(
    tx: &Transaction<'_>,
    brand: &str,
    r: &Reading,
    now: Timestamp,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO alerts (brand, kind, state, window_seconds, opened_at, observed, total,
             baseline, statistic, threshold)
         VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            brand,
            r.kind.as_str(),
            r.window.as_secs() as i64,
            now.as_second(),
            r.observed,
            r.total,
            r.baseline,
            r.statistic,
            r.threshold
        ],
    )
}

impl Store {
    /// A brand's mentions published in `(from, to]`, oldest first, as detection sees them.
    pub fn points(&self, brand: &str, from: Timestamp, to: Timestamp) -> Result<Vec<Point>> {
        points(&self.conn, brand, from, to).map_err(|e| self.err(e))
    }

    /// Alerts, newest first; only open ones with `open_only`.
    pub fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>> {
        let run = || -> rusqlite::Result<Vec<AlertRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT a.id, a.brand, a.kind, a.state, a.window_seconds, a.opened_at, a.observed,
                        a.total, a.baseline, a.statistic, a.threshold, a.escalated_at,
                        a.escalated_observed, a.closed_at,
                        (SELECT count(*) FROM outbox o WHERE o.alert_id = a.id AND o.state = 'sent'),
                        (SELECT count(*) FROM outbox o WHERE o.alert_id = a.id AND o.state = 'pending'),
                        (SELECT count(*) FROM outbox o WHERE o.alert_id = a.id AND o.state = 'dead')
                 FROM alerts a
                 WHERE (?1 = 0 OR a.state = 'open')
                 ORDER BY a.opened_at DESC, a.id DESC LIMIT ?2",
            )?;
            stmt.query_map(params![open_only, limit as i64], |r| {
                Ok(AlertRow {
                    id: r.get(0)?,
                    brand: r.get(1)?,
                    kind: Kind::parse(&r.get::<_, String>(2)?).unwrap_or(Kind::Volume),
                    state: r.get(3)?,
                    window: Duration::from_secs(r.get::<_, i64>(4)?.max(0) as u64),
                    opened_at: ts(r.get(5)?),
                    observed: r.get(6)?,
                    total: r.get(7)?,
                    baseline: r.get(8)?,
                    statistic: r.get(9)?,
                    threshold: r.get(10)?,
                    escalated_at: opt_ts(r.get(11)?),
                    escalated_observed: r.get(12)?,
                    closed_at: opt_ts(r.get(13)?),
                    emails_sent: r.get(14)?,
                    emails_pending: r.get(15)?,
                    emails_dead: r.get(16)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }
}
