//! `vigie parse` and `vigie try-source`: one source kind's adapter on a file or URL.

use super::*;

pub(super) async fn cmd_parse(
    path: &Path,
    target: &str,
    kind: ParseKind,
    select: &SelectArgs,
    try_source: bool,
) -> anyhow::Result<()> {
    let spec = match kind {
        ParseKind::Html => Some(select.spec()?),
        _ => None,
    };
    let json = match kind {
        ParseKind::Json => Some(select.json_spec()?),
        _ => None,
    };
    let http = if path.exists() {
        config::load(path)?.http
    } else {
        Default::default()
    };
    let url = match url::Url::parse(target) {
        Ok(u) if matches!(u.scheme(), "http" | "https" | "file") => u.to_string(),
        _ => {
            let abs =
                std::path::absolute(target).with_context(|| format!("cannot resolve {target}"))?;
            url::Url::from_file_path(&abs)
                .map_err(|()| anyhow::anyhow!("cannot turn {} into a file URL", abs.display()))?
                .to_string()
        }
    };
    let adapter = match (kind, spec.clone(), json) {
        (_, Some(spec), _) => Adapter::Html(Box::new(spec)),
        (_, _, Some(json)) => Adapter::Json(Box::new(json)),
        (ParseKind::GoogleAlerts | ParseKind::TalkwalkerAlerts, _, _) => Adapter::AlertFeed,
        (k, _, _) if k.service().is_some() => {
            Adapter::Social(Box::new(crate::settings::social::SocialSpec {
                service: k.service().expect("a service"),
                max_pages: 1,
                token_file: None,
                login: None,
                brand: None,
            }))
        }
        _ => Adapter::Feed,
    };
    // A password on the command line is sent, never shown nor used to resolve links.
    let mut parsed_url = url::Url::parse(&url)?;
    let auth = watchlist::take_credentials(&mut parsed_url);
    let url = parsed_url.to_string();
    let fetcher = Fetcher::new(&http)?;
    let now = Timestamp::now();
    let (bytes, content_type, hints) = match fetcher
        .fetch(&url, auth.as_ref(), &Validators::default(), now)
        .await
    {
        Ok(Fetched::Body {
            bytes,
            content_type,
            hints,
            ..
        }) => (bytes, content_type, hints),
        Ok(Fetched::NotModified { .. }) => bail!(
            "{}: the server answered 304 to an unconditional request",
            redact_str(&url)
        ),
        Err(e) => bail!("{}: {e}", redact_str(&url)),
    };
    let parsed = crate::service::poll::read_pages(
        &fetcher,
        crate::service::poll::PageSource {
            url: &url,
            auth: auth.as_ref(),
            adapter: &adapter,
        },
        bytes,
        content_type.as_deref(),
        hints,
        now,
        crate::ingest::parse::Languages::Later,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}: {e}", redact_str(&url)))?;
    // The language the poller would store.
    let (mut items, repairs) = (parsed.items, parsed.repairs);
    for it in items.iter_mut().filter(|it| it.lang.is_none()) {
        it.lang = crate::service::poll::item_language(&it.title, &it.text);
    }
    if !repairs.is_empty() {
        eprintln!(
            "{}: recovered: true (read with repairs: {})",
            redact_str(&url),
            repairs.join("; ")
        );
    }
    let mut out = std::io::stdout().lock();
    if try_source {
        write!(out, "{}", try_source_report(&items, spec.as_ref()))?;
        return Ok(());
    }
    for item in &items {
        writeln!(out, "{}", serde_json::to_string(item)?)?;
    }
    if items.is_empty() {
        eprintln!("{}: no items", redact_str(&url));
    }
    Ok(())
}

/// What `vigie try-source` shows: each item's fields, then what is missing where.
pub(super) fn try_source_report(
    items: &[crate::ingest::parse::Item],
    spec: Option<&crate::ingest::parse::html::HtmlSpec>,
) -> String {
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        out.push_str(&format!("#{}\n", i + 1));
        out.push_str(&format!("  title   {}\n", truncate(&it.title, 100)));
        out.push_str(&format!(
            "  link    {}\n",
            it.url.as_deref().unwrap_or("(none)")
        ));
        let date = if it.published_estimated {
            "(none or unreadable: the fetch time is used)".to_string()
        } else {
            it.published.to_string()
        };
        out.push_str(&format!("  date    {date}\n"));
        out.push_str(&format!(
            "  author  {}\n",
            it.author.as_deref().unwrap_or("(none)")
        ));
        out.push_str(&format!("  text    {}\n", truncate(&it.text, 100)));
    }
    let missing = |what: &str, n: usize| {
        (n > 0).then(|| format!("{n} of {} items have no {what}\n", items.len()))
    };
    out.push_str(&format!("\n{}\n", plural(items.len(), "item")));
    if items.is_empty()
        && let Some(spec) = spec
    {
        out.push_str(&format!(
            "the item selector {:?} matches nothing on this page\n",
            spec.item
        ));
    }
    for line in [
        missing("title", items.iter().filter(|i| i.title.is_empty()).count()),
        missing("link", items.iter().filter(|i| i.url.is_none()).count()),
        missing(
            "readable date",
            items.iter().filter(|i| i.published_estimated).count(),
        ),
        missing("text", items.iter().filter(|i| i.text.is_empty()).count()),
    ]
    .into_iter()
    .flatten()
    {
        out.push_str(&line);
    }
    out
}
