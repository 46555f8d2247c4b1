//! The alert emails, in French or English, written to be read in five seconds: the first
//! line says what happened in plain words ("9 mentions in the last hour — usually fewer
//! than 1. 7 of 9 negative."), a "why" line below gives the figures detection used; then
//! the story and its sites (spread), the top sources, the most negative and the most recent
//! mentions with the matched terms highlighted. Times are in the watchlist's time zone;
//! French follows French typography (narrow no-break spaces before `: ; ! ?` and `%`). The
//! HTML part has the digest's 600 px layout and inline styles.

use std::collections::HashMap;
use std::fmt::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::format as fmt;
use super::{Email, clean_line, escape, escape_html, safe_link};
use crate::analyze::alert::{Action, Kind, Reading};
use crate::analyze::risk::Category;
use crate::settings::watchlist::Language;
use crate::store::{BrandActivity, Sample, StoryInfo};
use crate::text::{Folded, fold, on_word_boundaries, starts_word, word_end};

/// What an alert email needs beyond the action and the brand's activity.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub lang: Language,
    /// The watchlist's time zone.
    pub zone: &'a TimeZone,
    /// The story a spread alert is about.
    pub story: Option<&'a StoryInfo>,
    /// When the alert was acknowledged, if it was.
    pub acknowledged: Option<Timestamp>,
    /// The workspace's address (`[web] public_url`): emails and chat messages link to it.
    pub workspace: Option<&'a url::Url>,
}

/// What an alert says, whatever carries it: the email, or a chat message.
#[derive(Debug, Clone)]
pub struct AlertSummary {
    /// `[Vigie] Acme : pic de mentions (9 en 1 h, d'habitude moins de 1)`.
    pub subject: String,
    /// `Alerte · pic de mentions`, `Fin d'alerte · …`.
    pub label: String,
    /// The first line of the email, in plain words.
    pub headline: String,
    /// The figures detection used (none for an all clear).
    pub why: Option<String>,
    /// `Pris en charge le …`, when it was.
    pub ack: Option<String>,
    /// `open`, `escalate` or `close`.
    pub stage: &'static str,
    /// Up to three mentions: the story's first for a spread, else the most negative, then
    /// the most recent.
    pub mentions: Vec<Sample>,
    /// Links into the workspace (label, address), when it has a public address.
    pub links: Vec<(String, String)>,
}

/// What [`alert_email`] and [`alert_summary`] both start from.
struct Basics<'s> {
    reading: &'s Reading,
    stage: Stage,
    in_window: Vec<&'s Sample>,
    subject: String,
    headline: String,
    why: Option<String>,
    ack: Option<String>,
    negative: Vec<&'s Sample>,
}

fn basics<'s>(
    action: &'s Action,
    seen: &'s BrandActivity,
    cx: &Context<'_>,
    now: Timestamp,
    w: &Words,
) -> Basics<'s> {
    let (reading, stage) = match action {
        Action::Open(r) => (r, Stage::Open),
        Action::Escalate { reading, .. } => (reading, Stage::Escalate),
        Action::Close { reading, .. } => (reading, Stage::Close),
    };
    let lang = cx.lang;
    let colon = fmt::punct(':', lang);
    let brand = clean_line(&seen.brand);
    let in_window: Vec<&Sample> = seen
        .recent
        .iter()
        .filter(|m| m.published_at > now - reading.window)
        .collect();
    let risky: Vec<&Sample> = in_window
        .iter()
        .copied()
        .filter(|m| m.risk.iter().any(|c| reading.risk.has(*c)))
        .collect();
    let subject = format!(
        "[Vigie] {brand}{colon} {}",
        subject_line(reading, stage, cx, w)
    );
    let headline = headline(reading, stage, seen, cx, &risky, now, w);
    let why = (stage != Stage::Close).then(|| why(reading, cx, w));
    let ack = cx
        .acknowledged
        .map(|at| format!("{} {}.", w.acknowledged, fmt::short_time(at, cx.zone, lang)));
    let mut negative: Vec<&Sample> = in_window
        .iter()
        .copied()
        .filter(|m| m.sentiment.is_some_and(|s| s <= -0.05) || !m.risk.is_empty())
        .collect();
    negative.sort_by(|a, b| {
        a.sentiment
            .unwrap_or(0.0)
            .total_cmp(&b.sentiment.unwrap_or(0.0))
    });
    negative.truncate(3);
    Basics {
        reading,
        stage,
        in_window,
        subject,
        headline,
        why,
        ack,
        negative,
    }
}

/// The alert in a form any channel can render (see [`crate::notify::chat`]).
pub fn alert_summary(
    action: &Action,
    seen: &BrandActivity,
    cx: &Context<'_>,
    now: Timestamp,
) -> AlertSummary {
    let w = words(cx.lang);
    let b = basics(action, seen, cx, now, &w);
    let mut mentions: Vec<Sample> = Vec::new();
    if b.stage != Stage::Close {
        if let (Kind::Spread, Some(story)) = (b.reading.kind, cx.story) {
            mentions.push(story.first.clone());
        } else {
            for m in b.negative.iter().chain(b.in_window.iter()) {
                if mentions.len() == 3 {
                    break;
                }
                if !mentions
                    .iter()
                    .any(|x| x.title == m.title && x.url == m.url)
                {
                    mentions.push((*m).clone());
                }
            }
        }
    }
    AlertSummary {
        label: kind_label(b.reading.kind, b.stage, &w),
        subject: b.subject,
        headline: b.headline,
        why: b.why,
        ack: b.ack,
        stage: match b.stage {
            Stage::Open => "open",
            Stage::Escalate => "escalate",
            Stage::Close => "close",
        },
        links: if b.stage == Stage::Close {
            Vec::new()
        } else {
            workspace_links(
                &seen.brand,
                b.reading.kind,
                b.in_window.len().max(mentions.len()),
                cx,
                &w,
            )
        },
        mentions,
    }
}

/// Links into the workspace for an alert that is not over: its mentions, and the alert to
/// acknowledge ("Voir les 9 mentions", "Acquitter l'alerte"). None without a public address.
fn workspace_links(
    brand: &str,
    kind: Kind,
    shown: usize,
    cx: &Context<'_>,
    w: &Words,
) -> Vec<(String, String)> {
    let Some(base) = cx.workspace else {
        return Vec::new();
    };
    let at = |path: &str, query: &[(&str, &str)]| {
        let mut u = base.clone();
        let prefix = u.path().trim_end_matches('/').to_string();
        u.set_path(&format!("{prefix}{path}"));
        u.query_pairs_mut().clear().extend_pairs(query);
        u.to_string()
    };
    let see = if shown == 1 {
        w.see_mention.to_string()
    } else {
        w.see_mentions
            .replace("{n}", &fmt::int(shown as u64, cx.lang))
    };
    vec![
        (
            see,
            at(
                "/mentions",
                &[("brand", brand), ("state", "all"), ("period", "1d")],
            ),
        ),
        (
            w.acknowledge_it.to_string(),
            at("/alerts/open", &[("brand", brand), ("kind", kind.as_str())]),
        ),
    ]
}

/// Renders the email telling of `action` on `seen.brand`.
pub fn alert_email(
    action: &Action,
    seen: &BrandActivity,
    cx: &Context<'_>,
    now: Timestamp,
) -> Email {
    let lang = cx.lang;
    let w = words(lang);
    let colon = fmt::punct(':', lang);
    let brand = clean_line(&seen.brand);
    let Basics {
        reading,
        stage,
        in_window,
        subject,
        headline,
        why,
        ack,
        negative,
    } = basics(action, seen, cx, now, &w);
    let sources = top_sources(&in_window);
    let recent: Vec<&Sample> = in_window.iter().copied().take(5).collect();
    // The mentions that drew the most interactions, when their services count them.
    let mut loudest: Vec<&Sample> = in_window
        .iter()
        .copied()
        .filter(|m| m.engagement.is_some_and(|n| n > 0))
        .collect();
    loudest.sort_by_key(|m| std::cmp::Reverse(m.engagement));
    loudest.truncate(3);

    let mut text = format!("{headline}\n");
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n</head>\n<body style=\"margin:0;padding:0;background:#f3f4f6;\">\n\
         <div style=\"{CONTAINER}\">\n<div style=\"padding:20px 20px 12px;\">\n\
         <div style=\"font-size:12px;color:{colour};text-transform:uppercase;letter-spacing:0.05em;font-weight:600;\">{label} · {brand_html}</div>\n\
         <h1 style=\"margin:6px 0;font-size:20px;line-height:1.3;\">{headline_html}</h1>\n",
        code = w.code,
        title = escape(&subject),
        colour = if stage == Stage::Close {
            "#067647"
        } else {
            "#b42318"
        },
        label = escape(&kind_label(reading.kind, stage, &w)),
        brand_html = escape(&brand),
        headline_html = escape(&headline),
    );
    if let Some(why) = &why {
        let _ = writeln!(text, "{why}");
        let _ = writeln!(
            html,
            "<p style=\"margin:8px 0 0;font-size:13px;color:#4b5563;\">{}</p>",
            escape(why)
        );
    }
    if let Some(ack) = &ack {
        let _ = writeln!(text, "{ack}");
        let _ = writeln!(
            html,
            "<p style=\"margin:8px 0 0;font-size:13px;color:#067647;font-weight:600;\">{}</p>",
            escape(ack)
        );
    }
    if stage != Stage::Close {
        let links = workspace_links(&seen.brand, reading.kind, in_window.len(), cx, &w);
        if !links.is_empty() {
            html.push_str("<p style=\"margin:12px 0 0;font-size:14px;\">");
            for (i, (label, url)) in links.iter().enumerate() {
                let _ = writeln!(text, "{label}{colon} {url}");
                if i > 0 {
                    html.push_str(" · ");
                }
                let _ = write!(
                    html,
                    "<a href=\"{}\" style=\"color:#1f4e8c;font-weight:600;\">{}</a>",
                    escape(url),
                    escape(label)
                );
            }
            html.push_str("</p>\n");
        }
    }
    html.push_str("</div>\n");

    if stage != Stage::Close
        && let (Kind::Spread, Some(story)) = (reading.kind, cx.story)
    {
        let title = format!("{} ({})", w.sites_carrying, story.sites.len());
        let shown: Vec<String> = story.sites.iter().take(12).map(|s| clean_line(s)).collect();
        let more = story.sites.len().saturating_sub(shown.len());
        let mut list = shown.join(", ");
        if more > 0 {
            let _ = write!(list, " {}", w.and_more.replace("{n}", &more.to_string()));
        }
        let _ = write!(text, "\n{title}{colon}\n{list}\n");
        section(&mut html, &title, "#1f2933");
        let _ = writeln!(
            html,
            "<p style=\"margin:6px 0;font-size:14px;overflow-wrap:anywhere;\">{}</p>",
            escape_html(&list)
        );
        sample(&mut text, &mut html, &story.first, cx, &w);
        html.push_str("</div>\n");
    }
    // A spread alert is about its story, shown above; the others list the window's mentions.
    if stage != Stage::Close && reading.kind != Kind::Spread {
        if !sources.is_empty() {
            let _ = write!(text, "\n{}{colon}\n", w.top_sources);
            section(&mut html, w.top_sources, "#1f2933");
            html.push_str("<ul style=\"margin:6px 0;padding-left:20px;font-size:14px;\">");
            for (s, n) in &sources {
                let _ = writeln!(text, "- {} ({n})", clean_line(s));
                let _ = write!(html, "<li>{} ({n})</li>", escape(s));
            }
            html.push_str("</ul>\n</div>\n");
        }
        for (title, list, colour) in [
            (w.most_negative, &negative, "#b42318"),
            (w.loudest, &loudest, "#1f2933"),
            (w.most_recent, &recent, "#1f2933"),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = write!(text, "\n{title}{colon}\n");
            section(&mut html, title, colour);
            for m in list.iter() {
                sample(&mut text, &mut html, m, cx, &w);
            }
            html.push_str("</div>\n");
        }
    }
    let zone_name = cx.zone.iana_name().unwrap_or("UTC");
    let footer = format!("{} {} {zone_name}.", w.footer, w.times_in);
    let _ = write!(text, "\n-- \n{footer}\n");
    let _ = write!(
        html,
        "<div style=\"padding:14px 20px;border-top:1px solid #e5e7eb;font-size:12px;color:#6b7280;\">{}</div>\n</div>\n</body>\n</html>\n",
        escape(&footer)
    );
    Email {
        subject,
        text,
        html,
    }
}

/// The digest's container: 600 px at most, white on grey, its font and colours.
const CONTAINER: &str = "max-width:600px;margin:0 auto;background:#ffffff;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2933;font-size:15px;line-height:1.45;";

fn section(html: &mut String, title: &str, colour: &str) {
    let _ = write!(
        html,
        "<div style=\"padding:14px 20px;border-top:1px solid #e5e7eb;\">\n\
         <h2 style=\"margin:0 0 6px;font-size:16px;color:{colour};\">{}</h2>\n",
        escape_html(title)
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Open,
    Escalate,
    Close,
}

fn hours(secs: u64) -> u64 {
    (secs / 3600).max(1)
}

/// "dans la dernière heure" / "dans les 6 dernières heures".
fn in_the_last(window_secs: u64, w: &Words) -> String {
    match hours(window_secs) {
        1 => w.last_hour.to_string(),
        h => w.last_hours.replace("{h}", &h.to_string()),
    }
}

/// An expected count in words: "moins de 1" below one, else one decimal ("2,5").
fn usually_count(v: f64, lang: Language, w: &Words) -> String {
    if v < 1.0 {
        w.fewer_than_one.to_string()
    } else {
        fmt::amount(v, lang)
    }
}

/// An expected count: two decimals below 1 ("0,02"), one above, "< 0,01" near nothing.
fn expected(v: f64, lang: Language) -> String {
    let s = if v < 0.01 {
        "< 0.01".to_string()
    } else if v < 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    };
    match lang {
        Language::Fr => s.replace('.', ","),
        Language::En => s,
    }
}

/// A count and a noun, singular for 0 and 1 in French, for 1 in English.
fn count(n: u64, one: &str, many: &str, lang: Language) -> String {
    format!("{} {}", fmt::int(n, lang), fmt::plural(n, one, many, lang))
}

fn categories(list: &[Category], lang: Language) -> String {
    list.iter()
        .map(|c| c.label(lang == Language::Fr))
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_label(kind: Kind, stage: Stage, w: &Words) -> String {
    let k = match kind {
        Kind::Volume => w.volume,
        Kind::Negativity => w.negativity,
        Kind::Spread => w.spread,
        Kind::Risk => w.risk,
    };
    match stage {
        Stage::Close => format!("{} · {k}", w.all_clear),
        _ => format!("{} · {k}", w.alert),
    }
}

fn subject_line(r: &Reading, stage: Stage, cx: &Context<'_>, w: &Words) -> String {
    let lang = cx.lang;
    let window = hours(r.window.as_secs());
    let up = stage == Stage::Escalate;
    match (stage, r.kind) {
        (Stage::Close, k) => format!(
            "{} ({})",
            w.all_clear,
            match k {
                Kind::Volume => w.volume,
                Kind::Negativity => w.negativity,
                Kind::Spread => w.spread,
                Kind::Risk => w.risk,
            }
        ),
        (_, Kind::Volume) => format!(
            "{} ({} {} {window} h, {} {})",
            if up { w.volume_up } else { w.volume },
            volume_figure(r, lang, w),
            w.in_,
            w.usually,
            usually_count(r.baseline, lang, w)
        ),
        (_, Kind::Negativity) => format!(
            "{} ({} {} {} {} {window} h)",
            if up { w.negativity_up } else { w.negativity },
            r.observed,
            w.of,
            r.total,
            w.in_
        ),
        (_, Kind::Spread) => format!(
            "{} ({} {} {window} h)",
            if up { w.spread_up } else { w.spread },
            count(u64::from(r.observed), w.site, w.sites, lang),
            w.in_,
        ),
        (_, Kind::Risk) => (if up { w.risk_up } else { w.risk_of })
            .replace("{c}", &categories(&r.risk.categories(), lang)),
    }
}

fn headline(
    r: &Reading,
    stage: Stage,
    seen: &BrandActivity,
    cx: &Context<'_>,
    risky: &[&Sample],
    now: Timestamp,
    w: &Words,
) -> String {
    let lang = cx.lang;
    let last = in_the_last(r.window.as_secs(), w);
    if stage == Stage::Close {
        return match r.kind {
            Kind::Volume | Kind::Negativity => w.back_to_normal.to_string(),
            Kind::Spread => w.spread_over.to_string(),
            Kind::Risk => w.risk_over.to_string(),
        };
    }
    match r.kind {
        Kind::Volume => {
            let negative = seen
                .points
                .iter()
                .filter(|p| p.published > now - r.window && p.published <= now && p.negative)
                .count() as u64;
            // The mentions themselves; weighed by engagement, also what they weighed.
            let n = u64::from(r.total);
            let weighed = if weighed(r) {
                format!(", {} {}", w.weighing, fmt::int(u64::from(r.observed), lang))
            } else {
                String::new()
            };
            let mut out = format!(
                "{} {last}{weighed} — {} {}.",
                count(n, w.mention, w.mentions, lang),
                w.usually,
                usually_count(r.baseline, lang, w)
            );
            if negative == n && n > 0 {
                let _ = write!(out, " {}", w.all_negative);
            } else if negative > 0 {
                let _ = write!(
                    out,
                    " {} {} {} {}.",
                    fmt::int(negative, lang),
                    w.of,
                    fmt::int(n, lang),
                    if negative <= 1 && lang == Language::Fr {
                        w.negative_one
                    } else {
                        w.negative_many
                    }
                );
            }
            out
        }
        Kind::Negativity => format!(
            "{} {} {} {last} ({}) — {} {}.",
            count(
                u64::from(r.observed),
                w.negative_mention,
                w.negative_mentions,
                lang
            ),
            w.of,
            fmt::int(u64::from(r.total), lang),
            fmt::percent(f64::from(r.observed) / f64::from(r.total.max(1)), lang),
            w.usually,
            fmt::percent(r.baseline, lang)
        ),
        Kind::Spread => {
            let sites = count(u64::from(r.observed), w.site, w.sites, lang);
            match cx.story {
                Some(story) => format!(
                    "{} {} {sites} {last}{} {}. {} {} ({}).",
                    quote(&story.first.title, lang),
                    w.picked_up_by,
                    fmt::punct(';', lang),
                    w.usually_spread.replace(
                        "{n}",
                        &count(r.baseline.round().max(1.0) as u64, w.site, w.sites, lang)
                    ),
                    w.started_on,
                    clean_line(&story.first_site),
                    fmt::short_time(story.first.published_at, cx.zone, lang),
                ),
                None => format!("{} {sites} {last}.", w.a_story_picked_up),
            }
        }
        Kind::Risk => {
            let cats = categories(&r.risk.categories(), lang);
            // The first of them: the window's mentions are newest first.
            match risky.last() {
                Some(m) => format!(
                    "{}{} {} ({}, {}).",
                    w.first_risk.replace("{c}", &cats),
                    fmt::punct(':', lang),
                    quote(&m.title, lang),
                    clean_line(&site_name(m)),
                    fmt::short_time(m.published_at, cx.zone, lang)
                ),
                None => format!("{}.", w.first_risk.replace("{c}", &cats)),
            }
        }
    }
}

/// A title in the language's quotation marks: « … » with no-break spaces, or “…”.
fn quote(title: &str, lang: Language) -> String {
    let t = fmt::cap(&clean_line(title), fmt::TITLE_CHARS);
    match lang {
        Language::Fr => format!("«\u{202f}{t}\u{202f}»"),
        Language::En => format!("“{t}”"),
    }
}

/// The figures behind the alert, for who wants them.
/// Whether a volume reading weighed mentions by their engagement (`[alerts] weight =
/// "engagement"`): then what it observed is their weight, not their number.
fn weighed(r: &Reading) -> bool {
    r.kind == Kind::Volume && r.observed != r.total
}

/// What a volume reading counted: `9`, or `poids 17` / `weight 17` when it weighed the
/// mentions by their engagement.
fn volume_figure(r: &Reading, lang: Language, w: &Words) -> String {
    let n = fmt::int(u64::from(r.observed), lang);
    if weighed(r) {
        format!("{} {n}", w.weight)
    } else {
        n
    }
}

fn why(r: &Reading, cx: &Context<'_>, w: &Words) -> String {
    let lang = cx.lang;
    let window = hours(r.window.as_secs());
    let colon = fmt::punct(':', lang);
    let semicolon = fmt::punct(';', lang);
    let body = match r.kind {
        Kind::Volume => format!(
            "{} {} {window} h {} {} {}{semicolon} {}{colon} {} (p = {}, {} {}).",
            volume_figure(r, lang, w),
            w.in_,
            w.against,
            expected(r.baseline, lang),
            w.expected_from_history,
            w.chance,
            odds(r.statistic, w, lang),
            scientific(r.statistic, lang),
            w.threshold,
            scientific(r.threshold, lang)
        ),
        Kind::Negativity => format!(
            "{} {} ({} {}){semicolon} {} {}{semicolon} {} {}.",
            w.negative_share,
            fmt::percent(f64::from(r.observed) / f64::from(r.total.max(1)), lang),
            w.lower_bound,
            fmt::percent(r.statistic, lang),
            w.usual_share,
            fmt::percent(r.baseline, lang),
            w.threshold,
            fmt::percent(r.threshold, lang),
        ),
        Kind::Spread => format!(
            "{} {} {window} h{semicolon} {} {}{semicolon} {} {}.",
            count(
                u64::from(r.observed),
                w.distinct_site,
                w.distinct_sites,
                lang
            ),
            w.in_,
            w.usual_spread,
            fmt::amount(r.baseline, lang),
            w.threshold,
            fmt::int(r.threshold as u64, lang)
        ),
        Kind::Risk => format!(
            "{} ({} {}).",
            w.first_risk_why,
            w.severity,
            match r.statistic as u8 {
                3.. => w.severe,
                2 => w.serious,
                _ => w.minor,
            }
        ),
    };
    format!("{} {body}", w.why)
}

/// A tail probability as odds in words: "less than one in a million".
fn odds(p: f64, w: &Words, lang: Language) -> String {
    if p < 1e-9 {
        return w.less_than_one_in_a_billion.to_string();
    }
    if p < 1e-6 {
        return w.less_than_one_in_a_million.to_string();
    }
    let n = (1.0 / p.max(1e-12)).round() as u64;
    // Two significant digits: "1 in 48,000".
    let digits = n.to_string().len() as u32;
    let rounded = if digits > 2 {
        let unit = 10u64.pow(digits - 2);
        (n + unit / 2) / unit * unit
    } else {
        n
    };
    w.one_in.replace("{n}", &fmt::int(rounded, lang))
}

/// `1.4e-21` as "1,4 × 10⁻²¹" (French) or "1.4 × 10⁻²¹".
fn scientific(v: f64, lang: Language) -> String {
    if v <= 0.0 {
        return "0".into();
    }
    let exp = v.log10().floor() as i32;
    let mantissa = v / 10f64.powi(exp);
    let sup: String = exp
        .to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect();
    let m = format!("{mantissa:.1}");
    let m = m.strip_suffix(".0").unwrap_or(&m).to_string();
    let m = match lang {
        Language::Fr => m.replace('.', ","),
        Language::En => m,
    };
    format!("{m} × 10{sup}")
}

/// Where a mention was published: its link's host without `www.`, else its source's host,
/// else its source (redacted). The digest shows the same.
pub fn site_name(m: &Sample) -> String {
    let host = |u: &str| {
        url::Url::parse(u).ok().and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
    };
    let link_host = m.url.as_deref().and_then(host);
    // The source's name ("Forum Conso") when the mention is on the source's own site (or
    // the source is a local copy of one); an aggregator's mentions are on other sites,
    // named by their host (an alert feed's name is not even read: see `alerts::sample`).
    if let Some(name) = &m.source_name
        && (link_host.is_none() || link_host == host(&m.source) || m.source.starts_with("file:"))
    {
        return clean_line(name);
    }
    link_host
        .or_else(|| host(&m.source))
        .unwrap_or_else(|| crate::ingest::fetch::redact_str(&m.source))
}

fn top_sources(ms: &[&Sample]) -> Vec<(String, usize)> {
    let mut by: HashMap<String, usize> = HashMap::new();
    for m in ms {
        *by.entry(site_name(m)).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(5);
    v
}

fn sample(text: &mut String, html: &mut String, m: &Sample, cx: &Context<'_>, w: &Words) {
    let lang = cx.lang;
    let when = fmt::short_time(m.published_at, cx.zone, lang);
    let score = m.sentiment.map(|s| fmt::score(s, lang));
    let risk =
        (!m.risk.is_empty()).then(|| format!("{} {}", w.risk_tag, categories(&m.risk, lang)));
    let link = safe_link(m.url.as_deref());
    let shown_title = fmt::cap(&clean_line(&m.title), fmt::TITLE_CHARS);
    let loud = fmt::loudness(m.engagement.filter(|n| *n > 0), m.reach, lang);
    let mut meta = vec![site_name(m), when];
    meta.extend(score.clone());
    meta.extend(risk.clone());
    meta.extend(loud.clone());
    let _ = writeln!(
        text,
        "- {}\n  {}\n  {}{}",
        shown_title,
        meta.iter()
            .map(|s| clean_line(s))
            .collect::<Vec<_>>()
            .join(" · "),
        clean_line(&m.snippet),
        link.as_deref()
            .map(|l| format!("\n  {l}"))
            .unwrap_or_default()
    );
    let title = match &link {
        Some(l) => format!(
            "<a href=\"{}\" style=\"color:#1d4ed8;text-decoration:none;\">{}</a>",
            escape(l),
            escape(&shown_title)
        ),
        None => escape(&shown_title),
    };
    let colour = match m.sentiment {
        Some(s) if s <= -0.05 => "#b42318",
        Some(s) if s >= 0.05 => "#067647",
        _ => "#6b7280",
    };
    let mut meta_html = format!("{} · {}", escape(&meta[0]), escape(&meta[1]));
    if let Some(s) = &score {
        let _ = write!(
            meta_html,
            " · <span style=\"color:{colour};font-weight:600;\">{}</span>",
            escape(s)
        );
    }
    if let Some(r) = &risk {
        let _ = write!(
            meta_html,
            " · <span style=\"color:#b42318;font-weight:600;\">{}</span>",
            escape(r)
        );
    }
    if let Some(l) = &loud {
        let _ = write!(meta_html, " · {}", escape(l));
    }
    let _ = write!(
        html,
        "<div style=\"margin:10px 0 14px;overflow-wrap:anywhere;\">\n\
         <div style=\"font-weight:600;\">{title}</div>\n\
         <div style=\"font-size:13px;color:#6b7280;\">{meta_html}</div>\n\
         <div style=\"font-size:14px;color:#374151;\">{}</div>\n</div>\n",
        highlight_mark(&m.snippet, &m.matched_terms)
    );
}

/// [`highlight`] with the digest's highlight colour.
fn highlight_mark(snippet: &str, terms: &[String]) -> String {
    highlight(snippet, terms).replace(
        "<mark>",
        "<mark style=\"background:#fde68a;color:inherit;\">",
    )
}

/// `snippet` escaped, with the matched terms in `<mark>` (accents and case ignored).
pub fn highlight(snippet: &str, terms: &[String]) -> String {
    let mut out = String::new();
    for (text, hit) in highlight_parts(snippet, terms) {
        if hit {
            out.push_str("<mark>");
            out.push_str(&escape_html(&text));
            out.push_str("</mark>");
        } else {
            out.push_str(&escape_html(&text));
        }
    }
    out
}

/// `snippet` made one clean line and cut into parts, each either a matched term (`true`)
/// or the text between: templates mark the hits and escape every part.
pub fn highlight_parts(snippet: &str, terms: &[String]) -> Vec<(String, bool)> {
    let snippet = clean_line(snippet);
    let mut folded = Folded::new(&snippet);
    crate::text::hyphens_as_spaces(&mut folded.text);
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for term in terms {
        let wildcard = term.ends_with('*');
        let mut t = fold(term.trim_end_matches('*'));
        crate::text::hyphens_as_spaces(&mut t);
        if t.is_empty() {
            continue;
        }
        let text = &folded.text;
        let mut from = 0;
        while let Some(i) = text[from..].find(&t) {
            let start = from + i;
            let mut r = start..start + t.len();
            from = r.end;
            // Whole words only, as matching does; a wildcard runs to the end of its word.
            if wildcard {
                r.end = word_end(text, r.end);
            }
            if starts_word(text, r.start) && on_word_boundaries(text, &r) {
                ranges.push(folded.original_range(&snippet, r));
            }
        }
    }
    // At one place, the longest term wins ("acme corp" over "acme").
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = Vec::new();
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > snippet.len() {
            continue;
        }
        if r.start > at {
            out.push((snippet[at..r.start].to_string(), false));
        }
        out.push((snippet[r.clone()].to_string(), true));
        at = r.end;
    }
    if at < snippet.len() {
        out.push((snippet[at..].to_string(), false));
    }
    out
}

struct Words {
    code: &'static str,
    alert: &'static str,
    volume: &'static str,
    volume_up: &'static str,
    negativity: &'static str,
    negativity_up: &'static str,
    spread: &'static str,
    spread_up: &'static str,
    risk: &'static str,
    /// `{c}`: the categories.
    risk_of: &'static str,
    /// `{c}`: the categories.
    risk_up: &'static str,
    all_clear: &'static str,
    in_: &'static str,
    of: &'static str,
    usually: &'static str,
    fewer_than_one: &'static str,
    mention: &'static str,
    mentions: &'static str,
    negative_mention: &'static str,
    negative_mentions: &'static str,
    negative_one: &'static str,
    negative_many: &'static str,
    all_negative: &'static str,
    last_hour: &'static str,
    /// `{h}`: the number of hours.
    last_hours: &'static str,
    site: &'static str,
    sites: &'static str,
    distinct_site: &'static str,
    distinct_sites: &'static str,
    picked_up_by: &'static str,
    started_on: &'static str,
    /// `{n}`: a count of sites.
    usually_spread: &'static str,
    a_story_picked_up: &'static str,
    sites_carrying: &'static str,
    and_more: &'static str,
    /// `{c}`: the categories.
    first_risk: &'static str,
    first_risk_why: &'static str,
    severity: &'static str,
    severe: &'static str,
    serious: &'static str,
    minor: &'static str,
    risk_tag: &'static str,
    why: &'static str,
    against: &'static str,
    expected_from_history: &'static str,
    chance: &'static str,
    threshold: &'static str,
    less_than_one_in_a_million: &'static str,
    less_than_one_in_a_billion: &'static str,
    /// `{n}`: a number.
    one_in: &'static str,
    negative_share: &'static str,
    lower_bound: &'static str,
    usual_share: &'static str,
    usual_spread: &'static str,
    back_to_normal: &'static str,
    spread_over: &'static str,
    risk_over: &'static str,
    acknowledged: &'static str,
    see_mention: &'static str,
    /// `{n}`: a number.
    see_mentions: &'static str,
    acknowledge_it: &'static str,
    top_sources: &'static str,
    most_negative: &'static str,
    most_recent: &'static str,
    loudest: &'static str,
    /// Volume weighed by engagement: `d'un poids de 17`, and `poids 17` in figures.
    weighing: &'static str,
    weight: &'static str,
    footer: &'static str,
    times_in: &'static str,
}

fn words(lang: Language) -> Words {
    match lang {
        Language::Fr => Words {
            code: "fr",
            alert: "Alerte",
            volume: "pic de mentions",
            volume_up: "le pic s'amplifie",
            negativity: "les mentions négatives montent",
            negativity_up: "la négativité s'amplifie",
            spread: "un article se propage",
            spread_up: "l'article se propage encore",
            risk: "risque signalé",
            risk_of: "risque {c} signalé",
            risk_up: "nouveau risque {c}",
            all_clear: "retour à la normale",
            in_: "en",
            of: "sur",
            usually: "d'habitude",
            fewer_than_one: "moins de 1",
            mention: "mention",
            mentions: "mentions",
            negative_mention: "mention négative",
            negative_mentions: "mentions négatives",
            negative_one: "négative",
            negative_many: "négatives",
            all_negative: "Toutes négatives.",
            last_hour: "dans la dernière heure",
            last_hours: "dans les {h} dernières heures",
            site: "site",
            sites: "sites",
            distinct_site: "site distinct",
            distinct_sites: "sites distincts",
            picked_up_by: "repris par",
            started_on: "Parti de",
            usually_spread: "d'habitude, un article sur la marque touche {n}",
            a_story_picked_up: "Un même article repris par",
            sites_carrying: "Sites qui le reprennent",
            and_more: "et {n} autres",
            first_risk: "Première mention d'un risque {c}",
            first_risk_why: "la liste de veille alerte dès la première mention de ce risque",
            severity: "gravité",
            severe: "élevée",
            serious: "moyenne",
            minor: "faible",
            risk_tag: "risque",
            why: "Pourquoi\u{202f}:",
            against: "contre",
            expected_from_history: "attendues d'après les 14 jours précédents (même heure, même jour)",
            chance: "probabilité par hasard",
            threshold: "seuil",
            less_than_one_in_a_million: "moins d'une chance sur un million",
            less_than_one_in_a_billion: "moins d'une chance sur un milliard",
            one_in: "une chance sur {n}",
            negative_share: "part négative",
            lower_bound: "borne basse",
            usual_share: "part habituelle",
            usual_spread: "étendue habituelle (sites par article)",
            back_to_normal: "Le volume et la tonalité des mentions sont revenus à la normale.",
            spread_over: "L'article ne se propage plus.",
            risk_over: "Aucune nouvelle mention de ce risque depuis 24\u{a0}h.",
            acknowledged: "Pris en charge le",
            see_mention: "Voir la mention",
            see_mentions: "Voir les {n} mentions",
            acknowledge_it: "Acquitter l'alerte",
            top_sources: "Principales sources",
            most_negative: "Les plus négatives",
            most_recent: "Les plus récentes",
            loudest: "Les plus relayées",
            weighing: "d'un poids de",
            weight: "poids",
            footer: "Vigie\u{202f}: alerte envoyée une fois\u{202f}; la fin de l'alerte sera signalée.",
            times_in: "Fuseau horaire\u{202f}:",
        },
        Language::En => Words {
            code: "en",
            alert: "Alert",
            volume: "mention spike",
            volume_up: "the spike is growing",
            negativity: "negative mentions are rising",
            negativity_up: "negativity is growing",
            spread: "a story is spreading",
            spread_up: "the story keeps spreading",
            risk: "risk reported",
            risk_of: "{c} risk reported",
            risk_up: "new {c} risk",
            all_clear: "back to normal",
            in_: "in",
            of: "of",
            usually: "usually",
            fewer_than_one: "fewer than 1",
            mention: "mention",
            mentions: "mentions",
            negative_mention: "negative mention",
            negative_mentions: "negative mentions",
            negative_one: "negative",
            negative_many: "negative",
            all_negative: "All negative.",
            last_hour: "in the last hour",
            last_hours: "in the last {h} hours",
            site: "site",
            sites: "sites",
            distinct_site: "distinct site",
            distinct_sites: "distinct sites",
            picked_up_by: "picked up by",
            started_on: "Started on",
            usually_spread: "a story about the brand usually reaches {n}",
            a_story_picked_up: "One story picked up by",
            sites_carrying: "Sites carrying it",
            and_more: "and {n} more",
            first_risk: "First mention of a {c} risk",
            first_risk_why: "the watchlist alerts on the first mention of this risk",
            severity: "severity",
            severe: "high",
            serious: "medium",
            minor: "low",
            risk_tag: "risk",
            why: "Why:",
            against: "against",
            expected_from_history: "expected from the previous 14 days (same hour, same weekday)",
            chance: "chance by accident",
            threshold: "threshold",
            less_than_one_in_a_million: "less than one in a million",
            less_than_one_in_a_billion: "less than one in a billion",
            one_in: "one in {n}",
            negative_share: "negative share",
            lower_bound: "lower bound",
            usual_share: "usual share",
            usual_spread: "usual reach (sites per story)",
            back_to_normal: "Mention volume and tone are back to normal.",
            spread_over: "The story is no longer spreading.",
            risk_over: "No new mention of this risk for 24 h.",
            acknowledged: "Acknowledged",
            see_mention: "See the mention",
            see_mentions: "See the {n} mentions",
            acknowledge_it: "Acknowledge the alert",
            top_sources: "Top sources",
            most_negative: "Most negative",
            most_recent: "Most recent",
            loudest: "Loudest",
            weighing: "weighing",
            weight: "weight",
            footer: "Vigie: this alert is sent once; you will be told when it ends.",
            times_in: "Time zone:",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_terms_are_highlighted_ignoring_case_and_accents_and_the_rest_is_escaped() {
        assert_eq!(
            highlight("Le rappel d'ACMÉ <b>x</b>", &["acme".into()]),
            "Le rappel d&#39;<mark>ACMÉ</mark> &lt;b&gt;x&lt;/b&gt;"
        );
        assert_eq!(
            highlight(
                "acme corp, Acmeology, Acme",
                &["acm*".into(), "Acme Corp".into()]
            ),
            "<mark>acme corp</mark>, <mark>Acmeology</mark>, <mark>Acme</mark>"
        );
        // Not inside another word.
        assert_eq!(highlight("acmeology", &["acme".into()]), "acmeology");
    }
}
