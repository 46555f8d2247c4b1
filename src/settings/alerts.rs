//! The `[alerts]` settings of a watchlist: how readily alerts fire ([`Sensitivity`] and the
//! [`Thresholds`] it stands for), and the fixed spans detection looks at, which the
//! retention settings are checked against. Detection itself is in `analyze::alert`.

use std::time::Duration;

/// How readily alerts fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    Low,
    Balanced,
    High,
}

impl Sensitivity {
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Low => "low",
            Sensitivity::Balanced => "balanced",
            Sensitivity::High => "high",
        }
    }
}

/// The thresholds a sensitivity stands for; each can be overridden per watchlist.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Largest tail probability that is a spike: of the window's count under the
    /// expectation (volume), of its negative mentions under the usual share (negativity).
    /// Small, because detection runs after every poll, on overlapping windows: at
    /// `balanced`, a steady brand sees about one false alert in several months.
    pub alpha: f64,
    /// Fewest mentions in the window for a volume spike.
    pub min_mentions: u32,
    /// Smallest ratio of observed to expected for a volume spike.
    pub min_ratio: f64,
    /// Fewest negative mentions in the window for a negativity spike.
    pub min_negative: u32,
    /// How far above the brand's usual negative share the share's lower bound must be.
    pub negative_margin: f64,
    /// z of the Wilson lower bound of the negative share.
    pub z: f64,
}

impl Thresholds {
    pub fn of(s: Sensitivity) -> Thresholds {
        match s {
            Sensitivity::Low => Thresholds {
                alpha: 1e-7,
                min_mentions: 10,
                min_ratio: 3.0,
                min_negative: 8,
                negative_margin: 0.2,
                z: 2.58,
            },
            Sensitivity::Balanced => Thresholds {
                alpha: 2e-5,
                min_mentions: 6,
                min_ratio: 2.0,
                min_negative: 5,
                negative_margin: 0.1,
                z: 1.96,
            },
            Sensitivity::High => Thresholds {
                alpha: 2e-4,
                min_mentions: 4,
                min_ratio: 1.5,
                min_negative: 3,
                negative_margin: 0.05,
                z: 1.64,
            },
        }
    }
}

/// The windows looked at, shortest first.
pub const WINDOWS: [Duration; 3] = [
    Duration::from_secs(3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(24 * 3600),
];

/// How much history the baseline is drawn from.
pub const HISTORY: Duration = Duration::from_secs(14 * 24 * 3600);

/// How long detection looks back: the baseline's history and the longest window. Stored
/// mentions are kept at least this long.
pub const DETECTION_SPAN: Duration = Duration::from_secs(15 * 24 * 3600);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detection_span_covers_the_history_and_the_longest_window() {
        assert_eq!(DETECTION_SPAN, HISTORY + WINDOWS[WINDOWS.len() - 1]);
    }
}
