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

/// A kind of reputational event (the categories of `analyze::risk`, named here because
/// `[alerts] first_risk` names them).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Recalls, fires, injuries, contamination, allergens.
    Safety,
    /// Lawsuits, investigations, convictions, fines.
    Legal,
    /// Breaches, leaks, cyberattacks, outages.
    Data,
    /// Strikes, layoffs, harassment, discrimination.
    Social,
    /// Bankruptcy, receivership, fraud, profit warnings.
    Financial,
    /// Pollution, spills, greenwashing.
    Environment,
    /// Customer service failures: unanswered complaints, refused refunds, delays.
    Service,
    /// Boycotts, controversy, outrage.
    Controversy,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Safety,
        Category::Legal,
        Category::Data,
        Category::Social,
        Category::Financial,
        Category::Environment,
        Category::Service,
        Category::Controversy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Safety => "safety",
            Category::Legal => "legal",
            Category::Data => "data",
            Category::Social => "social",
            Category::Financial => "financial",
            Category::Environment => "environment",
            Category::Service => "service",
            Category::Controversy => "controversy",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The category's name for a reader.
    pub fn label(self, french: bool) -> &'static str {
        match (self, french) {
            (Category::Safety, true) => "sécurité",
            (Category::Legal, true) => "justice",
            (Category::Data, true) => "données",
            (Category::Social, true) => "social",
            (Category::Financial, true) => "finances",
            (Category::Environment, true) => "environnement",
            (Category::Service, true) => "service client",
            (Category::Controversy, true) => "polémique",
            (Category::Safety, false) => "safety",
            (Category::Legal, false) => "legal",
            (Category::Data, false) => "data",
            (Category::Social, false) => "social",
            (Category::Financial, false) => "financial",
            (Category::Environment, false) => "environment",
            (Category::Service, false) => "customer service",
            (Category::Controversy, false) => "controversy",
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl std::str::FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::parse(&s.to_ascii_lowercase()).ok_or_else(|| {
            let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            format!("unknown risk {s:?}: expected one of {}", names.join(", "))
        })
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
    /// Fewest distinct sites carrying one story in a window for a spread alert.
    pub min_sites: u32,
    /// How many times the brand's usual spread (sites per story) a story must reach.
    pub spread_ratio: f64,
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
                min_sites: 8,
                spread_ratio: 4.0,
            },
            Sensitivity::Balanced => Thresholds {
                alpha: 2e-5,
                min_mentions: 6,
                min_ratio: 2.0,
                min_negative: 5,
                negative_margin: 0.1,
                z: 1.96,
                min_sites: 5,
                spread_ratio: 3.0,
            },
            Sensitivity::High => Thresholds {
                alpha: 2e-4,
                min_mentions: 4,
                min_ratio: 1.5,
                min_negative: 3,
                negative_margin: 0.05,
                z: 1.64,
                min_sites: 4,
                spread_ratio: 2.0,
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
