//! Alerts on PostgreSQL: the review (what the policy reads of a brand, the changes it
//! decides, stored with their emails in one transaction), the alert list, acknowledging.
//! The same reads and writes as SQLite's (`store/alerts.rs`), in PostgreSQL's SQL.
//!
//! Several nodes review alerts: each brand's review holds an advisory lock for that brand
//! until its transaction ends ([`work::lock_brand`]), taken in name order, so two nodes
//! never decide about one brand at once; the second sees the first's alert and does not
//! open it again. A brand's mark is taken (deleted) before its mentions are read: a poll
//! committed meanwhile marks it again, and the next review sees its mentions.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use jiff::Timestamp;
use tokio_postgres::Row;

use super::conn::{Sql, Tx};

use super::store::PgStore;
use super::{PgError, sql, work};
use crate::analyze::alert::detect::engagement_weight;
use crate::analyze::alert::spread::{self, Copy, SPREAD_WINDOWS};
use crate::analyze::alert::{Action, Kind, OpenAlert, Point};
use crate::analyze::risk::{Risk, counts_negative};
use crate::analyze::sentiment::Label;
use crate::settings::alerts::DETECTION_SPAN;
use crate::store::alerts::{Detail, site_of, story_info};
use crate::store::outbox::Outgoing;
use crate::store::{AlertChange, AlertRow, BrandActivity, Sample, StoreError, StoryInfo};
use crate::store::{opt_ts, ts};

type Result<T> = std::result::Result<T, StoreError>;

/// The columns [`sample`] reads, after `FROM mentions m JOIN sources s`.
pub(super) const SAMPLE: &str = "m.title, m.url, s.url, m.snippet, m.matched_terms, m.sentiment,
    m.published_at, m.risk, CASE WHEN s.kind LIKE '%-alerts' THEN NULL ELSE s.name END,
    m.engagement, m.reach, m.risk_severity";

impl PgStore {
    /// As [`crate::store::Sqlite::review_alerts`], each brand under its lock.
    pub fn review_alerts(
        &mut self,
        brands: &[String],
        now: Timestamp,
        open_too: bool,
        policy: &mut dyn FnMut(&BrandActivity) -> Vec<AlertChange>,
    ) -> Result<usize> {
        self.run(async |c| {
            let tx = c.transaction().await.map_err(sql("starting a review"))?;
            let marked: Vec<String> = tx
                .query("SELECT brand FROM alert_review", &[])
                .await
                .map_err(sql("reading the brands to review"))?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let open: HashSet<String> = if open_too {
                tx.query(
                    "SELECT DISTINCT brand FROM alerts WHERE state = 'open'",
                    &[],
                )
                .await
                .map_err(sql("reading the open alerts"))?
                .iter()
                .map(|r| r.get(0))
                .collect()
            } else {
                HashSet::new()
            };
            let watched: HashSet<&str> = brands.iter().map(String::as_str).collect();
            let mut due: Vec<&str> = marked
                .iter()
                .chain(open.iter())
                .map(String::as_str)
                .filter(|b| watched.contains(b))
                .collect();
            due.sort_unstable();
            due.dedup();
            let mut reviewed = 0;
            for brand in due {
                work::lock_brand(tx.inner(), brand).await?;
                let taken = tx
                    .execute("DELETE FROM alert_review WHERE brand = $1", &[&brand])
                    .await
                    .map_err(sql("taking the brand's mark"))?;
                if taken == 0 && !open.contains(brand) {
                    // Another node reviewed it since the list was read.
                    continue;
                }
                let seen = activity(&tx, brand, now).await?;
                for change in policy(&seen) {
                    apply(&tx, &change, now).await?;
                }
                reviewed += 1;
            }
            tx.commit().await.map_err(sql("committing the review"))?;
            Ok(reviewed)
        })
    }

    pub fn points(&self, brand: &str, from: Timestamp, to: Timestamp) -> Result<Vec<Point>> {
        Ok(self
            .loud_points(brand, from, to)?
            .into_iter()
            .map(|(p, _)| p)
            .collect())
    }

    pub fn loud_points(
        &self,
        brand: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Point, Option<u64>)>> {
        self.run(async |c| loud_points(c, brand, from, to).await)
    }

    pub fn acknowledge(
        &mut self,
        id: i64,
        by: Option<&str>,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<bool> {
        self.run(async |c| {
            let n = c
                .execute(
                    "UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, $2),
                         ack_note = coalesce($3, ack_note),
                         acknowledged_by = coalesce(acknowledged_by, $4)
                     WHERE id = $1",
                    &[&id, &now.as_second(), &note, &by],
                )
                .await
                .map_err(sql("acknowledging an alert"))?;
            Ok(n > 0)
        })
    }

    pub fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>> {
        self.alerts_where(open_only, None, limit)
    }

    pub fn alert(&self, id: i64) -> Result<Option<AlertRow>> {
        Ok(self.alerts_where(false, Some(id), 1)?.pop())
    }

    fn alerts_where(
        &self,
        open_only: bool,
        id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AlertRow>> {
        let limit = limit.min(i64::MAX as usize) as i64;
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT a.id, a.brand, a.kind, a.state, a.window_seconds, a.opened_at,
                        a.observed, a.total, a.baseline, a.statistic, a.threshold,
                        a.escalated_at, a.escalated_observed, a.closed_at, a.story_id, a.detail,
                        a.acknowledged_at, a.ack_note,
                        count(o.id) FILTER (WHERE o.state = 'sent' AND o.recipient NOT LIKE 'channel:%'),
                        count(o.id) FILTER (WHERE o.state = 'pending' AND o.recipient NOT LIKE 'channel:%'),
                        count(o.id) FILTER (WHERE o.state = 'dead' AND o.recipient NOT LIKE 'channel:%'),
                        count(o.id) FILTER (WHERE o.state = 'sent' AND o.recipient LIKE 'channel:%'),
                        count(o.id) FILTER (WHERE o.state = 'pending' AND o.recipient LIKE 'channel:%'),
                        count(o.id) FILTER (WHERE o.state = 'dead' AND o.recipient LIKE 'channel:%'),
                        a.acknowledged_by
                     FROM alerts a LEFT JOIN outbox o ON o.alert_id = a.id
                     WHERE (NOT $1 OR a.state = 'open') AND ($3::bigint IS NULL OR a.id = $3)
                     GROUP BY a.id
                     ORDER BY a.opened_at DESC, a.id DESC LIMIT $2",
                    &[&open_only, &limit, &id],
                )
                .await
                .map_err(sql("reading the alerts"))?;
            let count = |r: &Row, i: usize| r.get::<_, i64>(i).clamp(0, u32::MAX as i64) as u32;
            Ok(rows
                .iter()
                .map(|r| {
                    let detail = Detail::read(r.get(15));
                    AlertRow {
                        id: r.get(0),
                        brand: r.get(1),
                        kind: Kind::parse(r.get(2)).unwrap_or(Kind::Volume),
                        state: r.get(3),
                        window: secs(r.get(4)),
                        opened_at: ts(r.get(5)),
                        observed: count(r, 6),
                        total: count(r, 7),
                        baseline: r.get(8),
                        statistic: r.get(9),
                        threshold: r.get(10),
                        escalated_at: opt_ts(r.get(11)),
                        escalated_observed: r
                            .get::<_, Option<i64>>(12)
                            .map(|n| n.clamp(0, u32::MAX as i64) as u32),
                        closed_at: opt_ts(r.get(13)),
                        story: r.get(14),
                        sites: detail.sites,
                        categories: detail.categories,
                        acknowledged_at: opt_ts(r.get(16)),
                        ack_note: r.get(17),
                        emails_sent: count(r, 18),
                        emails_pending: count(r, 19),
                        emails_dead: count(r, 20),
                        chat_sent: count(r, 21),
                        chat_pending: count(r, 22),
                        chat_dead: count(r, 23),
                        acknowledged_by: r.get(24),
                    }
                })
                .collect())
        })
    }
}

fn secs(n: i64) -> Duration {
    Duration::from_secs(n.max(0) as u64)
}

fn severity(n: Option<i64>) -> u8 {
    n.unwrap_or(0).clamp(0, u8::MAX as i64) as u8
}

/// A [`Sample`] from a row of [`SAMPLE`]'s columns.
pub(super) fn sample(r: &Row) -> Sample {
    let terms: String = r.get(4);
    let count = |i: usize| r.get::<_, Option<i64>>(i).map(|n| n.max(0) as u64);
    Sample {
        title: r.get(0),
        url: r.get(1),
        source: r.get(2),
        snippet: r.get(3),
        matched_terms: serde_json::from_str(&terms).unwrap_or_default(),
        sentiment: r.get(5),
        published_at: ts(r.get(6)),
        risk: Risk::from_stored(r.get::<_, Option<&str>>(7), 1).categories(),
        source_name: r.get(8),
        engagement: count(9),
        reach: count(10),
    }
}

/// [`sample`] without its engagement and reach, as the lists that do not show them read it.
pub(super) fn plain_sample(r: &Row) -> Sample {
    Sample {
        engagement: None,
        reach: None,
        ..sample(r)
    }
}

/// A brand's stories published in `(from, to]`, oldest first, with their engagement (see
/// SQLite's `points`).
pub(super) async fn loud_points(
    c: &impl Sql,
    brand: &str,
    from: Timestamp,
    to: Timestamp,
) -> std::result::Result<Vec<(Point, Option<u64>)>, PgError> {
    let rows = c
        .query(
            "SELECT published_at, sentiment_label, risk, risk_severity, engagement FROM mentions
             WHERE brand = $1 AND published_at > $2 AND published_at <= $3
               AND story_id IS NULL AND news = 1 AND state <> 'irrelevant'
             ORDER BY published_at",
            &[&brand, &from.as_second(), &to.as_second()],
        )
        .await
        .map_err(sql("reading the brand's mentions"))?;
    Ok(rows
        .iter()
        .map(|r| {
            let label: Option<Label> = r.get::<_, Option<&str>>(1).and_then(|l| l.parse().ok());
            let risk = Risk::from_stored(r.get::<_, Option<&str>>(2), severity(r.get(3)));
            (
                Point {
                    published: ts(r.get(0)),
                    negative: counts_negative(label, &risk),
                    risk,
                },
                r.get::<_, Option<i64>>(4).map(|e| e.max(0) as u64),
            )
        })
        .collect())
}

/// What the policy reads of `brand`, inside the review's transaction.
async fn activity(
    tx: &Tx<'_>,
    brand: &str,
    now: Timestamp,
) -> std::result::Result<BrandActivity, PgError> {
    let (points, weights): (Vec<Point>, Vec<u32>) =
        loud_points(tx, brand, now - DETECTION_SPAN, now)
            .await?
            .into_iter()
            .map(|(p, e)| (p, engagement_weight(e)))
            .unzip();
    let open = tx
        .query(
            "SELECT id, kind, opened_at, window_seconds, observed, escalated_at IS NOT NULL,
                    detail, acknowledged_at
             FROM alerts WHERE brand = $1 AND state = 'open'",
            &[&brand],
        )
        .await
        .map_err(sql("reading the brand's open alerts"))?
        .iter()
        .map(|r| OpenAlert {
            id: r.get(0),
            kind: Kind::parse(r.get(1)).unwrap_or(Kind::Volume),
            opened_at: ts(r.get(2)),
            window: secs(r.get(3)),
            opened_observed: r.get::<_, i64>(4).clamp(0, u32::MAX as i64) as u32,
            escalated: r.get(5),
            risk: Detail::read(r.get(6)).risk(),
            acknowledged: opt_ts(r.get(7)),
        })
        .collect();
    let last_closed = tx
        .query(
            "SELECT kind, max(closed_at) FROM alerts WHERE brand = $1 AND state = 'closed'
             GROUP BY kind",
            &[&brand],
        )
        .await
        .map_err(sql("reading the brand's closed alerts"))?
        .iter()
        .filter_map(|r| {
            let kind = Kind::parse(r.get(0))?;
            Some((kind, ts(r.get::<_, Option<i64>>(1)?)))
        })
        .collect();
    let recent = tx
        .query(
            &format!(
                "SELECT {SAMPLE} FROM mentions m JOIN sources s ON s.id = m.source_id
                 WHERE m.brand = $1 AND m.published_at > $2 AND m.published_at <= $3
                   AND m.story_id IS NULL AND m.news = 1 AND m.state <> 'irrelevant'
                 ORDER BY m.published_at DESC, m.id DESC LIMIT 200"
            ),
            &[
                &brand,
                &(now - Duration::from_secs(24 * 3600)).as_second(),
                &now.as_second(),
            ],
        )
        .await
        .map_err(sql("reading the brand's recent mentions"))?
        .iter()
        .map(sample)
        .collect();
    let copies = copies_in(tx, brand, now - SPREAD_WINDOWS[1], now).await?;
    let (usual_spread, stories) = if spread::worth_a_look(&copies) {
        let past = copies_in(tx, brand, now - DETECTION_SPAN, now - SPREAD_WINDOWS[1]).await?;
        let counts = spread::sites_per_story(&past)
            .values()
            .map(|s| s.len() as u32)
            .collect();
        (spread::usual_spread(counts), stories(tx, &copies).await?)
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
async fn copies_in(
    tx: &Tx<'_>,
    brand: &str,
    from: Timestamp,
    to: Timestamp,
) -> std::result::Result<Vec<Copy>, PgError> {
    let rows = tx
        .query(
            "SELECT coalesce(m.story_id, m.id), m.url, s.url, m.published_at
             FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE m.brand = $1 AND m.published_at > $2 AND m.published_at <= $3 AND m.news = 1
               AND m.state <> 'irrelevant'",
            &[&brand, &from.as_second(), &to.as_second()],
        )
        .await
        .map_err(sql("reading the brand's stories"))?;
    Ok(rows
        .iter()
        .map(|r| Copy {
            story: r.get(0),
            site: site_of(r.get(1), r.get(2)),
            published: ts(r.get(3)),
        })
        .collect())
}

/// What emails say of the stories of `copies` that reached a few sites.
async fn stories(
    tx: &Tx<'_>,
    copies: &[Copy],
) -> std::result::Result<HashMap<i64, StoryInfo>, PgError> {
    let mut out = HashMap::new();
    let mut ordered: Vec<&Copy> = copies.iter().collect();
    ordered.sort_by_key(|c| c.published);
    for (story, sites) in spread::sites_per_story(copies) {
        if sites.len() < spread::SPREAD_FLOOR {
            continue;
        }
        let row = tx
            .query_opt(
                &format!(
                    "SELECT {SAMPLE} FROM mentions m JOIN sources s ON s.id = m.source_id
                     WHERE m.id = $1"
                ),
                &[&story],
            )
            .await
            .map_err(sql("reading a story's first mention"))?;
        let Some(r) = row else { continue };
        let first = plain_sample(&r);
        let risk = Risk::from_stored(r.get::<_, Option<&str>>(7), severity(r.get(11)));
        out.insert(story, story_info(story, first, r.get(2), risk, &ordered));
    }
    Ok(out)
}

/// Stores an alert change and queues its emails, inside the review's transaction.
async fn apply(
    tx: &Tx<'_>,
    change: &AlertChange,
    now: Timestamp,
) -> std::result::Result<(), PgError> {
    let n = now.as_second();
    let alert_id: i64 = match &change.action {
        Action::Open(r) => {
            let detail = Detail {
                sites: change.sites.clone(),
                categories: change.risk.categories(),
            };
            tx.query_one(
                "INSERT INTO alerts (brand, kind, state, window_seconds, opened_at, observed,
                     total, baseline, statistic, threshold, story_id, detail)
                 VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 RETURNING id",
                &[
                    &change.brand,
                    &r.kind.as_str(),
                    &(r.window.as_secs() as i64),
                    &n,
                    &i64::from(r.observed),
                    &i64::from(r.total),
                    &r.baseline,
                    &r.statistic,
                    &r.threshold,
                    &change.story,
                    &detail.to_stored(),
                ],
            )
            .await
            .map_err(sql("opening an alert"))?
            .get(0)
        }
        Action::Escalate { alert, reading } => {
            tx.execute(
                "UPDATE alerts SET escalated_at = $2, escalated_observed = $3 WHERE id = $1",
                &[alert, &n, &i64::from(reading.observed)],
            )
            .await
            .map_err(sql("escalating an alert"))?;
            *alert
        }
        Action::Close { alert, .. } => {
            tx.execute(
                "UPDATE alerts SET state = 'closed', closed_at = $2 WHERE id = $1",
                &[alert, &n],
            )
            .await
            .map_err(sql("closing an alert"))?;
            *alert
        }
    };
    for e in &change.emails {
        enqueue(tx, Some(alert_id), e, now).await?;
    }
    Ok(())
}

/// Queues `e` (once: a second copy of a message id is refused), inside `tx`: whether it
/// was queued.
pub(super) async fn enqueue(
    tx: &impl Sql,
    alert: Option<i64>,
    e: &Outgoing,
    now: Timestamp,
) -> std::result::Result<bool, PgError> {
    let n = tx
        .execute(
        "INSERT INTO outbox (alert_id, purpose, priority, recipient, message_id, subject, message,
             created_at, state, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $8)
         ON CONFLICT (message_id) DO NOTHING",
        &[
            &alert,
            &e.purpose,
            &e.priority(),
            &e.recipient,
            &e.message_id,
            &e.subject,
            &e.message,
            &now.as_second(),
        ],
    )
    .await
    .map_err(sql("queueing an email"))?;
    Ok(n == 1)
}
