//! How long a digest takes to prepare once its figures are read: composing (a PNG chart per
//! brand) and rendering the templates, for a watchlist of 10 brands with 30 days of history
//! at 200 mentions a day each (60,000 points), then building the email (MIME, base64).
//!
//! Best and median of seven runs. Run with `cargo bench --bench digest`.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use vigie::analyze::alert::Point;
use vigie::digest::compose;
use vigie::digest::templates::Templates;
use vigie::settings::digest::DigestOverride;
use vigie::settings::watchlist::Language;
use vigie::store::{BrandFigures, DigestInput, Found, Sample};

const BRANDS: usize = 10;
const PER_DAY: u64 = 200;
const RUNS: usize = 7;

fn main() {
    let end: Timestamp = "2026-11-23T07:00:00Z".parse().unwrap();
    let start = end - Duration::from_secs(86_400);
    let sample = |i: u64, score: f64| Sample {
        title: format!("Acme et la mention numéro {i} de la journée"),
        url: Some(format!("https://news{}.example.fr/{i}", i % 7)),
        source: "https://news.example.fr/rss".into(),
        snippet: format!("Selon nos informations, Acme a réagi à l'article {i}."),
        matched_terms: vec!["acme".into()],
        sentiment: Some(score),
        published_at: start + Duration::from_secs(i * 300),
        risk: Vec::new(),
        source_name: None,
        engagement: None,
        reach: None,
    };
    let brands: Vec<BrandFigures> = (0..BRANDS)
        .map(|b| BrandFigures {
            brand: format!("Marque {b}"),
            count: PER_DAY,
            negative: PER_DAY / 5,
            positive: PER_DAY / 4,
            previous: PER_DAY - 20,
            last_28_days: PER_DAY * 28,
            found: PER_DAY,
            found_negative: PER_DAY / 5,
            found_positive: PER_DAY / 4,
            earliest: Some(end - Duration::from_secs(60 * 86_400)),
            points: (0..30 * PER_DAY)
                .map(|i| Point {
                    published: end - Duration::from_secs(1 + i * 86_400 / PER_DAY),
                    negative: i % 5 == 0,
                    risk: vigie::analyze::risk::Risk::none(),
                })
                .rev()
                .collect(),
            top_negative: (0..3).map(|i| sample(i, -0.6)).collect(),
            top_positive: (0..3).map(|i| sample(i, 0.6)).collect(),
        })
        .collect();
    let found = (0..2000)
        .map(|i| Found {
            brand: "Marque 0".into(),
            sample: sample(i % 400, 0.0),
            story: (i % 400) as i64,
        })
        .collect();
    let input = DigestInput {
        brands,
        found,
        alerts: Vec::new(),
        sources: Vec::new(),
        dead: Vec::new(),
        watched_since: Some(end - Duration::from_secs(90 * 86_400)),
        engaged: Vec::new(),
        voice: Vec::new(),
    };
    let schedule = DigestOverride::default()
        .schedule(&Default::default())
        .unwrap();
    let templates = Templates::built_in();
    let from: lettre::message::Mailbox = "Vigie <vigie@example.org>".parse().unwrap();
    let recipients = vec!["cm@example.org".to_string()];

    let mut compose_times = Vec::new();
    let mut email_times = Vec::new();
    let mut size = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let digest = compose("bench", Language::Fr, &schedule, &input, (start, end), end);
        compose_times.push(t.elapsed());
        let t = Instant::now();
        let emails = digest.emails(&templates, &from, &recipients, end).unwrap();
        email_times.push(t.elapsed());
        size = emails[0].message.len();
        assert_eq!(digest.charts.len(), BRANDS);
    }
    compose_times.sort();
    email_times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "digest of {BRANDS} brands, {} points: compose (charts, stories) best {:.1} ms, median {:.1} ms",
        BRANDS as u64 * 30 * PER_DAY,
        ms(compose_times[0]),
        ms(compose_times[RUNS / 2])
    );
    println!(
        "render templates and build the email: best {:.1} ms, median {:.1} ms; message {} KiB",
        ms(email_times[0]),
        ms(email_times[RUNS / 2]),
        size / 1024
    );
}
