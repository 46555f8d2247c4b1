//! `vigie alerts`: alerts newest first, why they fired, and their emails' fate.

use super::*;

/// A note as one clean line, in a table cell.
fn clean(note: &str) -> String {
    crate::notify::clean_line(note)
}

/// `vigie alerts ack ID [--note ...]`.
pub(super) fn cmd_ack(path: &Path, id: i64, note: Option<&str>) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let mut store = open_writer(&config)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note
        && n.chars().count() > 500
    {
        anyhow::bail!("the note is too long: 500 characters at most");
    }
    if !store.acknowledge(id, None, note, jiff::Timestamp::now())? {
        anyhow::bail!("no alert {id}: `vigie alerts` lists them with their ids");
    }
    println!("alert {id} acknowledged");
    Ok(())
}

pub(super) fn cmd_alerts(
    path: &Path,
    open_only: bool,
    format: SourcesFormat,
) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let zone = config_zone(&config);
    let store = open_any_existing_store(&config)?;
    let rows = store.alerts(open_only, 1000)?;
    let mut out = std::io::stdout().lock();
    match format {
        SourcesFormat::Json => {
            for a in &rows {
                writeln!(out, "{}", serde_json::to_string(a)?)?;
            }
        }
        SourcesFormat::Table => {
            if rows.is_empty() {
                writeln!(
                    out,
                    "{}",
                    if open_only {
                        "no open alerts"
                    } else {
                        "no alerts"
                    }
                )?;
                return Ok(());
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|a| {
                    let state = match (&a.closed_at, &a.escalated_at) {
                        (Some(c), _) => format!("closed {}", local_time(*c, &zone)),
                        (None, Some(_)) => "open, escalated".into(),
                        (None, None) => "open".into(),
                    };
                    let why = match a.kind {
                        crate::analyze::alert::Kind::Volume => format!(
                            "{} in {} h, expected {:.1}",
                            a.observed,
                            a.window.as_secs() / 3600,
                            a.baseline
                        ),
                        crate::analyze::alert::Kind::Negativity => format!(
                            "{}/{} negative in {} h, usually {:.0}%",
                            a.observed,
                            a.total,
                            a.window.as_secs() / 3600,
                            a.baseline * 100.0
                        ),
                        crate::analyze::alert::Kind::Spread => format!(
                            "one story on {} sites in {} h, usually {:.0}",
                            a.observed,
                            a.window.as_secs() / 3600,
                            a.baseline
                        ),
                        crate::analyze::alert::Kind::Risk => {
                            let c: Vec<&str> = a.categories.iter().map(|c| c.as_str()).collect();
                            format!("first {} risk mention", c.join(", "))
                        }
                    };
                    let state = match (&a.acknowledged_at, &a.ack_note) {
                        (Some(t), Some(n)) => {
                            format!(
                                "{state}, acknowledged {} ({})",
                                local_time(*t, &zone),
                                clean(n)
                            )
                        }
                        (Some(t), None) => {
                            format!("{state}, acknowledged {}", local_time(*t, &zone))
                        }
                        _ => state,
                    };
                    let mut emails = format!(
                        "{} sent, {} waiting, {} refused",
                        a.emails_sent, a.emails_pending, a.emails_dead
                    );
                    if a.chat_sent + a.chat_pending + a.chat_dead > 0 {
                        emails.push_str(&format!(
                            "; chat: {} posted, {} waiting, {} refused",
                            a.chat_sent, a.chat_pending, a.chat_dead
                        ));
                    }
                    vec![
                        a.id.to_string(),
                        local_time(a.opened_at, &zone),
                        a.brand.clone(),
                        a.kind.as_str().to_string(),
                        state,
                        why,
                        emails,
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(
                    &["id", "opened", "brand", "kind", "state", "why", "emails"],
                    &cells
                )
            )?;
        }
    }
    Ok(())
}
