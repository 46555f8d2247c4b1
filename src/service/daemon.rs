//! `vigie run`: poll each source when it is due, until told to stop.
//!
//! [`run`] takes everything as arguments (the poller, a clock, the shutdown future) so tests
//! run the real loop under paused tokio time. The loop reads when each source is due from
//! the database (so a restart resumes the schedule where it was), starts the due polls,
//! then sleeps until the next one is due, a poll finishes, or shutdown.
//!
//! On shutdown no new poll starts; in-flight polls get `poll.shutdown_grace` to finish. A
//! poll cut off then has committed nothing (its commit is one transaction) and is redone at
//! the next start.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::task::JoinSet;
use tracing::{Instrument, error, info, warn};

use crate::ingest::fetch::redact_str;
use crate::service::poll::{Outcome, PollReport, Poller};
use crate::settings::config::Config;
use crate::settings::errors::ConfigErrors;
use crate::settings::watchlist::Catalog;

/// Where the daemon reads the time. Production uses the system clock; tests and
/// simulations use [`anchored_clock`] so paused tokio time moves it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

/// A clock that starts at `start` and advances with tokio's clock, paused or not.
pub fn anchored_clock(start: Timestamp) -> Clock {
    let origin = tokio::time::Instant::now();
    Arc::new(move || start + origin.elapsed())
}

/// What systemd shows as the service's status.
fn status(poller: &Poller) -> String {
    format!(
        "watching {} sources for {} brands",
        poller.sources.len(),
        poller.catalog.brands().count()
    )
}

/// How often the idle tasks (pruning) wake.
const MAX_IDLE: Duration = Duration::from_secs(3600);
/// Longest the loop sleeps without going round again: its heartbeat is what the systemd
/// watchdog checks.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Wait before retrying a source whose poll could not be stored, or the schedule after a
/// database error.
const STORE_RETRY: Duration = Duration::from_secs(60);

/// Runs the polling loop until `shutdown` completes, then drains in-flight polls.
pub async fn run(
    poller: Arc<Poller>,
    clock: Clock,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let (keep, requests) = tokio::sync::mpsc::channel(1);
    let never = Reload {
        requests,
        load: Box::new(|| unreachable!("no reload is ever asked for")),
    };
    let done = run_with_reload(poller, clock, shutdown, never).await;
    drop(keep);
    done
}

/// How the daemon reloads its settings (SIGHUP): a request channel, and what reads the
/// config and watchlists again.
pub struct Reload {
    pub requests: tokio::sync::mpsc::Receiver<()>,
    #[allow(clippy::type_complexity)]
    pub load: Box<dyn Fn() -> Result<(Config, Catalog), ConfigErrors> + Send + Sync>,
}

/// The tasks beside the polling loop, started again with a reloaded poller.
struct Beside {
    alerts: tokio::task::JoinHandle<()>,
    outbox: tokio::task::JoinHandle<()>,
    digests: tokio::task::JoinHandle<()>,
    pruning: tokio::task::JoinHandle<()>,
}

impl Beside {
    fn start(poller: &Arc<Poller>, clock: &Clock) -> Beside {
        Beside {
            alerts: tokio::spawn(review_forever(poller.clone(), clock.clone()).in_current_span()),
            outbox: tokio::spawn(deliver_forever(poller.clone(), clock.clone()).in_current_span()),
            digests: tokio::spawn(digest_forever(poller.clone(), clock.clone()).in_current_span()),
            pruning: tokio::spawn(prune_forever(poller.clone(), clock.clone()).in_current_span()),
        }
    }

    /// A message being handed to the server when the task stops is sent again later:
    /// never lost, at worst sent twice. A digest being composed is not recorded yet.
    fn stop(self) {
        self.alerts.abort();
        self.digests.abort();
        self.pruning.abort();
        self.outbox.abort();
    }
}

/// Like [`run`], reloading the config, watchlists and templates when `reload` asks: valid
/// new settings replace the running ones (sources keep their state and brands their open
/// alerts: both are in the database); invalid ones are logged and the running ones kept.
/// systemd hears RELOADING, then READY.
pub async fn run_with_reload(
    mut poller: Arc<Poller>,
    clock: Clock,
    shutdown: impl Future<Output = ()>,
    mut reload: Reload,
) -> anyhow::Result<()> {
    tokio::pin!(shutdown);
    let mut polls = Polls::default();
    info!(
        node = %poller.config.node_id(),
        sources = poller.sources.len(),
        brands = poller.catalog.brands().count(),
        "vigie running"
    );
    score_stored(&poller).await;
    let heartbeat = crate::service::metrics::Heartbeat::default();
    heartbeat.beat();
    let watchdog = crate::service::systemd::watchdog_interval().map(|every| {
        tokio::spawn(crate::service::systemd::watchdog(
            every,
            heartbeat.clone(),
            crate::service::systemd::ping_watchdog,
        ))
    });
    // The poller the health listener reports on: the running one, reloads included.
    let current = Arc::new(std::sync::RwLock::new(poller.clone()));
    let health = start_health(&poller, &current, &heartbeat).await?;
    let workspace = start_workspace(&poller, &current).await?;
    crate::service::systemd::ready(&status(&poller));
    let mut beside = Beside::start(&poller, &clock);

    loop {
        heartbeat.beat();
        let wake = polls.start_due(&poller, &clock).await;
        let sleep = Duration::try_from(wake.duration_since(clock())).unwrap_or(Duration::ZERO);
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(done) = polls.tasks.join_next_with_id(), if !polls.tasks.is_empty() => {
                polls.finish(done, &clock);
            }
            Some(()) = reload.requests.recv() => {
                crate::service::systemd::reloading();
                if let Some(new) = reloaded(&poller, &reload, &clock) {
                    poller = new;
                    *current.write().unwrap_or_else(std::sync::PoisonError::into_inner) =
                        poller.clone();
                    beside.stop();
                    beside = Beside::start(&poller, &clock);
                }
                crate::service::systemd::ready(&status(&poller));
            }
            () = tokio::time::sleep(sleep) => {}
        }
    }

    crate::service::systemd::stopping();
    polls
        .drain(poller.config.poll.shutdown_grace.0, &clock)
        .await;
    // A message being handed to the server when the process stops is sent again at the next
    // start: never lost, at worst sent twice.
    beside.stop();
    for task in [watchdog, health, workspace].into_iter().flatten() {
        task.abort();
    }
    info!("stopped");
    Ok(())
}

/// Scores the sentiment of mentions stored before scoring existed (or by an older lexicon).
async fn score_stored(poller: &Poller) {
    match poller.score_unscored().await {
        Ok(0) => {}
        Ok(n) => info!(
            mentions = n,
            "scored the sentiment of mentions stored before it existed"
        ),
        Err(e) => warn!(error = %e, "could not score stored mentions; will try at next start"),
    }
}

/// Starts the `/healthz` and `/metrics` listener when `[health] listen` asks for one; it
/// reports on whichever poller `current` holds.
async fn start_health(
    poller: &Poller,
    current: &Arc<std::sync::RwLock<Arc<Poller>>>,
    heartbeat: &crate::service::metrics::Heartbeat,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(addr) = poller.config.health.listen else {
        return Ok(None);
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr} for /healthz and /metrics: {e}"))?;
    let current = current.clone();
    let get = Arc::new(move || {
        current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    });
    Ok(Some(tokio::spawn(
        crate::service::health::serve(listener, get, heartbeat.clone()).in_current_span(),
    )))
}

/// Starts the workspace when `[web] listen` asks for it; it reads the users, rights and
/// brands of whichever poller `current` holds (a reload changes them; the address is read
/// at start only).
async fn start_workspace(
    poller: &Poller,
    current: &Arc<std::sync::RwLock<Arc<Poller>>>,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(addr) = poller.config.web.listen else {
        return Ok(None);
    };
    if poller.config.web.users.is_empty() {
        warn!(
            "the workspace has no [[web.user]]: nobody can log in (make a password hash with `vigie passwd`)"
        );
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {addr} for the workspace ([web] listen): {e}")
    })?;
    let current = current.clone();
    let get: crate::web::Current = Arc::new(move || {
        let p: Arc<dyn crate::web::Daemon> = current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        p
    });
    Ok(Some(
        crate::web::start(listener, &poller.config, get).await?,
    ))
}

/// The poller with the settings read again, or `None` (logged) when they are invalid.
fn reloaded(poller: &Poller, reload: &Reload, clock: &Clock) -> Option<Arc<Poller>> {
    match (reload.load)()
        .map_err(anyhow::Error::from)
        .and_then(|(config, catalog)| poller.reload(config, catalog, clock()))
    {
        Ok(new) => {
            info!(
                sources = new.sources.len(),
                brands = new.catalog.brands().count(),
                "reloaded"
            );
            Some(Arc::new(new))
        }
        Err(e) => {
            error!(
                error = %format!("{e:#}"),
                "reload refused: the new settings are invalid; the running ones stay"
            );
            None
        }
    }
}

/// The polls running, and the sources held back after a poll that could not be stored.
#[derive(Default)]
struct Polls {
    tasks: JoinSet<PollReport>,
    in_flight: HashMap<tokio::task::Id, String>,
    /// Sources whose last poll could not be committed: not before this time.
    deferred: HashMap<String, Timestamp>,
}

impl Polls {
    /// Starts a poll of every due source that is not being polled; returns when the loop
    /// should look again (the next due time, at most a heartbeat away).
    async fn start_due(&mut self, poller: &Arc<Poller>, clock: &Clock) -> Timestamp {
        if poller.shared() {
            return self.start_claimed(poller, clock).await;
        }
        let now = clock();
        let mut wake = now + HEARTBEAT;
        let rows = match poller.with_store(|s| s.due_times()).await {
            Ok(rows) => rows,
            Err(e) => {
                error!(error = %e, "cannot read the schedule from the database; retrying");
                return now + STORE_RETRY;
            }
        };
        let due_at: HashMap<&str, Timestamp> =
            rows.iter().map(|(url, at)| (url.as_str(), *at)).collect();
        let busy: HashSet<&String> = self.in_flight.values().collect();
        let mut start = Vec::new();
        for s in &poller.sources {
            if busy.contains(&s.url) {
                continue;
            }
            let mut at = due_at.get(s.url.as_str()).copied().unwrap_or(now);
            if let Some(&d) = self.deferred.get(&s.url) {
                at = at.max(d);
            }
            if at <= now {
                start.push(s.clone());
            } else {
                wake = wake.min(at);
            }
        }
        for s in start {
            self.spawn_poll(poller, clock, s);
        }
        wake
    }

    /// Starts polling `source` (in the node's span, when it has one).
    fn spawn_poll(
        &mut self,
        poller: &Arc<Poller>,
        clock: &Clock,
        source: crate::settings::watchlist::PlannedSource,
    ) {
        let p = poller.clone();
        let clock = clock.clone();
        let url = source.url.clone();
        let handle = self
            .tasks
            .spawn(async move { p.poll_source(&source, clock()).await }.in_current_span());
        self.in_flight.insert(handle.id(), url);
    }

    /// On PostgreSQL, with other nodes: leases due sources to this node, as many as it
    /// has room for (twice its fetch slots, counting the polls running), and polls them.
    /// A source another node holds is not this node's to poll; one this node could not
    /// store a poll of is taken again, by any node, when its lease ends.
    async fn start_claimed(&mut self, poller: &Arc<Poller>, clock: &Clock) -> Timestamp {
        let now = clock();
        let capacity = 2 * poller.config.http.max_concurrent_fetches.get();
        let room = capacity.saturating_sub(self.in_flight.len());
        if room < capacity / 2 {
            // Busy: take more when half the polls are done (fewer round trips), or at
            // the heartbeat; each poll that finishes wakes the loop.
            return now + HEARTBEAT;
        }
        let lease = poller.config.lease;
        let (urls, next) = match poller
            .with_store(move |s| s.claim_due(now, lease, room))
            .await
        {
            Ok(claimed) => claimed,
            Err(e) => {
                error!(error = %e, "cannot take due sources from the database; retrying");
                return now + STORE_RETRY;
            }
        };
        for url in urls {
            if let Some(&i) = poller.source_index.get(&url) {
                self.spawn_poll(poller, clock, poller.sources[i].clone());
            }
        }
        let wake = now + HEARTBEAT;
        next.map_or(wake, |t| wake.min(t.max(now + Duration::from_secs(1))))
    }

    /// Records a finished poll: a source whose poll could not be stored (or whose task
    /// panicked) waits [`STORE_RETRY`] before the next try.
    fn finish(
        &mut self,
        done: Result<(tokio::task::Id, PollReport), tokio::task::JoinError>,
        clock: &Clock,
    ) {
        match done {
            Ok((id, report)) => {
                self.in_flight.remove(&id);
                if let Outcome::NotStored(_) = report.outcome {
                    self.deferred.insert(report.url, clock() + STORE_RETRY);
                } else {
                    self.deferred.remove(&report.url);
                }
            }
            Err(e) => {
                // A poll task panicked: keep the daemon up, retry that source later.
                if let Some(url) = self.in_flight.remove(&e.id()) {
                    error!(source = %redact_str(&url), error = %e, "poll task failed");
                    self.deferred.insert(url, clock() + STORE_RETRY);
                }
            }
        }
    }

    /// Lets in-flight polls finish within `grace`; the rest are abandoned (they committed
    /// nothing and are redone at the next start).
    async fn drain(&mut self, grace: Duration, clock: &Clock) {
        info!(in_flight = self.tasks.len(), grace = ?grace, "shutting down");
        let drain = async {
            while let Some(done) = self.tasks.join_next_with_id().await {
                self.finish(done, clock);
            }
        };
        if tokio::time::timeout(grace, drain).await.is_err() {
            let left: Vec<String> = self.in_flight.values().map(|u| redact_str(u)).collect();
            warn!(abandoned = ?left, "polls still running after the grace period were abandoned; they will be redone at the next start");
            self.tasks.shutdown().await;
        }
    }
}

/// Longest the digest clock sleeps without looking again.
const DIGEST_LOOK: Duration = Duration::from_secs(10 * 60);

/// How often the outbox is looked at when nothing is due.
const OUTBOX_IDLE: Duration = Duration::from_secs(5);

/// Delivers the outbox as messages come due, alongside polling.
async fn deliver_forever(poller: Arc<Poller>, clock: Clock) {
    loop {
        if let Err(e) = poller.deliver_outbox(&*clock).await {
            error!(error = %e, "cannot deliver the outbox; retrying");
        }
        let next = poller
            .with_store(|s| s.next_email_due())
            .await
            .ok()
            .flatten();
        let wait = next
            .and_then(|t| Duration::try_from(t.duration_since(clock())).ok())
            .map_or(OUTBOX_IDLE, |d| {
                d.clamp(Duration::from_secs(1), OUTBOX_IDLE)
            });
        tokio::time::sleep(wait).await;
    }
}

/// How long the alert review waits after being told of new mentions, to take the polls
/// finishing together in one review.
const REVIEW_GATHER: Duration = Duration::from_secs(1);
/// How often brands with an open alert are reviewed with no new mention (to close the
/// alert when calm).
const OPEN_REVIEW: Duration = Duration::from_secs(60);

/// Reviews the alerts of the brands that got new mentions, soon after the polls that
/// stored them, and those of brands with an open alert every [`OPEN_REVIEW`]. The first
/// review, at start, takes what a review cut off by a stop left.
async fn review_forever(poller: Arc<Poller>, clock: Clock) {
    let mut open_reviewed: Option<Timestamp> = None;
    loop {
        let now = clock();
        let open_too = open_reviewed.is_none_or(|t| {
            Duration::try_from(now.duration_since(t)).unwrap_or_default() >= OPEN_REVIEW
        });
        match poller.review_alerts(now, open_too).await {
            Ok(_) if open_too => open_reviewed = Some(now),
            Ok(_) => {}
            Err(e) => error!(error = %e, "cannot review the alerts; retrying"),
        }
        tokio::select! {
            () = poller.review_requested() => tokio::time::sleep(REVIEW_GATHER).await,
            () = tokio::time::sleep(OPEN_REVIEW) => {}
        }
    }
}

/// Deletes mentions past `[store] keep_mentions`, at start and then hourly.
async fn prune_forever(poller: Arc<Poller>, clock: Clock) {
    if poller.config.store.keep_mentions.is_none() {
        return;
    }
    loop {
        match poller.prune(clock()).await {
            Ok(0) => {}
            Ok(n) => info!(mentions = n, "pruned mentions past store.keep_mentions"),
            Err(e) => warn!(error = %e, "cannot prune old mentions; will retry"),
        }
        tokio::time::sleep(MAX_IDLE).await;
    }
}

/// Queues each digest when it is due (at start, the ones missed while down), and logs when
/// the next one goes out.
async fn digest_forever(poller: Arc<Poller>, clock: Clock) {
    let schedules = crate::service::digests::schedules(&poller);
    for (w, s) in &schedules {
        info!(
            watchlist = %w.name,
            at = %s.next_after(clock()).to_zoned(s.zone.clone()).strftime("%Y-%m-%d %H:%M %Z"),
            recipients = w.recipients.len(),
            "next digest"
        );
    }
    if schedules.is_empty() {
        return;
    }
    drop(schedules);
    loop {
        let queued = crate::service::digests::send_due(&poller, clock()).await;
        if !queued.is_empty()
            && let Some((watchlist, at)) = crate::service::digests::next_send(&poller, clock())
        {
            info!(%watchlist, at = %at, "next digest");
        }
        let next = crate::service::digests::next_send(&poller, clock()).map(|(_, t)| t);
        // Wake at the send time, and look again at least every few minutes: a digest that
        // could not be prepared is retried, and a jump of the wall clock is noticed.
        let wait = next
            .and_then(|t| Duration::try_from(t.duration_since(clock())).ok())
            .unwrap_or(DIGEST_LOOK)
            .min(DIGEST_LOOK);
        tokio::time::sleep(wait).await;
    }
}
