//! The query language as a community manager uses it: a table of French and English cases,
//! each saying whether a text mentions the brand, through the production matcher.

mod common;

use vigie::analyze::matcher::{ItemView, Matcher};
use vigie::settings::query;
use vigie::settings::watchlist::Brand;

struct Case {
    query: &'static str,
    title: &'static str,
    text: &'static str,
    url: Option<&'static str>,
    lang: Option<&'static str>,
    hit: bool,
}

const fn t(query: &'static str, text: &'static str, hit: bool) -> Case {
    Case {
        query,
        title: "",
        text,
        url: None,
        lang: None,
        hit,
    }
}

const fn titled(query: &'static str, title: &'static str, text: &'static str, hit: bool) -> Case {
    Case {
        query,
        title,
        text,
        url: None,
        lang: None,
        hit,
    }
}

const fn at(query: &'static str, url: &'static str, text: &'static str, hit: bool) -> Case {
    Case {
        query,
        title: "",
        text,
        url: Some(url),
        lang: None,
        hit,
    }
}

const fn in_lang(query: &'static str, lang: &'static str, text: &'static str, hit: bool) -> Case {
    Case {
        query,
        title: "",
        text,
        url: None,
        lang: Some(lang),
        hit,
    }
}

const CASES: &[Case] = &[
    // Folding: case, accents, ligatures, spaces.
    t(
        "\"Crédit Agricole\"",
        "Le crédit agricole annonce ses résultats",
        true,
    ),
    t(
        "\"Crédit Agricole\"",
        "CRÉDIT AGRICOLE : grève nationale",
        true,
    ),
    t("\"Crédit Agricole\"", "credit agricole", true),
    t("\"Crédit Agricole\"", "Crédit\u{a0}Agricole", true),
    t("\"Crédit Agricole\"", "Crédit\n  Agricole", true),
    t(
        "\"Crédit Agricole\"",
        "le crédit immobilier agricole",
        false,
    ),
    t("\"Crédit Agricole\"", "Agricole Crédit", false),
    t("Œuvre", "Une oeuvre majeure", true),
    t("oeuvre", "Une Œuvre majeure", true),
    t("Straße", "die Strasse ist lang", true),
    t("café", "CAFE CREME", true),
    t("cafe", "Un café crème", true),
    t("naïve", "a naive approach", true),
    t("ﬁnance", "Finance news", true),
    // Elisions.
    t("acme", "l'Acme recrute", true),
    t("acme", "l’ACMÉ recrute", true),
    t("acme", "le rappel d'Acme", true),
    t("acme", "qu'Acme le veuille ou non", true),
    t("acme", "jusqu'Acme", true),
    t("acme", "lorsqu'Acme annonce", true),
    t("acme", "puisqu’Acme refuse", true),
    t("acme", "c'Acme qui paie", true),
    t("\"Crédit Agricole\"", "l'Crédit Agricole", true),
    t("reilly", "O'Reilly Media", false),
    t("hui", "aujourd'hui", false),
    t("acme", "Acme's new toaster", true),
    t("acme", "Acme’s CEO", true),
    // Word boundaries, hashtags, mentions, URLs.
    t("acme", "acmeology is a science", false),
    t("acme", "the Pacme plan", false),
    t("acme", "acme2 is a new model", false),
    t("acme", "#acme trending", true),
    t("acme", "thanks @Acme!", true),
    t("acme", "acme-corp merger", true),
    t("acme", "(Acme)", true),
    t("acme", "\"Acme\", says the report", true),
    t("acme", "see https://www.acme.com/recall for details", true),
    t("acme", "see https://notacme.com/x", false),
    t("acme", "mail: support@acme.fr", true),
    t("#acme", "le hashtag #acme explose", true),
    t("@acme", "merci @acme", true),
    // AND, implicit AND, OR, NOT, -term, parentheses.
    t("acme AND rappel", "Acme lance un rappel", true),
    t("acme AND rappel", "Acme lance un produit", false),
    t("acme rappel", "rappel massif chez Acme", true),
    t("acme rappel", "Acme est partout", false),
    t("acme OR globex", "Globex rachète Initech", true),
    t("acme OR globex", "Initech seule", false),
    t("acme NOT trail", "Acme boots", true),
    t("acme NOT trail", "the Acme trail", false),
    t("acme -trail", "Acme trail runners", false),
    t("acme -trail", "Acme chaussures", true),
    t("acme -\"acme trail\"", "Acme sur le Acme trail", false),
    t(
        "(acme OR globex) (rappel OR recall)",
        "Globex recall notice",
        true,
    ),
    t(
        "(acme OR globex) (rappel OR recall)",
        "Globex new CEO",
        false,
    ),
    t("acme OR globex rappel", "Acme tout court", true),
    t("acme OR globex rappel", "Globex tout court", false),
    t("acme NOT (trail OR randonnée)", "Acme randonnee", false),
    t("and OR not", "a word and another", true),
    // Phrases.
    t(
        "\"service client\" acme",
        "Le service client d'Acme ne répond plus",
        true,
    ),
    t(
        "\"service client\" acme",
        "Le client du service Acme",
        false,
    ),
    t(
        "« service client » acme",
        "Acme : SERVICE CLIENT saturé",
        true,
    ),
    // NEAR / ONEAR.
    t("acme NEAR/3 rappel", "Acme lance un rappel", true),
    t("acme NEAR/3 rappel", "rappel massif chez Acme", true),
    t("acme NEAR/1 rappel", "Acme lance un grand rappel", false),
    t("acme NEAR/3 rappel", "Acme lance un grand rappel", true),
    t(
        "acme NEAR/2 rappel",
        "Acme a dit. Le lendemain, après une longue réunion, vint le rappel",
        false,
    ),
    t("acme ONEAR/3 rappel", "Acme lance un rappel", true),
    t("acme ONEAR/3 rappel", "rappel chez Acme", false),
    t(
        "\"acme corp\" NEAR/2 recall",
        "the Acme Corp toaster recall",
        true,
    ),
    t("acme NEAR/2 fire", "Acme toaster on fire", true),
    t("acme NEAR/2 rappel", "rappel massif chez l'Acmé", true),
    t(
        "acme NEAR/3 (rappel OR recall OR incendie)",
        "Acme annonce un incendie",
        true,
    ),
    t(
        "acme NEAR/3 (rappel OR recall OR incendie)",
        "Acme annonce une bonne nouvelle, pas un rappel",
        false,
    ),
    t(
        "(acme OR \"acme corp\") ONEAR/2 (recall OR fire)",
        "the Acme Corp toaster fire",
        true,
    ),
    t("acme NEAR/1 rappel", "rappel massif chez l'Acmé", false),
    t("acme NEAR/5 fire", "Fire at the Acme plant", true),
    // Wildcards.
    t("toast*", "the new toasters are here", true),
    t("toast*", "toast for breakfast", true),
    t("toast*", "a pre-toast step", true),
    t("toast*", "untoasted bread", false),
    t("grill*", "les grille-pain Acme", true),
    t("écolo*", "un produit ÉCOLOGIQUE", true),
    // Field scopes.
    titled("title:acme", "Acme rappelle", "rien ici", true),
    titled("title:acme", "Rien ici", "Acme rappelle", false),
    titled("text:acme", "Acme rappelle", "rien ici", false),
    titled("text:acme", "Rien", "Acme rappelle", true),
    titled("title:(acme OR globex) rappel", "Globex", "un rappel", true),
    at(
        "acme site:example.com",
        "https://news.example.com/a",
        "Acme",
        true,
    ),
    at(
        "acme site:example.com",
        "https://example.com/a",
        "Acme",
        true,
    ),
    at(
        "acme site:example.com",
        "https://notexample.com/a",
        "Acme",
        false,
    ),
    at(
        "acme -site:forum.example.com",
        "https://forum.example.com/t/1",
        "Acme",
        false,
    ),
    at(
        "acme -site:forum.example.com",
        "https://news.example.com/1",
        "Acme",
        true,
    ),
    in_lang("acme lang:fr", "fr", "Acme recrute", true),
    in_lang("acme lang:fr", "en", "Acme hires", false),
    in_lang("acme (lang:fr OR lang:en)", "en", "Acme hires", true),
    // Case-sensitive terms.
    t("case:Orange", "Orange lance la 5G", true),
    t("case:Orange", "I love orange juice", false),
    t("case:Orange", "ORANGE lance la 5G", false),
    t("case:\"Orange Business\" OR orange*", "des oranges", true),
    t(
        "case:Orange (5G OR forfait)",
        "Le forfait Orange augmente",
        true,
    ),
    t(
        "case:Orange (5G OR forfait)",
        "Le forfait orange augmente",
        false,
    ),
    t("case:Crédit", "le crédit baisse", false),
    t("case:Crédit", "Crédit du Nord", true),
    t("case:Crédit", "Credit du Nord", true),
    // A hyphen or an apostrophe joining two words of the text matches a space in a phrase,
    // and a hyphen in the query matches a space in the text.
    t("\"Crédit Agricole\"", "crédit-agricole en panne ?", true),
    t(
        "\"service client\"",
        "Le Service-Client ne répond pas",
        true,
    ),
    t("\"crédit-agricole\"", "Le Crédit Agricole recrute", true),
    t("\"crédit-agricole\"", "Le Crédit-Agricole recrute", true),
    t("\"aujourd hui\"", "Acme, aujourd'hui en grève", true),
    t("\"l oreal\"", "L’Oréal rachète Acme", true),
    t("case:\"Crédit Agricole\"", "le Crédit-Agricole", true),
    t("case:\"Crédit Agricole\"", "le crédit-agricole", false),
    // Not across other punctuation, nor into one word.
    t("\"service client\"", "service, client", false),
    t("\"service client\"", "serviceclient", false),
    // The elision rule stands: "reilly" is not a word of "O'Reilly".
    t("reilly", "O'Reilly Media", false),
];

fn brand_from_query(q: &str) -> Brand {
    let query = query::parse(q).unwrap_or_else(|e| panic!("{}", e.show(q)));
    Brand {
        name: "B".into(),
        aliases: vec![],
        exclude: vec![],
        query: Some(query),
    }
}

#[test]
fn the_case_table() {
    assert!(CASES.len() >= 80, "{} cases", CASES.len());
    let mut wrong = Vec::new();
    for c in CASES {
        let m = Matcher::new(&[brand_from_query(c.query)]);
        let item = ItemView {
            title: c.title,
            text: c.text,
            url: c.url,
            lang: c.lang,
        };
        let hit = !m.match_item(&item, None).is_empty();
        if hit != c.hit {
            wrong.push(format!(
                "{:?} on {:?} / {:?}: expected {}",
                c.query, c.title, c.text, c.hit
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases wrong:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}

#[test]
fn all_cases_in_one_matcher_give_the_same_answers() {
    // One automaton for all queries must answer each brand exactly as its own matcher does.
    let brands: Vec<Brand> = CASES
        .iter()
        .enumerate()
        .map(|(i, c)| Brand {
            name: format!("b{i}"),
            ..brand_from_query(c.query)
        })
        .collect();
    let m = Matcher::new(&brands);
    for (i, c) in CASES.iter().enumerate() {
        let item = ItemView {
            title: c.title,
            text: c.text,
            url: c.url,
            lang: c.lang,
        };
        let only = vec![format!("b{i}")];
        assert_eq!(
            !m.match_item(&item, Some(&only)).is_empty(),
            c.hit,
            "{:?} on {:?}",
            c.query,
            c.text
        );
    }
}

#[test]
fn names_and_aliases_are_a_shorthand_for_phrases() {
    let b = Brand {
        name: "Crédit Agricole".into(),
        aliases: vec!["CA Bank".into()],
        exclude: vec!["crédit agricole du sud".into()],
        query: None,
    };
    assert_eq!(
        b.effective_query().to_string(),
        "\"Crédit Agricole\" OR \"CA Bank\""
    );
    let m = Matcher::new(&[b]);
    let hit = |text: &str| {
        !m.match_item(
            &ItemView {
                text,
                ..Default::default()
            },
            None,
        )
        .is_empty()
    };
    assert!(hit("le CRÉDIT AGRICOLE recrute"));
    assert!(hit("ca bank closes branches"));
    assert!(!hit("le crédit agricole du Sud recrute"), "excluded");
    assert!(!hit("crédit immobilier agricole"));
}

#[test]
fn evidence_points_at_the_original_words() {
    let m = Matcher::new(&[brand_from_query("acme* NEAR/3 rappel -trail")]);
    let text = "Grand RAPPEL chez ACMÉ-Industries : l’ACME Turbo est concerné.";
    let hits = m.match_item(
        &ItemView {
            title: "Acme",
            text,
            ..Default::default()
        },
        None,
    );
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(h.matched_terms, ["acme*", "rappel"]);
    let shown: Vec<&str> = h
        .evidence
        .iter()
        .filter(|e| e.field == vigie::analyze::matcher::Field::Text)
        .map(|e| &text[e.range.clone()])
        .collect();
    assert_eq!(shown, ["RAPPEL", "ACMÉ", "ACME"]);
    assert!(
        h.snippet.starts_with("Grand RAPPEL chez ACMÉ"),
        "{}",
        h.snippet
    );
}

#[test]
fn a_short_item_whose_feed_declares_no_language_gets_one() {
    use vigie::service::poll::item_language;
    for (title, text, lang) in [
        ("Acme en panne ?", "", "fr"),
        ("Acme annonce 300 licenciements", "", "fr"),
        (
            "Salmonelle : Acme retire ses camemberts des rayons",
            "",
            "fr",
        ),
        ("Acme is down again", "", "en"),
        ("Acme recalls 40,000 kettles", "", "en"),
    ] {
        assert_eq!(item_language(title, text).as_deref(), Some(lang), "{title}");
    }
}

#[tokio::test]
async fn a_lang_filter_keeps_items_of_a_feed_without_a_language() {
    let s = common::setup_watchlist(
        "[[brand]]\nname = \"Acme\"\nquery = 'acme lang:fr'\n\n[[source]]\nurl = \"FEED\"\n",
    );
    let feed = s.dir.path().join("feed.xml");
    // An RSS feed with no <language>: one French item, one English.
    common::write(
        &feed,
        &common::rss(&[
            ("a", "Acme en panne ?", "Plus rien ne marche"),
            ("b", "Acme is down again", "Nothing works"),
        ]),
    );
    let url = url::Url::from_file_path(&feed).unwrap().to_string();
    let w = s.dir.path().join("w/main.toml");
    let text = std::fs::read_to_string(&w).unwrap().replace("FEED", &url);
    common::write(&w, &text);
    let p = common::poller(&s, jiff::Timestamp::now());
    p.poll_all(jiff::Timestamp::now(), |_| {}).await;
    let stored = p
        .with_store(|st| {
            st.mentions(&vigie::store::MentionQuery {
                limit: 10,
                ..Default::default()
            })
        })
        .await
        .unwrap();
    let titles: Vec<&str> = stored.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles, ["Acme en panne ?"]);
    assert_eq!(stored[0].lang.as_deref(), Some("fr"));
}
