//! The daemon loop under paused tokio time: polls when due, stops on its shutdown future,
//! leaves everything committed.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{rss, setup, write};
use jiff::Timestamp;
use vigie::analyze::sentiment::Label;
use vigie::service::daemon;
use vigie::store::{MentionQuery, Store};

#[tokio::test(start_paused = true)]
async fn polls_when_due_and_stops_cleanly_with_everything_committed() {
    let dir = tempfile::tempdir().unwrap();
    let feed_path = dir.path().join("feed.xml");
    write(
        &feed_path,
        &rss(&[("one", "Acme opens a shop", "Acme in Lyon")]),
    );
    let url = url::Url::from_file_path(&feed_path).unwrap().to_string();
    let s = setup(std::slice::from_ref(&url), "", "interval = \"15m\"");
    let start: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
    let clock = daemon::anchored_clock(start);
    let poller = Arc::new(common::poller(&s, start));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(daemon::run(poller.clone(), clock.clone(), async {
        let _ = stopped.await;
    }));

    // First poll happens at once.
    let mut waited = 0;
    while poller.with_store(|s| s.mention_count()).await.unwrap() == 0 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        waited += 1;
        assert!(waited < 60, "no first poll within a minute");
    }
    let first = poller.source_rows().await.unwrap().remove(0);
    assert_eq!(first.last_success_at, Some(start));
    assert_eq!(first.next_check_at, start + Duration::from_secs(15 * 60));

    // A new item appears; nothing is polled before the interval is over.
    write(
        &feed_path,
        &rss(&[
            ("one", "Acme opens a shop", "Acme in Lyon"),
            ("two", "Acme Corp hires", "50 jobs"),
        ]),
    );
    tokio::time::sleep(Duration::from_secs(10 * 60)).await;
    assert_eq!(
        poller.with_store(|s| s.mention_count()).await.unwrap(),
        1,
        "polled too early"
    );
    tokio::time::sleep(Duration::from_secs(6 * 60)).await;
    assert_eq!(
        poller.with_store(|s| s.mention_count()).await.unwrap(),
        2,
        "second poll did not happen"
    );
    let second = poller.source_rows().await.unwrap().remove(0);
    assert_eq!(
        second.last_success_at,
        Some(start + Duration::from_secs(15 * 60))
    );

    stop.send(()).unwrap();
    let result = tokio::time::timeout(Duration::from_secs(60), handle).await;
    result
        .expect("daemon did not stop")
        .expect("daemon task panicked")
        .expect("daemon returned an error");

    // Everything is committed: a fresh connection sees both mentions and the source state.
    drop(poller);
    let (config, _) = vigie::settings::load(&s.config).unwrap();
    let store = Store::open(&config.database).unwrap();
    let titles: Vec<String> = store
        .mentions(&MentionQuery {
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect();
    assert_eq!(titles, ["Acme Corp hires", "Acme opens a shop"]);
    assert_eq!(store.source(&url).unwrap().unwrap().consecutive_errors, 0);
}

#[tokio::test(start_paused = true)]
async fn a_failing_source_backs_off_while_the_others_keep_their_pace() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xml");
    write(&good, &rss(&[("g", "Acme", "Acme")]));
    let good_url = url::Url::from_file_path(&good).unwrap().to_string();
    let missing_url = url::Url::from_file_path(dir.path().join("missing.xml"))
        .unwrap()
        .to_string();
    let s = setup(
        &[good_url.clone(), missing_url.clone()],
        "",
        "interval = \"10m\"",
    );
    let start: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
    let poller = Arc::new(common::poller(&s, start));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(daemon::run(
        poller.clone(),
        daemon::anchored_clock(start),
        async {
            let _ = stopped.await;
        },
    ));

    // 75 minutes: the good source is polled every 10 min; the missing one at 0, 10, 30, 70.
    tokio::time::sleep(Duration::from_secs(75 * 60)).await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();

    let rows = poller.source_rows().await.unwrap();
    let bad = rows.iter().find(|r| r.url == missing_url).unwrap();
    assert_eq!(
        bad.consecutive_errors, 4,
        "failures at 0, 10, 30 and 70 minutes"
    );
    assert!(
        bad.last_error.as_deref().unwrap().contains("No such file"),
        "{:?}",
        bad.last_error
    );
    assert_eq!(
        bad.next_check_at,
        start + Duration::from_secs(150 * 60),
        "next wait is 80 min"
    );
    let ok = rows.iter().find(|r| r.url == good_url).unwrap();
    assert_eq!(ok.consecutive_errors, 0);
    assert_eq!(
        ok.last_success_at,
        Some(start + Duration::from_secs(70 * 60))
    );
}

#[tokio::test]
async fn mentions_stored_without_sentiment_are_scored_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let feed_path = dir.path().join("feed.xml");
    write(
        &feed_path,
        &rss(&[
            ("one", "Acme: le SAV est lamentable", "Personne ne répond."),
            ("two", "Acme ouvre à Lyon", "Un magasin de plus."),
        ]),
    );
    let url = url::Url::from_file_path(&feed_path).unwrap().to_string();
    let s = setup(std::slice::from_ref(&url), "", "");
    let now: Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
    let poller = common::poller(&s, now);
    poller.poll_all(now, |_| {}).await;

    // What a database written by a version without sentiment looks like.
    let db = s.dir.path().join("data/vigie.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "UPDATE mentions SET sentiment = NULL, sentiment_label = NULL, sentiment_lang = NULL",
        )
        .unwrap();
    assert_eq!(poller.score_unscored().await.unwrap(), 2);
    assert_eq!(poller.score_unscored().await.unwrap(), 0, "nothing left");

    let store = Store::open(&db).unwrap();
    let mut rows = store
        .mentions(&MentionQuery {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    rows.sort_by_key(|m| m.published_at);
    let labels: Vec<_> = rows
        .iter()
        .map(|m| {
            (
                m.title.as_str(),
                m.sentiment_label,
                m.sentiment_lang.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            (
                "Acme: le SAV est lamentable",
                Some(Label::Negative),
                Some("fr")
            ),
            ("Acme ouvre à Lyon", Some(Label::Neutral), Some("fr")),
        ]
    );
}
