//! Alerts as chat messages, one format per service, each as its documentation gives it:
//! Slack Block Kit (with a `text` fallback), a Microsoft Teams Adaptive Card (in a message
//! attachment, as Teams workflow webhooks take it), Mattermost and Discord incoming-webhook
//! JSON, a Google Chat `cardsV2` card, and Vigie's own signed JSON document for any
//! receiver (`vigie.alert/1`, see the README).
//!
//! Feed text (titles, the site, the headline that quotes a title) is data in each format:
//! escaped for Slack's mrkdwn (`&`, `<`, `>`, so no `<!everyone>`, no `<url|link>`), shown
//! as plain text where a format has it, backslash-escaped for Markdown (no `[x](…)` link,
//! no emphasis), and every `@` followed by a zero-width space so no `@channel`, `@here` or
//! `@everyone` pings; Discord is also told to parse no mention at all. Links are Vigie's:
//! the mentions' own `http(s)` addresses, never one from a title. Lengths stay within each
//! service's limits (Slack's 3,000 characters per block, Discord's 2,000 per message).

use serde_json::{Value, json};

use super::format::{self as fmt, cap};
use super::render::{AlertSummary, site_name};
use super::{clean_line, safe_link};
use crate::settings::watchlist::{ChannelKind, Language};
use crate::store::Sample;

/// One alert, ready for any channel.
#[derive(Debug, Clone)]
pub struct ChatAlert<'a> {
    pub brand: &'a str,
    /// `volume`, `negativity`, `spread`, `risk`.
    pub kind: &'a str,
    pub summary: &'a AlertSummary,
    pub lang: Language,
    pub zone: &'a jiff::tz::TimeZone,
}

/// A mention as a channel shows it: plain words, escaped later per format.
struct Line {
    title: String,
    link: Option<String>,
    meta: String,
}

fn lines(a: &ChatAlert<'_>) -> Vec<Line> {
    let mut out: Vec<Line> = a
        .summary
        .mentions
        .iter()
        .map(|m: &Sample| {
            let mut meta = vec![
                site_name(m),
                fmt::short_time(m.published_at, a.zone, a.lang),
            ];
            meta.extend(m.sentiment.map(|s| fmt::score(s, a.lang)));
            Line {
                title: cap(&clean_line(&m.title), 200),
                link: safe_link(m.url.as_deref()),
                meta: meta.join(" · "),
            }
        })
        .collect();
    // Then the workspace's links (Vigie's own addresses), when it has a public one.
    out.extend(a.summary.links.iter().map(|(label, url)| Line {
        title: label.clone(),
        link: safe_link(Some(url)),
        meta: "Vigie".into(),
    }));
    out
}

/// Every `@` followed by a zero-width space: no mention can ping.
fn unping(s: &str) -> String {
    s.replace('@', "@\u{200b}")
}

/// Text for Slack's mrkdwn: its three control characters as entities.
pub fn slack_escape(s: &str) -> String {
    unping(&clean_line(s))
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text for Markdown (Mattermost, Discord, Teams): every character Markdown gives a meaning
/// backslash-escaped.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in clean_line(s).chars() {
        if "\\`*_{}[]()<>#+-.!|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push('\u{200b}');
        }
    }
    out
}

/// A link target any format can carry: its `|`, `<`, `>`, `(`, `)` and spaces
/// percent-encoded, so it cannot end the link early.
fn link_target(url: &str) -> String {
    url.replace('|', "%7C")
        .replace('<', "%3C")
        .replace('>', "%3E")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20")
}

fn open_word(lang: Language) -> &'static str {
    match lang {
        Language::Fr => "Ouvrir",
        Language::En => "Open",
    }
}

/// The message `kind` posts for alert `a`, and the short text a notification shows.
pub fn alert_payload(kind: ChannelKind, a: &ChatAlert<'_>) -> Value {
    match kind {
        ChannelKind::Slack => slack(a),
        ChannelKind::Teams => teams(a),
        ChannelKind::Mattermost => json!({ "text": markdown_text(a, 16_000) }),
        ChannelKind::Discord => discord(a),
        ChannelKind::GoogleChat => google_chat(a),
        ChannelKind::Webhook => webhook(a),
    }
}

fn slack(a: &ChatAlert<'_>) -> Value {
    let s = a.summary;
    let mut blocks = vec![
        json!({ "type": "header", "text": { "type": "plain_text",
            "text": cap(&unping(&clean_line(&format!("{} · {}", s.label, a.brand))), 150), "emoji": false } }),
        json!({ "type": "section", "text": { "type": "mrkdwn",
            "text": cap(&format!("*{}*", slack_escape(&s.headline)), 3000) } }),
    ];
    let mut context = Vec::new();
    context.extend(s.why.as_deref());
    context.extend(s.ack.as_deref());
    if !context.is_empty() {
        blocks.push(json!({ "type": "context", "elements": [ { "type": "mrkdwn",
            "text": cap(&slack_escape(&context.join(" ")), 3000) } ] }));
    }
    for l in lines(a) {
        let title = match &l.link {
            Some(u) => format!("<{}|{}>", link_target(u), slack_escape(&l.title)),
            None => slack_escape(&l.title),
        };
        blocks.push(json!({ "type": "section", "text": { "type": "mrkdwn",
            "text": cap(&format!("{title}\n{}", slack_escape(&l.meta)), 3000) } }));
    }
    json!({ "text": cap(&slack_escape(&s.subject), 3000), "blocks": blocks })
}

/// The alert as Markdown lines: headline, why, then the mentions as links.
fn markdown_text(a: &ChatAlert<'_>, max: usize) -> String {
    let s = a.summary;
    let mut text = format!(
        "**{}**\n{}",
        markdown_escape(&s.subject),
        markdown_escape(&s.headline)
    );
    for extra in [&s.why, &s.ack].into_iter().flatten() {
        text.push('\n');
        text.push_str(&format!("_{}_", markdown_escape(extra)));
    }
    for l in lines(a) {
        let title = match &l.link {
            Some(u) => format!("[{}]({})", markdown_escape(&l.title), link_target(u)),
            None => markdown_escape(&l.title),
        };
        text.push_str(&format!("\n- {title} · {}", markdown_escape(&l.meta)));
    }
    cap(&text, max)
}

fn discord(a: &ChatAlert<'_>) -> Value {
    let s = a.summary;
    let mut description = markdown_escape(&s.headline);
    for extra in [&s.why, &s.ack].into_iter().flatten() {
        description.push_str(&format!("\n_{}_", markdown_escape(extra)));
    }
    let fields: Vec<Value> = lines(a)
        .into_iter()
        .map(|l| {
            let value = match &l.link {
                Some(u) => format!("[{}]({})", markdown_escape(&l.meta), link_target(u)),
                None => markdown_escape(&l.meta),
            };
            json!({ "name": cap(&markdown_escape(&l.title), 256), "value": cap(&value, 1024) })
        })
        .collect();
    json!({
        "content": cap(&markdown_escape(&s.subject), 2000),
        "allowed_mentions": { "parse": [] },
        "embeds": [ {
            "title": cap(&unping(&clean_line(&s.label)), 256),
            "description": cap(&description, 4096),
            "color": if s.stage == "close" { 0x067647 } else { 0xb42318 },
            "fields": fields,
        } ],
    })
}

fn teams(a: &ChatAlert<'_>) -> Value {
    let s = a.summary;
    let mut body = vec![
        json!({ "type": "TextBlock", "text": markdown_escape(&s.label), "size": "Small",
                "weight": "Bolder", "color": if s.stage == "close" { "Good" } else { "Attention" }, "wrap": true }),
        json!({ "type": "TextBlock", "text": markdown_escape(&s.headline), "size": "Medium",
                "weight": "Bolder", "wrap": true }),
    ];
    for extra in [&s.why, &s.ack].into_iter().flatten() {
        body.push(json!({ "type": "TextBlock", "text": markdown_escape(extra), "isSubtle": true, "wrap": true }));
    }
    let mut actions = Vec::new();
    for l in lines(a) {
        body.push(
            json!({ "type": "TextBlock", "text": markdown_escape(&l.title), "weight": "Bolder",
                          "wrap": true, "spacing": "Medium" }),
        );
        body.push(
            json!({ "type": "TextBlock", "text": markdown_escape(&l.meta), "isSubtle": true,
                          "wrap": true, "spacing": "None" }),
        );
        if let Some(u) = &l.link
            && actions.len() < 3
        {
            actions.push(json!({ "type": "Action.OpenUrl",
                "title": format!("{} · {}", open_word(a.lang), cap(&l.title, 40)), "url": u }));
        }
    }
    json!({
        "type": "message",
        "attachments": [ {
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": actions,
            },
        } ],
    })
}

fn google_chat(a: &ChatAlert<'_>) -> Value {
    let s = a.summary;
    let html = |t: &str| unping(&super::escape(t));
    let mut widgets =
        vec![json!({ "textParagraph": { "text": format!("<b>{}</b>", html(&s.headline)) } })];
    for extra in [&s.why, &s.ack].into_iter().flatten() {
        widgets.push(json!({ "textParagraph": { "text": html(extra) } }));
    }
    for l in lines(a) {
        let title = match &l.link {
            Some(u) => format!("<a href=\"{}\">{}</a>", super::escape(u), html(&l.title)),
            None => html(&l.title),
        };
        widgets
            .push(json!({ "textParagraph": { "text": format!("{title}<br>{}", html(&l.meta)) } }));
    }
    json!({
        // The notification's text: Vigie's own words and the brand, `<` and `>` left out so
        // that no `<users/all>` can be formed.
        "text": cap(&unping(&clean_line(&s.subject)).replace(['<', '>'], ""), 4000),
        "cardsV2": [ {
            "cardId": "vigie-alert",
            "card": {
                "header": { "title": cap(&unping(&clean_line(a.brand)), 200), "subtitle": cap(&clean_line(&s.label), 200) },
                "sections": [ { "widgets": widgets } ],
            },
        } ],
    })
}

/// Vigie's own document, `vigie.alert/1`: what the alert says, as data.
fn webhook(a: &ChatAlert<'_>) -> Value {
    let s = a.summary;
    let mentions: Vec<Value> = a
        .summary
        .mentions
        .iter()
        .map(|m| {
            json!({
                "title": clean_line(&m.title),
                "url": safe_link(m.url.as_deref()),
                "site": site_name(m),
                "published_at": m.published_at.to_string(),
                "sentiment": m.sentiment,
                "risk": m.risk.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    if a.kind == "digest" {
        return json!({
            "schema": "vigie.digest/1",
            "watchlist": a.brand,
            "language": match a.lang { Language::Fr => "fr", Language::En => "en" },
            "subject": s.subject,
            "period": s.headline,
            "brands": s.why.as_deref().unwrap_or("").lines().collect::<Vec<_>>(),
            "mentions": mentions,
        });
    }
    json!({
        "schema": "vigie.alert/1",
        "brand": a.brand,
        "kind": a.kind,
        "stage": s.stage,
        "language": match a.lang { Language::Fr => "fr", Language::En => "en" },
        "subject": s.subject,
        "headline": s.headline,
        "why": s.why,
        "acknowledged": s.ack,
        "mentions": mentions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_leave_no_ping_no_link_no_markup() {
        let hostile = "@channel <!everyone> [x](javascript:alert(1)) `rm` *b*";
        let s = slack_escape(hostile);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains("@channel"),
            "{s}"
        );
        let m = markdown_escape(hostile);
        assert!(m.contains("\\[x\\]\\(javascript:alert\\(1\\)\\)"), "{m}");
        assert!(m.contains("\\`rm\\`") && m.contains("\\*b\\*"), "{m}");
        assert!(!m.contains("@channel"), "{m}");
        assert_eq!(
            link_target("https://a.example/x|y>z"),
            "https://a.example/x%7Cy%3Ez"
        );
    }
}
