//! `vigie digest`: a watchlist's digest, previewed as HTML or queued and sent.

use super::*;
use crate::settings::digest::DigestSchedule;
use crate::settings::watchlist::Watchlist;

pub(super) async fn cmd_digest(
    path: &Path,
    watchlist: Option<&str>,
    date: Option<jiff::civil::Date>,
    preview: Option<&Path>,
    send: bool,
) -> anyhow::Result<()> {
    use crate::service::digests as due;
    let (config, catalog) = load(path)?;
    let store = open_any_store(&config)?;
    let now = Timestamp::now();
    let poller = Poller::new(config, catalog, store, now)?;
    let chosen = chosen_watchlists(&poller, watchlist, preview.is_some())?;
    for (w, schedule) in chosen {
        let period = match date {
            Some(d) => schedule.period_ending(schedule.at(d)),
            // Up to now, this second included (mentions are stored to the second).
            None => (
                schedule.last_at_or_before(now),
                Timestamp::from_second(now.as_second() + 1)?,
            ),
        };
        let zone = |t: Timestamp| {
            t.to_zoned(schedule.zone.clone())
                .strftime("%Y-%m-%d %H:%M %Z")
                .to_string()
        };
        let span = format!("{} to {}", zone(period.0), zone(period.1));
        if let Some(file) = preview {
            let digest = due::build(&poller, w, &schedule, period, now).await?;
            let html = digest.preview(&poller.digest_templates)?;
            std::fs::write(file, html)
                .with_context(|| format!("cannot write {}", file.display()))?;
            say!(
                "digest of {} ({span}): written to {}",
                w.name,
                file.display()
            );
        }
        if send {
            if date.is_some() && period.1 > now {
                bail!(
                    "the digest of {} is not due yet: its period ends {}",
                    date.map(|d| d.to_string()).unwrap_or_default(),
                    zone(period.1)
                );
            }
            let q = due::enqueue(&poller, w, &schedule, period, false, now).await?;
            let to_chat = w.channels.iter().any(|c| c.digest);
            let note = if q.emails == 0 && (!w.recipients.is_empty() || to_chat) {
                " (already queued or sent for this period)"
            } else if w.recipients.is_empty() && !to_chat {
                " (the watchlist has no recipients)"
            } else {
                ""
            };
            say!(
                "digest of {} ({span}): {} queued{note}",
                w.name,
                plural(q.emails, if to_chat { "message" } else { "email" })
            );
        }
    }
    if send {
        super::poll::deliver_and_wait(&poller).await?;
    }
    Ok(())
}

/// The watchlists whose digest is asked for (all with a digest, or the one named), each with
/// its schedule; a named watchlist with its digest off is an error, and a preview needs one.
fn chosen_watchlists<'a>(
    poller: &'a Poller,
    watchlist: Option<&str>,
    preview: bool,
) -> anyhow::Result<Vec<(&'a Watchlist, DigestSchedule)>> {
    let names: Vec<&str> = poller
        .catalog
        .watchlists
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    let mut chosen = Vec::new();
    for w in &poller.catalog.watchlists {
        if watchlist.is_some_and(|n| n != w.name) {
            continue;
        }
        match w.digest.schedule(&poller.config.digest.defaults) {
            Some(s) => chosen.push((w, s)),
            None if watchlist.is_some() => {
                bail!(
                    "the digest of watchlist {} is off ([digest] enabled = false)",
                    w.name
                )
            }
            None => {}
        }
    }
    if let Some(n) = watchlist
        && chosen.is_empty()
    {
        bail!("no watchlist {n:?}; there are: {}", names.join(", "));
    }
    if preview && chosen.len() > 1 {
        bail!(
            "{} watchlists have a digest ({}): choose one with --watchlist",
            chosen.len(),
            names.join(", ")
        );
    }
    Ok(chosen)
}
