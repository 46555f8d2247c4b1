//! Generic JSON sources (`kind = "json"`): a forum's search API watched without code.

mod common;

use std::path::Path;

use common::{Route, Server};

const SEARCH: &str = r#"{
  "query": "acme",
  "topics": [
    {"id": 5121, "slug": "acme-grille-pain", "fancy_title": "Acme : mon grille-pain a lâché",
     "url": "/t/acme-grille-pain/5121", "created_at": "2026-11-22T18:40:00.000Z",
     "last_poster": {"username": "marie"},
     "blurb": "Deux semaines après l'achat, le grille-pain <b>Acme</b> ne chauffe plus."},
    {"id": 5133, "slug": "globex", "fancy_title": "Globex, un avis ?",
     "url": "/t/globex/5133", "created_at": "2026-11-23T07:02:00.000Z",
     "last_poster": {"username": "paul"}, "blurb": "Rien à voir avec Acme."}
  ]
}"#;

#[tokio::test]
async fn a_search_api_is_polled_through_json_pointers() {
    let server = Server::start().await;
    server.route(
        "/search.json?q=acme",
        Route::Feed {
            body: SEARCH.into(),
            etag: None,
            content_type: "application/json",
        },
    );
    let s = common::setup_watchlist(&format!(
        r#"[[brand]]
name = "Acme"

[[source]]
url = "{}"
kind = "json"
[source.json]
items = "/topics"
title = "/fancy_title"
link = "/url"
text = "/blurb"
author = "/last_poster/username"
date = "/created_at"
id = "/id"
"#,
        server.url("/search.json?q=acme")
    ));
    let now: jiff::Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let poller = common::poller(&s, now);
    let reports = poller.poll_all(now, |_| {}).await;
    assert_eq!(reports[0].items, 2, "{reports:?}");
    assert_eq!(reports[0].new_mentions, 2, "both mention Acme");
    let m = poller
        .with_store(|s| {
            s.mentions(&vigie::store::MentionQuery {
                limit: 10,
                ..Default::default()
            })
        })
        .await
        .unwrap();
    let grille = m.iter().find(|m| m.title.contains("grille-pain")).unwrap();
    assert_eq!(
        grille.url.as_deref(),
        Some(server.url("/t/acme-grille-pain/5121").as_str())
    );
    assert_eq!(grille.author.as_deref(), Some("marie"));
    assert_eq!(grille.published_at.to_string(), "2026-11-22T18:40:00Z");
    assert!(!grille.snippet.contains("<b>"), "{}", grille.snippet);
}

#[test]
fn json_paths_are_checked_when_the_watchlist_is_read() {
    let src = "[[brand]]\nname = \"A\"\n[[source]]\nurl = \"https://f.example/s.json\"\nkind = \"json\"\n[source.json]\nitems = \"topics\"\ntitle = \"/t\"\n";
    let e = vigie::settings::watchlist::parse(src, Path::new("w.toml")).unwrap_err();
    assert_eq!(e.0[0].line, Some(7), "{e}");
    assert_eq!(e.0[0].key.as_deref(), Some("source.json.items"));
    assert!(e.0[0].message.contains("not a JSON Pointer"), "{e}");
}
