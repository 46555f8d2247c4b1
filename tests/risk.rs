//! Reputation risk on headlines written for these tests (`fixtures/risk/headlines.tsv`):
//! bad news in neutral words is read as a risk of the right kind and counts as negative;
//! negated risks, false friends and good news do not.

use vigie::analyze::matcher::{Evidence, Field};
use vigie::analyze::risk::{self, Category};
use vigie::analyze::sentiment::{self, Lang};

struct Case {
    lang: Lang,
    categories: Vec<Category>,
    bad: bool,
    headline: String,
}

fn cases() -> Vec<Case> {
    include_str!("fixtures/risk/headlines.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "malformed fixture line: {l}");
            Case {
                lang: Lang::from_code(f[0]).unwrap(),
                categories: if f[1] == "-" {
                    Vec::new()
                } else {
                    f[1].split(',').map(|c| c.parse().unwrap()).collect()
                },
                bad: f[2] == "bad",
                headline: f[3].to_string(),
            }
        })
        .collect()
}

#[test]
fn headlines_get_their_risk_and_bad_news_counts_as_negative() {
    let cases = cases();
    for lang in [Lang::Fr, Lang::En] {
        let n = cases.iter().filter(|c| c.lang == lang).count();
        assert!(n >= 60, "{n} {lang:?} headlines");
    }
    let mut wrong = Vec::new();
    for c in &cases {
        // As a mention of an item without a declared language is read.
        let (s, r) = sentiment::read_mention(&c.headline, "", &[], None);
        let got = r.categories();
        let negative = risk::counts_negative(Some(s.label), &r);
        if s.lang != Some(c.lang) {
            wrong.push(format!("read as {:?}: {}", s.lang, c.headline));
        }
        if got != c.categories || negative != c.bad {
            wrong.push(format!(
                "{:?} {:?} (score {:+.2}, counts negative: {negative}): {}",
                got, r.severity, s.score, c.headline
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} headlines read wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn risk_is_read_in_the_brands_sentences_only() {
    // The brand is in the second sentence; the risk in the fourth is about someone else.
    let text = "Marché calme cette semaine. Acme ouvre un magasin à Nantes. \
                Les clients sont ravis. Ailleurs, un concurrent annonce 300 licenciements.";
    let at = text.find("Acme").unwrap();
    let evidence = [Evidence {
        field: Field::Text,
        term: "acme".into(),
        range: at..at + 4,
        is_name: true,
    }];
    let (_, r) = sentiment::read_mention("Actualités du commerce", text, &evidence, Some("fr"));
    assert!(r.is_none(), "{:?}", r.categories());
}
