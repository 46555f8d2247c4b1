//! Watchlists (`watchlists/*.toml`): the brands to look for and the sources to read.
//!
//! A watchlist file holds one or more `[[brand]]` tables (name, aliases, excluded terms) and
//! one or more `[[source]]` tables (url, kind, optional interval). Every source of a file is
//! matched against every brand of that file. The same URL in two files is one source, polled
//! once, matched for both files' brands, at the shorter of their intervals.
//!
//! Source URLs are `http://`, `https://` or `file://`. As a convenience for shipped samples,
//! `file:relative/path.xml` (no slash after the colon) is resolved against the watchlist's
//! folder.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::alerts::{Sensitivity, Thresholds};
use crate::settings::config::Config;
use crate::settings::errors::{ConfigError, ConfigErrors};
use crate::settings::query::{self, Query, Term};
use crate::settings::units::HumanDuration;
use crate::text;

/// What kind of document a source serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// RSS 0.9x/1.0/2.0, Atom 1.0 or JSON Feed, detected from the content.
    #[default]
    Feed,
    /// A forum or blog page read with CSS selectors (`[source.select]`).
    Html,
    /// A JSON document (a search API) read with JSON Pointers (`[source.json]`).
    Json,
    /// A Google Alerts feed (detected from its URL when `kind` is not given).
    GoogleAlerts,
    /// A Talkwalker Alerts feed (detected from its URL when `kind` is not given).
    TalkwalkerAlerts,
}

impl SourceKind {
    /// The name used in watchlists and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Html => "html",
            SourceKind::Json => "json",
            SourceKind::GoogleAlerts => "google-alerts",
            SourceKind::TalkwalkerAlerts => "talkwalker-alerts",
        }
    }
}

/// A brand to find in items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// Display name; also the key mentions are stored under.
    pub name: String,
    /// Other spellings that count as the brand (when there is no `query`).
    pub aliases: Vec<String>,
    /// Terms that veto a match anywhere in the item ("acme trail" for a brand "Acme").
    pub exclude: Vec<String>,
    /// The brand's own query; without one, the name and aliases are the query.
    pub query: Option<Query>,
}

impl Brand {
    /// The name followed by the aliases: every spelling that makes a hit when there is no
    /// query.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// The query that decides: the brand's own, or `"name" OR "alias" ...`.
    pub fn effective_query(&self) -> Query {
        if let Some(q) = &self.query {
            return q.clone();
        }
        let mut terms: Vec<Query> = self.terms().map(|t| Query::Term(Term::phrase(t))).collect();
        if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Query::Or(terms)
        }
    }
}

/// The user name and password a source URL carried (`https://user:pass@host/feed`). They
/// are taken out of the URL when the watchlist is read and only ever sent, as an
/// `Authorization` header, to the source's own origin: the URL that is stored, logged,
/// shown and used to resolve links has none.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(redacted)")
    }
}

/// A source as one watchlist declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// Normalised URL (`file:` paths made absolute), without user name or password.
    pub url: String,
    /// The user name and password the URL carried, if any.
    pub credentials: Option<Credentials>,
    pub kind: SourceKind,
    /// The watchlist's own interval for this source, if it set one.
    pub interval: Option<Duration>,
    /// How its documents are read.
    pub adapter: Adapter,
}

/// How a source's documents are turned into items.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Adapter {
    #[default]
    Feed,
    /// A feed whose links are redirects and whose titles carry markup.
    AlertFeed,
    Html(Box<super::sources::HtmlSpec>),
    Json(Box<super::sources::JsonSpec>),
}

/// One parsed watchlist file.
#[derive(Debug, Clone)]
pub struct Watchlist {
    pub path: PathBuf,
    /// File stem (`acme` for `watchlists/acme.toml`).
    pub name: String,
    /// Who gets this watchlist's alert emails.
    pub recipients: Vec<String>,
    /// The language of its emails.
    pub language: Language,
    pub alerts: AlertSettings,
    /// Its `[digest]` settings, over the config file's.
    pub digest: crate::settings::digest::DigestOverride,
    pub brands: Vec<Brand>,
    pub sources: Vec<SourceSpec>,
    /// The file's text and where each brand's name sits in it, to locate errors found
    /// across files (a brand defined twice).
    source_text: String,
    brand_spans: Vec<std::ops::Range<usize>>,
}

/// Everything the daemon watches: all watchlists, with sources merged by URL.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub watchlists: Vec<Watchlist>,
}

/// A source to poll, after merging the watchlists that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSource {
    /// The URL without user name or password: the key the database knows the source by.
    pub url: String,
    /// Sent to the source's origin only (see [`Credentials`]).
    pub credentials: Option<Credentials>,
    pub kind: SourceKind,
    /// Interval to poll at: the shortest any watchlist asked for, else the default,
    /// never below `poll.min_interval`.
    pub interval: Duration,
    /// Names of the brands to match this source's items against.
    pub brands: Vec<String>,
    pub adapter: Adapter,
}

impl Catalog {
    /// All brands of all watchlists, in file order.
    pub fn brands(&self) -> impl Iterator<Item = &Brand> {
        self.watchlists.iter().flat_map(|w| w.brands.iter())
    }

    /// The sources to poll, one per URL, sorted by URL.
    pub fn sources(
        &self,
        default_interval: Duration,
        min_interval: Duration,
    ) -> Vec<PlannedSource> {
        let mut by_url: BTreeMap<&str, PlannedSource> = BTreeMap::new();
        for w in &self.watchlists {
            for s in &w.sources {
                let p = by_url.entry(&s.url).or_insert_with(|| PlannedSource {
                    url: s.url.clone(),
                    credentials: s.credentials.clone(),
                    kind: s.kind,
                    interval: Duration::MAX,
                    brands: Vec::new(),
                    adapter: s.adapter.clone(),
                });
                p.interval = p.interval.min(s.interval.unwrap_or(default_interval));
                for b in &w.brands {
                    if !p.brands.contains(&b.name) {
                        p.brands.push(b.name.clone());
                    }
                }
            }
        }
        by_url
            .into_values()
            .map(|mut p| {
                p.interval = p.interval.max(min_interval);
                p
            })
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWatchlist {
    #[serde(default)]
    recipients: Vec<Spanned<String>>,
    #[serde(default)]
    language: Language,
    #[serde(default)]
    alerts: AlertSettings,
    #[serde(default)]
    digest: crate::settings::digest::RawDigest,
    #[serde(default, rename = "brand")]
    brands: Vec<RawBrand>,
    #[serde(default, rename = "source")]
    sources: Vec<RawSource>,
}

/// The language of a watchlist's emails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    En,
}

/// A watchlist's `[alerts]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSettings {
    /// `low`, `balanced` or `high`.
    pub sensitivity: Sensitivity,
    /// No new alert of the same brand and kind for this long after one closes.
    pub cooldown: HumanDuration,
    /// Overrides of the sensitivity's thresholds, each optional.
    pub alpha: Option<f64>,
    pub min_mentions: Option<u32>,
    pub min_ratio: Option<f64>,
    pub min_negative: Option<u32>,
    pub negative_margin: Option<f64>,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            sensitivity: Sensitivity::Balanced,
            cooldown: HumanDuration(std::time::Duration::from_secs(6 * 3600)),
            alpha: None,
            min_mentions: None,
            min_ratio: None,
            min_negative: None,
            negative_margin: None,
        }
    }
}

impl AlertSettings {
    /// The sensitivity's thresholds with this watchlist's overrides.
    pub fn thresholds(&self) -> Thresholds {
        let mut t = Thresholds::of(self.sensitivity);
        t.alpha = self.alpha.unwrap_or(t.alpha);
        t.min_mentions = self.min_mentions.unwrap_or(t.min_mentions);
        t.min_ratio = self.min_ratio.unwrap_or(t.min_ratio);
        t.min_negative = self.min_negative.unwrap_or(t.min_negative);
        t.negative_margin = self.negative_margin.unwrap_or(t.negative_margin);
        t
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrand {
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    query: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    url: Spanned<String>,
    /// Detected from the URL when not given: alert feeds, else a feed.
    kind: Option<SourceKind>,
    interval: Option<HumanDuration>,
    /// For `kind = "html"`: what to read where.
    select: Option<Spanned<RawSelect>>,
    /// For `kind = "json"`: where the fields are.
    json: Option<Spanned<RawJson>>,
    /// The zone of the dates a page writes without an offset.
    timezone: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelect {
    item: Spanned<String>,
    title: Spanned<String>,
    link: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    next: Option<Spanned<String>>,
    max_pages: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJson {
    items: Spanned<String>,
    title: Spanned<String>,
    link: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
}

/// Pages an html source may follow per poll.
pub const MAX_PAGES: u32 = 20;

/// What one watchlist may hold. Far above what a team writes by hand, low enough that
/// `check` and `poll` stay within seconds and a few hundred MiB at the caps
/// (BENCHMARKS.md); past them the file is refused with the place of the first excess.
pub mod limits {
    /// Size of a watchlist file.
    pub const FILE_BYTES: u64 = 1024 * 1024;
    /// Characters in a brand name, alias, exclusion or query term.
    pub const TERM_CHARS: usize = 200;
    /// Characters in a brand's query.
    pub const QUERY_CHARS: usize = 4_000;
    /// Name, aliases, exclusions and query terms of one brand.
    pub const TERMS_PER_BRAND: usize = 100;
    /// Brands in one file.
    pub const BRANDS_PER_FILE: usize = 1_000;
    /// Brands in all the watchlists together.
    pub const BRANDS: usize = 10_000;
}

/// Parses and validates one watchlist's text. `path` names it in messages and anchors
/// relative `file:` URLs; the file is not read.
pub fn parse(src: &str, path: &Path) -> Result<Watchlist, ConfigErrors> {
    if src.len() as u64 > limits::FILE_BYTES {
        return Err(too_big(path, src.len() as u64).into());
    }
    let raw: RawWatchlist =
        toml::from_str(src).map_err(|e| ConfigError::from_toml(path, src, &e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut errors = Vec::new();
    let at = |span, key: &str, msg: String| ConfigError::at(path, src, span, Some(key), msg);

    if raw.brands.is_empty() {
        errors.push(ConfigError::file(
            path,
            "no [[brand]]: a watchlist needs at least one brand",
        ));
    }
    if raw.sources.is_empty() {
        errors.push(ConfigError::file(
            path,
            "no [[source]]: this watchlist's brands would never be looked for",
        ));
    }
    if let Some(b) = raw.brands.get(limits::BRANDS_PER_FILE) {
        errors.push(at(
            b.name.span(),
            "brand",
            format!(
                "this is brand {} of {}: a watchlist holds at most {} brands; split it into several files",
                limits::BRANDS_PER_FILE + 1,
                raw.brands.len(),
                limits::BRANDS_PER_FILE
            ),
        ));
        return Err(ConfigErrors(errors));
    }

    let mut brands = Vec::new();
    for b in &raw.brands {
        let written = 1 + b.aliases.len() + b.exclude.len();
        if written > limits::TERMS_PER_BRAND {
            errors.push(at(
                b.name.span(),
                "brand.aliases",
                format!(
                    "this brand has {written} names, aliases and exclusions: at most {} (use a query with wildcards, or split the brand)",
                    limits::TERMS_PER_BRAND
                ),
            ));
            continue;
        }
        let mut term = |s: &Spanned<String>, key: &str| -> Option<String> {
            let t = s.get_ref().trim();
            let chars = t.chars().count();
            if chars > limits::TERM_CHARS {
                errors.push(at(
                    s.span(),
                    key,
                    format!(
                        "this term is {chars} characters long: at most {}",
                        limits::TERM_CHARS
                    ),
                ));
                None
            } else if text::fold(t).trim().chars().all(|c| !c.is_alphanumeric()) {
                errors.push(at(
                    s.span(),
                    key,
                    format!("{t:?} has no letter or digit: it would match nothing"),
                ));
                None
            } else {
                Some(t.to_string())
            }
        };
        let name = term(&b.name, "brand.name");
        let aliases: Vec<String> = b
            .aliases
            .iter()
            .filter_map(|a| term(a, "brand.aliases"))
            .collect();
        let exclude: Vec<String> = b
            .exclude
            .iter()
            .filter_map(|x| term(x, "brand.exclude"))
            .collect();
        let query = match &b.query {
            None => None,
            Some(q) if !b.aliases.is_empty() => {
                errors.push(at(
                    q.span(),
                    "brand.query",
                    "a brand has either aliases or a query: put the aliases in the query (\"Acme\" OR \"Acme Corp\")".into(),
                ));
                None
            }
            Some(q) if q.get_ref().chars().count() > limits::QUERY_CHARS => {
                errors.push(at(
                    q.span(),
                    "brand.query",
                    format!(
                        "this query is {} characters long: at most {}",
                        q.get_ref().chars().count(),
                        limits::QUERY_CHARS
                    ),
                ));
                None
            }
            Some(q) => match query::parse(q.get_ref()) {
                Ok(parsed) => {
                    let terms = query::terms(&parsed);
                    let long = terms
                        .iter()
                        .find(|t| t.text.chars().count() > limits::TERM_CHARS);
                    if let Some(t) = long {
                        errors.push(at(
                            q.span(),
                            "brand.query",
                            format!(
                                "a term of this query is {} characters long: at most {}",
                                t.text.chars().count(),
                                limits::TERM_CHARS
                            ),
                        ));
                        None
                    } else if 1 + b.exclude.len() + terms.len() > limits::TERMS_PER_BRAND {
                        errors.push(at(
                            q.span(),
                            "brand.query",
                            format!(
                                "this query has {} terms: a brand has at most {} with its name and exclusions",
                                terms.len(),
                                limits::TERMS_PER_BRAND
                            ),
                        ));
                        None
                    } else {
                        Some(parsed)
                    }
                }
                Err(e) => {
                    let pos = string_content_start(src, q.span().start) + e.pos;
                    let end = (pos + 1).min(src.len());
                    errors.push(ConfigError::at(
                        path,
                        src,
                        pos..end,
                        Some("brand.query"),
                        e.message,
                    ));
                    None
                }
            },
        };
        if let Some(name) = name
            && (b.query.is_none() || query.is_some())
        {
            brands.push((
                b.name.span(),
                Brand {
                    name,
                    aliases,
                    exclude,
                    query,
                },
            ));
        }
    }

    let mut sources: Vec<SourceSpec> = Vec::new();
    for s in &raw.sources {
        match normalize_source_url(s.url.get_ref(), dir) {
            Ok((url, credentials)) => {
                if sources.iter().any(|o| o.url == url) {
                    errors.push(at(
                        s.url.span(),
                        "source.url",
                        format!("source {url} is listed twice in this watchlist"),
                    ));
                    continue;
                }
                let kind = s.kind.unwrap_or_else(|| detect_kind(&url));
                let adapter = adapter(s, kind, src, path, &mut errors);
                sources.push(SourceSpec {
                    url,
                    credentials,
                    kind,
                    interval: s.interval.map(|d| d.0),
                    adapter,
                });
            }
            Err(msg) => errors.push(at(s.url.span(), "source.url", msg)),
        }
    }

    let mut recipients = Vec::new();
    for r in &raw.recipients {
        let addr = r.get_ref().trim();
        match addr.parse::<lettre::Address>() {
            Ok(_) => recipients.push(addr.to_string()),
            Err(e) => errors.push(at(
                r.span(),
                "recipients",
                format!("{addr:?} is not an email address: {e}"),
            )),
        }
    }
    let a = &raw.alerts;
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
            errors.push(match alerts_key_span(src, key) {
                Some(span) => at(span, &full, msg.to_string()),
                None => ConfigError::file(path, format!("key `{full}`: {msg}")),
            });
        }
    }

    let digest =
        crate::settings::digest::parse(&raw.digest, src, path, false, &mut errors).defaults;

    let mut seen: HashMap<String, ()> = HashMap::new();
    for (span, b) in &brands {
        if seen.insert(text::fold(&b.name), ()).is_some() {
            errors.push(at(
                span.clone(),
                "brand.name",
                format!("brand {:?} is defined twice in this watchlist", b.name),
            ));
        }
    }

    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    let (brand_spans, brands) = brands.into_iter().unzip();
    Ok(Watchlist {
        path: path.to_path_buf(),
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        recipients,
        language: raw.language,
        alerts: raw.alerts.clone(),
        digest,
        brands,
        sources,
        source_text: src.to_string(),
        brand_spans,
    })
}

/// How a source is read; its selectors and time zone are checked, mistakes located.
fn adapter(
    s: &RawSource,
    kind: SourceKind,
    src: &str,
    path: &Path,
    errors: &mut Vec<ConfigError>,
) -> Adapter {
    use super::sources::{Field, HtmlSpec, check_selector};
    let at = |span, key: &str, msg: String| ConfigError::at(path, src, span, Some(key), msg);
    let timezone = match &s.timezone {
        Some(z) => match jiff::tz::TimeZone::get(z.get_ref().trim()) {
            Ok(_) => z.get_ref().trim().to_string(),
            Err(_) => {
                errors.push(at(
                    z.span(),
                    "source.timezone",
                    format!(
                        "unknown time zone {:?}: use an IANA name such as \"Europe/Paris\"",
                        z.get_ref()
                    ),
                ));
                String::new()
            }
        },
        None => crate::settings::digest::DEFAULT_ZONE.to_string(),
    };
    if kind != SourceKind::Json
        && let Some(j) = &s.json
    {
        errors.push(at(
            j.span(),
            "source.json",
            "JSON paths are for `kind = \"json\"` sources".into(),
        ));
    }
    if kind == SourceKind::Json {
        let Some(j) = &s.json else {
            errors.push(at(
                s.url.span(),
                "source.json",
                "a `kind = \"json\"` source needs a [source.json] table with at least `items` and `title` JSON Pointers".into(),
            ));
            return Adapter::Feed;
        };
        let j = j.get_ref();
        let mut ok = true;
        let mut pointer = |v: &Spanned<String>, key: &str| -> String {
            if let Err(m) = super::sources::check_pointer(v.get_ref()) {
                errors.push(at(v.span(), &format!("source.json.{key}"), m));
                ok = false;
            }
            v.get_ref().clone()
        };
        let spec = super::sources::JsonSpec {
            items: pointer(&j.items, "items"),
            title: pointer(&j.title, "title"),
            link: j.link.as_ref().map(|v| pointer(v, "link")),
            text: j.text.as_ref().map(|v| pointer(v, "text")),
            author: j.author.as_ref().map(|v| pointer(v, "author")),
            date: j.date.as_ref().map(|v| pointer(v, "date")),
            id: j.id.as_ref().map(|v| pointer(v, "id")),
            timezone,
        };
        return if ok {
            Adapter::Json(Box::new(spec))
        } else {
            Adapter::Feed
        };
    }
    match (kind, &s.select) {
        (SourceKind::Feed | SourceKind::Json, None) => Adapter::Feed,
        (SourceKind::GoogleAlerts | SourceKind::TalkwalkerAlerts, None) => Adapter::AlertFeed,
        (
            SourceKind::Feed
            | SourceKind::Json
            | SourceKind::GoogleAlerts
            | SourceKind::TalkwalkerAlerts,
            Some(sel),
        ) => {
            errors.push(at(
                sel.span(),
                "source.select",
                "selectors are for `kind = \"html\"` sources; a feed is read as a feed".into(),
            ));
            Adapter::Feed
        }
        (SourceKind::Html, None) => {
            errors.push(at(
                s.url.span(),
                "source.select",
                "a `kind = \"html\"` source needs a [source.select] table with at least `item` and `title` selectors".into(),
            ));
            Adapter::Feed
        }
        (SourceKind::Html, Some(sel)) => {
            let r = sel.get_ref();
            let item = check_selector(r.item.get_ref())
                .map_err(|m| errors.push(at(r.item.span(), "source.select.item", m)))
                .ok()
                .map(|_| r.item.get_ref().trim().to_string());
            let mut field = |v: &Spanned<String>, key: &str| -> Option<Field> {
                Field::parse(v.get_ref())
                    .map_err(|m| errors.push(at(v.span(), &format!("source.select.{key}"), m)))
                    .ok()
            };
            let title = field(&r.title, "title");
            let link = r.link.as_ref().and_then(|v| field(v, "link"));
            let text = r.text.as_ref().and_then(|v| field(v, "text"));
            let author = r.author.as_ref().and_then(|v| field(v, "author"));
            let date = r.date.as_ref().and_then(|v| field(v, "date"));
            let next = r.next.as_ref().and_then(|v| field(v, "next"));
            let max_pages = match &r.max_pages {
                Some(m) if !(1..=MAX_PAGES).contains(m.get_ref()) => {
                    errors.push(at(
                        m.span(),
                        "source.select.max_pages",
                        format!("{} is out of range: expected 1 to {MAX_PAGES}", m.get_ref()),
                    ));
                    1
                }
                Some(m) => *m.get_ref(),
                None if next.is_some() => 3,
                None => 1,
            };
            match (item, title) {
                (Some(item), Some(title)) => Adapter::Html(Box::new(HtmlSpec {
                    item,
                    title,
                    link,
                    text,
                    author,
                    date,
                    next,
                    max_pages,
                    timezone,
                })),
                _ => Adapter::Feed,
            }
        }
    }
}

/// The kind of a source whose watchlist does not say: alert feeds are recognised by their
/// address; anything else is read as a feed.
fn detect_kind(url: &str) -> SourceKind {
    if super::sources::is_google_alerts(url) {
        SourceKind::GoogleAlerts
    } else if super::sources::is_talkwalker_alerts(url) {
        SourceKind::TalkwalkerAlerts
    } else {
        SourceKind::Feed
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

/// Checks a source URL and makes `file:` URLs absolute. Credentials in http URLs are
/// allowed (some feeds need them): they are taken out of the URL and returned apart.
pub fn normalize_source_url(
    raw: &str,
    dir: &Path,
) -> Result<(String, Option<Credentials>), String> {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix("file:")
        && !rest.starts_with('/')
    {
        if rest.is_empty() {
            return Err("a file: URL needs a path".into());
        }
        let abs = std::path::absolute(dir.join(rest))
            .map_err(|e| format!("cannot resolve {raw:?}: {e}"))?;
        let url = url::Url::from_file_path(&abs)
            .map_err(|()| format!("cannot turn {} into a file URL", abs.display()))?;
        return Ok((url.to_string(), None));
    }
    let mut url = url::Url::parse(raw).map_err(|e| format!("invalid URL {raw:?}: {e}"))?;
    match url.scheme() {
        "http" | "https" => {
            if url.host_str().is_none_or(str::is_empty) {
                return Err(format!("URL {raw:?} has no host"));
            }
        }
        "file" => {}
        other => {
            return Err(format!(
                "unsupported URL scheme {other:?} in {raw:?}: use http, https or file"
            ));
        }
    }
    let credentials = take_credentials(&mut url);
    Ok((url.to_string(), credentials))
}

/// Removes the user name and password from `url` and returns them, percent-decoded.
pub fn take_credentials(url: &mut url::Url) -> Option<Credentials> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let credentials = Credentials {
        user: decode(url.username()),
        password: url.password().map(decode),
    };
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(credentials)
}

fn too_big(path: &Path, size: u64) -> ConfigError {
    ConfigError::file(
        path,
        format!(
            "the watchlist is {size} bytes: at most {} bytes (1 MiB); split it into several files",
            limits::FILE_BYTES
        ),
    )
}

/// Reads one watchlist file, refusing one larger than [`limits::FILE_BYTES`] before
/// reading it.
pub fn load(path: &Path) -> Result<Watchlist, ConfigErrors> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| ConfigError::file(path, format!("cannot read the watchlist: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > limits::FILE_BYTES {
        return Err(too_big(path, size).into());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limits::FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limits::FILE_BYTES {
        return Err(too_big(path, bytes.len() as u64).into());
    }
    let src = String::from_utf8(bytes).map_err(|e| {
        ConfigError::file(
            path,
            format!(
                "the watchlist is not UTF-8 text (byte {} is not)",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse(&src, path)
}

/// Reads every watchlist the config's glob names, and checks what spans files: brand names
/// are unique across watchlists. Reports every error of every file at once.
pub fn load_all(config: &Config) -> Result<Catalog, ConfigErrors> {
    let paths = glob::glob(&config.watchlists).map_err(|e| {
        config.watchlists_error(format!("invalid glob {:?}: {e}", config.watchlists))
    })?;
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        match p {
            Ok(p) if p.is_file() => files.push(p),
            Ok(_) => {}
            Err(e) => {
                return Err(
                    ConfigError::file(e.path(), format!("cannot read: {}", e.error())).into(),
                );
            }
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(config
            .watchlists_error(format!("no watchlist file matches {:?}", config.watchlists))
            .into());
    }
    let mut errors = Vec::new();
    let mut watchlists = Vec::new();
    let mut brands = 0;
    for f in &files {
        match load(f) {
            Ok(w) => {
                brands += w.brands.len();
                if brands > limits::BRANDS {
                    errors.push(ConfigError::file(
                        f,
                        format!(
                            "with this file the watchlists hold more than {} brands, the most one Vigie watches",
                            limits::BRANDS
                        ),
                    ));
                    return Err(ConfigErrors(errors));
                }
                watchlists.push(w)
            }
            Err(e) => errors.extend(e.0),
        }
    }
    let mut owners: HashMap<String, &Path> = HashMap::new();
    for w in &watchlists {
        for (b, span) in w.brands.iter().zip(&w.brand_spans) {
            if let Some(first) = owners.insert(text::fold(&b.name), &w.path) {
                errors.push(ConfigError::at(
                    &w.path,
                    &w.source_text,
                    span.clone(),
                    Some("brand.name"),
                    format!(
                        "brand {:?} is already defined in {}: brand names must be unique",
                        b.name,
                        first.display()
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    Ok(Catalog { watchlists })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[brand]]
name = "Acme"
aliases = ["Acme Corp"]
exclude = ["acme trail"]

[[source]]
url = "https://news.example.com/feed.xml"
kind = "feed"
interval = "15m"

[[source]]
url = "file:feeds/local.xml"
"#;

    #[test]
    fn parses_the_documented_shape() {
        let w = parse(GOOD, Path::new("/srv/w/acme.toml")).unwrap();
        assert_eq!(w.name, "acme");
        assert_eq!(
            w.brands[0].terms().collect::<Vec<_>>(),
            ["Acme", "Acme Corp"]
        );
        assert_eq!(w.brands[0].exclude, ["acme trail"]);
        assert_eq!(w.sources[0].interval, Some(Duration::from_secs(900)));
        assert_eq!(w.sources[1].url, "file:///srv/w/feeds/local.xml");
        assert_eq!(w.sources[1].kind, SourceKind::Feed);
    }

    #[test]
    fn a_watchlist_overrides_the_digest_key_by_key_but_not_its_templates() {
        let src = format!("{GOOD}\n[digest]\ntime = \"18:30\"\n");
        let w = parse(&src, Path::new("/srv/w/acme.toml")).unwrap();
        let config = crate::settings::digest::DigestOverride {
            zone: Some((
                "Asia/Tokyo".into(),
                jiff::tz::TimeZone::get("Asia/Tokyo").unwrap(),
            )),
            ..Default::default()
        };
        let s = w.digest.schedule(&config).unwrap();
        assert_eq!((s.time.hour(), s.time.minute()), (18, 30));
        assert_eq!(s.zone_name, "Asia/Tokyo", "the config's zone");
        let off = parse(
            &format!("{GOOD}\n[digest]\nenabled = false\n"),
            Path::new("w.toml"),
        )
        .unwrap();
        assert_eq!(off.digest.schedule(&config), None);

        let e = parse(
            &format!("{GOOD}\n[digest]\ntemplates = \"mine\"\n"),
            Path::new("w.toml"),
        )
        .unwrap_err();
        assert_eq!(e.0[0].key.as_deref(), Some("digest.templates"), "{e}");
    }

    #[test]
    fn missing_brand_name_names_file_and_line() {
        let src = "[[brand]]\naliases = [\"x\"]\n\n[[source]]\nurl = \"https://a.example/f\"\n";
        let e = parse(src, Path::new("w.toml")).unwrap_err();
        assert_eq!(e.0[0].line, Some(1), "{e}");
        assert!(e.0[0].message.contains("missing field `name`"), "{e}");
    }

    #[test]
    fn bad_urls_are_located() {
        let src = "[[brand]]\nname = \"A\"\n[[source]]\nurl = \"ftp://x.example/f\"\n[[source]]\nurl = \"not a url\"\n";
        let e = parse(src, Path::new("w.toml")).unwrap_err();
        assert_eq!(e.0.len(), 2, "{e}");
        assert_eq!(
            (e.0[0].line, e.0[0].key.as_deref()),
            (Some(4), Some("source.url"))
        );
        assert!(e.0[0].message.contains("unsupported URL scheme \"ftp\""));
        assert_eq!(e.0[1].line, Some(6));
    }

    #[test]
    fn unknown_kind_and_key_are_refused() {
        let e = parse(
            "[[brand]]\nname = \"A\"\n[[source]]\nurl = \"https://a.example\"\nkind = \"gopher\"\n",
            Path::new("w.toml"),
        )
        .unwrap_err();
        assert_eq!(e.0[0].line, Some(5));
        assert!(e.0[0].message.contains("unknown variant `gopher`"), "{e}");
        let e = parse(
            "[[brand]]\nname = \"A\"\nalias = [\"B\"]\n[[source]]\nurl = \"https://a.example\"\n",
            Path::new("w.toml"),
        )
        .unwrap_err();
        assert_eq!(e.0[0].key.as_deref(), Some("brand.alias"));
    }

    #[test]
    fn query_errors_point_into_the_file() {
        let src = "[[brand]]\nname = \"Acme\"\nquery = '(acme OR \"acme corp\" recall'\n[[source]]\nurl = \"https://a.example\"\n";
        let e = parse(src, Path::new("w.toml")).unwrap_err();
        assert_eq!((e.0[0].line, e.0[0].column), (Some(3), Some(10)), "{e}");
        assert!(e.0[0].message.contains("never closed"), "{e}");
        let src = "[[brand]]\nname = \"Acme\"\nquery = '''\nacme NEAR/0 recall'''\n[[source]]\nurl = \"https://a.example\"\n";
        let e = parse(src, Path::new("w.toml")).unwrap_err();
        assert_eq!((e.0[0].line, e.0[0].column), (Some(4), Some(6)), "{e}");
        let src = "[[brand]]\nname = \"A\"\naliases = [\"B\"]\nquery = \"a\"\n[[source]]\nurl = \"https://a.example\"\n";
        let e = parse(src, Path::new("w.toml")).unwrap_err();
        assert!(e.0[0].message.contains("either aliases or a query"), "{e}");
    }

    #[test]
    fn a_brand_that_folds_to_nothing_is_refused() {
        let e = parse(
            "[[brand]]\nname = \" -- \"\n[[source]]\nurl = \"https://a.example\"\n",
            Path::new("w.toml"),
        )
        .unwrap_err();
        assert!(e.0[0].message.contains("no letter or digit"), "{e}");
    }

    #[test]
    fn shared_sources_merge_brands_and_take_the_shorter_interval() {
        let a = parse(GOOD, Path::new("/w/a.toml")).unwrap();
        let b = parse(
            "[[brand]]\nname = \"Globex\"\n[[source]]\nurl = \"https://news.example.com/feed.xml\"\ninterval = \"5m\"\n",
            Path::new("/w/b.toml"),
        )
        .unwrap();
        let cat = Catalog {
            watchlists: vec![a, b],
        };
        let sources = cat.sources(Duration::from_secs(1800), Duration::from_secs(60));
        assert_eq!(sources.len(), 2);
        let news = sources
            .iter()
            .find(|s| s.url.starts_with("https://news"))
            .unwrap();
        assert_eq!(news.brands, ["Acme", "Globex"]);
        assert_eq!(news.interval, Duration::from_secs(300));
        let local = sources.iter().find(|s| s.url.starts_with("file:")).unwrap();
        assert_eq!(local.interval, Duration::from_secs(1800));
    }
}
