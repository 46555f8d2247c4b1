//! Reputation risk beside sentiment: what kind of bad news a text reports, and how grave.
//!
//! Sentiment reads tone; news of a recall, a data breach or a lawsuit is often written in
//! neutral words ("X recalls 40,000 scooters", "X annonce 300 licenciements"). A French and
//! an English lexicon of reputational events (`data/fr.tsv`, `data/en.tsv`, see
//! `data/README.md`) give each term a [`Category`] and a severity (1 to 3). A text's risk is
//! the set of categories it reports and the gravest severity.
//!
//! Terms are compared folded (case and accents ignored), word by word, apostrophes and
//! hyphens splitting words (`l'usine`, `cyber-attaque`); a word ending in `*` matches any
//! word it starts (`licenci*`: licenciement, licenciements, licencie); a `_` between words
//! lets zero to three words in ("retir* _ des rayons": "retire ses camemberts des rayons").
//! A term is **negated**, and does not count, when a negation (`no`, `not`, `without`,
//! `denies`, `pas`, `aucun`, `sans`, `dément`...) stands in the three words before it in
//! the same clause: "no recall is planned", "aucun rappel n'est prévu".

use std::collections::HashMap;
use std::sync::OnceLock;

use super::sentiment::{Label, Lang};

pub use crate::settings::alerts::Category;

/// What a text reports: a set of categories and the gravest severity (0: no risk).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Risk {
    bits: u8,
    pub severity: u8,
}

impl Risk {
    pub fn none() -> Risk {
        Risk::default()
    }

    pub fn is_none(&self) -> bool {
        self.bits == 0
    }

    pub fn has(&self, c: Category) -> bool {
        self.bits & c.bit() != 0
    }

    pub fn categories(&self) -> Vec<Category> {
        Category::ALL.into_iter().filter(|c| self.has(*c)).collect()
    }

    /// This risk with `c` at `severity` added.
    pub fn with(mut self, c: Category, severity: u8) -> Risk {
        self.add(c, severity);
        self
    }

    /// Whether every category of `self` is in `other`.
    pub fn within(&self, other: &Risk) -> bool {
        self.bits & !other.bits == 0
    }

    fn add(&mut self, c: Category, severity: u8) {
        self.bits |= c.bit();
        self.severity = self.severity.max(severity);
    }

    /// As stored: category names joined by commas (`safety,legal`), `None` for no risk.
    pub fn to_stored(&self) -> Option<String> {
        (!self.is_none()).then(|| {
            self.categories()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
    }

    /// From the stored form (unknown names are skipped).
    pub fn from_stored(categories: Option<&str>, severity: u8) -> Risk {
        let mut r = Risk::none();
        for c in categories
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| Category::parse(s.trim()))
        {
            r.add(c, severity.max(1));
        }
        r
    }
}

/// Whether a mention counts as negative for the negativity detector: negative in tone, or
/// reporting a risk, whatever its tone ("X recalls 40,000 scooters" is neutral in words;
/// "a swift and exemplary recall" is still a recall).
pub fn counts_negative(label: Option<Label>, risk: &Risk) -> bool {
    label == Some(Label::Negative) || !risk.is_none()
}

/// The risk `text` reports, read with `lang`'s lexicon (both when the language is unknown).
pub fn assess(text: &str, lang: Option<Lang>) -> Risk {
    let words = words(text);
    let mut risk = Risk::none();
    let lexicons = Lexicons::get();
    let mut scan = |lex: &Lexicon| {
        for i in 0..words.len() {
            lex.at(&words, i, &mut |c, s| risk.add(c, s));
        }
    };
    match lang {
        Some(Lang::Fr) => scan(&lexicons.fr),
        Some(Lang::En) => scan(&lexicons.en),
        None => {
            scan(&lexicons.fr);
            scan(&lexicons.en);
        }
    }
    risk
}

/// A word of the text, folded, and whether a clause ends right after it.
#[derive(Debug)]
struct Word {
    text: String,
    clause_end: bool,
}

/// Folded words; apostrophes, hyphens and every other non-alphanumeric character split
/// words, and `. ! ? ; :` and line ends close a clause (a negation does not reach past).
fn words(text: &str) -> Vec<Word> {
    let folded = crate::text::fold(text);
    let mut out: Vec<Word> = Vec::new();
    let mut current = String::new();
    for c in folded.chars() {
        if c.is_alphanumeric() {
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            out.push(Word {
                text: std::mem::take(&mut current),
                clause_end: false,
            });
        }
        if matches!(c, '.' | '!' | '?' | ';' | ':' | '\n' | '|')
            && let Some(last) = out.last_mut()
        {
            last.clause_end = true;
        }
    }
    if !current.is_empty() {
        out.push(Word {
            text: current,
            clause_end: true,
        });
    }
    out
}

/// A word of a term.
#[derive(Debug, Clone)]
enum Part {
    Exact(String),
    Prefix(String),
    /// Zero to three words of anything.
    Gap,
}

impl Part {
    fn matches(&self, w: &str) -> bool {
        match self {
            Part::Exact(e) => w == e,
            Part::Prefix(p) => w.starts_with(p.as_str()),
            Part::Gap => true,
        }
    }
}

#[derive(Debug, Clone)]
struct Term {
    parts: Vec<Part>,
    category: Category,
    severity: u8,
}

/// Most words a `_` lets in.
const GAP: usize = 3;
/// How many words before a term a negation reaches.
const NEGATION_REACH: usize = 3;

#[derive(Debug, Default)]
struct Lexicon {
    /// Terms by their first word, when it is exact.
    exact: HashMap<String, Vec<Term>>,
    /// Terms whose first word is a prefix, by the prefix's first four characters.
    prefix: HashMap<String, Vec<Term>>,
    negations: Vec<Vec<String>>,
}

impl Lexicon {
    fn parse(data: &str, negations: &[&str]) -> Lexicon {
        let mut lex = Lexicon {
            negations: negations
                .iter()
                .map(|n| n.split(' ').map(str::to_string).collect())
                .collect(),
            ..Lexicon::default()
        };
        let mut category = None;
        for line in data.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                category = Category::parse(name);
                continue;
            }
            let (Some(c), Some((sev, term))) = (category, line.split_once('\t')) else {
                continue;
            };
            let Ok(severity) = sev.trim().parse::<u8>() else {
                continue;
            };
            let parts: Vec<Part> = crate::text::fold(term)
                .split(|ch: char| !(ch.is_alphanumeric() || ch == '*' || ch == '_'))
                .filter(|w| !w.is_empty())
                .map(|w| {
                    if w == "_" {
                        Part::Gap
                    } else if let Some(p) = w.strip_suffix('*') {
                        Part::Prefix(p.to_string())
                    } else {
                        Part::Exact(w.to_string())
                    }
                })
                .collect();
            let t = Term {
                parts,
                category: c,
                severity: severity.clamp(1, 3),
            };
            match t.parts.first() {
                Some(Part::Exact(w)) => lex.exact.entry(w.clone()).or_default().push(t),
                Some(Part::Prefix(p)) => {
                    let key: String = p.chars().take(4).collect();
                    lex.prefix.entry(key).or_default().push(t)
                }
                _ => {}
            }
        }
        lex
    }

    /// Calls `found` for each term starting at word `i` that is not negated.
    fn at(&self, words: &[Word], i: usize, found: &mut dyn FnMut(Category, u8)) {
        let w = &words[i].text;
        let key: String = w.chars().take(4).collect();
        let candidates = self
            .exact
            .get(w.as_str())
            .into_iter()
            .chain(self.prefix.get(&key))
            .flatten();
        let mut negated = None;
        for t in candidates {
            if !t.parts[0].matches(w) || !rest_matches(&t.parts[1..], words, i + 1) {
                continue;
            }
            if *negated.get_or_insert_with(|| self.negated(words, i)) {
                continue;
            }
            found(t.category, t.severity);
        }
    }

    /// Whether a negation stands in the few words before `i`, in the same clause.
    fn negated(&self, words: &[Word], i: usize) -> bool {
        let from = i.saturating_sub(NEGATION_REACH + 1);
        // Only words of the same clause.
        let start = (from..i)
            .rev()
            .find(|&j| words[j].clause_end)
            .map_or(from, |j| j + 1);
        (start..i).any(|j| {
            self.negations.iter().any(|n| {
                j + n.len() <= i
                    && n.iter()
                        .enumerate()
                        .all(|(k, part)| words[j + k].text == *part)
            })
        })
    }
}

/// Whether `parts` match the words from `at` on (a term does not run past a clause end).
fn rest_matches(parts: &[Part], words: &[Word], at: usize) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return true;
    };
    if at > 0 && words[at - 1].clause_end {
        return false;
    }
    match first {
        Part::Gap => (0..=GAP).any(|skip| {
            (at..at + skip).all(|k| k < words.len() && !words[k].clause_end)
                && rest_matches(rest, words, at + skip)
        }),
        p => at < words.len() && p.matches(&words[at].text) && rest_matches(rest, words, at + 1),
    }
}

struct Lexicons {
    fr: Lexicon,
    en: Lexicon,
}

/// English negations (with the halves `isn't` splits into) and words that deny or rule out.
const EN_NEGATIONS: &[&str] = &[
    "no",
    "not",
    "never",
    "without",
    "nor",
    "none",
    "isn",
    "aren",
    "wasn",
    "weren",
    "doesn",
    "don",
    "didn",
    "won",
    "hasn",
    "haven",
    "hadn",
    "cannot",
    "denies",
    "deny",
    "denied",
    "rules out",
    "ruled out",
    "rule out",
    "false",
    "unfounded",
];

/// French negations and words that deny or rule out.
const FR_NEGATIONS: &[&str] = &[
    "pas",
    "aucun",
    "aucune",
    "sans",
    "jamais",
    "ni",
    "nullement",
    "dement",
    "dementi",
    "dementent",
    "ecarte",
    "exclut",
    "faux",
    "fausse",
    "infonde",
    "infondee",
];

impl Lexicons {
    fn get() -> &'static Lexicons {
        static L: OnceLock<Lexicons> = OnceLock::new();
        L.get_or_init(|| Lexicons {
            fr: Lexicon::parse(include_str!("data/fr.tsv"), FR_NEGATIONS),
            en: Lexicon::parse(include_str!("data/en.tsv"), EN_NEGATIONS),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats(text: &str, lang: Lang) -> Vec<&'static str> {
        assess(text, Some(lang))
            .categories()
            .iter()
            .map(|c| c.as_str())
            .collect()
    }

    #[test]
    fn every_lexicon_line_is_read() {
        for (data, lex) in [
            (include_str!("data/fr.tsv"), &Lexicons::get().fr),
            (include_str!("data/en.tsv"), &Lexicons::get().en),
        ] {
            let lines = data
                .lines()
                .filter(|l| {
                    let l = l.trim();
                    !l.is_empty() && !l.starts_with('#') && !l.starts_with('[')
                })
                .count();
            let read: usize = lex
                .exact
                .values()
                .chain(lex.prefix.values())
                .map(Vec::len)
                .sum();
            assert_eq!(read, lines, "a line of a risk lexicon is malformed");
        }
    }

    #[test]
    fn prefixes_gaps_and_clauses() {
        assert_eq!(cats("Acme annonce 300 licenciements", Lang::Fr), ["social"]);
        assert_eq!(
            cats(
                "Salmonelle : Acme retire ses camemberts des rayons",
                Lang::Fr
            ),
            ["safety"]
        );
        // A negation in another clause does not reach.
        assert_eq!(
            cats("No comment. Acme recalls its kettles", Lang::En),
            ["safety"]
        );
        assert!(cats("Acme says no recall is planned", Lang::En).is_empty());
        assert_eq!(cats("Fuite de données chez Acme", Lang::Fr), ["data"]);
        assert!(cats("Acme dément toute fuite de données", Lang::Fr).is_empty());
    }

    #[test]
    fn stored_form_round_trips() {
        let r = assess(
            "Acme recalls kettles after fires; regulators open an investigation",
            Some(Lang::En),
        );
        assert_eq!(r.to_stored().as_deref(), Some("safety,legal"));
        assert_eq!(Risk::from_stored(r.to_stored().as_deref(), r.severity), r);
        assert_eq!(Risk::from_stored(None, 0), Risk::none());
    }
}
