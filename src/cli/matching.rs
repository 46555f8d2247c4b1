//! `vigie match`: tries a query on lines of stdin; a malformed query is a [`BadQuery`].

use super::*;

/// A query that does not parse, shown with a caret under the problem (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("invalid query: {}", .error.show(.query))]
pub struct BadQuery {
    query: String,
    error: QueryError,
}

pub(super) fn cmd_match(
    query: &str,
    title: Option<String>,
    site: Option<String>,
    lang: Option<String>,
) -> anyhow::Result<()> {
    let parsed = match_query::parse(query).map_err(|error| BadQuery {
        query: query.to_string(),
        error,
    })?;
    // Language detection per line costs more than matching; only a lang: filter needs it.
    let needs_lang = match_query::uses_lang(&parsed);
    let brand = Brand {
        name: "query".into(),
        aliases: vec![],
        exclude: vec![],
        query: Some(parsed),
    };
    let matcher = Matcher::new(std::slice::from_ref(&brand));
    let site = site.map(|s| {
        if s.contains("://") {
            s
        } else {
            format!("https://{s}/")
        }
    });
    let title = title.unwrap_or_default();
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let detected = if lang.is_none() && needs_lang {
            crate::service::poll::item_language(&title, &line)
        } else {
            None
        };
        let item = ItemView {
            title: &title,
            text: &line,
            url: site.as_deref(),
            lang: lang.as_deref().or(detected.as_deref()),
        };
        match matcher.match_item(&item, None).first() {
            Some(hit) => writeln!(out, "1\t{}", hit.matched_terms.join(", "))?,
            None => writeln!(out, "0")?,
        }
    }
    Ok(())
}
