//! Forum and blog pages as sources (`kind = "html"`): goldens of what three engines'
//! pages yield (a phpBB-like board in French, a Discourse-like one in English, a blog's
//! comments in French; `VIGIE_BLESS=1` rewrites them), `vigie try-source`, and polling a
//! page over HTTP: next pages followed, a redesign reported as a failure, not as quiet.

mod common;

use std::path::{Path, PathBuf};

use common::{Route, Server, golden};
use jiff::Timestamp;
use vigie::ingest::parse::html::{Field, HtmlSpec, parse_page};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/forums")
        .join(name)
}

/// Monday 23 November 2026, 10:00 in Paris.
fn now() -> Timestamp {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

fn field(s: &str) -> Field {
    Field::parse(s).unwrap()
}

fn phpbb() -> HtmlSpec {
    HtmlSpec {
        item: "ul.topics li.row".into(),
        title: field("a.topictitle"),
        link: Some(field("a.topictitle@href")),
        text: Some(field(".topic-preview")),
        author: Some(field(".username")),
        date: Some(field("time")),
        next: Some(field("a[rel=next]@href")),
        max_pages: 2,
        timezone: "Europe/Paris".into(),
    }
}

fn discourse() -> HtmlSpec {
    HtmlSpec {
        item: "tr.topic-list-item".into(),
        title: field("a.title"),
        link: Some(field("a.title")),
        text: Some(field(".topic-excerpt")),
        author: Some(field("td.posters a")),
        date: Some(field(".relative-date@data-time")),
        next: None,
        max_pages: 1,
        timezone: "UTC".into(),
    }
}

fn blog() -> HtmlSpec {
    HtmlSpec {
        item: "ol.commentlist li.comment".into(),
        title: field(".comment-content p"),
        link: Some(field(".comment-metadata a@href")),
        text: Some(field(".comment-content")),
        author: Some(field(".fn")),
        date: Some(field(".comment-metadata a")),
        next: None,
        max_pages: 1,
        timezone: "Europe/Paris".into(),
    }
}

fn json_lines(items: &[vigie::ingest::parse::Item]) -> String {
    items
        .iter()
        .map(|i| serde_json::to_string(i).unwrap() + "\n")
        .collect()
}

fn read(name: &str, url: &str, spec: &HtmlSpec) -> vigie::ingest::parse::html::Page {
    parse_page(&std::fs::read(fixture(name)).unwrap(), url, spec, now()).unwrap()
}

#[test]
fn a_phpbb_board_in_french() {
    let url = "https://forum-conso.example.fr/viewforum.php?f=12";
    let page = read("phpbb-fr.html", url, &phpbb());
    golden("forum-phpbb-fr.jsonl", &json_lines(&page.items));
    let first = &page.items[0];
    assert_eq!(first.title, "Grille-pain Acme qui prend feu ?!");
    // The relative link resolved against the page, phpBB's session id dropped (it changes
    // with every visit, and would make the same topic a new mention each time).
    assert_eq!(
        first.url.as_deref(),
        Some("https://forum-conso.example.fr/viewtopic.php?t=4811")
    );
    // "lun. 12 janv. 2026 14:05" in Paris.
    assert_eq!(first.published.to_string(), "2026-01-12T13:05:00Z");
    assert_eq!(first.author.as_deref(), Some("Marie_L"));
    assert_eq!(first.lang.as_deref(), Some("fr"));
    assert_eq!(
        page.next.as_deref(),
        Some("https://forum-conso.example.fr/viewforum.php?f=12&start=25")
    );
}

#[test]
fn a_discourse_board_in_english() {
    let url = "https://community.example.com/c/kitchen/5";
    let page = read("discourse-en.html", url, &discourse());
    golden("forum-discourse-en.jsonl", &json_lines(&page.items));
    assert_eq!(page.items.len(), 3);
    // <base href> decides; `..` climbs from it.
    assert_eq!(
        page.items[1].url.as_deref(),
        Some("https://community.example.com/t/globex-blender-lid/8990")
    );
    // data-time is Unix milliseconds.
    assert_eq!(page.items[0].published.to_string(), "2026-01-12T14:05:00Z");
    // The pinned topic has no date: it is given the fetch time, marked as estimated.
    assert!(page.items[2].published_estimated);
    assert_eq!(page.items[2].published, now());
}

#[test]
fn a_blogs_comments_in_french() {
    let url = "https://blog-cuisine.example.fr/acme-turbo/";
    let page = read("blog-comments-fr.html", url, &blog());
    golden("forum-blog-comments-fr.jsonl", &json_lines(&page.items));
    let when: Vec<String> = page.items.iter().map(|i| i.published.to_string()).collect();
    // "il y a 3 heures", "hier à 21h40", "12 novembre 2026 à 08:15", in Paris.
    assert_eq!(
        when,
        [
            "2026-11-23T06:00:00Z",
            "2026-11-22T20:40:00Z",
            "2026-11-12T07:15:00Z"
        ]
    );
    // Each comment is its own item: the fragment tells them apart.
    let links: Vec<&str> = page.items.iter().filter_map(|i| i.url.as_deref()).collect();
    assert_eq!(links.len(), 3);
    assert!(links[1].ends_with("/acme-turbo/#comment-102"), "{links:?}");
    assert_eq!(page.items[1].author.as_deref(), Some("Karim"));
}

#[test]
fn try_source_shows_what_each_selector_reads() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["-c", "/nonexistent/vigie.toml", "try-source"])
        .arg(fixture("discourse-en.html"))
        .args([
            "--item",
            "tr.topic-list-item",
            "--title",
            "a.title",
            "--link",
            "a.title@href",
            "--date",
            ".relative-date@data-time",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("#1\n  title   Acme Turbo-Toaster recall: is mine affected?\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  date    2026-01-12T14:05:00Z\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\n3 items\n"), "{stdout}");
    assert!(
        stdout.contains("1 of 3 items have no readable date"),
        "{stdout}"
    );
    assert!(stdout.contains("3 of 3 items have no text"), "{stdout}");

    // A selector that matches nothing says so.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["-c", "/nonexistent/vigie.toml", "try-source"])
        .arg(fixture("discourse-en.html"))
        .args(["--item", "li.topic", "--title", "a"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("the item selector \"li.topic\" matches nothing"),
        "{stdout}"
    );

    // `vigie parse --kind html` prints the items as the poller sees them.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["-c", "/nonexistent/vigie.toml", "parse", "--kind", "html"])
        .arg(fixture("blog-comments-fr.html"))
        .args(["--item", "li.comment", "--title", ".comment-content p"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

fn forum_setup(server: &Server) -> common::Setup {
    common::setup_watchlist(&format!(
        r#"[[brand]]
name = "Acme"

[[source]]
url = "{}"
kind = "html"
timezone = "Europe/Paris"
[source.select]
item = "ul.topics li.row"
title = "a.topictitle"
link = "a.topictitle@href"
text = ".topic-preview"
date = "time"
next = "a[rel=next]@href"
max_pages = 3
"#,
        server.url("/viewforum.php?f=12")
    ))
}

fn page(body: &str) -> Route {
    Route::Feed {
        body: body.to_string(),
        etag: None,
        content_type: "text/html; charset=utf-8",
    }
}

#[tokio::test]
async fn a_forum_is_polled_over_its_pages_and_a_redesign_is_a_failure() {
    let server = Server::start().await;
    server.route(
        "/viewforum.php?f=12",
        page(&std::fs::read_to_string(fixture("phpbb-fr.html")).unwrap()),
    );
    server.route(
        "/viewforum.php?f=12&start=25",
        page(&std::fs::read_to_string(fixture("phpbb-fr-2.html")).unwrap()),
    );
    let s = forum_setup(&server);
    let poller = common::poller(&s, now());
    let reports = poller.poll_all(now(), |_| {}).await;
    assert_eq!(
        reports[0].outcome,
        vigie::service::poll::Outcome::Fetched,
        "{reports:?}"
    );
    assert_eq!(
        reports[0].items, 3,
        "two on the first page, one on the second"
    );
    let titles: Vec<String> = poller
        .with_store(|s| {
            s.mentions(&vigie::store::MentionQuery {
                limit: 100,
                ..Default::default()
            })
        })
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"SAV Acme : trois semaines sans réponse".to_string()));

    // The site is redesigned: the page answers, but the selectors match nothing.
    server.route(
        "/viewforum.php?f=12",
        page("<html><body><div class=\"new-layout\"><article>Grille-pain Acme</article></div></body></html>"),
    );
    let later = now() + std::time::Duration::from_secs(3600);
    let reports = poller.poll_all(later, |_| {}).await;
    match &reports[0].outcome {
        vigie::service::poll::Outcome::Failed(why) => {
            assert!(
                why.contains("no item matches the selector \"ul.topics li.row\""),
                "{why}"
            )
        }
        other => panic!("a redesign must fail loudly, not look quiet: {other:?}"),
    }
    let row = poller.source_rows().await.unwrap().remove(0);
    assert_eq!(row.consecutive_errors, 1);
}

#[test]
fn selectors_are_checked_when_the_watchlist_is_read() {
    let src = "[[brand]]\nname = \"Acme\"\n[[source]]\nurl = \"https://f.example/\"\nkind = \"html\"\n[source.select]\nitem = \"li.row\"\ntitle = \"a[[\"\n";
    let e = vigie::settings::watchlist::parse(src, Path::new("w.toml")).unwrap_err();
    assert_eq!(e.0[0].line, Some(8), "{e}");
    assert_eq!(e.0[0].key.as_deref(), Some("source.select.title"));
    let src =
        "[[brand]]\nname = \"Acme\"\n[[source]]\nurl = \"https://f.example/\"\nkind = \"html\"\n";
    let e = vigie::settings::watchlist::parse(src, Path::new("w.toml")).unwrap_err();
    assert!(
        e.0[0].message.contains("needs a [source.select] table"),
        "{e}"
    );
}
