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

    let out = vigie(
        &config,
        &[
            "migrate",
            "--from",
            db.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = copied(&text(&out.stdout));
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
    // Full-text search folds accents and stems: "rappels retiree" finds "Rappel massif :
    // l'ACMÉ Turbo-Grille retirée des rayons".
    let found = pg.psql(
        &url,
        "SELECT count(*) FROM mentions WHERE search @@ plainto_tsquery('vigie_fr', 'rappels retiree')",
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
    let out = vigie(
        &config,
        &[
            "migrate",
            "--from",
            db.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = copied(&text(&out.stdout));
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
    tx.commit().unwrap();
    drop(conn);

    let url = pg.database("big");
    let config = pg_config(dir.path(), &url, pg);
    let out = vigie(
        &config,
        &[
            "migrate",
            "--from",
            db.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let tables = copied(&text(&out.stdout));
    assert_eq!(tables["mentions"], (100_000, 100_000));
    assert_eq!(tables["sources"], (200, 200));
    assert_eq!(tables["outbox"], (50, 50));
    assert_eq!(tables["web_secrets"], (1, 1));
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

    // The right one logs in; a command that needs the store on PostgreSQL says it plainly.
    let config = pg_config(dir.path(), &url, pg);
    let out = vigie(&config, &["migrate", "--from", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = vigie(&config, &["mentions"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("vigie migrate"),
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
