//! The alert emails, in French or English: what fired and why, the top sources, the most
//! negative and the most recent mentions with the matched terms highlighted.

use std::collections::HashMap;
use std::fmt::Write;

use jiff::Timestamp;

use super::{Email, clean_line, escape, escape_html, safe_link};
use crate::analyze::alert::{Action, Kind, Reading};
use crate::settings::watchlist::Language;
use crate::store::{BrandActivity, Sample};
use crate::text::{Folded, fold, on_word_boundaries, starts_word, word_end};

/// Renders the email telling of `action` on `seen.brand`.
pub fn alert_email(action: &Action, seen: &BrandActivity, lang: Language, now: Timestamp) -> Email {
    let (reading, stage) = match action {
        Action::Open(r) => (r, Stage::Open),
        Action::Escalate { reading, .. } => (reading, Stage::Escalate),
        Action::Close { reading, .. } => (reading, Stage::Close),
    };
    let brand = clean_line(&seen.brand);
    let w = words(lang);
    let window = hours(reading.window.as_secs());
    let colon = w.colon;
    let subject = match (stage, reading.kind) {
        (Stage::Close, _) => format!("[Vigie] {brand}{colon} {}", w.all_clear),
        (s, Kind::Volume) => format!(
            "[Vigie] {brand}{colon} {} ({} {} {window} h, {} {})",
            if s == Stage::Open {
                w.volume
            } else {
                w.volume_up
            },
            reading.observed,
            w.in_,
            w.usually,
            number(reading.baseline, lang)
        ),
        (s, Kind::Negativity) => format!(
            "[Vigie] {brand}{colon} {} ({} {} {} {} {window} h)",
            if s == Stage::Open {
                w.negativity
            } else {
                w.negativity_up
            },
            reading.observed,
            w.of,
            reading.total,
            w.in_
        ),
    };

    let in_window: Vec<&Sample> = seen
        .recent
        .iter()
        .filter(|m| m.published_at > now - reading.window)
        .collect();
    let why = explanation(reading, stage, &w, lang);
    let sources = top_sources(&in_window);
    let mut negative: Vec<&&Sample> = in_window
        .iter()
        .filter(|m| m.sentiment.is_some_and(|s| s <= -0.05))
        .collect();
    negative.sort_by(|a, b| {
        a.sentiment
            .unwrap_or(0.0)
            .total_cmp(&b.sentiment.unwrap_or(0.0))
    });
    negative.truncate(3);
    let recent: Vec<&&Sample> = in_window.iter().take(5).collect();

    let mut text = format!("{subject}\n\n{why}\n");
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;max-width:600px\"><h2>{}</h2><p>{}</p>",
        w.code,
        escape(&subject),
        escape(&subject),
        escape(&why)
    );
    if stage != Stage::Close {
        if !sources.is_empty() {
            let _ = write!(text, "\n{}:\n", w.top_sources);
            let _ = write!(html, "<h3>{}</h3><ul>", w.top_sources);
            for (s, n) in &sources {
                let _ = writeln!(text, "- {} ({n})", clean_line(s));
                let _ = write!(html, "<li>{} ({n})</li>", escape(s));
            }
            html.push_str("</ul>");
        }
        for (title, list) in [(w.most_negative, &negative), (w.most_recent, &recent)] {
            if list.is_empty() {
                continue;
            }
            let _ = write!(text, "\n{title}:\n");
            let _ = write!(html, "<h3>{title}</h3><ul>");
            for m in list.iter() {
                sample(&mut text, &mut html, m, lang);
            }
            html.push_str("</ul>");
        }
    }
    let _ = write!(text, "\n-- \n{}\n", w.footer);
    let _ = write!(
        html,
        "<p style=\"color:#666\">{}</p></body></html>",
        w.footer
    );
    Email {
        subject,
        text,
        html,
    }
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

/// A count's expectation, with two decimals below 1 ("0.04"), in the language's style.
fn number(v: f64, lang: Language) -> String {
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

fn explanation(r: &Reading, stage: Stage, w: &Words, lang: Language) -> String {
    let window = hours(r.window.as_secs());
    let n = |v: f64| number(v, lang);
    if stage == Stage::Close {
        return w.back_to_normal.to_string();
    }
    match r.kind {
        Kind::Volume => format!(
            "{} {} {window} h{} {} {}. {} {:.1e} < {:.0e}.",
            r.observed,
            w.mentions_in,
            w.semicolon,
            w.expected,
            n(r.baseline),
            w.chance,
            r.statistic,
            r.threshold
        ),
        Kind::Negativity => format!(
            "{} {} {} {} {window} h ({} %){} {} {} %. {} {} % > {} %.",
            r.observed,
            w.negative_of,
            r.total,
            w.in_,
            (f64::from(r.observed) * 100.0 / f64::from(r.total.max(1))).round(),
            w.semicolon,
            w.usual_share,
            (r.baseline * 100.0).round(),
            w.lower_bound,
            (r.statistic * 100.0).round(),
            (r.threshold * 100.0).round()
        ),
    }
}

fn top_sources(ms: &[&Sample]) -> Vec<(String, usize)> {
    let mut by: HashMap<String, usize> = HashMap::new();
    for m in ms {
        let site = m
            .url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_start_matches("www.").to_string())
            })
            .unwrap_or_else(|| crate::ingest::fetch::redact_str(&m.source));
        *by.entry(site).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(5);
    v
}

fn sample(text: &mut String, html: &mut String, m: &Sample, lang: Language) {
    let when = m
        .published_at
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string();
    let score = m.sentiment.map(|s| match lang {
        Language::Fr => format!("{s:+.2}").replace('.', ","),
        Language::En => format!("{s:+.2}"),
    });
    let link = safe_link(m.url.as_deref());
    let _ = writeln!(
        text,
        "- {} ({when}{})\n  {}{}",
        clean_line(&m.title),
        score
            .as_deref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default(),
        clean_line(&m.snippet),
        link.as_deref()
            .map(|l| format!("\n  {l}"))
            .unwrap_or_default()
    );
    let title = match &link {
        Some(l) => format!("<a href=\"{}\">{}</a>", escape(l), escape(&m.title)),
        None => escape(&m.title),
    };
    let _ = write!(
        html,
        "<li><b>{title}</b> <small>{when}{}</small><br>{}</li>",
        score.map(|s| format!(", {s}")).unwrap_or_default(),
        highlight(&m.snippet, &m.matched_terms)
    );
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
    let folded = Folded::new(&snippet);
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for term in terms {
        let wildcard = term.ends_with('*');
        let t = fold(term.trim_end_matches('*'));
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
    volume: &'static str,
    volume_up: &'static str,
    negativity: &'static str,
    negativity_up: &'static str,
    all_clear: &'static str,
    in_: &'static str,
    of: &'static str,
    usually: &'static str,
    mentions_in: &'static str,
    /// French puts a space before `:` and `;`.
    colon: &'static str,
    semicolon: &'static str,
    expected: &'static str,
    chance: &'static str,
    negative_of: &'static str,
    usual_share: &'static str,
    lower_bound: &'static str,
    back_to_normal: &'static str,
    top_sources: &'static str,
    most_negative: &'static str,
    most_recent: &'static str,
    footer: &'static str,
}

fn words(lang: Language) -> Words {
    match lang {
        Language::Fr => Words {
            code: "fr",
            volume: "pic de mentions",
            volume_up: "le pic s'amplifie",
            negativity: "les mentions négatives montent",
            negativity_up: "la négativité s'amplifie",
            all_clear: "retour à la normale",
            in_: "en",
            of: "sur",
            usually: "d'habitude",
            mentions_in: "mentions en",
            colon: " :",
            semicolon: " ;",
            expected: "attendu d'après les 14 jours précédents (même heure, même jour) :",
            chance: "Probabilité d'un tel nombre par hasard :",
            negative_of: "mentions négatives sur",
            usual_share: "part habituelle",
            lower_bound: "Borne basse (Wilson) de la part :",
            back_to_normal: "Le volume et la tonalité des mentions sont revenus à la normale.",
            top_sources: "Principales sources",
            most_negative: "Les plus négatives",
            most_recent: "Les plus récentes",
            footer: "Vigie : alerte envoyée une fois ; la fin de l'alerte sera signalée.",
        },
        Language::En => Words {
            code: "en",
            volume: "mention spike",
            volume_up: "the spike is growing",
            negativity: "negative mentions are rising",
            negativity_up: "negativity is growing",
            all_clear: "back to normal",
            in_: "in",
            of: "of",
            usually: "usually",
            mentions_in: "mentions in",
            colon: ":",
            semicolon: ";",
            expected: "expected from the previous 14 days (same hour, same weekday):",
            chance: "Chance of so many by accident:",
            negative_of: "negative mentions of",
            usual_share: "usual share",
            lower_bound: "Lower (Wilson) bound of the share:",
            back_to_normal: "Mention volume and tone are back to normal.",
            top_sources: "Top sources",
            most_negative: "Most negative",
            most_recent: "Most recent",
            footer: "Vigie: this alert is sent once; you will be told when it ends.",
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
