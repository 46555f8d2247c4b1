//! `vigie poll`: every source once, a summary table, due digests, then the outbox delivered;
//! exit 1 when a source failed or could not be stored.

use super::*;
use crate::service::poll::PollReport;

pub(super) async fn cmd_poll(path: &Path) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let store = open_any_store(&config)?;
    let poller = Poller::new(config, catalog, store, Timestamp::now())?;
    poller.score_unscored().await?;
    let bar = progress_bar(poller.sources.len());
    let reports = poller
        .poll_all(Timestamp::now(), |r| {
            bar.inc(1);
            bar.set_message(truncate(&redact_str(&r.url), 40));
        })
        .await;
    bar.finish_and_clear();

    let failed = print_summary(&reports)?;

    // A digest due since the last run (run from cron, `vigie poll` is the whole daemon).
    for q in crate::service::digests::send_due(&poller, Timestamp::now()).await {
        say!(
            "digest of {} queued: {}",
            q.watchlist,
            plural(q.emails, "email")
        );
    }

    let pruned = poller.prune(Timestamp::now()).await?;
    if pruned > 0 {
        say!(
            "{} past store.keep_mentions deleted",
            plural(pruned, "mention")
        );
    }

    // The whole cycle: what the polls decided is delivered now, retrying (30 s, then 60 s
    // later) for up to a minute when the mail server does not answer.
    deliver_and_wait(&poller).await?;
    // Exit 1 when any source failed or its poll was not stored, so cron and scripts see it.
    if failed > 0 {
        bail!(
            "{failed} of {} failed or could not be stored (see above)",
            plural(reports.len(), "source")
        );
    }
    Ok(())
}

/// A progress bar on a terminal, nothing otherwise.
fn progress_bar(sources: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(sources as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} polling [{bar:30}] {pos}/{len} {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar
}

/// Prints one line per source and the totals; returns how many failed or were not stored.
fn print_summary(reports: &[PollReport]) -> anyhow::Result<usize> {
    let (mut ok, mut unchanged, mut failed, mut new) = (0, 0, 0, 0);
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            new += r.new_mentions;
            let (status, detail) = match &r.outcome {
                Outcome::Fetched => {
                    ok += 1;
                    (
                        "ok",
                        format!(
                            "{}, {}",
                            plural(r.items, "item"),
                            plural(r.new_mentions, "new mention")
                        ),
                    )
                }
                Outcome::NotModified => {
                    unchanged += 1;
                    ("not modified", String::new())
                }
                Outcome::Failed(why) => {
                    failed += 1;
                    ("FAILED", why.clone())
                }
                Outcome::NotStored(why) => {
                    failed += 1;
                    ("NOT STORED", why.clone())
                }
            };
            vec![
                status.to_string(),
                truncate(&redact_str(&r.url), 70),
                detail,
            ]
        })
        .collect();
    write!(
        std::io::stdout().lock(),
        "{}",
        table(&["status", "source", "detail"], &rows)
    )?;
    say!(
        "\n{}: {ok} ok, {unchanged} not modified, {failed} failed; {}",
        plural(reports.len(), "source"),
        plural(new, "new mention")
    );
    Ok(failed)
}

/// Delivers the outbox now, retrying (30 s, then 60 s later) for up to a minute when the
/// mail server does not answer, and says what became of the emails.
pub(super) async fn deliver_and_wait(poller: &Poller) -> anyhow::Result<()> {
    let deadline = Timestamp::now() + DELIVERY_DEADLINE;
    let mut delivered = poller.deliver_outbox(&Timestamp::now).await?;
    while let Some(due) = poller.with_store(|s| s.next_email_due()).await?
        && due <= deadline
    {
        let wait = due.duration_since(Timestamp::now());
        tokio::time::sleep(std::time::Duration::try_from(wait).unwrap_or_default()).await;
        let more = poller.deliver_outbox(&Timestamp::now).await?;
        delivered.sent += more.sent;
        delivered.dead += more.dead;
        delivered.retrying += more.retrying;
    }
    let open = poller.with_store(|s| s.alerts(true, 1000)).await?;
    let (pending, _, dead) = poller.with_store(|s| s.outbox_counts()).await?;
    if !open.is_empty() || delivered != Default::default() || pending > 0 || dead > 0 {
        let what = if poller
            .catalog
            .watchlists
            .iter()
            .any(|w| !w.channels.is_empty())
        {
            "emails and chat messages"
        } else {
            "emails"
        };
        say!(
            "{} open; {what}: {} sent now, {pending} waiting, {dead} refused",
            plural(open.len(), "alert"),
            delivered.sent
        );
    }
    Ok(())
}

/// How long `vigie poll` waits for the outbox when the mail server does not answer.
pub(super) const DELIVERY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);
