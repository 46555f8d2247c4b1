//! The watchlists as the rest of Vigie sees them, resolved and checked: the [`Catalog`] of
//! [`Watchlist`]s, their [`Brand`]s and [`SourceSpec`]s, and the sources to poll merged
//! across files ([`PlannedSource`]).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::settings::alerts::{Sensitivity, Thresholds};
use crate::settings::query::{Query, Term};
use crate::settings::units::HumanDuration;

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
    /// A Reddit search (`query`, optional `subreddit`).
    Reddit,
    /// Hacker News through Algolia's search (`query`).
    Hackernews,
    /// A Mastodon server's hashtag timeline (`hashtag`), or its search (`query`, with a
    /// token).
    Mastodon,
    /// A Bluesky search (`query`), on the public AppView or with an app password.
    Bluesky,
    /// A YouTube channel's or playlist's feed (`channel`, `playlist`).
    Youtube,
    /// An app's customer reviews in one country's App Store (`app`, `country`).
    Appstore,
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
            SourceKind::Reddit => "reddit",
            SourceKind::Hackernews => "hackernews",
            SourceKind::Mastodon => "mastodon",
            SourceKind::Bluesky => "bluesky",
            SourceKind::Youtube => "youtube",
            SourceKind::Appstore => "appstore",
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
    /// The password is a token, sent as `Authorization: Bearer` (a social service's).
    pub bearer: bool,
}

impl Credentials {
    /// An access token, sent as `Authorization: Bearer`.
    pub fn bearer(token: String) -> Credentials {
        Credentials {
            user: String::new(),
            password: Some(token),
            bearer: true,
        }
    }
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
    /// Its name for people, if the watchlist gave one.
    pub name: Option<String>,
}

/// How a source's documents are turned into items.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Adapter {
    #[default]
    Feed,
    /// A feed whose links are redirects and whose titles carry markup.
    AlertFeed,
    Html(Box<crate::settings::sources::HtmlSpec>),
    Json(Box<crate::settings::sources::JsonSpec>),
    /// A community or social service's answers ([`crate::settings::social`]).
    Social(Box<crate::settings::social::SocialSpec>),
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
    /// Where its alerts (and digest, if asked) are posted besides email.
    pub channels: Vec<super::Channel>,
    /// Brands compared for share of voice (`[[group]]`).
    pub groups: Vec<Group>,
    /// The file's text and where each brand's name sits in it, to locate errors found
    /// across files (a brand defined twice).
    pub(super) source_text: String,
    pub(super) brand_spans: Vec<std::ops::Range<usize>>,
    /// What is allowed but probably not meant (`interval = "10s"`), located like errors:
    /// `vigie check` prints them and the daemon logs them.
    pub warnings: Vec<String>,
}

/// Brands compared with each other: the team's own and their competitors, for share of
/// voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    /// The team's own brands, as the watchlist names them.
    pub own: Vec<String>,
    pub competitors: Vec<String>,
}

impl Group {
    /// Every brand of the group, own ones first.
    pub fn brands(&self) -> impl Iterator<Item = &str> {
        self.own.iter().chain(&self.competitors).map(String::as_str)
    }
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
    /// Names of the brands to match this source's items against: shared by every source
    /// listed by the same watchlists.
    pub brands: std::sync::Arc<[String]>,
    pub adapter: Adapter,
    /// The name a watchlist gives it (the first one given), for people.
    pub name: Option<String>,
}

impl Catalog {
    /// The watchlists' warnings, in file order.
    pub fn warnings(&self) -> impl Iterator<Item = &str> {
        self.watchlists
            .iter()
            .flat_map(|w| w.warnings.iter().map(String::as_str))
    }

    /// The share-of-voice group named `name` (accents and case ignored), of any watchlist.
    pub fn group(&self, name: &str) -> Option<&Group> {
        let wanted = crate::text::fold(name.trim());
        self.groups().find(|g| crate::text::fold(&g.name) == wanted)
    }

    /// Every share-of-voice group, in file order.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.watchlists.iter().flat_map(|w| w.groups.iter())
    }

    /// All brands of all watchlists, in file order.
    pub fn brands(&self) -> impl Iterator<Item = &Brand> {
        self.watchlists.iter().flat_map(|w| w.brands.iter())
    }

    /// The names the watchlists give their sources, by URL (the first name given wins).
    pub fn source_names(&self) -> HashMap<String, String> {
        let mut names = HashMap::new();
        for s in self.watchlists.iter().flat_map(|w| &w.sources) {
            if let Some(n) = &s.name {
                names.entry(s.url.clone()).or_insert_with(|| n.clone());
            }
        }
        names
    }

    /// The sources to poll, one per URL, sorted by URL.
    pub fn sources(
        &self,
        default_interval: Duration,
        min_interval: Duration,
    ) -> Vec<PlannedSource> {
        let mut by_url: BTreeMap<&str, (PlannedSource, Vec<usize>)> = BTreeMap::new();
        for (i, w) in self.watchlists.iter().enumerate() {
            for s in &w.sources {
                let (p, lists) = by_url.entry(&s.url).or_insert_with(|| {
                    let p = PlannedSource {
                        url: s.url.clone(),
                        credentials: s.credentials.clone(),
                        kind: s.kind,
                        interval: Duration::MAX,
                        brands: std::sync::Arc::new([]),
                        adapter: s.adapter.clone(),
                        name: None,
                    };
                    (p, Vec::new())
                });
                if p.name.is_none() {
                    p.name.clone_from(&s.name);
                }
                let usual = match &s.adapter {
                    Adapter::Social(spec) => spec.service.default_interval(),
                    _ => default_interval,
                };
                p.interval = p.interval.min(s.interval.unwrap_or(usual));
                if lists.last() != Some(&i) {
                    lists.push(i);
                }
            }
        }
        // One brand list per set of watchlists, shared by their sources: 2,000 sources of
        // one watchlist of 500 brands hold one list, not 2,000.
        let mut lists: HashMap<Vec<usize>, std::sync::Arc<[String]>> = HashMap::new();
        let by_url: BTreeMap<&str, PlannedSource> = by_url
            .into_iter()
            .map(|(url, (mut p, watchlists))| {
                p.brands = lists
                    .entry(watchlists)
                    .or_insert_with_key(|watchlists| {
                        let mut seen = std::collections::HashSet::new();
                        watchlists
                            .iter()
                            .flat_map(|&i| &self.watchlists[i].brands)
                            .filter(|b| seen.insert(b.name.as_str()))
                            .map(|b| b.name.clone())
                            .collect()
                    })
                    .clone();
                (url, p)
            })
            .collect();
        by_url
            .into_values()
            .map(|mut p| {
                p.interval = p.interval.max(min_interval);
                p
            })
            .collect()
    }
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
    pub min_sites: Option<u32>,
    /// The risk categories whose first mention opens a `risk` alert, whatever the volume
    /// (default: safety; `[]` turns them off).
    pub first_risk: Vec<crate::settings::alerts::Category>,
    /// What volume detection counts: each mention once (`mentions`, the default), or each
    /// by its engagement (`engagement`: a loud post counts like several).
    pub weight: Weight,
}

/// What a mention weighs in volume detection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weight {
    #[default]
    Mentions,
    Engagement,
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
            min_sites: None,
            first_risk: vec![crate::settings::alerts::Category::Safety],
            weight: Weight::Mentions,
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
        t.min_sites = self.min_sites.unwrap_or(t.min_sites);
        t
    }
}
