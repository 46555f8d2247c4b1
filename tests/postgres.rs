//! The PostgreSQL backend against a real server (tests/common/postgres.rs): its schema,
//! logins with a password file, and `vigie migrate` copying every table of a SQLite
//! database, verified, and again without change.

mod common;
#[path = "common/postgres.rs"]
mod postgres;

use std::path::Path;

use common::{demo_copy, vigie, write};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A config naming the test server's database as `database`, beside the demo's watchlist.
fn pg_config(dir: &Path, url: &str, pg: &postgres::Pg) -> std::path::PathBuf {
    let c = dir.join("config/pg.toml");
    write(
        &c,
        &format!(
            "database = {url:?}\nwatchlists = \"../watchlists/demo.toml\"\n{}",
            pg.config_table()
        ),
    );
    c
}

/// Runs `vigie migrate --format json` from `db`, which must succeed: its tables.
fn migrate_json(config: &Path, db: &Path) -> std::collections::HashMap<String, (u64, u64)> {
    let out = vigie(
        config,
        &[
            "migrate",
            "--from",
            db.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    copied(&text(&out.stdout))
}

/// `vigie migrate`'s verified tables: name → (rows, written).
fn copied(stdout: &str) -> std::collections::HashMap<String, (u64, u64)> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["table"].as_str().unwrap().to_string(),
                (v["rows"].as_u64().unwrap(), v["written"].as_u64().unwrap()),
            )
        })
        .collect()
}

#[test]
fn the_demo_database_is_copied_whole_verified_and_copied_again_without_change() {
    let Some(pg) = postgres::server() else { return };
    let (dir, demo) = demo_copy();
    // Every kind of row the demo can make: mentions and sources, a digest sent (outbox,
    // digests, coverage), a triage with a correction and a note, an API token.
    assert!(vigie(&demo, &["poll"]).status.success());
    assert!(vigie(&demo, &["digest", "--send"]).status.success());
    let out = vigie(
        &demo,
        &[
            "triage",
            "1",
            "handled",
            "--sentiment",
            "negative",
            "--note",
            "répondu à l'auteur",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        vigie(&demo, &["token", "create", "--role", "viewer"])
            .status
            .success()
    );
    let db = dir.path().join("demo-output/demo.db");
    let url = pg.database("demo");
    let config = pg_config(dir.path(), &url, pg);

    let first = migrate_json(&config, &db);
    let sqlite = rusqlite::Connection::open(&db).unwrap();
    for table in [
        "sources",
        "mentions",
        "outbox",
        "digests",
        "digest_state",
        "mention_events",
        "corrections",
        "api_tokens",
        "alerts",
        "alert_review",
        "web_secrets",
    ] {
        let n: i64 = sqlite
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        let n = n as u64;
        assert_eq!(first[table], (n, n), "{table}");
        assert_eq!(
            pg.psql(&url, &format!("SELECT count(*) FROM {table}")),
            n.to_string(),
            "{table} in PostgreSQL"
        );
    }
    assert_eq!(first["mentions"].0, 23);
    // The values came across, not only the rows: the triage, the email's bytes.
    assert_eq!(
        pg.psql(
            &url,
            "SELECT state || ' ' || sentiment_label FROM mentions WHERE id = 1"
        ),
        "handled negative"
    );
    let message: Vec<u8> = sqlite
        .query_row("SELECT message FROM outbox ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        pg.psql(&url, "SELECT md5(message) FROM outbox ORDER BY id LIMIT 1"),
        md5_of(&message)
    );
    // The search index holds the copied words without accents: the prefixes "rappel" and
    // "retiree" find "Rappel massif : l'ACMÉ Turbo-Grille retirée des rayons".
    let found = pg.psql(
        &url,
        "SELECT count(*) FROM mentions WHERE words @@ to_tsquery('vigie_words', 'rappel:* & retiree:*')",
    );
    let expected: i64 = sqlite
        .query_row(
            "SELECT count(*) FROM mentions WHERE title LIKE '%Rappel massif%retirée%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(expected > 0, "the demo has the recall story");
    assert_eq!(found, expected.to_string());
    // New rows get ids past the copied ones.
    assert_eq!(
        pg.psql(&url, "INSERT INTO mention_events (mention_id, at, actor, action, detail) VALUES (1, 0, 't', 'note', 'x') RETURNING id > (SELECT max(id) FROM mention_events WHERE actor <> 't')"),
        "t"
    );
    pg.psql(&url, "DELETE FROM mention_events WHERE actor = 't'");

    // Again: nothing to write, everything verified.
    let again = migrate_json(&config, &db);
    assert_eq!(again.len(), first.len());
    assert!(
        again.values().all(|(_, written)| *written == 0),
        "{again:?}"
    );

    // The file moved on (a mention triaged since): the run brings only that row across.
    let out = vigie(&demo, &["triage", "2", "irrelevant"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = vigie(&config, &["migrate", "--from", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("verified"), "{stdout}");
    assert_eq!(
        pg.psql(&url, "SELECT state FROM mentions WHERE id = 2"),
        "irrelevant"
    );

    // A target written by something else is refused, table named, and left as it was.
    pg.psql(
        &url,
        "INSERT INTO api_tokens (name, role, sha256, created_at) VALUES ('node', 'admin', 'ff', 0)",
    );
    let out = vigie(&demo, &["triage", "3", "handled"]);
    assert!(out.status.success());
    let out = vigie(&config, &["migrate", "--from", db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("table api_tokens") && stderr.contains("nothing was copied"),
        "{stderr}"
    );
    assert_eq!(
        pg.psql(&url, "SELECT state FROM mentions WHERE id = 3"),
        "new"
    );
}

/// The bytes' MD5 by coreutils, to compare with what PostgreSQL computes of its copy.
fn md5_of(bytes: &[u8]) -> String {
    let out = std::process::Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .unwrap();
    text(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_database_of_100000_mentions_is_copied_and_verified() {
    let Some(pg) = postgres::server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    drop(vigie::store::Store::open(&db).unwrap());
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    let tx = conn.transaction().unwrap();
    for s in 0..200 {
        tx.execute(
            "INSERT INTO sources (url, kind, created_at, name, etag) VALUES (?1, 'feed', 1700000000, ?2, ?3)",
            rusqlite::params![
                format!("https://site{s}.example/feed"),
                (s % 3 == 0).then(|| format!("Forum n°{s}")),
                (s % 2 == 0).then(|| format!("\"etag-{s}\"")),
            ],
        )
        .unwrap();
    }
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO mentions (brand, source_id, dedup_key, item_id, url, title, snippet, text,
                 author, lang, published_at, fetched_at, matched_terms, sentiment, sentiment_label,
                 simhash, story_id, risk, risk_severity, state, engagement, engagement_parts, reach)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?9, 'acme', ?10, ?11, ?12, ?13,
                 ?14, ?15, ?16, ?17, ?18, ?19)",
            )
            .unwrap();
        for i in 0..100_000i64 {
            let brand = ["Acme", "Globex", "Épicerie Fine"][(i % 3) as usize];
            insert
                .execute(rusqlite::params![
                    brand,
                    1 + i % 200,
                    format!("https://site{}.example/p/{i}", i % 200),
                    (i % 7 != 0).then(|| format!("https://site{}.example/p/{i}", i % 200)),
                    format!("Avis n°{i} sur l'électroménager {brand}"),
                    format!("Le grille-pain d'{brand} a brûlé — « déçu » ({i})"),
                    (i % 5 == 0).then_some("Zoé"),
                    ["fr", "en"][(i % 2) as usize],
                    1_700_000_000 + i * 37,
                    (i % 11) as f64 / 10.0 - 0.5,
                    ["negative", "neutral", "positive"][(i % 3) as usize],
                    i.wrapping_mul(0x9E37_79B9_7F4A_7C15u64 as i64),
                    (i % 10 == 9).then_some(i - 1),
                    (i % 13 == 0).then_some("safety"),
                    (i % 13 == 0).then_some(3),
                    ["new", "handled", "irrelevant"][(i % 4).min(2) as usize],
                    (i % 4 == 0).then_some(i % 500),
                    (i % 4 == 0).then(|| format!("score={},comments={}", i % 400, i % 100)),
                    (i % 6 == 0).then_some(i * 3),
                ])
                .unwrap();
        }
    }
    for i in 0..50i64 {
        tx.execute(
            "INSERT INTO alerts (brand, kind, state, window_seconds, opened_at, observed, total, baseline, statistic, threshold, detail)
             VALUES ('Acme', 'volume', 'closed', 3600, ?1, 12, 30, 1.25, 4.5, 3.0, '{\"sites\":[\"a\"]}')",
            [1_700_000_000 + i],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO outbox (alert_id, purpose, priority, recipient, message_id, subject, message, created_at, state, next_attempt_at)
             VALUES (?1, 'alert', 0, 'cm@example.com', ?2, 'Alerte', ?3, 0, 'sent', 0)",
            rusqlite::params![i + 1, format!("<a{i}@vigie>"), vec![0u8, 255, 13, 10, i as u8]],
        )
        .unwrap();
    }
    tx.execute(
        "INSERT INTO web_secrets (name, value) VALUES ('session', x'00ff10')",
        [],
    )
    .unwrap();
    // A NUL stored before items were cleaned of control characters: PostgreSQL cannot
    // hold it, so it is dropped, and the row still verifies.
    tx.execute(
        "UPDATE mentions SET author = 'Zo' || char(0) || 'é' WHERE id = 5",
        [],
    )
    .unwrap();
    tx.commit().unwrap();
    drop(conn);

    let url = pg.database("big");
    let config = pg_config(dir.path(), &url, pg);
    let tables = migrate_json(&config, &db);
    assert_eq!(tables["mentions"], (100_000, 100_000));
    assert_eq!(tables["sources"], (200, 200));
    assert_eq!(tables["outbox"], (50, 50));
    assert_eq!(tables["web_secrets"], (1, 1));
    assert_eq!(
        pg.psql(&url, "SELECT author FROM mentions WHERE id = 5"),
        "Zoé"
    );
    assert_eq!(
        pg.psql(
            &url,
            "SELECT count(*) FILTER (WHERE story_id IS NOT NULL) || ' ' || count(*) FILTER (WHERE engagement IS NOT NULL) || ' ' || sum(reach) FROM mentions"
        ),
        format!(
            "10000 25000 {}",
            (0..100_000i64).filter(|i| i % 6 == 0).map(|i| i * 3).sum::<i64>()
        )
    );
}

#[test]
fn logins_take_the_password_file_and_errors_never_show_the_password() {
    let Some(pg) = postgres::server() else { return };
    let (dir, demo) = demo_copy();
    assert!(vigie(&demo, &["poll"]).status.success());
    let db = dir.path().join("demo-output/demo.db");
    let url = pg.database("login");

    // A password in the URL is refused at the line, without repeating it.
    let c = dir.path().join("config/pw.toml");
    write(
        &c,
        &format!(
            "watchlists = \"../watchlists/demo.toml\"\ndatabase = \"postgres://vigie:hunter2-in-url@127.0.0.1:{}/x\"\n",
            pg.port
        ),
    );
    let out = vigie(&c, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("line 2")
            && stderr.contains("`database`")
            && stderr.contains("password_file"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    // A wrong password is the server's refusal, named, and the file's text never shown.
    let wrong = dir.path().join("wrong-password");
    write(&wrong, "hunter2-wrong\n");
    let c = dir.path().join("config/wrong.toml");
    write(
        &c,
        &format!(
            "watchlists = \"../watchlists/demo.toml\"\n[postgres]\npassword_file = {:?}\nsslmode = \"disable\"\n",
            wrong.display().to_string()
        ),
    );
    let out = vigie(
        &c,
        &["migrate", "--from", db.to_str().unwrap(), "--to", &url],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("password authentication failed") && stderr.contains("127.0.0.1"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    // A missing password file is named.
    let c2 = dir.path().join("config/missing.toml");
    write(
        &c2,
        "watchlists = \"../watchlists/demo.toml\"\n[postgres]\npassword_file = \"/nonexistent/pg-pass\"\n",
    );
    let out = vigie(
        &c2,
        &["migrate", "--from", db.to_str().unwrap(), "--to", &url],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot read the PostgreSQL password file /nonexistent/pg-pass"),
        "{}",
        text(&out.stderr)
    );

    // The right one logs in; `check` says what the database holds.
    let config = pg_config(dir.path(), &url, pg);
    let out = vigie(&config, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("empty (`vigie migrate"),
        "{}",
        text(&out.stdout)
    );
    let out = vigie(&config, &["migrate", "--from", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = vigie(&config, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "database    PostgreSQL vigie@127.0.0.1:{}/{}: schema version 4 (current), 23 mentions, 10 sources",
            pg.port,
            url.rsplit('/').next().unwrap()
        )),
        "{stdout}"
    );
    let wrong_config = dir.path().join("config/wrong-db.toml");
    write(
        &wrong_config,
        &std::fs::read_to_string(&config).unwrap().replace(
            &pg.password_file.display().to_string(),
            &wrong.display().to_string(),
        ),
    );
    let out = vigie(&wrong_config, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("password authentication failed")
            && !text(&out.stderr).contains("hunter2"),
        "{}",
        text(&out.stderr)
    );
    // Every command reads the copy as it read the file: the same lists, searches, exports
    // and corrections, word for word.
    for args in [
        &[
            "mentions", "--state", "all", "--limit", "100", "--format", "json",
        ][..],
        &[
            "mentions",
            "--search",
            "cafe OR electromenager",
            "--format",
            "json",
        ],
        &["mentions", "--brand", "acme", "--sentiment", "negative"],
        &["export", "--format", "csv"],
        &["export", "--corrections"],
        &["backtest", "--since", "30d"],
    ] {
        let (on_file, on_pg) = (vigie(&demo, args), vigie(&config, args));
        assert!(on_pg.status.success(), "{args:?}: {}", text(&on_pg.stderr));
        assert_eq!(text(&on_pg.stdout), text(&on_file.stdout), "{args:?}");
        assert!(!text(&on_pg.stdout).is_empty(), "{args:?}");
    }
    // A decision from the command line lands in PostgreSQL, with its history.
    let out = vigie(
        &config,
        &["triage", "2", "irrelevant", "--note", "homonyme"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        pg.psql(&url, "SELECT state FROM mentions WHERE id = 2"),
        "irrelevant"
    );
    assert_eq!(
        pg.psql(
            &url,
            "SELECT string_agg(action || '=' || detail, ',' ORDER BY id) FROM mention_events WHERE mention_id = 2"
        ),
        "state=irrelevant,note=homonyme"
    );
    let listed = text(
        &vigie(
            &config,
            &["mentions", "--state", "irrelevant", "--format", "json"],
        )
        .stdout,
    );
    assert!(
        listed
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .any(|m| m["id"] == 2),
        "{listed}"
    );
    // A backup copies a SQLite file: on PostgreSQL, the server's own tools.
    let out = vigie(
        &config,
        &["backup", dir.path().join("copy.db").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("pg_dump"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_table_or_column_the_postgresql_schema_lacks_is_refused_by_name_and_nothing_copied() {
    let Some(pg) = postgres::server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = pg.database("unknown");
    let config = pg_config(dir.path(), &url, pg);
    for (name, change, said) in [
        (
            "column.db",
            r#"ALTER TABLE mentions ADD COLUMN "x"", ""y" TEXT"#,
            "the SQLite column mentions.x\", \"y has no place",
        ),
        (
            "table.db",
            "CREATE TABLE bookmarks (id INTEGER PRIMARY KEY)",
            "the SQLite table bookmarks has no place",
        ),
    ] {
        let db = dir.path().join(name);
        drop(vigie::store::Store::open(&db).unwrap());
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(change).unwrap();
        conn.execute(
            "INSERT INTO sources (url, kind, created_at) VALUES ('https://a.example/', 'feed', 0)",
            [],
        )
        .unwrap();
        drop(conn);
        let out = vigie(&config, &["migrate", "--from", db.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(said) && stderr.contains("nothing was copied"),
            "{name}: {stderr}"
        );
        assert_eq!(pg.psql(&url, "SELECT count(*) FROM sources"), "0", "{name}");
    }
}

// Several nodes on one database: the sharing primitives, against the real server, with
// one connection per node as separate daemons would have.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use vigie::settings::postgres::{PgOptions, PgTarget, SslMode};
use vigie::store::pg::{self, work};

async fn node_client(pg: &postgres::Pg, url: &str) -> tokio_postgres::Client {
    pg::connect(&PgTarget {
        url: url.to_string(),
        options: PgOptions {
            password_file: Some(pg.password_file.clone()),
            sslmode: SslMode::Disable,
            ca_file: None,
        },
    })
    .await
    .unwrap()
}

async fn nodes_database(pg: &postgres::Pg, hint: &str) -> String {
    let url = pg.database(hint);
    let mut c = node_client(pg, &url).await;
    pg::migrate_schema(&mut c).await.unwrap();
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_share_2000_due_sources_each_polled_once_and_a_dead_nodes_lease_passes() {
    let Some(pg) = postgres::server() else { return };
    let url = nodes_database(pg, "nodes").await;
    pg.psql(
        &url,
        "INSERT INTO sources (url, kind, created_at, next_check_at)
         SELECT 'http://127.0.0.1:9/feed/' || g, 'feed', 0, 0 FROM generate_series(1, 2000) g",
    );
    const NOW: i64 = 1_000;
    const LEASE: i64 = 60;
    // Node c takes 100 sources and dies (SIGKILL): it never finishes them.
    let c = node_client(pg, &url).await;
    let lost = work::claim_sources(&c, "c", NOW, LEASE, 100).await.unwrap();
    assert_eq!(lost.len(), 100);

    // Nodes a and b poll everything else, concurrently, in batches.
    let polled: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let cycle = |at: i64| {
        let mut tasks = Vec::new();
        for node in ["a", "b"] {
            let polled = polled.clone();
            let url = url.clone();
            tasks.push(tokio::spawn(async move {
                let client = node_client(postgres::server().unwrap(), &url).await;
                loop {
                    let batch = work::claim_sources(&client, node, at, LEASE, 25)
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        break;
                    }
                    for s in batch {
                        polled.lock().unwrap().push((node.to_string(), s.id));
                        assert!(
                            work::finish_source(&client, node, s.id, at, at + 900)
                                .await
                                .unwrap()
                        );
                    }
                }
            }));
        }
        tasks
    };
    for t in cycle(NOW) {
        t.await.unwrap();
    }
    let first: Vec<i64> = polled.lock().unwrap().iter().map(|(_, id)| *id).collect();
    assert_eq!(
        first.len(),
        1_900,
        "every free source polled once this cycle"
    );
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 1_900, "no source polled twice");
    assert!(lost.iter().all(|s| !first.contains(&s.id)));
    let by_node = |n: &str| {
        polled
            .lock()
            .unwrap()
            .iter()
            .filter(|(x, _)| x == n)
            .count()
    };
    assert!(by_node("a") > 0 && by_node("b") > 0, "both nodes took work");

    // Within the lease, nothing of c's is taken; once it has passed, the others take it.
    for t in cycle(NOW + LEASE - 1) {
        t.await.unwrap();
    }
    assert_eq!(polled.lock().unwrap().len(), 1_900);
    for t in cycle(NOW + LEASE) {
        t.await.unwrap();
    }
    let all: Vec<i64> = polled.lock().unwrap().iter().map(|(_, id)| *id).collect();
    assert_eq!(all.len(), 2_000);
    let mut ids: Vec<i64> = all.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        2_000,
        "each source polled once, c's by the others"
    );

    // c wakes up late: its finish is refused and changes nothing.
    assert!(
        !work::finish_source(&c, "c", lost[0].id, NOW + 70, NOW + 5)
            .await
            .unwrap()
    );
    assert_eq!(
        pg.psql(
            &url,
            "SELECT count(*) FILTER (WHERE polled_by IN ('a', 'b')) || ' ' || count(*) FILTER (WHERE lease_node IS NOT NULL) FROM sources"
        ),
        "2000 0"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_email_is_leased_to_one_node_and_a_digest_period_is_taken_once() {
    let Some(pg) = postgres::server() else { return };
    let url = nodes_database(pg, "outbox").await;
    pg.psql(
        &url,
        "INSERT INTO outbox (purpose, priority, recipient, message_id, subject, message, created_at, state, next_attempt_at)
         SELECT 'alert', g % 3, 'cm@example.com', '<m' || g || '@vigie>', 'Alerte', convert_to('message ' || g, 'UTF8'), 0, 'pending', 0
         FROM generate_series(1, 500) g",
    );
    let sent: Arc<Mutex<HashMap<i64, Vec<String>>>> = Arc::default();
    let mut tasks = Vec::new();
    for node in ["a", "b", "c"] {
        let sent = sent.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let client = node_client(postgres::server().unwrap(), &url).await;
            loop {
                let batch = work::claim_emails(&client, node, 100, 300, 7)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    break;
                }
                for e in batch {
                    assert_eq!(
                        String::from_utf8(e.message).unwrap(),
                        format!("message {}", e.id)
                    );
                    sent.lock()
                        .unwrap()
                        .entry(e.id)
                        .or_default()
                        .push(node.into());
                    assert!(work::email_sent(&client, node, e.id, 100).await.unwrap());
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let sent = sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 500);
    assert!(
        sent.values().all(|nodes| nodes.len() == 1),
        "no email sent twice"
    );
    assert_eq!(
        pg.psql(&url, "SELECT count(*) FROM outbox WHERE state = 'sent'"),
        "500"
    );

    // Three nodes reach the same digest period at once: one takes it.
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = node_client(postgres::server().unwrap(), &url).await;
            let tx = client.transaction().await.unwrap();
            let took = work::take_digest_period(&tx, "demo", 0, 86_400, 86_400)
                .await
                .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            tx.commit().await.unwrap();
            took
        }));
    }
    let mut took = 0;
    for t in tasks {
        took += usize::from(t.await.unwrap());
    }
    assert_eq!(took, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_reading_other_watchlists_is_refused_while_the_others_run() {
    let Some(pg) = postgres::server() else { return };
    let url = nodes_database(pg, "join").await;
    let mut c = node_client(pg, &url).await;
    let same = work::catalogue_hash(&mut [("demo.toml".into(), b"[[brand]]".to_vec())]);
    let other = work::catalogue_hash(&mut [("demo.toml".into(), b"[[brand]] # v2".to_vec())]);
    assert_ne!(same, other);
    work::join(&mut c, "a", &same, 1_000, 90).await.unwrap();
    work::join(&mut c, "b", &same, 1_010, 90).await.unwrap();
    let refused = work::join(&mut c, "c", &other, 1_020, 90)
        .await
        .unwrap_err();
    let said = refused.to_string();
    assert!(
        said.contains("node c reads other watchlists") && said.contains("same watchlist files"),
        "{said}"
    );
    // Once a and b have stopped (no heartbeat for longer than the lease), c may start with
    // its watchlists, which are then the database's.
    work::heartbeat(&c, "a", 1_050).await.unwrap();
    assert!(
        work::join(&mut c, "c", &other, 1_140, 90).await.is_err(),
        "a is alive"
    );
    work::join(&mut c, "c", &other, 1_141, 90).await.unwrap();
    assert!(work::join(&mut c, "a", &same, 1_150, 90).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_checks_the_servers_certificate_against_the_ca_file() {
    let Some(pg) = postgres::server() else { return };
    let url = pg.database("tls");
    let target = |url: &str, sslmode, ca_file: Option<std::path::PathBuf>| PgTarget {
        url: url.to_string(),
        options: PgOptions {
            password_file: Some(pg.password_file.clone()),
            sslmode,
            ca_file,
        },
    };
    let tls_in_use = |client: tokio_postgres::Client| async move {
        let row = client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await
            .unwrap();
        row.get::<_, bool>(0)
    };
    // require + the server's CA: an encrypted session, by address or by name.
    let client = pg::connect(&target(&url, SslMode::Require, Some(pg.ca_file.clone())))
        .await
        .unwrap();
    assert!(tls_in_use(client).await);
    let by_name = url.replace("127.0.0.1", "localhost");
    let client = pg::connect(&target(
        &by_name,
        SslMode::Require,
        Some(pg.ca_file.clone()),
    ))
    .await
    .unwrap();
    assert!(tls_in_use(client).await);
    // disable: plain.
    let client = pg::connect(&target(&url, SslMode::Disable, None))
        .await
        .unwrap();
    assert!(!tls_in_use(client).await);
    // A certificate this host does not trust (the system's roots, or another CA) is
    // refused, and says why.
    let error = pg::connect(&target(&url, SslMode::Require, None))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("cannot connect to PostgreSQL at vigie@127.0.0.1")
            && error.contains("certificate"),
        "{error}"
    );
    let other_ca = pg.dir.join("other-ca.pem");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    std::fs::write(&other_ca, params.self_signed(&ca_key).unwrap().pem()).unwrap();
    let error = pg::connect(&target(&url, SslMode::Require, Some(other_ca)))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("certificate"), "{error}");
    // A CA file that is not one is named.
    let junk = pg.dir.join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let error = pg::connect(&target(&url, SslMode::Require, Some(junk.clone())))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&junk.display().to_string()) && error.contains("no certificate"),
        "{error}"
    );
}

#[test]
fn a_database_owner_without_superuser_rights_can_be_migrated_into() {
    // As on a managed server: vigie's role owns its database and nothing more, so the
    // schema (unaccent, the text search configurations) must be within an owner's rights.
    let Some(pg) = postgres::server() else { return };
    let (dir, demo) = demo_copy();
    assert!(vigie(&demo, &["poll"]).status.success());
    let admin = pg.database("admin");
    pg.psql(
        &admin,
        "CREATE ROLE plain_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'owner-pw-1'",
    );
    pg.psql(&admin, "CREATE DATABASE owned OWNER plain_owner");
    let password = dir.path().join("owner.pass");
    write(&password, "owner-pw-1\n");
    let config = dir.path().join("config/owner.toml");
    write(
        &config,
        &format!(
            "watchlists = \"../watchlists/demo.toml\"\ndatabase = \"postgres://plain_owner@127.0.0.1:{}/owned\"\n[postgres]\npassword_file = {:?}\nsslmode = \"disable\"\n",
            pg.port,
            password.display().to_string()
        ),
    );
    let tables = migrate_json(&config, &dir.path().join("demo-output/demo.db"));
    assert_eq!(tables["mentions"], (23, 23));
    let out = vigie(&config, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
