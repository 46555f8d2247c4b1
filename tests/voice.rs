//! Share of voice on a fixture of three brands with known counts: `vigie report sov`
//! prints each brand's share of mentions and of engagement, its net sentiment and its risk
//! mentions; irrelevant mentions and mentions before the period are left out.

mod common;

use std::time::Duration;

use common::vigie;
use jiff::Timestamp;
use vigie::analyze::sentiment::{Label, Lang, Sentiment};
use vigie::ingest::fetch::Validators;
use vigie::ingest::parse::Engagement;
use vigie::store::{Decision, NewMention, PollCommit, PollResult, Store};

/// A mention of `brand` published `days_ago`, with a tone and an engagement.
fn mention(
    brand: &str,
    n: usize,
    days_ago: u64,
    score: f32,
    engagement: Option<u64>,
) -> NewMention {
    let now = Timestamp::now();
    let at = now - Duration::from_secs(days_ago * 86_400 + 3600);
    let label = if score <= -0.05 {
        Label::Negative
    } else if score >= 0.05 {
        Label::Positive
    } else {
        Label::Neutral
    };
    let title = if score <= -0.5 {
        format!("{brand} : rappel de grille-pain qui prennent feu ({n})")
    } else {
        format!("{brand}, nouvelle mention numéro {n}")
    };
    NewMention {
        brand: brand.into(),
        dedup_key: format!("https://social.example/{brand}/{n}"),
        item_id: format!("{brand}-{n}"),
        url: Some(format!("https://social.example/{brand}/{n}")),
        snippet: title.clone(),
        text: title.clone(),
        risk: vigie::analyze::risk::assess(&title, Some(Lang::Fr)),
        simhash: None,
        title,
        author: None,
        lang: Some("fr".into()),
        published_at: at,
        published_estimated: false,
        news: true,
        fetched_at: at,
        matched_terms: vec![brand.to_lowercase()],
        sentiment: Sentiment {
            score,
            label,
            lang: Some(Lang::Fr),
        },
        engagement: engagement.and_then(|e| Engagement::of(&[("likes", Some(e))])),
        reach: None,
        rating: None,
    }
}

#[test]
fn share_of_voice_of_three_brands_with_known_counts() {
    let s = common::setup_watchlist(
        "[[brand]]\nname = \"Acme\"\n[[brand]]\nname = \"Globex\"\n[[brand]]\nname = \"Initech\"\n\
         [[source]]\nurl = \"https://social.example/feed\"\n\
         [[group]]\nname = \"Électroménager\"\nown = [\"Acme\"]\ncompetitors = [\"Globex\", \"Initech\"]\n",
    );
    let db = s.dir.path().join("v.db");
    let mut store = Store::open(&db).unwrap();
    // In the last 30 days: Acme 6 (3 negative, two of them a safety risk, 1 positive;
    // 600 likes), Globex 3 (2 positive; 200 likes), Initech 1 (neutral, none counted).
    // Left out: an Acme mention marked irrelevant, and Globex's from 40 days ago.
    let mut list = vec![
        mention("Acme", 1, 1, -0.8, Some(500)),
        mention("Acme", 2, 2, -0.7, None),
        mention("Acme", 3, 3, -0.2, Some(100)),
        mention("Acme", 4, 4, 0.6, None),
        mention("Acme", 5, 5, 0.0, None),
        mention("Acme", 6, 6, 0.0, None),
        mention("Acme", 7, 7, 0.0, Some(9_999)),
        mention("Globex", 1, 1, 0.5, Some(150)),
        mention("Globex", 2, 2, 0.4, Some(50)),
        mention("Globex", 3, 3, 0.0, None),
        mention("Globex", 4, 40, 0.0, Some(10_000)),
        mention("Initech", 1, 1, 0.0, None),
    ];
    list.sort_by_key(|m| m.published_at);
    let now = Timestamp::now();
    store
        .commit_poll(&PollCommit {
            url: "https://social.example/feed".into(),
            checked_at: now,
            next_check_at: now + Duration::from_secs(600),
            result: PollResult::Fetched {
                repairs: Vec::new(),
                validators: Validators::default(),
                ttl: None,
                item_count: list.len(),
                mentions: list,
                newest_item: None,
                cadence: None,
            },
        })
        .unwrap();
    let irrelevant = store
        .mentions(&vigie::store::MentionQuery {
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .find(|m| m.title.ends_with("numéro 7"))
        .unwrap();
    store
        .decide(
            &[irrelevant.id],
            &Decision::State(vigie::store::MentionState::Irrelevant),
            "cm",
            now,
        )
        .unwrap();
    drop(store);

    let out = vigie(
        &s.config,
        &[
            "report",
            "sov",
            "--group",
            "electromenager",
            "--since",
            "30d",
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["group"], "Électroménager");
    let row = |i: usize| &v["brands"][i];
    let brands: Vec<&str> = (0..3)
        .map(|i| row(i)["figures"]["brand"].as_str().unwrap())
        .collect();
    assert_eq!(brands, ["Acme", "Globex", "Initech"]);
    let counts: Vec<u64> = (0..3)
        .map(|i| row(i)["figures"]["mentions"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [6, 3, 1]);
    let shares: Vec<f64> = (0..3)
        .map(|i| row(i)["mentions"].as_f64().unwrap())
        .collect();
    assert_eq!(shares, [0.6, 0.3, 0.1]);
    let engaged: Vec<f64> = (0..3)
        .map(|i| row(i)["engagement"].as_f64().unwrap())
        .collect();
    assert_eq!(engaged, [0.75, 0.25, 0.0]);
    let net = |i: usize| row(i)["net_sentiment"].as_f64().unwrap();
    assert!((net(0) - (1.0 - 3.0) / 6.0).abs() < 1e-9, "{}", net(0));
    assert!((net(1) - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(net(2), 0.0);
    assert_eq!(row(0)["figures"]["risk"], 2, "{v}");
    assert_eq!(
        (row(0)["own"].as_bool(), row(1)["own"].as_bool()),
        (Some(true), Some(false))
    );

    let out = vigie(&s.config, &["report", "sov", "--group", "Électroménager"]);
    let table = String::from_utf8_lossy(&out.stdout);
    let acme = table.lines().find(|l| l.starts_with("Acme (own)")).unwrap();
    for cell in ["6", "60%", "600", "75%", "-33", "2"] {
        assert!(
            acme.split_whitespace().any(|c| c == cell),
            "{cell} in {acme:?}\n{table}"
        );
    }

    let out = vigie(&s.config, &["report", "sov", "--group", "Jardin"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no [[group]] named \"Jardin\"") && err.contains("\"Électroménager\""),
        "{err}"
    );
}
