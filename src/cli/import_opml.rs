//! `vigie import-opml`: the feeds of an OPML export (miniflux, Feedly...) written into a
//! watchlist as `[[source]]` entries with their names; those already listed are skipped.

use super::*;
use crate::ingest::parse::opml::read_opml;

/// Largest OPML file read.
const MAX_BYTES: u64 = 10 * 1024 * 1024;

pub(super) fn cmd_import_opml(
    path: &Path,
    file: &Path,
    watchlist: Option<&str>,
) -> anyhow::Result<()> {
    let (_config, catalog) = load(path)?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > MAX_BYTES {
        bail!(
            "{}: {} bytes, more than an OPML export holds (10 MiB at most)",
            file.display(),
            size
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let opml = read_opml(&String::from_utf8_lossy(&bytes))
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;

    let names: Vec<&str> = catalog.watchlists.iter().map(|w| w.name.as_str()).collect();
    let target = match (watchlist, &catalog.watchlists[..]) {
        (Some(w), all) => all.iter().find(|x| x.name == w).ok_or_else(|| {
            anyhow::anyhow!(
                "no watchlist {w:?}: the watchlists are {}",
                names.join(", ")
            )
        })?,
        (None, [only]) => only,
        (None, _) => bail!(
            "several watchlists: say which one gets the sources with --watchlist ({})",
            names.join(", ")
        ),
    };

    let listed: std::collections::HashSet<String> = catalog
        .watchlists
        .iter()
        .flat_map(|w| &w.sources)
        .map(|s| comparable(&s.url))
        .collect();
    let (new, known): (Vec<_>, Vec<_>) = opml
        .feeds
        .iter()
        .partition(|f| !listed.contains(&comparable(&f.url)));

    let mut out = std::io::stdout().lock();
    if !new.is_empty() {
        let mut text = std::fs::read_to_string(&target.path)
            .with_context(|| format!("cannot read {}", target.path.display()))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let origin = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        text.push_str(&format!(
            "\n# Imported from {} by `vigie import-opml` on {}.\n",
            origin.replace(['\n', '\r'], " "),
            Timestamp::now().strftime("%Y-%m-%d")
        ));
        for f in &new {
            text.push_str(&format!(
                "[[source]]\nurl = {}\n",
                toml::Value::String(f.url.clone())
            ));
            if let Some(n) = &f.name {
                text.push_str(&format!("name = {}\n", toml::Value::String(n.clone())));
            }
            text.push('\n');
        }
        // Checked before it replaces the watchlist: a file Vigie would refuse is not written.
        let staged = target.path.with_extension("toml.import");
        std::fs::write(&staged, &text)
            .with_context(|| format!("cannot write {}", staged.display()))?;
        if let Err(e) = crate::settings::watchlist::load(&staged) {
            let _ = std::fs::remove_file(&staged);
            bail!(
                "the sources would make {} invalid: {e}",
                target.path.display()
            );
        }
        std::fs::rename(&staged, &target.path)
            .with_context(|| format!("cannot write {}", target.path.display()))?;
        writeln!(
            out,
            "added {} to {}:",
            plural(new.len(), "source"),
            target.path.display()
        )?;
        for f in &new {
            match &f.name {
                Some(n) => writeln!(out, "+ {n} <{}>", redact_str(&f.url))?,
                None => writeln!(out, "+ {}", redact_str(&f.url))?,
            }
        }
    } else {
        writeln!(out, "nothing to add to {}", target.path.display())?;
    }
    if !known.is_empty() {
        writeln!(
            out,
            "skipped {} already listed",
            plural(known.len(), "source")
        )?;
    }
    for (url, why) in &opml.refused {
        writeln!(out, "left out {}: {why}", redact_str(url))?;
    }
    Ok(())
}

/// A URL as two listings of one feed agree on it: parsed and written back (case of the
/// host, default port, empty path), without a trailing slash.
fn comparable(u: &str) -> String {
    url::Url::parse(u.trim())
        .map(|u| u.to_string())
        .unwrap_or_else(|_| u.trim().to_string())
        .trim_end_matches('/')
        .to_string()
}
