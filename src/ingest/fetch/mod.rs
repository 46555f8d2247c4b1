//! Fetching a source's document, politely and within limits.
//!
//! # Limits (defaults in DESIGN.md §4, settings in `[http]`)
//! - deadlines: connect, whole request, and idle read (a server that stalls mid-body);
//! - body size counted **after** decompression, so a gzip bomb stops at the cap;
//! - at most `max_redirects` hops; a hop back to a URL already visited is a loop;
//! - the address guard ([`guard`]) on resolved addresses and on every hop;
//! - at most `per_host_connections` requests to one host at a time;
//! - environment proxies are ignored: the guard must see the real destination.
//!
//! # Politeness
//! Conditional GET with the validators of the last success (ETag → `If-None-Match`,
//! Last-Modified → `If-Modified-Since`); server hints (`Cache-Control: max-age`,
//! `Retry-After`) are returned to the scheduler, which honours them within bounds.
//!
//! `file://` sources are read from disk with the same size cap; their modification time plays
//! the part of Last-Modified.

mod file;
pub mod guard;
mod hints;
pub mod tls;

use file::inside_folder_of;
use hints::header_str;
pub use hints::{cache_max_age, parse_retry_after, rate_limit, retry_after_header};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header;
use reqwest::{StatusCode, redirect};
use tokio::sync::Semaphore;
use url::Url;

use crate::settings::config::HttpConfig;
use crate::settings::watchlist::{Credentials, take_credentials};
use guard::{Blocked, Guard, GuardedResolver, check_literal};

/// What the server said last time, sent back to ask "only if changed".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Server hints for the next poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    /// `Cache-Control: max-age`: do not ask again before this.
    pub max_age: Option<Duration>,
    /// A service's rate-limit headers (`X-RateLimit-Remaining`/`-Reset`, or
    /// `RateLimit-Remaining`/`-Reset`): requests left in its window, and when it resets.
    pub rate_remaining: Option<u64>,
    pub rate_reset: Option<Duration>,
}

/// A successful fetch.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// A new document.
    Body {
        bytes: Vec<u8>,
        validators: Validators,
        hints: Hints,
        final_url: String,
        /// The HTTP `Content-Type`, which may name the charset; none for files.
        content_type: Option<String>,
    },
    /// 304: nothing changed since `validators` were stored.
    NotModified { hints: Hints },
}

/// Why a fetch failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The server answered with an error status.
    Status(u16),
    /// A deadline passed (connect, whole request, or idle read).
    Timeout,
    /// The body (after decompression) is larger than `http.max_body_size`.
    TooLarge,
    /// More than `http.max_redirects` hops, or a loop.
    Redirects,
    /// The address guard refused the destination.
    Blocked,
    /// Could not connect (DNS, refused, TLS).
    Connect,
    /// The URL cannot be fetched at all.
    BadUrl,
    /// Reading the body or a local file failed.
    Io,
}

impl FetchErrorKind {
    /// Whether trying again later may succeed. Every failure is retried with backoff (a
    /// source is never dropped); this tells logs and reports whether that is likely to help.
    pub fn is_retryable(self) -> bool {
        match self {
            FetchErrorKind::Status(s) => s == 408 || s == 425 || s == 429 || s >= 500,
            FetchErrorKind::Timeout | FetchErrorKind::Connect | FetchErrorKind::Io => true,
            FetchErrorKind::TooLarge
            | FetchErrorKind::Redirects
            | FetchErrorKind::Blocked
            | FetchErrorKind::BadUrl => false,
        }
    }
}

/// A failed fetch, with what a person needs to understand it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct FetchError {
    pub kind: FetchErrorKind,
    pub message: String,
    /// `Retry-After`, when the server gave one (429, 503).
    pub retry_after: Option<Duration>,
}

impl FetchError {
    fn new(kind: FetchErrorKind, message: impl Into<String>) -> Self {
        FetchError {
            kind,
            message: message.into(),
            retry_after: None,
        }
    }
}

/// The HTTP client with Vigie's limits, shared by all polls.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    max_body: u64,
    /// The whole-request deadline, also for reading a local file.
    timeout: Duration,
    per_host: usize,
    guard: Arc<Guard>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    overall: Arc<Semaphore>,
}

#[derive(Debug, thiserror::Error)]
enum RedirectError {
    #[error("more than {0} redirects")]
    TooMany(usize),
    #[error("redirect loop back to {0}")]
    Loop(String),
    #[error("redirect to unsupported scheme {0:?}")]
    Scheme(String),
}

impl Fetcher {
    /// Builds the client. Installs rustls' ring provider if none is installed yet.
    pub fn new(cfg: &HttpConfig) -> Result<Self, reqwest::Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let guard = Arc::new(Guard {
            allow_private: cfg.allow_private_networks,
            allowed: cfg.allowed_networks.clone(),
        });
        let hop_guard = guard.clone();
        let max_redirects = cfg.max_redirects.get();
        let policy = redirect::Policy::custom(move |attempt| {
            let url = attempt.url().clone();
            if attempt.previous().len() > max_redirects {
                return attempt.error(RedirectError::TooMany(max_redirects));
            }
            if attempt.previous().iter().any(|u| u == &url) {
                return attempt.error(RedirectError::Loop(redact(&url)));
            }
            if !matches!(url.scheme(), "http" | "https") {
                return attempt.error(RedirectError::Scheme(url.scheme().to_string()));
            }
            if let Err(blocked) = check_literal(&url, &hop_guard) {
                return attempt.error(blocked);
            }
            attempt.follow()
        });
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.connect_timeout.0)
            .timeout(cfg.timeout.0)
            .read_timeout(cfg.read_timeout.0)
            .redirect(policy)
            .dns_resolver(GuardedResolver {
                guard: guard.clone(),
            })
            .pool_max_idle_per_host(cfg.per_host_connections.get())
            .no_proxy()
            .build()?;
        Ok(Fetcher {
            client,
            max_body: cfg.max_body_size.0,
            timeout: cfg.timeout.0,
            per_host: cfg.per_host_connections.get(),
            guard,
            hosts: Mutex::new(HashMap::new()),
            overall: Arc::new(Semaphore::new(cfg.max_concurrent_fetches.get())),
        })
    }

    /// Fetches `url`, conditionally on `validators`, sending `auth` (HTTP Basic) if given.
    /// `now` dates `Retry-After` given as an HTTP date. reqwest drops the `Authorization`
    /// header on a redirect to another origin.
    pub async fn fetch(
        &self,
        url: &str,
        auth: Option<&Credentials>,
        validators: &Validators,
        now: Timestamp,
    ) -> Result<Fetched, FetchError> {
        let mut parsed = Url::parse(url)
            .map_err(|e| FetchError::new(FetchErrorKind::BadUrl, format!("invalid URL: {e}")))?;
        // Never a password in the URL itself: it would ride along into error messages.
        let from_url = take_credentials(&mut parsed);
        let auth = auth.or(from_url.as_ref());
        match parsed.scheme() {
            "file" => {
                let path = parsed.to_file_path().map_err(|()| {
                    FetchError::new(FetchErrorKind::BadUrl, "not a local file path")
                })?;
                let _overall = self.overall.acquire().await.expect("never closed");
                self.fetch_file(path, &parsed, validators).await
            }
            "http" | "https" => {
                check_literal(&parsed, &self.guard)
                    .map_err(|b| FetchError::new(FetchErrorKind::Blocked, b.to_string()))?;
                let host = parsed.host_str().unwrap_or_default().to_string();
                // The host's slot first: a fetch queued behind a busy host must not hold
                // one of the overall slots other hosts could use.
                let _host = self
                    .host_permit(&host)
                    .acquire_owned()
                    .await
                    .expect("never closed");
                let _overall = self.overall.acquire().await.expect("never closed");
                self.fetch_http(parsed, auth, validators, now).await
            }
            other => Err(FetchError::new(
                FetchErrorKind::BadUrl,
                format!("unsupported scheme {other:?}"),
            )),
        }
    }

    fn host_permit(&self, host: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    async fn fetch_http(
        &self,
        url: Url,
        auth: Option<&Credentials>,
        validators: &Validators,
        now: Timestamp,
    ) -> Result<Fetched, FetchError> {
        let mut req = self.client.get(url).header(
            header::ACCEPT,
            "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
        );
        match auth {
            Some(c) if c.bearer => req = req.bearer_auth(c.password.as_deref().unwrap_or("")),
            Some(c) => req = req.basic_auth(&c.user, c.password.as_deref()),
            None => {}
        }
        if let Some(etag) = &validators.etag {
            req = req.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            req = req.header(header::IF_MODIFIED_SINCE, lm);
        }
        let mut resp = req.send().await.map_err(classify_reqwest)?;
        let status = resp.status();
        let (rate_remaining, rate_reset) = rate_limit(resp.headers(), now);
        let hints = Hints {
            max_age: cache_max_age(resp.headers()),
            rate_remaining,
            rate_reset,
        };
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified { hints });
        }
        if !status.is_success() {
            let retry_after = retry_after_header(resp.headers(), now);
            let message = match resp
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
            {
                Some(to) if status.is_redirection() => format!(
                    "HTTP {status}: redirect to {} not followed (only http and https are)",
                    redact_str(to)
                ),
                _ => format!("HTTP {status}"),
            };
            return Err(FetchError {
                kind: FetchErrorKind::Status(status.as_u16()),
                message,
                retry_after,
            });
        }
        let final_url = resp.url().to_string();
        let content_type = header_str(resp.headers(), header::CONTENT_TYPE);
        let validators = Validators {
            etag: header_str(resp.headers(), header::ETAG),
            last_modified: header_str(resp.headers(), header::LAST_MODIFIED),
        };
        if let Some(len) = resp.content_length()
            && len > self.max_body
        {
            return Err(self.too_large(Some(len)));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify_reqwest)? {
            if (bytes.len() + chunk.len()) as u64 > self.max_body {
                return Err(self.too_large(None));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body {
            bytes,
            validators,
            hints,
            final_url,
            content_type,
        })
    }

    /// Posts a JSON `body` to a chat webhook with `headers`, under the same address guard,
    /// deadlines and redirect rules as a fetch: `Ok(status)` for a 2xx answer, else the
    /// status (with `Retry-After`) or the failure as an error. A webhook's address is its
    /// secret: no message names more of it than its scheme and host.
    pub async fn post_json(
        &self,
        url: &Url,
        headers: &[(&str, String)],
        body: Vec<u8>,
        now: Timestamp,
    ) -> Result<u16, FetchError> {
        let shown = format!("{}://{}/…", url.scheme(), url.host_str().unwrap_or(""));
        let hide = |mut e: FetchError| {
            for secret in [
                url.as_str().to_string(),
                redact(url),
                url.path().to_string(),
                url.query().unwrap_or_default().to_string(),
            ] {
                if secret.len() > 1 {
                    e.message = e.message.replace(&secret, &shown);
                }
            }
            e
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::new(
                FetchErrorKind::BadUrl,
                "not an http(s) address",
            ));
        }
        check_literal(url, &self.guard)
            .map_err(|b| hide(FetchError::new(FetchErrorKind::Blocked, b.to_string())))?;
        let mut req = self
            .client
            .post(url.clone())
            .header(header::CONTENT_TYPE, "application/json");
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let mut resp = req
            .body(body)
            .send()
            .await
            .map_err(|e| hide(classify_reqwest(e)))?;
        let status = resp.status();
        let retry_after = retry_after_header(resp.headers(), now);
        // The answer is read (a little of it, for the error) so the connection can be reused.
        let mut answer = Vec::new();
        while let Ok(Some(chunk)) = resp.chunk().await {
            if answer.len() < 512 {
                answer.extend_from_slice(&chunk[..chunk.len().min(512 - answer.len())]);
            }
        }
        if status.is_success() {
            return Ok(status.as_u16());
        }
        let said: String = String::from_utf8_lossy(&answer)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        Err(hide(FetchError {
            kind: FetchErrorKind::Status(status.as_u16()),
            message: if said.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {said}")
            },
            retry_after,
        }))
    }

    /// Posts a JSON `body` to a service (a login) and reads its JSON answer, within the
    /// same guard, deadlines and size cap as a fetch. The body may hold a password: no
    /// error repeats it.
    pub async fn post_json_for_answer(
        &self,
        url: &Url,
        body: Vec<u8>,
        now: Timestamp,
    ) -> Result<Vec<u8>, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::new(
                FetchErrorKind::BadUrl,
                "not an http(s) address",
            ));
        }
        check_literal(url, &self.guard)
            .map_err(|b| FetchError::new(FetchErrorKind::Blocked, b.to_string()))?;
        let _overall = self.overall.acquire().await.expect("never closed");
        let mut resp = self
            .client
            .post(url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(classify_reqwest)?;
        let status = resp.status();
        if !status.is_success() {
            let retry_after = retry_after_header(resp.headers(), now);
            return Err(FetchError {
                kind: FetchErrorKind::Status(status.as_u16()),
                message: format!("HTTP {status}"),
                retry_after,
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify_reqwest)? {
            if (bytes.len() + chunk.len()) as u64 > self.max_body.min(1 << 20) {
                return Err(self.too_large(None));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Fetches a link met in, or leading on from, the document at `origin` (an html source's
    /// next page): a link keeps to the source's own scheme. An http(s) document only ever
    /// leads to http(s); a `file:` document only to a regular file in its own folder or
    /// below (symbolic links resolved), so a page can never make Vigie read a local file
    /// it was not pointed at. `auth`, the source's credentials, goes to the source's own
    /// origin only.
    pub async fn fetch_linked(
        &self,
        origin: &str,
        link: &str,
        auth: Option<&Credentials>,
        now: Timestamp,
    ) -> Result<Fetched, FetchError> {
        let bad = |e: url::ParseError| {
            FetchError::new(FetchErrorKind::BadUrl, format!("invalid URL: {e}"))
        };
        let from = Url::parse(origin).map_err(bad)?;
        let to = Url::parse(link).map_err(bad)?;
        match (from.scheme(), to.scheme()) {
            ("http" | "https", "http" | "https") => {
                let auth = auth.filter(|_| from.origin() == to.origin());
                self.fetch(link, auth, &Validators::default(), now).await
            }
            ("file", "file") => {
                let path = inside_folder_of(&from, &to).await?;
                let _overall = self.overall.acquire().await.expect("never closed");
                self.fetch_file(path, &to, &Validators::default()).await
            }
            (f, t) => Err(FetchError::new(
                FetchErrorKind::Blocked,
                format!(
                    "refused to follow {} from a {f}: source: a source only leads to links of its own kind (http or https, or files beside it)",
                    if t == "file" {
                        "a file: link".to_string()
                    } else {
                        redact(&to)
                    }
                ),
            )),
        }
    }

    fn too_large(&self, announced: Option<u64>) -> FetchError {
        let cap = crate::settings::units::ByteSize(self.max_body);
        let msg = match announced {
            Some(n) => format!("body of {n} bytes is over the {cap} limit (http.max_body_size)"),
            None => {
                format!("body is over the {cap} limit after decompression (http.max_body_size)")
            }
        };
        FetchError::new(FetchErrorKind::TooLarge, msg)
    }
}

/// Maps a reqwest error to a kind and a message that says what went wrong, without the URL's
/// credentials.
fn classify_reqwest(e: reqwest::Error) -> FetchError {
    let mut chain = Vec::new();
    let mut blocked = false;
    let mut redirect_err = e.is_redirect();
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = src {
        blocked |= err.downcast_ref::<Blocked>().is_some();
        redirect_err |= err.downcast_ref::<RedirectError>().is_some();
        let text = err.to_string();
        let text = match e.url() {
            Some(u) => text.replace(u.as_str(), &redact(u)),
            None => text,
        };
        if !chain.iter().any(|c: &String| c.contains(&text)) {
            chain.push(text);
        }
        src = err.source();
    }
    let kind = if blocked {
        FetchErrorKind::Blocked
    } else if e.is_timeout() {
        FetchErrorKind::Timeout
    } else if redirect_err {
        FetchErrorKind::Redirects
    } else if e.is_connect() {
        FetchErrorKind::Connect
    } else if e.is_builder() {
        FetchErrorKind::BadUrl
    } else {
        FetchErrorKind::Io
    };
    let message = if kind == FetchErrorKind::Timeout {
        format!("timed out: {}", chain.last().cloned().unwrap_or_default())
    } else {
        chain.join(": ")
    };
    FetchError::new(kind, message)
}

/// A URL with its user name and password removed, safe to log.
pub fn redact(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

/// [`redact`] for a URL held as text; text that is not a URL is returned unchanged.
pub fn redact_str(url: &str) -> String {
    Url::parse(url).map_or_else(|_| url.to_string(), |u| redact(&u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    #[test]
    fn retry_after_in_seconds_or_http_date() {
        let now: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 11:00:00 GMT", now),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn cache_control_max_age() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            "public, max-age=3600".parse().unwrap(),
        );
        assert_eq!(cache_max_age(&h), Some(Duration::from_secs(3600)));
        h.insert(
            header::CACHE_CONTROL,
            "no-cache, max-age=3600".parse().unwrap(),
        );
        assert_eq!(cache_max_age(&h), None);
    }

    #[test]
    fn credentials_never_leave_redact() {
        let u = Url::parse("https://user:s3cret@feeds.example.com/x?a=1").unwrap();
        assert_eq!(redact(&u), "https://feeds.example.com/x?a=1");
        assert_eq!(
            redact_str("https://feeds.example.com/x"),
            "https://feeds.example.com/x"
        );
    }

    #[test]
    fn retryable_kinds() {
        assert!(FetchErrorKind::Status(503).is_retryable());
        assert!(FetchErrorKind::Status(429).is_retryable());
        assert!(!FetchErrorKind::Status(404).is_retryable());
        assert!(FetchErrorKind::Timeout.is_retryable());
        assert!(!FetchErrorKind::TooLarge.is_retryable());
    }
}
