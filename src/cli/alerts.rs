//! `vigie alerts`: alerts newest first, why they fired, and their emails' fate.

use super::*;

pub(super) fn cmd_alerts(
    path: &Path,
    open_only: bool,
    format: SourcesFormat,
) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let store = open_existing_store(&config)?;
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
                        (Some(c), _) => format!("closed {}", local_time(*c)),
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
                            "{}/{} negative in {} h, usually {:.0} %",
                            a.observed,
                            a.total,
                            a.window.as_secs() / 3600,
                            a.baseline * 100.0
                        ),
                    };
                    let emails = format!(
                        "{} sent, {} waiting, {} refused",
                        a.emails_sent, a.emails_pending, a.emails_dead
                    );
                    vec![
                        local_time(a.opened_at),
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
                    &["opened", "brand", "kind", "state", "why", "emails"],
                    &cells
                )
            )?;
        }
    }
    Ok(())
}
