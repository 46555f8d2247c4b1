//! Share of voice: how much of a group's conversation is about each brand, and in what
//! tone. Pure: the figures of each brand over a period in, the shares out.

use serde::Serialize;

/// One brand's figures over a period: its mentions (irrelevant ones left out; every copy
/// counts, a story spreading is voice), their interactions, how many were positive,
/// negative, or reported a reputation risk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub brand: String,
    pub mentions: u64,
    pub engagement: u64,
    pub positive: u64,
    pub negative: u64,
    pub risk: u64,
}

/// A brand's place in its group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub figures: Figures,
    /// One of the team's own brands.
    pub own: bool,
    /// Its part of the group's mentions and of their interactions, in [0, 1]; 0 when the
    /// group had none.
    pub mentions: f64,
    pub engagement: f64,
    /// Positive share minus negative share of its own mentions, in [-1, 1]; 0 without
    /// mentions.
    pub net_sentiment: f64,
}

/// The shares of the brands of `figures` (in their order); `own` tells the team's brands.
pub fn shares(figures: Vec<Figures>, own: &[String]) -> Vec<Share> {
    let total: u64 = figures.iter().map(|f| f.mentions).sum();
    let engaged: u64 = figures.iter().map(|f| f.engagement).sum();
    let part = |n: u64, of: u64| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    figures
        .into_iter()
        .map(|f| Share {
            own: own.contains(&f.brand),
            mentions: part(f.mentions, total),
            engagement: part(f.engagement, engaged),
            net_sentiment: part(f.positive, f.mentions) - part(f.negative, f.mentions),
            figures: f,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(brand: &str, mentions: u64, engagement: u64, positive: u64, negative: u64) -> Figures {
        Figures {
            brand: brand.into(),
            mentions,
            engagement,
            positive,
            negative,
            risk: 0,
        }
    }

    #[test]
    fn shares_add_up_and_net_sentiment_is_positive_minus_negative() {
        let s = shares(
            vec![
                f("Acme", 50, 300, 10, 20),
                f("Globex", 30, 100, 15, 3),
                f("Initech", 20, 0, 0, 0),
            ],
            &["Acme".into()],
        );
        assert_eq!(
            s.iter().map(|s| s.mentions).collect::<Vec<_>>(),
            [0.5, 0.3, 0.2]
        );
        assert_eq!(
            s.iter().map(|s| s.engagement).collect::<Vec<_>>(),
            [0.75, 0.25, 0.0]
        );
        assert!((s[0].net_sentiment - -0.2).abs() < 1e-9);
        assert!((s[1].net_sentiment - 0.4).abs() < 1e-9);
        assert_eq!(s[2].net_sentiment, 0.0);
        assert!(s[0].own && !s[1].own);
        let quiet = shares(vec![f("A", 0, 0, 0, 0), f("B", 0, 0, 0, 0)], &[]);
        assert!(
            quiet
                .iter()
                .all(|s| s.mentions == 0.0 && s.engagement == 0.0)
        );
    }
}
