//! The `vigie` binary as a person runs it: exit codes, messages, the shipped configs, the
//! demo end to end.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{demo_copy, subject, vigie, write};

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

const GOOD_WATCHLIST: &str =
    "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://news.example.com/feed.xml\"\n";

/// A config + watchlist pair in a temp dir; returns (dir, config path).
fn files(config: &str, watchlist: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, config);
    write(&dir.path().join("watchlists/acme.toml"), watchlist);
    (dir, c)
}

fn assert_config_error(out: &Output, location: &str, needle: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit code; stderr: {err}");
    assert!(err.contains(location), "expected {location:?} in: {err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
}

#[test]
fn unknown_config_key_exits_2_with_file_line_and_key() {
    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n[http]\ntimout = \"5s\"\n",
        GOOD_WATCHLIST,
    );
    let out = vigie(&c, &["check"]);
    assert_config_error(
        &out,
        "vigie.toml:3:1: key `http.timout`",
        "unknown field `timout`",
    );
    assert!(
        text(&out.stderr).contains("   3 | timout = \"5s\"\n     | ^^^^^^"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn wrong_type_in_config_exits_2() {
    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n[poll]\ninterval = 15\n",
        GOOD_WATCHLIST,
    );
    assert_config_error(
        &vigie(&c, &["check"]),
        "vigie.toml:3:12: key `poll.interval`",
        "invalid type",
    );
}

#[test]
fn watchlist_without_brand_name_exits_2_with_its_line() {
    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n",
        "[[source]]\nurl = \"https://a.example/f\"\n\n[[brand]]\naliases = [\"ACME\"]\n",
    );
    assert_config_error(
        &vigie(&c, &["check"]),
        "acme.toml:4:1",
        "missing field `name`",
    );
}

#[test]
fn bad_source_url_exits_2_with_its_line_and_key() {
    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n",
        "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"htp:/news.example.com\"\n",
    );
    assert_config_error(
        &vigie(&c, &["check"]),
        "acme.toml:5:7: key `source.url`",
        "unsupported URL scheme \"htp\"",
    );
}

#[test]
fn every_error_of_every_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, "watchlists = \"w/*.toml\"\n");
    write(
        &dir.path().join("w/a.toml"),
        "[[brand]]\nname = \"Acme\"\nkind = 1\n[[source]]\nurl = \"https://a.example\"\n",
    );
    write(
        &dir.path().join("w/b.toml"),
        "[[brand]]\nname = \"B\"\n[[source]]\nurl = \"gopher://b.example\"\n",
    );
    let out = vigie(&c, &["check"]);
    assert_config_error(&out, "a.toml:3:1: key `brand.kind`", "unknown field `kind`");
    assert_config_error(&out, "b.toml:4:7", "gopher");
}

#[test]
fn a_brand_defined_in_two_watchlists_is_located_in_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, "watchlists = \"w/*.toml\"\n");
    write(&dir.path().join("w/a.toml"), GOOD_WATCHLIST);
    write(
        &dir.path().join("w/b.toml"),
        "# second\n[[brand]]\nname = \"ACMÉ\"\n[[source]]\nurl = \"https://b.example\"\n",
    );
    assert_config_error(
        &vigie(&c, &["check"]),
        "b.toml:3:8: key `brand.name`",
        "already defined in",
    );
}

#[test]
fn a_glob_that_matches_nothing_or_a_missing_config_exits_2() {
    let (_d, c) = files("watchlists = \"nowhere/*.toml\"\n", GOOD_WATCHLIST);
    assert_config_error(
        &vigie(&c, &["check"]),
        "vigie.toml:1:14: key `watchlists`",
        "no watchlist file matches",
    );
    let missing = Path::new("/nonexistent/vigie.toml");
    assert_config_error(
        &vigie(missing, &["check"]),
        "/nonexistent/vigie.toml",
        "cannot read the config file",
    );
}

#[test]
fn run_refuses_to_start_on_a_bad_config() {
    let (d, c) = files(
        "watchlists = \"watchlists/*.toml\"\ndatabase = \"v.db\"\n",
        "[[brand]]\nname = \"\"\n",
    );
    let out = vigie(&c, &["run"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        !d.path().join("v.db").exists(),
        "no partial start: no database created"
    );
}

#[test]
fn shipped_configs_are_valid() {
    for cfg in [
        "config/vigie.toml",
        "config/vigie.example.toml",
        "config/demo.toml",
    ] {
        let out = vigie(&repo(cfg), &["check"]);
        assert!(out.status.success(), "{cfg}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).ends_with("ok\n"),
            "{cfg}: {}",
            text(&out.stdout)
        );
    }
    // The example documents every key with its default value.
    let example = vigie::settings::config::load(&repo("config/vigie.example.toml")).unwrap();
    let defaults = vigie::settings::config::parse("", &repo("config/vigie.example.toml")).unwrap();
    assert_eq!(
        format!("{:?}", example.http),
        format!("{:?}", defaults.http)
    );
    assert_eq!(
        format!("{:?}", example.poll),
        format!("{:?}", defaults.poll)
    );
    let schedule =
        |c: &vigie::settings::config::Config| c.digest.defaults.schedule(&Default::default());
    assert_eq!(schedule(&example), schedule(&defaults));
}

#[test]
fn demo_polls_offline_and_lists_its_mentions() {
    let (dir, c) = demo_copy();
    let out = vigie(&c, &["poll", "--once"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("10 sources: 10 ok, 0 not modified, 0 failed; 23 new mentions"),
        "{}",
        text(&out.stdout)
    );
    assert!(dir.path().join("demo-output/demo.db").exists());

    let out = vigie(&c, &["mentions", "--format", "json", "--limit", "100"]);
    let rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |b: &str| rows.iter().filter(|r| r["brand"] == b).count();
    assert_eq!(
        (count("Acme"), count("Cafés Lumière"), count("Globex")),
        (17, 3, 3)
    );
    let titles: Vec<&str> = rows.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert!(
        !titles
            .iter()
            .any(|t| t.contains("Acme Trail") || t.contains("acmeologie")),
        "{titles:?}"
    );
    // The Google Alerts feed: links to the articles themselves, and its copy of the paper's
    // recall is the paper's mention, not a second one.
    let urls: Vec<&str> = rows.iter().filter_map(|r| r["url"].as_str()).collect();
    assert!(!urls.iter().any(|u| u.contains("google.com")), "{urls:?}");
    assert!(urls.contains(&"https://www.presse-normande.example.fr/economie/acme-greve-rouen"));
    assert_eq!(
        urls.iter()
            .filter(|u| u.contains("quotidien.example.fr/2026/11/20/rappel-acme"))
            .count(),
        1
    );
    // The paper's recall and the regional paper's copy are one story: whichever was stored
    // first (the sources are polled concurrently) is the story, the other its copy.
    let by_url = |u: &str| rows.iter().find(|r| r["url"] == u).unwrap();
    let story = |r: &serde_json::Value| {
        if r["story"].is_null() {
            r["id"].clone()
        } else {
            r["story"].clone()
        }
    };
    let paper = by_url("https://quotidien.example.fr/2026/11/20/rappel-acme-turbo-grille");
    let copy = by_url("https://revue-regionale.example.fr/depeches/rappel-acme");
    assert_eq!(story(paper), story(copy));
    assert_eq!(
        [paper, copy]
            .iter()
            .filter(|r| r["story"].is_null())
            .count(),
        1
    );
    let dates: Vec<&str> = rows
        .iter()
        .map(|r| r["published_at"].as_str().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );

    // Accent- and case-insensitive brand filter; French search with elision and accents.
    let out = vigie(
        &c,
        &["mentions", "--brand", "cafes lumiere", "--format", "json"],
    );
    assert_eq!(
        text(&out.stdout).lines().count(),
        3,
        "{}",
        text(&out.stderr)
    );
    let out = vigie(
        &c,
        &[
            "mentions",
            "--search",
            "l'acme grille-pain",
            "--format",
            "csv",
        ],
    );
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with(
            "published_at,brand,title,url,source,matched_terms,lang,snippet,sentiment,sentiment_label,risk,engagement,reach,rating\n"
        ),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 7, "header and six mentions: {csv}");
    assert!(
        csv.contains("youtube.com/watch?v=demoVid0001") && csv.contains(",safety,4210,184000,"),
        "the video keeps its likes and views: {csv}"
    );
    assert!(csv.contains("revue-regionale.example.fr"), "{csv}");
    // From the forum page read with selectors, its session id dropped from the link.
    assert!(
        csv.contains("https://forum-conso.example.fr/viewtopic.php?t=9120,"),
        "{csv}"
    );
    assert!(csv.contains("Grille-pain Acme en panne"), "{csv}");
    assert!(csv.contains("Mon grille-pain Acmé a pris feu"), "{csv}");
    assert!(csv.contains("40 000 grille-pain"), "{csv}");

    // The burst of undated complaints on the SAV forum is a spike: an alert is open and its
    // email is in the outbox folder, addressed to the watchlist's recipient.
    let out = vigie(&c, &["alerts", "--open", "--format", "json"]);
    let alerts: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        alerts
            .iter()
            .any(|a| a["brand"] == "Acme" && a["kind"] == "volume" && a["emails_sent"] == 1),
        "{alerts:?}"
    );
    let outbox = dir.path().join("demo-output/outbox");
    let emails: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let volume = emails
        .iter()
        .find(|m| m.contains("pic de mentions"))
        .expect("a volume alert email");
    assert!(
        volume.contains("\r\nTo: equipe-marque@demo.example\r\n"),
        "{volume}"
    );
    assert!(
        subject(volume).starts_with("[Vigie] Acme\u{202f}: pic de mentions ("),
        "{volume}"
    );
    assert!(volume.contains("sav-forum.example.fr"), "{volume}");

    // Replaying detection finds that spike again, and stores nothing.
    let out = vigie(&c, &["backtest", "--since", "7d", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let replayed: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        replayed.iter().any(|r| r["brand"] == "Acme"
            && r["kind"] == "volume"
            && r["reading"]["window"] == 3600),
        "{replayed:?}"
    );
    let out = vigie(&c, &["alerts", "--format", "json"]);
    assert_eq!(
        text(&out.stdout).lines().count(),
        alerts.len(),
        "backtest stored nothing"
    );

    // A test email goes through the same transport.
    let before = std::fs::read_dir(&outbox).unwrap().count();
    let out = vigie(&c, &["test-email", "someone@demo.example"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("sent to someone@demo.example"));
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), before + 1);

    // Each mention has a sentiment: the fire and the recall are negative, the new roastery
    // is not; the filter keeps only what was asked for.
    let out = vigie(
        &c,
        &["mentions", "--sentiment", "negative", "--format", "json"],
    );
    let negative: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let titles: Vec<&str> = negative
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("a pris feu")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.contains("Rappel massif")),
        "{titles:?}"
    );
    assert!(!titles.iter().any(|t| t.contains("brûlerie")), "{titles:?}");
    for m in &negative {
        assert_eq!(m["sentiment_label"], "negative", "{m}");
        assert!(m["sentiment"].as_f64().unwrap() <= -0.05, "{m}");
    }
    let out = vigie(&c, &["mentions", "--brand", "globex"]);
    assert!(
        text(&out.stdout).contains("positive"),
        "{}",
        text(&out.stdout)
    );
    let out = vigie(&c, &["mentions", "--sentiment", "grumpy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("expected negative, neutral or positive"),
        "{}",
        text(&out.stderr)
    );

    // Polling again stores nothing new.
    let out = vigie(&c, &["poll"]);
    assert!(
        text(&out.stdout).contains("0 ok, 10 not modified, 0 failed; 0 new mentions"),
        "{}",
        text(&out.stdout)
    );

    let out = vigie(&c, &["sources", "--format", "json"]);
    let srcs: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(srcs.len(), 10);
    assert!(
        srcs.iter()
            .all(|s| s["consecutive_errors"] == 0 && !s["last_success_at"].is_null())
    );
    let table = text(&vigie(&c, &["sources"]).stdout);
    assert!(table.starts_with("state  source"), "{table}");
    assert!(
        table.contains("digest of demo: 08:00 Europe/Paris, every day; next: "),
        "{table}"
    );
}

#[test]
fn the_demo_digest_previews_with_its_charts_and_is_sent_once_per_period() {
    let (dir, c) = demo_copy();
    assert!(vigie(&c, &["poll"]).status.success());
    let outbox = dir.path().join("demo-output/outbox");
    let emails = || -> Vec<String> {
        std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .filter(|m| m.contains("Message-ID: <vigie.digest."))
            .collect()
    };
    assert!(emails().is_empty(), "no digest before its time");

    let preview = dir.path().join("digest.html");
    let out = vigie(&c, &["digest", "--preview", preview.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&preview).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // One chart per brand, inlined: nothing to fetch, no cid: left for a browser.
    assert_eq!(html.matches("src=\"data:image").count(), 3, "{html}");
    assert!(!html.contains("cid:"));
    assert!(
        html.contains("Résumé Vigie"),
        "French, as the watchlist says"
    );
    // The syndicated recall is one story carried by two sources; the empty feed is reported.
    assert!(
        html.contains("quotidien.example.fr, revue-regionale.example.fr"),
        "{html}"
    );
    assert!(html.contains("agenda-salons.xml"));
    // The forum page's mention is named by the name its source has in the watchlist; the
    // JSON forum feed, unnamed, by its mentions' site.
    assert!(html.contains(">Forum Conso · dim. 22 nov."), "{html}");
    assert!(
        html.contains(">forum-conso.example.fr · lun. 23 nov."),
        "{html}"
    );

    // Yesterday's digest, sent twice: queued and delivered once.
    let yesterday = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date()
        .yesterday()
        .unwrap()
        .to_string();
    let out = vigie(&c, &["digest", "--date", &yesterday, "--send"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 email queued"),
        "{}",
        text(&out.stdout)
    );
    let out = vigie(&c, &["digest", "--date", &yesterday, "--send"]);
    assert!(
        text(&out.stdout).contains("0 emails queued (already queued or sent for this period)"),
        "{}",
        text(&out.stdout)
    );
    let sent = emails();
    assert_eq!(sent.len(), 1);
    let m = &sent[0];
    assert!(m.contains("\r\nTo: equipe-marque@demo.example\r\n"), "{m}");
    let yesterday_fr = vigie::digest::words::long_date(
        vigie::settings::digest::DigestOverride::default()
            .schedule(&Default::default())
            .unwrap()
            .at(yesterday.parse().unwrap()),
        &jiff::tz::TimeZone::get("Europe/Paris").unwrap(),
        vigie::settings::watchlist::Language::Fr,
    );
    let subject = subject(m);
    assert!(
        subject.starts_with(&format!("[Vigie] Résumé du {yesterday_fr} · ")),
        "{subject}"
    );
    assert!(
        [" mention", " mentions", " négative)", " négatives)"]
            .iter()
            .any(|end| subject.ends_with(end)),
        "{subject}"
    );
    assert!(m.contains("multipart/alternative") && m.contains("multipart/related"));
    assert_eq!(m.matches("Content-Type: image/png").count(), 3, "{m}");
    assert_eq!(m.matches("Content-ID: <chart").count(), 3);

    // A digest of a day to come cannot be sent ahead of its time.
    let out = vigie(&c, &["digest", "--date", "2099-01-01", "--send"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not due yet"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn mentions_without_a_database_says_what_to_do() {
    let (_d, c) = demo_copy();
    let out = vigie(&c, &["mentions"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("run `vigie poll` or `vigie run` first"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn parse_prints_items_as_json_lines() {
    let out = vigie(
        Path::new("/nonexistent.toml"),
        &["parse", repo("demo/feeds/tech-en.atom").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let items: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(items.len(), 4);
    assert_eq!(
        items[0]["url"],
        "https://gadgets.example.com/reviews/acme-turbo-toaster"
    );
    assert_eq!(items[0]["author"], "Sam Porter");
    assert_eq!(items[0]["published"], "2026-11-19T15:30:00Z");
    assert_eq!(items[0]["lang"], "en");
    assert!(
        items[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("We tested Acme's new toaster.")
    );
    assert_eq!(
        items[3]["published_estimated"], true,
        "a 2099 date is clamped"
    );
}

#[test]
fn parse_fails_clearly_on_something_that_is_not_a_feed() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    write(&page, "<html><body>Acme</body></html>");
    let out = vigie(
        Path::new("/nonexistent.toml"),
        &["parse", page.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("page.html") && err.contains("not a readable feed"),
        "{err}"
    );
    let out = vigie(
        Path::new("/nonexistent.toml"),
        &["parse", "/no/such/feed.xml"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("No such file"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_daemon_stops_on_sigterm_with_exit_0_and_its_polls_committed() {
    let (dir, c) = demo_copy();
    let child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&c)
        .arg("run")
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let db = dir.path().join("demo-output/demo.db");
    let polled = || {
        vigie::store::Store::open(&db)
            .ok()
            .and_then(|s| s.mention_count().ok())
            .unwrap_or(0)
            == 23
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !(db.exists() && polled()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the daemon did not poll the demo within 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The daemon's sender delivers the alert the spike opened.
    let outbox = dir.path().join("demo-output/outbox");
    while !std::fs::read_dir(&outbox).is_ok_and(|d| d.count() > 0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the daemon did not deliver the alert email within 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let kill = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let log = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("SIGTERM received") && log.contains("stopped"),
        "{log}"
    );
}

#[test]
fn a_malformed_query_is_shown_with_file_line_column_and_caret() {
    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n",
        "[[brand]]\nname = \"Acme\"\nquery = '(acme OR \"acme corp\") NEAR/0 rappel'\n\n[[source]]\nurl = \"https://a.example\"\n",
    );
    let out = vigie(&c, &["check"]);
    assert_config_error(
        &out,
        "acme.toml:3:32: key `brand.query`",
        "NEAR/0 means nothing",
    );
    assert!(
        text(&out.stderr).contains("   3 | query = '(acme OR \"acme corp\") NEAR/0 rappel'\n     |                                ^"),
        "{}",
        text(&out.stderr)
    );
}

/// Runs `vigie SUB ARGS` (no config) with `input` on stdin.
fn piped(sub: &str, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg(sub)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn sentiment_prints_one_score_per_line_and_nothing_else() {
    let input = "Acme est génial, je recommande !\n\
                 I hate the new Acme app.\n\
                 \n\
                 Acme opens a store in Lyon\n\
                 Ce n'est pas bon du tout\n\
                 Das neue Acme-Produkt ist wirklich sehr schlecht und teuer\n";
    let out = piped("sentiment", &[], input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let scores: Vec<f64> = text(&out.stdout)
        .lines()
        .map(|l| l.parse().unwrap_or_else(|_| panic!("not a score: {l:?}")))
        .collect();
    assert_eq!(scores.len(), 6, "one line out per line in, empty ones too");
    assert!(scores[0] > 0.5, "{scores:?}");
    assert!(scores[1] < -0.3, "{scores:?}");
    assert_eq!(scores[2], 0.0);
    assert!(scores[3].abs() < 0.05, "{scores:?}");
    assert!(scores[4] < -0.2, "{scores:?}");
    assert_eq!(scores[5], 0.0, "German is not scored");
    assert!(scores.iter().all(|s| (-1.0..=1.0).contains(s)));
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));

    // Forcing the language: "pain" is bread in French, not suffering.
    let fr = piped("sentiment", &["--lang", "fr"], "pain\n");
    let en = piped("sentiment", &["--lang", "en"], "pain\n");
    assert!(text(&fr.stdout).trim().parse::<f64>().unwrap().abs() < 0.05);
    assert!(text(&en.stdout).trim().parse::<f64>().unwrap() < -0.3);

    let out = piped("sentiment", &["--explain"], "Acme n'est pas fiable\n");
    let line = text(&out.stdout);
    let fields: Vec<&str> = line.trim_end().split('\t').collect();
    assert_eq!(fields[1], "fr", "{line}");
    assert!(fields[2].starts_with("fiable:-"), "negated: {line}");
}

#[test]
fn match_tries_a_query_on_lines_of_stdin() {
    let run = |args: &[&str], input: &str| piped("match", args, input);
    let out = run(
        &["--query", "\"Crédit Agricole\" OR (acme NEAR/2 rappel)"],
        "Le CRÉDIT AGRICOLE recrute\ncrédit immobilier agricole\nrappel massif chez l'Acmé\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "1\tCrédit Agricole\n0\n1\trappel, acme\n"
    );

    let out = run(
        &[
            "--query",
            "acme site:example.com",
            "--site",
            "https://news.example.com/x",
        ],
        "Acme\n",
    );
    assert_eq!(text(&out.stdout), "1\tacme\n");
    let out = run(&["--query", "title:acme", "--title", "Rien"], "Acme\n");
    assert_eq!(text(&out.stdout), "0\n");

    // Without --lang, each line's language is detected, as for an item whose feed
    // declares none; even a few words.
    let out = run(
        &["--query", "acme lang:fr"],
        "Acme en panne ?\nAcme annonce 300 licenciements\nAcme is down again\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "1\tacme\n1\tacme\n0\n");

    let out = run(&["--query", "(acme OR"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("(acme OR\n      ^ OR needs something after it"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn bad_alert_and_notify_settings_are_refused_with_file_line_and_key() {
    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n[notify]\nsmtp = \"smtp://user:secret@mail.example\"\n",
        "recipients = [\"not an address\"]\n\n[alerts]\nsensitivity = \"balanced\"\nmin_ratio = 0.5\n\n[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://a.example\"\n",
    );
    let out = vigie(&c, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("vigie.toml: line 3: key `notify.smtp`"),
        "{err}"
    );
    assert!(err.contains("password_file"), "{err}");
    assert!(!err.contains("secret"), "the password is not echoed: {err}");

    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n",
        "recipients = [\"not an address\"]\n\n[alerts]\nsensitivity = \"balanced\"\nmin_ratio = 0.5\n\n[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://a.example\"\n",
    );
    let out = vigie(&c, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("acme.toml:1:15: key `recipients`"), "{err}");
    assert!(
        err.contains("acme.toml:5:1: key `alerts.min_ratio`: must be at least 1"),
        "{err}"
    );

    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n",
        "[alerts]\nsensitivity = \"paranoid\"\n\n[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://a.example\"\n",
    );
    let out = vigie(&c, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("acme.toml:2:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_says_who_gets_the_alerts_and_how_emails_leave() {
    let (_dir, c) = demo_copy();
    let out = vigie(&c, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.contains("alerts: balanced, cooldown 6h; emails in French to equipe-marque@demo.example"),
        "{s}"
    );
    assert!(
        s.contains("    share of voice: Petit électroménager: Acme against Globex\n"),
        "{s}"
    );
    assert!(
        s.contains("emails      from Vigie démo <vigie@demo.example>, .eml files in"),
        "{s}"
    );

    let (_d, c) = files(
        "watchlists = \"watchlists/*.toml\"\n[notify]\nsmtp = \"smtps://mail.example:465\"\nusername = \"vigie\"\npassword_file = \"secret.txt\"\n",
        GOOD_WATCHLIST,
    );
    let out = vigie(&c, &["check"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("smtps://mail.example:465 as vigie (password from file)"),
        "{s}{}",
        text(&out.stderr)
    );
    assert!(s.contains("no recipients"), "{s}");
}

#[test]
fn a_backup_of_the_live_database_opens_and_passes_the_integrity_check() {
    let (dir, c) = demo_copy();
    assert!(vigie(&c, &["poll"]).status.success());
    let file = dir.path().join("backups/vigie-2026-11-23.db");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let out = vigie(&c, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("23 mentions, schema version"),
        "{}",
        text(&out.stdout)
    );
    let conn = rusqlite::Connection::open(&file).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM mentions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 23);
    // Never over an existing file.
    let out = vigie(&c, &["backup", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the file exists"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_retention_shorter_than_the_alert_baseline_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, "[store]\nkeep_mentions = \"7d\"\n");
    let out = vigie(&c, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("store.keep_mentions"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_writes_every_mention_with_its_full_text() {
    let (_dir, c) = demo_copy();
    assert!(vigie(&c, &["poll"]).status.success());
    let out = vigie(&c, &["export", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 23, "no limit, unlike `mentions`");
    let dates: Vec<&str> = rows
        .iter()
        .map(|r| r["published_at"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    // The whole text, not a snippet: both paragraphs of the paper's article.
    let strike = rows
        .iter()
        .find(|r| r["url"] == "https://quotidien.example.fr/2026/11/22/greve-sous-traitant")
        .unwrap();
    let body = strike["text"].as_str().unwrap();
    assert!(
        body.contains("sont en grève depuis lundi") && body.contains("aucun commentaire"),
        "{strike}"
    );

    let out = vigie(&c, &["export", "--since", "2026-11-21"]);
    let csv = text(&out.stdout);
    assert!(csv.starts_with("id,published_at,brand,title,url,"), "{csv}");
    let kept = csv.lines().count() - 1;
    assert!(kept > 0 && kept < 21, "{kept} since the 21st");
}

/// `n` brands named `Brand0`, `Brand1`... and one source.
fn brands(n: usize) -> String {
    let mut w: String = (0..n)
        .map(|i| format!("[[brand]]\nname = \"Brand{i}\"\n"))
        .collect();
    w.push_str("[[source]]\nurl = \"https://a.example/feed\"\n");
    w
}

#[test]
fn a_watchlist_over_a_cap_is_refused_where_it_goes_over() {
    let config = "watchlists = \"watchlists/*.toml\"\n";
    // A 50 MB alias: the file is refused before it is read.
    let huge = format!(
        "[[brand]]\nname = \"Acme\"\naliases = [\"{}\"]\n[[source]]\nurl = \"https://a.example\"\n",
        "a".repeat(50 << 20)
    );
    let (_d, c) = files(config, &huge);
    let out = vigie(&c, &["check"]);
    assert_config_error(&out, "acme.toml", "at most 1048576 bytes (1 MiB)");
    assert!(
        !text(&out.stderr).contains("aaaa"),
        "no excerpt of a huge line"
    );

    // Each watchlist below is refused by `check` with this place and reason.
    let refused = |watchlist: &str, location: &str, needle: &str| {
        let (_d, c) = files(config, watchlist);
        assert_config_error(&vigie(&c, &["check"]), location, needle);
    };
    const SOURCE: &str = "[[source]]\nurl = \"https://a.example\"\n";

    // A term of 201 characters, an alias or in a query.
    let long = "x".repeat(201);
    refused(
        &format!("[[brand]]\nname = \"Acme\"\naliases = [\"ok\", \"{long}\"]\n{SOURCE}"),
        "acme.toml:3:18: key `brand.aliases`",
        "this term is 201 characters long: at most 200",
    );
    refused(
        &format!("[[brand]]\nname = \"Acme\"\nquery = \"acme OR {long}\"\n{SOURCE}"),
        "acme.toml:3:9: key `brand.query`",
        "a term of this query is 201 characters long",
    );

    // 101 names, aliases and exclusions for one brand.
    let aliases: Vec<String> = (0..95).map(|i| format!("\"a{i}\"")).collect();
    let excludes: Vec<String> = (0..5).map(|i| format!("\"x{i}\"")).collect();
    refused(
        &format!(
            "[[brand]]\nname = \"Acme\"\n[[brand]]\nname = \"Big\"\naliases = [{}]\nexclude = [{}]\n{SOURCE}",
            aliases.join(", "),
            excludes.join(", ")
        ),
        "acme.toml:4:8: key `brand.aliases`",
        "this brand has 101 names, aliases and exclusions: at most 100",
    );

    // Brand 1,001 of a file.
    refused(
        &brands(1001),
        "acme.toml:2002:8: key `brand`",
        "this is brand 1001 of 1001: a watchlist holds at most 1000 brands",
    );

    // Parentheses 33 deep.
    refused(
        &format!(
            "[[brand]]\nname = \"Acme\"\nquery = \"{}acme{}\"\n{SOURCE}",
            "(".repeat(33),
            ")".repeat(33)
        ),
        "acme.toml:3:42: key `brand.query`",
        "nest more than 32 levels deep",
    );
}

#[test]
fn watchlists_at_the_caps_are_accepted_and_the_total_of_brands_is_capped() {
    // 1,000 brands in a file, the last with 100 terms of 200 characters: accepted.
    let (d, c) = files("watchlists = \"watchlists/*.toml\"\n", &brands(999));
    let wide: Vec<String> = (0..99)
        .map(|i| format!("\"{i:03}{}\"", "é".repeat(197)))
        .collect();
    write(
        &d.path().join("watchlists/wide.toml"),
        &format!(
            "[[brand]]\nname = \"Wide\"\naliases = [{}]\n[[source]]\nurl = \"https://a.example/feed\"\n",
            wide.join(", ")
        ),
    );
    let out = vigie(&c, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Ten files of 1,000 brands are the most; an eleventh is refused by name.
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, "watchlists = \"w/*.toml\"\n");
    for f in 0..11 {
        let w = brands(1000).replace("Brand", &format!("F{f:02}x"));
        write(&dir.path().join(format!("w/{f:02}.toml")), &w);
    }
    assert_config_error(
        &vigie(&c, &["check"]),
        "w/10.toml",
        "more than 10000 brands",
    );
    std::fs::remove_file(dir.path().join("w/10.toml")).unwrap();
    let out = vigie(&c, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn what_a_newcomer_types_is_understood_or_answered_in_vigies_own_words() {
    let (dir, c) = demo_copy();
    assert!(vigie(&c, &["poll"]).status.success());

    // One clock: tables in the config's zone (the digest's, Europe/Paris here), labelled.
    let table = text(&vigie(&c, &["mentions", "--brand", "acme", "--limit", "100"]).stdout);
    assert!(
        table.contains("2026-11-22 11:30 CET"),
        "the strike news, published 10:30 UTC, shown in Paris time: {table}"
    );
    let alerts = text(&vigie(&c, &["alerts"]).stdout);
    assert!(
        alerts.contains(" CET ") || alerts.contains(" CEST "),
        "{alerts}"
    );

    // Durations and dates as a French speaker writes them.
    for since in ["7j", "2 sem", "36 heures", "hier", "yesterday"] {
        let out = vigie(&c, &["mentions", "--since", since, "--format", "json"]);
        assert!(out.status.success(), "{since}: {}", text(&out.stderr));
    }
    let date = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::system())
        .date();
    let dmy = format!("{:02}/{:02}/{}", date.day(), date.month(), date.year());
    let out = vigie(&c, &["mentions", "--since", &dmy, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = vigie(&c, &["mentions", "--since", "la semaine dernière"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("expected a duration (7d or 7j"),
        "{}",
        text(&out.stderr)
    );
    let preview = dir.path().join("p.html");
    let out = vigie(
        &c,
        &[
            "digest",
            "--date",
            "hier",
            "--preview",
            preview.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = vigie(&c, &["digest", "--date", "31/02/2026"]);
    let err = text(&out.stderr);
    assert!(err.contains("is not a day of the calendar"), "{err}");
    assert!(!err.contains("four digit"), "{err}");

    // An address that is not one is named as such.
    let out = vigie(&c, &["test-email", "pas une adresse"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("\"pas une adresse\" is not an email address"),
        "{}",
        text(&out.stderr)
    );

    // A backup into a missing folder blames the folder, not the database.
    let target = dir.path().join("missing/backup.db");
    let out = vigie(&c, &["backup", target.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert!(
        err.contains("missing") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!err.contains("demo.db"), "{err}");

    // Brands by part of their name, and a list when there is no such brand.
    let out = vigie(&c, &["mentions", "--brand", "lumiere", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .lines()
            .all(|l| l.contains("\"brand\":\"Cafés Lumière\"")),
        "{}",
        text(&out.stdout)
    );
    let out = vigie(&c, &["mentions", "--brand", "nobrand"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("no brand \"nobrand\"") && err.contains("Acme") && err.contains("Globex"),
        "{err}"
    );

    // A CSV for a spreadsheet in French: one brand, semicolons, a byte order mark.
    let out = vigie(&c, &["export", "--excel", "--brand", "ACME"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with("\u{feff}id;published_at;brand;title;"),
        "{csv}"
    );
    // Records start with their id (a text may run over several lines, quoted).
    let rows: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter(|r| {
            r.split(';')
                .next()
                .is_some_and(|id| id.parse::<u64>().is_ok())
        })
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.split(';').nth(2) == Some("Acme")),
        "{csv}"
    );
    let out = vigie(&c, &["export", "--delimiter", "x"]);
    assert!(
        text(&out.stderr).contains("--delimiter 'x'"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn sources_shows_a_sources_name_and_the_whole_reason_and_what_to_do_about_an_html_page() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("forum/page.html");
    write(
        &page,
        "<!DOCTYPE html><html><head><title>Forum</title></head><body><div class=\"post\">Acme</div></body></html>",
    );
    let url = url::Url::from_file_path(&page).unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, "database = \"v.db\"\nwatchlists = \"w/*.toml\"\n");
    write(
        &dir.path().join("w/a.toml"),
        &format!(
            "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"{url}\"\nname = \"Forum  Conso\"\n"
        ),
    );
    let poll = vigie(&c, &["poll"]);
    assert!(
        text(&poll.stdout).contains("1 failed"),
        "{}",
        text(&poll.stdout)
    );
    let out = vigie(&c, &["sources"]);
    let table = text(&out.stdout);
    assert!(
        table.contains("this is an HTML page, not a feed: use kind = \"html\" with selectors, or look for its feed link"),
        "{table}"
    );
    // The source's name, given in the watchlist, is how people see it.
    assert!(table.contains("Forum Conso (file://"), "{table}");
    let preview = dir.path().join("d.html");
    let out = vigie(&c, &["digest", "--preview", preview.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&preview).unwrap();
    assert!(html.contains(">Forum Conso <span"), "{html}");
}

#[test]
fn import_opml_adds_named_sources_once_from_miniflux_and_feedly_exports() {
    let (dir, c) = demo_copy();
    // As miniflux exports: categories as outlines, feeds with title and text.
    let miniflux = dir.path().join("miniflux.opml");
    write(
        &miniflux,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
    <head>
        <title>Miniflux</title>
        <dateCreated>Sat, 05 Dec 2026 07:00:00 UTC</dateCreated>
    </head>
    <body>
        <outline text="Presse">
            <outline title="Le Quotidien de l&#39;Économie" text="Le Quotidien de l&#39;Économie" xmlUrl="https://quotidien.example.fr/rss" htmlUrl="https://quotidien.example.fr/"></outline>
            <outline title="Tech &amp; Co" text="Tech &amp; Co" xmlUrl="https://tech.example.com/feed?lang=fr&amp;format=atom" htmlUrl="https://tech.example.com/"></outline>
        </outline>
    </body>
</opml>
"#,
    );
    let out = vigie(&c, &["import-opml", miniflux.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("added 2 sources to"), "{said}");
    assert!(
        said.contains("+ Le Quotidien de l'Économie <https://quotidien.example.fr/rss>"),
        "{said}"
    );

    // As Feedly exports: type="rss", text and title, a feed already listed, a local file.
    let feedly = dir.path().join("feedly.opml");
    write(
        &feedly,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Abonnements de Claire dans feedly Cloud</title></head>
  <body>
    <outline text="Veille" title="Veille">
      <outline type="rss" text="Tech &amp; Co" title="Tech &amp; Co" xmlUrl="https://tech.example.com/feed?lang=fr&amp;format=atom" htmlUrl="https://tech.example.com/"/>
      <outline type="rss" text="Blog Conso" title="Blog Conso" xmlUrl="https://blog-conso.example.org/feed/" htmlUrl="https://blog-conso.example.org"/>
      <outline type="rss" text="Mots de passe" title="Mots de passe" xmlUrl="file:///etc/passwd"/>
    </outline>
  </body>
</opml>
"#,
    );
    let out = vigie(&c, &["import-opml", feedly.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("added 1 source to"), "{said}");
    assert!(
        said.contains("+ Blog Conso <https://blog-conso.example.org/feed/>"),
        "{said}"
    );
    assert!(said.contains("skipped 1 source already listed"), "{said}");
    assert!(
        said.contains("left out file:///etc/passwd: only http and https addresses are imported"),
        "{said}"
    );

    // Again: nothing new. The watchlist is still valid, and the names are shown.
    let out = vigie(&c, &["import-opml", feedly.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("nothing to add"),
        "{}",
        text(&out.stdout)
    );
    assert!(vigie(&c, &["check"]).status.success());
    let w = std::fs::read_to_string(dir.path().join("watchlists/demo.toml")).unwrap();
    assert_eq!(w.matches("name = \"Tech & Co\"").count(), 1, "{w}");
    assert!(
        w.contains("url = \"https://tech.example.com/feed?lang=fr&format=atom\""),
        "{w}"
    );
    let sources = text(&vigie(&c, &["sources"]).stdout);
    assert!(
        sources.contains("Blog Conso (https://blog-conso.example.org/feed/)"),
        "{sources}"
    );

    // Not OPML: said so, nothing written.
    let out = vigie(&c, &["import-opml", c.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("this is not an OPML file"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("watchlists/demo.toml")).unwrap(),
        w
    );
}

#[test]
fn a_folder_matching_the_watchlist_glob_is_an_error_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, "database = \"v.db\"\nwatchlists = \"w/*\"\n");
    write(
        &dir.path().join("w/a.toml"),
        "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://a.example/rss\"\n",
    );
    std::fs::create_dir_all(dir.path().join("w/old")).unwrap();
    let out = vigie(&c, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("matches the folder")
            && err.contains("w/old")
            && err.contains("narrow the glob"),
        "{err}"
    );
}

#[test]
fn search_reads_the_query_language_and_finds_other_forms_of_a_word() {
    let (_dir, c) = demo_copy();
    assert!(vigie(&c, &["poll"]).status.success());
    let titles = |q: &str| -> Vec<String> {
        let out = vigie(&c, &["mentions", "--search", q, "--format", "json"]);
        assert!(out.status.success(), "{q}: {}", text(&out.stderr));
        let mut t: Vec<String> = text(&out.stdout)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["title"].as_str().unwrap().to_string()
            })
            .collect();
        t.sort();
        t.dedup();
        t
    };
    let recall = "Rappel massif : l'ACMÉ Turbo-Grille retirée des rayons";
    let strike = [
        "Acme Corp : la grève s'étend au site de Rouen",
        "Grève chez un sous-traitant d'Acme Corp",
    ];
    assert_eq!(titles("grève"), strike);
    assert_eq!(titles("rappel AND \"grille-pain\""), [recall]);
    assert_eq!(
        titles("grève OR boycott"),
        [strike[0], "Boycott d'Acme ?", strike[1]]
    );
    // -feu leaves out the toasters that caught fire.
    assert_eq!(
        titles("\"grille-pain\" -feu"),
        [
            "Grille-pain Acme Turbo : le mien a fondu",
            "Grille-pain Acme en panne après deux jours"
        ]
    );
    // The after-sales service is named in three texts and no title.
    assert_eq!(titles("sav").len(), 3);
    assert!(titles("title:sav").is_empty());
    assert_eq!(titles("acme NEAR/2 rouen"), strike);
    assert_eq!(
        titles("acme ONEAR/2 rouen"),
        [strike[0]],
        "Acme before Rouen"
    );
    // Other forms of a word, in both languages: "Déçue", "replaced", "tested".
    assert_eq!(titles("déçu"), ["Déçue par Acme"]);
    assert_eq!(titles("replace"), ["Six months with the Globex blender"]);
    assert_eq!(
        titles("test"),
        ["Hands-on: the ACME Industries Turbo-Toaster is fast, and a fire hazard"]
    );

    // A query Vigie cannot read is shown with a caret under the problem.
    let out = vigie(&c, &["mentions", "--search", "rappel AND"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("  rappel AND\n         ^ AND needs something after it"),
        "{err}"
    );
    let out = vigie(&c, &["mentions", "--search", "\"unclosed"]);
    let err = text(&out.stderr);
    assert!(err.contains("  ^ this quote is never closed"), "{err}");
}

/// What a community manager reads about failing sources is said in her language, with what
/// to do; the technical reason stays in `vigie sources`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_says_why_a_source_fails_in_words_and_sources_keeps_the_details() {
    let server = common::Server::start().await;
    server.route(
        "/gone",
        common::Route::Status {
            code: 404,
            retry_after: None,
        },
    );
    server.route(
        "/down",
        common::Route::Status {
            code: 503,
            retry_after: None,
        },
    );
    server.route(
        "/blog",
        common::Route::Bytes {
            body: std::sync::Arc::new(
                b"<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/blog/rss\"></head><body>Blog</body></html>".to_vec(),
            ),
            content_type: "text/html".into(),
        },
    );
    let s = common::setup_watchlist(&format!(
        "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"{}\"\nname = \"Vieux forum\"\n\n\
         [[source]]\nurl = \"{}\"\n\n[[source]]\nurl = \"{}\"\nname = \"Le blog\"\n",
        server.url("/gone"),
        server.url("/down"),
        server.url("/blog"),
    ));
    let c = s.config.clone();
    let out = tokio::task::spawn_blocking(move || {
        let poll = vigie(&c, &["poll"]);
        let sources = vigie(&c, &["sources"]);
        (poll, sources)
    })
    .await
    .unwrap();
    assert!(
        text(&out.0.stdout).contains("3 failed"),
        "{}",
        text(&out.0.stdout)
    );
    let table = text(&out.1.stdout);
    assert!(table.contains("404"), "{table}");
    assert!(
        table.contains("this is an HTML page, not a feed"),
        "{table}"
    );

    let preview = s.dir.path().join("d.html");
    let (c, p) = (s.config.clone(), preview.clone());
    let out = tokio::task::spawn_blocking(move || {
        vigie(&c, &["digest", "--preview", p.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&preview).unwrap();
    for words in [
        "n&#x27;existe plus sur le site (erreur 404)\u{202f}: vérifiez l&#x27;adresse de la source",
        "le site est en panne (erreur 503)\u{202f}; Vigie réessaie — 1 échec de suite",
        &format!(
            "c&#x27;est une page web, pas un flux\u{202f}; elle indique son flux\u{202f}: {}",
            server.url("/blog/rss").replace('/', "&#x2f;")
        ),
    ] {
        assert!(html.contains(words), "{words} in {html}");
    }
    for technical in ["HTTP", "Service Unavailable", "HTML page", "not a feed"] {
        assert!(!html.contains(technical), "{technical} in {html}");
    }
}

#[test]
fn check_counts_in_words_tidies_paths_and_warns_of_a_very_short_interval() {
    let (dir, c) = demo_copy();
    let watchlist = dir.path().join("watchlists/demo.toml");
    let text_before = std::fs::read_to_string(&watchlist).unwrap();
    write(
        &watchlist,
        &text_before.replacen("[[source]]\n", "[[source]]\ninterval = \"10s\"\n", 1),
    );
    let out = vigie(&c, &["check"]);
    assert!(
        out.status.success(),
        "a warning is no error: {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("demo: 3 brands, 10 sources:"), "{stdout}");
    assert!(!stdout.contains("/../"), "{stdout}");
    assert!(
        stdout.contains(&format!("{}/demo-output/demo.db", dir.path().display()))
            || stdout.contains("database    none yet"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("key `source.interval`: 10s is under 5 minutes"),
        "{stderr}"
    );
    // The daemon's poll says it too, in its log.
    let out = vigie(&c, &["poll"]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("10s is under 5 minutes"),
        "{}",
        text(&out.stderr)
    );

    // One of each: singular words.
    let s = common::setup_watchlist(
        "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://example.org/rss\"\n",
    );
    let out = vigie(&s.config, &["check"]);
    assert!(
        text(&out.stdout).contains("main: 1 brand, 1 source: Acme"),
        "{}",
        text(&out.stdout)
    );
}
