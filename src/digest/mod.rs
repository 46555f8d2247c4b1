//! The digest: one email per watchlist and period (a day, or the days since the previous
//! send time) telling the community manager what was said about each brand.
//!
//! - [`compose`] is pure: what the database holds for the period (a
//!   [`crate::store::DigestInput`]), the watchlist and `now` in, a [`Digest`] out: the
//!   figures formatted for the watchlist's language, a PNG chart per brand, the top
//!   mentions with their matched terms marked, the stories carried by several sources, the
//!   alerts of the period, the sources that are failing, silent or empty, and the emails
//!   that could not be delivered.
//! - [`templates`] turns it into a subject, a plain-text part and an HTML part with
//!   minijinja (auto-escaping on: feed text is only ever a value, never a template).
//! - [`Digest::emails`] builds one message per recipient with the charts inline
//!   (`cid:`), with a Message-ID fixed by watchlist, period end and recipient, so the outbox
//!   sends each at most once; [`Digest::preview`] inlines them as `data:` URIs instead.

pub mod chart;
pub mod health;
mod sample;
pub mod templates;
pub mod view;
pub mod words;

pub use health::source_problem;
pub use view::{
    AlertView, BrandView, ChartView, DeadView, EngagedView, MentionView, Part, SourceView,
    StoryView, View, VoiceRowView, VoiceView,
};
use view::{alert_view, brand_view, stories};

use base64::Engine;
use jiff::Timestamp;

use crate::notify::{self, Email, InlineImage, clean_line, slug};
use crate::settings::digest::DigestSchedule;
use crate::settings::watchlist::{Language, Watchlist};
use crate::store::{DigestInput, DigestQuery, Outgoing};
use templates::Templates;
use words::words;

/// Mentions in each top list.
pub const TOP: usize = 3;
/// Stories shown.
pub const TOP_STORIES: usize = 5;

/// A composed digest, ready to render.
#[derive(Debug, Clone)]
pub struct Digest {
    pub watchlist: String,
    pub period: (Timestamp, Timestamp),
    pub view: View,
    /// One chart per brand that had mentions in the last 30 days.
    pub charts: Vec<InlineImage>,
    /// The most negative new mention of each brand (three at most), for chat channels.
    pub top_mentions: Vec<crate::store::Sample>,
    /// The watchlist's time zone.
    pub zone: jiff::tz::TimeZone,
}

/// What to read from the database for `w`'s digest of `period`.
pub fn query(w: &Watchlist, (start, end): (Timestamp, Timestamp)) -> DigestQuery {
    DigestQuery {
        brands: w.brands.iter().map(|b| b.name.clone()).collect(),
        sources: w.sources.iter().map(|s| s.url.clone()).collect(),
        source_names: w
            .sources
            .iter()
            .filter_map(|s| Some((s.url.clone(), s.name.clone()?)))
            .collect(),
        start,
        end,
        top: TOP,
        groups: w.groups.clone(),
    }
}

/// Composes the digest of the watchlist `name` for `period` from what the database holds.
pub fn compose(
    name: &str,
    lang: Language,
    schedule: &DigestSchedule,
    input: &DigestInput,
    period: (Timestamp, Timestamp),
    now: Timestamp,
) -> Digest {
    let t = words(lang);
    let zone = &schedule.zone;
    let (start, end) = period;
    let mut charts = Vec::new();
    let mut brands = Vec::new();
    for (i, b) in input.brands.iter().enumerate() {
        let (view, chart) = brand_view(b, input, i, name, schedule, lang, period);
        brands.push(view);
        charts.extend(chart);
    }
    let total: u64 = input.brands.iter().map(|b| b.found).sum();
    let total_negative: u64 = input.brands.iter().map(|b| b.found_negative).sum();

    let stories = stories(input, zone, lang);
    let alerts = input
        .alerts
        .iter()
        .map(|a| alert_view(a, period, zone, lang))
        .collect();
    let sources = input
        .sources
        .iter()
        .filter_map(|s| source_problem(s, now, zone, lang))
        .collect();
    let undelivered = input
        .dead
        .iter()
        .map(|d| DeadView {
            subject: clean_line(&d.subject),
            // A chat message's recipient is its channel's key (`acme#2`), never its address.
            recipient: match d.recipient.strip_prefix("channel:") {
                Some(key) => format!(
                    "{} {}",
                    match lang {
                        Language::Fr => "canal",
                        Language::En => "channel",
                    },
                    clean_line(key)
                ),
                None => clean_line(&d.recipient),
            },
            error: clean_line(d.error.as_deref().unwrap_or("")),
            when: words::short_time(d.at, zone, lang),
        })
        .collect();
    let period_text = match lang {
        Language::Fr => format!(
            "du {} au {} ({})",
            words::day_time(start, zone, lang),
            words::day_time(end, zone, lang),
            schedule.zone_name
        ),
        Language::En => format!(
            "from {} to {} ({})",
            words::day_time(start, zone, lang),
            words::day_time(end, zone, lang),
            schedule.zone_name
        ),
    };
    let view = View {
        lang: match lang {
            Language::Fr => "fr",
            Language::En => "en",
        },
        t,
        watchlist: name.to_string(),
        date: words::long_date(end, zone, lang),
        period: period_text,
        total: words::int(total, lang),
        total_negative: words::int(total_negative, lang),
        has_negative: total_negative > 0,
        total_words: words::plural(total, t.new_one, t.new, lang),
        total_word: words::plural(total, t.mention, t.mentions, lang),
        negative_words: words::plural(total_negative, t.negative_one, t.negative, lang),
        brands,
        stories,
        alerts,
        sources,
        sources_checked: input.sources.len(),
        undelivered,
        next: format!(
            "{} ({})",
            words::day_time(schedule.next_after(end), zone, lang),
            schedule.zone_name
        ),
        engaged: view::engaged_view(input, zone, lang),
        voice: input
            .voice
            .iter()
            .map(|(g, f)| view::voice_view(g, f, lang))
            .collect(),
    };
    let mut top_mentions: Vec<crate::store::Sample> = input
        .brands
        .iter()
        .filter_map(|b| b.top_negative.first().cloned())
        .collect();
    top_mentions.sort_by(|a, b| {
        a.sentiment
            .unwrap_or(0.0)
            .total_cmp(&b.sentiment.unwrap_or(0.0))
    });
    top_mentions.truncate(3);
    Digest {
        watchlist: name.to_string(),
        period,
        view,
        charts,
        top_mentions,
        zone: zone.clone(),
    }
}

impl Digest {
    /// The subject, text and HTML of the email (charts as `cid:`).
    pub fn email(&self, templates: &Templates) -> Result<Email, templates::TemplateError> {
        templates.render(&self.view)
    }

    /// One message per recipient, queued as `digest` emails. The Message-ID is fixed by
    /// watchlist, period end and recipient: the same digest is never queued twice.
    pub fn emails(
        &self,
        templates: &Templates,
        from: &lettre::message::Mailbox,
        recipients: &[String],
        now: Timestamp,
    ) -> anyhow::Result<Vec<Outgoing>> {
        let email = self.email(templates)?;
        recipients
            .iter()
            .map(|to| {
                let id = format!(
                    "<vigie.digest.{}.{}.{}@{}>",
                    self.period.1.as_second(),
                    slug(&self.watchlist),
                    slug(to),
                    from.email.domain()
                );
                let message = notify::build_with_images(&email, &self.charts, from, to, &id, now)?;
                Ok(Outgoing {
                    purpose: "digest",
                    recipient: to.clone(),
                    message_id: id,
                    subject: email.subject.clone(),
                    message,
                })
            })
            .collect()
    }

    /// The digest's summary for each chat channel that asked for it (`send = ["digest"]`),
    /// in the watchlist's language: the headline figures, one line per brand, and the most
    /// negative new mentions. Their ids are fixed like the emails', so never queued twice.
    pub fn chat_messages(
        &self,
        channels: &[crate::settings::watchlist::Channel],
        domain: &str,
    ) -> Vec<Outgoing> {
        let v = &self.view;
        let t = v.t;
        let lang = if v.lang == "fr" {
            Language::Fr
        } else {
            Language::En
        };
        let brands: Vec<String> = v
            .brands
            .iter()
            .map(|b| {
                format!(
                    "{}{c} {} {} · {}{c} {} · {}{c} {}",
                    b.name,
                    b.found,
                    b.found_words,
                    t.negative,
                    b.negative_share,
                    t.positive,
                    b.positive_share,
                    c = t.colon
                )
            })
            .collect();
        let negative = if v.has_negative {
            format!(", {}{} {}", t.including, v.total_negative, v.negative_words)
        } else {
            String::new()
        };
        let summary = notify::render::AlertSummary {
            subject: format!(
                "[Vigie] {} {} · {} {}{negative}",
                t.digest_of, v.date, v.total, v.total_words
            ),
            label: format!("{} · {}", t.digest, v.watchlist),
            headline: format!("{} {}", t.period, v.period),
            why: Some(brands.join("\n")),
            ack: None,
            stage: "digest",
            mentions: self.top_mentions.clone(),
            links: Vec::new(),
        };
        channels
            .iter()
            .enumerate()
            .filter(|(_, c)| c.digest)
            .map(|(i, c)| {
                let payload = notify::chat::alert_payload(
                    c.kind,
                    &notify::chat::ChatAlert {
                        brand: &self.watchlist,
                        kind: "digest",
                        summary: &summary,
                        lang,
                        zone: &self.zone,
                    },
                );
                Outgoing {
                    purpose: "digest",
                    recipient: notify::post::recipient(c),
                    message_id: format!(
                        "<vigie.digest.{}.{}.channel{i}.{}@{domain}>",
                        self.period.1.as_second(),
                        slug(&self.watchlist),
                        slug(&c.key)
                    ),
                    subject: summary.subject.clone(),
                    message: serde_json::to_vec(&payload).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The HTML part with the charts inlined as `data:` URIs, to open in a browser.
    pub fn preview(&self, templates: &Templates) -> Result<String, templates::TemplateError> {
        let mut view = self.view.clone();
        for b in &mut view.brands {
            if let Some(c) = &mut b.chart
                && let Some(img) = self
                    .charts
                    .iter()
                    .find(|i| c.src == format!("cid:{}", i.content_id))
            {
                c.src = format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(&img.png)
                );
            }
        }
        Ok(templates.render(&view)?.html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Found, Sample};

    fn found(title: &str, url: &str, story: i64) -> Found {
        Found {
            brand: "Acme".into(),
            story,
            sample: Sample {
                title: title.into(),
                url: Some(url.into()),
                source: "https://feed.example/rss".into(),
                snippet: String::new(),
                matched_terms: Vec::new(),
                sentiment: None,
                published_at: "2026-11-23T06:00:00Z".parse().unwrap(),
                risk: Vec::new(),
                source_name: None,
                engagement: None,
                reach: None,
            },
        }
    }

    #[test]
    fn a_story_shown_is_one_carried_by_several_sites() {
        let input = DigestInput {
            brands: Vec::new(),
            found: vec![
                found(
                    "Rappel massif : l'ACMÉ Turbo-Grille",
                    "https://a.example/1",
                    7,
                ),
                found(
                    "Acme rappelle ses grille-pain",
                    "https://www.b.example/2",
                    7,
                ),
                // The same site twice is one outlet.
                found(
                    "Rappel massif : l'ACMÉ Turbo-Grille",
                    "https://a.example/1?amp",
                    7,
                ),
                found("Acme ouvre une usine", "https://a.example/3", 9),
                found("Acme ouvre une usine", "https://a.example/4", 9),
            ],
            alerts: Vec::new(),
            sources: Vec::new(),
            dead: Vec::new(),
            watched_since: None,
            engaged: Vec::new(),
            voice: Vec::new(),
        };
        let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
        let s = stories(&input, &paris, Language::En);
        assert_eq!(s.len(), 1, "one site is not coverage: {s:?}");
        assert_eq!(s[0].copies, 2);
        assert_eq!(s[0].outlets, "a.example, b.example");
    }
}
