//! What a digest reads, and the record of digests sent, on PostgreSQL: the same reads and
//! writes as SQLite's (`store/digest.rs`). A digest's emails have stable ids (watchlist,
//! period end, recipient), so a period recorded by two nodes queues its emails once; the
//! record is also taken under a lock per watchlist, so the second node finds it done.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;

use super::alerts::{SAMPLE, enqueue, loud_points, plain_sample, sample};
use super::conn::{Db, Sql};
use super::store::PgStore;
use super::{PgError, sql};
use crate::analyze::voice::Figures;
use crate::store::digest::MOST_ENGAGED;
use crate::store::{
    BrandFigures, DeadEmail, DigestInput, DigestQuery, Found, Outgoing, SourceHealth, StoreError,
    opt_ts, ts,
};

type Result<T> = std::result::Result<T, StoreError>;
type Pg<T> = std::result::Result<T, PgError>;

const DAY: i64 = 24 * 3600;

impl PgStore {
    pub fn digest_input(&self, q: &DigestQuery) -> Result<DigestInput> {
        let mut input = self.run(async |c| {
            let sources = health_of(c, &q.sources, &q.source_names).await?;
            Ok(DigestInput {
                brands: figures(c, q).await?,
                found: found(c, q).await?,
                alerts: Vec::new(),
                watched_since: sources.iter().map(|s| s.created_at).min(),
                sources,
                dead: dead(c, q).await?,
                engaged: engaged(c, q).await?,
                voice: Vec::new(),
            })
        })?;
        crate::store::digest::complete_input(
            &mut input,
            q,
            self.alerts(false, 10_000)?,
            |brands| self.voice(brands, q.start, q.end),
        )?;
        Ok(input)
    }

    pub fn sources_health(
        &self,
        urls: &[String],
        names: &HashMap<String, String>,
    ) -> Result<Vec<SourceHealth>> {
        self.run(async |c| health_of(c, urls, names).await)
    }

    pub fn digest_covered_until(&self, watchlist: &str) -> Result<Option<Timestamp>> {
        self.run(async |c| {
            let row = c
                .query_opt(
                    "SELECT covered_until FROM digest_state WHERE watchlist = $1",
                    &[&watchlist],
                )
                .await
                .map_err(sql("reading the digests' coverage"))?;
            Ok(opt_ts(row.map(|r| r.get(0))))
        })
    }

    pub fn start_digests(&mut self, watchlist: &str, from: Timestamp) -> Result<Timestamp> {
        self.run(async |c| {
            c.execute(
                "INSERT INTO digest_state (watchlist, covered_until) VALUES ($1, $2)
                 ON CONFLICT (watchlist) DO NOTHING",
                &[&watchlist, &from.as_second()],
            )
            .await
            .map_err(sql("starting the digests"))?;
            Ok(())
        })?;
        Ok(self.digest_covered_until(watchlist)?.unwrap_or(from))
    }

    /// As SQLite's, under a lock per watchlist: a scheduled period another node has
    /// recorded already queues nothing here.
    pub fn record_digest(
        &mut self,
        watchlist: &str,
        (start, end): (Timestamp, Timestamp),
        emails: &[Outgoing],
        html: Option<&str>,
        advance: bool,
        now: Timestamp,
    ) -> Result<usize> {
        self.run(async |c| {
            let tx = c.transaction().await.map_err(sql("starting a digest"))?;
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended('vigie.digest:' || $1, 0))",
                &[&watchlist],
            )
            .await
            .map_err(sql("waiting for the watchlist's digest lock"))?;
            let recorded = tx
                .execute(
                    "INSERT INTO digests (watchlist, period_start, period_end, created_at, emails, html)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (watchlist, period_end) DO NOTHING",
                    &[
                        &watchlist,
                        &start.as_second(),
                        &end.as_second(),
                        &now.as_second(),
                        &(emails.len() as i64),
                        &html,
                    ],
                )
                .await
                .map_err(sql("recording a digest"))?;
            let mut queued = 0;
            if recorded == 1 || !advance {
                for e in emails {
                    queued += usize::from(enqueue(&tx, None, e, now).await?);
                }
            }
            if advance {
                tx.execute(
                    "INSERT INTO digest_state (watchlist, covered_until) VALUES ($1, $2)
                     ON CONFLICT (watchlist) DO UPDATE
                     SET covered_until = greatest(digest_state.covered_until, excluded.covered_until)",
                    &[&watchlist, &end.as_second()],
                )
                .await
                .map_err(sql("recording the digests' coverage"))?;
            }
            tx.commit().await.map_err(sql("committing a digest"))?;
            Ok(queued)
        })
    }

    pub fn last_digest_sent(&self) -> Result<Option<Timestamp>> {
        self.run(async |c| {
            let t: Option<i64> = c
                .query_one(
                    "SELECT max(sent_at) FROM outbox WHERE purpose = 'digest' AND state = 'sent'",
                    &[],
                )
                .await
                .map_err(sql("reading the last digest sent"))?
                .get(0);
            Ok(opt_ts(t))
        })
    }

    pub fn voice(&self, brands: &[String], from: Timestamp, to: Timestamp) -> Result<Vec<Figures>> {
        self.run(async |c| {
            let mut out = Vec::with_capacity(brands.len());
            for b in brands {
                let r = c
                    .query_one(
                        "SELECT count(*), coalesce(sum(engagement), 0)::bigint,
                                count(*) FILTER (WHERE sentiment_label = 'positive'),
                                count(*) FILTER (WHERE sentiment_label = 'negative'),
                                count(*) FILTER (WHERE risk_severity > 0)
                         FROM mentions
                         WHERE brand = $1 AND published_at >= $2 AND published_at < $3
                           AND state <> 'irrelevant'",
                        &[b, &from.as_second(), &to.as_second()],
                    )
                    .await
                    .map_err(sql("counting the share of voice"))?;
                let n = |i: usize| r.get::<_, i64>(i).max(0) as u64;
                out.push(Figures {
                    brand: b.clone(),
                    mentions: n(0),
                    engagement: n(1),
                    positive: n(2),
                    negative: n(3),
                    risk: n(4),
                });
            }
            Ok(out)
        })
    }
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

/// Each brand's counts for the period, the period before and the 28 days before, its
/// daily points and its top mentions.
async fn figures(c: &Db, q: &DigestQuery) -> Pg<Vec<BrandFigures>> {
    let (start, end) = (q.start.as_second(), q.end.as_second());
    let len = (end - start).max(1);
    let counts: &str = "SELECT count(*), count(*) FILTER (WHERE sentiment_label = 'negative'),
                    count(*) FILTER (WHERE sentiment_label = 'positive')
             FROM mentions WHERE brand = $1 AND published_at >= $2 AND published_at < $3
               AND story_id IS NULL AND state <> 'irrelevant'";
    let found_counts: &str =
        "SELECT count(*), count(*) FILTER (WHERE sentiment_label = 'negative'),
                    count(*) FILTER (WHERE sentiment_label = 'positive')
             FROM mentions
             WHERE brand = $1 AND fetched_at >= $2 AND fetched_at < $3 AND story_id IS NULL
               AND state <> 'irrelevant'";
    let top = format!(
        "SELECT {SAMPLE} FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE m.brand = $1 AND m.fetched_at >= $2 AND m.fetched_at < $3
               AND m.sentiment_label = $4 AND m.story_id IS NULL AND m.state <> 'irrelevant'
             ORDER BY CASE WHEN $4 = 'negative' THEN m.sentiment ELSE -m.sentiment END,
                      m.published_at DESC, m.id
             LIMIT $5"
    );
    let three = async |stmt: &str, brand: &String, from: i64, to: i64| -> Pg<(u64, u64, u64)> {
        let r = c
            .query_one(stmt, &[brand, &from, &to])
            .await
            .map_err(sql("counting a digest's mentions"))?;
        Ok((count(r.get(0)), count(r.get(1)), count(r.get(2))))
    };
    let mut brands = Vec::new();
    for brand in &q.brands {
        let (n, neg, pos) = three(counts, brand, start, end).await?;
        let (previous, _, _) = three(counts, brand, start - len, start).await?;
        let (last_28_days, _, _) = three(counts, brand, start - 28 * DAY, start).await?;
        let (found, found_negative, found_positive) =
            three(found_counts, brand, start, end).await?;
        let mut lists = Vec::new();
        for label in ["negative", "positive"] {
            let rows = c
                .query(&top, &[brand, &start, &end, &label, &(q.top as i64)])
                .await
                .map_err(sql("reading a digest's top mentions"))?;
            lists.push(rows.iter().map(plain_sample).collect::<Vec<_>>());
        }
        let top_positive = lists.pop().unwrap_or_default();
        let top_negative = lists.pop().unwrap_or_default();
        let earliest: Option<i64> = c
            .query_one(
                "SELECT min(published_at) FROM mentions WHERE brand = $1 AND state <> 'irrelevant'",
                &[brand],
            )
            .await
            .map_err(sql("reading a brand's first mention"))?
            .get(0);
        let points = loud_points(
            c,
            brand,
            q.end - Duration::from_secs(30 * DAY as u64),
            q.end,
        )
        .await?
        .into_iter()
        .map(|(p, _)| p)
        .collect();
        brands.push(BrandFigures {
            brand: brand.clone(),
            count: n,
            negative: neg,
            positive: pos,
            previous,
            last_28_days,
            found,
            found_negative,
            found_positive,
            earliest: opt_ts(earliest),
            points,
            top_negative,
            top_positive,
        });
    }
    Ok(brands)
}

/// The loudest mentions found in the period.
async fn engaged(c: &Db, q: &DigestQuery) -> Pg<Vec<(String, crate::store::Sample)>> {
    let stmt = format!(
        "SELECT {SAMPLE} FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE m.brand = $1 AND m.engagement > 0 AND m.fetched_at >= $2 AND m.fetched_at < $3
               AND m.state <> 'irrelevant'
             ORDER BY m.engagement DESC, m.published_at DESC LIMIT $4"
    );
    let mut all = Vec::new();
    for brand in &q.brands {
        let rows = c
            .query(
                &stmt,
                &[
                    brand,
                    &q.start.as_second(),
                    &q.end.as_second(),
                    &(MOST_ENGAGED as i64),
                ],
            )
            .await
            .map_err(sql("reading the most engaged mentions"))?;
        all.extend(rows.iter().map(|r| (brand.clone(), sample(r))));
    }
    all.sort_by_key(|(_, s)| std::cmp::Reverse(s.engagement));
    all.truncate(MOST_ENGAGED);
    Ok(all)
}

/// The mentions of each story found in the period, with the earlier copies of those
/// stories.
async fn found(c: &Db, q: &DigestQuery) -> Pg<Vec<Found>> {
    let stmt = format!(
        "SELECT {SAMPLE}, m.brand, coalesce(m.story_id, m.id)
             FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE m.brand = $1 AND m.state <> 'irrelevant' AND coalesce(m.story_id, m.id) IN (
                 SELECT coalesce(story_id, id) FROM mentions
                 WHERE brand = $1 AND fetched_at >= $2 AND fetched_at < $3
                   AND state <> 'irrelevant')
             ORDER BY m.published_at DESC, m.id DESC LIMIT $4"
    );
    let mut found = Vec::new();
    for brand in &q.brands {
        let rows = c
            .query(
                &stmt,
                &[
                    brand,
                    &q.start.as_second(),
                    &q.end.as_second(),
                    &(crate::store::digest::MAX_FOUND as i64),
                ],
            )
            .await
            .map_err(sql("reading the stories found"))?;
        found.extend(rows.iter().map(|r| Found {
            sample: plain_sample(r),
            brand: r.get(12),
            story: r.get(13),
        }));
    }
    Ok(found)
}

/// The health of the sources `urls`, named from `names`.
async fn health_of(
    c: &Db,
    urls: &[String],
    names: &HashMap<String, String>,
) -> Pg<Vec<SourceHealth>> {
    let rows = c
        .query(
            "SELECT url, created_at, last_checked_at, last_success_at, last_error,
                    consecutive_errors, failing_since, last_item_count, empty_since,
                    newest_item_at, item_cadence_seconds, last_problem
             FROM sources WHERE url = ANY($1)",
            &[&urls],
        )
        .await
        .map_err(sql("reading the sources' health"))?;
    let mut by_url: HashMap<String, SourceHealth> = rows
        .iter()
        .map(|r| {
            let url: String = r.get(0);
            let health = SourceHealth {
                name: names.get(&url).cloned(),
                url: url.clone(),
                created_at: ts(r.get(1)),
                last_checked_at: opt_ts(r.get(2)),
                last_success_at: opt_ts(r.get(3)),
                last_error: r.get(4),
                problem: r
                    .get::<_, Option<&str>>(11)
                    .and_then(crate::ingest::problem::Problem::from_stored),
                consecutive_errors: r.get::<_, i64>(5).clamp(0, u32::MAX as i64) as u32,
                failing_since: opt_ts(r.get(6)),
                last_item_count: r
                    .get::<_, Option<i64>>(7)
                    .map(|n| n.clamp(0, u32::MAX as i64) as u32),
                empty_since: opt_ts(r.get(8)),
                newest_item_at: opt_ts(r.get(9)),
                cadence: r
                    .get::<_, Option<i64>>(10)
                    .map(|s| Duration::from_secs(s.max(0) as u64)),
            };
            (url, health)
        })
        .collect();
    // In the order asked, as SQLite's reads them one by one.
    Ok(urls.iter().filter_map(|u| by_url.remove(u)).collect())
}

/// The emails that could not be delivered in the period.
async fn dead(c: &Db, q: &DigestQuery) -> Pg<Vec<DeadEmail>> {
    let rows = c
        .query(
            "SELECT purpose, recipient, subject, last_error, dead_at FROM outbox
             WHERE state = 'dead' AND dead_at >= $1 AND dead_at < $2 ORDER BY dead_at, id",
            &[&q.start.as_second(), &q.end.as_second()],
        )
        .await
        .map_err(sql("reading undelivered emails"))?;
    Ok(rows
        .iter()
        .map(|r| DeadEmail {
            purpose: r.get(0),
            recipient: r.get(1),
            subject: r.get(2),
            error: r.get(3),
            at: ts(r.get(4)),
        })
        .collect())
}
