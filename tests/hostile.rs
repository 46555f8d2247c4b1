//! What a source can send, and what it can no longer do: documents in UTF-16 (which used to
//! panic the feed parser), a parser that panics on one document, pages whose next link
//! leads to a local file or out of their folder, files that are devices, FIFOs or too big.
//! Real HTTP server on loopback, real files, real SQLite.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::{Route, Server, feed, poller, rss, setup, setup_in, setup_watchlist, write};
use jiff::Timestamp;
use vigie::service::poll::Outcome;
use vigie::store::MentionQuery;

fn now() -> Timestamp {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

fn outcome_of<'a>(reports: &'a [vigie::service::poll::PollReport], url: &str) -> &'a Outcome {
    &reports
        .iter()
        .find(|r| r.url == url)
        .unwrap_or_else(|| panic!("no report for {url}"))
        .outcome
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian {
            &[0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn bytes(body: Vec<u8>, content_type: &str) -> Route {
    Route::Bytes {
        body: Arc::new(body),
        content_type: content_type.to_string(),
    }
}

async fn titles(p: &vigie::service::poll::Poller) -> Vec<String> {
    let mut t: Vec<String> = p
        .with_store(|s| {
            s.mentions(&MentionQuery {
                limit: 100,
                ..Default::default()
            })
        })
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect();
    t.sort();
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_feeds_with_or_without_bom_are_read_beside_a_good_one() {
    let srv = Server::start().await;
    let declared = |title: &str| {
        rss(&[(
            &title.replace(' ', "-"),
            title,
            "Le SAV d’Acmé répond enfin.",
        )])
        .replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"")
    };
    srv.route(
        "/be-bom.xml",
        bytes(
            utf16(&declared("Acme à Noël (BE)"), true, true),
            "application/rss+xml",
        ),
    );
    srv.route(
        "/be.xml",
        bytes(
            utf16(&declared("Acme à Noël (BE sans BOM)"), true, false),
            "text/xml",
        ),
    );
    srv.route(
        "/le.xml",
        bytes(
            utf16(&declared("Acme à Noël (LE)"), false, true),
            "application/xml; charset=utf-16",
        ),
    );
    srv.route(
        "/good.xml",
        feed(
            rss(&[("g1", "Acme ouvre une usine", "Bonne nouvelle")]),
            None,
        ),
    );
    let urls: Vec<String> = ["/be-bom.xml", "/be.xml", "/le.xml", "/good.xml"]
        .iter()
        .map(|p| srv.url(p))
        .collect();
    let s = setup(&urls, "", "");
    let p = poller(&s, now());
    let reports = p.poll_all(now(), |_| {}).await;
    for u in &urls {
        assert_eq!(
            outcome_of(&reports, u),
            &Outcome::Fetched,
            "{u}: {reports:?}"
        );
    }
    assert_eq!(
        titles(&p).await,
        [
            "Acme ouvre une usine",
            "Acme à Noël (BE sans BOM)",
            "Acme à Noël (BE)",
            "Acme à Noël (LE)",
        ]
    );

    // The binary too: `vigie poll` reads them and exits 0 (it used to exit 101 and store
    // nothing for any source).
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .args(["parse", &srv.url("/be-bom.xml")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Acme à Noël (BE)"));
}

#[tokio::test]
async fn a_parser_panic_fails_only_its_source_with_a_reason_and_backs_off() {
    vigie::ingest::parse::fault::panic_when_parsing("/explodes.xml");
    let srv = Server::start().await;
    let item = rss(&[("e1", "Acme explose", "Acme")]);
    srv.route("/explodes.xml", feed(item, None));
    srv.route(
        "/fine.xml",
        feed(rss(&[("f1", "Acme va bien", "Acme")]), None),
    );
    let (bad, good) = (srv.url("/explodes.xml"), srv.url("/fine.xml"));
    let s = setup(&[bad.clone(), good.clone()], "", "interval = \"15m\"");
    let p = poller(&s, now());

    let reports = p.poll_all(now(), |_| {}).await;
    assert_eq!(outcome_of(&reports, &good), &Outcome::Fetched);
    let Outcome::Failed(why) = outcome_of(&reports, &bad) else {
        panic!("{reports:?}");
    };
    assert!(
        why.starts_with("the feed parser failed on this document: fault injected"),
        "{why}"
    );
    assert_eq!(titles(&p).await, ["Acme va bien"]);

    // Polled again when due, it fails again, and waits longer each time.
    let mut gaps = Vec::new();
    let mut at = now();
    for _ in 0..3 {
        let source = p.sources.iter().find(|s| s.url == bad).unwrap().clone();
        let r = p.poll_source(&source, at).await;
        assert!(matches!(r.outcome, Outcome::Failed(_)), "{r:?}");
        gaps.push(r.next_check_at.duration_since(at).as_secs());
        at = r.next_check_at;
    }
    assert!(
        gaps[0] < gaps[1] && gaps[1] < gaps[2],
        "backoff grows: {gaps:?}"
    );

    // `vigie sources` shows it failing, with the reason.
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .args(["sources", "--format", "json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let row = rows.iter().find(|r| r["url"] == bad.as_str()).unwrap();
    assert_eq!(row["consecutive_errors"], 4, "{row}");
    assert!(
        row["last_error"]
            .as_str()
            .unwrap()
            .contains("the feed parser failed on this document"),
        "{row}"
    );
    let fine = rows.iter().find(|r| r["url"] == good.as_str()).unwrap();
    assert_eq!(fine["consecutive_errors"], 0);
}

const PAGE_SELECT: &str = "[source.select]\nitem = \"li.post\"\ntitle = \"a\"\nlink = \"a@href\"\nnext = \"a.next@href\"\nmax_pages = 5\n";

fn page(title: &str, next: Option<&str>) -> String {
    let next = next
        .map(|n| format!("<a class=\"next\" href=\"{n}\">suivant</a>"))
        .unwrap_or_default();
    format!(
        "<html><body><ul><li class=\"post\"><a href=\"/p/{}\">{title}</a></li></ul>{next}</body></html>",
        title.len()
    )
}

#[tokio::test]
async fn an_http_page_never_leads_to_a_local_file() {
    let srv = Server::start().await;
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("secret.html");
    write(&secret, &page("Acme secret local", None));
    let secret_url = url::Url::from_file_path(&secret).unwrap().to_string();
    srv.route(
        "/forum",
        feed(page("Acme sur le forum", Some(&secret_url)), None),
    );
    srv.route(
        "/forum-zero",
        feed(page("Acme encore", Some("file:///dev/zero")), None),
    );
    let s = setup_watchlist(&format!(
        "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"{}\"\nkind = \"html\"\n{PAGE_SELECT}\n[[source]]\nurl = \"{}\"\nkind = \"html\"\n{PAGE_SELECT}",
        srv.url("/forum"),
        srv.url("/forum-zero")
    ));
    let p = poller(&s, now());
    let reports = p.poll_all(now(), |_| {}).await;
    assert!(
        reports.iter().all(|r| r.outcome == Outcome::Fetched),
        "{reports:?}"
    );
    assert_eq!(titles(&p).await, ["Acme encore", "Acme sur le forum"]);
}

#[tokio::test]
async fn a_file_page_follows_next_pages_beside_it_but_never_out_of_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    write(
        &site.join("p1.html"),
        &page("Acme page un", Some("p2.html")),
    );
    write(
        &site.join("p2.html"),
        &page("Acme page deux", Some("../outside/p3.html")),
    );
    write(
        &dir.path().join("outside/p3.html"),
        &page("Acme hors du dossier", None),
    );
    // A link inside the folder that leads out of it, and a FIFO: neither is read.
    std::os::unix::fs::symlink(dir.path().join("outside/p3.html"), site.join("link.html")).unwrap();
    write(&site.join("q1.html"), &page("Acme q un", Some("link.html")));
    let fifo = site.join("fifo.html");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    write(&site.join("r1.html"), &page("Acme r un", Some("fifo.html")));

    let url = |p: &str| url::Url::from_file_path(site.join(p)).unwrap().to_string();
    let w = ["p1.html", "q1.html", "r1.html"]
        .iter()
        .map(|p| {
            format!(
                "[[source]]\nurl = \"{}\"\nkind = \"html\"\n{PAGE_SELECT}\n",
                url(p)
            )
        })
        .collect::<String>();
    let s = setup_in(dir, &[], "", "");
    write(
        &s.dir.path().join("watchlists/acme.toml"),
        &format!("[[brand]]\nname = \"Acme\"\n\n{w}"),
    );
    let p = poller(&s, now());
    let polled = tokio::time::timeout(Duration::from_secs(20), p.poll_all(now(), |_| {}))
        .await
        .expect("a FIFO never hangs a poll");
    assert!(
        polled.iter().all(|r| r.outcome == Outcome::Fetched),
        "{polled:?}"
    );
    assert_eq!(
        titles(&p).await,
        ["Acme page deux", "Acme page un", "Acme q un", "Acme r un"]
    );
}

#[tokio::test]
async fn a_file_source_is_a_regular_file_within_the_size_cap() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    let padding = "x".repeat(300 * 1024);
    write(&big, &rss(&[("b", "Acme", &padding)]));
    let fifo = dir.path().join("feed.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let urls = vec![
        url::Url::from_file_path(&big).unwrap().to_string(),
        url::Url::from_file_path(&fifo).unwrap().to_string(),
        "file:///dev/zero".to_string(),
    ];
    let s = setup_in(dir, &urls, "max_body_size = \"256KiB\"", "");
    let p = poller(&s, now());
    let reports = tokio::time::timeout(Duration::from_secs(20), p.poll_all(now(), |_| {}))
        .await
        .expect("no file read hangs");
    let why = |u: &str| match outcome_of(&reports, u) {
        Outcome::Failed(w) => w.clone(),
        other => panic!("{u}: {other:?}"),
    };
    assert!(
        why(&urls[0]).contains("over the 256 KiB limit"),
        "{}",
        why(&urls[0])
    );
    assert!(
        why(&urls[1]).contains("not a regular file"),
        "{}",
        why(&urls[1])
    );
    assert!(
        why(&urls[2]).contains("not a regular file"),
        "{}",
        why(&urls[2])
    );
}

/// Everything a person or a program can get out of Vigie about its mentions, with the
/// given arguments, as text.
fn vigie_output(config: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(config)
        .args(args)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "vigie {args:?}: {text}");
    text
}

/// Every file below `dir`, as bytes (the database, its WAL, emails, exports).
fn files_below(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_password_is_sent_to_its_server_and_shown_nowhere() {
    use base64::Engine;
    const USER: &str = "veille";
    const PASSWORD: &str = "Tr0ub4dor&3-x";
    const PASSWORD_IN_URL: &str = "Tr0ub4dor%263-x";
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));

    let srv = Server::start().await;
    // Relative links everywhere: they used to be resolved against the URL with its password.
    let feed_body = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Privé</title><link>/</link>\
         <item><guid>p1</guid><link>/private/articles/1</link><title>Acme rappelle ses bouilloires</title>\
         <description>&lt;p&gt;Acme, &lt;a href=\"/private/articles/2\"&gt;la suite&lt;/a&gt;.&lt;/p&gt;</description>\
         <pubDate>{}</pubDate></item></channel></rss>",
        jiff::fmt::rfc2822::to_string(&Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC)).unwrap()
    );
    srv.route("/private/feed.xml", feed(feed_body, None));
    srv.route(
        "/private/forum",
        feed(page("Acme forum page un", Some("/private/forum2")), None),
    );
    srv.route(
        "/private/forum2",
        feed(page("Acme forum page deux", None), None),
    );
    let with_password = |path: &str| format!("http://{USER}:{PASSWORD_IN_URL}@{}{path}", srv.addr);
    let s = setup_watchlist(&format!(
        "recipients = [\"cm@example.com\"]\n[[brand]]\nname = \"Acme\"\n\n\
         [[source]]\nurl = \"{}\"\n\n[[source]]\nurl = \"{}\"\nkind = \"html\"\n{PAGE_SELECT}",
        with_password("/private/feed.xml"),
        with_password("/private/forum"),
    ));
    let config = std::fs::read_to_string(&s.config).unwrap();
    write(
        &s.config,
        &format!("{config}\n[notify]\ndir = \"outbox\"\n"),
    );

    let mut shown = vigie_output(&s.config, &["poll"]);
    // The server got the password, as HTTP Basic, on the feed and on both pages.
    for path in ["/private/feed.xml", "/private/forum", "/private/forum2"] {
        let seen = srv.seen(path);
        assert!(!seen.is_empty(), "{path} fetched");
        assert_eq!(
            seen[0].headers.get("authorization").map(String::as_str),
            Some(format!("Basic {basic}").as_str()),
            "{path}"
        );
    }
    let preview = s.dir.path().join("digest.html");
    for args in [
        vec!["mentions"],
        vec!["mentions", "--format", "json"],
        vec!["sources"],
        vec!["sources", "--format", "json"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "json"],
        vec!["alerts", "--format", "json"],
        vec!["check"],
        vec!["digest", "--send", "--preview", preview.to_str().unwrap()],
    ] {
        shown.push_str(&vigie_output(&s.config, &args));
    }
    assert!(
        shown.contains("http://127.0.0.1") && shown.contains("/private/articles/1"),
        "the links are there, without the password: {shown}"
    );
    let mut everything: Vec<(String, Vec<u8>)> =
        vec![("output and logs".into(), shown.into_bytes())];
    everything.extend(
        files_below(s.dir.path())
            .into_iter()
            .filter(|(p, _)| !p.ends_with("main.toml"))
            .map(|(p, b)| (p.display().to_string(), b)),
    );
    assert!(
        everything.iter().any(|(p, _)| p.ends_with(".eml")),
        "a digest email was written"
    );
    for (what, bytes) in &everything {
        let text = String::from_utf8_lossy(bytes);
        for secret in [PASSWORD, PASSWORD_IN_URL, &basic, "Tr0ub4dor"] {
            assert!(!text.contains(secret), "{what} holds {secret:?}");
        }
    }
}
