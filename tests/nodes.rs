//! Three `vigie run` processes on one PostgreSQL database (tests/common/postgres.rs), 2,000
//! sources served on loopback, an SMTP server on loopback: the nodes share the polling,
//! store each mention once and send each email once; one node killed with SIGKILL in the
//! middle of its polls leaves its sources and the messages it held to the others when its
//! lease ends, and nothing is lost; a digest due while they all run is sent once.
//!
//! The mail server comes up once the node is dead: a node killed between the server's
//! acceptance of a message and its record of it would have it sent again by another node
//! (at least once, the same Message-ID), which no outbox can rule out; this test kills a
//! node mid-poll, not mid-send.

mod common;
#[path = "common/postgres.rs"]
mod postgres;
#[path = "common/smtp.rs"]
mod smtp;

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Node, Route, write};

const SOURCES: usize = 2_000;
/// Sources answering after a pause, so that a node is surely in the middle of polls.
const SLOW: usize = 150;

/// An RSS feed of site `i`: a story of its own, a copy of the recall story (on one of 40
/// sites), and one item every feed carries (the same link: one mention).
fn feed(i: usize, date: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Site {i}</title>\
         <link>https://site{i}.example/</link><description>d</description>\
         <item><link>https://site{i}.example/own</link><title>Acme au salon {i}</title>\
         <description>Le stand Acme numéro {i} présente {i} nouveautés dans le hall {i}.</description><pubDate>{date}</pubDate></item>\
         <item><link>https://news{}.example/recall-{i}</link><title>Acme rappelle 40 000 grille-pain</title>\
         <description>Acme rappelle 40 000 grille-pain après plusieurs départs de feu chez des clients.</description><pubDate>{date}</pubDate></item>\
         <item><link>https://wire.example/acme-shared</link><title>Acme publie ses résultats</title>\
         <description>Le groupe Acme publie ses résultats annuels.</description><pubDate>{date}</pubDate></item>\
         </channel></rss>\n",
        i % 40
    )
}

/// Waits up to `secs` for `check` to hold, then says what it saw.
async fn wait_for(secs: u64, what: &str, mut check: impl FnMut() -> Option<String>) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        match check() {
            None => return,
            Some(seen) if Instant::now() > deadline => panic!("{what}: {seen}"),
            Some(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn message_id(data: &str) -> String {
    data.lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_share_the_sources_store_and_send_everything_once_and_survive_a_kill() {
    let Some(pg) = postgres::server() else { return };
    let url = pg.database("nodes");
    let sql = |q: &str| pg.psql(&url, q);
    let srv = common::Server::start().await;
    // The mail server's port, listened on once node c is dead.
    let mail_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let date = jiff::Timestamp::now()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string();
    let mut urls = Vec::new();
    for i in 0..SOURCES {
        let path = format!("/site{i}.xml");
        let route = common::feed(feed(i, &date), None);
        let route = if i % (SOURCES / SLOW) == 0 {
            Route::Slow(Duration::from_secs(3), Box::new(route))
        } else {
            route
        };
        srv.route(&path, route);
        urls.push(srv.url(&path));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut watchlist = String::from(
        "recipients = [\"team@example.com\"]\nlanguage = \"fr\"\n\n[[brand]]\nname = \"Acme\"\n",
    );
    for u in &urls {
        watchlist.push_str(&format!("\n[[source]]\nurl = \"{u}\"\n"));
    }
    write(&dir.path().join("w/acme.toml"), &watchlist);
    for node in ["a", "b", "c"] {
        write(
            &dir.path().join(format!("{node}.toml")),
            &format!(
                "database = \"{url}\"\nwatchlists = \"w/*.toml\"\n\
                 [http]\nallow_private_networks = true\nper_host_connections = 16\nmax_concurrent_fetches = 16\n\
                 [poll]\njitter_percent = 0\ninterval = \"6h\"\n\
                 [notify]\nfrom = \"Vigie <vigie@example.com>\"\nsmtp = \"smtp://127.0.0.1:{}\"\nreply_timeout = \"10s\"\nsend_timeout = \"20s\"\n\
                 [node]\nid = \"{node}\"\nlease = \"10s\"\n{}",
                mail_port,
                pg.config_table()
            ),
        );
    }
    // Node a first, which makes the schema; then a digest period left unsent (as when the
    // nodes were down at its time), which one node sends once b and c run too.
    let a = Node::start(dir.path(), "a", "info");
    wait_for(60, "node a records the sources", || {
        if sql("SELECT to_regclass('public.sources') IS NOT NULL") != "t" {
            return Some("no schema yet".into());
        }
        let n = sql("SELECT count(*) FROM sources");
        (n != SOURCES.to_string()).then_some(n)
    })
    .await;
    let two_days_ago = jiff::Timestamp::now().as_second() - 2 * 24 * 3600;
    sql(&format!(
        "UPDATE digest_state SET covered_until = {two_days_ago} WHERE watchlist = 'acme';
         INSERT INTO digest_state (watchlist, covered_until) VALUES ('acme', {two_days_ago})
         ON CONFLICT (watchlist) DO NOTHING"
    ));
    let b = Node::start(dir.path(), "b", "info");
    let c = Node::start(dir.path(), "c", "info");

    // c polls, and holds sources it has not finished: kill it then.
    wait_for(90, "node c in the middle of its polls", || {
        let r = sql(
            "SELECT count(*) FILTER (WHERE polled_by = 'c'),
                    count(*) FILTER (WHERE lease_node = 'c' AND lease_until > extract(epoch FROM now()))
             FROM sources",
        );
        let (done, held) = r.split_once('|').unwrap();
        (done.parse::<u32>().unwrap() == 0 || held.parse::<u32>().unwrap() == 0).then_some(r)
    })
    .await;
    c.kill();
    let killed_at = Instant::now();
    let held: Vec<String> = sql("SELECT url FROM sources WHERE lease_node = 'c'")
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!held.is_empty());
    // Messages c had taken to send (and could not): another node sends them when c's
    // lease on them ends (the send deadline and a minute).
    let held_messages = sql("SELECT id FROM outbox WHERE lease_node = 'c' AND state = 'pending'");
    let mail = smtp::SmtpServer::start_on(mail_port).await;

    // Every source polled, those c held included, by a and b within the lease.
    wait_for(120, "every source polled", || {
        let r = sql("SELECT count(*) FROM sources WHERE planned AND last_checked_at IS NOT NULL");
        (r != SOURCES.to_string()).then_some(r)
    })
    .await;
    let taken_over = sql(&format!(
        "SELECT count(*) FROM sources WHERE polled_by IN ('a', 'b') AND url IN ({})",
        held.iter()
            .map(|u| format!("'{u}'"))
            .collect::<Vec<_>>()
            .join(",")
    ));
    assert_eq!(
        taken_over,
        held.len().to_string(),
        "c's sources polled by a and b"
    );
    assert!(
        killed_at.elapsed() < Duration::from_secs(60),
        "taken over within the lease, not long after: {:?}",
        killed_at.elapsed()
    );
    let by: HashMap<String, u32> = sql("SELECT polled_by, count(*) FROM sources GROUP BY 1")
        .lines()
        .map(|l| {
            let (n, c) = l.split_once('|').unwrap();
            (n.to_string(), c.parse().unwrap())
        })
        .collect();
    assert!(
        by.get("a").copied().unwrap_or(0) > 100 && by.get("b").copied().unwrap_or(0) > 100,
        "the work is shared: {by:?}"
    );
    // Each source fetched once in this cycle; those c held when it died, at most twice
    // (c may have fetched before dying).
    for (i, u) in urls.iter().enumerate() {
        let n = srv.seen(&format!("/site{i}.xml")).len();
        let max = if held.contains(u) { 2 } else { 1 };
        assert!((1..=max).contains(&n), "{u} fetched {n} times");
    }
    // Each mention once: 2,000 sites' own stories, 2,000 copies of the recall, one item
    // every feed carries.
    assert_eq!(
        sql("SELECT count(*), count(DISTINCT dedup_key) FROM mentions"),
        format!("{0}|{0}", 2 * SOURCES + 1)
    );

    // The outbox drains (its retries spaced 30 s, then 1 min…), each message once, c's
    // included.
    wait_for(240, "the outbox sent", || {
        let r = sql("SELECT count(*) FILTER (WHERE state <> 'sent'), count(*) FROM outbox");
        (!r.starts_with("0|") || r == "0|0").then_some(r)
    })
    .await;
    let sent: usize = sql("SELECT count(*) FROM outbox").parse().unwrap();
    for id in held_messages.lines() {
        assert_eq!(
            sql(&format!("SELECT state FROM outbox WHERE id = {id}")),
            "sent"
        );
    }
    let got = mail.received();
    let mut ids: Vec<String> = got.iter().map(|m| message_id(&m.data)).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (sent, sent), "each message once");
    let digests = got
        .iter()
        .filter(|m| message_id(&m.data).starts_with("<vigie.digest."))
        .count();
    assert_eq!(
        sql("SELECT count(*) FROM digests WHERE watchlist = 'acme'"),
        sql("SELECT count(*) FROM outbox WHERE purpose = 'digest'"),
        "one email per period for the one recipient"
    );
    assert!(digests >= 1, "the overdue digest was sent");
    assert!(
        sql("SELECT count(*) FROM outbox WHERE purpose = 'alert'") != "0",
        "the recall spreading over 40 sites is an alert"
    );

    for node in [a, b] {
        assert!(node.stop(), "a node did not stop within 30 s of SIGTERM");
    }
    // `vigie sources` says which node polled each source.
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(dir.path().join("a.toml"))
        .args(["sources", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut by_node: HashMap<String, usize> = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *by_node
            .entry(v["polled_by"].as_str().unwrap_or("none").to_string())
            .or_default() += 1;
    }
    assert_eq!(by_node.values().sum::<usize>(), SOURCES);
    assert!(
        by_node
            .keys()
            .all(|n| ["a", "b", "c"].contains(&n.as_str())),
        "{by_node:?}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(dir.path().join("b.toml"))
        .arg("sources")
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.lines().next().unwrap().contains("polled by"),
        "{table}"
    );

    // Every line a node wrote says which node it is.
    for node in ["a", "b"] {
        let log = std::fs::read_to_string(dir.path().join(format!("{node}.log"))).unwrap();
        let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(lines.len() > 100, "{log}");
        for line in lines {
            assert!(line.contains(&format!("node{{id={node}}}")), "{line}");
        }
    }
}
