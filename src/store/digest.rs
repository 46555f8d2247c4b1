//! What a digest reads, and the record of the digests sent.
//!
//! A digest lists and counts the mentions *found* during its period (its "new" mentions),
//! so that every mention is in exactly one digest even when it was published just before a
//! send time and found just after; it compares periods by *publication* time (its
//! "published" mentions), as the charts and alerts do.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::alerts::{self, Sample};
use super::{AlertRow, Outgoing, Result, Sqlite, opt_ts, ts};
use crate::analyze::alert::Point;

/// What to read for one watchlist's digest.
#[derive(Debug, Clone)]
pub struct DigestQuery {
    pub brands: Vec<String>,
    /// The watchlist's source URLs.
    pub sources: Vec<String>,
    /// The names the watchlist gives some of them, by URL.
    pub source_names: HashMap<String, String>,
    pub start: Timestamp,
    pub end: Timestamp,
    /// How many mentions each top list holds.
    pub top: usize,
    /// The watchlist's share-of-voice groups.
    pub groups: Vec<crate::settings::watchlist::Group>,
}

/// Everything a digest shows, as read from the database.
#[derive(Debug, Clone)]
pub struct DigestInput {
    pub brands: Vec<BrandFigures>,
    /// Mentions found in the period (newest first, at most [`MAX_FOUND`]), for the stories.
    pub found: Vec<Found>,
    /// Alerts of the brands opened, escalated or closed in the period, oldest first.
    pub alerts: Vec<AlertRow>,
    pub sources: Vec<SourceHealth>,
    /// Emails that could not be delivered, given up in the period.
    pub dead: Vec<DeadEmail>,
    /// When the first of the watchlist's sources was added: how much history there is.
    pub watched_since: Option<Timestamp>,
    /// The mentions found in the period that drew the most interactions, loudest first
    /// (brand, mention), at most [`MOST_ENGAGED`].
    pub engaged: Vec<(String, Sample)>,
    /// Each group's share-of-voice figures over the mentions published in the period.
    pub voice: Vec<(
        crate::settings::watchlist::Group,
        Vec<crate::analyze::voice::Figures>,
    )>,
}

/// Mentions in the digest's "most engaged" list.
pub const MOST_ENGAGED: usize = 5;

/// One brand's figures.
#[derive(Debug, Clone, Default)]
pub struct BrandFigures {
    pub brand: String,
    /// Stories published in the period (copies of a story count once), and how many were
    /// negative and positive.
    pub count: u64,
    pub negative: u64,
    pub positive: u64,
    /// Mentions published in the period of the same length just before.
    pub previous: u64,
    /// Mentions published in the 28 days before the period.
    pub last_28_days: u64,
    /// Mentions found in the period (copies of a story count once), and how many were
    /// negative and positive: what the digest lists.
    pub found: u64,
    pub found_negative: u64,
    pub found_positive: u64,
    /// The brand's earliest mention: with the sources' age, how much history there is.
    pub earliest: Option<Timestamp>,
    /// Mentions published in the 30 days before the end, oldest first, for the chart.
    pub points: Vec<Point>,
    /// The most negative and the most positive mentions found in the period.
    pub top_negative: Vec<Sample>,
    pub top_positive: Vec<Sample>,
}

/// A mention of a story found in the period.
#[derive(Debug, Clone)]
pub struct Found {
    pub brand: String,
    pub sample: Sample,
    /// The story: the id of its first mention.
    pub story: i64,
}

/// A source's state, for the digest's health section.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceHealth {
    pub url: String,
    /// Its name in the watchlist, if it has one.
    pub name: Option<String>,
    pub created_at: Timestamp,
    pub last_checked_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    pub last_error: Option<String>,
    /// What kind of failure the last error was (`None`: none recorded, or stored by an
    /// older version).
    pub problem: Option<crate::ingest::problem::Problem>,
    pub consecutive_errors: u32,
    pub failing_since: Option<Timestamp>,
    pub last_item_count: Option<u32>,
    pub empty_since: Option<Timestamp>,
    pub newest_item_at: Option<Timestamp>,
    pub cadence: Option<Duration>,
}

/// An email given up on.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadEmail {
    pub purpose: String,
    pub recipient: String,
    pub subject: String,
    pub error: Option<String>,
    pub at: Timestamp,
}

/// The most mentions read for grouping into stories.
pub const MAX_FOUND: usize = 2000;

const DAY: i64 = 24 * 3600;

/// Adds to a digest's input what both backends read the same way: the alerts of its brands
/// that opened, escalated or closed in the period (from `alerts`, newest first), and each
/// share-of-voice group's figures.
pub(super) fn complete_input(
    input: &mut DigestInput,
    q: &DigestQuery,
    alerts: Vec<AlertRow>,
    mut voice: impl FnMut(&[String]) -> Result<Vec<crate::analyze::voice::Figures>>,
) -> Result<()> {
    let (from, to) = (q.start, q.end);
    let within = |t: Option<Timestamp>| t.is_some_and(|t| from <= t && t < to);
    input.alerts = alerts
        .into_iter()
        .rev()
        .filter(|a| q.brands.contains(&a.brand))
        .filter(|a| within(Some(a.opened_at)) || within(a.escalated_at) || within(a.closed_at))
        .collect();
    for g in &q.groups {
        let brands: Vec<String> = g.brands().map(str::to_string).collect();
        input.voice.push((g.clone(), voice(&brands)?));
    }
    Ok(())
}

impl Sqlite {
    /// Reads what the digest of `q` shows.
    pub fn digest_input(&self, q: &DigestQuery) -> Result<DigestInput> {
        let mut input = self.read_digest(q).map_err(|e| self.err(e))?;
        complete_input(&mut input, q, self.alerts(false, 10_000)?, |brands| {
            self.voice(brands, q.start, q.end)
        })?;
        Ok(input)
    }

    fn read_digest(&self, q: &DigestQuery) -> rusqlite::Result<DigestInput> {
        let sources = self.digest_sources(q)?;
        Ok(DigestInput {
            brands: self.digest_figures(q)?,
            found: self.digest_found(q)?,
            alerts: Vec::new(),
            watched_since: sources.iter().map(|s| s.created_at).min(),
            sources,
            dead: self.digest_dead(q)?,
            engaged: self.digest_engaged(q)?,
            voice: Vec::new(),
        })
    }

    /// Each brand's counts for the period, the period before and the 28 days before, its
    /// daily points for the chart and its top mentions.
    fn digest_figures(&self, q: &DigestQuery) -> rusqlite::Result<Vec<BrandFigures>> {
        let (start, end) = (q.start.as_second(), q.end.as_second());
        let len = (end - start).max(1);
        let c = &self.conn;
        let mut counts = c.prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE sentiment_label = 'negative'),
                    count(*) FILTER (WHERE sentiment_label = 'positive')
             FROM mentions WHERE brand = ?1 AND published_at >= ?2 AND published_at < ?3
               AND story_id IS NULL AND state != 'irrelevant'",
        )?;
        let mut count = |brand: &str, from: i64, to: i64| {
            counts.query_row(params![brand, from, to], |r| {
                Ok((
                    r.get::<_, i64>(0)?.max(0) as u64,
                    r.get::<_, i64>(1)?.max(0) as u64,
                    r.get::<_, i64>(2)?.max(0) as u64,
                ))
            })
        };
        let mut earliest = c.prepare_cached(
            "SELECT min(published_at) FROM mentions WHERE brand = ?1 AND state != 'irrelevant'",
        )?;
        let mut found_counts = c.prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE sentiment_label = 'negative'),
                    count(*) FILTER (WHERE sentiment_label = 'positive')
             FROM mentions
             WHERE brand = ?1 AND fetched_at >= ?2 AND fetched_at < ?3 AND story_id IS NULL
               AND state != 'irrelevant'",
        )?;
        let mut top = c.prepare_cached(
            "SELECT m.title, m.url, s.url, m.snippet, m.matched_terms, m.sentiment, m.published_at,
                    m.risk, CASE WHEN s.kind LIKE '%-alerts' THEN NULL ELSE s.name END
             FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE m.brand = ?1 AND m.fetched_at >= ?2 AND m.fetched_at < ?3
               AND m.sentiment_label = ?4 AND m.story_id IS NULL AND m.state != 'irrelevant'
             ORDER BY CASE WHEN ?4 = 'negative' THEN m.sentiment ELSE -m.sentiment END,
                      m.published_at DESC, m.id
             LIMIT ?5",
        )?;
        let mut brands = Vec::new();
        for brand in &q.brands {
            let (n, neg, pos) = count(brand, start, end)?;
            let (previous, _, _) = count(brand, start - len, start)?;
            let (last_28_days, _, _) = count(brand, start - 28 * DAY, start)?;
            let (found, found_negative, found_positive) =
                found_counts.query_row(params![brand, start, end], |r| {
                    Ok((
                        r.get::<_, i64>(0)?.max(0) as u64,
                        r.get::<_, i64>(1)?.max(0) as u64,
                        r.get::<_, i64>(2)?.max(0) as u64,
                    ))
                })?;
            let mut list = |label: &str| {
                top.query_map(
                    params![brand, start, end, label, q.top as i64],
                    alerts::sample,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()
            };
            let top_negative = list("negative")?;
            let top_positive = list("positive")?;
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
                earliest: opt_ts(earliest.query_row([brand], |r| r.get(0))?),
                points: alerts::points(
                    c,
                    brand,
                    q.end - Duration::from_secs(30 * DAY as u64),
                    q.end,
                )?,
                top_negative,
                top_positive,
            });
        }

        Ok(brands)
    }

    /// The loudest mentions found in the period (see [`DigestInput::engaged`]).
    fn digest_engaged(&self, q: &DigestQuery) -> rusqlite::Result<Vec<(String, Sample)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.title, m.url, s.url, m.snippet, m.matched_terms, m.sentiment, m.published_at,
                    m.risk, CASE WHEN s.kind LIKE '%-alerts' THEN NULL ELSE s.name END,
                    m.engagement, m.reach
             FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE m.brand = ?1 AND m.engagement > 0 AND m.fetched_at >= ?2 AND m.fetched_at < ?3
               AND m.state != 'irrelevant'
             ORDER BY m.engagement DESC, m.published_at DESC LIMIT ?4",
        )?;
        let mut all = Vec::new();
        for brand in &q.brands {
            let rows = stmt.query_map(
                params![
                    brand,
                    q.start.as_second(),
                    q.end.as_second(),
                    MOST_ENGAGED as i64
                ],
                alerts::sample,
            )?;
            for r in rows {
                all.push((brand.clone(), r?));
            }
        }
        all.sort_by_key(|(_, s)| std::cmp::Reverse(s.engagement));
        all.truncate(MOST_ENGAGED);
        Ok(all)
    }

    /// The mentions of each story found in the period, with the earlier copies of those
    /// stories.
    fn digest_found(&self, q: &DigestQuery) -> rusqlite::Result<Vec<Found>> {
        let (start, end) = (q.start.as_second(), q.end.as_second());
        let c = &self.conn;
        let mut found = Vec::new();
        // Every copy of each story that had a mention found in the period, the copies found
        // before it included, to count the outlets that carried it.
        let mut stmt = c.prepare_cached(
            "SELECT m.title, m.url, s.url, m.snippet, m.matched_terms, m.sentiment, m.published_at,
                    m.risk, CASE WHEN s.kind LIKE '%-alerts' THEN NULL ELSE s.name END, m.brand, coalesce(m.story_id, m.id)
             FROM mentions m JOIN sources s ON s.id = m.source_id
             WHERE m.brand = ?1 AND m.state != 'irrelevant' AND coalesce(m.story_id, m.id) IN (
                 SELECT coalesce(story_id, id) FROM mentions
                 WHERE brand = ?1 AND fetched_at >= ?2 AND fetched_at < ?3
                   AND state != 'irrelevant')
             ORDER BY m.published_at DESC, m.id DESC LIMIT ?4",
        )?;
        for brand in &q.brands {
            let rows = stmt.query_map(params![brand, start, end, MAX_FOUND as i64], |r| {
                Ok(Found {
                    sample: alerts::sample(r)?,
                    brand: r.get(9)?,
                    story: r.get(10)?,
                })
            })?;
            for r in rows {
                found.push(r?);
            }
        }

        Ok(found)
    }

    /// The health of the sources `urls`, named from `names` (the workspace's Sources page).
    pub fn sources_health(
        &self,
        urls: &[String],
        names: &std::collections::HashMap<String, String>,
    ) -> Result<Vec<SourceHealth>> {
        self.health_of(urls, names).map_err(|e| self.err(e))
    }

    /// The health of the watchlist's sources.
    fn digest_sources(&self, q: &DigestQuery) -> rusqlite::Result<Vec<SourceHealth>> {
        self.health_of(&q.sources, &q.source_names)
    }

    fn health_of(
        &self,
        urls: &[String],
        names: &std::collections::HashMap<String, String>,
    ) -> rusqlite::Result<Vec<SourceHealth>> {
        let c = &self.conn;
        let mut stmt = c.prepare_cached(
            "SELECT url, created_at, last_checked_at, last_success_at, last_error,
                    consecutive_errors, failing_since, last_item_count, empty_since,
                    newest_item_at, item_cadence_seconds, last_problem
             FROM sources WHERE url = ?1",
        )?;
        let mut sources = Vec::new();
        for url in urls {
            let row = stmt
                .query_row([url], |r| {
                    Ok(SourceHealth {
                        name: names.get(url).cloned(),
                        url: r.get(0)?,
                        created_at: ts(r.get(1)?),
                        last_checked_at: opt_ts(r.get(2)?),
                        last_success_at: opt_ts(r.get(3)?),
                        last_error: r.get(4)?,
                        problem: r
                            .get::<_, Option<String>>(11)?
                            .as_deref()
                            .and_then(crate::ingest::problem::Problem::from_stored),
                        consecutive_errors: r.get(5)?,
                        failing_since: opt_ts(r.get(6)?),
                        last_item_count: r.get(7)?,
                        empty_since: opt_ts(r.get(8)?),
                        newest_item_at: opt_ts(r.get(9)?),
                        cadence: r
                            .get::<_, Option<i64>>(10)?
                            .map(|s| Duration::from_secs(s.max(0) as u64)),
                    })
                })
                .optional()?;
            sources.extend(row);
        }
        Ok(sources)
    }

    /// The emails that could not be delivered in the period.
    fn digest_dead(&self, q: &DigestQuery) -> rusqlite::Result<Vec<DeadEmail>> {
        let (start, end) = (q.start.as_second(), q.end.as_second());
        let c = &self.conn;
        let mut stmt = c.prepare_cached(
            "SELECT purpose, recipient, subject, last_error, dead_at FROM outbox
             WHERE state = 'dead' AND dead_at >= ?1 AND dead_at < ?2 ORDER BY dead_at, id",
        )?;
        stmt.query_map(params![start, end], |r| {
            Ok(DeadEmail {
                purpose: r.get(0)?,
                recipient: r.get(1)?,
                subject: r.get(2)?,
                error: r.get(3)?,
                at: ts(r.get(4)?),
            })
        })?
        .collect()
    }

    /// Up to when `watchlist`'s digests have covered, if it ever had a digest schedule.
    pub fn digest_covered_until(&self, watchlist: &str) -> Result<Option<Timestamp>> {
        self.conn
            .query_row(
                "SELECT covered_until FROM digest_state WHERE watchlist = ?1",
                [watchlist],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(opt_ts)
            .map_err(|e| self.err(e))
    }

    /// Starts `watchlist`'s digests at `from` if they have no state yet (a new watchlist is
    /// not sent digests of the time before Vigie watched it). Returns the state.
    pub fn start_digests(&mut self, watchlist: &str, from: Timestamp) -> Result<Timestamp> {
        self.conn
            .execute(
                "INSERT INTO digest_state (watchlist, covered_until) VALUES (?1, ?2)
                 ON CONFLICT (watchlist) DO NOTHING",
                params![watchlist, from.as_second()],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.digest_covered_until(watchlist)?.unwrap_or(from))
    }

    /// Queues a digest's emails and records the period, in one transaction; with `advance`
    /// (a scheduled digest), its watchlist's digests now cover up to `end`. An email
    /// already queued (same Message-ID: same watchlist, period end and recipient) is not
    /// queued again. Returns how many emails were newly queued.
    pub fn record_digest(
        &mut self,
        watchlist: &str,
        (start, end): (Timestamp, Timestamp),
        emails: &[Outgoing],
        html: Option<&str>,
        advance: bool,
        now: Timestamp,
    ) -> Result<usize> {
        let run = |c: &mut rusqlite::Connection| -> rusqlite::Result<usize> {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut queued = 0;
            for e in emails {
                queued += super::outbox::enqueue(&tx, None, e, now)?;
            }
            tx.execute(
                "INSERT INTO digests (watchlist, period_start, period_end, created_at, emails, html)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (watchlist, period_end) DO NOTHING",
                params![
                    watchlist,
                    start.as_second(),
                    end.as_second(),
                    now.as_second(),
                    emails.len() as i64,
                    html
                ],
            )?;
            if advance {
                tx.execute(
                    "INSERT INTO digest_state (watchlist, covered_until) VALUES (?1, ?2)
                     ON CONFLICT (watchlist) DO UPDATE
                     SET covered_until = max(covered_until, excluded.covered_until)",
                    params![watchlist, end.as_second()],
                )?;
            }
            tx.commit()?;
            Ok(queued)
        };
        run(&mut self.conn).map_err(|e| self.err(e))
    }

    /// When the last digest email was sent, if any was.
    pub fn last_digest_sent(&self) -> Result<Option<Timestamp>> {
        self.conn
            .query_row(
                "SELECT max(sent_at) FROM outbox WHERE purpose = 'digest' AND state = 'sent'",
                [],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map(opt_ts)
            .map_err(|e| self.err(e))
    }
}

impl Sqlite {
    /// Each of `brands`' figures for share of voice over mentions published in
    /// `[from, to)`: every copy counts, irrelevant mentions do not.
    pub fn voice(
        &self,
        brands: &[String],
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<crate::analyze::voice::Figures>> {
        let run = || -> rusqlite::Result<Vec<crate::analyze::voice::Figures>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT count(*), coalesce(sum(engagement), 0),
                        count(*) FILTER (WHERE sentiment_label = 'positive'),
                        count(*) FILTER (WHERE sentiment_label = 'negative'),
                        count(*) FILTER (WHERE risk_severity > 0)
                 FROM mentions
                 WHERE brand = ?1 AND published_at >= ?2 AND published_at < ?3
                   AND state != 'irrelevant'",
            )?;
            brands
                .iter()
                .map(|b| {
                    stmt.query_row(params![b, from.as_second(), to.as_second()], |r| {
                        let n = |i: usize| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
                        Ok(crate::analyze::voice::Figures {
                            brand: b.clone(),
                            mentions: n(0)?,
                            engagement: n(1)?,
                            positive: n(2)?,
                            negative: n(3)?,
                            risk: n(4)?,
                        })
                    })
                })
                .collect()
        };
        run().map_err(|e| self.err(e))
    }
}
