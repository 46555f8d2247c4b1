//! What the pages show, prepared in Rust (numbers, dates and plurals in the reader's
//! language, highlighted snippets, the overview's chart), and the templates that lay it
//! out, auto-escaped.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::analyze::sentiment::Label;
use crate::notify::{clean_line, format as fmt};
use crate::settings::watchlist::Language;
use crate::store::{MentionRow, MentionState};

/// The templates, built in.
pub fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, text) in [
        ("base.html", include_str!("templates/base.html")),
        ("login.html", include_str!("templates/login.html")),
        ("overview.html", include_str!("templates/overview.html")),
        ("inbox.html", include_str!("templates/inbox.html")),
        ("mention.html", include_str!("templates/mention.html")),
        ("alerts.html", include_str!("templates/alerts.html")),
        ("alert.html", include_str!("templates/alert.html")),
        ("sources.html", include_str!("templates/sources.html")),
        ("digests.html", include_str!("templates/digests.html")),
        ("voice.html", include_str!("templates/voice.html")),
        ("message.html", include_str!("templates/message.html")),
    ] {
        env.add_template(name, text)
            .expect("the built-in templates are valid");
    }
    env
}

/// Text with the parts to highlight: `[(text, hit)]`.
pub type Parts = Vec<(String, bool)>;

/// A mention as a line of the inbox or the head of its page.
#[derive(Debug, Serialize)]
pub struct MentionView {
    pub id: i64,
    pub brand: String,
    pub title: Parts,
    pub snippet: Parts,
    pub url: Option<String>,
    /// Its site (or the source's name).
    pub site: String,
    pub published: String,
    /// `2026-11-23T08:00:00Z`, for `<time datetime>`.
    pub published_iso: String,
    pub tone: &'static str,
    pub tone_label: &'static str,
    pub score: String,
    pub risks: Vec<&'static str>,
    pub state: &'static str,
    pub state_label: &'static str,
    pub lang: String,
    /// A copy of a story stored before it.
    pub copy: bool,
    /// `published.id`: where the next page starts after this one.
    pub cursor: String,
    /// `1 540 interactions · portée 850 000`, empty when its service counted nothing.
    pub loudness: String,
    /// The parts: `1 200 votes, 340 commentaires`.
    pub engagement_parts: String,
    /// A review's stars: `★☆☆☆☆ 1/5`, empty for other mentions.
    pub rating: String,
}

pub fn tone(label: Option<Label>, lang: Language) -> (&'static str, &'static str) {
    let t = super::words::words(lang);
    match label {
        Some(Label::Negative) => ("negative", t.negative),
        Some(Label::Positive) => ("positive", t.positive),
        _ => ("neutral", t.neutral),
    }
}

pub fn state_label(s: MentionState, lang: Language) -> &'static str {
    let t = super::words::words(lang);
    match s {
        MentionState::New => t.state_new,
        MentionState::Handled => t.state_handled,
        MentionState::Irrelevant => t.state_irrelevant,
    }
}

/// `m` for a page, its matched terms and the search's words highlighted.
pub fn mention(m: &MentionRow, words: &[String], zone: &TimeZone, lang: Language) -> MentionView {
    let mut terms = m.matched_terms.clone();
    terms.extend(words.iter().cloned());
    let (tone, tone_label) = tone(m.sentiment_label, lang);
    let site = m
        .url
        .as_deref()
        .and_then(crate::analyze::alert::spread::site)
        .unwrap_or_else(|| crate::ingest::fetch::redact_str(&m.source));
    MentionView {
        id: m.id,
        brand: clean_line(&m.brand),
        title: crate::notify::render::highlight_parts(
            &fmt::cap(&m.title, fmt::TITLE_CHARS),
            &terms,
        ),
        snippet: crate::notify::render::highlight_parts(&m.snippet, &terms),
        url: m
            .url
            .clone()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        site,
        published: fmt::short_time(m.published_at, zone, lang),
        published_iso: m.published_at.to_string(),
        tone,
        tone_label,
        score: m.sentiment.map(|s| fmt::score(s, lang)).unwrap_or_default(),
        risks: m
            .risk
            .iter()
            .map(|c| c.label(lang == Language::Fr))
            .collect(),
        state: m.state.as_str(),
        state_label: state_label(m.state, lang),
        lang: m.lang.clone().unwrap_or_default(),
        copy: m.story.is_some(),
        cursor: format!("{}.{}", m.published_at.as_second(), m.id),
        loudness: fmt::loudness(m.engagement, m.reach, lang).unwrap_or_default(),
        engagement_parts: m
            .engagement_parts
            .iter()
            .map(|(k, n)| format!("{} {}", fmt::int(*n, lang), fmt::engagement_part(k, lang)))
            .collect::<Vec<_>>()
            .join(", "),
        rating: m
            .rating
            .filter(|r| (1..=5).contains(r))
            .map(|r| {
                format!(
                    "{}{} {r}/5",
                    "★".repeat(r.into()),
                    "☆".repeat(5 - usize::from(r))
                )
            })
            .unwrap_or_default(),
    }
}

/// Why an alert fired, in plain words, from the figures stored with it.
pub fn why(a: &crate::store::AlertRow, lang: Language) -> String {
    use crate::analyze::alert::Kind;
    let fr = lang == Language::Fr;
    let span = fmt::span(a.window, lang);
    let n = |v: u32| fmt::int(u64::from(v), lang);
    match (a.kind, fr) {
        // Weighed by engagement, the alert observed a weight, not a number of mentions.
        (Kind::Volume, true) if a.observed != a.total => format!(
            "{} mention{} en {span}, d’un poids de {} avec leurs interactions, d’habitude {} sur une telle durée.",
            n(a.total),
            if a.total > 1 { "s" } else { "" },
            n(a.observed),
            fmt::amount(a.baseline, lang)
        ),
        (Kind::Volume, false) if a.observed != a.total => format!(
            "{} mention{} in {span}, weighing {} with their interactions, usually {} over such a span.",
            n(a.total),
            if a.total == 1 { "" } else { "s" },
            n(a.observed),
            fmt::amount(a.baseline, lang)
        ),
        (Kind::Volume, true) => format!(
            "{} mention{} en {span}, d’habitude {} sur une telle durée.",
            n(a.observed),
            if a.observed > 1 { "s" } else { "" },
            fmt::amount(a.baseline, lang)
        ),
        (Kind::Volume, false) => format!(
            "{} mention{} in {span}, usually {} over such a span.",
            n(a.observed),
            if a.observed == 1 { "" } else { "s" },
            fmt::amount(a.baseline, lang)
        ),
        (Kind::Negativity, true) => format!(
            "{} mention{} négative{} sur {} en {span}, d’habitude {} de négatives.",
            n(a.observed),
            if a.observed > 1 { "s" } else { "" },
            if a.observed > 1 { "s" } else { "" },
            n(a.total),
            fmt::percent(a.baseline, lang)
        ),
        (Kind::Negativity, false) => format!(
            "{} negative mention{} out of {} in {span}, usually {} negative.",
            n(a.observed),
            if a.observed == 1 { "" } else { "s" },
            n(a.total),
            fmt::percent(a.baseline, lang)
        ),
        (Kind::Spread, true) => format!(
            "Un même article repris par {} sites en {span}, d’habitude {}.",
            n(a.observed),
            fmt::amount(a.baseline, lang)
        ),
        (Kind::Spread, false) => format!(
            "One story carried by {} sites in {span}, usually {}.",
            n(a.observed),
            fmt::amount(a.baseline, lang)
        ),
        (Kind::Risk, _) => {
            let c: Vec<&str> = a.categories.iter().map(|c| c.label(fr)).collect();
            if fr {
                format!(
                    "Première mention d’un risque{} {}.",
                    fmt::punct(':', lang),
                    c.join(", ")
                )
            } else {
                format!("First mention of a risk: {}.", c.join(", "))
            }
        }
    }
}

/// One day of the overview's chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct Day {
    pub total: u32,
    pub negative: u32,
}

/// The 30-day chart as inline SVG: one bar per day (its negative part in red), the axis
/// labelled every week. Only numbers and our own labels go in (escaped all the same);
/// colours are presentation attributes, which the CSP allows (no `style`).
pub fn chart(
    days: &[Day],
    first: Timestamp,
    zone: &TimeZone,
    lang: Language,
    caption: &str,
) -> String {
    const W: f64 = 600.0;
    const H: f64 = 140.0;
    const AXIS: f64 = 18.0;
    let max = days.iter().map(|d| d.total).max().unwrap_or(0).max(1) as f64;
    let slot = W / days.len().max(1) as f64;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(caption)
    );
    for (i, d) in days.iter().enumerate() {
        let x = i as f64 * slot + 1.0;
        let w = (slot - 2.0).max(1.0);
        let h = d.total as f64 / max * (H - AXIS - 14.0);
        let hn = d.negative as f64 / max * (H - AXIS - 14.0);
        let base = H - AXIS;
        let day = first + std::time::Duration::from_secs(i as u64 * 86_400);
        let title = format!(
            "{} : {} / {}",
            fmt::axis_day(day, zone, lang, true),
            d.total,
            d.negative
        );
        svg.push_str(&format!(
            "<g><title>{}</title><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"#8aa4c8\"/>\
             <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{hn:.1}\" fill=\"#c0392b\"/></g>",
            escape(&title),
            base - h,
            base - hn
        ));
        // Weekly labels counted back from the last day, so none runs into another.
        if (days.len() - 1 - i).is_multiple_of(7) {
            // The last day's label ends at the chart's right edge.
            let (at, anchor) = if i + 1 == days.len() {
                (x + w, "end")
            } else {
                (x, "start")
            };
            svg.push_str(&format!(
                "<text x=\"{at:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#555\" text-anchor=\"{anchor}\">{}</text>",
                H - 4.0,
                escape(&fmt::axis_day(day, zone, lang, true))
            ));
        }
    }
    svg.push_str(&format!(
        "<line x1=\"0\" y1=\"{0}\" x2=\"{W}\" y2=\"{0}\" stroke=\"#999\"/><text x=\"{W}\" y=\"10\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">{max}</text></svg>",
        H - AXIS
    ));
    svg
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A group's share of voice as a bar chart: per brand, its share of mentions (blue) and
/// of engagement (purple), side by side, with the percentages written at the bars' ends.
pub fn voice_chart(
    shares: &[crate::analyze::voice::Share],
    lang: Language,
    caption: &str,
) -> String {
    const W: f64 = 600.0;
    const LABEL: f64 = 150.0;
    const ROW: f64 = 34.0;
    const BAR: f64 = 12.0;
    let h = ROW * shares.len().max(1) as f64 + 6.0;
    let room = W - LABEL - 60.0;
    let mut svg = format!(
        "<svg class=\"chart voice\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(caption)
    );
    for (i, s) in shares.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let name = fmt::cap(&clean_line(&s.figures.brand), 22);
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"13\"{}>{}</text>",
            LABEL - 8.0,
            y + BAR + 4.0,
            if s.own { " font-weight=\"700\"" } else { "" },
            escape(&name)
        ));
        for (j, (share, colour)) in [(s.mentions, "#1f4e8c"), (s.engagement, "#7c3aed")]
            .into_iter()
            .enumerate()
        {
            let top = y + j as f64 * (BAR + 2.0);
            let w = (share * room).max(if share > 0.0 { 1.0 } else { 0.0 });
            svg.push_str(&format!(
                "<rect x=\"{LABEL}\" y=\"{top:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"{colour}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#374151\">{}</text>",
                LABEL + w + 4.0,
                top + BAR - 2.0,
                escape(&fmt::percent(share, lang))
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_its_words_in_both_languages_and_the_chart_holds_only_our_markup() {
        let env = templates();
        assert!(env.get_template("base.html").is_ok());
        let zone = TimeZone::UTC;
        let days = vec![
            Day {
                total: 4,
                negative: 1
            };
            30
        ];
        let svg = chart(
            &days,
            Timestamp::from_second(0).unwrap(),
            &zone,
            Language::Fr,
            "<script>",
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(!svg.contains("style"), "{svg}");
        assert_eq!(svg.matches("fill=\"#c0392b\"").count(), 30);
    }
}
