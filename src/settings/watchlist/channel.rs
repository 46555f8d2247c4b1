//! A watchlist's `[[channel]]`s: where its alerts go besides email (Slack, Microsoft Teams,
//! Mattermost, Discord, Google Chat, or a signed webhook). The address of a chat webhook
//! is a secret (whoever has it can post), so it is read from a file (`url_file`), kept out
//! of every `Debug`, log line and stored row, and shown as `https://hooks.slack.com/…` at
//! most.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::Language;
use super::validate::Located;
use crate::settings::errors::ConfigError;

/// The chat services Vigie posts to, each in its own message format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    /// Slack incoming webhook: Block Kit with a `text` fallback.
    Slack,
    /// Microsoft Teams workflow webhook ("Post to a channel when a webhook request is
    /// received"): an Adaptive Card in a message attachment.
    Teams,
    /// Mattermost incoming webhook: Markdown `text`.
    Mattermost,
    /// Discord webhook: `content` and an embed, mentions disabled.
    Discord,
    /// Google Chat incoming webhook: `text` and a `cardsV2` card.
    GoogleChat,
    /// Any receiver: Vigie's own JSON document, signed with HMAC-SHA256.
    Webhook,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Slack => "slack",
            ChannelKind::Teams => "teams",
            ChannelKind::Mattermost => "mattermost",
            ChannelKind::Discord => "discord",
            ChannelKind::GoogleChat => "google-chat",
            ChannelKind::Webhook => "webhook",
        }
    }
}

/// A channel, checked, its secrets read.
#[derive(Clone, PartialEq, Eq)]
pub struct Channel {
    /// `watchlist#n` (n from 1, in file order): how the outbox and the logs name it.
    pub key: String,
    /// A name for people, else `kind #n`.
    pub name: String,
    pub kind: ChannelKind,
    /// The webhook address (a secret).
    pub url: url::Url,
    /// The webhook kind's signing key (a secret).
    pub secret: Option<Vec<u8>>,
    pub alerts: bool,
    pub digest: bool,
    pub language: Language,
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("key", &self.key)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &self.shown_url())
            .field("alerts", &self.alerts)
            .field("digest", &self.digest)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl Channel {
    /// The address as it may be shown: scheme and host, the rest elided.
    pub fn shown_url(&self) -> String {
        format!(
            "{}://{}/…",
            self.url.scheme(),
            self.url.host_str().unwrap_or("")
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChannel {
    kind: ChannelKind,
    url_file: Spanned<String>,
    #[serde(default)]
    send: Option<Spanned<Vec<String>>>,
    language: Option<Language>,
    name: Option<Spanned<String>>,
    secret_file: Option<Spanned<String>>,
}

/// The most a secret file may hold: a webhook address or a key is far shorter.
const SECRET_FILE_BYTES: u64 = 4096;

/// Reads a secret file named in the watchlist (relative to its folder).
fn read_secret(dir: &Path, named: &str) -> Result<String, String> {
    let path = crate::settings::config::resolve(dir, named);
    let meta =
        std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > SECRET_FILE_BYTES {
        return Err(format!(
            "{} holds {} bytes: a webhook address or a key is under {SECRET_FILE_BYTES}",
            path.display(),
            meta.len()
        ));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text.trim().to_string())
}

/// The watchlist's channels, checked; mistakes located (never showing a secret).
pub(super) fn channels(
    raw: &[RawChannel],
    watchlist: &str,
    language: Language,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Vec<Channel> {
    let dir = here.path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let n = i + 1;
        let url = match read_secret(dir, c.url_file.get_ref()) {
            Ok(text) => match url::Url::parse(&text) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                    Some(u)
                }
                _ => {
                    errors.push(here.at(
                        c.url_file.span(),
                        "channel.url_file",
                        "the file does not hold a webhook address (one http or https URL)".into(),
                    ));
                    None
                }
            },
            Err(e) => {
                errors.push(here.at(c.url_file.span(), "channel.url_file", e));
                None
            }
        };
        let secret = match (&c.secret_file, c.kind) {
            (Some(f), _) => match read_secret(dir, f.get_ref()) {
                Ok(s) if s.len() >= 16 => Some(s.into_bytes()),
                Ok(_) => {
                    errors.push(here.at(
                        f.span(),
                        "channel.secret_file",
                        "the signing secret is shorter than 16 characters".into(),
                    ));
                    None
                }
                Err(e) => {
                    errors.push(here.at(f.span(), "channel.secret_file", e));
                    None
                }
            },
            (None, ChannelKind::Webhook) => {
                errors.push(
                    here.at(
                        c.url_file.span(),
                        "channel.secret_file",
                        "a webhook channel needs secret_file: the key its receiver checks the \
                     X-Vigie-Signature header with"
                            .into(),
                    ),
                );
                None
            }
            (None, _) => None,
        };
        let (mut alerts, mut digest) = (true, false);
        if let Some(send) = &c.send {
            (alerts, digest) = (false, false);
            for what in send.get_ref() {
                match what.as_str() {
                    "alerts" => alerts = true,
                    "digest" => digest = true,
                    other => errors.push(here.at(
                        send.span(),
                        "channel.send",
                        format!("{other:?} is not something to send: use \"alerts\", \"digest\""),
                    )),
                }
            }
        }
        let name = c.name.as_ref().map_or_else(
            || format!("{} #{n}", c.kind.as_str()),
            |s| s.get_ref().split_whitespace().collect::<Vec<_>>().join(" "),
        );
        if let Some(url) = url {
            out.push(Channel {
                key: format!("{watchlist}#{n}"),
                name,
                kind: c.kind,
                url,
                secret,
                alerts,
                digest,
                language: c.language.unwrap_or(language),
            });
        }
    }
    out
}
