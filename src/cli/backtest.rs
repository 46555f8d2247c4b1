//! `vigie backtest`: replays spike detection over stored mentions; stores and sends nothing.

use super::*;

pub(super) fn cmd_backtest(
    path: &Path,
    since: &str,
    sensitivity: Option<BacktestSensitivity>,
    only: Option<String>,
    format: SourcesFormat,
) -> anyhow::Result<()> {
    use crate::analyze::alert;
    use crate::settings::alerts::{DETECTION_SPAN, Sensitivity, Thresholds};
    let (config, catalog) = load(path)?;
    let store = open_any_existing_store(&config)?;
    let zone = config_zone(&config);
    let now = Timestamp::now();
    let from = parse_since(since, now)?;
    let mut out = std::io::stdout().lock();
    let mut rows = Vec::new();
    for w in &catalog.watchlists {
        let thresholds = match sensitivity {
            None => w.alerts.thresholds(),
            Some(BacktestSensitivity::Low) => Thresholds::of(Sensitivity::Low),
            Some(BacktestSensitivity::Balanced) => Thresholds::of(Sensitivity::Balanced),
            Some(BacktestSensitivity::High) => Thresholds::of(Sensitivity::High),
        };
        for b in &w.brands {
            if only.as_deref().is_some_and(|o| fold(o) != fold(&b.name)) {
                continue;
            }
            let (points, weights): (Vec<_>, Vec<_>) = store
                .loud_points(&b.name, from - DETECTION_SPAN, now)?
                .into_iter()
                .map(|(p, e)| (p, alert::detect::engagement_weight(e)))
                .unzip();
            // Volume counted as the daemon counts it for this watchlist.
            let volume = match w.alerts.weight {
                watchlist::Weight::Mentions => points.clone(),
                watchlist::Weight::Engagement => alert::detect::weighted(&points, &weights),
            };
            let step = std::time::Duration::from_secs(15 * 60);
            for r in alert::replay(
                &points,
                &volume,
                from,
                now,
                step,
                &thresholds,
                w.alerts.cooldown.0,
            ) {
                rows.push((b.name.clone(), r));
            }
        }
    }
    rows.sort_by_key(|(_, r)| r.opened_at);
    if format == SourcesFormat::Json {
        for (brand, r) in &rows {
            let mut v = serde_json::to_value(r)?;
            v["brand"] = serde_json::Value::String(brand.clone());
            writeln!(out, "{v}")?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        writeln!(
            out,
            "no alert would have fired since {}",
            local_time(from, &zone)
        )?;
        return Ok(());
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(brand, r)| {
            vec![
                local_time(r.opened_at, &zone),
                brand.clone(),
                r.kind.as_str().to_string(),
                format!(
                    "{}{} in {} h, baseline {:.2}",
                    r.reading.observed,
                    if r.kind == alert::Kind::Negativity {
                        format!("/{} negative", r.reading.total)
                    } else {
                        String::new()
                    },
                    r.reading.window.as_secs() / 3600,
                    r.reading.baseline
                ),
                r.escalated_at
                    .map(|t| local_time(t, &zone))
                    .unwrap_or_default(),
                r.closed_at
                    .map_or_else(|| "still open".into(), |t| local_time(t, &zone)),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        table(
            &["would open", "brand", "kind", "why", "escalated", "closed"],
            &cells
        )
    )?;
    writeln!(
        out,
        "{} (nothing was stored or sent)",
        plural(rows.len(), "alert")
    )?;
    Ok(())
}
