//! The store's own tests, on real SQLite files.

use std::time::Duration;

use super::*;
use crate::analyze::risk::Category;
use crate::analyze::search::Search;
use crate::analyze::sentiment::{Label, Lang};
use crate::ingest::fetch::Validators;
use crate::settings::watchlist::PlannedSource;
use crate::settings::watchlist::SourceKind;

fn mention(brand: &str, key: &str, title: &str, text: &str, at: i64) -> NewMention {
    NewMention {
        brand: brand.into(),
        dedup_key: key.into(),
        item_id: key.into(),
        url: Some(key.into()),
        title: title.into(),
        snippet: text.into(),
        text: text.into(),
        author: None,
        lang: Some("fr".into()),
        published_at: Timestamp::from_second(at).unwrap(),
        published_estimated: false,
        news: true,
        fetched_at: Timestamp::from_second(at).unwrap(),
        matched_terms: vec![brand.into()],
        sentiment: crate::analyze::sentiment::score(&format!("{title}. {text}"), Some(Lang::Fr)),
        risk: crate::analyze::risk::assess(&format!("{title}. {text}"), Some(Lang::Fr)),
        simhash: crate::analyze::story::fingerprint(title, text),
        engagement: None,
        reach: None,
        rating: None,
    }
}

fn fetched(mentions: Vec<NewMention>) -> PollCommit {
    PollCommit {
        url: "https://feed.example/rss".into(),
        checked_at: Timestamp::from_second(1_000).unwrap(),
        next_check_at: Timestamp::from_second(1_900).unwrap(),
        result: PollResult::Fetched {
            repairs: Vec::new(),
            validators: Validators {
                etag: Some("\"v1\"".into()),
                last_modified: None,
            },
            ttl: Some(Duration::from_secs(3600)),
            item_count: mentions.len(),
            mentions,
            newest_item: None,
            cadence: None,
        },
    }
}

#[test]
fn pruning_deletes_old_mentions_in_batches_and_unlinks_their_copies() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("v.db")).unwrap();
    let recall = "Acme rappelle 40 000 grille-pain après plusieurs départs de feu";
    s.commit_poll(&fetched(vec![
        mention("Acme", "https://a/old1", "Rappel Acme", recall, 100),
        mention(
            "Acme",
            "https://a/old2",
            "Acme au salon de Lyon",
            "Un stand Acme très fréquenté cette année",
            200,
        ),
    ]))
    .unwrap();
    // A copy of the old recall, found later: it joins the old story.
    s.commit_poll(&fetched(vec![mention(
        "Acme",
        "https://b/copy",
        "Acme rappelle ses grille-pain",
        recall,
        10_000,
    )]))
    .unwrap();
    let q = MentionQuery {
        limit: 10,
        ..Default::default()
    };
    let copy = |s: &Store| {
        s.mentions(&q)
            .unwrap()
            .into_iter()
            .find(|m| m.url.as_deref() == Some("https://b/copy"))
            .unwrap()
    };
    assert!(copy(&s).story.is_some());

    let cutoff = Timestamp::from_second(5_000).unwrap();
    assert_eq!(s.prune_mentions(cutoff, 1).unwrap(), 1, "one batch of one");
    assert_eq!(s.prune_mentions(cutoff, 10).unwrap(), 1);
    assert_eq!(s.prune_mentions(cutoff, 10).unwrap(), 0);
    assert_eq!(s.mention_count().unwrap(), 1);
    assert_eq!(copy(&s).story, None, "the copy is a story of its own now");
    // The full-text index forgot them too.
    let found = s
        .mentions(&MentionQuery {
            search: Some(Search::parse("salon").unwrap()),
            ..q.clone()
        })
        .unwrap();
    assert!(found.is_empty());
    assert_eq!(s.integrity_check().unwrap(), "ok");

    let backup = dir.path().join("backup.db");
    s.backup(&backup).unwrap();
    let b = Store::open(&backup).unwrap();
    assert_eq!(b.mention_count().unwrap(), 1);
    assert_eq!(b.integrity_check().unwrap(), "ok");
    assert!(matches!(
        s.backup(&backup),
        Err(StoreError::BackupExists { .. })
    ));
}

#[test]
fn migrations_run_once_and_reopening_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/v.db");
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), schema::MIGRATIONS.len());
    s.commit_poll(&fetched(vec![mention("Acme", "https://a/1", "t", "x", 10)]))
        .unwrap();
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.mention_count().unwrap(), 1);
    let mode: String = s
        .conn()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn the_same_mention_is_stored_once_per_brand() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("v.db")).unwrap();
    let batch = vec![
        mention("Acme", "https://a/1", "t", "x", 10),
        mention("Globex", "https://a/1", "t", "x", 10),
    ];
    assert_eq!(s.commit_poll(&fetched(batch.clone())).unwrap(), 2);
    assert_eq!(s.commit_poll(&fetched(batch)).unwrap(), 0);
    assert_eq!(s.mention_count().unwrap(), 2);
}

#[test]
fn source_state_follows_successes_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("v.db")).unwrap();
    let url = "https://feed.example/rss";
    let planned = PlannedSource {
        credentials: None,
        url: url.into(),
        kind: SourceKind::Feed,
        adapter: Default::default(),
        interval: std::time::Duration::from_secs(60),
        brands: std::sync::Arc::new([]),
        name: None,
    };
    s.sync_sources(&[planned], Timestamp::from_second(500).unwrap())
        .unwrap();
    assert_eq!(
        s.source(url).unwrap().unwrap().next_check_at.as_second(),
        500
    );
    let fail = |n: i64| PollCommit {
        url: url.into(),
        checked_at: Timestamp::from_second(n).unwrap(),
        next_check_at: Timestamp::from_second(n + 60).unwrap(),
        result: PollResult::Failed {
            error: "HTTP 500".into(),
            problem: crate::ingest::problem::Problem::Status(500),
        },
    };
    s.commit_poll(&fail(600)).unwrap();
    s.commit_poll(&fail(700)).unwrap();
    let row = s.source(url).unwrap().unwrap();
    assert_eq!(
        (row.consecutive_errors, row.last_error.as_deref()),
        (2, Some("HTTP 500"))
    );
    assert_eq!(row.last_success_at, None);
    s.commit_poll(&fetched(vec![])).unwrap();
    let row = s.source(url).unwrap().unwrap();
    assert_eq!(row.consecutive_errors, 0);
    assert_eq!(row.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(row.ttl, Some(Duration::from_secs(3600)));
    assert_eq!(
        row.last_error.as_deref(),
        Some("HTTP 500"),
        "the last error stays on record"
    );
}

#[test]
fn search_reads_the_query_language_with_stems_accents_and_elisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("v.db")).unwrap();
    s.commit_poll(&fetched(vec![
        mention(
            "Acme",
            "https://a/1",
            "Rappel massif",
            "Le rappel d’ACMÉ inquiète les clients",
            10,
        ),
        mention(
            "Acme",
            "https://a/2",
            "Bonne nouvelle",
            "Acme ouvre une usine à Lyon",
            20,
        ),
        mention(
            "Velocita",
            "https://a/3",
            "Freins défaillants",
            "Les freins de la Velocita lâchent",
            30,
        ),
        mention(
            "Moreau",
            "https://a/4",
            "Sablés Moreau",
            "Traces d'arachide dans les sablés",
            40,
        ),
        mention(
            "Moreau",
            "https://a/5",
            "Allergènes",
            "Présence d'allergènes non déclarés : arachide",
            50,
        ),
    ]))
    .unwrap();
    let find_n = |q: &str, limit: usize| -> Vec<i64> {
        s.mentions(&MentionQuery {
            search: Some(Search::parse(q).unwrap()),
            limit,
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|m| m.published_at.as_second())
        .collect()
    };
    let find = |q: &str| find_n(q, 10);
    assert_eq!(find("l'acme inquiete"), [10]);
    assert_eq!(find("RAPPEL"), [10]);
    assert_eq!(find("usine lyon"), [20]);
    assert_eq!(find("acm*"), [20, 10]);
    assert_eq!(find("frein"), [30], "a singular finds the plural");
    assert_eq!(find("allergene"), [50], "and without its accent");
    assert_eq!(find("frein OR allergène"), [50, 30]);
    assert_eq!(find("Velocita AND freins"), [30]);
    assert_eq!(find("arachide -sablés"), [50]);
    assert_eq!(find("title:rappel"), [10]);
    assert_eq!(find("title:acme"), Vec::<i64>::new());
    // The index finds both words in the second mention; the phrase is only in one.
    assert_eq!(find("\"acme ouvre\""), [20]);
    assert_eq!(find("frein NEAR/1 velocita"), Vec::<i64>::new());
    assert_eq!(find("frein NEAR/2 velocita"), [30]);
    assert_eq!(find("site:a rappel"), [10]);
    assert_eq!(find("site:b rappel"), Vec::<i64>::new());
    // The limit counts what the search found, not what the index offered.
    assert_eq!(find_n("arachide", 1), [50]);
    assert_eq!(find_n("arachide -allergene", 1), [40]);
}

#[test]
fn mentions_keep_their_sentiment_and_can_be_filtered_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("s.db")).unwrap();
    s.commit_poll(&fetched(vec![
        mention(
            "Acme",
            "https://a/1",
            "Acme",
            "Service client nul, je suis déçu",
            10,
        ),
        mention(
            "Acme",
            "https://a/2",
            "Acme",
            "Acme ouvre une usine à Lyon",
            20,
        ),
        mention("Acme", "https://a/3", "Acme", "Génial, bravo Acme !", 30),
    ]))
    .unwrap();
    let with = |label: Option<Label>| -> Vec<(i64, Option<Label>)> {
        s.mentions(&MentionQuery {
            sentiment: label,
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|m| (m.published_at.as_second(), m.sentiment_label))
        .collect()
    };
    assert_eq!(
        with(None),
        [
            (30, Some(Label::Positive)),
            (20, Some(Label::Neutral)),
            (10, Some(Label::Negative))
        ]
    );
    assert_eq!(with(Some(Label::Negative)), [(10, Some(Label::Negative))]);
    let rows = s
        .mentions(&MentionQuery {
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert!(rows[0].sentiment.unwrap() > 0.3);
    assert_eq!(rows[0].sentiment_lang.as_deref(), Some("fr"));
    assert!(s.unscored_mentions(10).unwrap().is_empty());
}

#[test]
fn the_upgrade_takes_passwords_out_of_stored_urls() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database as version 5 left it: a source keyed with its password, its clean
        // twin (the same feed listed again since), and links resolved against it.
        let c = Connection::open(&path).unwrap();
        let tx = c.unchecked_transaction().unwrap();
        for step in &schema::MIGRATIONS[..5] {
            step.run(&tx).unwrap();
        }
        tx.commit().unwrap();
        c.pragma_update(None, "user_version", 5).unwrap();
        c.execute_batch(
            "INSERT INTO sources (id, url, kind, created_at) VALUES
                 (1, 'https://bob:s3cret@f.example/rss', 'feed', 0),
                 (2, 'https://ann:pw@g.example/rss', 'feed', 0),
                 (3, 'https://g.example/rss', 'feed', 0);
             INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet, text,
                 published_at, fetched_at, matched_terms)
             VALUES ('Acme', 1, 'https://bob:s3cret@f.example/a', 'a', 'https://bob:s3cret@f.example/a',
                     'Acme', 's', 't', 5, 5, '[]'),
                    ('Acme', 2, 'https://ann:pw@g.example/b', 'b', 'https://ann:pw@g.example/b',
                     'Acme', 's', 't', 5, 5, '[]'),
                    ('Acme', 3, 'https://g.example/b', 'b', 'https://g.example/b',
                     'Acme', 's', 't', 5, 5, '[]');",
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let sources: Vec<String> = s.sources().unwrap().into_iter().map(|r| r.url).collect();
    assert_eq!(sources, ["https://f.example/rss", "https://g.example/rss"]);
    let rows = s
        .mentions(&MentionQuery {
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows.len(), 3, "nothing lost");
    for m in &rows {
        assert!(!m.url.as_deref().unwrap().contains('@'), "{m:?}");
        assert!(!m.source.contains('@'), "{m:?}");
    }
    drop(s);
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("s3cret") && !text.contains("ann:pw"));
}

#[test]
fn a_database_from_before_sentiment_is_upgraded_and_its_mentions_can_be_scored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database as version 1 left it, with one mention.
        let c = Connection::open(&path).unwrap();
        let tx = c.unchecked_transaction().unwrap();
        schema::MIGRATIONS[0].run(&tx).unwrap();
        tx.commit().unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute_batch(
            "INSERT INTO sources (url, kind, created_at) VALUES ('https://f/rss', 'feed', 0);
             INSERT INTO mentions (brand, source_id, dedup_key, item_id, title, snippet, text,
                 published_at, fetched_at, matched_terms)
             VALUES ('Acme', 1, 'k', 'k', 'Acme', 's', 'Acme est vraiment nul', 5, 5, '[\"acme\"]');",
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    let old = s
        .mentions(&MentionQuery {
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!((old[0].sentiment, old[0].sentiment_label), (None, None));

    let unscored = s.unscored_mentions(10).unwrap();
    assert_eq!(unscored.len(), 1);
    assert_eq!(unscored[0].text, "Acme est vraiment nul");
    let score = crate::analyze::sentiment::score(&unscored[0].text, None);
    let risk = crate::analyze::risk::assess(&unscored[0].text, None);
    s.set_sentiments(&[(unscored[0].id, score, risk)]).unwrap();
    let negative = s
        .mentions(&MentionQuery {
            sentiment: Some(Label::Negative),
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(negative.len(), 1);
    assert!(s.unscored_mentions(10).unwrap().is_empty());
}

fn stories_of(s: &Store) -> Vec<(String, Option<i64>, i64)> {
    s.conn()
        .prepare("SELECT dedup_key, story_id, id FROM mentions ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_poll_that_fails_inside_a_group_commit_is_rolled_back_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("v.db")).unwrap();
    // A disk-level refusal of one poll's rows, as a constraint would make it.
    s.conn()
        .execute_batch(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON mentions WHEN NEW.title = 'boom'
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
    let poll = |url: &str, title: &str, key: &str| PollCommit {
        url: url.into(),
        ..fetched(vec![mention(
            "Acme",
            key,
            title,
            "Acme ouvre une boutique",
            500,
        )])
    };
    let results = s.commit_polls(&[
        poll("https://one.example/rss", "Acme à Lyon", "https://one/1"),
        poll("https://two.example/rss", "boom", "https://two/1"),
        poll(
            "https://three.example/rss",
            "Acme à Nantes",
            "https://three/1",
        ),
    ]);
    assert_eq!(results.len(), 3);
    assert_eq!(*results[0].as_ref().unwrap(), 1);
    assert!(
        results[1]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("refused")
    );
    assert_eq!(*results[2].as_ref().unwrap(), 1);
    let keys: Vec<String> = stories_of(&s).into_iter().map(|(k, ..)| k).collect();
    assert_eq!(keys, ["https://one/1", "https://three/1"]);
    // The failed poll left no trace of itself, not even its source's state.
    let two = s.source("https://two.example/rss").unwrap();
    assert!(two.is_none_or(|r| r.last_checked_at.is_none()));
    let one = s.source("https://one.example/rss").unwrap().unwrap();
    assert!(one.last_checked_at.is_some());
}

#[test]
fn a_copy_stored_by_another_connection_is_a_story_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut daemon = Store::open(&path).unwrap();
    let mut beside = Store::open(&path).unwrap();
    let recall =
        "Acme rappelle 40 000 grille-pain après plusieurs départs de feu dans des cuisines";
    // The daemon knows nothing yet; a `vigie poll` beside it stores the first copy.
    daemon
        .commit_poll(&fetched(vec![mention(
            "Acme",
            "https://x/0",
            "Salon",
            "Acme expose à Lyon cette semaine",
            1_000,
        )]))
        .unwrap();
    beside
        .commit_poll(&fetched(vec![mention(
            "Acme",
            "https://a/1",
            "Rappel Acme",
            recall,
            1_000,
        )]))
        .unwrap();
    // The daemon's next poll stores another copy of that story: it must find the first.
    daemon
        .commit_poll(&fetched(vec![mention(
            "Acme",
            "https://b/1",
            "Acme : rappel",
            recall,
            1_060,
        )]))
        .unwrap();
    let rows = stories_of(&daemon);
    let first = rows.iter().find(|r| r.0 == "https://a/1").unwrap().2;
    let copy = rows.iter().find(|r| r.0 == "https://b/1").unwrap();
    assert_eq!(copy.1, Some(first));
}

#[test]
fn brands_marked_by_a_poll_are_reviewed_after_a_stop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let brands = vec!["Acme".to_string(), "Globex".to_string()];
    {
        let mut s = Store::open(&path).unwrap();
        s.commit_poll(&fetched(vec![mention(
            "Acme",
            "https://a/1",
            "Acme",
            "Acme à Lyon",
            900,
        )]))
        .unwrap();
        // Stopped here: the review that would have followed never ran.
    }
    let mut s = Store::open(&path).unwrap();
    let mut seen = Vec::new();
    let reviewed = s
        .review_alerts(
            &brands,
            Timestamp::from_second(1_000).unwrap(),
            false,
            &mut |a| {
                seen.push((a.brand.clone(), a.points.len()));
                Vec::new()
            },
        )
        .unwrap();
    assert_eq!(reviewed, 1);
    assert_eq!(seen, [("Acme".to_string(), 1)]);
    // Reviewed once: nothing left to review.
    let again = s
        .review_alerts(
            &brands,
            Timestamp::from_second(1_010).unwrap(),
            false,
            &mut |_| panic!("nothing changed"),
        )
        .unwrap();
    assert_eq!(again, 0);
}

#[test]
fn the_story_index_picks_the_story_that_reading_the_rows_would() {
    // Mentions of three brands, copies of a few stories with a few bits flipped, some far
    // apart in time, some fetched out of order: each joins, through the index, the story
    // that reading its brand's earlier rows by fetch time picks.
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("v.db")).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let bases: Vec<u64> = (0..12).map(|_| next()).collect();
    let mut at = 10_000_000_i64;
    for i in 0..600 {
        let brand = ["Acme", "Globex", "Initech"][(next() % 3) as usize];
        let mut hash = bases[(next() % 12) as usize];
        for _ in 0..(next() % 16) {
            hash ^= 1 << (next() % 64);
        }
        at += match next() % 10 {
            0 => 3 * 24 * 3600, // days later: older copies leave the window
            1 => -7200,         // a clock set back
            _ => 60,
        };
        let mut m = mention(brand, &format!("https://x/{i}"), "t", "x", at);
        m.simhash = Some(hash);
        let mut poll = fetched(vec![m]);
        poll.url = format!("https://feed{}.example/", i % 7);
        s.commit_poll(&poll).unwrap();
    }
    let rows: Vec<(i64, String, i64, i64, Option<i64>)> = s
        .conn()
        .prepare("SELECT id, brand, fetched_at, simhash, story_id FROM mentions ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let window = crate::analyze::story::STORY_WINDOW.as_secs() as i64;
    let mut joined = 0;
    for (i, (id, brand, fetched, hash, story)) in rows.iter().enumerate() {
        let expected = rows[..i]
            .iter()
            .filter(|r| &r.1 == brand && r.2 >= fetched - window)
            .map(|r| {
                let d = crate::analyze::story::distance(*hash as u64, r.3 as u64);
                (d, r.4.unwrap_or(r.0))
            })
            .filter(|(d, _)| *d <= crate::analyze::story::MAX_DISTANCE)
            .min()
            .map(|(_, story)| story);
        assert_eq!(*story, expected, "mention {id}");
        joined += usize::from(story.is_some());
    }
    // The case is worth something: many copies joined, many did not.
    assert!(joined > 150 && joined < 550, "{joined} joined");
}

#[test]
fn the_alerts_table_grows_new_kinds_without_losing_alerts_or_their_emails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database as version 10 left it: an open volume alert with a sent email.
        let c = Connection::open(&path).unwrap();
        let tx = c.unchecked_transaction().unwrap();
        for step in &schema::MIGRATIONS[..10] {
            step.run(&tx).unwrap();
        }
        tx.commit().unwrap();
        c.pragma_update(None, "user_version", 10).unwrap();
        c.execute_batch(
            "INSERT INTO sources (id, url, kind, created_at) VALUES (1, 'https://f.example/rss', 'feed', 0);
             INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet, text,
                 published_at, fetched_at, matched_terms, sentiment, sentiment_label)
             VALUES ('Acme', 1, 'k', 'a', 'https://f.example/a', 'Acme rappelle ses bouilloires',
                     's', 'Acme rappelle ses bouilloires après des départs de feu', 5, 5, '[]',
                     0.0, 'neutral');
             INSERT INTO alerts (id, brand, kind, state, window_seconds, opened_at, observed, total,
                 baseline, statistic, threshold)
             VALUES (4, 'Acme', 'volume', 'open', 3600, 100, 9, 9, 0.5, 1e-9, 2e-5);
             INSERT INTO outbox (alert_id, purpose, priority, recipient, message_id, subject,
                 message, created_at, state, next_attempt_at, sent_at)
             VALUES (4, 'alert', 0, 'team@example.com', '<m@x>', 's', x'00', 100, 'sent', 100, 101);",
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    let alerts = s.alerts(false, 10).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].id, alerts[0].emails_sent), (4, 1), "{alerts:?}");
    // Stored before risk was read: read again at the next start, with its sentiment.
    assert_eq!(s.unscored_mentions(10).unwrap().len(), 1);
    // The new kinds are accepted, and an alert can be acknowledged.
    assert!(
        s.acknowledge(4, None, Some("on it"), Timestamp::from_second(200).unwrap())
            .unwrap()
    );
    assert!(
        !s.acknowledge(99, None, None, Timestamp::from_second(200).unwrap())
            .unwrap()
    );
    let a = &s.alerts(false, 10).unwrap()[0];
    assert_eq!(a.ack_note.as_deref(), Some("on it"));
    assert_eq!(
        a.acknowledged_at,
        Some(Timestamp::from_second(200).unwrap())
    );
    let c = Connection::open(&path).unwrap();
    c.execute(
        "INSERT INTO alerts (brand, kind, state, window_seconds, opened_at, observed, total,
             baseline, statistic, threshold) VALUES ('Acme', 'spread', 'open', 3600, 300, 30, 30, 1, 30, 5)",
        [],
    )
    .unwrap();
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}

#[test]
fn decisions_leave_irrelevant_mentions_out_of_every_figure_and_corrections_replace_readings() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("v.db")).unwrap();
    let recall = "Acme rappelle 40 000 grille-pain après plusieurs départs de feu";
    s.commit_poll(&fetched(vec![
        mention("Acme", "https://a/1", "Rappel Acme", recall, 1_000),
        mention(
            "Acme",
            "https://a/2",
            "Bravo Acme",
            "Bravo Acme, encore une roue voilée, merci du cadeau",
            2_000,
        ),
        mention(
            "Acme",
            "https://a/3",
            "Acme au salon",
            "Un stand Acme très fréquenté",
            3_000,
        ),
    ]))
    .unwrap();
    // A copy of the recall on another site joins its story.
    s.commit_poll(&fetched(vec![mention(
        "Acme",
        "https://b/copy",
        "Acme rappelle ses grille-pain",
        recall,
        4_000,
    )]))
    .unwrap();
    let all = |s: &Store, states: Vec<MentionState>| {
        s.mentions(&MentionQuery {
            limit: 10,
            states,
            ..Default::default()
        })
        .unwrap()
    };
    let rows = all(&s, vec![]);
    assert_eq!(rows.len(), 4);
    let id = |title: &str| rows.iter().find(|m| m.title == title).unwrap().id;
    let (recall_id, sarcasm, salon) = (id("Rappel Acme"), id("Bravo Acme"), id("Acme au salon"));
    let (from, to) = (
        Timestamp::from_second(0).unwrap(),
        Timestamp::from_second(10_000).unwrap(),
    );
    // Stories, as detection counts them: the recall (with its copy), the sarcasm, the salon.
    assert_eq!(s.points("Acme", from, to).unwrap().len(), 3);

    // Irrelevant: the story and its copy leave the list, the points and the export.
    let now = Timestamp::from_second(5_000).unwrap();
    let changed = s
        .decide(
            &[recall_id],
            &Decision::State(MentionState::Irrelevant),
            "camille",
            now,
        )
        .unwrap();
    assert_eq!(changed.len(), 2, "the copy follows its story");
    assert_eq!(all(&s, vec![]).len(), 2);
    assert_eq!(
        all(&s, vec![MentionState::Irrelevant]).len(),
        2,
        "still stored"
    );
    assert_eq!(s.points("Acme", from, to).unwrap().len(), 2);
    let mut exported = Vec::new();
    s.export_mentions(None, &mut |m| {
        exported.push(m.title);
        true
    })
    .unwrap();
    assert!(
        !exported.iter().any(|t| t.contains("appel")),
        "{exported:?}"
    );

    // The sarcasm, scored positive, corrected: negative everywhere, the computed kept.
    let before = all(&s, vec![])
        .into_iter()
        .find(|m| m.id == sarcasm)
        .unwrap();
    assert_eq!(before.sentiment_label, Some(Label::Positive));
    s.decide(
        &[sarcasm],
        &Decision::Sentiment(Label::Negative),
        "camille",
        now,
    )
    .unwrap();
    let after = all(&s, vec![])
        .into_iter()
        .find(|m| m.id == sarcasm)
        .unwrap();
    assert_eq!(after.sentiment_label, Some(Label::Negative));
    assert!(after.sentiment.unwrap() < 0.0);
    assert_eq!(
        s.points("Acme", from, to)
            .unwrap()
            .iter()
            .filter(|p| p.negative)
            .count(),
        1
    );
    // Corrected again: the computed reading is still the first one.
    s.decide(
        &[sarcasm],
        &Decision::Sentiment(Label::Neutral),
        "alex",
        now,
    )
    .unwrap();
    let c = s.correction(sarcasm).unwrap().unwrap();
    assert_eq!(c.computed_label.as_deref(), Some("positive"));
    assert_eq!(c.sentiment_label.as_deref(), Some("neutral"));
    assert_eq!(c.corrected_by, "alex");
    // A risk seen by a person, and a note; the history says who did what.
    s.decide(
        &[salon],
        &Decision::Risk(crate::analyze::risk::Risk::none().with(Category::Safety, 2)),
        "camille",
        now,
    )
    .unwrap();
    s.decide(
        &[salon],
        &Decision::Note("  vérifié  ".into()),
        "camille",
        now,
    )
    .unwrap();
    let salon_row = all(&s, vec![]).into_iter().find(|m| m.id == salon).unwrap();
    assert_eq!(salon_row.risk, vec![Category::Safety]);
    let h: Vec<(String, String)> = s
        .history(salon)
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect();
    assert_eq!(
        h,
        vec![
            ("risk".into(), "safety".into()),
            ("note".into(), "vérifié".into())
        ]
    );
    assert_eq!(s.corrections().unwrap().len(), 2);
    // The overview counts what detection counts, from its index alone.
    let span = OverviewSpan {
        from,
        first_day: from,
        days: 2,
        today: Timestamp::from_second(2_500).unwrap(),
        week: Timestamp::from_second(1_500).unwrap(),
        now: to,
    };
    let o = s.overview("Acme", &span).unwrap();
    let points = s.points("Acme", from, to).unwrap();
    assert_eq!((o.week + o.before) as usize, points.len());
    assert_eq!((o.today, o.week, o.before), (1, 2, 0), "{o:?}");
    // The sarcasm now reads neutral; the salon reports a risk, so counts as negative.
    assert_eq!(o.week_negative, 1, "{o:?}");
    assert_eq!(o.days, vec![(2, 1), (0, 0)]);
    assert_eq!(o.week_risks, vec![("safety".to_string(), 1)]);
    // The brands touched wait for the alert review.
    let marked: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM alert_review WHERE brand = 'Acme'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(marked, 1);
    // Pruning a mention takes its history and correction with it.
    s.prune_mentions(Timestamp::from_second(2_500).unwrap(), 100)
        .unwrap();
    assert!(s.history(sarcasm).unwrap().is_empty());
    assert!(s.correction(sarcasm).unwrap().is_none());
}
