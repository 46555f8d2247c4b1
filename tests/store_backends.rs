//! The store's operations on both backends: each test below runs once on a SQLite file
//! and once on a real PostgreSQL server (tests/common/postgres.rs), through the one
//! `Store` API, and reads the result back with each database's own client (rusqlite on
//! the file, psql on the server), not through the code under test. Then what only
//! several nodes on PostgreSQL do: leases, concurrent commits.

mod common;
#[path = "common/postgres.rs"]
mod postgres;

use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;
use vigie::analyze::alert::{Action, Kind, Reading};
use vigie::analyze::sentiment::Lang;
use vigie::ingest::fetch::Validators;
use vigie::settings::postgres::{PgOptions, PgTarget, SslMode};
use vigie::settings::watchlist::{PlannedSource, SourceKind};
use vigie::store::{
    AlertChange, BrandActivity, EmailResult, NewMention, Outgoing, PollCommit, PollResult, Store,
};

const FEED: &str = "https://feed.example/rss";

/// A database to test against, and a way to read it without the store.
enum Db {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        url: String,
        target: PgTarget,
    },
}

impl Db {
    fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vigie.db");
        Db::Sqlite { _dir: dir, path }
    }

    /// `None` when the machine has no PostgreSQL and VIGIE_SKIP_POSTGRES is set.
    fn postgres(hint: &str) -> Option<Db> {
        let pg = postgres::server()?;
        let url = pg.database(hint);
        let target = PgTarget {
            url: url.clone(),
            options: PgOptions {
                password_file: Some(pg.password_file.clone()),
                sslmode: SslMode::Disable,
                ca_file: None,
            },
        };
        Some(Db::Postgres { url, target })
    }

    fn open(&self) -> Store {
        self.open_as("a")
    }

    /// The store as node `node` sees it (one node on SQLite).
    fn open_as(&self, node: &str) -> Store {
        match self {
            Db::Sqlite { path, .. } => Store::open(path).unwrap(),
            Db::Postgres { target, .. } => Store::open_postgres(target, node).unwrap(),
        }
    }

    /// The rows of `sql`, each as its columns joined by `|` (NULL as empty), as psql's
    /// unaligned output gives them.
    fn rows(&self, sql: &str) -> Vec<String> {
        match self {
            Db::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path).unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    let cells: Vec<String> = (0..n)
                        .map(|i| match r.get_ref(i).unwrap() {
                            rusqlite::types::ValueRef::Null => String::new(),
                            rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                            rusqlite::types::ValueRef::Real(v) => v.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            rusqlite::types::ValueRef::Blob(_) => "<blob>".into(),
                        })
                        .collect();
                    Ok(cells.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
            }
            Db::Postgres { target, .. } => {
                // The simple protocol gives every value as text, NULL apart.
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let client = vigie::store::pg::connect(target).await.unwrap();
                    let mut rows = Vec::new();
                    for m in client.simple_query(sql).await.unwrap() {
                        if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
                            let cells: Vec<&str> =
                                (0..r.len()).map(|i| r.get(i).unwrap_or("")).collect();
                            rows.push(cells.join("|"));
                        }
                    }
                    rows
                })
            }
        }
    }
}

/// Each test on a SQLite file and on PostgreSQL.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(super::Db::sqlite()) } )*
        }
        mod on_postgres {
            $( #[test] fn $name() {
                if let Some(db) = super::Db::postgres(stringify!($name)) { super::$name(db) }
            } )*
        }
    };
}

on_both!(
    a_mention_is_stored_once_per_brand_across_polls_and_restarts,
    a_source_state_follows_successes_and_failures,
    copies_of_a_story_join_its_first_mention_even_from_another_connection,
    a_post_seen_again_keeps_its_latest_engagement,
    planned_sources_are_due_at_once_and_keep_their_state,
    sentiments_are_recorded_for_mentions_stored_without_them,
    an_alert_and_its_email_are_stored_together_and_seen_by_the_next_review,
    the_outbox_gives_alerts_first_each_message_once_under_its_lease,
    a_digest_period_is_recorded_once_and_its_coverage_moves_on,
    a_decision_covers_the_story_is_kept_in_its_history_and_leaves_the_counts,
    api_tokens_and_the_workspace_secret_are_kept,
);

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap()
}

fn mention(brand: &str, key: &str, title: &str, text: &str, secs: i64) -> NewMention {
    let all = format!("{title}. {text}");
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
        published_at: at(secs),
        published_estimated: false,
        news: true,
        fetched_at: at(secs),
        matched_terms: vec![brand.into()],
        sentiment: vigie::analyze::sentiment::score(&all, Some(Lang::Fr)),
        risk: vigie::analyze::risk::assess(&all, Some(Lang::Fr)),
        simhash: vigie::analyze::story::fingerprint(title, text),
        engagement: None,
        reach: None,
        rating: None,
    }
}

fn poll(url: &str, checked: i64, result: PollResult) -> PollCommit {
    PollCommit {
        url: url.into(),
        checked_at: at(checked),
        next_check_at: at(checked + 900),
        result,
    }
}

fn fetched(url: &str, checked: i64, mentions: Vec<NewMention>) -> PollCommit {
    poll(
        url,
        checked,
        PollResult::Fetched {
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
    )
}

fn a_mention_is_stored_once_per_brand_across_polls_and_restarts(db: Db) {
    let mut s = db.open();
    let both = || {
        vec![
            mention(
                "Acme",
                "https://a/1",
                "Acme ouvre à Lyon",
                "Un magasin",
                100,
            ),
            mention(
                "Zeta",
                "https://a/1",
                "Acme ouvre à Lyon",
                "Un magasin",
                100,
            ),
        ]
    };
    assert_eq!(s.commit_poll(&fetched(FEED, 100, both())).unwrap(), 2);
    assert_eq!(s.commit_poll(&fetched(FEED, 200, both())).unwrap(), 0);
    drop(s);
    let mut s = db.open();
    assert_eq!(s.commit_poll(&fetched(FEED, 300, both())).unwrap(), 0);
    assert_eq!(s.mention_count().unwrap(), 2);
    assert_eq!(s.brands().unwrap(), ["Acme", "Zeta"]);
    assert_eq!(
        db.rows("SELECT brand, dedup_key, title FROM mentions ORDER BY brand"),
        [
            "Acme|https://a/1|Acme ouvre à Lyon",
            "Zeta|https://a/1|Acme ouvre à Lyon"
        ]
    );
    // Both brands wait for the alert review.
    assert_eq!(
        db.rows("SELECT brand FROM alert_review ORDER BY brand"),
        ["Acme", "Zeta"]
    );
}

fn a_source_state_follows_successes_and_failures(db: Db) {
    let mut s = db.open();
    s.commit_poll(&fetched(
        FEED,
        1_000,
        vec![mention("Acme", "https://a/1", "Acme", "texte", 1_000)],
    ))
    .unwrap();
    let row = s.source(FEED).unwrap().unwrap();
    assert_eq!(row.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(row.last_item_count, Some(1));
    assert_eq!(row.mentions, 1);
    assert_eq!(row.next_check_at, at(1_900));
    assert_eq!(row.ttl, Some(Duration::from_secs(3600)));
    let failed = |checked| {
        poll(
            FEED,
            checked,
            PollResult::Failed {
                error: "HTTP 503 from feed.example".into(),
                problem: vigie::ingest::problem::Problem::Timeout,
            },
        )
    };
    s.commit_poll(&failed(2_000)).unwrap();
    s.commit_poll(&failed(3_000)).unwrap();
    let row = s.source(FEED).unwrap().unwrap();
    assert_eq!(row.consecutive_errors, 2);
    assert_eq!(
        row.last_error.as_deref(),
        Some("HTTP 503 from feed.example")
    );
    assert_eq!(row.last_error_at, Some(at(3_000)));
    assert_eq!(row.last_success_at, Some(at(1_000)));
    assert_eq!(
        db.rows("SELECT failing_since, last_problem FROM sources"),
        ["2000|timeout"]
    );
    s.commit_poll(&poll(FEED, 4_000, PollResult::NotModified))
        .unwrap();
    let row = s.source(FEED).unwrap().unwrap();
    assert_eq!(row.consecutive_errors, 0);
    assert_eq!(row.last_success_at, Some(at(4_000)));
    assert_eq!(row.validators.etag.as_deref(), Some("\"v1\""), "kept");
    assert_eq!(db.rows("SELECT failing_since FROM sources"), [""]);
    assert_eq!(s.sources().unwrap().len(), 1);
    assert_eq!(s.source("https://other.example/").unwrap(), None);
}

fn copies_of_a_story_join_its_first_mention_even_from_another_connection(db: Db) {
    let recall = "Acme rappelle 40 000 grille-pain après plusieurs départs de feu";
    let mut s = db.open_as("a");
    s.commit_poll(&fetched(
        FEED,
        1_000,
        vec![
            mention("Acme", "https://a/recall", "Rappel Acme", recall, 1_000),
            mention(
                "Acme",
                "https://a/salon",
                "Acme au salon de Lyon",
                "Un stand Acme très fréquenté cette année",
                1_000,
            ),
        ],
    ))
    .unwrap();
    // A copy stored through another connection (another node on PostgreSQL), then one
    // through the first again: both join the first story.
    let mut other = db.open_as("b");
    other
        .commit_poll(&fetched(
            "https://other.example/rss",
            2_000,
            vec![mention(
                "Acme",
                "https://b/copy",
                "Acme rappelle ses grille-pain",
                recall,
                2_000,
            )],
        ))
        .unwrap();
    s.commit_poll(&fetched(
        FEED,
        3_000,
        vec![mention(
            "Acme",
            "https://c/copy",
            "Rappel : Acme",
            recall,
            3_000,
        )],
    ))
    .unwrap();
    let first = db.rows("SELECT id FROM mentions WHERE dedup_key = 'https://a/recall'");
    assert_eq!(
        db.rows("SELECT dedup_key, story_id FROM mentions ORDER BY id"),
        [
            "https://a/recall|".to_string(),
            "https://a/salon|".to_string(),
            format!("https://b/copy|{}", first[0]),
            format!("https://c/copy|{}", first[0]),
        ]
    );
}

fn a_post_seen_again_keeps_its_latest_engagement(db: Db) {
    let mut s = db.open();
    let post = |comments| {
        let mut m = mention("Acme", "https://r/1", "Acme en panne", "Encore", 100);
        m.engagement =
            vigie::ingest::parse::Engagement::of(&[("score", Some(10)), ("comments", comments)]);
        m.reach = Some(5_000);
        m
    };
    s.commit_poll(&fetched(FEED, 100, vec![post(Some(2))]))
        .unwrap();
    assert_eq!(
        s.commit_poll(&fetched(FEED, 200, vec![post(Some(40))]))
            .unwrap(),
        0
    );
    assert_eq!(
        db.rows("SELECT engagement, engagement_parts, reach FROM mentions"),
        ["50|score=10,comments=40|5000"]
    );
}

fn planned_sources_are_due_at_once_and_keep_their_state(db: Db) {
    let mut s = db.open();
    let planned = |url: &str, name: Option<&str>| PlannedSource {
        credentials: None,
        url: url.into(),
        kind: SourceKind::Feed,
        adapter: Default::default(),
        interval: Duration::from_secs(60),
        brands: std::sync::Arc::new([]),
        name: name.map(str::to_string),
    };
    s.commit_poll(&fetched(FEED, 100, Vec::new())).unwrap();
    s.sync_sources(
        &[
            planned(FEED, Some("Le fil")),
            planned("https://new/rss", None),
        ],
        at(500),
    )
    .unwrap();
    let mut due = s.due_times().unwrap();
    due.sort();
    assert_eq!(
        due,
        [
            (FEED.to_string(), at(1_000)),
            ("https://new/rss".to_string(), at(500))
        ]
    );
    assert_eq!(s.source_urls().unwrap(), [FEED, "https://new/rss"]);
    assert_eq!(
        db.rows("SELECT url, name, last_success_at FROM sources ORDER BY url"),
        ["https://feed.example/rss|Le fil|100", "https://new/rss||"]
    );
}

fn sentiments_are_recorded_for_mentions_stored_without_them(db: Db) {
    let mut s = db.open();
    s.commit_poll(&fetched(
        FEED,
        100,
        vec![mention(
            "Acme",
            "https://a/1",
            "Acme",
            "Un rappel massif",
            100,
        )],
    ))
    .unwrap();
    assert!(s.unscored_mentions(10).unwrap().is_empty());
    // As a database written before sentiment was scored holds them.
    match &db {
        Db::Sqlite { path, .. } => {
            rusqlite::Connection::open(path)
                .unwrap()
                .execute("UPDATE mentions SET sentiment_label = NULL", [])
                .unwrap();
        }
        Db::Postgres { url, .. } => {
            postgres::server()
                .unwrap()
                .psql(url, "UPDATE mentions SET sentiment_label = NULL");
        }
    }
    let todo = s.unscored_mentions(10).unwrap();
    assert_eq!(todo.len(), 1);
    assert_eq!(todo[0].text, "Un rappel massif");
    let sentiment = vigie::analyze::sentiment::score("Un rappel massif", Some(Lang::Fr));
    let risk = vigie::analyze::risk::assess("Un rappel massif", Some(Lang::Fr));
    s.set_sentiments(&[(todo[0].id, sentiment, risk)]).unwrap();
    assert!(s.unscored_mentions(10).unwrap().is_empty());
    assert_eq!(
        db.rows("SELECT sentiment_label FROM mentions"),
        [sentiment.label.as_str()]
    );
}

/// The policy of these tests: opens a volume alert with one email at 3 mentions, unless
/// one is open.
fn open_at_three(seen: &BrandActivity) -> Vec<AlertChange> {
    if seen.points.len() < 3 || !seen.open.is_empty() {
        return Vec::new();
    }
    vec![open_at_three_reading(seen)]
}

/// The change opening a volume alert on `seen`'s mentions, with its email.
fn open_at_three_reading(seen: &BrandActivity) -> AlertChange {
    let reading = Reading {
        kind: Kind::Volume,
        window: Duration::from_secs(3600),
        observed: seen.points.len() as u32,
        total: seen.points.len() as u32,
        baseline: 0.5,
        statistic: 0.001,
        threshold: 0.01,
        spike: true,
        calm: false,
        risk: Default::default(),
    };
    AlertChange {
        brand: seen.brand.clone(),
        action: Action::Open(reading),
        emails: vec![email(&format!("alert-{}", seen.brand), "alert")],
        story: None,
        sites: Vec::new(),
        risk: Default::default(),
    }
}

fn email(id: &str, purpose: &'static str) -> Outgoing {
    Outgoing {
        purpose,
        recipient: "team@example.com".into(),
        message_id: format!("<{id}@vigie>"),
        subject: format!("Sujet {id}"),
        message: format!("Subject: {id}\r\n\r\ncorps\r\n").into_bytes(),
    }
}

fn an_alert_and_its_email_are_stored_together_and_seen_by_the_next_review(db: Db) {
    let mut s = db.open();
    let brands = ["Acme".to_string()];
    let now = at(10_000);
    s.commit_poll(&fetched(
        FEED,
        9_000,
        (0..3)
            .map(|i| {
                let text = format!("Sujet {i} tout à fait différent des autres articles");
                mention(
                    "Acme",
                    &format!("https://a/{i}"),
                    &format!("Acme {i}"),
                    &text,
                    9_000 + i,
                )
            })
            .chain([mention("Zeta", "https://z/1", "Zeta", "autre", 9_000)])
            .collect(),
    ))
    .unwrap();
    let mut seen = Vec::new();
    let reviewed = s
        .review_alerts(&brands, now, false, &mut |a| {
            seen.push((a.brand.clone(), a.points.len(), a.recent.len()));
            open_at_three(a)
        })
        .unwrap();
    assert_eq!(reviewed, 1);
    assert_eq!(seen, [("Acme".to_string(), 3, 3)]);
    let alerts = s.alerts(true, 10).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].brand.as_str(), alerts[0].observed), ("Acme", 3));
    assert_eq!(alerts[0].emails_pending, 1);
    assert_eq!(
        db.rows("SELECT purpose, recipient, state FROM outbox"),
        ["alert|team@example.com|pending"]
    );
    // Nothing new: no review. Zeta, not watched here, stays marked.
    assert_eq!(
        s.review_alerts(&brands, now, false, &mut open_at_three)
            .unwrap(),
        0
    );
    assert_eq!(db.rows("SELECT brand FROM alert_review"), ["Zeta"]);
    // A fourth mention: the policy sees the open alert, and opens no second one.
    s.commit_poll(&fetched(
        FEED,
        9_500,
        vec![mention(
            "Acme",
            "https://a/9",
            "Acme 9",
            "encore un sujet",
            9_500,
        )],
    ))
    .unwrap();
    let mut open_seen = 0;
    s.review_alerts(&brands, now, true, &mut |a| {
        open_seen = a.open.len();
        open_at_three(a)
    })
    .unwrap();
    assert_eq!(open_seen, 1);
    assert_eq!(s.alerts(false, 10).unwrap().len(), 1);
    let id = alerts[0].id;
    assert!(s.acknowledge(id, Some("cm"), Some("vu"), now).unwrap());
    let row = s.alert(id).unwrap().unwrap();
    assert_eq!(row.acknowledged_by.as_deref(), Some("cm"));
    assert_eq!(row.ack_note.as_deref(), Some("vu"));
}

fn the_outbox_gives_alerts_first_each_message_once_under_its_lease(db: Db) {
    let mut s = db.open();
    let now = at(1_000);
    let lease = Duration::from_secs(600);
    s.enqueue_email(&email("test", "test"), now).unwrap();
    s.enqueue_email(&email("digest", "digest"), now).unwrap();
    s.enqueue_email(&email("alert", "alert"), now).unwrap();
    s.enqueue_email(&email("alert", "alert"), now).unwrap();
    let mut chat = email("chat", "alert");
    chat.recipient = "channel:equipe".into();
    s.enqueue_email(&chat, now).unwrap();
    assert_eq!(
        s.outbox_counts().unwrap(),
        (4, 0, 0),
        "a second copy is refused"
    );
    let order: Vec<String> = std::iter::from_fn(|| s.next_email(now, lease).unwrap())
        .map(|m| m.subject)
        .collect();
    assert_eq!(order, ["Sujet alert", "Sujet digest", "Sujet test"]);
    assert_eq!(
        s.next_email_due().unwrap(),
        Some(now),
        "the chat message waits"
    );
    let posted = s.next_channel_message(now, lease).unwrap().unwrap();
    assert_eq!(posted.recipient, "channel:equipe");
    assert_eq!(s.next_email_due().unwrap(), Some(at(1_600)), "all leased");
    assert_eq!(
        s.channel_counts().unwrap(),
        [("equipe".to_string(), 1, 0, 0)]
    );
    // Leases pass: the sender failed on the first and died on the others.
    let later = at(1_700);
    let first = s.next_email(later, lease).unwrap().unwrap();
    assert_eq!(first.subject, "Sujet alert");
    s.email_result(first.id, later, EmailResult::Sent).unwrap();
    let second = s.next_email(later, lease).unwrap().unwrap();
    s.email_result(
        second.id,
        later,
        EmailResult::Retry {
            at: at(5_000),
            error: "451 try later",
        },
    )
    .unwrap();
    let third = s.next_email(later, lease).unwrap().unwrap();
    s.email_result(
        third.id,
        later,
        EmailResult::Dead {
            error: "550 no such user",
        },
    )
    .unwrap();
    assert_eq!(s.outbox_counts().unwrap(), (2, 1, 1));
    assert_eq!(s.next_email(at(4_999), lease).unwrap(), None);
    let retried = s.next_email(at(5_000), lease).unwrap().unwrap();
    assert_eq!((retried.id, retried.attempts), (second.id, 1));
    assert_eq!(
        db.rows("SELECT subject, state, attempts, last_error FROM outbox ORDER BY id"),
        [
            "Sujet test|dead|1|550 no such user",
            "Sujet digest|pending|1|451 try later",
            "Sujet alert|sent|1|",
            "Sujet chat|pending|0|"
        ]
    );
}

fn a_digest_period_is_recorded_once_and_its_coverage_moves_on(db: Db) {
    let mut s = db.open();
    assert_eq!(s.digest_covered_until("demo").unwrap(), None);
    assert_eq!(s.start_digests("demo", at(1_000)).unwrap(), at(1_000));
    assert_eq!(
        s.start_digests("demo", at(5_000)).unwrap(),
        at(1_000),
        "kept"
    );
    let period = (at(1_000), at(87_400));
    let emails = [
        email("digest-demo-87400-a", "digest"),
        email("digest-demo-87400-b", "digest"),
    ];
    assert_eq!(
        s.record_digest(
            "demo",
            period,
            &emails,
            Some("<p>Bonjour</p>"),
            true,
            at(87_401)
        )
        .unwrap(),
        2
    );
    // A second recording of the period (a restart, another node) queues nothing more.
    assert_eq!(
        s.record_digest(
            "demo",
            period,
            &emails,
            Some("<p>Bonjour</p>"),
            true,
            at(87_402)
        )
        .unwrap(),
        0
    );
    assert_eq!(s.digest_covered_until("demo").unwrap(), Some(at(87_400)));
    assert_eq!(
        db.rows("SELECT watchlist, period_start, period_end, emails FROM digests"),
        ["demo|1000|87400|2"]
    );
    assert_eq!(s.last_digest_sent().unwrap(), None);
    let m = s
        .next_email(at(87_500), Duration::from_secs(600))
        .unwrap()
        .unwrap();
    s.email_result(m.id, at(87_501), EmailResult::Sent).unwrap();
    assert_eq!(s.last_digest_sent().unwrap(), Some(at(87_501)));
}

/// A recall story: its first mention and a copy from another site an hour later.
fn recall_story() -> [NewMention; 2] {
    let recall = "Acme rappelle 40 000 grille-pain après plusieurs départs de feu";
    [
        mention("Acme", "https://a/recall", "Rappel Acme", recall, 80_000),
        mention(
            "Acme",
            "https://b/copy",
            "Acme rappelle ses grille-pain",
            recall,
            81_000,
        ),
    ]
}

/// The same polls, review and email fates, on a SQLite file and on PostgreSQL.
fn fill(s: &mut Store) {
    let [first, copy] = recall_story();
    let mut loud = mention(
        "Acme",
        "https://r/loud",
        "Acme adoré",
        "Un produit génial et fiable",
        80_000,
    );
    loud.engagement = vigie::ingest::parse::Engagement::of(&[("score", Some(900))]);
    loud.reach = Some(12_000);
    s.commit_poll(&fetched(
        FEED,
        80_000,
        vec![
            first,
            copy,
            mention(
                "Acme",
                "https://a/bad",
                "Acme : scandale",
                "Une arnaque honteuse, des clients furieux",
                82_000,
            ),
            mention(
                "Acme",
                "https://a/old",
                "Acme ancien",
                "Un article neutre",
                1_000,
            ),
            mention(
                "Zeta",
                "https://z/1",
                "Zeta lance un produit",
                "Un lancement réussi et apprécié",
                83_000,
            ),
            loud,
        ],
    ))
    .unwrap();
    s.commit_poll(&poll(
        "https://broken.example/rss",
        84_000,
        PollResult::Failed {
            error: "HTTP 404".into(),
            problem: vigie::ingest::problem::Problem::Timeout,
        },
    ))
    .unwrap();
    s.review_alerts(&["Acme".to_string()], at(85_000), false, &mut open_at_three)
        .unwrap();
    s.enqueue_email(&email("lost", "test"), at(85_000)).unwrap();
    while let Some(m) = s.next_email(at(85_100), Duration::from_secs(60)).unwrap() {
        s.email_result(
            m.id,
            at(85_200),
            EmailResult::Dead {
                error: "550 unknown",
            },
        )
        .unwrap();
    }
}

#[test]
fn a_digest_reads_the_same_on_both_backends() {
    let Some(pg) = pg("digest") else { return };
    let sqlite = Db::sqlite();
    let q = vigie::store::DigestQuery {
        brands: vec!["Acme".into(), "Zeta".into()],
        sources: vec![
            FEED.into(),
            "https://broken.example/rss".into(),
            "https://never/rss".into(),
        ],
        source_names: [(FEED.to_string(), "Le fil".to_string())].into(),
        start: at(0),
        end: at(86_400),
        top: 3,
        groups: Vec::new(),
    };
    let read = |db: &Db| {
        let mut s = db.open();
        fill(&mut s);
        let input = s.digest_input(&q).unwrap();
        assert_eq!(input.brands.len(), 2);
        assert_eq!(input.alerts.len(), 1);
        assert_eq!(input.dead.len(), 2);
        assert_eq!(input.sources.len(), 2);
        assert!(!input.engaged.is_empty());
        format!("{input:#?}")
    };
    let (on_sqlite, on_pg) = (read(&sqlite), read(&pg));
    assert_eq!(on_sqlite, on_pg);
    let figures = |b: &[&str]| -> Vec<vigie::analyze::voice::Figures> {
        let brands: Vec<String> = b.iter().map(|s| s.to_string()).collect();
        pg.open().voice(&brands, at(0), at(86_400)).unwrap()
    };
    assert_eq!(
        format!("{:?}", figures(&["Acme", "Zeta"])),
        format!(
            "{:?}",
            sqlite
                .open()
                .voice(&["Acme".into(), "Zeta".into()], at(0), at(86_400))
                .unwrap()
        )
    );
}

#[test]
fn nodes_recording_one_digest_period_at_once_queue_its_emails_once() {
    let Some(db) = pg("digests") else { return };
    let start = std::sync::Arc::new(std::sync::Barrier::new(3));
    let handles: Vec<_> = (0..3)
        .map(|n| (n, db.open_as(&format!("n{n}"))))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(n, mut s)| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                // Each node renders its own copy (its Message-IDs differ only if rendering
                // did; here they do, to show the period alone decides).
                let emails = [email(&format!("digest-by-n{n}"), "digest")];
                s.record_digest("demo", (at(0), at(86_400)), &emails, None, true, at(86_401))
                    .unwrap()
            })
        })
        .collect();
    let queued: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(queued, 1);
    assert_eq!(
        db.rows("SELECT count(*) FROM outbox WHERE purpose = 'digest'"),
        ["1"]
    );
    assert_eq!(db.rows("SELECT count(*) FROM digests"), ["1"]);
}

// What only several nodes on one PostgreSQL database do.

fn pg(hint: &str) -> Option<Db> {
    Db::postgres(hint)
}

fn claim(s: &mut Store, now: i64) -> Vec<String> {
    s.claim_due(at(now), Duration::from_secs(300), 100)
        .unwrap()
        .0
}

#[test]
fn a_poll_whose_lease_passed_to_another_node_is_dropped_and_the_group_kept() {
    let Some(db) = pg("lease") else { return };
    let (mut a, mut b) = (db.open_as("a"), db.open_as("b"));
    a.commit_poll(&fetched(FEED, 0, Vec::new())).unwrap();
    a.commit_poll(&fetched("https://two/rss", 0, Vec::new()))
        .unwrap();
    // Due at 900: a takes both; its lease ends at 1,200 and b takes FEED over at 1,300.
    assert_eq!(claim(&mut a, 900).len(), 2);
    assert!(claim(&mut b, 1_000).is_empty(), "a holds them");
    assert_eq!(claim(&mut b, 1_300).len(), 2);
    // a commits late, in one group with a source nobody leases: its FEED poll is dropped,
    // the other kept.
    let results = a.commit_polls(&[
        fetched(
            FEED,
            1_350,
            vec![mention("Acme", "https://a/late", "Acme", "tard", 1_350)],
        ),
        fetched(
            "https://three/rss",
            1_350,
            vec![mention("Acme", "https://a/kept", "Acme", "gardé", 1_350)],
        ),
    ]);
    let refused = results[0].as_ref().unwrap_err().to_string();
    assert!(
        refused.contains("source https://feed.example/rss: node b took it over"),
        "{refused}"
    );
    assert_eq!(results[1].as_ref().unwrap(), &1);
    assert_eq!(
        db.rows("SELECT dedup_key FROM mentions ORDER BY id"),
        ["https://a/kept"]
    );
    // b's poll is stored, and says who polled.
    b.commit_poll(&fetched(
        FEED,
        1_400,
        vec![mention("Acme", "https://a/late", "Acme", "tard", 1_400)],
    ))
    .unwrap();
    let row = b.source(FEED).unwrap().unwrap();
    assert_eq!(row.polled_by.as_deref(), Some("b"));
    assert_eq!(row.last_checked_at, Some(at(1_400)));
    assert_eq!(
        db.rows("SELECT url, lease_node FROM sources WHERE url = 'https://feed.example/rss'"),
        ["https://feed.example/rss|"]
    );
}

#[test]
fn nodes_storing_the_same_items_at_once_store_each_once_in_one_story() {
    let Some(db) = pg("race") else { return };
    let recall = "Acme rappelle 40 000 grille-pain après plusieurs départs de feu";
    // Four nodes poll four copies of one feed at the same moment: 50 items each, the same
    // items, and a copy of one story under a different key per node.
    let start = std::sync::Arc::new(std::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|n| (n, db.open_as(&format!("n{n}"))))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(n, mut s)| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let mut items: Vec<NewMention> = (0..50)
                    .map(|i| {
                        mention(
                            "Acme",
                            &format!("https://shared/{i}"),
                            &format!("Acme nouvelle {i}"),
                            &format!("Texte différent numéro {i} sur Acme et ses magasins"),
                            1_000,
                        )
                    })
                    .collect();
                items.push(mention(
                    "Acme",
                    &format!("https://copy/{n}"),
                    "Rappel Acme",
                    recall,
                    1_000,
                ));
                s.commit_poll(&fetched(&format!("https://node{n}/rss"), 1_000, items))
                    .unwrap()
            })
        })
        .collect();
    let new: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(new, 54, "50 shared items once, and 4 copies");
    assert_eq!(
        db.rows("SELECT count(*), count(DISTINCT dedup_key) FROM mentions"),
        ["54|54"]
    );
    // The four copies: one started the story, the three others joined it.
    assert_eq!(
        db.rows(
            "SELECT count(*) FILTER (WHERE story_id IS NULL),
                    count(DISTINCT coalesce(story_id, id))
             FROM mentions WHERE dedup_key LIKE 'https://copy/%'"
        ),
        ["1|1"]
    );
}

#[test]
fn a_store_survives_the_server_closing_its_connection() {
    let Some(db) = pg("reconnect") else { return };
    let mut s = db.open_as("a");
    s.commit_poll(&fetched(FEED, 100, Vec::new())).unwrap();
    let Db::Postgres { url, .. } = &db else {
        unreachable!()
    };
    let name = url.rsplit('/').next().unwrap();
    postgres::server().unwrap().psql(
        url,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = '{name}' AND application_name = 'vigie' AND pid <> pg_backend_pid()"
        ),
    );
    // Gone for good (the server has ended the session) before the store's next call.
    let left = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}' AND application_name = 'vigie' AND pid <> pg_backend_pid()"
    );
    for _ in 0..100 {
        if db.rows(&left) == ["0"] {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(db.rows(&left), ["0"]);
    // The store connects again and the call goes through.
    assert_eq!(
        s.commit_poll(&fetched(
            FEED,
            200,
            vec![mention("Acme", "https://a/1", "Acme", "après", 200)]
        ))
        .unwrap(),
        1
    );
    assert_eq!(s.sources().unwrap()[0].last_checked_at, Some(at(200)));
}

#[test]
fn nodes_taking_emails_at_once_take_each_once() {
    let Some(db) = pg("emails") else { return };
    let mut s = db.open();
    for i in 0..60 {
        s.enqueue_email(&email(&format!("m{i}"), "alert"), at(100))
            .unwrap();
    }
    let start = std::sync::Arc::new(std::sync::Barrier::new(3));
    let handles: Vec<_> = (0..3)
        .map(|n| (n, db.open_as(&format!("n{n}"))))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(_, mut s)| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let mut taken = Vec::new();
                while let Some(m) = s.next_email(at(200), Duration::from_secs(600)).unwrap() {
                    s.email_result(m.id, at(200), EmailResult::Sent).unwrap();
                    taken.push(m.id);
                }
                taken
            })
        })
        .collect();
    let mut all: Vec<i64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!((n, all.len()), (60, 60), "each email taken by one node");
    assert_eq!(s.outbox_counts().unwrap(), (0, 60, 0));
}

#[test]
fn nodes_reviewing_one_brand_at_once_open_one_alert() {
    let Some(db) = pg("review") else { return };
    let mut s = db.open();
    s.commit_poll(&fetched(
        FEED,
        9_000,
        (0..5)
            .map(|i| {
                let text = format!("Sujet {i} tout à fait différent des autres articles");
                mention(
                    "Acme",
                    &format!("https://a/{i}"),
                    &format!("Acme {i}"),
                    &text,
                    9_000 + i,
                )
            })
            .collect(),
    ))
    .unwrap();
    s.review_alerts(&["Acme".to_string()], at(10_000), false, &mut open_at_three)
        .unwrap();
    // No mention since: four nodes review the open alert at once, and each would escalate
    // it, with an email of its own, if it saw it not escalated yet.
    let start = std::sync::Arc::new(std::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|n| (n, db.open_as(&format!("n{n}"))))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(n, mut s)| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let mut escalate = |seen: &BrandActivity| -> Vec<AlertChange> {
                    let Some(open) = seen.open.first().filter(|a| !a.escalated) else {
                        return Vec::new();
                    };
                    let mut change = open_at_three_reading(seen);
                    change.action = match change.action {
                        Action::Open(reading) => Action::Escalate {
                            alert: open.id,
                            reading,
                        },
                        other => other,
                    };
                    change.emails = vec![email(&format!("escalation-by-n{n}"), "escalation")];
                    vec![change]
                };
                s.review_alerts(&["Acme".to_string()], at(10_100), true, &mut escalate)
                    .unwrap()
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(db.rows("SELECT count(*) FROM alerts"), ["1"]);
    assert_eq!(
        db.rows("SELECT count(*) FROM outbox WHERE purpose = 'escalation'"),
        ["1"],
        "one node escalated; the others saw it done"
    );
}

fn a_decision_covers_the_story_is_kept_in_its_history_and_leaves_the_counts(db: Db) {
    use vigie::analyze::sentiment::Label;
    use vigie::store::{Decision, MentionState, OverviewSpan};
    let mut s = db.open();
    let [first, copy] = recall_story();
    s.commit_poll(&fetched(
        FEED,
        80_000,
        vec![
            first,
            copy,
            mention(
                "Acme",
                "https://a/fine",
                "Acme ouvre à Lyon",
                "Un magasin neuf",
                82_000,
            ),
        ],
    ))
    .unwrap();
    let id = |url: &str| -> i64 {
        db.rows(&format!("SELECT id FROM mentions WHERE url = '{url}'"))[0]
            .parse()
            .unwrap()
    };
    let (first, copy, fine) = (
        id("https://a/recall"),
        id("https://b/copy"),
        id("https://a/fine"),
    );
    let span = OverviewSpan {
        from: at(0),
        first_day: at(0),
        days: 2,
        today: at(86_400),
        week: at(0),
        now: at(86_400),
    };
    let before = s.overview("Acme", &span).unwrap();
    // The copy is counted once, with its story.
    assert_eq!((before.week, before.days[0].0), (2, 2));
    assert_eq!(
        s.story_copies(first)
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        [copy]
    );
    db.rows("DELETE FROM alert_review");

    // Marked irrelevant from the story's first mention: its copy too, not the other one.
    let changed = s
        .decide(
            &[first],
            &Decision::State(MentionState::Irrelevant),
            "claire",
            at(90_000),
        )
        .unwrap();
    assert_eq!(changed, [first, copy]);
    assert_eq!(
        db.rows("SELECT url, state FROM mentions ORDER BY id"),
        [
            "https://a/recall|irrelevant",
            "https://b/copy|irrelevant",
            "https://a/fine|new"
        ]
    );
    assert_eq!(
        db.rows("SELECT brand, since FROM alert_review"),
        ["Acme|90000"]
    );
    assert_eq!(s.overview("Acme", &span).unwrap().week, 1);
    // Left out of lists unless asked for.
    let listed = |s: &Store, states: Vec<MentionState>| -> Vec<i64> {
        s.mentions(&vigie::store::MentionQuery {
            states,
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect()
    };
    assert_eq!(listed(&s, vec![]), [fine]);
    assert_eq!(listed(&s, vec![MentionState::Irrelevant]), [copy, first]);

    // A corrected sentiment is written over the computed one, which is kept beside it.
    let computed = db.rows(&format!(
        "SELECT sentiment_label FROM mentions WHERE id = {fine}"
    ));
    s.decide(
        &[fine],
        &Decision::Sentiment(Label::Negative),
        "claire",
        at(90_100),
    )
    .unwrap();
    s.decide(
        &[fine],
        &Decision::Note("Client mécontent, rappelé".into()),
        "marc",
        at(90_200),
    )
    .unwrap();
    assert_eq!(
        db.rows(&format!(
            "SELECT sentiment_label, sentiment < 0 FROM mentions WHERE id = {fine}"
        ))[0]
            .split('|')
            .next(),
        Some("negative")
    );
    let c = s.correction(fine).unwrap().expect("a correction");
    assert_eq!(c.computed_label.as_deref(), Some(computed[0].as_str()));
    assert_eq!(
        (c.sentiment_label.as_deref(), c.corrected_by.as_str()),
        (Some("negative"), "claire")
    );
    assert_eq!(s.corrections().unwrap().len(), 1);
    let history: Vec<String> = s
        .history(fine)
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {} {}", e.at.as_second(), e.actor, e.action, e.detail))
        .collect();
    assert_eq!(
        history,
        [
            "90100 claire sentiment negative",
            "90200 marc note Client mécontent, rappelé"
        ]
    );
    let detail = s.mention(fine).unwrap().unwrap();
    assert_eq!(
        (detail.text.as_str(), detail.row.sentiment_label),
        ("Un magasin neuf", Some(Label::Negative))
    );
    assert!(s.mention(999_999).unwrap().is_none());
    // Unknown ids are skipped.
    assert!(
        s.decide(
            &[999_999],
            &Decision::State(MentionState::Handled),
            "x",
            at(1)
        )
        .unwrap()
        .is_empty()
    );
}

fn api_tokens_and_the_workspace_secret_are_kept(db: Db) {
    let mut s = db.open();
    let a = s.create_token("CRM", "editor", "aa11", at(1_000)).unwrap();
    let b = s
        .create_token("Tableau", "viewer", "bb22", at(1_100))
        .unwrap();
    assert_eq!(
        s.use_token("aa11", at(2_000)).unwrap(),
        Some(("CRM".to_string(), "editor".to_string()))
    );
    assert_eq!(s.use_token("cc33", at(2_000)).unwrap(), None);
    // A use within the minute is not written again.
    s.use_token("aa11", at(2_030)).unwrap();
    assert!(s.revoke_token(b, at(3_000)).unwrap());
    assert!(!s.revoke_token(b, at(3_100)).unwrap(), "revoked once");
    assert_eq!(s.use_token("bb22", at(3_200)).unwrap(), None);
    let listed: Vec<String> = s
        .tokens()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{} {} {} {:?} {}",
                t.id == a,
                t.name,
                t.role,
                t.last_used_at.map(|t| t.as_second()),
                t.revoked
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            "false Tableau viewer None true",
            "true CRM editor Some(2000) false"
        ]
    );
    assert_eq!(
        db.rows("SELECT count(*) FROM api_tokens WHERE sha256 = 'aa11'"),
        ["1"]
    );

    let secret = s.web_secret("session", || vec![1, 2, 3]).unwrap();
    assert_eq!(secret, [1, 2, 3]);
    // Another connection asking for the same secret (a workspace started again) gets it,
    // not its own.
    let mut other = db.open_as("b");
    assert_eq!(
        other.web_secret("session", || vec![9, 9]).unwrap(),
        [1, 2, 3]
    );
}

/// Mentions whose words are written every way the community manager's searches meet them.
fn searchable(s: &mut Store) {
    let mut items = vec![
        mention(
            "Acme",
            "https://s/1",
            "Électroménager : l’allergène caché",
            "Des traces d'arachide chez Acme",
            10_000,
        ),
        mention(
            "Acme",
            "https://s/2",
            "Acme : les freins lâchent",
            "Deux roues voilées en un mois, le frein arrière aussi",
            11_000,
        ),
        mention(
            "Acme",
            "https://s/3",
            "Acme sur velocita.fr",
            "Voir https://velocita.fr/acme?x=1 pour l’œuf de Pâques",
            12_000,
        ),
        mention(
            "Acme",
            "https://s/4",
            "Les sablés Acme",
            "Sablés aux traces d'arachide, rappel en cours",
            13_000,
        ),
        mention(
            "Acme",
            "https://s/5",
            "Acme happy hour",
            "The happiest customers say the brakes failed",
            14_000,
        ),
        mention(
            "Zeta",
            "https://s/6",
            "Zeta anti-gaspi",
            "L'usine de Zeta à Straße-Nord, ÉCOLE fermée",
            15_000,
        ),
    ];
    items[4].lang = Some("en".into());
    items[1].engagement = vigie::ingest::parse::Engagement::of(&[("score", Some(50))]);
    items[4].engagement = vigie::ingest::parse::Engagement::of(&[("score", Some(900))]);
    s.commit_poll(&fetched(FEED, 20_000, items)).unwrap();
    // Older than those: 1,200 mentions no search above finds, and under them one about a
    // drill, so that a search reads past the first batches (and on PostgreSQL turns to the
    // index for a rare word).
    let mut old: Vec<NewMention> = (0..1_200)
        .map(|i| {
            mention(
                "Acme",
                &format!("https://f/{i}"),
                &format!("Acme remplissage numéro {i}"),
                &format!("Semaine {} du calendrier {}", i % 52, i * 7919 % 1000),
                1_000 + i,
            )
        })
        .collect();
    old.push(mention(
        "Acme",
        "https://f/drill",
        "Acme : la perceuse ancienne",
        "Un vieux modèle",
        500,
    ));
    s.commit_poll(&fetched("https://old.example/rss", 20_000, old))
        .unwrap();
}

#[test]
fn searches_lists_and_exports_read_the_same_on_both_backends() {
    use vigie::analyze::search::Search;
    use vigie::store::{MentionQuery, Order};
    let Some(pg) = pg("search") else { return };
    let sqlite = Db::sqlite();
    let searches = [
        "allergene",
        "arachide -sablés",
        "frein",
        "\"roue voilée\"",
        "velocita",
        "oeuf",
        "strasse",
        "happy",
        "brake*",
        "gaspi",
        "usine AND ecole",
        "title:rappel",
        "les",
        "sablés OR lâchent",
    ];
    let read = |db: &Db| -> Vec<String> {
        let mut s = db.open();
        searchable(&mut s);
        let mut out = Vec::new();
        for q in searches {
            let found = s
                .mentions(&MentionQuery {
                    search: Some(Search::parse(q).unwrap()),
                    limit: 10,
                    ..Default::default()
                })
                .unwrap();
            let urls: Vec<&str> = found.iter().filter_map(|m| m.url.as_deref()).collect();
            out.push(format!("{q}: {}", urls.join(" ")));
            // Most interactions first: on PostgreSQL, through the index's count.
            let found = s
                .mentions(&MentionQuery {
                    search: Some(Search::parse(q).unwrap()),
                    order: Order::Engagement,
                    limit: 10,
                    ..Default::default()
                })
                .unwrap();
            let urls: Vec<&str> = found.iter().filter_map(|m| m.url.as_deref()).collect();
            out.push(format!("{q} by engagement: {}", urls.join(" ")));
        }
        // Past the first batches: a rare word far down, a common one over a long list.
        for (q, limit) in [
            ("perceuse", 10),
            ("remplissage", 700),
            ("calendrier -semaine", 5),
        ] {
            let found = s
                .mentions(&MentionQuery {
                    search: Some(Search::parse(q).unwrap()),
                    limit,
                    ..Default::default()
                })
                .unwrap();
            let urls: Vec<&str> = found.iter().filter_map(|m| m.url.as_deref()).collect();
            out.push(format!(
                "{q}: {} found, {}",
                found.len(),
                urls.first().copied().unwrap_or("none")
            ));
        }
        // Filters, pagination and orders.
        let page = |q: MentionQuery| -> String {
            let rows = s.mentions(&q).unwrap();
            rows.iter()
                .filter_map(|m| m.url.clone())
                .collect::<Vec<_>>()
                .join(" ")
        };
        out.push(page(MentionQuery {
            brand: Some("Acme".into()),
            limit: 2,
            ..Default::default()
        }));
        out.push(page(MentionQuery {
            after: Some((at(13_000), 0)),
            limit: 2,
            ..Default::default()
        }));
        out.push(page(MentionQuery {
            lang: Some("en".into()),
            limit: 5,
            ..Default::default()
        }));
        out.push(page(MentionQuery {
            order: Order::Engagement,
            limit: 3,
            ..Default::default()
        }));
        out.push(page(MentionQuery {
            since: Some(at(12_000)),
            until: Some(at(14_000)),
            limit: 9,
            ..Default::default()
        }));
        out.push(format!(
            "{:?}",
            s.mentions(&MentionQuery {
                limit: 9,
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|m| (m.risk_severity, m.sentiment_label, m.engagement))
            .collect::<Vec<_>>()
        ));
        let mut exported = Vec::new();
        s.export_mentions(Some(at(11_000)), &mut |r| {
            exported.push(format!(
                "{} {} {}",
                r.brand,
                r.url.unwrap_or_default(),
                r.published_at.as_second()
            ));
            exported.len() < 4
        })
        .unwrap();
        out.push(exported.join(", "));
        out
    };
    let on_sqlite = read(&sqlite);
    assert_eq!(read(&pg), on_sqlite);
    // And what they find is what the community manager looked for.
    let found = [
        ("allergene", "https://s/1", "https://s/1"),
        ("arachide -sablés", "https://s/1", "https://s/1"),
        ("frein", "https://s/2", "https://s/2"),
        ("\"roue voilée\"", "https://s/2", "https://s/2"),
        ("velocita", "https://s/3", "https://s/3"),
        ("oeuf", "https://s/3", "https://s/3"),
        ("strasse", "https://s/6", "https://s/6"),
        ("happy", "https://s/5", "https://s/5"),
        ("brake*", "https://s/5", "https://s/5"),
        ("gaspi", "https://s/6", "https://s/6"),
        ("usine AND ecole", "https://s/6", "https://s/6"),
        ("title:rappel", "", ""),
        ("les", "https://s/4 https://s/2", "https://s/2 https://s/4"),
        (
            "sablés OR lâchent",
            "https://s/4 https://s/2",
            "https://s/2 https://s/4",
        ),
    ];
    let mut want: Vec<String> = found
        .iter()
        .flat_map(|(q, newest, engaged)| {
            [
                format!("{q}: {newest}"),
                format!("{q} by engagement: {engaged}"),
            ]
        })
        .collect();
    want.extend([
        "perceuse: 1 found, https://f/drill".to_string(),
        "remplissage: 700 found, https://f/1199".to_string(),
        "calendrier -semaine: 0 found, none".to_string(),
        "https://s/5 https://s/4".to_string(),
        "https://s/3 https://s/2".to_string(),
        "https://s/5".to_string(),
        "https://s/5 https://s/2 https://s/6".to_string(),
        "https://s/4 https://s/3".to_string(),
    ]);
    assert_eq!(&on_sqlite[..want.len()], want);
    assert_eq!(
        on_sqlite[want.len() + 1],
        "Acme https://s/2 11000, Acme https://s/3 12000, Acme https://s/4 13000, Acme https://s/5 14000"
    );
}
