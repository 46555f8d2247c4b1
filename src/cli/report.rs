//! `vigie report sov`: a group's share of voice over a period.

use super::*;
use crate::analyze::voice;
use crate::cli::output::table;

pub(super) fn cmd_sov(
    path: &Path,
    group: &str,
    since: &str,
    format: SourcesFormat,
) -> anyhow::Result<()> {
    let (config, catalog) = load(path)?;
    let Some(g) = catalog.group(group) else {
        let known: Vec<String> = catalog.groups().map(|g| format!("{:?}", g.name)).collect();
        bail!(
            "no [[group]] named {group:?} in the watchlists{}",
            if known.is_empty() {
                " (there is none: see README, \"Share of voice\")".to_string()
            } else {
                format!("; there are {}", known.join(", "))
            }
        );
    };
    let now = Timestamp::now();
    let from = parse_since(since, now)?;
    let store = open_any_existing_store(&config)?;
    let brands: Vec<String> = g.brands().map(str::to_string).collect();
    let shares = voice::shares(store.voice(&brands, from, now)?, &g.own);
    let mut out = std::io::stdout().lock();
    if format == SourcesFormat::Json {
        let v = serde_json::json!({
            "group": g.name,
            "from": from.to_string(),
            "to": now.to_string(),
            "brands": shares,
        });
        writeln!(out, "{v}")?;
        return Ok(());
    }
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    let bar = |v: f64| "█".repeat((v * 20.0).round() as usize);
    let rows: Vec<Vec<String>> = shares
        .iter()
        .map(|s| {
            vec![
                if s.own {
                    format!("{} (own)", s.figures.brand)
                } else {
                    s.figures.brand.clone()
                },
                s.figures.mentions.to_string(),
                pct(s.mentions),
                bar(s.mentions),
                s.figures.engagement.to_string(),
                pct(s.engagement),
                format!("{:+.0}", s.net_sentiment * 100.0),
                s.figures.risk.to_string(),
            ]
        })
        .collect();
    writeln!(
        out,
        "Share of voice: {} (mentions published since {})",
        g.name,
        from.strftime("%Y-%m-%d %H:%M UTC")
    )?;
    write!(
        out,
        "{}",
        table(
            &[
                "brand",
                "mentions",
                "share",
                "",
                "engagement",
                "share",
                "net sentiment",
                "risk"
            ],
            &rows
        )
    )?;
    writeln!(
        out,
        "net sentiment: positive minus negative share of the brand's mentions, in points"
    )?;
    Ok(())
}
