//! `vigie export`: every stored mention, oldest first, as CSV or JSON lines.

use super::*;

pub(super) fn cmd_export(
    path: &Path,
    since: Option<&str>,
    format: ExportFormat,
) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let store = open_existing_store(&config)?;
    let since = since
        .map(|s| parse_since(s, Timestamp::now()))
        .transpose()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == ExportFormat::Csv {
        writeln!(
            out,
            "id,published_at,brand,title,url,source,author,lang,matched_terms,sentiment,sentiment_label,story,fetched_at,published_estimated,text"
        )?;
    }
    // Writing stops at the first output error (a closed pipe), which is then reported.
    let mut failed: Option<std::io::Error> = None;
    store.export_mentions(since, &mut |m| {
        let written = match format {
            ExportFormat::Json => serde_json::to_string(&m)
                .map_err(std::io::Error::other)
                .and_then(|line| writeln!(out, "{line}")),
            ExportFormat::Csv => writeln!(
                out,
                "{}",
                csv_record(&[
                    m.id.to_string(),
                    m.published_at.to_string(),
                    m.brand,
                    m.title,
                    m.url.unwrap_or_default(),
                    m.source,
                    m.author.unwrap_or_default(),
                    m.lang.unwrap_or_default(),
                    m.matched_terms.join("; "),
                    m.sentiment.map(|s| format!("{s:.3}")).unwrap_or_default(),
                    m.sentiment_label.unwrap_or_default(),
                    m.story.map(|s| s.to_string()).unwrap_or_default(),
                    m.fetched_at.to_string(),
                    m.published_estimated.to_string(),
                    m.text,
                ])
            ),
        };
        written.map_err(|e| failed = Some(e)).is_ok()
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    out.flush()?;
    Ok(())
}
