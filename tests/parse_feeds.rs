//! The feed formats Vigie reads, on the hand-written sample feeds in `demo/feeds/`: what
//! each item becomes before matching.

use std::path::Path;

use jiff::Timestamp;
use vigie::ingest::parse::feed::parse_feed;

fn parse(file: &str) -> vigie::ingest::parse::feed::ParsedFeed {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("demo/feeds")
        .join(file);
    let bytes = std::fs::read(&path).unwrap();
    let fetched: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
    parse_feed(&bytes, &format!("https://feeds.example/{file}"), fetched).unwrap()
}

#[test]
fn rss_2_0_items_become_clean_plain_data() {
    let feed = parse("actu-fr.xml");
    assert_eq!(feed.items.len(), 6);
    assert_eq!(
        feed.ttl,
        Some(std::time::Duration::from_secs(30 * 60)),
        "<ttl> in minutes"
    );
    let first = &feed.items[0];
    assert_eq!(first.id, "qe-2026-1120-01");
    assert_eq!(
        first.url.as_deref(),
        Some("https://quotidien.example.fr/2026/11/20/rappel-acme-turbo-grille")
    );
    assert_eq!(first.author.as_deref(), Some("Claire Dubois"));
    assert_eq!(
        first.published,
        "2026-11-20T06:45:00Z".parse::<Timestamp>().unwrap(),
        "+0100 offset"
    );
    assert_eq!(
        first.lang.as_deref(),
        Some("fr"),
        "from <language>fr-FR</language>"
    );
    assert_eq!(
        first.text,
        "Le fabricant Acme rappelle 40 000 grille-pain après plusieurs départs de feu. \
         Les clients sont furieux et le service client d’Acme ne répond plus."
    );
    // content:encoded wins over description, paragraphs kept as lines.
    let strike = &feed.items[3];
    assert_eq!(
        strike.text,
        "Les salariés du site de Rouen, qui fournit Acme Corp, sont en grève depuis lundi.\nLa direction n'a fait aucun commentaire."
    );
}

#[test]
fn rss_1_0_items_read_dublin_core() {
    let feed = parse("blog.rdf");
    assert_eq!(feed.items.len(), 2);
    let item = &feed.items[0];
    assert_eq!(item.title, "Six months with the Globex blender");
    assert_eq!(
        item.url.as_deref(),
        Some("https://kitchen-blog.example.org/posts/globex-blender")
    );
    assert_eq!(
        item.published,
        "2026-11-18T09:00:00Z".parse::<Timestamp>().unwrap()
    );
    assert_eq!(item.author.as_deref(), Some("Jo Baker"));
    assert_eq!(item.lang.as_deref(), Some("en"));
}

#[test]
fn json_feed_items_read_html_and_text_content() {
    let feed = parse("forum.json");
    assert_eq!(feed.items.len(), 3);
    let fire = &feed.items[0];
    assert_eq!(fire.id, "fc-9001");
    assert_eq!(
        fire.url.as_deref(),
        Some("https://forum-conso.example.fr/t/9001"),
        "utm_campaign removed"
    );
    assert_eq!(
        fire.text,
        "Deuxième fois ce mois-ci. Je n’achèterai plus jamais d’Acmé. #acme"
    );
    assert_eq!(fire.author.as_deref(), Some("marie_l"));
    assert_eq!(
        fire.published,
        "2026-11-22T20:14:00Z".parse::<Timestamp>().unwrap()
    );
    assert!(!fire.published_estimated);
    assert_eq!(
        feed.items[1].text,
        "Je recommande Lumière Café, torréfié à Lyon, vraiment excellent."
    );
}

#[test]
fn missing_and_future_dates_fall_back_to_the_fetch_time() {
    let feed = parse("tech-en.atom");
    let fetched: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
    let future = feed
        .items
        .iter()
        .find(|i| i.title == "Future-dated post")
        .unwrap();
    assert_eq!(
        (future.published, future.published_estimated),
        (fetched, true)
    );
    // Atom <updated> stands in for a missing <published>.
    let globex = feed
        .items
        .iter()
        .find(|i| i.title.starts_with("Globex"))
        .unwrap();
    assert_eq!(
        globex.published,
        "2026-11-21T10:00:00Z".parse::<Timestamp>().unwrap()
    );
    assert!(!globex.published_estimated);
}

#[test]
fn an_empty_feed_is_not_an_error_but_a_web_page_is() {
    let fetched = Timestamp::UNIX_EPOCH;
    let empty = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";
    assert!(
        parse_feed(empty.as_bytes(), "https://x.example/", fetched)
            .unwrap()
            .items
            .is_empty()
    );
    let page = "<!doctype html><html><body>Acme</body></html>";
    let err = parse_feed(page.as_bytes(), "https://x.example/", fetched).unwrap_err();
    assert!(err.to_string().starts_with("not a readable feed"), "{err}");
}
