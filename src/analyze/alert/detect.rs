//! Spike detection: pure functions of a brand's mentions and `now`.
//!
//! Mentions are counted by **published** time, so items fetched late (a poller catching up
//! after downtime) land in the hours they belong to and make no spike.
//!
//! - **Volume**: the count in the last window (1 h, 6 h, 24 h) against what the previous 14
//!   days lead to expect for those very hours: the brand's mean hourly rate, times an
//!   hour-of-day factor and a weekday factor, each shrunk towards 1 when history is thin. A
//!   spike needs the Poisson tail probability of the count to fall below the sensitivity's
//!   `alpha`, a minimum count, and a minimum ratio to the expectation, so that a sparse brand
//!   does not fire on its first mention.
//! - **Negativity**: the share of negative mentions in the window, judged by its Wilson lower
//!   bound against the brand's usual share plus a margin, with a minimum number of negative
//!   mentions, and as unlikely under the usual share (binomial tail) as a volume spike.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::analyze::risk::{Category, Risk};
pub use crate::settings::alerts::{HISTORY, Sensitivity, Thresholds, WINDOWS};

/// One mention, as detection sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub published: Timestamp,
    /// Negative in tone, or reporting a risk ([`crate::analyze::risk::counts_negative`]).
    pub negative: bool,
    /// The reputation risk it reports.
    pub risk: Risk,
}

/// What kind of spike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Volume,
    Negativity,
    /// One story carried by far more sites than usual ([`super::spread`]).
    Spread,
    /// A first mention of a severe risk category (`[alerts] first_risk`).
    Risk,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Volume => "volume",
            Kind::Negativity => "negativity",
            Kind::Spread => "spread",
            Kind::Risk => "risk",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "volume" => Some(Kind::Volume),
            "negativity" => Some(Kind::Negativity),
            "spread" => Some(Kind::Spread),
            "risk" => Some(Kind::Risk),
            _ => None,
        }
    }
}

/// What one window looks like against its baseline.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Reading {
    pub kind: Kind,
    /// Serialized as seconds.
    #[serde(serialize_with = "as_secs")]
    pub window: Duration,
    /// Mentions in the window (volume) or negative mentions in it (negativity).
    pub observed: u32,
    /// Mentions in the window, for negativity.
    pub total: u32,
    /// Expected mentions (volume) or the usual negative share (negativity).
    pub baseline: f64,
    /// The Poisson tail probability (volume) or the Wilson lower bound of the negative share
    /// (negativity).
    pub statistic: f64,
    /// What the statistic had to pass: `alpha` (volume, below) or usual share + margin
    /// (negativity, above).
    pub threshold: f64,
    /// Whether this window is a spike.
    pub spike: bool,
    /// Whether this window is back to normal, which takes more than not being a spike (so an
    /// alert does not close and reopen on every fluctuation): volume below the spike ratio,
    /// or a tail probability above 1 %; a negative share at most the usual one plus half
    /// the margin.
    pub calm: bool,
    /// For a risk reading, the categories of the window's risk mentions that the watchlist
    /// alerts on.
    #[serde(skip)]
    pub risk: Risk,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// Reads every window for both kinds. `points` may hold anything; only the last
/// `HISTORY` + 24 h before `now` count, and nothing after `now`.
pub fn readings(points: &[Point], now: Timestamp, t: &Thresholds) -> Vec<Reading> {
    readings_weighted(points, points, now, t)
}

/// How much a mention counts for volume when a watchlist weighs mentions by engagement
/// (`[alerts] weight = "engagement"`): one, and one more for each power of ten of its
/// interactions (9 → 2, 99 → 3, 999 → 4...), at most 6. A logarithm, so that one viral
/// post counts like a handful of mentions, not like thousands.
pub fn engagement_weight(engagement: Option<u64>) -> u32 {
    let e = engagement.unwrap_or(0).saturating_add(1);
    (1 + e.ilog10()).min(6)
}

/// `points` with each repeated as many times as its weight: what volume detection counts
/// when mentions are weighted (`weights` in the same order; a missing weight is 1).
pub fn weighted(points: &[Point], weights: &[u32]) -> Vec<Point> {
    points
        .iter()
        .enumerate()
        .flat_map(|(i, p)| std::iter::repeat_n(*p, weights.get(i).copied().unwrap_or(1) as usize))
        .collect()
}

/// [`readings`] with volume read from `volume` (the points weighted by engagement, say)
/// and negativity from `points`, one per mention: a share of tone is a share of
/// mentions, however loud.
pub fn readings_weighted(
    points: &[Point],
    volume: &[Point],
    now: Timestamp,
    t: &Thresholds,
) -> Vec<Reading> {
    let baseline = Baseline::new(points, now);
    // Unweighed (the usual case), volume reads the same points: one baseline serves both.
    let same = std::ptr::eq(points, volume);
    let weighed_baseline = (!same).then(|| Baseline::new(volume, now));
    let volume_baseline = weighed_baseline.as_ref().unwrap_or(&baseline);
    let mut out = Vec::new();
    for window in WINDOWS {
        let from = now - window;
        let in_window = |p: &&Point| p.published > from && p.published <= now;
        let (total, negative) = points
            .iter()
            .filter(in_window)
            .fold((0u32, 0u32), |(n, k), p| (n + 1, k + u32::from(p.negative)));
        let counted = if same {
            total
        } else {
            volume.iter().filter(in_window).count() as u32
        };

        let expected = volume_baseline.expected(from, now);
        let p = poisson_tail(counted, expected);
        // Weighed, the floor is on the weight (a loud post counts like several), and two
        // mentions at least: one post alone is no rise in volume.
        let spike = counted >= t.min_mentions
            && total >= t.min_mentions.min(2)
            && f64::from(counted) >= t.min_ratio * expected
            && p < t.alpha;
        let calm = f64::from(counted) < t.min_ratio * expected || p >= 0.01;
        out.push(Reading {
            kind: Kind::Volume,
            window,
            observed: counted,
            total,
            baseline: expected,
            statistic: p,
            threshold: t.alpha,
            spike,
            calm,
            risk: Risk::none(),
        });

        let usual = baseline.negative_share();
        let lower = wilson_lower(negative, total, t.z);
        let threshold = (usual + t.negative_margin).min(0.95);
        // The bound says the share is high; the tail probability that the usual share gives
        // so many negative mentions keeps chance from firing several times a month.
        let unlikely = binomial_tail(negative, total, usual) < t.alpha;
        out.push(Reading {
            kind: Kind::Negativity,
            window,
            observed: negative,
            total,
            baseline: usual,
            statistic: lower,
            threshold,
            spike: negative >= t.min_negative && lower > threshold && unlikely,
            calm: total == 0
                || f64::from(negative) / f64::from(total) <= usual + t.negative_margin / 2.0,
            risk: Risk::none(),
        });
    }
    out
}

/// The window a first-risk alert reads: a risk mention published in the last day opens it,
/// and it closes after a day without one.
pub const RISK_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The first-risk reading: the mentions published in the last [`RISK_WINDOW`] that report
/// one of the `watched` categories. `observed` counts them, `statistic` is their gravest
/// severity, `risk` their categories (of the watched ones).
pub fn risk_reading(points: &[Point], now: Timestamp, watched: &[Category]) -> Reading {
    let from = now - RISK_WINDOW;
    let (mut total, mut observed) = (0u32, 0u32);
    let mut risk = Risk::none();
    let mut severity = 0u8;
    for p in points
        .iter()
        .filter(|p| p.published > from && p.published <= now)
    {
        total += 1;
        let of_watched: Vec<Category> = p
            .risk
            .categories()
            .into_iter()
            .filter(|c| watched.contains(c))
            .collect();
        if !of_watched.is_empty() {
            observed += 1;
            severity = severity.max(p.risk.severity);
            for c in of_watched {
                risk = risk.with(c, p.risk.severity);
            }
        }
    }
    Reading {
        kind: Kind::Risk,
        window: RISK_WINDOW,
        observed,
        total,
        baseline: 0.0,
        statistic: f64::from(severity),
        threshold: 1.0,
        spike: observed > 0,
        calm: observed == 0,
        risk,
    }
}

/// The expected hourly rate, by hour of day and weekday, from the 14 days before the
/// longest window.
struct Baseline {
    /// Mean mentions per hour over the history.
    rate: f64,
    hour_factor: [f64; 24],
    weekday_factor: [f64; 7],
    negative: u32,
    total: u32,
}

/// Pseudo-count of the shrinkage of the seasonal factors towards 1: with fewer mentions
/// than this in an hour-of-day slot, the slot's own count matters less than the mean.
const SHRINK: f64 = 10.0;

impl Baseline {
    fn new(points: &[Point], now: Timestamp) -> Self {
        let end = now - WINDOWS[WINDOWS.len() - 1];
        let start = end - HISTORY;
        let mut by_hour = [0u32; 24];
        let mut by_weekday = [0u32; 7];
        let (mut total, mut negative) = (0u32, 0u32);
        for p in points
            .iter()
            .filter(|p| p.published > start && p.published <= end)
        {
            let (h, d) = hour_and_weekday(p.published);
            by_hour[h] += 1;
            by_weekday[d] += 1;
            total += 1;
            negative += u32::from(p.negative);
        }
        let hours = HISTORY.as_secs_f64() / 3600.0;
        // Half a mention of prior: a brand never seen has a small rate, not zero.
        let rate = (f64::from(total) + 0.5) / hours;
        let days = hours / 24.0;
        let mut hour_factor = [1.0; 24];
        for (f, &c) in hour_factor.iter_mut().zip(&by_hour) {
            let expected = rate * days;
            *f = (f64::from(c) + SHRINK) / (expected + SHRINK);
        }
        let mut weekday_factor = [1.0; 7];
        for (f, &c) in weekday_factor.iter_mut().zip(&by_weekday) {
            let expected = rate * hours / 7.0;
            *f = (f64::from(c) + SHRINK) / (expected + SHRINK);
        }
        Baseline {
            rate,
            hour_factor,
            weekday_factor,
            negative,
            total,
        }
    }

    /// Expected mentions published in `(from, to]`.
    fn expected(&self, from: Timestamp, to: Timestamp) -> f64 {
        let mut sum = 0.0;
        let mut t = from;
        while t < to {
            let next_hour = Timestamp::from_second((t.as_second() / 3600 + 1) * 3600)
                .unwrap_or(to)
                .min(to);
            let fraction = (next_hour.as_second() - t.as_second()) as f64 / 3600.0;
            let (h, d) = hour_and_weekday(t);
            sum += self.rate * self.hour_factor[h] * self.weekday_factor[d] * fraction;
            t = next_hour;
        }
        sum
    }

    /// The usual share of negative mentions, with a prior of half a negative mention in two,
    /// so that a brand without history is taken as one in four negative.
    fn negative_share(&self) -> f64 {
        (f64::from(self.negative) + 0.5) / (f64::from(self.total) + 2.0)
    }
}

/// Hour of day (0–23) and weekday (0 = Monday) in UTC. Mentions are counted in UTC hours;
/// the factors are the brand's own, so the zone only shifts which slot is which.
fn hour_and_weekday(t: Timestamp) -> (usize, usize) {
    let dt = t.to_zoned(TimeZone::UTC).datetime();
    (
        dt.hour() as usize,
        dt.weekday().to_monday_zero_offset() as usize,
    )
}

/// P(X ≥ k) for X ~ Poisson(lambda).
pub fn poisson_tail(k: u32, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    // Sum the terms from k upwards, in log space for the first one.
    let k = f64::from(k);
    let mut term = (-lambda + k * lambda.ln() - ln_factorial(k)).exp();
    let mut sum = 0.0;
    let mut i = k;
    while term > sum * 1e-15 || i < lambda {
        sum += term;
        i += 1.0;
        term *= lambda / i;
        if term == 0.0 && i > lambda {
            break;
        }
    }
    sum.min(1.0)
}

/// P(X ≥ k) for X ~ Binomial(n, q).
pub fn binomial_tail(k: u32, n: u32, q: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || q <= 0.0 {
        return 0.0;
    }
    if q >= 1.0 {
        return 1.0;
    }
    let nf = f64::from(n);
    let ln_choose = |i: f64| ln_factorial(nf) - ln_factorial(i) - ln_factorial(nf - i);
    (k..=n)
        .map(|i| {
            let i = f64::from(i);
            (ln_choose(i) + i * q.ln() + (nf - i) * (1.0 - q).ln()).exp()
        })
        .sum::<f64>()
        .min(1.0)
}

/// ln(n!) (Stirling's series above 20, exact below).
fn ln_factorial(n: f64) -> f64 {
    if n < 20.0 {
        return (2..=n as u64).map(|i| (i as f64).ln()).sum();
    }
    n * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI * n).ln() + 1.0 / (12.0 * n)
        - 1.0 / (360.0 * n.powi(3))
}

/// The Wilson score interval's lower bound for `k` successes out of `n`.
pub fn wilson_lower(k: u32, n: u32, z: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    let p = f64::from(k) / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let margin = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - margin) / (1.0 + z2 / n)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_matches_known_values() {
        // P(X >= 6 | 2) = 0.016563, P(X >= 10 | 2) = 4.6498e-5, P(X >= 1 | 0.1) = 0.09516.
        assert!((poisson_tail(6, 2.0) - 0.016563).abs() < 1e-5);
        assert!((poisson_tail(10, 2.0) - 4.6498e-5).abs() < 1e-8);
        assert!((poisson_tail(1, 0.1) - 0.0951626).abs() < 1e-6);
        assert_eq!(poisson_tail(0, 3.0), 1.0);
        // Large counts: 150 against 50 is all but impossible, 50 against 50 is a coin toss.
        assert!(poisson_tail(150, 50.0) < 1e-20);
        assert!((poisson_tail(50, 50.0) - 0.518808).abs() < 1e-5);
    }

    #[test]
    fn wilson_lower_bound_is_below_the_share_and_tightens_with_n() {
        assert_eq!(wilson_lower(0, 0, 1.96), 0.0);
        let small = wilson_lower(5, 10, 1.96);
        let large = wilson_lower(500, 1000, 1.96);
        assert!(small < large && large < 0.5);
        assert!((small - 0.2366).abs() < 1e-3, "{small}");
    }

    #[test]
    fn binomial_tail_matches_known_values() {
        // P(X >= 5 | n = 12, q = 0.1) = 0.0043293; P(X >= 1 | 10, 0.5) = 1 - 1/1024.
        assert!((binomial_tail(5, 12, 0.1) - 0.0043293).abs() < 1e-6);
        assert!((binomial_tail(1, 10, 0.5) - (1.0 - 1.0 / 1024.0)).abs() < 1e-12);
        assert_eq!(binomial_tail(0, 10, 0.2), 1.0);
        assert_eq!(binomial_tail(11, 10, 0.2), 0.0);
    }
}
