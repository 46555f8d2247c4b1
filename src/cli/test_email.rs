//! `vigie test-email`: one message through the `[notify]` transport, now; `vigie
//! test-channel`: one message to each of a watchlist's chat channels, now.

use super::*;

pub(super) async fn cmd_test_email(path: &Path, to: &str) -> anyhow::Result<()> {
    if to.trim().parse::<lettre::Address>().is_err() {
        bail!("{to:?} is not an email address: write it as name@example.com");
    }
    let to = to.trim();
    let config = config::load(path)?;
    if config.notify.transport == config::Transport::None {
        bail!(
            "no transport in {}: set [notify] smtp = \"smtp://...\" or dir = \"...\"",
            config.path.display()
        );
    }
    let now = Timestamp::now();
    let email = crate::notify::Email {
        subject: "[Vigie] test".into(),
        text: format!(
            "This test message was sent by `vigie test-email` at {now}.\nIf you read it, alerts will reach you."
        ),
        html: format!(
            "<p>This test message was sent by <code>vigie test-email</code> at {now}.</p><p>If you read it, alerts will reach you.</p>"
        ),
    };
    let id = format!(
        "<vigie.test.{}@{}>",
        now.as_nanosecond(),
        config.notify.from.email.domain()
    );
    let message = crate::notify::build(&email, &config.notify.from, to, &id, now)?;
    let sender = crate::notify::send::Sender::new(&config.notify)?;
    let queued = store::QueuedEmail {
        id: 0,
        recipient: to.to_string(),
        message_id: id,
        subject: email.subject,
        message,
        attempts: 0,
    };
    match sender.send(&queued).await {
        Ok(()) => {
            say!("sent to {to} ({})", queued.message_id);
            Ok(())
        }
        Err(e) => bail!(
            "not sent to {to}: {}{}",
            e.message,
            if e.permanent {
                " (refused by the server)"
            } else {
                ""
            }
        ),
    }
}

pub(super) async fn cmd_test_channel(
    path: &Path,
    watchlist: &str,
    only: Option<usize>,
) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let Some(w) = catalog.watchlists.iter().find(|w| w.name == watchlist) else {
        let names: Vec<&str> = catalog.watchlists.iter().map(|w| w.name.as_str()).collect();
        bail!(
            "no watchlist {watchlist:?}; there are: {}",
            names.join(", ")
        );
    };
    if w.channels.is_empty() {
        bail!("the watchlist {watchlist} has no [[channel]]");
    }
    let channels: Vec<(usize, &watchlist::Channel)> = w
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| (i + 1, c))
        .filter(|(n, _)| only.is_none_or(|o| o == *n))
        .collect();
    if channels.is_empty() {
        bail!(
            "the watchlist {watchlist} has {} (numbered from 1)",
            plural(w.channels.len(), "channel")
        );
    }
    let fetcher = crate::ingest::fetch::Fetcher::new(&config.http)?;
    let zone = config_zone(&config);
    let now = Timestamp::now();
    let mut failed = 0;
    for (n, c) in channels {
        let fr = c.language == watchlist::Language::Fr;
        let summary = crate::notify::render::AlertSummary {
            subject: "[Vigie] test".into(),
            label: if fr {
                "Message de test"
            } else {
                "Test message"
            }
            .into(),
            headline: if fr {
                format!(
                    "Ce canal recevra les alertes de la liste de veille {}.",
                    w.name
                )
            } else {
                format!(
                    "This channel will get the alerts of the watchlist {}.",
                    w.name
                )
            },
            why: Some(if fr {
                "Envoyé par vigie test-channel.".into()
            } else {
                "Sent by vigie test-channel.".into()
            }),
            ack: None,
            stage: "test",
            mentions: Vec::new(),
            links: Vec::new(),
        };
        let payload = crate::notify::chat::alert_payload(
            c.kind,
            &crate::notify::chat::ChatAlert {
                brand: &w.name,
                kind: "test",
                summary: &summary,
                lang: c.language,
                zone: &zone,
            },
        );
        let id = format!("vigie.test.{}.{n}", now.as_nanosecond());
        let body = serde_json::to_vec(&payload)?;
        match crate::notify::post::post_now(&fetcher, c, &id, body, now).await {
            Ok(()) => say!(
                "{n}. {} ({}, {}): posted",
                c.name,
                c.kind.as_str(),
                c.shown_url()
            ),
            Err(e) => {
                failed += 1;
                say!(
                    "{n}. {} ({}, {}): not posted: {e}",
                    c.name,
                    c.kind.as_str(),
                    c.shown_url()
                );
            }
        }
    }
    if failed > 0 {
        bail!("{} not posted", plural(failed, "test message"));
    }
    Ok(())
}
