//! One poll of one source: fetch → parse → match → store, and what it came to.
//!
//! [`Poller`] holds what every poll shares (HTTP client, compiled matcher, database). It is
//! used by `vigie poll` for one pass over all sources and by the daemon for scheduled polls.
//! A failing source only ever marks itself as failed; the others go on.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use jiff::Timestamp;
use tracing::{Instrument, info, info_span, warn};

use crate::analyze::matcher::{ItemView, Matcher};
use crate::analyze::sentiment;
use crate::ingest::fetch::{Fetched, Fetcher, Hints, redact_str};
use crate::ingest::parse::{self, Item, Languages, Parsed};
use crate::ingest::problem::Problem;
use crate::ingest::social;
use crate::notify;
use crate::service::alerts::AlertPolicy;
pub use crate::service::report::{Outcome, PollReport};
use crate::service::schedule::{self, Policy};
use crate::settings::config::Config;
use crate::settings::watchlist::{Adapter, Catalog, Credentials, PlannedSource};
use crate::store::{NewMention, PollCommit, PollResult, SharedStore, SourceRow, Store, StoreError};

/// The source a document came from, as [`read_pages`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct PageSource<'a> {
    pub url: &'a str,
    /// Sent along to next pages of the same origin.
    pub auth: Option<&'a Credentials>,
    pub adapter: &'a Adapter,
}

/// Reads a fetched document as its source's adapter says ([`parse::read_document`]); for a
/// page read with selectors or a social service's answer, follows its next pages too, up
/// to `max_pages` in all. A next page is only followed where the source's own scheme
/// allows ([`Fetcher::fetch_linked`]); one that cannot be fetched or read ends the walk,
/// keeping what was read. A service's pages are spaced as its rate limit asks
/// ([`page_gap`]); when it says its limit is spent, or answers 429, the walk stops and the
/// returned `ttl` says how long to wait. The same for `vigie poll`, the daemon, `vigie
/// parse` and `vigie try-source`.
pub async fn read_pages(
    fetcher: &Fetcher,
    source: PageSource<'_>,
    first: Vec<u8>,
    content_type: Option<&str>,
    hints: Hints,
    now: Timestamp,
    langs: Languages,
) -> Result<Parsed, String> {
    let PageSource { url, auth, adapter } = source;
    let mut page = read_on_pool(adapter, first, content_type, url, now, langs).await?;
    let (max_pages, service) = match adapter {
        Adapter::Html(spec) => (spec.max_pages, None),
        Adapter::Social(spec) => (spec.max_pages, Some(spec.service)),
        _ => return Ok(page),
    };
    let mut items = std::mem::take(&mut page.items);
    let mut seen = vec![url.to_string()];
    let mut hints = hints;
    let mut wait = None;
    while let Some(next) = page.next.take()
        && seen.len() < max_pages as usize
        && !seen.contains(&next)
    {
        if let Some(service) = service {
            match page_gap(service.page_gap(auth.is_some()), hints) {
                Some(gap) => tokio::time::sleep(gap).await,
                None => {
                    wait = hints.rate_reset;
                    info!(
                        service = service.name(),
                        "rate limit reached: the next pages wait for the next poll"
                    );
                    break;
                }
            }
        }
        seen.push(next.clone());
        match fetcher.fetch_linked(url, &next, auth, now).await {
            Ok(Fetched::Body {
                bytes,
                content_type,
                hints: h,
                ..
            }) => {
                hints = h;
                match read_on_pool(adapter, bytes, content_type.as_deref(), &next, now, langs).await
                {
                    Ok(mut p) => {
                        items.append(&mut p.items);
                        page = p;
                    }
                    Err(e) => warn!(url = %redact_str(&next), error = %e, "next page unreadable"),
                }
            }
            Ok(Fetched::NotModified { .. }) => {}
            Err(e) => {
                wait = e.retry_after;
                warn!(url = %redact_str(&next), error = %e.message, "next page not fetched")
            }
        }
    }
    if service.is_some() && hints.rate_remaining == Some(0) {
        wait = wait.max(hints.rate_reset);
    }
    Ok(Parsed {
        items,
        ttl: wait,
        ..Parsed::default()
    })
}

/// How long to wait before a service's next page: its documented `gap`, or less when its
/// headers say how many requests are left until the window resets; `None` when none is
/// left.
pub fn page_gap(gap: Duration, hints: Hints) -> Option<Duration> {
    // `left` is at least 1 below (0 is the first arm), and any count the headers give fits.
    match (hints.rate_remaining, hints.rate_reset) {
        (Some(0), _) => None,
        (Some(left), Some(reset)) => {
            Some((reset / u32::try_from(left).unwrap_or(u32::MAX)).min(gap))
        }
        _ => Some(gap),
    }
}

/// [`parse::read_document_with`] on the blocking pool: parsing is CPU work, and there it
/// runs on every core instead of holding up the async tasks.
async fn read_on_pool(
    adapter: &Adapter,
    bytes: Vec<u8>,
    content_type: Option<&str>,
    url: &str,
    now: Timestamp,
    langs: Languages,
) -> Result<Parsed, String> {
    let (adapter, url, content_type) = (
        adapter.clone(),
        url.to_string(),
        content_type.map(str::to_string),
    );
    tokio::task::spawn_blocking(move || {
        parse::read_document_with(&adapter, &bytes, content_type.as_deref(), &url, now, langs)
    })
    .await
    .map_err(|e| format!("the document reader failed: {e}"))?
}

/// Everything polls share.
#[derive(Debug)]
pub struct Poller {
    pub config: Config,
    pub catalog: Catalog,
    /// The sources to poll, merged from all watchlists.
    pub sources: Vec<PlannedSource>,
    /// Each source's place in `sources`, by URL.
    pub source_index: std::collections::HashMap<String, usize>,
    fetcher: Fetcher,
    matcher: Arc<Matcher>,
    store: SharedStore,
    /// Polls under way at once (from reading the source's row to committing): bounds the
    /// documents and mentions held in memory, whatever the number of sources.
    in_flight: tokio::sync::Semaphore,
    alert_policy: Arc<AlertPolicy>,
    sender: notify::send::Sender,
    /// The watchlists' chat channels by key (`acme#2`), for the outbox's messages.
    channels: std::collections::HashMap<String, crate::settings::watchlist::Channel>,
    /// The digest's templates, built in or from `[digest] templates`.
    pub digest_templates: Arc<crate::digest::templates::Templates>,
    /// Poll counts and durations, for `/metrics`; kept across reloads.
    pub metrics: Arc<crate::service::metrics::Metrics>,
    /// Told when a poll stored new mentions, so the daemon reviews their brands' alerts.
    review_wanted: tokio::sync::Notify,
    /// Polls waiting to be committed (see [`Poller::commit_grouped`]).
    to_commit: Arc<Mutex<Vec<WaitingCommit>>>,
}

/// Most polls committed in one transaction: a group's writes are held in memory (the WAL
/// and the page cache) until it commits.
const MAX_GROUP: usize = 256;

/// A poll waiting for the next group commit, and where to say how it went.
type WaitingCommit = (
    PollCommit,
    tokio::sync::oneshot::Sender<Result<usize, StoreError>>,
);

impl Poller {
    /// Prepares polling: builds the HTTP client and the matcher, and records the sources in
    /// the database (new ones are due at once; known ones keep their state).
    pub fn new(
        config: Config,
        catalog: Catalog,
        store: Store,
        now: Timestamp,
    ) -> anyhow::Result<Self> {
        Poller::with_shared_store(
            config,
            catalog,
            SharedStore::new(store),
            Default::default(),
            now,
        )
    }

    /// A poller for a new config and watchlists (SIGHUP) on the same database: sources keep
    /// their state (validators, errors, schedule) and brands their open alerts, since both
    /// live in the database. Fails, changing nothing, if the new settings cannot be used
    /// (a template that does not load, a bad transport).
    pub fn reload(
        &self,
        config: Config,
        catalog: Catalog,
        now: Timestamp,
    ) -> anyhow::Result<Poller> {
        if config.database != self.config.database {
            warn!(
                running = %self.config.database.display(),
                asked = %config.database.display(),
                "a new database path takes effect at the next restart"
            );
        }
        Poller::with_shared_store(
            config,
            catalog,
            self.store.clone(),
            self.metrics.clone(),
            now,
        )
    }

    fn with_shared_store(
        config: Config,
        catalog: Catalog,
        store: SharedStore,
        metrics: Arc<crate::service::metrics::Metrics>,
        now: Timestamp,
    ) -> anyhow::Result<Self> {
        for w in catalog.warnings() {
            warn!("{w}");
        }
        let sources = catalog.sources(config.poll.interval.0, config.poll.min_interval.0);
        let matcher = Arc::new(Matcher::new(&catalog.brands().cloned().collect::<Vec<_>>()));
        // Enough to keep every fetch slot busy while other polls are read and committed.
        let in_flight = tokio::sync::Semaphore::new(16 * config.http.max_concurrent_fetches.get());
        let fetcher = Fetcher::new(&config.http)?;
        let alert_policy = Arc::new(AlertPolicy::new(&config, &catalog));
        let sender = notify::send::Sender::new(&config.notify)?;
        let channels = catalog
            .watchlists
            .iter()
            .flat_map(|w| &w.channels)
            .map(|c| (c.key.clone(), c.clone()))
            .collect();
        let digest_templates = Arc::new(crate::digest::templates::Templates::load(
            config.digest.templates.as_deref(),
        )?);
        // Last, once everything else is known to work: a refused reload changes nothing.
        {
            let mut db = store.lock();
            if db.is_postgres() {
                db.join(&catalogue_hash(&catalog)?, now, config.lease)?;
            }
            db.sync_sources(&sources, now)?;
        }
        let source_index = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.url.clone(), i))
            .collect();
        Ok(Poller {
            config,
            catalog,
            sources,
            source_index,
            fetcher,
            matcher,
            in_flight,
            store,
            alert_policy,
            sender,
            channels,
            digest_templates,
            metrics,
            review_wanted: tokio::sync::Notify::new(),
            to_commit: Default::default(),
        })
    }

    /// Whether the database is PostgreSQL, shared with other nodes.
    pub fn shared(&self) -> bool {
        self.config.postgres.is_some()
    }

    fn policy(&self) -> Policy {
        Policy {
            max_backoff: self.config.poll.max_backoff.0,
            jitter_percent: self.config.poll.jitter_percent.0,
        }
    }

    /// Runs `f` on the database on the blocking pool (SQLite calls block).
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> T {
        crate::store::blocking(&self.store, f).await
    }

    /// Scores the stored mentions that have no sentiment yet (stored by a version before
    /// sentiment), a batch at a time, and returns how many were scored. A mention whose
    /// brand is no longer watched is scored on its title and text.
    pub async fn score_unscored(&self) -> Result<usize, StoreError> {
        const BATCH: usize = 500;
        let mut total = 0;
        loop {
            let batch = self.with_store(|s| s.unscored_mentions(BATCH)).await?;
            if batch.is_empty() {
                return Ok(total);
            }
            let scored: Vec<_> = batch
                .iter()
                .map(|m| {
                    let view = ItemView {
                        title: &m.title,
                        text: &m.text,
                        url: m.url.as_deref(),
                        lang: m.lang.as_deref(),
                    };
                    let brand = std::slice::from_ref(&m.brand);
                    let evidence = self
                        .matcher
                        .match_item(&view, Some(brand))
                        .into_iter()
                        .next()
                        .map(|hit| hit.evidence)
                        .unwrap_or_default();
                    let (s, risk) =
                        sentiment::read_mention(&m.title, &m.text, &evidence, m.lang.as_deref());
                    (m.id, s, risk)
                })
                .collect();
            total += scored.len();
            self.with_store(move |s| s.set_sentiments(&scored)).await?;
            if batch.len() < BATCH {
                return Ok(total);
            }
        }
    }

    /// Deletes the mentions older than `[store] keep_mentions`, a batch per transaction so
    /// polls are not held up; returns how many. Nothing without the setting.
    pub async fn prune(&self, now: Timestamp) -> Result<usize, StoreError> {
        let Some(keep) = self.config.store.keep_mentions else {
            return Ok(0);
        };
        let cutoff = now - keep.0;
        let mut total = 0;
        loop {
            let n = self
                .with_store(move |s| s.prune_mentions(cutoff, crate::store::PRUNE_BATCH))
                .await?;
            total += n;
            if n < crate::store::PRUNE_BATCH {
                return Ok(total);
            }
            tokio::task::yield_now().await;
        }
    }

    /// Sends the emails and posts the chat messages due now (see
    /// [`notify::send::deliver_due`] and [`notify::post::deliver_due`]); a relay that is
    /// down holds no chat message back, nor the other way round.
    pub async fn deliver_outbox(
        &self,
        clock: &(dyn Fn() -> Timestamp + Sync),
    ) -> anyhow::Result<notify::send::Delivery> {
        let emails = notify::send::deliver_due(&self.store, &self.sender, clock).await?;
        let chat = notify::post::deliver_due(
            &self.store,
            &self.fetcher,
            &self.channels,
            self.config.http.timeout.0,
            clock,
        )
        .await?;
        Ok(notify::send::Delivery {
            sent: emails.sent + chat.sent,
            retrying: emails.retrying + chat.retrying,
            dead: emails.dead + chat.dead,
        })
    }

    /// Stored state of every source.
    pub async fn source_rows(&self) -> Result<Vec<SourceRow>, StoreError> {
        self.with_store(|s| s.sources()).await
    }

    /// Polls every source once, now, `max_concurrent_fetches` at a time (the fetcher's
    /// limits apply). `on_done` sees each report as it arrives.
    pub async fn poll_all(
        &self,
        now: Timestamp,
        mut on_done: impl FnMut(&PollReport),
    ) -> Vec<PollReport> {
        let mut running: FuturesUnordered<_> = self
            .sources
            .iter()
            .map(|s| self.poll_source(s, now))
            .collect();
        let mut reports = Vec::with_capacity(self.sources.len());
        while let Some(r) = running.next().await {
            on_done(&r);
            reports.push(r);
        }
        reports.sort_by(|a, b| a.url.cmp(&b.url));
        if let Err(e) = self.review_alerts(now, true).await {
            tracing::error!(error = %e, "cannot review the alerts; the next poll will");
        }
        reports
    }

    /// Reviews the alerts of the brands whose mentions changed since the last review and,
    /// with `open_too`, of the brands with an open alert, in one transaction (see
    /// [`Store::review_alerts`]). Returns how many brands were reviewed.
    pub async fn review_alerts(&self, now: Timestamp, open_too: bool) -> Result<usize, StoreError> {
        let policy = self.alert_policy.clone();
        let brands: Vec<String> = self.catalog.brands().map(|b| b.name.clone()).collect();
        self.with_store(move |s| {
            s.review_alerts(&brands, now, open_too, &mut |seen| policy.decide(seen, now))
        })
        .await
    }

    /// Commits a poll with the others waiting at the same moment, in one transaction (see
    /// [`Store::commit_polls`]): whichever poll gets the database first commits every poll
    /// queued by then, so polls finishing together cost one write to the disk, not one
    /// each. Each poll still commits atomically, and gets its own result.
    async fn commit_grouped(&self, commit: PollCommit) -> Result<usize, StoreError> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.to_commit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((commit, done));
        let queue = self.to_commit.clone();
        self.with_store(move |s| {
            let batch: Vec<WaitingCommit> = {
                let mut queue = queue
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let n = queue.len().min(MAX_GROUP);
                queue.drain(..n).collect()
            };
            if batch.is_empty() {
                return; // an earlier group took this poll
            }
            let (commits, senders): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            for (r, sender) in s.commit_polls(&commits).into_iter().zip(senders) {
                let _ = sender.send(r);
            }
        })
        .await;
        result.await.unwrap_or_else(|_| {
            Err(StoreError::Sqlite {
                path: Default::default(),
                error: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                    Some("the group commit stopped before this poll".into()),
                ),
            })
        })
    }

    /// Asks the daemon to review the alerts of the brands marked for it (a decision in the
    /// workspace changed their figures).
    pub fn request_review(&self) {
        self.review_wanted.notify_one();
    }

    /// Waits until a poll has stored new mentions since the last call.
    pub async fn review_requested(&self) {
        self.review_wanted.notified().await;
    }

    /// Polls one source and commits what it found, with the source's new state, in one
    /// transaction.
    pub async fn poll_source(&self, source: &PlannedSource, now: Timestamp) -> PollReport {
        let span = info_span!("poll", source = %redact_str(&source.url));
        let started = std::time::Instant::now();
        let report = self.poll_inner(source, now).instrument(span).await;
        self.metrics.record(&report.outcome, started.elapsed());
        report
    }

    /// The mentions in `items` (see [`mentions_from`]), found on the blocking pool.
    async fn match_items(
        &self,
        items: Vec<Item>,
        source: &PlannedSource,
        now: Timestamp,
    ) -> Result<(Vec<Item>, Vec<NewMention>), String> {
        let (matcher, brands) = (self.matcher.clone(), source.brands.clone());
        let about = match &source.adapter {
            Adapter::Social(spec) => spec.brand.clone(),
            _ => None,
        };
        tokio::task::spawn_blocking(move || {
            parse::isolated("matching and scoring", || {
                mentions_from(&items, &matcher, &brands, about.as_deref(), now)
            })
            .map(|m| (items, m))
        })
        .await
        .map_err(|e| format!("matching and scoring failed: {e}"))?
    }

    /// The items of a fetched document, and the feed's polling hint (see [`read_pages`]).
    /// A page that yields no item, when it used to yield some or was never read, is an
    /// error: the site has probably changed and the selectors match nothing now.
    #[allow(clippy::too_many_arguments)]
    async fn read_document(
        &self,
        source: &PlannedSource,
        auth: Option<&Credentials>,
        bytes: Vec<u8>,
        content_type: Option<&str>,
        hints: Hints,
        previous: Option<&SourceRow>,
        now: Timestamp,
    ) -> Result<Parsed, String> {
        let parsed = read_pages(
            &self.fetcher,
            PageSource {
                url: &source.url,
                auth,
                adapter: &source.adapter,
            },
            bytes,
            content_type,
            hints,
            now,
            Languages::Later,
        )
        .await?;
        if let Adapter::Html(spec) = &source.adapter {
            let was_empty = previous.is_some_and(|p| p.last_item_count == Some(0));
            if parsed.items.is_empty() && !was_empty {
                return Err(format!(
                    "no item matches the selector {:?}: the page may have changed (check it with `vigie try-source`)",
                    spec.item
                ));
            }
        }
        Ok(parsed)
    }

    async fn poll_inner(&self, source: &PlannedSource, now: Timestamp) -> PollReport {
        let _turn = self.in_flight.acquire().await.expect("never closed");
        let url = source.url.clone();
        let previous = match self.with_store(move |s| s.source(&url)).await {
            Ok(row) => row,
            Err(e) => return self.not_stored(source, now, e.to_string()),
        };
        let errors_before = previous.as_ref().map_or(0, |r| r.consecutive_errors);
        let (result, items, next_check_at) = self.fetch_and_read(source, previous, now).await;
        self.commit(source, result, items, next_check_at, errors_before, now)
            .await
    }

    /// Fetches, reads, matches and scores: what the poll found, the number of items and
    /// when to look again. The pure stages are isolated one by one; this catches anything
    /// else, so that no document can leave a source unrecorded.
    async fn fetch_and_read(
        &self,
        source: &PlannedSource,
        previous: Option<SourceRow>,
        now: Timestamp,
    ) -> (PollResult, usize, Timestamp) {
        let validators = previous
            .as_ref()
            .map(|r| r.validators.clone())
            .unwrap_or_default();
        let errors_before = previous.as_ref().map_or(0, |r| r.consecutive_errors);
        let stored_ttl = previous.as_ref().and_then(|r| r.ttl);
        let policy = self.policy();
        let failed = |error: String, problem: Problem, retry_after: Option<Duration>| {
            let next = schedule::after_failure(
                now,
                source.interval,
                errors_before + 1,
                retry_after,
                policy,
                &source.url,
            );
            (PollResult::Failed { error, problem }, 0, next)
        };
        let work = async {
            // A social source's token, read now (or its session, opened now).
            let social = match &source.adapter {
                Adapter::Social(spec) => Some(spec.as_ref()),
                _ => None,
            };
            let auth = match social {
                Some(spec) => match social::authorize(&self.fetcher, spec, now).await {
                    Ok(auth) => auth,
                    Err(e) => {
                        let problem = match &e {
                            social::AuthError::Login { refused: true, .. } => Problem::Status(401),
                            social::AuthError::Login { .. } => Problem::Connect,
                            social::AuthError::File(_) => Problem::Io,
                        };
                        return failed(e.message().to_string(), problem, None);
                    }
                },
                None => source.credentials.clone(),
            };
            let fetched = self
                .fetcher
                .fetch(&source.url, auth.as_ref(), &validators, now)
                .await;
            let (bytes, validators, hints, content_type) = match fetched {
                Ok(Fetched::NotModified { hints }) => {
                    let hint = hints.max_age.max(stored_ttl);
                    let next =
                        schedule::after_success(now, source.interval, hint, policy, &source.url);
                    return (PollResult::NotModified, 0, next);
                }
                Ok(Fetched::Body {
                    bytes,
                    validators,
                    hints,
                    content_type,
                    ..
                }) => (bytes, validators, hints, content_type),
                Err(e) => {
                    let refused = social.and_then(|spec| {
                        let said = social::refusal(spec.service, spec, &e)?;
                        social::credentials_refused(spec);
                        Some(said)
                    });
                    return failed(
                        refused.unwrap_or(e.message),
                        Problem::of_fetch(e.kind),
                        e.retry_after,
                    );
                }
            };
            let read = self
                .read_document(
                    source,
                    auth.as_ref(),
                    bytes,
                    content_type.as_deref(),
                    hints,
                    previous.as_ref(),
                    now,
                )
                .await;
            let (items, ttl, repairs) = match read {
                Ok(read) => (read.items, read.ttl, read.repairs),
                Err(e) => {
                    let problem = Problem::of_reading(&e);
                    return failed(e, problem, None);
                }
            };
            let (items, mut mentions) = match self.match_items(items, source, now).await {
                Ok(found) => found,
                Err(e) => return failed(e, Problem::Unreadable, None),
            };
            // A first poll is the source's history: an item whose time is only its fetch
            // time may be years old, and is no burst. Later, an item not seen before is news
            // at its fetch time.
            if previous
                .as_ref()
                .is_none_or(|p| p.last_success_at.is_none())
            {
                for m in mentions.iter_mut().filter(|m| m.published_estimated) {
                    m.news = false;
                }
            }
            let hint = hints.max_age.max(ttl);
            let next = schedule::after_success(now, source.interval, hint, policy, &source.url);
            let n = items.len();
            let (newest_item, cadence) = crate::ingest::parse::rhythm(&items);
            let result = PollResult::Fetched {
                validators,
                ttl,
                item_count: n,
                mentions,
                newest_item,
                cadence,
                repairs,
            };
            (result, n, next)
        };
        match AssertUnwindSafe(work).catch_unwind().await {
            Ok(done) => done,
            Err(payload) => failed(
                format!(
                    "the poll failed on this document: {}",
                    parse::panic_message(payload.as_ref())
                ),
                Problem::Unreadable,
                None,
            ),
        }
    }

    /// Stores what the poll found in one transaction, with the alert decisions it leads
    /// to, and logs it.
    async fn commit(
        &self,
        source: &PlannedSource,
        result: PollResult,
        items: usize,
        next_check_at: Timestamp,
        errors_before: u32,
        now: Timestamp,
    ) -> PollReport {
        let outcome = match &result {
            PollResult::Fetched { .. } => Outcome::Fetched,
            PollResult::NotModified => Outcome::NotModified,
            PollResult::Failed { error, .. } => Outcome::Failed(error.clone()),
        };
        let commit = PollCommit {
            url: source.url.clone(),
            checked_at: now,
            next_check_at,
            result,
        };
        let committed = self.commit_grouped(commit).await;
        let new_mentions = match committed {
            Ok(n) => n,
            Err(e) => return self.not_stored(source, now, e.to_string()),
        };
        if new_mentions > 0 {
            self.review_wanted.notify_one();
        }
        match &outcome {
            Outcome::Failed(reason) => warn!(
                consecutive_errors = errors_before + 1,
                next_check = %next_check_at,
                reason = %reason,
                "poll failed"
            ),
            _ => {
                info!(items, new_mentions, next_check = %next_check_at, outcome = ?outcome, "polled")
            }
        }
        PollReport {
            url: source.url.clone(),
            outcome,
            items,
            new_mentions,
            next_check_at,
        }
    }

    fn not_stored(&self, source: &PlannedSource, now: Timestamp, reason: String) -> PollReport {
        tracing::error!(reason = %reason, "could not store the poll; it will be redone");
        PollReport {
            url: source.url.clone(),
            outcome: Outcome::NotStored(reason),
            items: 0,
            new_mentions: 0,
            next_check_at: now + Duration::from_secs(60),
        }
    }
}

/// The language of an item that declares none: French or English by its function words
/// when they tell clearly ([`sentiment::lang::clear_language`]), else whatlang's answer
/// when it is confident ([`parse::detect_item_language`]), else the sentiment scorer's
/// reading of a short text ([`sentiment::language_of`]).
pub fn item_language(title: &str, text: &str) -> Option<String> {
    if let Some(lang) = sentiment::lang::clear_language(&[title, text]) {
        return Some(lang.as_str().to_string());
    }
    parse::detect_item_language(title, text).or_else(|| {
        // Too short for a statistical detector ("Acme en panne ?"): the scorer's reading.
        sentiment::language_of(&format!("{title}\n{text}")).map(|l| l.as_str().to_string())
    })
}

/// The mentions in `items` of the brands in `brands` (the brands of the watchlists that list
/// the source); with `about` (a source whose every item is about one brand, such as an
/// app's reviews), an item that names no brand is a mention of that one. Pure.
pub fn mentions_from(
    items: &[Item],
    matcher: &Matcher,
    brands: &[String],
    about: Option<&str>,
    fetched_at: Timestamp,
) -> Vec<NewMention> {
    let mut out = Vec::new();
    for item in items {
        let mut fingerprint = None;
        // An item that declares no language is detected only when it matters: before
        // matching when a query says `lang:`, else once it mentions a brand.
        let detect = || item_language(&item.title, &item.text);
        let mut lang = match &item.lang {
            Some(l) => Some(l.clone()),
            None if matcher.uses_lang() => detect(),
            None => None,
        };
        let view = ItemView {
            title: &item.title,
            text: &item.text,
            url: item.url.as_deref(),
            lang: lang.as_deref(),
        };
        let mut hits = matcher.match_item(&view, Some(brands));
        if hits.is_empty()
            && let Some(brand) = about
        {
            hits.push(crate::analyze::matcher::Hit {
                brand: brand.to_string(),
                matched_terms: Vec::new(),
                evidence: Vec::new(),
                snippet: crate::analyze::matcher::snippet::snippet(
                    &item.text,
                    0..0,
                    crate::analyze::matcher::SNIPPET_CHARS,
                ),
            });
        }
        if hits.is_empty() {
            continue;
        }
        if lang.is_none() && !matcher.uses_lang() {
            lang = detect();
        }
        for hit in hits {
            let (sentiment, risk) =
                sentiment::read_mention(&item.title, &item.text, &hit.evidence, lang.as_deref());
            out.push(NewMention {
                brand: hit.brand,
                dedup_key: item.dedup_key(),
                item_id: item.id.clone(),
                url: item.url.clone(),
                title: item.title.clone(),
                snippet: hit.snippet,
                text: item.text.clone(),
                author: item.author.clone(),
                lang: lang.clone(),
                published_at: item.published,
                published_estimated: item.published_estimated,
                news: true,
                fetched_at,
                matched_terms: hit.matched_terms,
                sentiment,
                risk,
                simhash: *fingerprint.get_or_insert_with(|| {
                    crate::analyze::story::fingerprint(&item.title, &item.text)
                }),
                engagement: item.engagement.clone(),
                reach: item.reach,
                rating: item.rating,
            });
        }
    }
    out
}

impl crate::web::Daemon for Poller {
    fn config(&self) -> &Config {
        &self.config
    }

    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn request_review(&self) {
        Poller::request_review(self)
    }
}

/// The hash of the watchlist files (names and bytes) the catalogue was read from: nodes on
/// one database must have the same.
fn catalogue_hash(catalog: &Catalog) -> anyhow::Result<String> {
    let mut files = Vec::new();
    for w in &catalog.watchlists {
        let bytes = std::fs::read(&w.path)
            .map_err(|e| anyhow::anyhow!("{}: cannot read it again: {e}", w.path.display()))?;
        let name = w
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, bytes));
    }
    Ok(crate::store::pg::work::catalogue_hash(&mut files))
}

#[cfg(test)]
mod page_gap_tests {
    use super::*;

    #[test]
    fn pages_are_spaced_by_what_the_service_says_is_left() {
        let gap = Duration::from_secs(6);
        let hints = |left: Option<u64>, reset: Option<u64>| Hints {
            max_age: None,
            rate_remaining: left,
            rate_reset: reset.map(Duration::from_secs),
        };
        assert_eq!(
            page_gap(gap, hints(None, None)),
            Some(gap),
            "the documented rate"
        );
        assert_eq!(page_gap(gap, hints(Some(0), Some(60))), None, "spent: stop");
        assert_eq!(
            page_gap(gap, hints(Some(100), Some(60))),
            Some(Duration::from_millis(600))
        );
        assert_eq!(
            page_gap(gap, hints(Some(2), Some(600))),
            Some(gap),
            "never past the documented gap"
        );
        // Whatever a header says, no division by zero.
        assert_eq!(
            page_gap(gap, hints(Some(1 << 32), Some(60))),
            Some(Duration::from_secs(60) / u32::MAX)
        );
    }
}
