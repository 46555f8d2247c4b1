//! Tests of matching: terms, aliases, scopes, NEAR, anchors and snippets.

use super::compile::{anchors, compile};
use super::*;
use crate::settings::watchlist::Brand;

fn brand(name: &str, aliases: &[&str], exclude: &[&str]) -> Brand {
    Brand {
        name: name.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        exclude: exclude.iter().map(|s| s.to_string()).collect(),
        query: None,
    }
}

fn text(t: &str) -> ItemView<'_> {
    ItemView {
        text: t,
        ..Default::default()
    }
}

#[test]
fn aliases_report_the_terms_that_matched_with_original_ranges() {
    let m = Matcher::new(&[brand("Acme", &["Acme Corp", "ACM"], &[])]);
    let t = "Hier, ACME corp. a publié… Puis ACM a répondu.";
    let hits = m.match_item(
        &ItemView {
            title: "Rien",
            text: t,
            ..Default::default()
        },
        None,
    );
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].matched_terms, ["Acme", "Acme Corp", "ACM"]);
    let ranges: Vec<&str> = hits[0]
        .evidence
        .iter()
        .map(|e| &t[e.range.clone()])
        .collect();
    assert_eq!(ranges, ["ACME", "ACME corp", "ACM"]);
}

#[test]
fn long_terms_sharing_their_first_words_match_only_where_written_whole() {
    // Both aliases are longer than the automaton's key and share it: each must match
    // only its own full text, and a text holding just the shared start matches neither.
    let shared = "Coopérative laitière des producteurs réunis de la vallée";
    let a = format!("{shared} du Haut-Doubs");
    let b = format!("{shared} de la Loue");
    let m = Matcher::new(&[brand("Doubs", &[&a], &[]), brand("Loue", &[&b], &[])]);
    let found = |t: &str| -> Vec<String> {
        m.match_item(&text(t), None)
            .into_iter()
            .map(|h| h.brand)
            .collect()
    };
    assert_eq!(found(&format!("Grève à la {b} ce matin")), ["Loue"]);
    assert_eq!(
        found(&format!("La {} rappelle un lot", a.to_uppercase())),
        ["Doubs"]
    );
    assert!(found(&format!("La {shared} communique")).is_empty());
    assert!(
        found(&format!("La {a}s communique")).is_empty(),
        "a whole word only"
    );
}

#[test]
fn restricted_to_the_sources_brands() {
    let m = Matcher::new(&[brand("Acme", &[], &[]), brand("Globex", &[], &[])]);
    let only = vec!["Globex".to_string()];
    let hits = m.match_item(&text("Acme and Globex merge"), Some(&only));
    assert_eq!(
        hits.iter().map(|h| h.brand.as_str()).collect::<Vec<_>>(),
        ["Globex"]
    );
}

#[test]
fn a_brand_is_anchored_on_its_most_selective_required_terms() {
    let labels = |q: &str| -> Vec<String> {
        let mut terms = Vec::new();
        let c = compile(
            &crate::settings::query::parse(q).unwrap(),
            &mut |t: &Term| {
                terms.push(t.text.clone());
                terms.len() - 1
            },
        );
        let len = |t: usize| terms[t].len();
        let mut a: Vec<String> = anchors(&c, &len)
            .into_iter()
            .map(|t| terms[t].clone())
            .collect();
        a.sort();
        a
    };
    assert_eq!(labels("\"acme corp\" NEAR/3 recall"), ["acme corp"]);
    assert_eq!(labels("acme OR (initech rappel)"), ["acme", "initech"]);
    assert_eq!(labels("acme -trail site:example.com"), ["acme"]);
    assert_eq!(labels("(acme OR acmé) lang:fr"), ["acme", "acmé"]);
    // Still right when anchored: the brand is found through its anchor.
    let brands: Vec<Brand> = (0..50)
        .map(|i| Brand {
            query: Some(
                crate::settings::query::parse(&format!("\"brand{i}\" NEAR/3 recall")).unwrap(),
            ),
            ..brand(&format!("B{i}"), &[], &[])
        })
        .collect();
    let m = Matcher::new(&brands);
    let hits = m.match_item(&text("brand7 announces a recall"), None);
    assert_eq!(
        hits.iter().map(|h| h.brand.as_str()).collect::<Vec<_>>(),
        ["B7"]
    );
    assert_eq!(hits[0].matched_terms, ["brand7", "recall"]);
    assert!(m.match_item(&text("a recall, a recall"), None).is_empty());
}

#[test]
fn shared_terms_compile_once() {
    let m = Matcher::new(&[
        brand("Acme", &["ACME Corp"], &[]),
        brand("Acme Corp Europe", &["acme corp"], &[]),
    ]);
    assert_eq!(m.pattern_count(), 3);
}

#[test]
fn snippet_is_centred_on_the_first_hit_and_cut_between_words() {
    let filler = "lorem ipsum dolor sit amet ".repeat(30);
    let text = format!("{filler}ACME rappelle ses produits {filler}");
    let at = text.find("ACME").unwrap();
    let s = snippet(&text, at..at + 4, 120);
    assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
    assert!(s.contains("ACME rappelle ses produits"), "{s}");
    assert!(s.chars().count() <= 122, "{}", s.chars().count());
    for w in s.trim_matches('…').split(' ') {
        assert!(
            [
                "lorem", "ipsum", "dolor", "sit", "amet", "ACME", "rappelle", "ses", "produits"
            ]
            .contains(&w),
            "cut word {w:?} in {s}"
        );
    }
    assert_eq!(snippet("short ACME text", 6..10, 120), "short ACME text");
}
