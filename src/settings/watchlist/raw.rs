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
    #[serde(default, rename = "group")]
    pub(super) groups: Vec<RawGroup>,
}

/// `[[group]]`: brands compared for share of voice.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) own: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) competitors: Vec<Spanned<String>>,
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
    /// Every kind but the social ones, whose request Vigie builds.
    pub(super) url: Option<Spanned<String>>,
    /// A name for people ("Forum Conso"): shown by `vigie sources` and the digest.
    pub(super) name: Option<Spanned<String>>,
    /// Detected from the URL when not given: alert feeds, else a feed.
    pub(super) kind: Option<Spanned<SourceKind>>,
    pub(super) interval: Option<Spanned<HumanDuration>>,
    /// For `kind = "html"`: what to read where.
    pub(super) select: Option<Spanned<RawSelect>>,
    /// For `kind = "json"`: where the fields are.
    pub(super) json: Option<Spanned<RawJson>>,
    /// The zone of the dates a page writes without an offset.
    pub(super) timezone: Option<Spanned<String>>,
    /// Social kinds (`settings::social`): what to look for, and where.
    pub(super) query: Option<Spanned<String>>,
    pub(super) subreddit: Option<Spanned<String>>,
    pub(super) instance: Option<Spanned<String>>,
    pub(super) hashtag: Option<Spanned<String>>,
    pub(super) channel: Option<Spanned<String>>,
    pub(super) playlist: Option<Spanned<String>>,
    pub(super) app: Option<Spanned<String>>,
    pub(super) country: Option<Spanned<String>>,
    /// The service's address, when not its public one (a mirror, a proxy, a test server).
    pub(super) api: Option<Spanned<String>>,
    pub(super) token_file: Option<Spanned<String>>,
    pub(super) identifier: Option<Spanned<String>>,
    pub(super) app_password_file: Option<Spanned<String>>,
    pub(super) max_pages: Option<Spanned<u32>>,
    /// Every item is a mention of this brand (an app's reviews seldom name it).
    pub(super) brand: Option<Spanned<String>>,
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
