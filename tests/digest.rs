//! The daily digest: its rendering (goldens in French and English, checked by eye when
//! written; `VIGIE_BLESS=1` rewrites them), its look in a real browser (headless Chromium),
//! and its delivery: once per period and recipient, a missed one sent at start, and a
//! restart in the middle of sending.

#[path = "common/browser.rs"]
mod browser;
mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::path::Path;

use browser::{headless, layout_report};
use std::time::Duration;

use common::{golden, write};
use jiff::Timestamp;
use smtp::SmtpServer;
use vigie::analyze::sentiment::{Label, Lang, Sentiment};
use vigie::digest::templates::Templates;
use vigie::digest::{Digest, compose, query};
use vigie::ingest::fetch::Validators;
use vigie::store::{NewMention, Outgoing, PollCommit, PollResult, Store};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

/// The digest sent on Monday 23 November 2026 at 08:00 in Paris.
fn end() -> Timestamp {
    at("2026-11-23T07:00:00Z")
}

fn mention(
    brand: &str,
    n: u32,
    title: &str,
    url: &str,
    published: Timestamp,
    score: f32,
) -> NewMention {
    let label = if score <= -0.05 {
        Label::Negative
    } else if score >= 0.05 {
        Label::Positive
    } else {
        Label::Neutral
    };
    NewMention {
        brand: brand.into(),
        dedup_key: format!("{url}#{n}"),
        item_id: format!("item-{n}"),
        url: Some(url.into()),
        title: title.into(),
        snippet: format!("{title} — selon nos informations, {brand} a réagi."),
        text: title.into(),
        author: None,
        lang: Some("fr".into()),
        published_at: published,
        published_estimated: false,
        news: true,
        fetched_at: published + Duration::from_secs(300),
        matched_terms: vec![brand.to_lowercase()],
        sentiment: Sentiment {
            score,
            label,
            lang: Some(Lang::Fr),
        },
        risk: vigie::analyze::risk::assess(title, Some(Lang::Fr)),
        simhash: vigie::analyze::story::fingerprint(title, title),
        engagement: None,
        reach: None,
        rating: None,
    }
}

fn fetched(url: &str, checked: Timestamp, mentions: Vec<NewMention>) -> PollCommit {
    PollCommit {
        url: url.into(),
        checked_at: checked,
        next_check_at: checked + HOUR,
        result: PollResult::Fetched {
            repairs: Vec::new(),
            validators: Validators::default(),
            ttl: None,
            item_count: mentions.len().max(1),
            newest_item: mentions.iter().map(|m| m.published_at).max(),
            cadence: Some(6 * HOUR),
            mentions,
        },
    }
}

const NEWS: &str = "https://news.example.fr/rss";
const WIRE: &str = "https://wire.example.com/feed";
const DOWN: &str = "https://down.example.org/rss";
const EMPTY: &str = "https://empty.example.org/rss";
const SILENT: &str = "https://silent.example.org/rss";
const BLOG: &str = "https://blog.example.net/feed";
const SOCIAL: &str = "https://www.reddit.com/r/france/search.json?q=acme";

/// A database with a fixed history: Acme talked about for a month, a busy last day with
/// negative, positive and neutral mentions (one with a hostile title), a story carried by
/// two sites, an alert, a failing, an empty and a silent source, and an email that died.
fn fixture(db: &Path) -> Store {
    let mut s = Store::open(db).unwrap();
    let end = end();
    let start = end - DAY;
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    // A month of history: one mention every other day, then two the day before the period.
    let mut history = Vec::new();
    for d in (2..30).step_by(2) {
        let t = end - DAY * d - 5 * HOUR;
        history.push(mention(
            "Acme",
            next(),
            "Acme au salon",
            "https://news.example.fr/salon",
            t,
            0.0,
        ));
    }
    for h in [30, 40] {
        history.push(mention(
            "Acme",
            next(),
            "Acme recrute",
            "https://news.example.fr/recrute",
            end - HOUR * h,
            0.3,
        ));
    }
    s.commit_poll(&fetched(NEWS, start - HOUR, history))
        .unwrap();
    let today = vec![
        mention(
            "Acme",
            next(),
            "Rappel massif de grille-pain Acme",
            "https://news.example.fr/rappel",
            start + 2 * HOUR,
            -0.81,
        ),
        mention(
            "Acme",
            next(),
            "<script>alert('x')</script> Acme «rappel»",
            "javascript:alert(1)",
            start + 3 * HOUR,
            -0.42,
        ),
        mention(
            "Acme",
            next(),
            "Acme ouvre une usine à Lyon",
            "https://news.example.fr/usine",
            start + 5 * HOUR,
            0.66,
        ),
        mention(
            "Acme",
            next(),
            "Acme publie ses résultats",
            "https://news.example.fr/resultats",
            start + 6 * HOUR,
            0.0,
        ),
    ];
    let mut today = today;
    // A mention its service counted: the digest's "most engaged" list.
    today[2].engagement =
        vigie::ingest::parse::Engagement::of(&[("score", Some(240)), ("comments", Some(60))]);
    today[2].reach = Some(12_000);
    s.commit_poll(&fetched(NEWS, end - HOUR, today)).unwrap();
    // The competitors, on a social source, for the share of voice.
    let mut globex = mention(
        "Globex",
        next(),
        "Globex lance une bouilloire connectée",
        "https://www.reddit.com/r/france/comments/g1/globex/",
        start + 7 * HOUR,
        0.5,
    );
    globex.engagement =
        vigie::ingest::parse::Engagement::of(&[("score", Some(90)), ("comments", Some(10))]);
    let initech = mention(
        "Initech",
        next(),
        "Initech : grève dans l'usine de Lyon",
        "https://www.reddit.com/r/france/comments/i1/initech/",
        start + 8 * HOUR,
        -0.6,
    );
    s.commit_poll(&fetched(SOCIAL, end - HOUR, vec![globex, initech]))
        .unwrap();
    let wire = vec![mention(
        "Acme",
        next(),
        "Rappel massif de grille-pain Acme",
        "https://wire.example.com/2026/rappel-acme",
        start + 4 * HOUR,
        -0.75,
    )];
    s.commit_poll(&fetched(WIRE, end - HOUR, wire)).unwrap();

    // Found in the period, published before it: a blog read for the first time. Its
    // mentions are new (counted, shared out and listed as such), not published in the
    // period (the comparisons leave them out).
    let late = |brand: &str, n: u32, title: &str, url: &str, published: Timestamp, score| {
        let mut m = mention(brand, n, title, url, published, score);
        m.fetched_at = end - 2 * HOUR;
        m
    };
    let mut blog = fetched(
        BLOG,
        end - 2 * HOUR,
        vec![
            late(
                "Acme",
                next(),
                "Test : le grille-pain Acme Turbo, une réussite",
                "https://blog.example.net/test-acme",
                start - 3 * DAY,
                0.52,
            ),
            late(
                "Globex",
                next(),
                "Globex, deux ans après : toujours fiable",
                "https://blog.example.net/globex",
                end - 10 * DAY,
                0.4,
            ),
        ],
    );
    if let PollResult::Fetched { cadence, .. } = &mut blog.result {
        *cadence = None;
    }
    s.commit_poll(&blog).unwrap();

    // Source health.
    for (i, t) in [end - 2 * DAY, end - DAY].into_iter().enumerate() {
        s.commit_poll(&PollCommit {
            url: DOWN.into(),
            checked_at: t,
            next_check_at: t + HOUR,
            result: PollResult::Failed {
                error: format!("HTTP 503 Service Unavailable (try {})", i + 1),
                problem: vigie::ingest::problem::Problem::Status(503),
            },
        })
        .unwrap();
    }
    let mut empty = fetched(EMPTY, end - 3 * DAY, Vec::new());
    if let PollResult::Fetched { item_count, .. } = &mut empty.result {
        *item_count = 0;
    }
    s.commit_poll(&empty).unwrap();
    let mut silent = fetched(SILENT, end - HOUR, Vec::new());
    if let PollResult::Fetched { newest_item, .. } = &mut silent.result {
        *newest_item = Some(end - 10 * DAY);
    }
    s.commit_poll(&silent).unwrap();

    // An alert opened in the period, and an email that could not be delivered.
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO alerts (brand, kind, state, window_seconds, opened_at, observed, total,
             baseline, statistic, threshold, closed_at)
         VALUES ('Acme', 'negativity', 'closed', 21600, ?1, 3, 4, 0.1, 0.4, 0.2, ?2)",
        [
            (start + 4 * HOUR).as_second(),
            (start + 20 * HOUR).as_second(),
        ],
    )
    .unwrap();
    s.enqueue_email(
        &Outgoing {
            purpose: "alert",
            recipient: "ancien@acme.example".into(),
            message_id: "<dead@test>".into(),
            subject: "[Vigie] Acme : pic de mentions".into(),
            message: b"x".to_vec(),
        },
        start,
    )
    .unwrap();
    let m = s.next_email(start, HOUR).unwrap().unwrap();
    s.email_result(
        m.id,
        start + HOUR,
        vigie::store::EmailResult::Dead {
            error: "550 5.1.1 no such user",
        },
    )
    .unwrap();
    s
}

/// The fixture's watchlist, in `language`.
fn watchlist(dir: &Path, language: &str) -> vigie::settings::watchlist::Watchlist {
    let text = format!(
        "recipients = [\"cm@acme.example\"]\nlanguage = \"{language}\"\n\
         [[brand]]\nname = \"Acme\"\n[[brand]]\nname = \"Globex\"\n[[brand]]\nname = \"Initech\"\n\
         [[group]]\nname = \"Électroménager\"\nown = [\"Acme\"]\ncompetitors = [\"Globex\", \"Initech\"]\n\
         [[source]]\nurl = \"{NEWS}\"\n[[source]]\nurl = \"{WIRE}\"\n[[source]]\nurl = \"{DOWN}\"\n\
         [[source]]\nurl = \"{EMPTY}\"\n[[source]]\nurl = \"{SILENT}\"\n\
         [[source]]\nurl = \"{BLOG}\"\n[[source]]\nurl = \"{SOCIAL}\"\n"
    );
    vigie::settings::watchlist::parse(&text, &dir.join("acme.toml")).unwrap()
}

fn digest(language: &str) -> (tempfile::TempDir, Digest) {
    let dir = tempfile::tempdir().unwrap();
    let store = fixture(&dir.path().join("v.db"));
    let w = watchlist(dir.path(), language);
    let schedule = w.digest.schedule(&Default::default()).unwrap();
    let period = schedule.period_ending(end());
    let input = store.digest_input(&query(&w, period)).unwrap();
    let d = compose(
        &w.name,
        w.language,
        &schedule,
        &input,
        period,
        end() + Duration::from_secs(30),
    );
    (dir, d)
}

#[test]
fn the_french_digest_matches_its_golden_text_and_html() {
    let (_dir, d) = digest("fr");
    let email = d.email(&Templates::built_in()).unwrap();
    golden("digest-fr.subject.txt", &email.subject);
    golden("digest-fr.txt", &email.text);
    golden("digest-fr.html", &email.html);
}

#[test]
fn the_english_digest_matches_its_golden_text_and_html() {
    let (_dir, d) = digest("en");
    let email = d.email(&Templates::built_in()).unwrap();
    golden("digest-en.subject.txt", &email.subject);
    golden("digest-en.txt", &email.text);
    golden("digest-en.html", &email.html);
}

#[test]
fn feed_text_is_escaped_and_only_http_links_are_kept() {
    let (_dir, d) = digest("fr");
    let email = d.email(&Templates::built_in()).unwrap();
    assert!(!email.html.contains("<script"), "{}", email.html);
    assert!(email.html.contains("&lt;script&gt;alert("));
    assert!(!email.html.contains("javascript:"));
    // The story is shown with the two sites that carried it.
    assert!(
        email
            .text
            .contains("2 sources\u{202f}: news.example.fr, wire.example.com")
    );
}

#[test]
fn the_digest_counts_what_it_lists_and_says_once_what_each_figure_counts() {
    let (_dir, d) = digest("fr");
    let email = d.email(&Templates::built_in()).unwrap();
    // The figures are the fixture's. New: 8 mentions found in the period, 5 of them
    // Acme's stories (the wire's copy of the recall counts once; the blog's test was
    // published three days before), 2 negative and 2 positive; Globex's two, an old post
    // found in the period and a new one; Initech's one, negative. Published in the period:
    // Acme's 4, against 2 the day before.
    assert!(
        email
            .text
            .contains("8 nouvelles mentions, dont 3 négatives."),
        "{}",
        email.text
    );
    assert!(email.text.contains(
        "5 nouvelles mentions · négatives\u{202f}: 40\u{202f}% · positives\u{202f}: 40\u{202f}%"
    ));
    assert!(email.text.contains(
        "Publiées sur la période\u{202f}: 4 · période précédente\u{202f}: 2 · évolution\u{202f}: +100\u{202f}%"
    ));
    assert!(email.text.contains(
        "2 nouvelles mentions · négatives\u{202f}: 0\u{202f}% · positives\u{202f}: 100\u{202f}%\nPubliées sur la période\u{202f}: 1 ·"
    ));
    // What the lists show agrees with the counts: Acme's 2 negative and 2 positive new
    // mentions are all listed (the lists hold 3), Globex's old post is listed beside its
    // new one.
    let section = |from: &str, to: &str| {
        let a = email.text.find(from).unwrap();
        let b = email.text[a..].find(to).map_or(email.text.len(), |b| a + b);
        email.text[a..b].to_string()
    };
    let listed = |s: &str| s.lines().filter(|l| l.starts_with("- ")).count();
    let acme = section("== Acme ==", "== Globex ==");
    let (neg, pos) = acme.split_once("Les plus positives").unwrap();
    assert_eq!((listed(neg), listed(pos)), (2, 2), "{acme}");
    let globex = section("== Globex ==", "== Initech ==");
    assert_eq!(listed(&globex), 2, "{globex}");
    assert!(globex.contains("Globex, deux ans après"), "{globex}");
    // Share of voice over the mentions published in the period, every copy counted:
    // Acme 5 (the recall twice), Globex 1, Initech 1; interactions 300, 100 and none;
    // Acme 1 positive and 3 negative of 5 (net −40 points), 2 reporting a risk (the recall).
    let voice = section("== Part de voix · Électroménager ==", "== Alertes");
    assert!(voice.contains(
        "- Acme (vous)\u{202f}: 71\u{202f}% (5 mentions) · 75\u{202f}% (300 interactions) · solde d'opinion −40 · 2 à risque\n- Globex\u{202f}: 14\u{202f}% (1 mention) · 25\u{202f}% (100 interactions) · solde d'opinion +100 · 0 à risque\n- Initech\u{202f}: 14\u{202f}% (1 mention) · 0\u{202f}% (0 interaction) · solde d'opinion −100 · 1 à risque"
    ), "{voice}");
    // The loudest new mentions, loudest first, with what their services counted.
    let loud = section("== Les plus relayées ==", "== Part de voix");
    assert_eq!(listed(&loud), 2, "{loud}");
    assert!(loud.find("usine").unwrap() < loud.find("bouilloire").unwrap());
    assert!(
        loud.contains("Acme · 300 interactions · portée 12\u{202f}000"),
        "{loud}"
    );
    // Each figure's definition is stated once, under the headline.
    assert_eq!(
        email
            .text
            .matches("Nouvelles mentions\u{202f}: celles trouvées sur la période")
            .count(),
        1
    );
    assert_eq!(
        email
            .html
            .matches("Nouvelles mentions\u{202f}: celles trouvées sur la période")
            .count(),
        1
    );
    assert_eq!(
        email.subject,
        "[Vigie] Résumé du lundi 23 novembre 2026 · 8 mentions (3 négatives)"
    );

    let (_dir, d) = digest("en");
    let email = d.email(&Templates::built_in()).unwrap();
    assert!(
        email.text.contains("8 new mentions, 3 negative."),
        "{}",
        email.text
    );
    assert!(
        email
            .text
            .contains("5 new mentions · negative: 40% · positive: 40%")
    );
    assert!(
        email
            .text
            .contains("Published in the period: 4 · previous period: 2 · change: +100%")
    );
    assert!(
        email
            .text
            .contains("New mentions: those found in the period")
    );
    assert_eq!(
        email.subject,
        "[Vigie] Digest for Monday 23 November 2026 · 8 mentions (3 negative)"
    );
}

#[test]
fn an_operator_template_replaces_the_built_in_one_and_a_broken_one_is_located() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("digest-subject.txt"),
        "Veille {{ watchlist }} du {{ date }}\nBcc: evil@example.org",
    );
    let t = Templates::load(Some(dir.path())).unwrap();
    let (_d, digest) = digest("fr");
    let email = digest.email(&t).unwrap();
    // A subject is one line whatever the template says.
    assert_eq!(
        email.subject,
        "Veille acme du lundi 23 novembre 2026 Bcc: evil@example.org"
    );
    // The other two are still the built-in ones.
    assert!(email.html.contains("Les plus négatives"));

    write(
        &dir.path().join("digest.html"),
        "<p>{{ total }}</p>\n<p>{{ brands[0].nmae }}</p>\n",
    );
    let e = Templates::load(Some(dir.path())).unwrap_err().to_string();
    assert!(e.contains("digest.html") && e.contains("line 2"), "{e}");
    write(&dir.path().join("digest.html"), "{% for b in brands %}");
    let e = Templates::load(Some(dir.path())).unwrap_err().to_string();
    assert!(
        e.contains("digest.html") && e.contains("syntax error"),
        "{e}"
    );
}

#[test]
fn the_preview_shows_every_chart_and_fits_600_px_in_a_real_browser() {
    if !browser::available() {
        return;
    }
    let (dir, d) = digest("fr");
    assert_eq!(
        d.charts.len(),
        3,
        "Acme has a chart, Globex for its posts (one of 10 days ago), Initech for its strike"
    );
    let html = d.preview(&Templates::built_in()).unwrap();
    let page = dir.path().join("digest.html");
    write(&page, &html);

    let report = layout_report(dir.path(), &html);
    let expected_image = format!(
        "true:{}x{}",
        vigie::digest::chart::WIDTH,
        vigie::digest::chart::HEIGHT
    );
    assert!(
        report.contains(&format!(
            "images={expected_image},{expected_image},{expected_image} "
        )),
        "{report}"
    );
    assert!(report.ends_with(" scroll=600 wide=0"), "{report}");

    // And a screenshot, kept as the test's artifact.
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/digest-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("digest-fr.png");
    let _ = std::fs::remove_file(&shot);
    let out = headless(&dir.path().join("profile"))
        .arg("--window-size=600,2400")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url::Url::from_file_path(&page).unwrap().as_str())
        .output()
        .unwrap();
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A folder with a config sending through `notify` and a watchlist "acme" with a digest at
/// 08:00 Paris time for `recipients`, over one local feed.
fn daemon_setup(notify: &str, recipients: &[&str]) -> common::Setup {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.xml");
    write(
        &feed,
        &common::rss(&[
            ("a", "Acme ouvre une usine", "Une bonne nouvelle pour Acme."),
            (
                "b",
                "Rappel Acme",
                "Acme rappelle des grille-pain défectueux, c'est grave.",
            ),
        ]),
    );
    let config = dir.path().join("vigie.toml");
    write(
        &config,
        &format!(
            "database = \"data/vigie.db\"\nwatchlists = \"watchlists/*.toml\"\n\
             [poll]\njitter_percent = 0\n[notify]\nfrom = \"Vigie <vigie@test.example>\"\n{notify}\n"
        ),
    );
    let recipients: Vec<String> = recipients.iter().map(|r| format!("\"{r}\"")).collect();
    write(
        &dir.path().join("watchlists/acme.toml"),
        &format!(
            "recipients = [{}]\nlanguage = \"fr\"\n[digest]\ntime = \"08:00\"\ntimezone = \"Europe/Paris\"\n\
             [[brand]]\nname = \"Acme\"\n[[source]]\nurl = \"{}\"\n",
            recipients.join(", "),
            url::Url::from_file_path(&feed).unwrap()
        ),
    );
    common::Setup { dir, config }
}

/// The daemon, started with its clock at `start`; send on the channel to stop it.
fn start_daemon(
    s: &common::Setup,
    start: Timestamp,
) -> (
    std::sync::Arc<vigie::service::poll::Poller>,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let poller = std::sync::Arc::new(common::poller(s, start));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(vigie::service::daemon::run(
        poller.clone(),
        vigie::service::daemon::anchored_clock(start),
        async {
            let _ = stopped.await;
        },
    ));
    (poller, stop, handle)
}

async fn wait_for(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} within {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_digest_missed_while_down_goes_to_each_recipient_once_even_with_a_restart_mid_send() {
    let smtp = SmtpServer::start().await;
    let to = ["cm@acme.example", "pr@acme.example", "boss@acme.example"];
    let s = daemon_setup(&format!("smtp = \"smtp://127.0.0.1:{}\"", smtp.port), &to);
    let db = s.dir.path().join("data/vigie.db");
    let monday_8am = at("2026-11-23T07:00:00Z");

    // Monday 07:00 in Paris: the daemon polls, and no digest is due before 08:00.
    let (_p, stop, handle) = start_daemon(&s, monday_8am - HOUR);
    wait_for("a first poll", 30, || {
        Store::open(&db).is_ok_and(|s| s.mention_count().unwrap_or(0) == 2)
    })
    .await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();
    assert!(smtp.received().is_empty());

    // Down over 08:00, back at 10:00. The server takes one digest and stalls on the next:
    // the daemon is stopped in the middle of sending.
    smtp.hold_after(1);
    let (_p, stop, handle) = start_daemon(&s, monday_8am + 2 * HOUR);
    wait_for("the first digest", 30, || smtp.received().len() == 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();
    smtp.release();
    assert_eq!(smtp.received().len(), 1);
    let (pending, sent, dead) = Store::open(&db).unwrap().outbox_counts().unwrap();
    assert_eq!(
        (pending, sent, dead),
        (2, 1, 0),
        "stopped in the middle of sending"
    );

    // Back ten minutes later: the other two go out, the first is not sent again.
    let (_p, stop, handle) = start_daemon(&s, monday_8am + 2 * HOUR + 10 * Duration::from_secs(60));
    wait_for("all three digests", 60, || smtp.received().len() >= 3).await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();

    // And a start later that day sends nothing more.
    let (_p, stop, handle) = start_daemon(&s, monday_8am + 5 * HOUR);
    tokio::time::sleep(Duration::from_secs(6)).await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();

    let got = smtp.received();
    let mut recipients: Vec<String> = got.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    assert_eq!(
        recipients,
        [
            "<boss@acme.example>",
            "<cm@acme.example>",
            "<pr@acme.example>"
        ],
        "one digest per recipient"
    );
    for m in &got {
        assert!(
            m.data.contains(&format!(
                "Message-ID: <vigie.digest.{}.acme.",
                monday_8am.as_second()
            )),
            "{}",
            m.data
        );
        assert!(m.data.contains("Content-Type: image/png"), "with its chart");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let periods: Vec<(i64, i64)> = conn
        .prepare("SELECT period_start, period_end FROM digests")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        periods,
        [((monday_8am - DAY).as_second(), monday_8am.as_second())],
        "one digest, Sunday 08:00 to Monday 08:00"
    );
}

#[tokio::test(start_paused = true)]
async fn the_daemon_sends_at_eight_paris_time_each_day_across_the_october_change() {
    let s = daemon_setup("dir = \"outbox\"", &["cm@acme.example"]);
    // Friday 23 October 2026, noon; clocks go back on Sunday the 25th.
    let start = at("2026-10-23T10:00:00Z");
    let (_p, stop, handle) = start_daemon(&s, start);
    tokio::time::sleep(4 * DAY).await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();

    let conn = rusqlite::Connection::open(s.dir.path().join("data/vigie.db")).unwrap();
    let ends: Vec<Timestamp> = conn
        .prepare("SELECT period_end FROM digests ORDER BY period_end")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|t| Timestamp::from_second(t.unwrap()).unwrap())
        .collect();
    assert_eq!(
        ends,
        [
            at("2026-10-24T06:00:00Z"), // 08:00 CEST
            at("2026-10-25T07:00:00Z"), // 08:00 CET, the morning after the change
            at("2026-10-26T07:00:00Z"),
            at("2026-10-27T07:00:00Z"),
        ]
    );
    let emails = std::fs::read_dir(s.dir.path().join("outbox"))
        .unwrap()
        .count();
    assert_eq!(emails, 4, "one email per day");
}
