//! `vigie mentions`: stored mentions, newest first, filtered, as a table or JSON.

use super::*;
use crate::analyze::search::Search;

pub(super) fn cmd_mentions(
    path: &Path,
    mut query: MentionQuery,
    since: Option<String>,
    search: Option<String>,
    format: Format,
) -> anyhow::Result<()> {
    if let Some(s) = search {
        let parsed = Search::parse(&s).map_err(|e| {
            anyhow::anyhow!(
                "--search is not a query Vigie can read:\n  {}",
                e.show(&s).replace('\n', "\n  ")
            )
        })?;
        query.search = Some(parsed);
    }
    let config = config::load(path)?;
    let zone = config_zone(&config);
    let store = open_any_existing_store(&config)?;
    query.brand = query.brand.map(|b| resolve_brand(&store, &b)).transpose()?;
    query.since = since
        .map(|s| parse_since(&s, Timestamp::now()))
        .transpose()?;
    let rows = store.mentions(&query)?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            for m in &rows {
                writeln!(out, "{}", serde_json::to_string(m)?)?;
            }
        }
        Format::Csv => {
            writeln!(
                out,
                "published_at,brand,title,url,source,matched_terms,lang,snippet,sentiment,sentiment_label,risk,engagement,reach,rating"
            )?;
            for m in &rows {
                writeln!(
                    out,
                    "{}",
                    csv_record(&[
                        m.published_at.to_string(),
                        m.brand.clone(),
                        m.title.clone(),
                        m.url.clone().unwrap_or_default(),
                        redact_str(&m.source),
                        m.matched_terms.join("; "),
                        m.lang.clone().unwrap_or_default(),
                        m.snippet.clone(),
                        m.sentiment.map(|v| format!("{v:.3}")).unwrap_or_default(),
                        m.sentiment_label
                            .map(|l| l.as_str().to_string())
                            .unwrap_or_default(),
                        risk_cell(m),
                        m.engagement.map(|n| n.to_string()).unwrap_or_default(),
                        m.reach.map(|n| n.to_string()).unwrap_or_default(),
                        m.rating.map(|n| n.to_string()).unwrap_or_default(),
                    ])
                )?;
            }
        }
        Format::Table => {
            if rows.is_empty() {
                writeln!(out, "no mentions")?;
                return Ok(());
            }
            // The loudness column when a mention has a count, or when asked to sort by it.
            let loud = query.order == crate::store::Order::Engagement
                || rows
                    .iter()
                    .any(|m| m.engagement.is_some() || m.reach.is_some());
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|m| {
                    let mut row = vec![
                        local_time(m.published_at, &zone),
                        m.brand.clone(),
                        sentiment_cell(m),
                        risk_cell(m),
                    ];
                    if loud {
                        row.push(engagement_cell(m));
                    }
                    row.push(truncate(&m.title, 60));
                    row.push(
                        m.url
                            .as_deref()
                            .map_or_else(|| redact_str(&m.source), redact_str),
                    );
                    row
                })
                .collect();
            let mut head = vec!["published", "brand", "sentiment", "risk"];
            if loud {
                head.push("engagement");
            }
            head.extend(["title", "link"]);
            write!(out, "{}", table(&head, &cells))?;
        }
    }
    Ok(())
}

/// `57 (score 45, comments 12) reach 80,000 ★2`; `-` when its service counted nothing.
fn engagement_cell(m: &crate::store::MentionRow) -> String {
    let mut cell = match m.engagement {
        Some(n) if m.engagement_parts.len() > 1 => format!(
            "{n} ({})",
            m.engagement_parts
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(n) => match m.engagement_parts.first() {
            Some((k, _)) => format!("{n} {k}"),
            None => n.to_string(),
        },
        None => String::new(),
    };
    if let Some(r) = m.reach {
        cell = format!("{cell} reach {r}").trim().to_string();
    }
    if let Some(stars) = m.rating {
        cell = format!("{cell} {}", "★".repeat(stars.into()))
            .trim()
            .to_string();
    }
    if cell.is_empty() { "-".into() } else { cell }
}

/// The risk categories a mention reports (`safety, legal`), empty for none.
fn risk_cell(m: &crate::store::MentionRow) -> String {
    m.risk
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `-0.62 negative`, `+0.41 positive`, `0.00 neutral`; `not scored (de)` for a language the
/// scorer does not know; `-` for a mention stored before sentiment existed.
pub(super) fn sentiment_cell(m: &crate::store::MentionRow) -> String {
    match (m.sentiment, m.sentiment_label, &m.sentiment_lang) {
        (Some(_), Some(_), None) => match &m.lang {
            Some(lang) => format!("not scored ({lang})"),
            None => "not scored".into(),
        },
        (Some(v), Some(label), Some(_)) if v != 0.0 => format!("{v:+.2} {}", label.as_str()),
        (Some(_), Some(label), Some(_)) => format!("0.00 {}", label.as_str()),
        _ => "-".into(),
    }
}
