//! A digest with every part filled in, to check templates when they are loaded: with
//! strict undefined variables, a misspelt name anywhere in a template fails there.

use jiff::Timestamp;

use super::{ChartView, View, compose};
use crate::analyze::alert::Point;
use crate::settings::watchlist::Language;
use crate::store::{AlertRow, BrandFigures, DeadEmail, DigestInput, Found, Sample, SourceHealth};

pub(super) fn view() -> View {
    let end: Timestamp = "2026-11-23T07:00:00Z".parse().expect("a timestamp");
    let start = end - std::time::Duration::from_secs(86_400);
    let sample = |title: &str, url: &str, score: f64| Sample {
        title: title.into(),
        url: Some(url.into()),
        source: "https://news.example/rss".into(),
        snippet: format!("{title}: Acme said"),
        matched_terms: vec!["acme".into()],
        sentiment: Some(score),
        published_at: start,
        risk: Vec::new(),
        source_name: None,
        engagement: Some(120),
        reach: Some(5_000),
    };
    let brand = BrandFigures {
        brand: "Acme".into(),
        count: 3,
        negative: 1,
        positive: 1,
        previous: 2,
        last_28_days: 40,
        found: 3,
        found_negative: 1,
        found_positive: 1,
        earliest: None,
        points: vec![Point {
            published: start,
            negative: true,
            risk: crate::analyze::risk::Risk::none(),
        }],
        top_negative: vec![sample("Bad", "https://a.example/1", -0.5)],
        top_positive: vec![sample("Good", "https://b.example/2", 0.5)],
    };
    let quiet = BrandFigures {
        brand: "Globex".into(),
        ..BrandFigures::default()
    };
    let found = |url: &str| Found {
        brand: "Acme".into(),
        sample: sample("Same story", url, 0.0),
        story: 1,
    };
    let input = DigestInput {
        brands: vec![brand, quiet],
        found: vec![found("https://a.example/s"), found("https://b.example/s")],
        alerts: vec![AlertRow {
            id: 1,
            brand: "Acme".into(),
            kind: crate::analyze::alert::Kind::Volume,
            state: "open".into(),
            window: std::time::Duration::from_secs(3600),
            opened_at: start,
            observed: 9,
            total: 9,
            baseline: 1.0,
            statistic: 0.0,
            threshold: 0.0,
            escalated_at: None,
            escalated_observed: None,
            closed_at: None,
            story: None,
            sites: Vec::new(),
            categories: Vec::new(),
            acknowledged_at: None,
            ack_note: None,
            acknowledged_by: None,
            emails_sent: 1,
            emails_pending: 0,
            emails_dead: 0,
            chat_sent: 0,
            chat_pending: 0,
            chat_dead: 0,
        }],
        sources: vec![SourceHealth {
            name: Some("Le Blog Conso".into()),
            url: "https://down.example/rss".into(),
            created_at: start,
            last_checked_at: Some(start),
            last_success_at: None,
            last_error: Some("HTTP 500".into()),
            problem: Some(crate::ingest::problem::Problem::Status(500)),
            consecutive_errors: 2,
            failing_since: Some(start),
            last_item_count: None,
            empty_since: None,
            newest_item_at: None,
            cadence: None,
        }],
        dead: vec![DeadEmail {
            purpose: "alert".into(),
            recipient: "a@example.org".into(),
            subject: "Alert".into(),
            error: Some("550 no such user".into()),
            at: start,
        }],
        watched_since: Some(start - std::time::Duration::from_secs(30 * 86_400)),
        engaged: vec![("Acme".into(), sample("Loud", "https://c.example/3", -0.2))],
        voice: vec![(
            crate::settings::watchlist::Group {
                name: "Group".into(),
                own: vec!["Acme".into()],
                competitors: vec!["Globex".into()],
            },
            vec![
                crate::analyze::voice::Figures {
                    brand: "Acme".into(),
                    mentions: 3,
                    engagement: 120,
                    positive: 1,
                    negative: 1,
                    risk: 0,
                },
                crate::analyze::voice::Figures {
                    brand: "Globex".into(),
                    ..Default::default()
                },
            ],
        )],
    };
    let schedule = crate::settings::digest::DigestOverride::default()
        .schedule(&Default::default())
        .expect("the default schedule is on");
    // No chart is drawn for a check; the chart's place in the template is still checked.
    let mut input = input;
    input.brands[0].points.clear();
    let mut digest = compose("sample", Language::Fr, &schedule, &input, (start, end), end);
    digest.view.brands[0].chart = Some(ChartView {
        src: "cid:chart".into(),
        alt: "chart".into(),
        width: super::chart::WIDTH,
        height: super::chart::HEIGHT,
    });
    digest.view
}
