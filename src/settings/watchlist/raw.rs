//! The shapes of a watchlist file as TOML gives them (with spans, to locate mistakes),
//! before any check. Unknown keys are refused.

use serde::Deserialize;
use toml::Spanned;

use super::{AlertSettings, Language, SourceKind};
use crate::settings::units::HumanDuration;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWatchlist {
    #[serde(default)]
    pub(super) recipients: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) language: Language,
    #[serde(default)]
    pub(super) alerts: AlertSettings,
    #[serde(default)]
    pub(super) digest: crate::settings::digest::RawDigest,
    #[serde(default, rename = "brand")]
    pub(super) brands: Vec<RawBrand>,
    #[serde(default, rename = "source")]
    pub(super) sources: Vec<RawSource>,
    #[serde(default, rename = "channel")]
    pub(super) channels: Vec<super::channel::RawChannel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBrand {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) exclude: Vec<Spanned<String>>,
    pub(super) query: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) url: Spanned<String>,
    /// A name for people ("Forum Conso"): shown by `vigie sources` and the digest.
    pub(super) name: Option<Spanned<String>>,
    /// Detected from the URL when not given: alert feeds, else a feed.
    pub(super) kind: Option<SourceKind>,
    pub(super) interval: Option<Spanned<HumanDuration>>,
    /// For `kind = "html"`: what to read where.
    pub(super) select: Option<Spanned<RawSelect>>,
    /// For `kind = "json"`: where the fields are.
    pub(super) json: Option<Spanned<RawJson>>,
    /// The zone of the dates a page writes without an offset.
    pub(super) timezone: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSelect {
    pub(super) item: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) link: Option<Spanned<String>>,
    pub(super) text: Option<Spanned<String>>,
    pub(super) author: Option<Spanned<String>>,
    pub(super) date: Option<Spanned<String>>,
    pub(super) next: Option<Spanned<String>>,
    pub(super) max_pages: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawJson {
    pub(super) items: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) link: Option<Spanned<String>>,
    pub(super) text: Option<Spanned<String>>,
    pub(super) author: Option<Spanned<String>>,
    pub(super) date: Option<Spanned<String>>,
    pub(super) id: Option<Spanned<String>>,
}
