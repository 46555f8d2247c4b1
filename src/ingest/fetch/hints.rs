//! What a server's headers say about when to come back: `Cache-Control: max-age`,
//! `Retry-After`.

use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::{self, HeaderMap};

pub(super) fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `Cache-Control: max-age=N` (ignored with `no-cache`/`no-store`, which ask for freshness,
/// not for fewer polls).
pub fn cache_max_age(h: &HeaderMap) -> Option<Duration> {
    let cc = h.get(header::CACHE_CONTROL)?.to_str().ok()?;
    let mut max_age = None;
    for part in cc.split(',') {
        let part = part.trim().to_ascii_lowercase();
        if part == "no-cache" || part == "no-store" {
            return None;
        }
        if let Some(v) = part.strip_prefix("max-age=") {
            max_age = v
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    max_age
}

/// `Retry-After` as seconds or as an HTTP date (relative to `now`).
pub fn parse_retry_after(v: &str, now: Timestamp) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let secs = when.as_second() - now.as_second();
    Some(Duration::from_secs(secs.max(0) as u64))
}
