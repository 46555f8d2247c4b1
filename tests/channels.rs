//! Alerts in chat: a first safety risk (an allergen recall) polled from a loopback feed
//! reaches Slack, Teams, Mattermost, Discord, Google Chat and a signed webhook, each played
//! by a loopback receiver, in the shape each service documents; a hostile title stays inert
//! in every format; answers 429, 500, 404 and silence are retried or given up as they
//! should; a channel on a private address is refused unless allowed.

mod common;
#[path = "common/receiver.rs"]
mod receiver;

use std::time::Duration;

use common::{Server, feed, write};
use jiff::Timestamp;
use receiver::{Answer, Receiver};
use serde_json::Value;

const SECRET: &str = "un secret partagé assez long";

fn rfc2822(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// Three mentions of Biscuiterie Moreau's allergen recall, the first with `first_title`.
fn recall_feed(now: Timestamp, first_title: &str) -> String {
    let items = [
        (
            "m1",
            "https://conso.example/rappel-moreau",
            first_title,
            "La Biscuiterie Moreau rappelle ses sablés au beurre : des traces d'arachide ne figurent pas sur l'étiquette.",
            40,
        ),
        (
            "m2",
            "https://forum.example/t/moreau",
            "Les sablés Moreau rappelés, quelqu'un sait quels lots ?",
            "J'ai acheté des sablés Biscuiterie Moreau la semaine dernière, c'est inquiétant.",
            30,
        ),
        (
            "m3",
            "https://blog.example/moreau",
            "Biscuiterie Moreau : ma fille allergique a fait une réaction",
            "Après deux sablés Biscuiterie Moreau, réaction allergique et passage aux urgences.",
            20,
        ),
    ];
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Wire</title>\
         <link>https://wire.example/</link><description>d</description>\n",
    );
    for (guid, link, title, text, minutes) in items {
        let esc = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        s.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><link>{link}</link><title>{}</title>\
             <description>{}</description><pubDate>{}</pubDate></item>\n",
            esc(title),
            esc(text),
            rfc2822(now - Duration::from_secs(minutes * 60))
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

const KINDS: [(&str, &str, &str); 6] = [
    ("slack", "/slack", "fr"),
    ("teams", "/teams", "en"),
    ("mattermost", "/mattermost", "fr"),
    ("discord", "/discord", "en"),
    ("google-chat", "/google-chat", "fr"),
    ("webhook", "/webhook", "en"),
];

struct Setup {
    dir: tempfile::TempDir,
    config: std::path::PathBuf,
}

/// A config and a watchlist (Biscuiterie Moreau, French, sensitive) over `feed_url`, with
/// one channel of each kind on `rx`; `http` is added to the config's `[http]`.
fn setup(feed_url: &str, rx: &Receiver, http: &str) -> Setup {
    setup_in(feed_url, rx, http, false)
}

/// [`setup`], each channel in the other language with `flip`.
fn setup_in(feed_url: &str, rx: &Receiver, http: &str, flip: bool) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vigie.toml");
    write(
        &config,
        &format!(
            "database = \"vigie.db\"\nwatchlists = \"w/*.toml\"\n[http]\n{http}\n[poll]\njitter_percent = 0\n"
        ),
    );
    write(&dir.path().join("secrets/signing"), SECRET);
    let mut w = format!(
        "language = \"fr\"\n[alerts]\nsensitivity = \"high\"\n\n[[brand]]\nname = \"Biscuiterie Moreau\"\n\n[[source]]\nurl = \"{feed_url}\"\n"
    );
    for (kind, path, lang) in KINDS {
        let lang = match (lang, flip) {
            (l, false) => l,
            ("fr", true) => "en",
            (_, true) => "fr",
        };
        write(
            &dir.path().join(format!("secrets{path}")),
            &format!("{}\n", rx.url(path)),
        );
        w.push_str(&format!(
            "\n[[channel]]\nkind = \"{kind}\"\nurl_file = \"../secrets{path}\"\nlanguage = \"{lang}\"\n"
        ));
        if kind == "webhook" {
            w.push_str("secret_file = \"../secrets/signing\"\n");
        }
    }
    write(&dir.path().join("w/moreau.toml"), &w);
    Setup { dir, config }
}

fn poller(s: &Setup, now: Timestamp) -> vigie::service::poll::Poller {
    let (c, catalog) = vigie::settings::load(&s.config).unwrap();
    let store = vigie::store::Store::open(&c.database).unwrap();
    vigie::service::poll::Poller::new(c, catalog, store, now).unwrap()
}

async fn start(first_title: &str, http: &str) -> (Server, Receiver, Setup, Timestamp) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::start().await;
    let rx = Receiver::start().await;
    let now = Timestamp::now();
    server.route("/moreau.xml", feed(recall_feed(now, first_title), None));
    let s = setup(&server.url("/moreau.xml"), &rx, http);
    (server, rx, s, now)
}

const RECALL: &str =
    "Biscuiterie Moreau : rappel de sablés pour présence d'allergène non mentionné";

fn one(rx: &Receiver, path: &str) -> Value {
    let got = rx.got(path);
    assert_eq!(got.len(), 1, "{path}: {got:?}");
    assert_eq!(
        got[0].headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    assert!(
        got[0]
            .headers
            .get("idempotency-key")
            .is_some_and(|k| k.starts_with("vigie.")),
        "{path}: {:?}",
        got[0].headers
    );
    got[0].json()
}

fn str_of<'v>(v: &'v Value, pointer: &str) -> &'v str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {v}"))
}

#[tokio::test]
async fn a_risk_alert_reaches_every_channel_kind_in_its_own_format_once() {
    let (_server, rx, s, now) = start(RECALL, "allow_private_networks = true").await;
    let p = poller(&s, now);
    p.poll_all(now, |_| {}).await;
    let done = p.deliver_outbox(&move || now).await.unwrap();
    assert_eq!(done.sent, 6, "{done:?}");

    // Slack (Block Kit): a plain-text header, mrkdwn sections within 3,000 characters, and
    // a `text` fallback for notifications; in French.
    let slack = one(&rx, "/slack");
    assert!(
        str_of(&slack, "/text").contains("risque sécurité"),
        "{slack}"
    );
    assert_eq!(str_of(&slack, "/blocks/0/type"), "header");
    assert_eq!(str_of(&slack, "/blocks/0/text/type"), "plain_text");
    let blocks = slack["blocks"].as_array().unwrap();
    for b in &blocks[1..] {
        let text = b
            .pointer("/text/text")
            .or_else(|| b.pointer("/elements/0/text"))
            .and_then(Value::as_str)
            .unwrap();
        assert!(text.chars().count() <= 3000);
    }
    assert!(
        blocks.iter().any(|b| b
            .pointer("/text/text")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("<https://conso.example/rappel-moreau|"))),
        "a mention as a link: {slack}"
    );

    // Teams (workflow webhook): a message whose attachment is an Adaptive Card; in English.
    let teams = one(&rx, "/teams");
    assert_eq!(str_of(&teams, "/type"), "message");
    assert_eq!(
        str_of(&teams, "/attachments/0/contentType"),
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(
        str_of(&teams, "/attachments/0/content/type"),
        "AdaptiveCard"
    );
    let body = teams["attachments"][0]["content"]["body"]
        .as_array()
        .unwrap();
    assert!(body.iter().all(|b| b["type"] == "TextBlock"));
    assert!(
        body.iter()
            .any(|b| b["text"].as_str().unwrap().contains("safety risk")),
        "{teams}"
    );
    assert_eq!(
        str_of(&teams, "/attachments/0/content/actions/0/type"),
        "Action.OpenUrl"
    );

    // Mattermost: Markdown text.
    let mm = one(&rx, "/mattermost");
    assert!(str_of(&mm, "/text").contains("risque sécurité"), "{mm}");
    assert!(
        str_of(&mm, "/text").contains("](https://conso.example/rappel-moreau)"),
        "{mm}"
    );

    // Discord: content within 2,000 characters, an embed, no mention parsed.
    let discord = one(&rx, "/discord");
    assert!(str_of(&discord, "/content").chars().count() <= 2000);
    assert_eq!(discord["allowed_mentions"]["parse"], serde_json::json!([]));
    assert!(
        str_of(&discord, "/embeds/0/description").contains("safety risk"),
        "{discord}"
    );

    // Google Chat: a text and a cardsV2 card of text paragraphs.
    let chat = one(&rx, "/google-chat");
    assert!(str_of(&chat, "/text").contains("risque sécurité"), "{chat}");
    assert_eq!(
        str_of(&chat, "/cardsV2/0/card/header/title"),
        "Biscuiterie Moreau"
    );
    let widgets = chat["cardsV2"][0]["card"]["sections"][0]["widgets"]
        .as_array()
        .unwrap();
    assert!(
        widgets
            .iter()
            .all(|w| w["textParagraph"]["text"].is_string())
    );

    // The webhook: Vigie's documented document, signed with the shared secret.
    let got = rx.got("/webhook");
    assert_eq!(got.len(), 1);
    let sig = got[0].headers.get("x-vigie-signature").unwrap();
    let hex = sig.strip_prefix("sha256=").unwrap();
    let tag: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
    ring::hmac::verify(&key, &got[0].body, &tag).expect("the signature checks out");
    let doc = got[0].json();
    assert_eq!(doc["schema"], "vigie.alert/1");
    assert_eq!(doc["brand"], "Biscuiterie Moreau");
    assert_eq!(doc["kind"], "risk");
    assert_eq!(doc["stage"], "open");
    assert_eq!(doc["language"], "en");
    assert_eq!(doc["mentions"][0]["risk"], serde_json::json!(["safety"]));

    // Polled and delivered again: nothing is posted twice.
    let later = now + Duration::from_secs(600);
    p.poll_all(later, |_| {}).await;
    p.deliver_outbox(&move || later).await.unwrap();
    assert_eq!(rx.total(), 6);

    // Each kind in the other language too.
    let server = Server::start().await;
    let rx = Receiver::start().await;
    server.route("/moreau.xml", feed(recall_feed(now, RECALL), None));
    let s = setup_in(
        &server.url("/moreau.xml"),
        &rx,
        "allow_private_networks = true",
        true,
    );
    let p = poller(&s, now);
    p.poll_all(now, |_| {}).await;
    p.deliver_outbox(&move || now).await.unwrap();
    for (kind, path, lang) in KINDS {
        let text = rx.got(path)[0].json().to_string();
        let (want, not) = if lang == "fr" {
            ("safety risk", "risque sécurité")
        } else {
            ("risque sécurité", "safety risk")
        };
        assert!(
            text.contains(want) && !text.contains(not),
            "{kind} in the other language: {text}"
        );
    }
}

#[tokio::test]
async fn a_hostile_title_is_inert_in_every_format() {
    // `&lt;` in the feed's title is a `<` in the title's text.
    let hostile = "Biscuiterie Moreau rappel allergène @channel @everyone &lt;!everyone&gt; [gagnez](javascript:alert(1)) `rm -rf`";
    let (_server, rx, s, now) = start(hostile, "allow_private_networks = true").await;
    let p = poller(&s, now);
    p.poll_all(now, |_| {}).await;
    p.deliver_outbox(&move || now).await.unwrap();
    for (kind, path, _) in KINDS {
        let got = rx.got(path);
        assert_eq!(got.len(), 1, "{kind}");
        let raw = String::from_utf8(got[0].body.clone()).unwrap();
        let v = got[0].json();
        // Strings as the service reads them (JSON escapes undone).
        let mut texts = Vec::new();
        collect(&v, &mut texts);
        let all = texts.join("\n");
        if kind == "webhook" {
            // The webhook carries data, not markup: the title as it was, for the receiver
            // to show as text (the README says so).
            assert!(raw.contains("[gagnez](javascript:alert(1))"), "{raw}");
            continue;
        }
        assert!(
            !all.contains("@channel") && !all.contains("@everyone"),
            "{kind}: {all}"
        );
        assert!(!all.contains("<!everyone>"), "{kind}: {all}");
        // No link to the title's target in the format's own link syntax.
        assert!(
            !all.contains("<javascript:") && !all.contains("|javascript:"),
            "{kind}: {all}"
        );
        assert!(!all.contains("href=\"javascript"), "{kind}: {all}");
        match kind {
            // Slack's mrkdwn has no [text](url) links: only <url|text>, made impossible.
            "slack" => assert!(
                !all.contains("<!") && all.contains("&amp;lt;!everyone"),
                "{all}"
            ),
            "mattermost" | "discord" | "teams" => {
                assert!(!all.contains("](javascript:"), "{kind}: {all}");
                assert!(
                    all.contains("\\[gagnez\\]\\(javascript:alert\\(1\\)\\)"),
                    "{kind}: {all}"
                );
                assert!(all.contains("\\`rm \\-rf\\`"), "{kind}: {all}");
            }
            _ => assert!(
                !all.contains("<!") && !all.contains("<users/"),
                "{kind}: {all}"
            ),
        }
    }
}

/// The outbox as the database holds it: (recipient, state, last error).
fn outbox(s: &Setup) -> Vec<(String, String, Option<String>)> {
    let db = rusqlite::Connection::open(s.dir.path().join("vigie.db")).unwrap();
    let mut stmt = db
        .prepare("SELECT recipient, state, last_error FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn answers_429_500_404_and_silence_are_retried_or_given_up() {
    let (_server, rx, s, now) =
        start(RECALL, "allow_private_networks = true\ntimeout = \"2s\"\nconnect_timeout = \"1s\"\nread_timeout = \"2s\"").await;
    rx.answer(
        "/slack",
        vec![Answer::Status(429, Some("7")), Answer::Status(200, None)],
    );
    rx.answer(
        "/teams",
        vec![Answer::Status(500, None), Answer::Status(200, None)],
    );
    rx.answer("/discord", vec![Answer::Status(404, None)]);
    rx.answer("/mattermost", vec![Answer::Silent]);
    let p = poller(&s, now);
    p.poll_all(now, |_| {}).await;
    let started = std::time::Instant::now();
    let first = p.deliver_outbox(&move || now).await.unwrap();
    assert_eq!(
        (first.sent, first.dead),
        (2, 1),
        "google chat and the webhook at once, discord's 404 dead: {first:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "a silent receiver holds the others back one deadline at most"
    );
    // Retry-After said 7 s: not due 5 s later, due 8 s later.
    let soon = now + Duration::from_secs(5);
    p.deliver_outbox(&move || soon).await.unwrap();
    assert_eq!(rx.got("/slack").len(), 1);
    let later = now + Duration::from_secs(8);
    p.deliver_outbox(&move || later).await.unwrap();
    assert_eq!(rx.got("/slack").len(), 2, "posted again after Retry-After");
    // The 500 is retried after the backoff (30 s, ±10 %).
    let after_backoff = now + Duration::from_secs(40);
    p.deliver_outbox(&move || after_backoff).await.unwrap();
    assert_eq!(rx.got("/teams").len(), 2);
    assert_eq!(rx.got("/discord").len(), 1, "a 404 is not retried");
    assert!(rx.got("/mattermost").len() >= 2, "a timeout is retried");

    let rows = outbox(&s);
    let state = |key: &str| -> (String, Option<String>) {
        rows.iter()
            .find(|(r, ..)| r.ends_with(key))
            .map(|(_, st, err)| (st.clone(), err.clone()))
            .unwrap()
    };
    assert_eq!(state("#1").0, "sent");
    assert_eq!(state("#2").0, "sent");
    let (st, err) = state("#4");
    assert_eq!(st, "dead");
    assert!(err.as_deref().unwrap().contains("404"), "{err:?}");
    let (st, err) = state("#3");
    assert_eq!(st, "pending");
    let err = err.unwrap();
    assert!(err.contains("timed out"), "{err}");
    assert!(
        !err.contains("/mattermost"),
        "the address's secret part is never shown: {err}"
    );

    // /metrics counts them by channel.
    let p = std::sync::Arc::new(p);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shared = p.clone();
    tokio::spawn(vigie::service::health::serve(
        listener,
        std::sync::Arc::new(move || shared.clone()),
        vigie::service::metrics::Heartbeat::default(),
    ));
    let metrics = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut sock = std::net::TcpStream::connect(addr).unwrap();
        sock.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut out = String::new();
        sock.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    for line in [
        "vigie_outbox_chat_messages{channel=\"moreau#4\",state=\"dead\"} 1",
        "vigie_outbox_chat_messages{channel=\"moreau#3\",state=\"pending\"} 1",
        "vigie_outbox_chat_messages{channel=\"moreau#1\",state=\"sent\"} 1",
        "vigie_outbox_emails{state=\"dead\"} 0",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }

    // `vigie alerts` tells the chat messages' fate beside the emails'.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .arg("alerts")
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("0 sent, 0 waiting, 0 refused; chat: 4 posted, 1 waiting, 1 refused"),
        "{table}"
    );
}

#[tokio::test]
async fn a_channel_on_a_private_address_is_refused_unless_allowed() {
    let (_server, rx, s, now) = start(RECALL, "allow_private_networks = false").await;
    // The feed is on loopback too: allow its network only, as an operator would an intranet
    // feed... which leaves the channels on that network allowed as well. So the feed is
    // polled by a poller allowed everything, and the channels posted by one allowed nothing.
    let feed_poller = {
        let (mut c, catalog) = vigie::settings::load(&s.config).unwrap();
        c.http.allow_private_networks = true;
        let store = vigie::store::Store::open(&c.database).unwrap();
        vigie::service::poll::Poller::new(c, catalog, store, now).unwrap()
    };
    feed_poller.poll_all(now, |_| {}).await;
    drop(feed_poller);
    let p = poller(&s, now);
    let done = p.deliver_outbox(&move || now).await.unwrap();
    assert_eq!((done.sent, done.dead), (0, 6), "{done:?}");
    assert_eq!(rx.total(), 0, "nothing reached the receiver");
    let rows = outbox(&s);
    for (_, state, err) in rows {
        assert_eq!(state, "dead");
        let err = err.unwrap();
        assert!(err.contains("private") || err.contains("loopback"), "{err}");
    }
}

#[test]
fn check_lists_channels_without_their_secret_and_locates_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("vigie.toml");
    write(&c, "database = \"v.db\"\nwatchlists = \"w/*.toml\"\n");
    write(
        &dir.path().join("slack-url"),
        "https://hooks.slack.com/services/T000/B000/SECRETTOKEN\n",
    );
    write(
        &dir.path().join("w/a.toml"),
        "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://example.org/rss\"\n\n\
         [[channel]]\nkind = \"slack\"\nurl_file = \"../slack-url\"\nname = \"Équipe marque\"\nsend = [\"alerts\"]\n",
    );
    let vigie = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(&c)
            .args(args)
            .output()
            .unwrap()
    };
    let out = vigie(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("channels: Équipe marque (slack, https://hooks.slack.com/…, alerts)"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("SECRETTOKEN") && !stdout.contains("T000"),
        "{stdout}"
    );

    write(
        &dir.path().join("w/a.toml"),
        "[[brand]]\nname = \"Acme\"\n\n[[source]]\nurl = \"https://example.org/rss\"\n\n\
         [[channel]]\nkind = \"webhook\"\nurl_file = \"../nowhere\"\n",
    );
    let out = vigie(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("w/a.toml:9:12: key `channel.url_file`: cannot read"),
        "{stderr}"
    );
    assert!(
        stderr.contains("key `channel.secret_file`: a webhook channel needs secret_file"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_goes_to_the_channels_that_ask_for_it() {
    let (_server, rx, s, now) = start(RECALL, "allow_private_networks = true").await;
    // Slack takes the digest too; Teams only alerts (the default).
    let w = s.dir.path().join("w/moreau.toml");
    let text = std::fs::read_to_string(&w).unwrap();
    write(
        &w,
        &text
            .replacen(
                "kind = \"slack\"\n",
                "kind = \"slack\"\nsend = [\"alerts\", \"digest\"]\n",
                1,
            )
            .replacen(
                "kind = \"webhook\"\n",
                "kind = \"webhook\"\nsend = [\"digest\"]\n",
                1,
            ),
    );
    let p = poller(&s, now);
    p.poll_all(now, |_| {}).await;
    drop(p);
    let config = s.config.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(&config)
            .args(["digest", "--send"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2 messages queued"), "{stdout}");

    // Slack: the alert, then the digest.
    let slack = rx.got("/slack");
    assert_eq!(slack.len(), 2, "{slack:?}");
    let digest = slack[1].json();
    assert_eq!(str_of(&digest, "/blocks/0/type"), "header");
    assert!(
        str_of(&digest, "/blocks/0/text/text").starts_with("Résumé Vigie · moreau"),
        "{digest}"
    );
    assert!(
        digest
            .to_string()
            .contains("Biscuiterie Moreau\u{202f}: 3 nouvelles mentions"),
        "{digest}"
    );
    // The webhook, which asked for the digest only: Vigie's digest document, signed.
    let hook = rx.got("/webhook");
    assert_eq!(hook.len(), 1, "no alert, the digest");
    let doc = hook[0].json();
    assert_eq!(doc["schema"], "vigie.digest/1");
    assert_eq!(doc["watchlist"], "moreau");
    assert!(hook[0].headers.contains_key("x-vigie-signature"));
    // Teams was not asked for it.
    assert_eq!(rx.got("/teams").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_channel_posts_to_each_channel_and_says_what_it_answered() {
    let (_server, rx, s, _now) = start(RECALL, "allow_private_networks = true").await;
    rx.answer("/teams", vec![Answer::Status(404, None)]);
    let config = s.config.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(&config)
            .args(["test-channel", "moreau"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let host = format!("http://{}/…", rx.addr.ip());
    assert!(
        stdout.contains(&format!("1. slack #1 (slack, {host}): posted")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "2. teams #2 (teams, {host}): not posted: HTTP 404"
        )),
        "{stdout}"
    );
    assert!(
        !stdout.contains("/teams") && !stdout.contains("/slack"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 test message not posted"));
    let got = rx.got("/slack");
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .json()
            .to_string()
            .contains("Ce canal recevra les alertes de la liste de veille moreau")
    );
    assert_eq!(rx.got("/webhook").len(), 1, "every channel was tried");
}

fn start_daemon(
    s: &Setup,
    start: Timestamp,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let poller = std::sync::Arc::new(poller(s, start));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(vigie::service::daemon::run(
        poller,
        vigie::service::daemon::anchored_clock(start),
        async {
            let _ = stopped.await;
        },
    ));
    (stop, handle)
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

/// The daemon is stopped while Slack has the alert but has not answered: at the next start
/// the alert is posted again with the same `Idempotency-Key` (a receiver that keys on it
/// shows it once), every other channel keeps its one post, and nothing more is posted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_post_posts_each_alert_once_per_channel_by_its_key() {
    let (_server, rx, s, now) = start(
        RECALL,
        "allow_private_networks = true\ntimeout = \"3s\"\nconnect_timeout = \"1s\"\nread_timeout = \"3s\"",
    )
    .await;
    rx.answer("/slack", vec![Answer::Silent, Answer::Status(200, None)]);
    let (stop, handle) = start_daemon(&s, now);
    wait_for("every channel's first post", 30, || {
        KINDS.iter().all(|(_, path, _)| rx.got(path).len() == 1)
    })
    .await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();

    // Ten minutes later: Slack answers now.
    let (stop, handle) = start_daemon(&s, now + Duration::from_secs(600));
    wait_for("Slack's second post", 30, || rx.got("/slack").len() == 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();
    // And a start later that day posts nothing more.
    let (stop, handle) = start_daemon(&s, now + Duration::from_secs(3 * 3600));
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.send(()).unwrap();
    handle.await.unwrap().unwrap();

    let slack = rx.got("/slack");
    assert_eq!(slack.len(), 2);
    assert_eq!(
        slack[0].headers.get("idempotency-key"),
        slack[1].headers.get("idempotency-key"),
        "the same message, the same key"
    );
    assert_eq!(slack[0].body, slack[1].body, "the very same bytes");
    for (_, path, _) in KINDS.iter().skip(1) {
        assert_eq!(rx.got(path).len(), 1, "{path}");
    }
    assert!(
        outbox(&s).iter().all(|(_, state, _)| state == "sent"),
        "{:?}",
        outbox(&s)
    );
}

/// A measurement, not a check (BENCHMARKS.md, "Chat channels"): the time from an alert's
/// poll to its posts, and the posting rate, on loopback.
#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn delivery_latency() {
    let (_server, rx, s, now) = start(RECALL, "allow_private_networks = true").await;
    let p = poller(&s, now);
    let t = std::time::Instant::now();
    p.poll_all(now, |_| {}).await;
    let polled = t.elapsed();
    p.deliver_outbox(&move || now).await.unwrap();
    let delivered = t.elapsed();
    assert_eq!(rx.total(), 6);
    // 600 more messages (100 per channel) queued at once, then delivered.
    let mut store = vigie::store::Store::open(&s.dir.path().join("vigie.db")).unwrap();
    for i in 0..600 {
        let key = format!("moreau#{}", i % 6 + 1);
        store
            .enqueue_email(
                &vigie::store::Outgoing {
                    purpose: "alert",
                    recipient: format!("channel:{key}"),
                    message_id: format!("<bench.{i}@x>"),
                    subject: "bench".into(),
                    message: b"{\"text\":\"bench\"}".to_vec(),
                },
                now,
            )
            .unwrap();
    }
    let t = std::time::Instant::now();
    let done = p.deliver_outbox(&move || now).await.unwrap();
    let burst = t.elapsed();
    assert_eq!(done.sent, 600);
    println!(
        "alert: poll {polled:?}, poll to last of 6 posts {delivered:?}; 600 queued posts in {burst:?} ({:.2} ms each)",
        burst.as_secs_f64() * 1000.0 / 600.0
    );
}
