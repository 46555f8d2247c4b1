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
    let store = open_existing_store(&config)?;
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
                "published_at,brand,title,url,source,matched_terms,lang,snippet,sentiment,sentiment_label,risk"
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
                    ])
                )?;
            }
        }
        Format::Table => {
            if rows.is_empty() {
                writeln!(out, "no mentions")?;
                return Ok(());
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|m| {
                    vec![
                        local_time(m.published_at, &zone),
                        m.brand.clone(),
                        sentiment_cell(m),
                        risk_cell(m),
                        truncate(&m.title, 60),
                        m.url
                            .as_deref()
                            .map_or_else(|| redact_str(&m.source), redact_str),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(
                    &["published", "brand", "sentiment", "risk", "title", "link"],
                    &cells
                )
            )?;
        }
    }
    Ok(())
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
