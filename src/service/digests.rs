//! Sending digests on schedule: which are due, composing them, queuing their emails.
//!
//! A watchlist's digests are tracked by how far they have covered (`digest_state`). The
//! first time a watchlist is seen, that is its last send time: it gets no digest of the
//! time before Vigie watched it. At each look (every send time while the daemon runs, at
//! start-up, and at each `vigie poll`), a watchlist whose last send time is past its
//! coverage gets one digest from its coverage to that send time, queued with the record of
//! the new coverage in one transaction. A digest missed while the daemon was down is thus
//! sent once at start, covering everything since the previous one.

use jiff::Timestamp;
use tracing::{info, warn};

use crate::digest::{Digest, compose, query};
use crate::service::poll::Poller;
use crate::settings::digest::DigestSchedule;
use crate::settings::watchlist::Watchlist;

/// A digest that was queued.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub watchlist: String,
    pub period: (Timestamp, Timestamp),
    /// Emails newly queued (0 when they already were).
    pub emails: usize,
}

/// Each watchlist whose digest is on, with its schedule.
pub fn schedules(poller: &Poller) -> Vec<(&Watchlist, DigestSchedule)> {
    poller
        .catalog
        .watchlists
        .iter()
        .filter_map(|w| Some((w, w.digest.schedule(&poller.config.digest.defaults)?)))
        .collect()
}

/// Reads the database and composes `w`'s digest of `period`.
pub async fn build(
    poller: &Poller,
    w: &Watchlist,
    schedule: &DigestSchedule,
    period: (Timestamp, Timestamp),
    now: Timestamp,
) -> anyhow::Result<Digest> {
    let q = query(w, period);
    let input = poller.with_store(move |s| s.digest_input(&q)).await?;
    let (name, lang, schedule) = (w.name.clone(), w.language, schedule.clone());
    // Charts take a few milliseconds each: off the async threads.
    Ok(
        tokio::task::spawn_blocking(move || compose(&name, lang, &schedule, &input, period, now))
            .await?,
    )
}

/// Composes `w`'s digest of `period` and queues one email per recipient; `advance`: it is
/// the scheduled digest, and the watchlist's digests now cover up to the period's end.
pub async fn enqueue(
    poller: &Poller,
    w: &Watchlist,
    schedule: &DigestSchedule,
    period: (Timestamp, Timestamp),
    advance: bool,
    now: Timestamp,
) -> anyhow::Result<Queued> {
    let digest = build(poller, w, schedule, period, now).await?;
    let mut emails = digest.emails(
        &poller.digest_templates,
        &poller.config.notify.from,
        &w.recipients,
        now,
    )?;
    emails.extend(digest.chat_messages(&w.channels, poller.config.notify.from.email.domain()));
    // Kept for the workspace's Digests page, as it was sent (charts inlined).
    let html = match digest.preview(&poller.digest_templates) {
        Ok(html) => Some(html),
        Err(e) => {
            warn!(watchlist = %w.name, error = %e, "cannot keep the digest's page for the workspace");
            None
        }
    };
    let name = w.name.clone();
    let queued = poller
        .with_store(move |s| s.record_digest(&name, period, &emails, html.as_deref(), advance, now))
        .await?;
    Ok(Queued {
        watchlist: w.name.clone(),
        period,
        emails: queued,
    })
}

/// Queues every digest due at `now` (see the module's documentation). A watchlist that
/// fails is logged and retried at the next look; the others go on.
pub async fn send_due(poller: &Poller, now: Timestamp) -> Vec<Queued> {
    let mut done = Vec::new();
    for (w, schedule) in schedules(poller) {
        let name = w.name.clone();
        let first = schedule.last_at_or_before(now);
        let covered = match poller
            .with_store(move |s| s.start_digests(&name, first))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                warn!(watchlist = %w.name, error = %e, "cannot read the digest state; will retry");
                continue;
            }
        };
        let Some(period) = schedule.due(covered, now) else {
            continue;
        };
        if w.recipients.is_empty() {
            info!(watchlist = %w.name, "digest due, but the watchlist has no recipients");
        }
        match enqueue(poller, w, &schedule, period, true, now).await {
            Ok(q) => {
                info!(
                    watchlist = %q.watchlist,
                    from = %q.period.0,
                    to = %q.period.1,
                    emails = q.emails,
                    "digest queued"
                );
                done.push(q);
            }
            Err(e) => {
                warn!(watchlist = %w.name, error = %e, "cannot prepare the digest; will retry")
            }
        }
    }
    done
}

/// The next send time after `now`, of any watchlist.
pub fn next_send(poller: &Poller, now: Timestamp) -> Option<(String, Timestamp)> {
    schedules(poller)
        .into_iter()
        .map(|(w, s)| (w.name.clone(), s.next_after(now)))
        .min_by_key(|(_, t)| *t)
}
