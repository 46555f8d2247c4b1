//! `vigie export`: every stored mention, oldest first, as CSV or JSON lines.

use super::*;

/// What `export` may change: one brand, the separator, a byte order mark.
pub(super) struct Csv {
    pub brand: Option<String>,
    pub delimiter: char,
    pub bom: bool,
}

pub(super) fn cmd_export(
    path: &Path,
    since: Option<&str>,
    format: ExportFormat,
    csv: Csv,
) -> anyhow::Result<()> {
    if matches!(csv.delimiter, '"' | '\n' | '\r') || csv.delimiter.is_alphanumeric() {
        bail!(
            "--delimiter {:?}: choose a punctuation mark such as ',' or ';'",
            csv.delimiter
        );
    }
    let config = config::load(path)?;
    let store = open_any_existing_store(&config)?;
    let since = since
        .map(|s| parse_since(s, Timestamp::now()))
        .transpose()?;
    let brand = csv
        .brand
        .as_deref()
        .map(|b| resolve_brand(&store, b))
        .transpose()?;
    let d = csv.delimiter;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == ExportFormat::Csv {
        if csv.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let header = [
            "id",
            "published_at",
            "brand",
            "title",
            "url",
            "source",
            "author",
            "lang",
            "matched_terms",
            "sentiment",
            "sentiment_label",
            "story",
            "fetched_at",
            "published_estimated",
            "text",
        ];
        writeln!(out, "{}", header.join(&d.to_string()))?;
    }
    // Writing stops at the first output error (a closed pipe), which is then reported.
    let mut failed: Option<std::io::Error> = None;
    store.export_mentions(since, &mut |m| {
        if brand.as_ref().is_some_and(|b| *b != m.brand) {
            return true;
        }
        let written = match format {
            ExportFormat::Json => serde_json::to_string(&m)
                .map_err(std::io::Error::other)
                .and_then(|line| writeln!(out, "{line}")),
            ExportFormat::Csv => writeln!(
                out,
                "{}",
                csv_record_with(
                    &[
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
                    ],
                    d
                )
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
