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

/// The `Retry-After` header of an answer, if it has one that can be read.
pub fn retry_after_header(h: &HeaderMap, now: Timestamp) -> Option<Duration> {
    h.get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now))
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

/// A service's rate-limit headers: the requests left in its window and the time until it
/// resets. Reddit writes `X-Ratelimit-Remaining: 598.0` and `X-Ratelimit-Reset: 340`
/// (seconds), Mastodon `X-RateLimit-Reset` as an ISO 8601 time, Bluesky
/// `RateLimit-Reset` as Unix seconds.
pub fn rate_limit(h: &HeaderMap, now: Timestamp) -> (Option<u64>, Option<Duration>) {
    let get = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| h.get(*n).and_then(|v| v.to_str().ok()))
            .map(str::trim)
    };
    let remaining = get(["x-ratelimit-remaining", "ratelimit-remaining"])
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v.floor() as u64);
    let reset = get(["x-ratelimit-reset", "ratelimit-reset"]).and_then(|v| {
        let secs = match v.parse::<f64>() {
            // Past a billion, a Unix time; below, seconds from now.
            Ok(n) if n.is_finite() && n > 1e9 => n as i64 - now.as_second(),
            Ok(n) if n.is_finite() && n >= 0.0 => n.ceil() as i64,
            Ok(_) => return None,
            Err(_) => v.parse::<Timestamp>().ok()?.as_second() - now.as_second(),
        };
        Some(Duration::from_secs(secs.clamp(0, 24 * 3600) as u64))
    });
    (remaining, reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_services_rate_limit_headers_are_read() {
        let now: Timestamp = "2026-12-05T10:00:00Z".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", "0.0".parse().unwrap());
        h.insert("x-ratelimit-reset", "340".parse().unwrap());
        assert_eq!(
            rate_limit(&h, now),
            (Some(0), Some(Duration::from_secs(340)))
        );
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", "299".parse().unwrap());
        h.insert(
            "x-ratelimit-reset",
            "2026-12-05T10:05:00.000Z".parse().unwrap(),
        );
        assert_eq!(
            rate_limit(&h, now),
            (Some(299), Some(Duration::from_secs(300)))
        );
        let mut h = HeaderMap::new();
        h.insert("ratelimit-remaining", "2999".parse().unwrap());
        h.insert(
            "ratelimit-reset",
            (now.as_second() + 60).to_string().parse().unwrap(),
        );
        assert_eq!(
            rate_limit(&h, now),
            (Some(2999), Some(Duration::from_secs(60)))
        );
        assert_eq!(rate_limit(&HeaderMap::new(), now), (None, None));
    }
}
