//! The alert emails as a reader sees them: goldens of every kind in French and English
//! (checked by eye when written; `VIGIE_BLESS=1` rewrites them), French typography, the
//! watchlist's time zone, and the HTML laid out in 600 px by a real browser.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vigie::analyze::alert::spread::Copy;
use vigie::analyze::alert::{Action, Kind, Point, Reading};
use vigie::analyze::risk::{Category, Risk};
use vigie::notify::render::{Context, alert_email};
use vigie::settings::watchlist::Language;
use vigie::store::{BrandActivity, Sample, StoryInfo};

fn now() -> Timestamp {
    // A Tuesday, 1 December 2026, 21:10 UTC: 22:10 in Paris, 16:10 in Montreal.
    "2026-12-01T21:10:00Z".parse().unwrap()
}

fn ago(mins: u64) -> Timestamp {
    now() - Duration::from_secs(mins * 60)
}

fn sample(
    title: &str,
    url: &str,
    snippet: &str,
    score: f64,
    mins: u64,
    risk: &[Category],
) -> Sample {
    Sample {
        title: title.into(),
        url: Some(url.into()),
        source: "https://feeds.example/rss".into(),
        snippet: snippet.into(),
        matched_terms: vec!["acme".into()],
        sentiment: Some(score),
        published_at: ago(mins),
        risk: risk.to_vec(),
        source_name: None,
        engagement: None,
        reach: None,
    }
}

fn activity() -> BrandActivity {
    let recent = vec![
        sample(
            "Acme : la bouilloire K2 prend feu",
            "https://forum.example.fr/t/1",
            "Ma bouilloire Acme K2 a pris feu ce matin, heureusement personne n'a été blessé.",
            -0.62,
            5,
            &[Category::Safety],
        ),
        sample(
            "Service client Acme injoignable <b>depuis</b> 3 jours",
            "https://avis.example.com/acme",
            "Impossible de joindre Acme & son SAV.",
            -0.48,
            12,
            &[Category::Service],
        ),
        sample(
            "Acme lance sa nouvelle gamme",
            "https://www.journal.example/eco/acme",
            "Acme présente ses bouilloires d'hiver.",
            0.31,
            40,
            &[],
        ),
    ];
    let mut points: Vec<Point> = recent
        .iter()
        .map(|m| Point {
            published: m.published_at,
            negative: m.sentiment.unwrap_or(0.0) < 0.0 || !m.risk.is_empty(),
            risk: m.risk.iter().fold(Risk::none(), |r, c| r.with(*c, 3)),
        })
        .collect();
    points.extend((0..6).map(|i| Point {
        published: ago(50 - i),
        negative: true,
        risk: Risk::none(),
    }));
    points.sort_by_key(|p| p.published);
    let story = StoryInfo {
        first: sample(
            "Acme rappelle 40 000 bouilloires après des départs de feu",
            "https://www.lemonde.example/eco/acme-rappel",
            "Acme rappelle 40 000 bouilloires K2 après plusieurs départs de feu.",
            -0.12,
            55,
            &[Category::Safety],
        ),
        first_site: "lemonde.example".into(),
        sites: (0..14).map(|i| format!("site{i:02}.example")).collect(),
        risk: Risk::none().with(Category::Safety, 3),
    };
    let copies = story
        .sites
        .iter()
        .enumerate()
        .map(|(i, site)| Copy {
            story: 1,
            site: site.clone(),
            published: ago(55 - 3 * i as u64),
        })
        .collect();
    BrandActivity {
        brand: "Acme".into(),
        points,
        weights: Vec::new(),
        open: Vec::new(),
        last_closed: HashMap::new(),
        recent,
        copies,
        usual_spread: 2.0,
        stories: HashMap::from([(1, story)]),
    }
}

fn reading(kind: Kind) -> Reading {
    let hour = Duration::from_secs(3600);
    match kind {
        Kind::Volume => Reading {
            kind,
            window: hour,
            observed: 9,
            total: 9,
            baseline: 0.02,
            statistic: 1.4e-21,
            threshold: 2e-5,
            spike: true,
            calm: false,
            risk: Risk::none(),
        },
        Kind::Negativity => Reading {
            kind,
            window: Duration::from_secs(6 * 3600),
            observed: 7,
            total: 9,
            baseline: 0.18,
            statistic: 0.45,
            threshold: 0.28,
            spike: true,
            calm: false,
            risk: Risk::none(),
        },
        Kind::Spread => Reading {
            kind,
            window: hour,
            observed: 14,
            total: 14,
            baseline: 2.0,
            statistic: 7.0,
            threshold: 6.0,
            spike: true,
            calm: false,
            risk: Risk::none(),
        },
        Kind::Risk => Reading {
            kind,
            window: Duration::from_secs(24 * 3600),
            observed: 1,
            total: 9,
            baseline: 0.0,
            statistic: 3.0,
            threshold: 1.0,
            spike: true,
            calm: false,
            risk: Risk::none().with(Category::Safety, 3),
        },
    }
}

fn render(
    kind: Kind,
    lang: Language,
    action: Action,
    acknowledged: Option<Timestamp>,
) -> vigie::notify::Email {
    let seen = activity();
    let zone = TimeZone::get("Europe/Paris").unwrap();
    let cx = Context {
        lang,
        zone: &zone,
        story: (kind == Kind::Spread).then(|| &seen.stories[&1]),
        acknowledged,
        workspace: None,
    };
    alert_email(&action, &seen, &cx, now())
}

#[test]
fn every_kind_reads_in_plain_words_in_french_and_english() {
    for lang in [Language::Fr, Language::En] {
        let code = if lang == Language::Fr { "fr" } else { "en" };
        for kind in [Kind::Volume, Kind::Negativity, Kind::Spread, Kind::Risk] {
            let e = render(kind, lang, Action::Open(reading(kind)), None);
            common::golden(
                &format!("alert-{}-{code}.txt", kind.as_str()),
                &format!("Subject: {}\n\n{}", e.subject, e.text),
            );
        }
        let close = render(
            Kind::Volume,
            lang,
            Action::Close {
                alert: 1,
                reading: reading(Kind::Volume),
            },
            Some(ago(30)),
        );
        common::golden(
            &format!("alert-all-clear-{code}.txt"),
            &format!("Subject: {}\n\n{}", close.subject, close.text),
        );
        let html = render(
            Kind::Volume,
            lang,
            Action::Open(reading(Kind::Volume)),
            None,
        )
        .html;
        common::golden(&format!("alert-volume-{code}.html"), &html);
    }
}

#[test]
fn french_alerts_follow_french_typography_and_the_watchlist_clock() {
    let e = render(
        Kind::Volume,
        Language::Fr,
        Action::Open(reading(Kind::Volume)),
        None,
    );
    // A narrow no-break space before every colon, semicolon and per cent sign of ours.
    assert!(
        e.subject
            .starts_with("[Vigie] Acme\u{202f}: pic de mentions"),
        "{}",
        e.subject
    );
    for line in e
        .text
        .lines()
        .filter(|l| !l.starts_with("  ") && !l.starts_with("- "))
    {
        for (i, _) in line.match_indices([':', ';']) {
            let before = line[..i].chars().last();
            let url = line[..i].ends_with("https") || line[..i].ends_with("http");
            let clock = before.is_some_and(|c| c.is_ascii_digit());
            assert!(
                url || clock || before == Some('\u{202f}'),
                "no narrow no-break space before {:?} in {line:?}",
                &line[i..i + 1]
            );
        }
    }
    // Times in the watchlist's zone: 21:05 UTC is 22:05 in Paris, on Tuesday the 1st.
    assert!(e.text.contains("mar. 1er déc., 22:05"), "{}", e.text);
    assert!(e.text.contains("Fuseau horaire\u{202f}: Europe/Paris"));
    // Counts in words, not statistics first.
    assert!(
        e.text.starts_with(
            "9 mentions dans la dernière heure — d'habitude moins de 1. 8 sur 9 négatives."
        ),
        "{}",
        e.text
    );
}

#[test]
fn feed_text_in_an_alert_is_escaped() {
    let e = render(
        Kind::Volume,
        Language::En,
        Action::Open(reading(Kind::Volume)),
        None,
    );
    assert!(
        e.html
            .contains("Service client Acme injoignable &lt;b&gt;depuis&lt;/b&gt; 3 jours")
    );
    assert!(e.html.contains("Impossible de joindre <mark"));
    assert!(e.html.contains("&amp; son SAV"));
    assert!(!e.html.contains("<b>depuis"));
}

#[test]
fn an_acknowledged_alert_says_so() {
    let e = render(
        Kind::Risk,
        Language::En,
        Action::Escalate {
            alert: 3,
            reading: reading(Kind::Risk),
        },
        Some(ago(20)),
    );
    assert!(
        e.text.contains("Acknowledged Tue 1 Dec, 21:50."),
        "{}",
        e.text
    );
}

#[test]
fn every_alert_fits_600_px_in_a_real_browser() {
    if !browser::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for lang in [Language::Fr, Language::En] {
        for kind in [Kind::Volume, Kind::Negativity, Kind::Spread, Kind::Risk] {
            let html = render(kind, lang, Action::Open(reading(kind)), None).html;
            let report = browser::layout_report(dir.path(), &html);
            assert!(
                report.ends_with(" scroll=600 wide=0"),
                "{kind:?} {lang:?}: {report}"
            );
        }
    }
}

#[test]
fn a_title_that_is_a_whole_article_is_cut_at_a_word() {
    let mut seen = activity();
    let title = format!("Acme {}", "rappelle encore ses bouilloires ".repeat(20));
    seen.recent[0].title = title.clone();
    let zone = TimeZone::get("Europe/Paris").unwrap();
    let cx = Context {
        lang: Language::Fr,
        zone: &zone,
        story: None,
        acknowledged: None,
        workspace: None,
    };
    let e = alert_email(&Action::Open(reading(Kind::Volume)), &seen, &cx, now());
    let line = e
        .text
        .lines()
        .find(|l| l.starts_with("- Acme rappelle"))
        .unwrap();
    let shown = line["- ".len()..].strip_suffix('…').expect("an ellipsis");
    assert!(shown.chars().count() < 160, "{line}");
    // Cut where a word ends.
    assert!(
        title.starts_with(shown) && title[shown.len()..].starts_with(' '),
        "{line}"
    );
}

#[test]
fn with_a_public_address_alerts_link_to_their_mentions_and_to_acknowledge_them() {
    let seen = activity();
    let zone = TimeZone::get("Europe/Paris").unwrap();
    let public = url::Url::parse("https://vigie.example.org/veille/").unwrap();
    for (lang, see, ack) in [
        (Language::Fr, "Voir les ", "Acquitter l'alerte\u{202f}: "),
        (Language::En, "See the ", "Acknowledge the alert: "),
    ] {
        let cx = Context {
            lang,
            zone: &zone,
            story: None,
            acknowledged: None,
            workspace: Some(&public),
        };
        let e = alert_email(&Action::Open(reading(Kind::Volume)), &seen, &cx, now());
        let line = e
            .text
            .lines()
            .find(|l| l.starts_with(see))
            .unwrap_or_else(|| panic!("{}", e.text));
        assert!(
            line.ends_with(
                "https://vigie.example.org/veille/mentions?brand=Acme&state=all&period=1d"
            ),
            "{line}"
        );
        assert!(
            e.text.contains(&format!(
                "{ack}https://vigie.example.org/veille/alerts/open?brand=Acme&kind=volume"
            )),
            "{}",
            e.text
        );
        assert!(e.html.contains(
            "href=\"https://vigie.example.org/veille/alerts/open?brand=Acme&amp;kind=volume\""
        ));
        // The all clear asks nothing more.
        let close = alert_email(
            &Action::Close {
                alert: 1,
                reading: reading(Kind::Volume),
            },
            &seen,
            &cx,
            now(),
        );
        assert!(!close.text.contains("vigie.example.org"), "{}", close.text);
    }
    // Without one, no link: the emails of a daemon without a workspace stay as they were.
    let cx = Context {
        lang: Language::Fr,
        zone: &zone,
        story: None,
        acknowledged: None,
        workspace: None,
    };
    let e = alert_email(&Action::Open(reading(Kind::Volume)), &seen, &cx, now());
    assert!(!e.text.contains("Voir les"));
}

#[test]
fn a_volume_alert_weighed_by_engagement_says_what_the_mentions_weighed() {
    // Three mentions in the hour that, with their interactions, weigh 17: the email counts
    // the mentions and says what they weighed, in both languages.
    let weighed = Reading {
        observed: 17,
        total: 3,
        ..reading(Kind::Volume)
    };
    let fr = render(Kind::Volume, Language::Fr, Action::Open(weighed), None);
    assert!(
        fr.subject.contains("(poids 17 en 1 h, d'habitude"),
        "{}",
        fr.subject
    );
    assert!(
        fr.text
            .starts_with("3 mentions dans la dernière heure, d'un poids de 17 — d'habitude"),
        "{}",
        fr.text
    );
    let en = render(Kind::Volume, Language::En, Action::Open(weighed), None);
    assert!(
        en.text
            .starts_with("3 mentions in the last hour, weighing 17 — usually"),
        "{}",
        en.text
    );
    assert!(en.text.contains("weight 17 in 1 h"), "{}", en.text);
    // Counted as usual, nothing changes.
    let counted = render(
        Kind::Volume,
        Language::En,
        Action::Open(reading(Kind::Volume)),
        None,
    );
    assert!(!counted.text.contains("weigh"), "{}", counted.text);
}
