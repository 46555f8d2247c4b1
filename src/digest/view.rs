//! What the digest's templates see: the view types, and how each brand, mention, story
//! and alert of the period becomes one, formatted for the watchlist's language.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use serde::Serialize;

use super::words::{self, Words, words};
use super::{TOP_STORIES, chart};
use crate::analyze::alert::Kind;
use crate::notify::render::highlight_parts;
use crate::notify::render::site_name;
use crate::notify::{InlineImage, clean_line, safe_link, slug};
use crate::settings::digest::DigestSchedule;
use crate::settings::watchlist::Language;
use crate::store::{AlertRow, BrandFigures, DigestInput, Sample};

/// What the templates see. Every string is already formatted for the language; feed text
/// is cleaned of control characters but not escaped (the HTML template escapes it).
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub lang: &'static str,
    pub t: &'static Words,
    pub watchlist: String,
    /// The send date: `lundi 23 novembre 2026`.
    pub date: String,
    /// `du … au …` / `from … to …`, with the time zone.
    pub period: String,
    /// New mentions (found in the period), all brands, and how many were negative.
    pub total: String,
    pub total_negative: String,
    pub has_negative: bool,
    /// The words after those counts, singular or plural as the count and language want:
    /// `nouvelle mention`, `négatives`.
    pub total_words: &'static str,
    /// `mention` or `mentions` alone, for the subject.
    pub total_word: &'static str,
    pub negative_words: &'static str,
    pub brands: Vec<BrandView>,
    pub stories: Vec<StoryView>,
    pub alerts: Vec<AlertView>,
    /// Only the sources with a problem; `sources_checked` says how many there are.
    pub sources: Vec<SourceView>,
    pub sources_checked: usize,
    pub undelivered: Vec<DeadView>,
    /// `mardi 24 novembre, 08:00 (Europe/Paris)`.
    pub next: String,
    /// The loudest new mentions (engagement as their services count it).
    pub engaged: Vec<EngagedView>,
    /// Share of voice, one table per `[[group]]`.
    pub voice: Vec<VoiceView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngagedView {
    pub brand: String,
    pub mention: MentionView,
    /// `1 540 interactions · portée 850 000`.
    pub loudness: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoiceView {
    pub name: String,
    pub rows: Vec<VoiceRowView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VoiceRowView {
    pub brand: String,
    pub own: bool,
    pub mentions: String,
    /// `42 %`, and the bar's width in percent.
    pub mention_share: String,
    pub mention_width: u32,
    /// `mention` or `mentions`, `interaction` or `interactions`, as the counts want.
    pub mention_words: &'static str,
    pub engagement_words: &'static str,
    pub engagement: String,
    pub engagement_share: String,
    pub engagement_width: u32,
    /// `+12`, `−30`: points.
    pub net: String,
    pub risk: String,
}

/// A group's share of voice as the digest shows it.
pub(super) fn voice_view(
    group: &crate::settings::watchlist::Group,
    figures: &[crate::analyze::voice::Figures],
    lang: Language,
) -> VoiceView {
    let shares = crate::analyze::voice::shares(figures.to_vec(), &group.own);
    let t = words(lang);
    VoiceView {
        name: clean_line(&group.name),
        rows: shares
            .iter()
            .map(|s| VoiceRowView {
                brand: clean_line(&s.figures.brand),
                own: s.own,
                mentions: words::int(s.figures.mentions, lang),
                mention_share: words::percent(s.mentions, lang),
                mention_width: (s.mentions * 100.0).round() as u32,
                mention_words: words::plural(s.figures.mentions, t.mention, t.mentions, lang),
                engagement_words: words::plural(
                    s.figures.engagement,
                    "interaction",
                    "interactions",
                    lang,
                ),
                engagement: words::int(s.figures.engagement, lang),
                engagement_share: words::percent(s.engagement, lang),
                engagement_width: (s.engagement * 100.0).round() as u32,
                net: points(s.net_sentiment, lang),
                risk: words::int(s.figures.risk, lang),
            })
            .collect(),
    }
}

/// A difference of shares in points: `+12`, `−30`, `0`.
pub fn points(v: f64, lang: Language) -> String {
    let p = (v * 100.0).round() as i64;
    match (p.signum(), lang) {
        (0, _) => "0".into(),
        (1, _) => format!("+{p}"),
        (_, Language::Fr) => format!("−{}", p.abs()),
        (_, Language::En) => format!("-{}", p.abs()),
    }
}

/// The loudest mentions as the digest lists them.
pub(super) fn engaged_view(
    input: &DigestInput,
    zone: &jiff::tz::TimeZone,
    lang: Language,
) -> Vec<EngagedView> {
    input
        .engaged
        .iter()
        .map(|(brand, s)| EngagedView {
            brand: clean_line(brand),
            mention: mention(s, zone, lang),
            loudness: crate::notify::format::loudness(s.engagement, s.reach, lang)
                .unwrap_or_default(),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct BrandView {
    pub name: String,
    /// New mentions: found in the period (what the lists show).
    pub found: String,
    /// `nouvelle mention` or `nouvelles mentions`, as the count wants.
    pub found_words: &'static str,
    /// Shares of the new mentions: `27 %`.
    pub negative_share: String,
    pub positive_share: String,
    /// Mentions published in the period: `9`, and `publiée` or `publiées`.
    pub published: String,
    pub published_words: &'static str,
    /// The period before, published: `12`, and the change to this one: `−25 %`, `None`
    /// when the period before had none.
    pub previous: String,
    pub change: Option<String>,
    /// `9,5` or `None` without enough history.
    pub usual: Option<String>,
    pub quiet: bool,
    pub chart: Option<ChartView>,
    pub top_negative: Vec<MentionView>,
    pub top_positive: Vec<MentionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// `cid:…` in an email, a `data:` URI in a preview.
    pub src: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MentionView {
    pub title: String,
    pub link: Option<String>,
    pub site: String,
    pub when: String,
    pub score: String,
    /// `negative`, `neutral` or `positive`, for styling.
    pub tone: &'static str,
    pub tone_label: &'static str,
    /// The reputation risks it reports, in words (`risque sécurité`), empty for none.
    pub risk: String,
    /// The snippet, cut into parts; `hit` parts are matched terms.
    pub snippet: Vec<Part>,
    /// The snippet for the text part, hits between `*`.
    pub snippet_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    pub brand: String,
    pub copies: usize,
    /// The sites that carried it, first ones first.
    pub outlets: String,
    pub mention: MentionView,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    pub brand: String,
    pub kind: &'static str,
    /// `ouverte lun. 23 nov., 10:00 ; close …`.
    pub events: String,
    pub open: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Its name in the watchlist, else its address.
    pub label: String,
    /// Its address, when the label is a name.
    pub url: Option<String>,
    pub problem: &'static str,
    pub reason: String,
    pub since: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadView {
    pub subject: String,
    pub recipient: String,
    pub error: String,
    pub when: String,
}

/// One brand's part of the digest, and its chart.
pub(super) fn brand_view(
    b: &BrandFigures,
    input: &DigestInput,
    i: usize,
    name: &str,
    schedule: &DigestSchedule,
    lang: Language,
    (start, end): (Timestamp, Timestamp),
) -> (BrandView, Option<InlineImage>) {
    let t = words(lang);
    let zone = &schedule.zone;
    let len = end.duration_since(start).as_secs_f64().max(1.0);
    let share = |n: u64| words::percent(n as f64 / b.found.max(1) as f64, lang);
    let change = (b.previous > 0).then(|| words::change(b.count as f64 / b.previous as f64, lang));
    // The usual count for a period this long, from up to 28 days before it: as far back as
    // the sources were watched, or as their first items went (a new feed brings its recent
    // past with it).
    let history = [input.watched_since, b.earliest]
        .into_iter()
        .flatten()
        .min()
        .map(|s| {
            start
                .duration_since(s)
                .as_secs_f64()
                .clamp(0.0, 28.0 * 86_400.0)
        })
        .unwrap_or(0.0);
    let usual =
        (history >= len).then(|| words::amount(b.last_28_days as f64 * len / history, lang));
    let titles = match lang {
        Language::Fr => ("7 derniers jours, par heure", "30 derniers jours, par jour"),
        Language::En => ("Last 7 days, per hour", "Last 30 days, per day"),
    };
    let image = (!b.points.is_empty())
        .then(|| {
            chart::render(
                &chart::hourly(&b.points, end, zone, lang),
                &chart::daily(&b.points, end, zone, lang),
                titles,
            )
            .inspect_err(
                |e| tracing::warn!(brand = %b.brand, error = %e, "cannot draw the digest chart"),
            )
            .ok()
        })
        .flatten()
        .map(|png| InlineImage {
            content_id: format!("chart{i}.{}.{}@vigie", slug(name), end.as_second()),
            png,
        });
    let chart = image.as_ref().map(|img| ChartView {
        src: format!("cid:{}", img.content_id),
        alt: format!("{}{} {}", t.chart_alt, t.colon, clean_line(&b.brand)),
        width: chart::WIDTH,
        height: chart::HEIGHT,
    });
    let mentions = |list: &[Sample]| -> Vec<MentionView> {
        list.iter().map(|s| mention(s, zone, lang)).collect()
    };
    let view = BrandView {
        name: clean_line(&b.brand),
        found: words::int(b.found, lang),
        found_words: words::plural(b.found, t.new_one, t.new, lang),
        negative_share: share(b.found_negative),
        positive_share: share(b.found_positive),
        published: words::int(b.count, lang),
        published_words: words::plural(b.count, t.published_one, t.published, lang),
        previous: words::int(b.previous, lang),
        change,
        usual,
        quiet: b.found == 0,
        chart,
        top_negative: mentions(&b.top_negative),
        top_positive: mentions(&b.top_positive),
    };
    (view, image)
}

/// What happened to an alert in the period.
pub fn alert_view(
    a: &AlertRow,
    (start, end): (Timestamp, Timestamp),
    zone: &jiff::tz::TimeZone,
    lang: Language,
) -> AlertView {
    let fr = lang == Language::Fr;
    let mut events = Vec::new();
    for (what, at) in [
        (if fr { "ouverte" } else { "opened" }, Some(a.opened_at)),
        (if fr { "amplifiée" } else { "escalated" }, a.escalated_at),
        (if fr { "close" } else { "closed" }, a.closed_at),
    ] {
        if let Some(at) = at.filter(|at| start <= *at && *at < end) {
            events.push(format!("{what} {}", words::short_time(at, zone, lang)));
        }
    }
    if !a.categories.is_empty() {
        let c: Vec<&str> = a.categories.iter().map(|c| c.label(fr)).collect();
        events.insert(0, c.join(", "));
    }
    if let Some(at) = a.acknowledged_at {
        let mut ack = format!(
            "{} {}",
            if fr { "pris en charge" } else { "acknowledged" },
            words::short_time(at, zone, lang)
        );
        if let Some(n) = &a.ack_note {
            let _ = std::fmt::Write::write_fmt(&mut ack, format_args!(" ({})", clean_line(n)));
        }
        events.push(ack);
    }
    if a.closed_at.is_none() {
        events.push(
            if fr {
                "toujours en cours"
            } else {
                "still open"
            }
            .to_string(),
        );
    }
    AlertView {
        brand: clean_line(&a.brand),
        kind: match (a.kind, lang) {
            (Kind::Volume, Language::Fr) => "pic de mentions",
            (Kind::Volume, Language::En) => "mention spike",
            (Kind::Negativity, Language::Fr) => "hausse des mentions négatives",
            (Kind::Negativity, Language::En) => "rise in negative mentions",
            (Kind::Spread, Language::Fr) => "article qui se propage",
            (Kind::Spread, Language::En) => "story spreading",
            (Kind::Risk, Language::Fr) => "risque signalé",
            (Kind::Risk, Language::En) => "risk reported",
        },
        events: events.join(if fr { "\u{202f}; " } else { "; " }),
        open: a.closed_at.is_none(),
    }
}

fn mention(s: &Sample, zone: &jiff::tz::TimeZone, lang: Language) -> MentionView {
    let score = s.sentiment.unwrap_or(0.0);
    let band = f64::from(crate::analyze::sentiment::NEUTRAL_BAND);
    let (tone, tone_label) = match (score, lang) {
        (s, Language::Fr) if s <= -band => ("negative", "négative"),
        (s, Language::En) if s <= -band => ("negative", "negative"),
        (s, Language::Fr) if s >= band => ("positive", "positive"),
        (s, Language::En) if s >= band => ("positive", "positive"),
        (_, Language::Fr) => ("neutral", "neutre"),
        (_, Language::En) => ("neutral", "neutral"),
    };
    let parts = highlight_parts(&s.snippet, &s.matched_terms);
    let snippet_text = parts
        .iter()
        .map(|(text, hit)| {
            if *hit {
                format!("*{text}*")
            } else {
                text.clone()
            }
        })
        .collect();
    MentionView {
        title: crate::notify::format::cap(
            &clean_line(&s.title),
            crate::notify::format::TITLE_CHARS,
        ),
        link: safe_link(s.url.as_deref()),
        site: site_name(s),
        when: words::short_time(s.published_at, zone, lang),
        score: words::score(score, lang),
        risk: if s.risk.is_empty() {
            String::new()
        } else {
            let c: Vec<&str> = s
                .risk
                .iter()
                .map(|c| c.label(lang == Language::Fr))
                .collect();
            format!(
                "{} {}",
                if lang == Language::Fr {
                    "risque"
                } else {
                    "risk"
                },
                c.join(", ")
            )
        },
        tone,
        tone_label,
        snippet: parts
            .into_iter()
            .map(|(text, hit)| Part { text, hit })
            .collect(),
        snippet_text,
    }
}

/// The stories carried by several sites (see [`crate::analyze::story`]), most carried first.
pub(super) fn stories(
    input: &DigestInput,
    zone: &jiff::tz::TimeZone,
    lang: Language,
) -> Vec<StoryView> {
    let mut groups: HashMap<i64, Vec<&crate::store::Found>> = HashMap::new();
    for f in &input.found {
        groups.entry(f.story).or_default().push(f);
    }
    let mut stories: Vec<(usize, Timestamp, StoryView)> = groups
        .into_values()
        .filter_map(|mut copies| {
            copies.sort_by_key(|f| f.sample.published_at);
            let mut sites: Vec<String> = Vec::new();
            for f in &copies {
                let s = site_name(&f.sample);
                if !sites.contains(&s) {
                    sites.push(s);
                }
            }
            if sites.len() < 2 {
                return None;
            }
            let first = copies[0];
            let brands: BTreeSet<&str> = copies.iter().map(|f| f.brand.as_str()).collect();
            let shown: Vec<&str> = sites.iter().take(5).map(String::as_str).collect();
            let more = sites.len().saturating_sub(shown.len());
            let mut outlets = shown.join(", ");
            if more > 0 {
                outlets.push_str(&format!(" (+{more})"));
            }
            Some((
                sites.len(),
                first.sample.published_at,
                StoryView {
                    brand: clean_line(&brands.into_iter().collect::<Vec<_>>().join(", ")),
                    copies: sites.len(),
                    outlets,
                    mention: mention(&first.sample, zone, lang),
                },
            ))
        })
        .collect();
    stories.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    stories.into_iter().take(TOP_STORIES).map(|s| s.2).collect()
}
