//! Checking one watchlist's text ([`parse`]): the caps, each brand's terms and query, each
//! source, the recipients, the `[alerts]` and `[digest]` tables, and names defined twice.
//! Every mistake is reported with its file, line and key, all of them at once.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::raw::{RawBrand, RawWatchlist};
use super::source::{normalize_source_url, refuse_social_keys, social_source, source_spec};
use super::{AlertSettings, Brand, Group, SourceSpec, Watchlist, limits};
use crate::settings::errors::{ConfigError, ConfigErrors};
use crate::settings::query::{self, Query};
use crate::settings::social::Service;
use crate::text;

/// The text being checked, to locate what is wrong in it.
pub(super) struct Located<'a> {
    pub(super) src: &'a str,
    pub(super) path: &'a Path,
}

impl Located<'_> {
    /// An error at `span`, under `key`.
    pub(super) fn at(&self, span: Range<usize>, key: &str, msg: String) -> ConfigError {
        ConfigError::at(self.path, self.src, span, Some(key), msg)
    }
}

/// Parses and validates one watchlist's text. `path` names it in messages and anchors
/// relative `file:` URLs; the file is not read.
pub fn parse(src: &str, path: &Path) -> Result<Watchlist, ConfigErrors> {
    if src.len() as u64 > limits::FILE_BYTES {
        return Err(super::load::too_big(path, src.len() as u64).into());
    }
    let raw: RawWatchlist =
        toml::from_str(src).map_err(|e| ConfigError::from_toml(path, src, &e))?;
    let here = Located { src, path };
    let mut errors = Vec::new();
    check_counts(&raw, &here, &mut errors)?;

    let brands: Vec<(Range<usize>, Brand)> = raw
        .brands
        .iter()
        .filter_map(|b| brand(b, &here, &mut errors))
        .collect();
    let mut warnings = Vec::new();
    let names: Vec<&str> = brands.iter().map(|(_, b)| b.name.as_str()).collect();
    let sources = sources(&raw, &names, &here, &mut errors, &mut warnings);
    let recipients = recipients(&raw, &here, &mut errors);
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let channels = super::channel::channels(&raw.channels, &name, raw.language, &here, &mut errors);
    let groups = groups(&raw, &names, &here, &mut errors);
    check_alerts(&raw.alerts, &here, &mut errors);
    let digest =
        crate::settings::digest::parse(&raw.digest, src, path, false, &mut errors).defaults;
    check_unique_names(&brands, &here, &mut errors);

    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    let (brand_spans, brands) = brands.into_iter().unzip();
    Ok(Watchlist {
        path: path.to_path_buf(),
        name,
        recipients,
        language: raw.language,
        alerts: raw.alerts.clone(),
        digest,
        brands,
        sources,
        channels,
        groups,
        source_text: src.to_string(),
        brand_spans,
        warnings,
    })
}

/// A watchlist needs brands and sources; past the cap of brands per file, nothing else is
/// checked.
fn check_counts(
    raw: &RawWatchlist,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Result<(), ConfigErrors> {
    if raw.brands.is_empty() {
        errors.push(ConfigError::file(
            here.path,
            "no [[brand]]: a watchlist needs at least one brand",
        ));
    }
    if raw.sources.is_empty() {
        errors.push(ConfigError::file(
            here.path,
            "no [[source]]: this watchlist's brands would never be looked for",
        ));
    }
    if let Some(b) = raw.brands.get(limits::BRANDS_PER_FILE) {
        errors.push(here.at(
            b.name.span(),
            "brand",
            format!(
                "this is brand {} of {}: a watchlist holds at most {} brands; split it into several files",
                limits::BRANDS_PER_FILE + 1,
                raw.brands.len(),
                limits::BRANDS_PER_FILE
            ),
        ));
        return Err(ConfigErrors(std::mem::take(errors)));
    }
    Ok(())
}

/// One brand, its terms and query checked; `None` when it cannot be used.
fn brand(
    b: &RawBrand,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Option<(Range<usize>, Brand)> {
    let written = 1 + b.aliases.len() + b.exclude.len();
    if written > limits::TERMS_PER_BRAND {
        errors.push(here.at(
            b.name.span(),
            "brand.aliases",
            format!(
                "this brand has {written} names, aliases and exclusions: at most {} (use a query with wildcards, or split the brand)",
                limits::TERMS_PER_BRAND
            ),
        ));
        return None;
    }
    let name = term(&b.name, "brand.name", here, errors);
    let aliases: Vec<String> = b
        .aliases
        .iter()
        .filter_map(|a| term(a, "brand.aliases", here, errors))
        .collect();
    let exclude: Vec<String> = b
        .exclude
        .iter()
        .filter_map(|x| term(x, "brand.exclude", here, errors))
        .collect();
    let query = brand_query(b, here, errors);
    let name = name?;
    if b.query.is_some() && query.is_none() {
        return None;
    }
    Some((
        b.name.span(),
        Brand {
            name,
            aliases,
            exclude,
            query,
        },
    ))
}

/// A name, alias or exclusion: within the length cap, and with something to match.
fn term(
    s: &Spanned<String>,
    key: &str,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Option<String> {
    let t = s.get_ref().trim();
    let chars = t.chars().count();
    if chars > limits::TERM_CHARS {
        errors.push(here.at(
            s.span(),
            key,
            format!(
                "this term is {chars} characters long: at most {}",
                limits::TERM_CHARS
            ),
        ));
        None
    } else if text::fold(t).trim().chars().all(|c| !c.is_alphanumeric()) {
        errors.push(here.at(
            s.span(),
            key,
            format!("{t:?} has no letter or digit: it would match nothing"),
        ));
        None
    } else {
        Some(t.to_string())
    }
}

/// The brand's query, parsed and within the caps; a syntax error points at its column.
fn brand_query(b: &RawBrand, here: &Located<'_>, errors: &mut Vec<ConfigError>) -> Option<Query> {
    let q = b.query.as_ref()?;
    let mut refuse = |msg: String| {
        errors.push(here.at(q.span(), "brand.query", msg));
        None
    };
    if !b.aliases.is_empty() {
        return refuse("a brand has either aliases or a query: put the aliases in the query (\"Acme\" OR \"Acme Corp\")".into());
    }
    let chars = q.get_ref().chars().count();
    if chars > limits::QUERY_CHARS {
        return refuse(format!(
            "this query is {chars} characters long: at most {}",
            limits::QUERY_CHARS
        ));
    }
    let parsed = match query::parse(q.get_ref()) {
        Ok(parsed) => parsed,
        Err(e) => {
            let pos = string_content_start(here.src, q.span().start) + e.pos;
            let end = (pos + 1).min(here.src.len());
            errors.push(here.at(pos..end, "brand.query", e.message));
            return None;
        }
    };
    let terms = query::terms(&parsed);
    if let Some(t) = terms
        .iter()
        .find(|t| t.text.chars().count() > limits::TERM_CHARS)
    {
        return refuse(format!(
            "a term of this query is {} characters long: at most {}",
            t.text.chars().count(),
            limits::TERM_CHARS
        ));
    }
    if 1 + b.exclude.len() + terms.len() > limits::TERMS_PER_BRAND {
        return refuse(format!(
            "this query has {} terms: a brand has at most {} with its name and exclusions",
            terms.len(),
            limits::TERMS_PER_BRAND
        ));
    }
    Some(parsed)
}

/// The file's sources, each URL listed once.
fn sources(
    raw: &RawWatchlist,
    brands: &[&str],
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<String>,
) -> Vec<SourceSpec> {
    let dir = here.path.parent().unwrap_or(Path::new("."));
    let mut sources: Vec<SourceSpec> = Vec::new();
    for (i, s) in raw.sources.iter().enumerate() {
        let kind = s.kind.as_ref().map(|k| *k.get_ref());
        let spec = if let Some(service) = kind.and_then(Service::of) {
            if let Some(u) = &s.url {
                errors.push(here.at(
                    u.span(),
                    "source.url",
                    format!(
                        "a {} source is given by what to look for (see README, \"Social sources\"): Vigie builds the request, so no `url`",
                        service.name()
                    ),
                ));
                continue;
            }
            match social_source(s, service, brands, here, errors, warnings) {
                Some(spec) => spec,
                None => continue,
            }
        } else {
            let Some(url_text) = &s.url else {
                let msg = format!(
                    "source {} has no `url`: every source but the social kinds needs one",
                    i + 1
                );
                errors.push(match &s.kind {
                    Some(k) => here.at(k.span(), "source.url", msg),
                    None => ConfigError::file(here.path, msg),
                });
                continue;
            };
            refuse_social_keys(s, kind.unwrap_or_default(), here, errors);
            match normalize_source_url(url_text.get_ref(), dir) {
                Ok((url, credentials)) => source_spec(s, url, credentials, here, errors, warnings),
                Err(msg) => {
                    errors.push(here.at(url_text.span(), "source.url", msg));
                    continue;
                }
            }
        };
        if sources.iter().any(|o| o.url == spec.url) {
            let span = s
                .url
                .as_ref()
                .or(s.query.as_ref())
                .map(Spanned::span)
                .or_else(|| s.kind.as_ref().map(Spanned::span))
                .unwrap_or_default();
            errors.push(here.at(
                span,
                "source.url",
                format!("source {} is listed twice in this watchlist", spec.url),
            ));
            continue;
        }
        sources.push(spec);
    }
    sources
}

/// The `[[group]]`s: each names brands of this watchlist, its own at least one, two
/// brands at least, none twice; names are unique in the file.
fn groups(
    raw: &RawWatchlist,
    brands: &[&str],
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for g in &raw.groups {
        let name = g
            .name
            .get_ref()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(here.at(
                g.name.span(),
                "group.name",
                "a group's name is 1 to 100 characters, on one line".into(),
            ));
            continue;
        }
        if groups
            .iter()
            .any(|o| text::fold(&o.name) == text::fold(&name))
        {
            errors.push(here.at(
                g.name.span(),
                "group.name",
                format!("group {name:?} is defined twice in this watchlist"),
            ));
            continue;
        }
        let mut seen: Vec<String> = Vec::new();
        let mut pick = |list: &[Spanned<String>], key: &str| -> Vec<String> {
            let mut out = Vec::new();
            for b in list {
                let wanted = text::fold(b.get_ref().trim());
                match brands.iter().find(|n| text::fold(n) == wanted) {
                    Some(n) if seen.contains(&n.to_string()) => errors.push(here.at(
                        b.span(),
                        &format!("group.{key}"),
                        format!("{n:?} is twice in this group"),
                    )),
                    Some(n) => {
                        seen.push(n.to_string());
                        out.push(n.to_string());
                    }
                    None => errors.push(here.at(
                        b.span(),
                        &format!("group.{key}"),
                        format!("{:?} is not a brand of this watchlist: add a [[brand]] for it (competitors are watched like any brand)", b.get_ref()),
                    )),
                }
            }
            out
        };
        let own = pick(&g.own, "own");
        let competitors = pick(&g.competitors, "competitors");
        if g.own.is_empty()
            || own.len() + competitors.len() < 2 && g.own.len() + g.competitors.len() < 2
        {
            errors.push(here.at(
                g.name.span(),
                "group.own",
                "a group compares your brands (`own`, one at least) with others (`competitors`): two brands at least".into(),
            ));
            continue;
        }
        groups.push(Group {
            name,
            own,
            competitors,
        });
    }
    groups
}

/// Who gets the alert emails: email addresses.
fn recipients(
    raw: &RawWatchlist,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Vec<String> {
    let mut recipients = Vec::new();
    for r in &raw.recipients {
        let addr = r.get_ref().trim();
        match addr.parse::<lettre::Address>() {
            Ok(_) => recipients.push(addr.to_string()),
            Err(e) => errors.push(here.at(
                r.span(),
                "recipients",
                format!("{addr:?} is not an email address: {e}"),
            )),
        }
    }
    recipients
}

/// The `[alerts]` thresholds a watchlist overrides, within their ranges.
fn check_alerts(a: &AlertSettings, here: &Located<'_>, errors: &mut Vec<ConfigError>) {
    let checks = [
        (
            a.alpha.is_some_and(|v| v <= 0.0 || v >= 1.0 || v.is_nan()),
            "alpha",
            "must be between 0 and 1",
        ),
        (
            a.min_ratio.is_some_and(|v| v < 1.0 || v.is_nan()),
            "min_ratio",
            "must be at least 1",
        ),
        (
            a.negative_margin.is_some_and(|v| !(0.0..1.0).contains(&v)),
            "negative_margin",
            "must be between 0 and 1",
        ),
    ];
    for (bad, key, msg) in checks {
        if bad {
            let full = format!("alerts.{key}");
            errors.push(match alerts_key_span(here.src, key) {
                Some(span) => here.at(span, &full, msg.to_string()),
                None => ConfigError::file(here.path, format!("key `{full}`: {msg}")),
            });
        }
    }
}

/// A brand name (accents and case ignored) is defined once in a file.
fn check_unique_names(
    brands: &[(Range<usize>, Brand)],
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) {
    let mut seen: HashMap<String, ()> = HashMap::new();
    for (span, b) in brands {
        if seen.insert(text::fold(&b.name), ()).is_some() {
            errors.push(here.at(
                span.clone(),
                "brand.name",
                format!("brand {:?} is defined twice in this watchlist", b.name),
            ));
        }
    }
}

/// Where `key = ...` sits in the `[alerts]` table of `src`, to point at a bad value.
fn alerts_key_span(src: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let table = src.find("[alerts]")?;
    let mut pos = table + src[table..].find('\n')? + 1;
    for line in src[pos..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            return None;
        }
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = pos + (line.len() - trimmed.len());
            return Some(start..start + trimmed.trim_end().len());
        }
        pos += line.len();
    }
    None
}

/// Where the content of the TOML string starting at `start` begins: after `"`, `'`, or a
/// triple quote and the newline that may follow it. Positions inside are exact for literal
/// strings; an escape in a basic string shifts what follows it by the escape's length.
fn string_content_start(src: &str, start: usize) -> usize {
    let rest = &src[start..];
    if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
        let after = start + 3;
        if src[after..].starts_with("\r\n") {
            after + 2
        } else if src[after..].starts_with('\n') {
            after + 1
        } else {
            after
        }
    } else {
        start + 1
    }
}
