//! Feeds that are broken or old-fashioned but say what they mean, read as feedparser reads
//! them (the forgiving front end of `ingest::parse::repair`), on the small hand-written
//! fixtures of `tests/fixtures/forgiving/`: each gives its entries and says what was
//! repaired; documents that are no feed at all say what they are.

mod common;

use std::path::Path;
use std::process::Command;

use jiff::Timestamp;
use vigie::ingest::parse::{Parsed, read_document};
use vigie::settings::watchlist::Adapter;

fn read(file: &str) -> Result<Parsed, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/forgiving")
        .join(file);
    let bytes = std::fs::read(&path).unwrap();
    let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
    read_document(
        &Adapter::Feed,
        &bytes,
        None,
        &format!("https://feeds.example/{file}"),
        now,
    )
}

fn titles(p: &Parsed) -> Vec<&str> {
    p.items.iter().map(|i| i.title.as_str()).collect()
}

/// Reads `file`, checks its titles, and that the repairs say `repaired` (empty: none).
fn check(file: &str, expected: &[&str], repaired: &str) -> Parsed {
    let p = read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(titles(&p), expected, "{file}");
    if repaired.is_empty() {
        assert!(p.repairs.is_empty(), "{file}: {:?}", p.repairs);
    } else {
        assert!(
            p.repairs.iter().any(|r| r.contains(repaired)),
            "{file}: {:?} should say {repaired:?}",
            p.repairs
        );
    }
    p
}

#[test]
fn old_and_odd_feed_versions_are_read_as_their_modern_equivalent() {
    check(
        "rss-without-version.xml",
        &[
            "Épisode 12 : la recette des sablés",
            "Épisode 11 : le rappel des galettes",
        ],
        "RSS without a version",
    );
    check(
        "rss-version-2.01.xml",
        &[
            "Velocita recalls 40,000 scooters",
            "Velocita opens a Lyon store",
        ],
        "RSS version \"2.01\"",
    );
    check(
        "rss-0.90.rdf",
        &["Acme launches a new kettle", "Acme kettle review"],
        "RSS 0.90",
    );
    let rss11 = check(
        "rss-1.1.xml",
        &["Moreau rappelle ses biscuits", "Moreau recrute à Nantes"],
        "RSS 1.1",
    );
    assert_eq!(rss11.items[0].text, "Allergène non déclaré.");
    let atom03 = check(
        "atom-0.3.xml",
        &["Les freins Velocita en question", "Balade du dimanche"],
        "Atom 0.3",
    );
    assert_eq!(atom03.items[0].text, "Trois chutes en une semaine.");
    assert_eq!(
        atom03.items[0].published.to_string(),
        "2026-11-20T08:00:00Z",
        "<issued> is the entry's publication time"
    );
    assert_eq!(
        atom03.items[1].url.as_deref(),
        Some("https://carnet.example/balade")
    );
}

#[test]
fn an_atom_content_of_an_odd_type_no_longer_loses_the_whole_feed() {
    let p = check(
        "atom-odd-content.xml",
        &[
            "Plain text content",
            "Binary content",
            "Empty content",
            "Content elsewhere",
        ],
        "Atom content",
    );
    assert_eq!(p.items[0].text, "Acme is fine.");
    assert_eq!(p.items[1].text, "A photo.", "the summary, not base64");
}

#[test]
fn charsets_declared_wrongly_or_not_at_all_are_read() {
    check(
        "latin1-bytes-in-utf8.xml",
        &["Café Moreau : un début difficile", "Moreau ouvre à Lille"],
        "windows-1252",
    );
    check(
        "windows-1251-undeclared.xml",
        &[
            "Компания Acme отзывает чайники после жалоб покупателей",
            "Новый магазин Acme открылся в Москве в понедельник",
        ],
        "windows-1251",
    );
    check("utf-32be-bom.xml", &["Acme à Paris"], "");
    check("utf-32le.xml", &["Acme à Paris"], "");
}

#[test]
fn ill_formed_xml_is_mended_and_its_entries_kept() {
    check(
        "html-entities.xml",
        &[
            // (Stored text has its white space, no-break spaces included, made plain.)
            "Moreau : l’été des sablés",
            "Moreau « rassure »",
        ],
        // feed-rs reads it, leaving the entity names: the text is mended, not the XML.
        "",
    );
    let p = check(
        "stray-ampersand.xml",
        &["Acme & Co recall kettles", "Q&A with Acme"],
        "stray &",
    );
    assert_eq!(
        p.items[0].url.as_deref(),
        Some("https://tj.example/news?id=1&lang=en")
    );
    check(
        "unclosed-elements.xml",
        &["Velocita brakes fail", "Velocita answers"],
        "left open",
    );
    // quick-xml reads duplicate attributes (the first wins): nothing to repair.
    check("duplicate-attributes.xml", &["Acme twice"], "");
    check(
        "feed-in-xhtml-page.xml",
        &["Acme wrapped news"],
        "inside an HTML page",
    );
    check(
        "junk-before-declaration.xml",
        &["Moreau en tête des ventes"],
        "before the XML declaration",
    );
}

#[test]
fn json_feeds_with_common_deviations_are_read() {
    check(
        "jsonfeed-http-version.json",
        &["Acme kettle review"],
        "version \"http://jsonfeed.org/version/1\"",
    );
    check(
        "jsonfeed-without-version.json",
        &["Moreau : nouveaux sablés"],
        "without a version",
    );
    check("jsonfeed-tags-string.json", &["Velocita tested"], "tags");
    check(
        "jsonfeed-control-character.json",
        &["Acme news"],
        "control characters",
    );
}

#[test]
fn a_document_that_is_no_feed_says_what_it_is() {
    let err = |file: &str| read(file).expect_err(file);
    let linked = err("html-page-with-feed-link.html");
    assert!(
        linked.contains("HTML page") && linked.contains("https://feeds.example/feed.xml"),
        "{linked}"
    );
    let page = err("html-page.html");
    assert!(page.contains("kind = \"html\""), "{page}");
    assert!(err("empty.xml").contains("empty"));
    assert!(err("gzip-bytes.xml").contains("gzip"));
}

#[test]
fn a_well_formed_feed_is_never_repaired() {
    for file in ["actu-fr.xml", "tech-en.atom"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("demo/feeds")
            .join(file);
        if !path.exists() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let p = read_document(&Adapter::Feed, &bytes, None, "https://f.example/", now).unwrap();
        assert!(!p.items.is_empty() && p.repairs.is_empty(), "{file}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use vigie::ingest::parse::repair;

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// Titles with words, accents, markup characters and entities, never blank.
    fn title() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("Acme".to_string()),
                Just("rappel".to_string()),
                Just("été".to_string()),
                Just("R&D".to_string()),
                Just("l’été".to_string()),
                Just("«".to_string()),
                Just("&eacute;".to_string()),
                "[a-zA-Z0-9]{1,8}",
            ],
            1..8,
        )
        .prop_map(|w| w.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// A well-formed feed, RSS or Atom, is read as it is: every title, nothing repaired.
        #[test]
        fn a_well_formed_feed_is_read_unchanged(titles in proptest::collection::vec(title(), 1..6), atom in any::<bool>()) {
            let mut doc = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            if atom {
                doc.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><id>urn:t</id><updated>2026-11-20T10:00:00Z</updated>");
                for (i, t) in titles.iter().enumerate() {
                    doc.push_str(&format!("<entry><title>{}</title><id>urn:t:{i}</id><updated>2026-11-20T10:00:00Z</updated><link href=\"https://f.example/{i}\"/></entry>", escape(t)));
                }
                doc.push_str("</feed>");
            } else {
                doc.push_str("<rss version=\"2.0\"><channel><title>t</title><link>https://f.example/</link>");
                for (i, t) in titles.iter().enumerate() {
                    doc.push_str(&format!("<item><title>{}</title><link>https://f.example/{i}</link></item>", escape(t)));
                }
                doc.push_str("</channel></rss>");
            }
            let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
            let p = read_document(&Adapter::Feed, doc.as_bytes(), None, "https://f.example/", now).unwrap();
            prop_assert!(p.repairs.is_empty(), "{:?}", p.repairs);
            prop_assert_eq!(p.items.len(), titles.len());
            for (item, t) in p.items.iter().zip(&titles) {
                // The title as text: entity names as their characters, white space single.
                let expected = t.replace("&eacute;", "é");
                let expected = expected.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(&item.title, &expected);
            }
        }

        /// The repairs take any text without panicking.
        #[test]
        fn the_repairs_never_panic(doc in "(<[a-z:/!?\\[]{0,3}|&[a-z#0-9]{0,5};?|[a-z \"'=>\\]{}\u{1}é]){0,60}") {
            let _ = repair::normalise(&doc);
            let _ = repair::recover(&doc);
            let _ = repair::lenient_json_feed(&doc);
            let _ = repair::not_a_feed(doc.as_bytes(), "https://f.example/");
            let _ = repair::html_entities(&doc);
        }
    }
}

/// Seeded mutations of every fixture (bytes cut, doubled, swapped for markup characters,
/// the document truncated) through the whole parse path: each comes back as entries or an
/// error, and no panic reaches the caller, nor is one caught in our own code.
#[test]
fn mutated_fixtures_never_crash_the_parse_path() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forgiving");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
    // A small linear congruential generator: the same mutations on every run.
    let mut seed: u64 = 0x5eed_f00d;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let markup = [b'<', b'>', b'&', b'"', b'/', b';', 0xC3, 0x00];
    let mut caught = Vec::new();
    let mut runs = 0;
    for path in &files {
        let original = std::fs::read(path).unwrap();
        for _ in 0..150 {
            let mut doc = original.clone();
            for _ in 0..1 + next(4) {
                let len = doc.len();
                match next(4) {
                    0 if len > 1 => {
                        let at = next(len);
                        let n = next(16).min(len - at);
                        doc.drain(at..at + n);
                    }
                    1 => {
                        let at = next(len + 1);
                        doc.insert(at, markup[next(markup.len())]);
                    }
                    2 if len > 1 => {
                        let at = next(len);
                        let n = next(32).min(len - at);
                        let piece = doc[at..at + n].to_vec();
                        let to = next(len);
                        doc.splice(to..to, piece);
                    }
                    _ => doc.truncate(next(len + 1)),
                }
            }
            runs += 1;
            if let Err(e) = read_document(&Adapter::Feed, &doc, None, "https://f.example/", now)
                && e.contains("failed on this document")
            {
                caught.push(format!("{}: {e}", path.display()));
            }
        }
    }
    assert!(runs >= 3000, "{runs}");
    // A panic inside feed-rs is contained (the source's error); one in the repairs or in
    // Vigie's extraction is a bug: their messages name no feed-rs file.
    let ours: Vec<_> = caught
        .iter()
        .filter(|c| !c.contains("feed-rs") && !c.contains("self.root.borrow()"))
        .collect();
    assert!(ours.is_empty(), "{ours:#?}");
}

/// A source whose feed needed repairs: its mentions are stored, `vigie sources` tells the
/// operator what was wrong with it, and `vigie parse` says the document was recovered.
#[test]
fn the_operator_is_told_which_feeds_are_read_with_repairs() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("old.rdf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forgiving/rss-0.90.rdf"),
        &feed,
    )
    .unwrap();
    let url = url::Url::from_file_path(&feed).unwrap().to_string();
    let s = common::setup_in(dir, std::slice::from_ref(&url), "", "");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(&s.config)
            .args(args)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let poll = run(&["poll"]);
    let said = String::from_utf8_lossy(&poll.stdout);
    assert!(said.contains("2 new mentions"), "{said}");
    let table = String::from_utf8_lossy(&run(&["sources"]).stdout).into_owned();
    assert!(
        table.contains("read with repairs: RSS 0.90, read as RSS 1.0"),
        "{table}"
    );
    let json = String::from_utf8_lossy(&run(&["sources", "--format", "json"]).stdout).into_owned();
    let row: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(row["repairs"], "RSS 0.90, read as RSS 1.0");
    let parse = run(&["parse", &url]);
    assert!(parse.status.success());
    let err = String::from_utf8_lossy(&parse.stderr);
    assert!(
        err.contains("recovered: true") && err.contains("RSS 0.90"),
        "{err}"
    );
    assert_eq!(String::from_utf8_lossy(&parse.stdout).lines().count(), 2);
}
