//! When each source is polled next. Pure: `now` and the source's history in, a time out.
//!
//! - After a success: the source's interval, or longer when the server asked for it
//!   (`Cache-Control: max-age`, RSS `<ttl>`), the request capped at `max_backoff`.
//! - After a failure: exponential backoff, `interval × 2^(n−1)` for the n-th failure in a
//!   row, capped at `max_backoff` (24 h by default), or the server's `Retry-After` when that
//!   is longer (same cap). A failing source is never dropped: it keeps being retried at the
//!   cap and stays visible in `vigie sources`.
//! - Either way a jitter of up to `jitter_percent` of the delay is added, derived from the
//!   source URL and `now` so it is reproducible in tests yet spreads sources apart.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

/// The scheduling knobs, from `[poll]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub max_backoff: Duration,
    pub jitter_percent: u64,
}

/// Next check after a successful poll (200 or 304).
pub fn after_success(
    now: Timestamp,
    interval: Duration,
    server_hint: Option<Duration>,
    policy: Policy,
    url: &str,
) -> Timestamp {
    let hinted = server_hint.map_or(Duration::ZERO, |h| h.min(policy.max_backoff));
    let delay = interval.max(hinted);
    add(
        now,
        with_jitter(delay, policy, url, now).min(policy.max_backoff.max(interval)),
    )
}

/// Next check after the `consecutive_errors`-th failure in a row (1 for the first).
pub fn after_failure(
    now: Timestamp,
    interval: Duration,
    consecutive_errors: u32,
    retry_after: Option<Duration>,
    policy: Policy,
    url: &str,
) -> Timestamp {
    add(
        now,
        failure_delay(interval, consecutive_errors, retry_after, policy, url, now),
    )
}

/// The delay [`after_failure`] waits, exposed for reports.
pub fn failure_delay(
    interval: Duration,
    consecutive_errors: u32,
    retry_after: Option<Duration>,
    policy: Policy,
    url: &str,
    now: Timestamp,
) -> Duration {
    let exp = consecutive_errors.saturating_sub(1).min(32);
    let backoff = interval
        .saturating_mul(1u32 << exp.min(31))
        .min(policy.max_backoff);
    let asked = retry_after.map_or(Duration::ZERO, |r| r.min(policy.max_backoff));
    with_jitter(backoff.max(asked), policy, url, now).min(policy.max_backoff)
}

fn with_jitter(delay: Duration, policy: Policy, url: &str, now: Timestamp) -> Duration {
    let spread = delay.as_secs_f64() * policy.jitter_percent as f64 / 100.0;
    delay + Duration::from_secs_f64(spread * unit_hash(url, now.as_second()))
}

/// A number in [0, 1) from the URL and a time, stable across runs (FNV-1a + a mixer).
fn unit_hash(url: &str, t: i64) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes().chain(t.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

fn add(t: Timestamp, d: Duration) -> Timestamp {
    let d = SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
    t.checked_add(d).unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-23T08:00:00Z";
    const MIN: Duration = Duration::from_secs(60);
    const HOUR: Duration = Duration::from_secs(3600);

    fn policy(jitter: u64) -> Policy {
        Policy {
            max_backoff: 24 * HOUR,
            jitter_percent: jitter,
        }
    }

    fn wait(t: Timestamp) -> Duration {
        let now: Timestamp = NOW.parse().unwrap();
        Duration::try_from(t.duration_since(now)).unwrap()
    }

    #[test]
    fn success_waits_the_interval_plus_bounded_jitter() {
        let now = NOW.parse().unwrap();
        assert_eq!(
            wait(after_success(now, 15 * MIN, None, policy(0), "u")),
            15 * MIN
        );
        for url in ["a", "b", "c", "https://x.example/feed"] {
            let w = wait(after_success(now, 15 * MIN, None, policy(10), url));
            assert!(
                w >= 15 * MIN && w <= 16 * MIN + 30 * Duration::from_secs(1),
                "{w:?}"
            );
        }
    }

    #[test]
    fn server_hints_lengthen_but_never_shorten_and_are_capped() {
        let now = NOW.parse().unwrap();
        assert_eq!(
            wait(after_success(now, 15 * MIN, Some(HOUR), policy(0), "u")),
            HOUR
        );
        assert_eq!(
            wait(after_success(now, 15 * MIN, Some(MIN), policy(0), "u")),
            15 * MIN
        );
        assert_eq!(
            wait(after_success(
                now,
                15 * MIN,
                Some(100 * HOUR),
                policy(0),
                "u"
            )),
            24 * HOUR
        );
    }

    #[test]
    fn failures_back_off_exponentially_up_to_the_cap() {
        let now = NOW.parse().unwrap();
        let waits: Vec<Duration> = (1..=9)
            .map(|n| wait(after_failure(now, 15 * MIN, n, None, policy(0), "u")))
            .collect();
        assert_eq!(waits[0], 15 * MIN);
        assert_eq!(waits[1], 30 * MIN);
        assert_eq!(waits[2], HOUR);
        assert_eq!(waits[6], 16 * HOUR);
        assert_eq!(waits[7], 24 * HOUR);
        assert_eq!(waits[8], 24 * HOUR);
        assert_eq!(
            wait(after_failure(now, 15 * MIN, 500, None, policy(10), "u")),
            24 * HOUR
        );
    }

    #[test]
    fn retry_after_is_honoured_within_the_cap() {
        let now = NOW.parse().unwrap();
        assert_eq!(
            wait(after_failure(
                now,
                15 * MIN,
                1,
                Some(2 * HOUR),
                policy(0),
                "u"
            )),
            2 * HOUR
        );
        assert_eq!(
            wait(after_failure(
                now,
                15 * MIN,
                1,
                Some(99 * HOUR),
                policy(0),
                "u"
            )),
            24 * HOUR
        );
    }
}
