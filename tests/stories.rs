//! One story counted once: copies of a story (another title, tracking parameters, a trailing
//! "Lire la suite", an alert's truncated excerpt) are one story; different stories about
//! the same brand on the same day stay apart. The distances are printed
//! (`cargo test --test stories -- --nocapture`): they are what `story::MAX_DISTANCE` was
//! set from.

use vigie::analyze::story::{MAX_DISTANCE, distance, simhash};

const RECALL_TEXT: &str = "Le fabricant Acme rappelle 40 000 grille-pain après plusieurs départs de feu. \
    Les clients sont furieux et le service client d'Acme ne répond plus. Selon la direction, \
    les modèles Turbo-Grille vendus depuis mars sont concernés et seront remboursés en magasin.";

/// (title, text) of each fixture.
const ORIGINAL: (&str, &str) = (
    "Rappel massif : l'ACMÉ Turbo-Grille retirée des rayons",
    RECALL_TEXT,
);

fn copies() -> Vec<(&'static str, String, String)> {
    vec![
        (
            "syndicated, another title, Lire la suite",
            "Acme rappelle 40 000 grille-pain".into(),
            format!("{RECALL_TEXT} Lire la suite"),
        ),
        (
            "alert: same title, excerpt cut short",
            "Rappel massif : l'ACME Turbo-Grille retirée des rayons".into(),
            "Le fabricant Acme rappelle 40 000 grille-pain après plusieurs départs de feu. Les clients sont furieux et le service client d'Acme ne répond plus. Selon la direction ...".into(),
        ),
        (
            "aggregator: title with the paper's name, credit line",
            "Rappel massif : l'Acmé Turbo-Grille retirée des rayons - Le Quotidien".into(),
            format!("{RECALL_TEXT} Cet article est paru en premier sur Le Quotidien de l'Économie."),
        ),
    ]
}

fn others() -> Vec<(&'static str, String, String)> {
    vec![
        (
            "a strike at a supplier",
            "Grève chez un sous-traitant d'Acme Corp".into(),
            "Les salariés du site de Rouen, qui fournit Acme Corp, sont en grève depuis lundi. La direction n'a fait aucun commentaire.".into(),
        ),
        (
            "a new factory",
            "Acme ouvre une usine à Lyon".into(),
            "Acme investit 30 millions d'euros et crée 200 emplois à Lyon, sur l'ancien site de la Turbo-Grille.".into(),
        ),
        (
            "a second recall, same words, another story",
            "Acme : le rappel s'étend aux grille-pain Turbo Mini".into(),
            "Après la Turbo-Grille, Acme rappelle aussi ses grille-pain Turbo Mini vendus en ligne. Les clients concernés peuvent demander un avoir sur le site du fabricant.".into(),
        ),
        (
            "a customer's complaint",
            "Mon grille-pain Acme a pris feu !!!".into(),
            "Deux semaines après l'achat, des flammes sont sorties de l'appareil. Le service client ne répond pas.".into(),
        ),
    ]
}

#[test]
fn copies_of_a_story_are_one_story_and_other_stories_stay_apart() {
    let original = simhash(ORIGINAL.0, ORIGINAL.1);
    let mut worst_copy = 0;
    for (what, title, text) in copies() {
        let d = distance(original, simhash(&title, &text));
        println!("copy  {d:2} bits  {what}");
        worst_copy = worst_copy.max(d);
    }
    let mut closest_other = 64;
    for (what, title, text) in others() {
        let d = distance(original, simhash(&title, &text));
        println!("other {d:2} bits  {what}");
        closest_other = closest_other.min(d);
    }
    assert!(
        worst_copy <= MAX_DISTANCE,
        "a copy is {worst_copy} bits away"
    );
    assert!(
        closest_other > MAX_DISTANCE,
        "another story is only {closest_other} bits away"
    );
}

#[path = "common/mod.rs"]
mod common;

#[tokio::test]
async fn polled_copies_are_stored_as_one_story_and_counted_once() {
    let server = common::Server::start().await;
    let rss = |items: &[(&str, &str, &str)]| {
        let mut s = String::from(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><link>https://x.example/</link><description>d</description>",
        );
        for (link, title, text) in items {
            s.push_str(&format!(
                "<item><link>{link}</link><title>{title}</title><description>{text}</description>\
                 <pubDate>Mon, 23 Nov 2026 06:00:00 +0000</pubDate></item>"
            ));
        }
        s + "</channel></rss>"
    };
    server.route(
        "/quotidien.xml",
        common::feed(
            rss(&[
                ("https://quotidien.example.fr/rappel", ORIGINAL.0, RECALL_TEXT),
                (
                    "https://quotidien.example.fr/greve",
                    "Grève chez un sous-traitant d'Acme Corp",
                    "Les salariés du site de Rouen, qui fournit Acme Corp, sont en grève depuis lundi. La direction n'a fait aucun commentaire.",
                ),
            ]),
            None,
        ),
    );
    server.route(
        "/revue.xml",
        common::feed(
            rss(&[(
                "https://revue.example.fr/depeche-acme?utm_source=rss&amp;utm_medium=flux",
                "Acme rappelle 40 000 grille-pain",
                &format!("{RECALL_TEXT} Lire la suite"),
            )]),
            None,
        ),
    );
    let s = common::setup(
        &[server.url("/quotidien.xml"), server.url("/revue.xml")],
        "",
        "",
    );
    let now: jiff::Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let poller = common::poller(&s, now);
    let reports = poller.poll_all(now, |_| {}).await;
    let stored: usize = reports.iter().map(|r| r.new_mentions).sum();
    assert_eq!(stored, 3, "every copy is kept as a mention: {reports:?}");
    // Detection sees two stories, not three mentions.
    let points = poller
        .with_store(move |s| s.points("Acme", now - std::time::Duration::from_secs(86_400), now))
        .await
        .unwrap();
    assert_eq!(points.len(), 2);
}
