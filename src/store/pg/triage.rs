//! What the workspace, the API and the commands read and decide, on PostgreSQL: mentions
//! listed and searched, a mention with its story and history, decisions (one transaction,
//! a whole story, the brands marked for the alert review), corrections, API tokens, the
//! workspace's secrets, the digests sent, the export. The same reads and writes as
//! SQLite's (`store/mentions.rs`, `store/triage.rs`, `store/lifecycle.rs`).
//!
//! A search is checked row by row by Vigie's matcher, so its limit applies after it: its
//! mentions are read a batch at a time, each batch a statement with a limit (after the
//! last row read, newest first), so that the planner reads the time index rather than
//! sorting every mention. An export streams every mention through a cursor. Neither holds
//! more than a batch in memory.

use jiff::Timestamp;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::conn::{Db, Sql};
use super::store::PgStore;
use super::{PgError, sql};
use crate::analyze::matcher::ItemView;
use crate::analyze::risk::Risk;
use crate::store::mentions::{MentionQuery, Order};
use crate::store::triage::{
    Correction, Decision, DigestRow, Event, MentionDetail, Overview, OverviewSpan, TokenRow,
    corrected_score,
};
use crate::store::{ExportRow, MentionRow, MentionState, StoreError, opt_ts, ts};

type Result<T> = std::result::Result<T, StoreError>;
type Pg<T> = std::result::Result<T, PgError>;
type Param = Box<dyn ToSql + Sync + Send>;

/// Rows read at a time: by a search (checked row by row), by an export (a cursor).
const BATCH: usize = 500;

/// Full-text hits from which a search is read in time order rather than through the index
/// (as on SQLite).
const COMMON_HITS: i64 = 5_000;

/// Batches of the newest mentions a search reads before asking the index how many it holds.
const SCAN_FIRST: usize = 2;

/// The columns [`mention_row`] reads, after `FROM mentions m JOIN sources s`.
const MENTION: &str = "m.id, m.brand, s.url, m.url, m.title, m.snippet, m.author, m.lang,
    m.published_at, m.published_estimated, m.fetched_at, m.matched_terms, m.sentiment,
    m.sentiment_label, m.sentiment_lang, m.story_id, m.risk, m.risk_severity, m.text, m.state,
    m.engagement, m.engagement_parts, m.reach, m.rating";

fn mention_row(r: &Row) -> MentionRow {
    let terms: String = r.get(11);
    let count = |i: usize| r.get::<_, Option<i64>>(i).map(|n| n.max(0) as u64);
    MentionRow {
        id: r.get(0),
        brand: r.get(1),
        source: r.get(2),
        url: r.get(3),
        title: r.get(4),
        snippet: r.get(5),
        author: r.get(6),
        lang: r.get(7),
        published_at: ts(r.get(8)),
        published_estimated: r.get::<_, i64>(9) != 0,
        fetched_at: ts(r.get(10)),
        matched_terms: serde_json::from_str(&terms).unwrap_or_default(),
        sentiment: r.get(12),
        sentiment_label: r.get::<_, Option<String>>(13).and_then(|l| l.parse().ok()),
        sentiment_lang: r.get(14),
        story: r.get(15),
        risk: Risk::from_stored(r.get::<_, Option<&str>>(16), 1).categories(),
        risk_severity: r
            .get::<_, Option<i64>>(17)
            .map_or(0, |n| n.clamp(0, 3) as u8),
        state: MentionState::parse(r.get(19)).unwrap_or(MentionState::New),
        engagement: count(20),
        engagement_parts: r
            .get::<_, Option<String>>(21)
            .and_then(|p| crate::ingest::parse::Engagement::from_stored(&p))
            .map(|e| e.parts)
            .unwrap_or_default(),
        reach: count(22),
        rating: r
            .get::<_, Option<i64>>(23)
            .and_then(|n| u8::try_from(n).ok()),
    }
}

/// Which rows of a [`MentionQuery`] one statement reads: after a row (newest first), from
/// an offset (the other orders), up to a limit.
struct Page {
    after: Option<(Timestamp, i64)>,
    offset: usize,
    limit: usize,
}

/// The statement and parameters of a [`MentionQuery`]'s page: only the filters given are
/// written into it (as on SQLite), so the planner can use the index that serves them, and
/// it always has a limit, so the planner reads an index in the list's order rather than
/// sorting every mention.
fn mention_sql(q: &MentionQuery, index: Option<&str>, page: &Page) -> (String, Vec<Param>) {
    let mut sql =
        format!("SELECT {MENTION} FROM mentions m JOIN sources s ON s.id = m.source_id WHERE true");
    let mut values: Vec<Param> = Vec::new();
    let mut clause = |part: &str, v: Vec<Param>| {
        // Each `$` is the next parameter, numbered here.
        let mut n = values.len();
        let numbered: Vec<String> = part
            .split('$')
            .enumerate()
            .map(|(i, piece)| match i {
                0 => piece.to_string(),
                _ => {
                    n += 1;
                    format!("${n}{piece}")
                }
            })
            .collect();
        sql.push_str(" AND (");
        sql.push_str(&numbered.concat());
        sql.push(')');
        values.extend(v);
    };
    let states = q.states_or_default();
    let left_out: Vec<MentionState> = MentionState::ALL
        .into_iter()
        .filter(|s| !states.contains(s))
        .collect();
    match (states.as_slice(), left_out.as_slice()) {
        ([one], _) => clause("m.state = $", vec![Box::new(one.as_str())]),
        (_, [one]) => clause("m.state <> $", vec![Box::new(one.as_str())]),
        _ => {}
    }
    if let Some(b) = &q.brand {
        clause("m.brand = $", vec![Box::new(b.clone())]);
    }
    if let Some(t) = q.since {
        clause("m.published_at >= $", vec![Box::new(t.as_second())]);
    }
    if let Some(t) = q.until {
        clause("m.published_at < $", vec![Box::new(t.as_second())]);
    }
    if let Some(i) = index {
        clause(
            "m.words @@ to_tsquery('vigie_words', $)",
            vec![Box::new(i.to_string())],
        );
    }
    if let Some(l) = q.sentiment {
        clause("m.sentiment_label = $", vec![Box::new(l.as_str())]);
    }
    if let Some(c) = q.risk {
        clause(
            "(',' || m.risk || ',') LIKE ('%,' || $ || ',%')",
            vec![Box::new(c.as_str())],
        );
    }
    if let Some(u) = &q.source {
        clause("s.url = $", vec![Box::new(u.clone())]);
    }
    if let Some(l) = &q.lang {
        clause("m.lang = $", vec![Box::new(l.clone())]);
    }
    if let Some((t, id)) = page.after {
        clause(
            "(m.published_at, m.id) < ($, $)",
            vec![Box::new(t.as_second()), Box::new(id)],
        );
    }
    if let Some(id) = q.only {
        clause("m.id = $", vec![Box::new(id)]);
    }
    sql.push_str(match q.order {
        Order::Newest => " ORDER BY m.published_at DESC, m.id DESC",
        Order::Engagement => {
            " ORDER BY m.engagement IS NULL, m.engagement DESC, m.published_at DESC, m.id DESC"
        }
    });
    sql.push_str(&format!(" LIMIT {}", page.limit));
    if page.offset > 0 {
        sql.push_str(&format!(" OFFSET {}", page.offset));
    }
    (sql, values)
}

/// Reads `q`'s mentions into `out` from `page` on, at most `batches` statements, until `out`
/// holds `q.limit`; the page to read next, `None` when every mention was read.
async fn read(
    c: &Db,
    q: &MentionQuery,
    index: Option<&str>,
    mut page: Option<Page>,
    batches: usize,
    out: &mut Vec<MentionRow>,
) -> Pg<Option<Page>> {
    for _ in 0..batches {
        let Some(p) = page.as_mut().filter(|_| out.len() < q.limit) else {
            break;
        };
        let (stmt, params) = mention_sql(q, index, p);
        let refs: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let rows = c
            .query(&stmt, &refs)
            .await
            .map_err(sql("reading mentions"))?;
        for r in &rows {
            if let Some(search) = &q.search {
                let item = ItemView {
                    title: r.get(4),
                    text: r.get(18),
                    url: r.get(3),
                    lang: r.get(7),
                };
                if !search.matches(&item) {
                    continue;
                }
            }
            out.push(mention_row(r));
            if out.len() == q.limit {
                break;
            }
        }
        match rows.last().filter(|_| rows.len() == p.limit) {
            None => page = None,
            Some(last) => match q.order {
                Order::Newest => p.after = Some((ts(last.get(8)), last.get(0))),
                Order::Engagement => p.offset += rows.len(),
            },
        }
    }
    Ok(page)
}

/// Reads `sql` through a cursor, `BATCH` rows at a time, giving each row to `keep` until
/// it answers false (an export).
async fn each_row(
    c: &mut Db,
    sql_text: &str,
    params: &[Param],
    doing: &str,
    mut keep: impl FnMut(&Row) -> bool,
) -> Pg<()> {
    let tx = c.transaction().await.map_err(sql(doing))?;
    let stmt = tx.statement(sql_text).await.map_err(sql(doing))?;
    let refs: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let portal = tx.inner().bind(&stmt, &refs).await.map_err(sql(doing))?;
    'read: loop {
        let rows = tx
            .inner()
            .query_portal(&portal, BATCH as i32)
            .await
            .map_err(sql(doing))?;
        let last = rows.len() < BATCH;
        for r in &rows {
            if !keep(r) {
                break 'read;
            }
        }
        if last {
            break;
        }
    }
    tx.rollback().await.map_err(sql(doing))
}

impl PgStore {
    /// As [`crate::store::Sqlite::mentions`].
    pub fn mentions(&self, q: &MentionQuery) -> Result<Vec<MentionRow>> {
        self.run(async |c| {
            let mut out = Vec::new();
            // A search is verified row by row, so its limit applies after it: the mentions
            // are read a batch at a time until the list is full.
            let mut page = Some(Page {
                after: q.after,
                offset: 0,
                limit: match q.search {
                    Some(_) => BATCH,
                    None => q.limit,
                },
            });
            let mut index = None;
            if let Some(i) = q.search.as_ref().and_then(|s| s.tsquery()) {
                // Words in many mentions are faster read newest first and checked row by
                // row (the first page is soon full) than found through the index and
                // sorted; the index serves the rarer ones. The newest mentions are tried
                // first: the index's count of a common word costs more than they do.
                if q.order == Order::Newest {
                    page = read(c, q, None, page, SCAN_FIRST, &mut out).await?;
                }
                if page.is_none() || out.len() == q.limit {
                    return Ok(out);
                }
                let hits: i64 = c
                    .query_one(
                        "SELECT count(*) FROM (SELECT 1 FROM mentions
                         WHERE words @@ to_tsquery('vigie_words', $1) LIMIT $2) hits",
                        &[&i, &COMMON_HITS],
                    )
                    .await
                    .map_err(sql("counting a search's hits"))?
                    .get(0);
                if hits < COMMON_HITS {
                    index = Some(i);
                }
            }
            read(c, q, index, page, usize::MAX, &mut out).await?;
            Ok(out)
        })
    }

    pub fn mention(&self, id: i64) -> Result<Option<MentionDetail>> {
        self.run(async |c| {
            let row = c
                .query_opt(
                    &format!(
                        "SELECT {MENTION} FROM mentions m JOIN sources s ON s.id = m.source_id
                         WHERE m.id = $1"
                    ),
                    &[&id],
                )
                .await
                .map_err(sql("reading a mention"))?;
            Ok(row.map(|r| MentionDetail {
                row: mention_row(&r),
                text: r.get(18),
            }))
        })
    }

    pub fn story_copies(&self, id: i64) -> Result<Vec<MentionRow>> {
        self.run(async |c| {
            let rows = c
                .query(
                    &format!(
                        "SELECT {MENTION} FROM mentions me, mentions m
                         JOIN sources s ON s.id = m.source_id
                         WHERE me.id = $1 AND m.id <> me.id
                           AND coalesce(m.story_id, m.id) = coalesce(me.story_id, me.id)
                         ORDER BY m.published_at, m.id LIMIT 100"
                    ),
                    &[&id],
                )
                .await
                .map_err(sql("reading a story's copies"))?;
            Ok(rows.iter().map(mention_row).collect())
        })
    }

    /// As [`crate::store::Sqlite::decide`], in one transaction.
    pub fn decide(
        &mut self,
        ids: &[i64],
        decision: &Decision,
        actor: &str,
        now: Timestamp,
    ) -> Result<Vec<i64>> {
        let now = now.as_second();
        self.run(async |c| {
            let tx = c.transaction().await.map_err(sql("starting a decision"))?;
            // A note is about the one mention; the other decisions about its story.
            let whole = !matches!(decision, Decision::Note(_));
            let mut touched: Vec<i64> = Vec::new();
            for id in ids {
                let rows = tx
                    .query(
                        "SELECT id FROM mentions WHERE id = $1
                         UNION SELECT id FROM mentions WHERE story_id = $1 AND $2
                         ORDER BY 1",
                        &[id, &whole],
                    )
                    .await
                    .map_err(sql("reading a story's mentions"))?;
                for r in rows {
                    let m: i64 = r.get(0);
                    if !touched.contains(&m) {
                        touched.push(m);
                    }
                }
            }
            let (action, detail) = (decision.action(), decision.detail());
            for id in &touched {
                apply(&tx, *id, decision, actor, now).await?;
                tx.execute(
                    "INSERT INTO mention_events (mention_id, at, actor, action, detail)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[id, &now, &actor, &action, &detail],
                )
                .await
                .map_err(sql("recording a decision"))?;
                if whole {
                    tx.execute(
                        "INSERT INTO alert_review (brand, since)
                         SELECT brand, $2 FROM mentions WHERE id = $1
                         ON CONFLICT (brand) DO NOTHING",
                        &[id, &now],
                    )
                    .await
                    .map_err(sql("marking the brand for review"))?;
                }
            }
            tx.commit().await.map_err(sql("committing a decision"))?;
            Ok(touched.clone())
        })
    }

    pub fn correction(&self, id: i64) -> Result<Option<Correction>> {
        Ok(self.corrections_where(Some(id))?.pop())
    }

    pub fn corrections(&self) -> Result<Vec<Correction>> {
        self.corrections_where(None)
    }

    fn corrections_where(&self, id: Option<i64>) -> Result<Vec<Correction>> {
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT c.mention_id, m.brand, m.lang, m.title, m.text, c.computed_sentiment,
                            c.computed_label, c.computed_risk, c.sentiment_label, c.risk,
                            c.corrected_at, c.corrected_by
                     FROM corrections c JOIN mentions m ON m.id = c.mention_id
                     WHERE $1::BIGINT IS NULL OR c.mention_id = $1
                     ORDER BY c.corrected_at, c.mention_id",
                    &[&id],
                )
                .await
                .map_err(sql("reading corrections"))?;
            Ok(rows
                .iter()
                .map(|r| Correction {
                    mention_id: r.get(0),
                    brand: r.get(1),
                    lang: r.get(2),
                    title: r.get(3),
                    text: r.get(4),
                    computed_sentiment: r.get(5),
                    computed_label: r.get(6),
                    computed_risk: r.get(7),
                    sentiment_label: r.get(8),
                    risk: r.get(9),
                    corrected_at: ts(r.get(10)),
                    corrected_by: r.get(11),
                })
                .collect())
        })
    }

    /// As [`crate::store::Sqlite::overview`], from the `mentions_counted` index.
    pub fn overview(&self, brand: &str, span: &OverviewSpan) -> Result<Overview> {
        self.run(async |c| {
            let mut out = Overview {
                days: vec![(0, 0); span.days],
                ..Default::default()
            };
            let rows = c
                .query(
                    "SELECT CASE WHEN published_at < $2 THEN -1
                                 ELSE (published_at - $2) / 86400 END AS day,
                            count(*),
                            count(*) FILTER (WHERE sentiment_label = 'negative' OR risk IS NOT NULL),
                            count(*) FILTER (WHERE published_at >= $5),
                            count(*) FILTER (WHERE published_at > $6),
                            count(*) FILTER (WHERE published_at > $6
                                             AND (sentiment_label = 'negative' OR risk IS NOT NULL))
                     FROM mentions
                     WHERE brand = $1 AND published_at > $3 AND published_at <= $4
                       AND story_id IS NULL AND news = 1 AND state <> 'irrelevant'
                     GROUP BY day",
                    &[
                        &brand,
                        &span.first_day.as_second(),
                        &span.from.as_second(),
                        &span.now.as_second(),
                        &span.today.as_second(),
                        &span.week.as_second(),
                    ],
                )
                .await
                .map_err(sql("reading a brand's overview"))?;
            for r in rows {
                let day: i64 = r.get(0);
                let (total, negative): (i64, i64) = (r.get(1), r.get(2));
                if let Some(d) = usize::try_from(day).ok().and_then(|d| out.days.get_mut(d)) {
                    *d = (total as u32, negative as u32);
                }
                out.today += r.get::<_, i64>(3) as u64;
                let week: i64 = r.get(4);
                out.week += week as u64;
                out.week_negative += r.get::<_, i64>(5) as u64;
                out.before += (total - week) as u64;
            }
            let rows = c
                .query(
                    "SELECT risk, count(*) FROM mentions
                     WHERE brand = $1 AND published_at > $2 AND published_at <= $3
                       AND risk IS NOT NULL
                       AND story_id IS NULL AND news = 1 AND state <> 'irrelevant'
                     GROUP BY risk ORDER BY risk",
                    &[&brand, &span.week.as_second(), &span.now.as_second()],
                )
                .await
                .map_err(sql("reading a brand's risks"))?;
            out.week_risks = rows
                .iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
                .collect();
            Ok(out)
        })
    }

    pub fn history(&self, id: i64) -> Result<Vec<Event>> {
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT at, actor, action, detail FROM mention_events
                     WHERE mention_id = $1 ORDER BY at, id",
                    &[&id],
                )
                .await
                .map_err(sql("reading a mention's history"))?;
            Ok(rows
                .iter()
                .map(|r| Event {
                    at: ts(r.get(0)),
                    actor: r.get(1),
                    action: r.get(2),
                    detail: r.get(3),
                })
                .collect())
        })
    }

    pub fn create_token(
        &mut self,
        name: &str,
        role: &str,
        sha256: &str,
        now: Timestamp,
    ) -> Result<i64> {
        self.run(async |c| {
            Ok(c.query_one(
                "INSERT INTO api_tokens (name, role, sha256, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&name, &role, &sha256, &now.as_second()],
            )
            .await
            .map_err(sql("recording an API token"))?
            .get(0))
        })
    }

    /// As [`crate::store::Sqlite::use_token`]: at most one write a minute per token.
    pub fn use_token(&mut self, sha256: &str, now: Timestamp) -> Result<Option<(String, String)>> {
        self.run(async |c| {
            let Some(r) = c
                .query_opt(
                    "SELECT id, name, role FROM api_tokens
                     WHERE sha256 = $1 AND revoked_at IS NULL",
                    &[&sha256],
                )
                .await
                .map_err(sql("reading an API token"))?
            else {
                return Ok(None);
            };
            let id: i64 = r.get(0);
            c.execute(
                "UPDATE api_tokens SET last_used_at = $2
                 WHERE id = $1 AND coalesce(last_used_at, 0) < $2::BIGINT - 60",
                &[&id, &now.as_second()],
            )
            .await
            .map_err(sql("noting an API token's use"))?;
            Ok(Some((r.get(1), r.get(2))))
        })
    }

    pub fn tokens(&self) -> Result<Vec<TokenRow>> {
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT id, name, role, created_at, last_used_at, revoked_at IS NOT NULL
                     FROM api_tokens ORDER BY id DESC",
                    &[],
                )
                .await
                .map_err(sql("reading the API tokens"))?;
            Ok(rows
                .iter()
                .map(|r| TokenRow {
                    id: r.get(0),
                    name: r.get(1),
                    role: r.get(2),
                    created_at: ts(r.get(3)),
                    last_used_at: opt_ts(r.get(4)),
                    revoked: r.get(5),
                })
                .collect())
        })
    }

    pub fn revoke_token(&mut self, id: i64, now: Timestamp) -> Result<bool> {
        self.run(async |c| {
            Ok(c.execute(
                "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[&id, &now.as_second()],
            )
            .await
            .map_err(sql("revoking an API token"))?
                > 0)
        })
    }

    /// As [`crate::store::Sqlite::web_secret`]: the first node to ask makes it, every other
    /// reads the same (sessions opened on one node's workspace are good on another's).
    pub fn web_secret(&mut self, name: &str, make: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>> {
        let value = make();
        self.run(async |c| {
            c.execute(
                "INSERT INTO web_secrets (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO NOTHING",
                &[&name, &value],
            )
            .await
            .map_err(sql("recording the workspace's secret"))?;
            Ok(
                c.query_one("SELECT value FROM web_secrets WHERE name = $1", &[&name])
                    .await
                    .map_err(sql("reading the workspace's secret"))?
                    .get(0),
            )
        })
    }

    pub fn digests(&self, limit: usize) -> Result<Vec<DigestRow>> {
        self.run(async |c| {
            let rows = c
                .query(
                    "SELECT watchlist, period_start, period_end, created_at, emails,
                            html IS NOT NULL
                     FROM digests ORDER BY period_end DESC, watchlist LIMIT $1",
                    &[&(limit as i64)],
                )
                .await
                .map_err(sql("reading the digests sent"))?;
            Ok(rows
                .iter()
                .map(|r| DigestRow {
                    watchlist: r.get(0),
                    period_start: ts(r.get(1)),
                    period_end: ts(r.get(2)),
                    created_at: ts(r.get(3)),
                    emails: r.get(4),
                    kept: r.get(5),
                })
                .collect())
        })
    }

    pub fn digest_html(&self, watchlist: &str, end: Timestamp) -> Result<Option<String>> {
        self.run(async |c| {
            Ok(c.query_opt(
                "SELECT html FROM digests WHERE watchlist = $1 AND period_end = $2",
                &[&watchlist, &end.as_second()],
            )
            .await
            .map_err(sql("reading a digest"))?
            .and_then(|r| r.get(0)))
        })
    }

    /// As [`crate::store::Sqlite::export_mentions`], streamed through a cursor.
    pub fn export_mentions(
        &self,
        since: Option<Timestamp>,
        out: &mut dyn FnMut(ExportRow) -> bool,
    ) -> Result<()> {
        let since: Param = Box::new(since.map(|t| t.as_second()));
        // Rows already written out cannot be taken back: a connection lost after the first
        // is an error, not a reason to start again (which would write them twice).
        let mut written = false;
        self.run(async |c| {
            let done = each_row(
                c,
                "SELECT m.id, m.brand, s.url, m.url, m.title, m.text, m.author, m.lang,
                        m.published_at, m.published_estimated, m.fetched_at, m.matched_terms,
                        m.sentiment, m.sentiment_label, m.story_id
                 FROM mentions m JOIN sources s ON s.id = m.source_id
                 WHERE ($1::BIGINT IS NULL OR m.published_at >= $1) AND m.state <> 'irrelevant'
                 ORDER BY m.published_at, m.id",
                std::slice::from_ref(&since),
                "exporting mentions",
                |r| {
                    let terms: String = r.get(11);
                    written = true;
                    out(ExportRow {
                        id: r.get(0),
                        brand: r.get(1),
                        source: crate::ingest::fetch::redact_str(r.get(2)),
                        url: r.get(3),
                        title: r.get(4),
                        text: r.get(5),
                        author: r.get(6),
                        lang: r.get(7),
                        published_at: ts(r.get(8)),
                        published_estimated: r.get::<_, i64>(9) != 0,
                        fetched_at: ts(r.get(10)),
                        matched_terms: serde_json::from_str(&terms).unwrap_or_default(),
                        sentiment: r.get(12),
                        sentiment_label: r.get(13),
                        story: r.get(14),
                    })
                },
            )
            .await;
            match done {
                Err(PgError::Lost { doing, why }) if written => Err(PgError::Sql { doing, why }),
                other => other,
            }
        })
    }
}

/// Applies one decision to one mention (as SQLite's `apply`).
async fn apply(tx: &impl Sql, id: i64, decision: &Decision, actor: &str, now: i64) -> Pg<()> {
    let keep_computed = async || {
        tx.execute(
            "INSERT INTO corrections (mention_id, computed_sentiment, computed_label,
                 computed_risk, computed_severity, corrected_at, corrected_by)
             SELECT id, sentiment, sentiment_label, risk, risk_severity, $2, $3
             FROM mentions WHERE id = $1
             ON CONFLICT (mention_id) DO UPDATE
             SET corrected_at = excluded.corrected_at, corrected_by = excluded.corrected_by",
            &[&id, &now, &actor],
        )
        .await
        .map_err(sql("keeping the computed reading"))
    };
    match decision {
        Decision::State(state) => {
            tx.execute(
                "UPDATE mentions SET state = $2 WHERE id = $1",
                &[&id, &state.as_str()],
            )
            .await
            .map_err(sql("setting a mention's state"))?;
        }
        Decision::Sentiment(label) => {
            keep_computed().await?;
            let computed: Option<f64> = tx
                .query_opt(
                    "SELECT computed_sentiment FROM corrections WHERE mention_id = $1",
                    &[&id],
                )
                .await
                .map_err(sql("reading the computed sentiment"))?
                .and_then(|r| r.get(0));
            tx.execute(
                "UPDATE mentions SET sentiment = $2, sentiment_label = $3 WHERE id = $1",
                &[&id, &corrected_score(computed, *label), &label.as_str()],
            )
            .await
            .map_err(sql("correcting a sentiment"))?;
            tx.execute(
                "UPDATE corrections SET sentiment_label = $2 WHERE mention_id = $1",
                &[&id, &label.as_str()],
            )
            .await
            .map_err(sql("recording a correction"))?;
        }
        Decision::Risk(risk) => {
            keep_computed().await?;
            tx.execute(
                "UPDATE mentions SET risk = $2, risk_severity = $3 WHERE id = $1",
                &[&id, &risk.to_stored(), &i64::from(risk.severity)],
            )
            .await
            .map_err(sql("correcting a risk"))?;
            tx.execute(
                "UPDATE corrections SET risk = $2 WHERE mention_id = $1",
                &[&id, &risk.to_stored().unwrap_or_else(|| "none".into())],
            )
            .await
            .map_err(sql("recording a correction"))?;
        }
        Decision::Note(_) => {}
    }
    Ok(())
}
