//! Google Alerts and Talkwalker Alerts feeds, in their own formats (fixtures written after
//! real feeds): links unwrapped to the article, titles without markup, the publisher's
//! domain as the mention's site, and the same article from an alert and from the
//! publisher's own feed stored once.

mod common;

use std::path::{Path, PathBuf};

use common::{Route, Server};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/alerts")
        .join(name)
}

/// `vigie parse --kind KIND FILE`, as JSON values.
fn parse(kind: &str, file: &Path) -> Vec<serde_json::Value> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["-c", "/nonexistent/vigie.toml", "parse", "--kind", kind])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn google_alerts_links_lead_to_the_article_and_titles_are_plain() {
    let items = parse("google-alerts", &fixture("google-alerts-fr.xml"));
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["url"], "https://quotidien.example.fr/2026/11/20/rappel-acme-turbo-grille",
        "unwrapped, and its utm_source dropped"
    );
    assert_eq!(
        items[0]["title"],
        "Rappel massif : l'ACME Turbo-Grille retirée des rayons"
    );
    assert_eq!(
        items[1]["url"],
        "https://www.presse-normande.example.fr/economie/acme-greve-rouen-2026"
    );
    assert_eq!(
        items[1]["title"],
        "Acme Corp : la grève s'étend au site de Rouen"
    );
    let text = items[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Le fabricant Acme rappelle 40 000 grille-pain"),
        "{text}"
    );
    assert!(!text.contains("<b>") && !text.contains("&nbsp;"), "{text}");

    // Read as a plain feed, the same file keeps Google's redirects: the adapter matters.
    let raw = parse("feed", &fixture("google-alerts-fr.xml"));
    assert!(
        raw[0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.google.com/url?")
    );
}

#[test]
fn talkwalker_alerts_links_and_titles() {
    let items = parse("talkwalker-alerts", &fixture("talkwalker-alerts-en.xml"));
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["url"],
        "https://gadgets.example.com/reviews/acme-turbo-toaster"
    );
    assert_eq!(
        items[0]["title"],
        "Hands-on: the ACME Industries Turbo-Toaster is fast, and a fire hazard"
    );
    assert_eq!(
        items[1]["url"],
        "https://www.consumer-watch.example.org/2026/11/acme-outage"
    );
}

#[test]
fn alert_feeds_are_recognised_by_their_address() {
    let src = "[[brand]]\nname = \"Acme\"\n\
               [[source]]\nurl = \"https://www.google.com/alerts/feeds/06807031914929345698/10337785236751349574\"\n\
               [[source]]\nurl = \"https://alerts.talkwalker.com/alerts/rss/XQ4TJ6PVRSLA7ZKUCQXHQF3X3NQ2WD7Y\"\n\
               [[source]]\nurl = \"https://news.example.org/rss\"\n";
    let w = vigie::settings::watchlist::parse(src, Path::new("w.toml")).unwrap();
    let kinds: Vec<&str> = w.sources.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["google-alerts", "talkwalker-alerts", "feed"]);
}

#[tokio::test]
async fn an_article_from_an_alert_and_from_its_publisher_is_one_mention() {
    let server = Server::start().await;
    let alert = std::fs::read_to_string(fixture("google-alerts-fr.xml")).unwrap();
    server.route(
        "/alerts/feeds/1/2",
        Route::Feed {
            body: alert,
            etag: None,
            content_type: "application/atom+xml",
        },
    );
    server.route(
        "/quotidien.xml",
        common::feed(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Q</title><link>https://quotidien.example.fr/</link><description>d</description>\
             <item><title>Rappel massif : l'ACMÉ Turbo-Grille retirée des rayons</title>\
             <link>https://quotidien.example.fr/2026/11/20/rappel-acme-turbo-grille?utm_source=rss#commentaires</link>\
             <description>Le fabricant Acme rappelle 40 000 grille-pain.</description>\
             <pubDate>Fri, 20 Nov 2026 07:45:00 +0100</pubDate></item></channel></rss>"
                .to_string(),
            None,
        ),
    );
    let s = common::setup_watchlist(&format!(
        "[[brand]]\nname = \"Acme\"\naliases = [\"Acme Corp\"]\n\
             [[source]]\nurl = \"{}\"\nkind = \"google-alerts\"\n\
             [[source]]\nurl = \"{}\"\n",
        server.url("/alerts/feeds/1/2"),
        server.url("/quotidien.xml")
    ));
    let now: jiff::Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let poller = common::poller(&s, now);
    let reports = poller.poll_all(now, |_| {}).await;
    let new: usize = reports.iter().map(|r| r.new_mentions).sum();
    assert_eq!(new, 2, "the recall once, the strike once: {reports:?}");
    let mentions = poller
        .with_store(|s| {
            s.mentions(&vigie::store::MentionQuery {
                limit: 10,
                ..Default::default()
            })
        })
        .await
        .unwrap();
    let urls: Vec<&str> = mentions.iter().filter_map(|m| m.url.as_deref()).collect();
    assert!(urls.contains(&"https://quotidien.example.fr/2026/11/20/rappel-acme-turbo-grille"));
    assert!(
        urls.contains(&"https://www.presse-normande.example.fr/economie/acme-greve-rouen-2026")
    );
}
