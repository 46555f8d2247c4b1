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
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::outbox::Outgoing;
use super::{Result, Sqlite, opt_ts, ts};
use crate::analyze::alert::spread::{self, Copy, SPREAD_WINDOWS};
use crate::analyze::alert::{Action, Kind, OpenAlert, Point, Reading};
use crate::analyze::risk::{Category, Risk, counts_negative};
use crate::analyze::sentiment::Label;
use crate::settings::alerts::DETECTION_SPAN;

/// What the alert policy sees of one brand, read inside the poll's transaction.
#[derive(Debug, Clone)]
pub struct BrandActivity {
    pub brand: String,
    /// Mentions published in the detection span before `now` (15 days), oldest first.
    pub points: Vec<Point>,
    /// Each point's weight when mentions are weighted by engagement
    /// ([`crate::analyze::alert::detect::engagement_weight`]), in the same order.
    pub weights: Vec<u32>,
    pub open: Vec<OpenAlert>,
    /// When the brand's last alert of each kind closed.
    pub last_closed: HashMap<Kind, Timestamp>,
    /// The most recent mentions of the last 24 hours, newest first, for emails.
    pub recent: Vec<Sample>,
    /// Copies of the brand's stories published in the last 6 hours (first mentions
    /// included), for spread detection.
    pub copies: Vec<Copy>,
    /// How far the brand's stories of the previous 14 days spread (sites per story, 90th
    /// percentile); only read when a story of the last 6 hours reached a few sites.
    pub usual_spread: f64,
    /// The stories of the last 6 hours that reached a few sites, by id, for emails.
    pub stories: HashMap<i64, StoryInfo>,
}

/// A story as a spread alert tells of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryInfo {
    /// Its first mention.
    pub first: Sample,
    /// The site of its first mention.
    pub first_site: String,
    /// The sites carrying it, in the order they published it.
    pub sites: Vec<String>,
    /// What its first mention reports.
    #[serde(skip)]
    pub risk: Risk,
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
    /// The reputation-risk categories it reports.
    pub risk: Vec<Category>,
    /// The name the watchlist gives its source, if any.
    pub source_name: Option<String>,
    /// Its interactions and reach, when its service gave them and the query read them
    /// (columns named `engagement` and `reach`).
    pub engagement: Option<u64>,
    pub reach: Option<u64>,
}

/// What the policy decided for one brand: an action and the emails that tell of it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertChange {
    pub brand: String,
    pub action: Action,
    pub emails: Vec<Outgoing>,
    /// The story a spread alert is about.
    pub story: Option<i64>,
    /// The sites carrying that story when the alert opened.
    pub sites: Vec<String>,
    /// The categories a risk alert is about.
    pub risk: Risk,
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
    /// The story a spread alert is about (its first mention).
    pub story: Option<i64>,
    /// The sites carrying it when the alert opened (spread).
    pub sites: Vec<String>,
    /// The risk categories (risk alerts).
    pub categories: Vec<Category>,
    /// When someone acknowledged the alert, and their note.
    pub acknowledged_at: Option<Timestamp>,
    pub ack_note: Option<String>,
    /// Who acknowledged it (a workspace user or an API token's name).
    pub acknowledged_by: Option<String>,
    /// Emails of this alert: sent, waiting, dead.
    pub emails_sent: u32,
    pub emails_pending: u32,
    pub emails_dead: u32,
    /// Its chat messages: posted, waiting, dead.
    pub chat_sent: u32,
    pub chat_pending: u32,
    pub chat_dead: u32,
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
    let (points, weights): (Vec<Point>, Vec<u32>) =
        loud_points(tx, brand, now - DETECTION_SPAN, now)?
            .into_iter()
            .map(|(p, e)| (p, crate::analyze::alert::detect::engagement_weight(e)))
            .unzip();
    let mut stmt = tx.prepare_cached(
        "SELECT id, kind, opened_at, window_seconds, observed, escalated_at IS NOT NULL, detail,
                acknowledged_at
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
                risk: Detail::read(r.get(6)?).risk(),
                acknowledged: opt_ts(r.get(7)?),
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
        "SELECT m.title, m.url, s.url, m.snippet, m.matched_terms, m.sentiment, m.published_at,
                m.risk, CASE WHEN s.kind LIKE '%-alerts' THEN NULL ELSE s.name END,
                m.engagement, m.reach
         FROM mentions m JOIN sources s ON s.id = m.source_id
         WHERE m.brand = ?1 AND m.published_at > ?2 AND m.published_at <= ?3
           AND m.story_id IS NULL AND m.news = 1 AND m.state != 'irrelevant'
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
    let copies = copies_in(tx, brand, now - SPREAD_WINDOWS[1], now)?;
    let (usual_spread, stories) = if spread::worth_a_look(&copies) {
        let past = copies_in(tx, brand, now - DETECTION_SPAN, now - SPREAD_WINDOWS[1])?;
        let counts = spread::sites_per_story(&past)
            .values()
            .map(|s| s.len() as u32)
            .collect();
        (spread::usual_spread(counts), stories(tx, &copies)?)
    } else {
        (1.0, HashMap::new())
    };
    Ok(BrandActivity {
        brand: brand.to_string(),
        points,
        weights,
        open,
        last_closed,
        recent,
        copies,
        usual_spread,
        stories,
    })
}

/// The copies of `brand`'s stories published in `(from, to]` that are news.
fn copies_in(
    conn: &rusqlite::Connection,
    brand: &str,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<Vec<Copy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(m.story_id, m.id), m.url, s.url, m.published_at
         FROM mentions m JOIN sources s ON s.id = m.source_id
         WHERE m.brand = ?1 AND m.published_at > ?2 AND m.published_at <= ?3 AND m.news = 1
           AND m.state != 'irrelevant'",
    )?;
    stmt.query_map(params![brand, from.as_second(), to.as_second()], |r| {
        let url: Option<String> = r.get(1)?;
        let source: String = r.get(2)?;
        Ok(Copy {
            story: r.get(0)?,
            site: site_of(url.as_deref(), &source),
            published: ts(r.get(3)?),
        })
    })?
    .collect()
}

/// The site a mention was published on: its link's registrable domain, else its source's,
/// else the source itself (a `file:` source is a site of its own).
pub(super) fn site_of(url: Option<&str>, source: &str) -> String {
    url.and_then(spread::site)
        .or_else(|| spread::site(source))
        .unwrap_or_else(|| crate::ingest::fetch::redact_str(source))
}

/// What emails say of the stories of `copies` that reached a few sites.
fn stories(tx: &Transaction<'_>, copies: &[Copy]) -> rusqlite::Result<HashMap<i64, StoryInfo>> {
    let mut out = HashMap::new();
    let mut ordered: Vec<&Copy> = copies.iter().collect();
    ordered.sort_by_key(|c| c.published);
    let mut stmt = tx.prepare_cached(
        "SELECT m.title, m.url, s.url, m.snippet, m.matched_terms, m.sentiment, m.published_at,
                m.risk, CASE WHEN s.kind LIKE '%-alerts' THEN NULL ELSE s.name END, m.risk_severity
         FROM mentions m JOIN sources s ON s.id = m.source_id WHERE m.id = ?1",
    )?;
    for (story, sites) in spread::sites_per_story(copies) {
        if sites.len() < spread::SPREAD_FLOOR {
            continue;
        }
        let Some((first, first_source, risk)) = stmt
            .query_row([story], |r| {
                let risk = Risk::from_stored(
                    r.get::<_, Option<String>>(7)?.as_deref(),
                    r.get::<_, Option<u8>>(9)?.unwrap_or(0),
                );
                Ok((sample(r)?, r.get::<_, String>(2)?, risk))
            })
            .optional()?
        else {
            continue;
        };
        out.insert(
            story,
            story_info(story, first, &first_source, risk, &ordered),
        );
    }
    Ok(out)
}

/// What an email says of `story`: its first mention (found on `first_source`), and the
/// sites carrying it in the order they published it (`ordered`: copies by publication).
/// Both backends tell of a story with it.
pub(super) fn story_info(
    story: i64,
    first: Sample,
    first_source: &str,
    risk: Risk,
    ordered: &[&Copy],
) -> StoryInfo {
    let mut sites: Vec<String> = Vec::new();
    for c in ordered.iter().filter(|c| c.story == story) {
        if !sites.contains(&c.site) {
            sites.push(c.site.clone());
        }
    }
    StoryInfo {
        first_site: site_of(first.url.as_deref(), first_source),
        first,
        sites,
        risk,
    }
}

/// What an alert row keeps beyond its figures (`alerts.detail`, JSON): a spread alert's
/// sites, a risk alert's categories.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Detail {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) sites: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) categories: Vec<Category>,
}

impl Detail {
    pub(super) fn read(text: Option<String>) -> Detail {
        text.and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// As stored: `None` when there is nothing to keep.
    pub(super) fn to_stored(&self) -> Option<String> {
        (!self.sites.is_empty() || !self.categories.is_empty())
            .then(|| serde_json::to_string(self).ok())
            .flatten()
    }

    pub(super) fn risk(&self) -> Risk {
        self.categories
            .iter()
            .fold(Risk::none(), |r, c| r.with(*c, 1))
    }
}

/// A [`Sample`] from a row of `title, url, source url, snippet, matched_terms, sentiment,
/// published_at, risk, source name` (NULL for an alert feed, whose items are other sites').
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
        risk: Risk::from_stored(r.get::<_, Option<String>>(7)?.as_deref(), 1).categories(),
        source_name: r.get(8)?,
        engagement: count_named(r, "engagement")?,
        reach: count_named(r, "reach")?,
    })
}

/// The count in the column named `name`, when the query has one.
fn count_named(r: &rusqlite::Row<'_>, name: &str) -> rusqlite::Result<Option<u64>> {
    match r.as_ref().column_index(name) {
        Ok(i) => Ok(r.get::<_, Option<i64>>(i)?.map(|n| n.max(0) as u64)),
        Err(_) => Ok(None),
    }
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
    Ok(loud_points(conn, brand, from, to)?
        .into_iter()
        .map(|(p, _)| p)
        .collect())
}

/// [`points`] with each one's engagement.
pub(super) fn loud_points(
    conn: &rusqlite::Connection,
    brand: &str,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<Vec<(Point, Option<u64>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT published_at, sentiment_label, risk, risk_severity, engagement FROM mentions
         WHERE brand = ?1 AND published_at > ?2 AND published_at <= ?3
           AND story_id IS NULL AND news = 1 AND state != 'irrelevant'
         ORDER BY published_at",
    )?;
    stmt.query_map(params![brand, from.as_second(), to.as_second()], |r| {
        let label: Option<Label> = r.get::<_, Option<String>>(1)?.and_then(|l| l.parse().ok());
        let risk = Risk::from_stored(
            r.get::<_, Option<String>>(2)?.as_deref(),
            r.get::<_, Option<u8>>(3)?.unwrap_or(0),
        );
        Ok((
            Point {
                published: ts(r.get(0)?),
                negative: counts_negative(label, &risk),
                risk,
            },
            r.get::<_, Option<i64>>(4)?.map(|e| e.max(0) as u64),
        ))
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
            let detail = Detail {
                sites: change.sites.clone(),
                categories: change.risk.categories(),
            };
            insert_alert(tx, &change.brand, r, now, change.story, &detail)?;
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
    story: Option<i64>,
    detail: &Detail,
) -> rusqlite::Result<usize> {
    let detail = detail.to_stored();
    tx.execute(
        "INSERT INTO alerts (brand, kind, state, window_seconds, opened_at, observed, total,
             baseline, statistic, threshold, story_id, detail)
         VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            brand,
            r.kind.as_str(),
            r.window.as_secs() as i64,
            now.as_second(),
            r.observed,
            r.total,
            r.baseline,
            r.statistic,
            r.threshold,
            story,
            detail
        ],
    )
}

impl Sqlite {
    /// A brand's mentions published in `(from, to]`, oldest first, as detection sees them.
    pub fn points(&self, brand: &str, from: Timestamp, to: Timestamp) -> Result<Vec<Point>> {
        points(&self.conn, brand, from, to).map_err(|e| self.err(e))
    }

    /// [`Store::points`] with each one's engagement.
    pub fn loud_points(
        &self,
        brand: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Point, Option<u64>)>> {
        loud_points(&self.conn, brand, from, to).map_err(|e| self.err(e))
    }

    /// Marks alert `id` acknowledged now, with an optional note; false when there is no
    /// such alert. Acknowledging again replaces the note and keeps the first time.
    /// `by`: who (a workspace user or token; `None` from the command line).
    pub fn acknowledge(
        &mut self,
        id: i64,
        by: Option<&str>,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<bool> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, ?2),
                     ack_note = coalesce(?3, ack_note),
                     acknowledged_by = coalesce(acknowledged_by, ?4)
                 WHERE id = ?1",
                params![id, now.as_second(), note, by],
            )?;
            tx.commit()?;
            Ok(n > 0)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// Alerts, newest first; only open ones with `open_only`.
    pub fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>> {
        self.alerts_where(open_only, None, limit)
    }

    /// The alert `id`, if there is one.
    pub fn alert(&self, id: i64) -> Result<Option<AlertRow>> {
        Ok(self.alerts_where(false, Some(id), 1)?.pop())
    }

    fn alerts_where(
        &self,
        open_only: bool,
        id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AlertRow>> {
        let run = || -> rusqlite::Result<Vec<AlertRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT a.id, a.brand, a.kind, a.state, a.window_seconds, a.opened_at, a.observed,
                        a.total, a.baseline, a.statistic, a.threshold, a.escalated_at,
                        a.escalated_observed, a.closed_at, a.story_id, a.detail,
                        a.acknowledged_at, a.ack_note,
                        (SELECT count(*) FILTER (WHERE o.state = 'sent' AND o.recipient NOT LIKE 'channel:%')
                           FROM outbox o WHERE o.alert_id = a.id),
                        (SELECT count(*) FILTER (WHERE o.state = 'pending' AND o.recipient NOT LIKE 'channel:%')
                           FROM outbox o WHERE o.alert_id = a.id),
                        (SELECT count(*) FILTER (WHERE o.state = 'dead' AND o.recipient NOT LIKE 'channel:%')
                           FROM outbox o WHERE o.alert_id = a.id),
                        (SELECT count(*) FILTER (WHERE o.state = 'sent' AND o.recipient LIKE 'channel:%')
                           FROM outbox o WHERE o.alert_id = a.id),
                        (SELECT count(*) FILTER (WHERE o.state = 'pending' AND o.recipient LIKE 'channel:%')
                           FROM outbox o WHERE o.alert_id = a.id),
                        (SELECT count(*) FILTER (WHERE o.state = 'dead' AND o.recipient LIKE 'channel:%')
                           FROM outbox o WHERE o.alert_id = a.id),
                        a.acknowledged_by
                 FROM alerts a
                 WHERE (?1 = 0 OR a.state = 'open') AND (?3 IS NULL OR a.id = ?3)
                 ORDER BY a.opened_at DESC, a.id DESC LIMIT ?2",
            )?;
            stmt.query_map(params![open_only, limit as i64, id], |r| {
                let detail = Detail::read(r.get(15)?);
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
                    story: r.get(14)?,
                    sites: detail.sites,
                    categories: detail.categories,
                    acknowledged_at: opt_ts(r.get(16)?),
                    ack_note: r.get(17)?,
                    emails_sent: r.get(18)?,
                    emails_pending: r.get(19)?,
                    emails_dead: r.get(20)?,
                    chat_sent: r.get(21)?,
                    chat_pending: r.get(22)?,
                    chat_dead: r.get(23)?,
                    acknowledged_by: r.get(24)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }
}
