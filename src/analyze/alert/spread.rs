//! Spread: a story carried by many more sites than the brand's stories usually reach.
//!
//! Copies of one story (the same article syndicated, lightly edited, picked up) are one
//! story for volume detection, so a story spreading across 30 sites in an hour raises no
//! volume spike. This reads the other side: per story, the distinct **sites** (registrable
//! domains: `www.lemonde.fr` and `abonnes.lemonde.fr` are one site) whose copies were
//! published in the last 1 h and 6 h, against how far the brand's stories of the previous
//! 14 days spread (the 90th percentile of their site counts). A story spreads when its
//! sites reach `max(min_sites, spread_ratio × usual)`.
//!
//! Copies count by **published** time, like every mention: a catch-up of old copies
//! (published days ago, fetched now) spreads nothing.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use jiff::Timestamp;

use super::detect::{Kind, Reading, Thresholds};
use crate::analyze::risk::Risk;

/// The windows a story's pickup is read over.
pub const SPREAD_WINDOWS: [Duration; 2] =
    [Duration::from_secs(3600), Duration::from_secs(6 * 3600)];

/// Below this many sites in 6 hours, no story is looked at closer (and the brand's history
/// is not read): under every sensitivity's `min_sites`.
pub const SPREAD_FLOOR: usize = 3;

/// One copy of a story (the story's first mention included), as spread detection sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Copy {
    /// The story: the id of its first mention.
    pub story: i64,
    pub site: String,
    pub published: Timestamp,
}

/// The usual spread of a brand's stories: the 90th percentile of the site counts of
/// `stories` (one count per story), 1 without history.
pub fn usual_spread(mut stories: Vec<u32>) -> f64 {
    if stories.is_empty() {
        return 1.0;
    }
    stories.sort_unstable();
    let i = ((stories.len() as f64) * 0.9).ceil() as usize;
    f64::from(stories[i.clamp(1, stories.len()) - 1].max(1))
}

/// Distinct sites per story among `copies`.
pub fn sites_per_story(copies: &[Copy]) -> HashMap<i64, HashSet<&str>> {
    let mut by: HashMap<i64, HashSet<&str>> = HashMap::new();
    for c in copies {
        by.entry(c.story).or_default().insert(c.site.as_str());
    }
    by
}

/// Whether any story of `copies` (the last 6 hours) reached [`SPREAD_FLOOR`] sites: only
/// then is the brand's history worth reading.
pub fn worth_a_look(copies: &[Copy]) -> bool {
    sites_per_story(copies)
        .values()
        .any(|s| s.len() >= SPREAD_FLOOR)
}

/// The readings of the story that spread furthest in each window, and that story's id.
/// `copies` are the brand's copies of the last 6 hours (more do no harm), `usual` what
/// [`usual_spread`] gave.
pub fn readings(
    copies: &[Copy],
    usual: f64,
    now: Timestamp,
    t: &Thresholds,
) -> (Vec<Reading>, Option<i64>) {
    let threshold = f64::from(t.min_sites).max((t.spread_ratio * usual).ceil());
    let mut out = Vec::new();
    let mut top_story = None;
    for window in SPREAD_WINDOWS {
        let from = now - window;
        let within: Vec<Copy> = copies
            .iter()
            .filter(|c| c.published > from && c.published <= now)
            .cloned()
            .collect();
        let by = sites_per_story(&within);
        // The widest story; the lowest id (the oldest) on a tie, so the choice is stable.
        let best = by
            .iter()
            .map(|(story, sites)| (sites.len(), std::cmp::Reverse(*story)))
            .max();
        let (sites, story) = match best {
            Some((n, std::cmp::Reverse(s))) => (n as u32, Some(s)),
            None => (0, None),
        };
        let copies_of = story.map_or(0, |s| within.iter().filter(|c| c.story == s).count());
        let spike = f64::from(sites) >= threshold;
        if top_story.is_none() || spike {
            top_story = story.or(top_story);
        }
        out.push(Reading {
            kind: Kind::Spread,
            window,
            observed: sites,
            total: copies_of as u32,
            baseline: usual,
            statistic: f64::from(sites) / usual.max(1.0),
            threshold,
            spike,
            calm: f64::from(sites) < threshold / 2.0,
            risk: Risk::none(),
        });
    }
    (out, top_story)
}

/// Second-level labels under which a registrable domain takes three labels
/// (`bbc.co.uk`, `service-public.gouv.fr`).
const SECOND_LEVEL: &[&str] = &[
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "me.uk",
    "ltd.uk",
    "plc.uk",
    "com.au",
    "net.au",
    "org.au",
    "co.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "com.br",
    "com.mx",
    "co.za",
    "com.tr",
    "com.ar",
    "com.cn",
    "com.hk",
    "co.in",
    "co.kr",
    "com.sg",
    "gouv.fr",
    "asso.fr",
    "gouv.qc.ca",
    "qc.ca",
    "com.es",
    "co.il",
    "com.pl",
    "co.at",
    "com.be",
    "blogspot.com",
    "github.io",
    "substack.com",
    "medium.com",
    "wordpress.com",
    "over-blog.com",
    "canalblog.com",
];

/// The site of a URL: its registrable domain (`news.example.co.uk` → `example.co.uk`), the
/// host itself for an IP address or a single label; `None` without a host.
pub fn site(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host()?;
    let name = match host {
        url::Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
        url::Host::Ipv4(ip) => return Some(ip.to_string()),
        url::Host::Ipv6(ip) => return Some(ip.to_string()),
    };
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() <= 2 {
        return Some(name);
    }
    let keep = SECOND_LEVEL
        .iter()
        .filter(|s| name.ends_with(&format!(".{s}")))
        .map(|s| s.split('.').count() + 1)
        .max()
        .unwrap_or(2);
    Some(labels[labels.len().saturating_sub(keep)..].join("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::alerts::Sensitivity;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn sites_are_registrable_domains() {
        assert_eq!(
            site("https://www.lemonde.fr/a").as_deref(),
            Some("lemonde.fr")
        );
        assert_eq!(
            site("https://abonnes.lemonde.fr/b").as_deref(),
            Some("lemonde.fr")
        );
        assert_eq!(
            site("http://news.bbc.co.uk/x").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            site("http://127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            site("https://someone.github.io/p").as_deref(),
            Some("someone.github.io")
        );
        assert_eq!(site("not a url"), None);
    }

    #[test]
    fn usual_spread_is_a_high_percentile_of_past_stories() {
        assert_eq!(usual_spread(vec![]), 1.0);
        assert_eq!(usual_spread(vec![1; 20]), 1.0);
        // Nine in ten stories reach at most 2 sites.
        let mut v = vec![1; 17];
        v.extend([2, 3, 9]);
        assert_eq!(usual_spread(v), 2.0);
    }

    #[test]
    fn a_story_on_many_sites_in_the_hour_spreads_an_old_one_does_not() {
        let t = Thresholds::of(Sensitivity::Balanced);
        let now = at(1_000_000);
        let fresh: Vec<Copy> = (0..8)
            .map(|i| Copy {
                story: 7,
                site: format!("site{i}.example"),
                published: at(1_000_000 - 60 * i),
            })
            .collect();
        let (r, story) = readings(&fresh, 1.0, now, &t);
        assert!(r[0].spike && r[0].observed == 8, "{r:?}");
        assert_eq!(story, Some(7));
        // The same copies, published two days ago.
        let old: Vec<Copy> = fresh
            .iter()
            .map(|c| Copy {
                published: c.published - Duration::from_secs(48 * 3600),
                ..c.clone()
            })
            .collect();
        let (r, _) = readings(&old, 1.0, now, &t);
        assert!(r.iter().all(|r| !r.spike && r.observed == 0));
        // A brand whose stories usually reach 4 sites needs far more.
        let (r, _) = readings(&fresh, 4.0, now, &t);
        assert!(r.iter().all(|r| !r.spike), "{r:?}");
    }
}
