//! Community and social sources: a watchlist names a service and what to look for there
//! (`kind = "reddit"`, `query = "acme"`), and Vigie builds the request. What each service
//! allows, and how it is paged and limited, is said here; the answers are read by
//! `ingest::social`.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::watchlist::SourceKind;

/// A service Vigie can search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Reddit,
    HackerNews,
    Mastodon,
    Bluesky,
    YouTube,
    AppStore,
}

impl Service {
    /// The service a source kind reads, if it is one.
    pub fn of(kind: SourceKind) -> Option<Service> {
        Some(match kind {
            SourceKind::Reddit => Service::Reddit,
            SourceKind::Hackernews => Service::HackerNews,
            SourceKind::Mastodon => Service::Mastodon,
            SourceKind::Bluesky => Service::Bluesky,
            SourceKind::Youtube => Service::YouTube,
            SourceKind::Appstore => Service::AppStore,
            _ => return None,
        })
    }

    /// Its name for people.
    pub fn name(self) -> &'static str {
        match self {
            Service::Reddit => "Reddit",
            Service::HackerNews => "Hacker News",
            Service::Mastodon => "Mastodon",
            Service::Bluesky => "Bluesky",
            Service::YouTube => "YouTube",
            Service::AppStore => "App Store",
        }
    }

    /// How often to look when the watchlist does not say: often enough for a conversation,
    /// far below each service's limits (an app's reviews move slowly).
    pub fn default_interval(self) -> Duration {
        Duration::from_secs(match self {
            Service::Reddit | Service::HackerNews | Service::Mastodon | Service::Bluesky => 15 * 60,
            Service::YouTube => 60 * 60,
            Service::AppStore => 6 * 3600,
        })
    }

    /// The pause between two pages of one poll when the service's answer says nothing of
    /// its limit, from its documented rate: Reddit 10 requests a minute without a token
    /// (100 with one), Algolia's HN search 10,000 an hour, Mastodon 300 per 5 minutes,
    /// Bluesky's AppView 3,000 per 5 minutes; Apple documents none, so one a second.
    pub fn page_gap(self, with_token: bool) -> Duration {
        Duration::from_millis(match (self, with_token) {
            (Service::Reddit, false) => 6_000,
            (Service::Reddit, true) => 600,
            (Service::HackerNews, _) => 400,
            (Service::Mastodon, _) | (Service::AppStore, _) | (Service::YouTube, _) => 1_000,
            (Service::Bluesky, _) => 100,
        })
    }
}

/// How a social source is read, beside its URL (the first page's request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialSpec {
    pub service: Service,
    /// Pages read per poll, the first included.
    pub max_pages: u32,
    /// A file holding an access token, sent as `Authorization: Bearer` (Reddit's OAuth,
    /// Mastodon's search). Read at each poll, so a new token needs no restart.
    pub token_file: Option<PathBuf>,
    /// Bluesky with an app password: the account and the file holding the password,
    /// exchanged at each session for a token at `server`.
    pub login: Option<Login>,
    /// Every item of the source is a mention of this brand (an app's reviews seldom name
    /// it).
    pub brand: Option<String>,
}

/// An account to log in with (Bluesky's app password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub identifier: String,
    pub password_file: PathBuf,
    /// The service's address (the account's server).
    pub server: String,
}

/// What a watchlist wrote for a social source, checked key by key before this.
#[derive(Debug, Default)]
pub struct Asked<'a> {
    pub query: Option<&'a str>,
    pub subreddit: Option<&'a str>,
    pub instance: Option<&'a str>,
    pub hashtag: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub playlist: Option<&'a str>,
    pub app: Option<&'a str>,
    pub country: Option<&'a str>,
    pub api: Option<&'a str>,
    pub with_token: bool,
    pub with_login: bool,
}

/// The keys each kind takes (besides `kind`, `name`, `interval`, `brand`).
pub fn keys(service: Service) -> &'static [&'static str] {
    match service {
        Service::Reddit => &["query", "subreddit", "api", "token_file", "max_pages"],
        Service::HackerNews => &["query", "api", "max_pages"],
        Service::Mastodon => &["instance", "hashtag", "query", "token_file", "max_pages"],
        Service::Bluesky => &[
            "query",
            "api",
            "identifier",
            "app_password_file",
            "max_pages",
        ],
        Service::YouTube => &["channel", "playlist", "api"],
        Service::AppStore => &["app", "country", "api", "max_pages"],
    }
}

/// A mistake in a social source: the key it is about and what to do.
pub type Mistake = (&'static str, String);

/// The first page's request for what the watchlist asked of `service`.
pub fn request_url(service: Service, a: &Asked<'_>) -> Result<String, Mistake> {
    let base = |default: &str, key: &'static str| address(a.api.unwrap_or(default), key);
    let query = |what: &str| -> Result<&str, Mistake> {
        match a.query.map(str::trim) {
            Some(q) if !q.is_empty() && q.chars().count() <= 500 => Ok(q),
            Some(_) => Err(("query", "a search is 1 to 500 characters".into())),
            None => Err((
                "query",
                format!("a {what} source needs `query`, the words to search for"),
            )),
        }
    };
    let join = |mut url: Url, path: &[&str], pairs: &[(&str, &str)]| -> String {
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty();
            segments.extend(path);
        }
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        url.to_string()
    };
    match service {
        Service::Reddit => {
            let q = query("reddit")?;
            let default = if a.with_token {
                "https://oauth.reddit.com"
            } else {
                "https://www.reddit.com"
            };
            let api = base(default, "api")?;
            let common = [
                ("q", q),
                ("sort", "new"),
                ("limit", "100"),
                ("raw_json", "1"),
            ];
            Ok(match a.subreddit {
                Some(sub) => {
                    let sub = name_like(sub.trim().trim_start_matches("r/"), "subreddit", 3, 21)?;
                    let mut pairs = common.to_vec();
                    pairs.insert(1, ("restrict_sr", "on"));
                    join(api, &["r", sub, "search.json"], &pairs)
                }
                None => join(api, &["search.json"], &common),
            })
        }
        Service::HackerNews => {
            let q = query("hackernews")?;
            let api = base("https://hn.algolia.com", "api")?;
            Ok(join(
                api,
                &["api", "v1", "search_by_date"],
                &[
                    ("query", q),
                    ("tags", "(story,comment)"),
                    ("hitsPerPage", "100"),
                ],
            ))
        }
        Service::Mastodon => {
            let Some(instance) = a.instance else {
                return Err((
                    "instance",
                    "a mastodon source needs `instance`, the server to ask (\"https://mastodon.social\")".into(),
                ));
            };
            let api = address(instance, "instance")?;
            match (a.hashtag, a.query) {
                (Some(_), Some(_)) => Err((
                    "hashtag",
                    "a mastodon source follows either a hashtag or a search, not both".into(),
                )),
                (Some(tag), None) => {
                    let tag = name_like(tag.trim().trim_start_matches('#'), "hashtag", 1, 100)?;
                    Ok(join(api, &["api", "v1", "timelines", "tag", tag], &[("limit", "40")]))
                }
                (None, Some(_)) if !a.with_token => Err((
                    "query",
                    "Mastodon searches posts only for a logged-in account: add `token_file` (a token with the read:search scope), or follow a `hashtag`".into(),
                )),
                (None, Some(_)) => {
                    let q = query("mastodon")?;
                    Ok(join(
                        api,
                        &["api", "v2", "search"],
                        &[("q", q), ("type", "statuses"), ("limit", "40")],
                    ))
                }
                (None, None) => Err((
                    "hashtag",
                    "a mastodon source needs a `hashtag` to follow, or a `query` with `token_file`".into(),
                )),
            }
        }
        Service::Bluesky => {
            let q = query("bluesky")?;
            let default = if a.with_login {
                "https://bsky.social"
            } else {
                "https://public.api.bsky.app"
            };
            let api = base(default, "api")?;
            Ok(join(
                api,
                &["xrpc", "app.bsky.feed.searchPosts"],
                &[("q", q), ("sort", "latest"), ("limit", "100")],
            ))
        }
        Service::YouTube => {
            let api = base("https://www.youtube.com", "api")?;
            let pair = match (a.channel, a.playlist) {
                (Some(c), None) => ("channel_id", name_like(c.trim(), "channel", 10, 40)?),
                (None, Some(p)) => ("playlist_id", name_like(p.trim(), "playlist", 10, 64)?),
                (Some(_), Some(_)) => {
                    return Err((
                        "playlist",
                        "a youtube source reads a channel or a playlist, not both".into(),
                    ));
                }
                (None, None) => {
                    return Err((
                        "channel",
                        "a youtube source needs a `channel` id (UC…) or a `playlist` id (PL…)"
                            .into(),
                    ));
                }
            };
            Ok(join(api, &["feeds", "videos.xml"], &[pair]))
        }
        Service::AppStore => {
            let Some(app) = a.app.map(str::trim).map(|s| s.trim_start_matches("id")) else {
                return Err(("app", "an appstore source needs `app`, the app's number in its App Store address (…/id284882215)".into()));
            };
            if app.is_empty() || app.len() > 12 || !app.bytes().all(|b| b.is_ascii_digit()) {
                return Err((
                    "app",
                    format!("{app:?} is not an App Store id: digits, as in …/id284882215"),
                ));
            }
            let Some(country) = a.country.map(|c| c.trim().to_ascii_lowercase()) else {
                return Err(("country", "an appstore source needs `country`, the store whose reviews to read (\"fr\", \"us\")".into()));
            };
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err((
                    "country",
                    format!("{country:?} is not a two-letter country code"),
                ));
            }
            let api = base("https://itunes.apple.com", "api")?;
            let page = "page=1".to_string();
            let id = format!("id={app}");
            Ok(join(
                api,
                &[
                    &country,
                    "rss",
                    "customerreviews",
                    &page,
                    &id,
                    "sortby=mostrecent",
                    "json",
                ],
                &[],
            ))
        }
    }
}

/// A service's address as the watchlist gives it: http(s), with a host, without a user
/// name or password.
fn address(raw: &str, key: &'static str) -> Result<Url, Mistake> {
    let url =
        Url::parse(raw.trim()).map_err(|e| (key, format!("{raw:?} is not an address: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err((key, format!("{raw:?} is not an http(s) address")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err((
            key,
            "no user name or password in the address: use token_file".into(),
        ));
    }
    Ok(url)
}

/// A name that goes into a path or a query as it is: letters, digits, `_` and `-`.
fn name_like<'s>(
    s: &'s str,
    key: &'static str,
    min: usize,
    max: usize,
) -> Result<&'s str, Mistake> {
    let ok = (min..=max).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(s)
    } else {
        Err((
            key,
            format!("{s:?} is not a {key} name: {min} to {max} letters, digits, _ or -"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(service: Service, a: Asked<'_>) -> Result<String, Mistake> {
        request_url(service, &a)
    }

    #[test]
    fn each_service_gets_its_documented_request() {
        let r = ask(
            Service::Reddit,
            Asked {
                query: Some("acme sav"),
                subreddit: Some("r/france"),
                ..Default::default()
            },
        );
        assert_eq!(
            r.unwrap(),
            "https://www.reddit.com/r/france/search.json?q=acme+sav&restrict_sr=on&sort=new&limit=100&raw_json=1"
        );
        let r = ask(
            Service::Reddit,
            Asked {
                query: Some("acme"),
                with_token: true,
                ..Default::default()
            },
        );
        assert!(
            r.unwrap()
                .starts_with("https://oauth.reddit.com/search.json?q=acme")
        );
        let r = ask(
            Service::HackerNews,
            Asked {
                query: Some("acme"),
                ..Default::default()
            },
        );
        assert_eq!(
            r.unwrap(),
            "https://hn.algolia.com/api/v1/search_by_date?query=acme&tags=%28story%2Ccomment%29&hitsPerPage=100"
        );
        let r = ask(
            Service::Mastodon,
            Asked {
                instance: Some("https://mastodon.social"),
                hashtag: Some("#Acme"),
                ..Default::default()
            },
        );
        assert_eq!(
            r.unwrap(),
            "https://mastodon.social/api/v1/timelines/tag/Acme?limit=40"
        );
        let r = ask(
            Service::Bluesky,
            Asked {
                query: Some("acme"),
                ..Default::default()
            },
        );
        assert_eq!(
            r.unwrap(),
            "https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts?q=acme&sort=latest&limit=100"
        );
        let r = ask(
            Service::YouTube,
            Asked {
                channel: Some("UCabcdefghijklmnopqrstuv"),
                ..Default::default()
            },
        );
        assert_eq!(
            r.unwrap(),
            "https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"
        );
        let r = ask(
            Service::AppStore,
            Asked {
                app: Some("id284882215"),
                country: Some("FR"),
                ..Default::default()
            },
        );
        assert_eq!(
            r.unwrap(),
            "https://itunes.apple.com/fr/rss/customerreviews/page=1/id=284882215/sortby=mostrecent/json"
        );
    }

    #[test]
    fn what_a_service_cannot_do_is_said_with_its_key() {
        let e = ask(
            Service::Mastodon,
            Asked {
                instance: Some("https://m.example"),
                query: Some("acme"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.0, "query");
        assert!(e.1.contains("token_file"), "{}", e.1);
        let e = ask(Service::Reddit, Asked::default()).unwrap_err();
        assert_eq!(e.0, "query");
        let e = ask(
            Service::Reddit,
            Asked {
                query: Some("a"),
                subreddit: Some("../etc"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.0, "subreddit");
        let e = ask(
            Service::AppStore,
            Asked {
                app: Some("123"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.0, "country");
        let e = ask(
            Service::HackerNews,
            Asked {
                query: Some("a"),
                api: Some("file:///etc"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.0, "api");
    }
}
