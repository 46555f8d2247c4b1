//! `vigie sources`: each source's state, last poll and next check.

use super::*;

pub(super) fn cmd_sources(path: &Path, format: SourcesFormat) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let planned = catalog.sources(config.poll.interval.0, config.poll.min_interval.0);
    let rows = if config.postgres.is_some() || config.database.exists() {
        open_any_existing_store(&config)?.sources()?
    } else {
        Vec::new()
    };
    // By URL: a linear search per planned source was quadratic (50,000 sources: 2.5
    // billion comparisons).
    let rows: std::collections::HashMap<&str, &crate::store::SourceRow> =
        rows.iter().map(|r| (r.url.as_str(), r)).collect();
    let names = catalog.source_names();
    let shared = config.postgres.is_some();
    let now = Timestamp::now();
    let mut out = std::io::stdout().lock();
    let mut cells = Vec::new();
    for p in &planned {
        let row = rows.get(p.url.as_str()).copied();
        if format == SourcesFormat::Json {
            let v = serde_json::json!({
                "url": redact_str(&p.url),
                "name": names.get(&p.url),
                "kind": p.kind,
                "interval_seconds": p.interval.as_secs(),
                "brands": &*p.brands,
                "last_checked_at": row.and_then(|r| r.last_checked_at),
                "last_success_at": row.and_then(|r| r.last_success_at),
                "last_error": row.and_then(|r| r.last_error.clone()),
                "last_error_at": row.and_then(|r| r.last_error_at),
                "consecutive_errors": row.map_or(0, |r| r.consecutive_errors),
                "next_check_at": row.map(|r| r.next_check_at),
                "last_item_count": row.and_then(|r| r.last_item_count),
                "mentions": row.map_or(0, |r| r.mentions),
                "repairs": row.and_then(|r| r.repairs.clone()),
                "polled_by": row.and_then(|r| r.polled_by.clone()),
            });
            writeln!(out, "{v}")?;
            continue;
        }
        let (state, success, errors, error, next) = match row {
            None => (
                "new".to_string(),
                "never".to_string(),
                String::new(),
                String::new(),
                "now".to_string(),
            ),
            Some(r) => (
                match (r.consecutive_errors, r.last_checked_at) {
                    (_, None) => "new".to_string(),
                    (0, _) => "ok".to_string(),
                    (n, _) => format!("failing ({n})"),
                },
                r.last_success_at
                    .map_or("never".into(), |t| relative(t, now)),
                r.consecutive_errors.to_string(),
                // The last column, shown whole: its end says what to do ("use kind = \"html\"").
                if r.consecutive_errors > 0 {
                    r.last_error.clone().unwrap_or_default()
                } else if let Some(repairs) = &r.repairs {
                    // Read, but the publisher's feed is broken: worth telling them.
                    format!("read with repairs: {repairs}")
                } else {
                    String::new()
                },
                relative(r.next_check_at, now),
            ),
        };
        let mentions = row.map_or(0, |r| r.mentions).to_string();
        // A named source is shown by its name, its address after it.
        let source = match names.get(&p.url) {
            Some(name) => format!("{} ({})", name, truncate(&redact_str(&p.url), 50)),
            None => truncate(&redact_str(&p.url), 60),
        };
        let mut line = vec![state, source, success, errors, next, mentions];
        if shared {
            line.push(row.and_then(|r| r.polled_by.clone()).unwrap_or_default());
        }
        line.push(error);
        cells.push(line);
    }
    if format == SourcesFormat::Table {
        let mut header = vec![
            "state",
            "source",
            "last success",
            "errors",
            "next check",
            "mentions",
        ];
        // Several nodes: which one polled each source last.
        if shared {
            header.push("polled by");
        }
        header.push("last error");
        write!(out, "{}", table(&header, &cells))?;
        for w in &catalog.watchlists {
            writeln!(
                out,
                "\ndigest of {}: {}",
                w.name,
                super::check::digest_line(w, &config, now)
            )?;
        }
    }
    Ok(())
}
