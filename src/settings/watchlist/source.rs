//! One `[[source]]` of a watchlist: its URL checked and made absolute (`file:` paths are
//! relative to the watchlist), credentials taken out of it, its kind detected from the
//! address when not given, and how it is read ([`Adapter`]) with its selectors, JSON
//! Pointers and time zone checked.

use std::path::Path;

use toml::Spanned;

use super::raw::{RawJson, RawSelect, RawSource};
use super::validate::Located;
use super::{Adapter, Credentials, MAX_PAGES, SourceKind, SourceSpec};
use crate::settings::errors::ConfigError;
use crate::settings::social::{self, Asked, Login, Service, SocialSpec};
use crate::settings::sources::{Field, HtmlSpec, JsonSpec, check_pointer, check_selector};

/// Below this, a source's own interval earns a warning (it is allowed: a CM watching a
/// crisis may want it, on a site that agrees).
const SHORT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// A source whose URL was checked: its kind, interval and adapter.
pub(super) fn source_spec(
    s: &RawSource,
    url: String,
    credentials: Option<Credentials>,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<String>,
) -> SourceSpec {
    check_interval(s, here, warnings);
    let kind = s
        .kind
        .as_ref()
        .map_or_else(|| detect_kind(&url), |k| *k.get_ref());
    let adapter = adapter(s, kind, here, errors);
    SourceSpec {
        url,
        credentials,
        kind,
        interval: s.interval.as_ref().map(|d| d.get_ref().0),
        adapter,
        name: name(s, here, errors),
    }
}

/// A short interval is allowed, with a warning.
fn check_interval(s: &RawSource, here: &Located<'_>, warnings: &mut Vec<String>) {
    if let Some(i) = &s.interval
        && i.get_ref().0 < SHORT_INTERVAL
    {
        warnings.push(
            here.at(
                i.span(),
                "source.interval",
                format!(
                    "{} is under 5 minutes: most sites ask feed readers to wait longer between \
                     reads, and may block Vigie (it never polls more often than \
                     poll.min_interval, 1m by default)",
                    i.get_ref()
                ),
            )
            .to_string(),
        );
    }
}

/// The source's name for people, on one line.
fn name(s: &RawSource, here: &Located<'_>, errors: &mut Vec<ConfigError>) -> Option<String> {
    s.name.as_ref().and_then(|n| {
        let clean: String = n.get_ref().split_whitespace().collect::<Vec<_>>().join(" ");
        if clean.is_empty() || clean.chars().count() > 100 {
            errors.push(here.at(
                n.span(),
                "source.name",
                "a source's name is 1 to 100 characters, on one line".into(),
            ));
            return None;
        }
        Some(clean)
    })
}

/// The keys only social sources take, with where they are written.
fn social_keys(s: &RawSource) -> Vec<(&'static str, std::ops::Range<usize>)> {
    let text = [
        ("query", &s.query),
        ("subreddit", &s.subreddit),
        ("instance", &s.instance),
        ("hashtag", &s.hashtag),
        ("channel", &s.channel),
        ("playlist", &s.playlist),
        ("app", &s.app),
        ("country", &s.country),
        ("api", &s.api),
        ("token_file", &s.token_file),
        ("identifier", &s.identifier),
        ("app_password_file", &s.app_password_file),
        ("brand", &s.brand),
    ];
    let mut keys: Vec<_> = text
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_ref()?.span())))
        .collect();
    if let Some(m) = &s.max_pages {
        keys.push(("max_pages", m.span()));
    }
    keys
}

/// Refuses the social keys on a source of another kind.
pub(super) fn refuse_social_keys(
    s: &RawSource,
    kind: SourceKind,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) {
    for (key, span) in social_keys(s) {
        errors.push(here.at(
            span,
            &format!("source.{key}"),
            format!(
                "`{key}` is for social sources (kind = \"reddit\", \"hackernews\", \"mastodon\", \"bluesky\", \"youtube\" or \"appstore\"), not for a {} source",
                kind.as_str()
            ),
        ));
    }
}

/// A social source (`kind = "reddit"`...): its keys checked, its request built, its token
/// files found. `brands`: the watchlist's brand names, for `brand`.
pub(super) fn social_source(
    s: &RawSource,
    service: Service,
    brands: &[&str],
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<String>,
) -> Option<SourceSpec> {
    let kind_span = s.kind.as_ref().map(Spanned::span).unwrap_or_default();
    let kind = *s.kind.as_ref()?.get_ref();
    let before = errors.len();
    let allowed = social::keys(service);
    for (key, span) in social_keys(s) {
        if key != "brand" && !allowed.contains(&key) {
            errors.push(here.at(
                span,
                &format!("source.{key}"),
                format!(
                    "a {} source does not take `{key}`; it takes {}",
                    kind.as_str(),
                    allowed
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    for (key, present) in [
        ("select", s.select.as_ref().map(Spanned::span)),
        ("json", s.json.as_ref().map(Spanned::span)),
        ("timezone", s.timezone.as_ref().map(Spanned::span)),
    ] {
        if let Some(span) = present {
            errors.push(here.at(
                span,
                &format!("source.{key}"),
                format!(
                    "a {} source is read by Vigie's own reader: no `{key}`",
                    kind.as_str()
                ),
            ));
        }
    }
    let dir = here.path.parent().unwrap_or(Path::new("."));
    let mut file = |v: &Option<Spanned<String>>, key: &str| -> Option<std::path::PathBuf> {
        let v = v.as_ref()?;
        let path = crate::settings::config::resolve(dir, v.get_ref().trim());
        if !path.is_file() {
            errors.push(here.at(
                v.span(),
                &format!("source.{key}"),
                format!("cannot read {}: no such file", path.display()),
            ));
        }
        Some(path)
    };
    let token_file = file(&s.token_file, "token_file");
    let password_file = file(&s.app_password_file, "app_password_file");
    let login = match (&s.identifier, password_file) {
        (Some(id), Some(password_file)) => Some(Login {
            identifier: id.get_ref().trim().to_string(),
            password_file,
            server: String::new(),
        }),
        (None, None) => None,
        (Some(id), None) => {
            errors.push(here.at(
                id.span(),
                "source.app_password_file",
                "an `identifier` goes with `app_password_file`, the file holding the app password".into(),
            ));
            None
        }
        (None, Some(_)) => {
            errors.push(here.at(
                kind_span.clone(),
                "source.identifier",
                "an `app_password_file` goes with `identifier`, the account's handle".into(),
            ));
            None
        }
    };
    let asked = Asked {
        query: text(&s.query),
        subreddit: text(&s.subreddit),
        instance: text(&s.instance),
        hashtag: text(&s.hashtag),
        channel: text(&s.channel),
        playlist: text(&s.playlist),
        app: text(&s.app),
        country: text(&s.country),
        api: text(&s.api),
        with_token: token_file.is_some(),
        with_login: login.is_some(),
    };
    let url = match social::request_url(service, &asked) {
        Ok(url) => url,
        Err((key, msg)) => {
            let span = social_keys(s)
                .into_iter()
                .find(|(k, _)| *k == key)
                .map_or(kind_span.clone(), |(_, span)| span);
            errors.push(here.at(span, &format!("source.{key}"), msg));
            return None;
        }
    };
    let login = login.map(|mut l| {
        l.server = url::Url::parse(&url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        l
    });
    let max_pages = match &s.max_pages {
        Some(m) if !(1..=MAX_PAGES).contains(m.get_ref()) => {
            errors.push(here.at(
                m.span(),
                "source.max_pages",
                format!("{} is out of range: expected 1 to {MAX_PAGES}", m.get_ref()),
            ));
            1
        }
        Some(m) => *m.get_ref(),
        None => 3,
    };
    let brand = s.brand.as_ref().and_then(|b| {
        let wanted = crate::text::fold(b.get_ref().trim());
        let found = brands.iter().find(|n| crate::text::fold(n) == wanted);
        if found.is_none() {
            errors.push(here.at(
                b.span(),
                "source.brand",
                format!("{:?} is not a brand of this watchlist", b.get_ref()),
            ));
        }
        found.map(|n| n.to_string())
    });
    check_interval(s, here, warnings);
    let name = name(s, here, errors).or_else(|| Some(default_name(service, &asked)));
    if errors.len() > before {
        return None;
    }
    Some(SourceSpec {
        url,
        credentials: None,
        kind,
        interval: s.interval.as_ref().map(|d| d.get_ref().0),
        adapter: Adapter::Social(Box::new(SocialSpec {
            service,
            max_pages,
            token_file,
            login,
            brand,
        })),
        name,
    })
}

fn text(v: &Option<Spanned<String>>) -> Option<&str> {
    v.as_ref().map(|v| v.get_ref().as_str())
}

/// What `vigie sources` and the digest call a social source the watchlist did not name:
/// `Reddit · acme (r/france)`.
fn default_name(service: Service, a: &Asked<'_>) -> String {
    let what = match service {
        Service::Reddit => match a.subreddit {
            Some(sub) => format!(
                "{} (r/{})",
                a.query.unwrap_or_default().trim(),
                sub.trim().trim_start_matches("r/")
            ),
            None => a.query.unwrap_or_default().trim().to_string(),
        },
        Service::Mastodon => match a.hashtag {
            Some(tag) => format!("#{}", tag.trim().trim_start_matches('#')),
            None => a.query.unwrap_or_default().trim().to_string(),
        },
        Service::YouTube => a
            .channel
            .or(a.playlist)
            .unwrap_or_default()
            .trim()
            .to_string(),
        Service::AppStore => format!(
            "{} ({})",
            a.app.unwrap_or_default().trim().trim_start_matches("id"),
            a.country.unwrap_or_default().trim().to_ascii_lowercase()
        ),
        Service::HackerNews | Service::Bluesky => a.query.unwrap_or_default().trim().to_string(),
    };
    let name = format!("{} · {what}", service.name());
    name.chars().take(100).collect()
}

/// How a source is read; its selectors and time zone are checked, mistakes located.
fn adapter(
    s: &RawSource,
    kind: SourceKind,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Adapter {
    let timezone = timezone(s, here, errors);
    if kind != SourceKind::Json
        && let Some(j) = &s.json
    {
        errors.push(here.at(
            j.span(),
            "source.json",
            "JSON paths are for `kind = \"json\"` sources".into(),
        ));
    }
    if kind == SourceKind::Json {
        let Some(j) = &s.json else {
            errors.push(here.at(
                s.url.as_ref().map(Spanned::span).unwrap_or_default(),
                "source.json",
                "a `kind = \"json\"` source needs a [source.json] table with at least `items` and `title` JSON Pointers".into(),
            ));
            return Adapter::Feed;
        };
        return json_adapter(j.get_ref(), timezone, here, errors);
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
            errors.push(here.at(
                sel.span(),
                "source.select",
                "selectors are for `kind = \"html\"` sources; a feed is read as a feed".into(),
            ));
            Adapter::Feed
        }
        (SourceKind::Html, None) => {
            errors.push(here.at(
                s.url.as_ref().map(Spanned::span).unwrap_or_default(),
                "source.select",
                "a `kind = \"html\"` source needs a [source.select] table with at least `item` and `title` selectors".into(),
            ));
            Adapter::Feed
        }
        (SourceKind::Html, Some(sel)) => html_adapter(sel.get_ref(), timezone, here, errors),
        // Social kinds never come here (see `social_source`).
        (_, _) => Adapter::Feed,
    }
}

/// The zone of the source's dates written without an offset: an IANA name, Paris by
/// default.
fn timezone(s: &RawSource, here: &Located<'_>, errors: &mut Vec<ConfigError>) -> String {
    let Some(z) = &s.timezone else {
        return crate::settings::digest::DEFAULT_ZONE.to_string();
    };
    if jiff::tz::TimeZone::get(z.get_ref().trim()).is_ok() {
        return z.get_ref().trim().to_string();
    }
    errors.push(here.at(
        z.span(),
        "source.timezone",
        format!(
            "unknown time zone {:?}: use an IANA name such as \"Europe/Paris\"",
            z.get_ref()
        ),
    ));
    String::new()
}

/// A `kind = "json"` source's JSON Pointers, checked.
fn json_adapter(
    j: &RawJson,
    timezone: String,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Adapter {
    let mut ok = true;
    let mut pointer = |v: &Spanned<String>, key: &str| -> String {
        if let Err(m) = check_pointer(v.get_ref()) {
            errors.push(here.at(v.span(), &format!("source.json.{key}"), m));
            ok = false;
        }
        v.get_ref().clone()
    };
    let spec = JsonSpec {
        items: pointer(&j.items, "items"),
        title: pointer(&j.title, "title"),
        link: j.link.as_ref().map(|v| pointer(v, "link")),
        text: j.text.as_ref().map(|v| pointer(v, "text")),
        author: j.author.as_ref().map(|v| pointer(v, "author")),
        date: j.date.as_ref().map(|v| pointer(v, "date")),
        id: j.id.as_ref().map(|v| pointer(v, "id")),
        timezone,
    };
    if ok {
        Adapter::Json(Box::new(spec))
    } else {
        Adapter::Feed
    }
}

/// A `kind = "html"` source's selectors and page count, checked.
fn html_adapter(
    r: &RawSelect,
    timezone: String,
    here: &Located<'_>,
    errors: &mut Vec<ConfigError>,
) -> Adapter {
    let item = check_selector(r.item.get_ref())
        .map_err(|m| errors.push(here.at(r.item.span(), "source.select.item", m)))
        .ok()
        .map(|_| r.item.get_ref().trim().to_string());
    let mut field = |v: &Spanned<String>, key: &str| -> Option<Field> {
        Field::parse(v.get_ref())
            .map_err(|m| errors.push(here.at(v.span(), &format!("source.select.{key}"), m)))
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
            errors.push(here.at(
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

/// The kind of a source whose watchlist does not say: alert feeds are recognised by their
/// address; anything else is read as a feed.
fn detect_kind(url: &str) -> SourceKind {
    if crate::settings::sources::is_google_alerts(url) {
        SourceKind::GoogleAlerts
    } else if crate::settings::sources::is_talkwalker_alerts(url) {
        SourceKind::TalkwalkerAlerts
    } else {
        SourceKind::Feed
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
        bearer: false,
    };
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(credentials)
}
