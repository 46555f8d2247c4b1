//! Finding brands in item text.
//!
//! Every brand's name, aliases and excluded terms are folded (see [`fold`]) and compiled into
//! one Aho-Corasick automaton, so the cost of matching a text grows with the text, not with
//! the number of brands. A brand matches an item when one of its terms occurs in the title or
//! text on word boundaries and none of its excluded terms occurs anywhere in the item.
//!
//! Results carry evidence: the configured terms that matched, their byte ranges in the
//! original (unfolded) text, and a snippet centred on the first hit.

pub mod fold;

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::watchlist::Brand;
use fold::{Folded, on_word_boundaries};

/// Where a hit was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Text,
}

/// One occurrence of a brand term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub field: Field,
    /// The term as written in the watchlist.
    pub term: String,
    /// Byte range in the original title or text.
    pub range: Range<usize>,
}

/// A brand found in an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub brand: String,
    /// Distinct watchlist terms that matched, in order of first appearance.
    pub matched_terms: Vec<String>,
    /// Every occurrence, title first.
    pub evidence: Vec<Evidence>,
    /// About [`SNIPPET_CHARS`] characters of text around the first hit.
    pub snippet: String,
}

/// Target length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

#[derive(Debug, Clone, Copy)]
enum Role {
    /// Term `term` of brand `brand` (0 = name, then aliases).
    Term { brand: usize, term: usize },
    /// Excluded term of brand `brand`.
    Exclude { brand: usize },
}

/// The compiled matcher for a set of brands.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern, everything it stands for (several brands may share one).
    roles: Vec<Vec<Role>>,
    brands: Vec<Brand>,
}

impl Matcher {
    /// Compiles the brands' terms. Terms that fold to the same text share one pattern.
    pub fn new(brands: &[Brand]) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut roles: Vec<Vec<Role>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |text: &str, role: Role| {
            let folded = fold::fold(text);
            let id = *index.entry(folded.clone()).or_insert_with(|| {
                patterns.push(folded);
                roles.push(Vec::new());
                patterns.len() - 1
            });
            roles[id].push(role);
        };
        for (b, brand) in brands.iter().enumerate() {
            for (t, term) in brand.terms().enumerate() {
                add(term, Role::Term { brand: b, term: t });
            }
            for x in &brand.exclude {
                add(x, Role::Exclude { brand: b });
            }
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .expect("folded literal patterns always compile")
        });
        Matcher {
            automaton,
            roles,
            brands: brands.to_vec(),
        }
    }

    /// The brands this matcher looks for.
    pub fn brands(&self) -> &[Brand] {
        &self.brands
    }

    /// Finds the brands mentioned in an item, restricted to `only` when given (the brands of
    /// the watchlists that list the item's source). Results are in brand order.
    pub fn match_item(&self, title: &str, text: &str, only: Option<&[String]>) -> Vec<Hit> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut found: Vec<Option<Vec<Evidence>>> = vec![None; self.brands.len()];
        let mut excluded = vec![false; self.brands.len()];
        for (field, original) in [(Field::Title, title), (Field::Text, text)] {
            let folded = Folded::new(original);
            for m in ac.find_overlapping_iter(&folded.text) {
                let range = m.start()..m.end();
                if !on_word_boundaries(&folded.text, &range) {
                    continue;
                }
                for role in &self.roles[m.pattern().as_usize()] {
                    match *role {
                        Role::Exclude { brand } => excluded[brand] = true,
                        Role::Term { brand, term } => {
                            let term = self.brands[brand].terms().nth(term).unwrap_or_default();
                            found[brand].get_or_insert_with(Vec::new).push(Evidence {
                                field,
                                term: term.to_string(),
                                range: folded.original_range(range.clone()),
                            });
                        }
                    }
                }
            }
        }
        let mut hits = Vec::new();
        for (b, evidence) in found.into_iter().enumerate() {
            let brand = &self.brands[b];
            let wanted = only.is_none_or(|names| names.iter().any(|n| n == &brand.name));
            let Some(mut evidence) = evidence.filter(|_| !excluded[b] && wanted) else {
                continue;
            };
            evidence.sort_by_key(|e| (e.field == Field::Text, e.range.start));
            let mut matched_terms: Vec<String> = Vec::new();
            for e in &evidence {
                if !matched_terms.contains(&e.term) {
                    matched_terms.push(e.term.clone());
                }
            }
            let first_in_text = evidence.iter().find(|e| e.field == Field::Text);
            let snippet = match first_in_text {
                Some(e) => snippet(text, e.range.clone(), SNIPPET_CHARS),
                None if !text.trim().is_empty() => snippet(text, 0..0, SNIPPET_CHARS),
                None => snippet(title, evidence[0].range.clone(), SNIPPET_CHARS),
            };
            hits.push(Hit {
                brand: brand.name.clone(),
                matched_terms,
                evidence,
                snippet,
            });
        }
        hits
    }
}

/// About `max_chars` characters of `text` around `hit`, cut at spaces where possible, with
/// `…` where text was cut, on one line.
pub fn snippet(text: &str, hit: Range<usize>, max_chars: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let hit_start = chars.partition_point(|&(i, _)| i < hit.start);
    let hit_end = chars.partition_point(|&(i, _)| i < hit.end).max(hit_start);
    let room = max_chars.saturating_sub(hit_end - hit_start);
    // A third of the room before the hit, the rest after: readers want what comes next.
    let mut start = hit_start.saturating_sub(room / 3);
    let mut end = (hit_end + room - (hit_start - start)).min(chars.len());
    if end - start < max_chars {
        start = end.saturating_sub(max_chars);
    }
    // Move the cuts to white space so no word is cut in half.
    if start > 0
        && let Some(p) = (start..hit_start).find(|&k| chars[k].1.is_whitespace())
    {
        start = p + 1;
    }
    if end < chars.len()
        && let Some(p) = (hit_end..end).rev().find(|&k| chars[k].1.is_whitespace())
    {
        end = p;
    }
    let byte = |k: usize| chars.get(k).map_or(text.len(), |c| c.0);
    let body: String = text[byte(start)..byte(end)]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&body);
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(name: &str, aliases: &[&str], exclude: &[&str]) -> Brand {
        Brand {
            name: name.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn brands_in(m: &Matcher, title: &str, text: &str) -> Vec<String> {
        m.match_item(title, text, None)
            .into_iter()
            .map(|h| h.brand)
            .collect()
    }

    #[test]
    fn case_accents_and_elisions() {
        let m = Matcher::new(&[brand("Acme", &[], &[]), brand("Crédit Agricole", &[], &[])]);
        assert_eq!(brands_in(&m, "", "Le rappel d’ACMÉ inquiète"), ["Acme"]);
        assert_eq!(brands_in(&m, "", "l'Acmé recrute"), ["Acme"]);
        assert_eq!(
            brands_in(&m, "", "au CREDIT   agricole ce matin"),
            ["Crédit Agricole"]
        );
        assert!(brands_in(&m, "", "crédit immobilier agricole").is_empty());
    }

    #[test]
    fn word_boundaries_hashtags_and_mentions() {
        let m = Matcher::new(&[brand("Acme", &[], &[])]);
        assert!(brands_in(&m, "", "acmeology is a science").is_empty());
        assert!(brands_in(&m, "", "the Pacme plan").is_empty());
        assert_eq!(brands_in(&m, "", "#acme trending"), ["Acme"]);
        assert_eq!(brands_in(&m, "", "thanks @Acme!"), ["Acme"]);
    }

    #[test]
    fn excluded_terms_veto_the_item() {
        let m = Matcher::new(&[brand("Acme", &[], &["acme trail"])]);
        assert!(brands_in(&m, "Hiking the Acme Trail", "Acme makes good boots").is_empty());
        assert_eq!(brands_in(&m, "Acme boots", "no trail here"), ["Acme"]);
    }

    #[test]
    fn aliases_report_the_terms_that_matched_with_original_ranges() {
        let m = Matcher::new(&[brand("Acme", &["Acme Corp", "ACM"], &[])]);
        let text = "Hier, ACME corp. a publié… Puis ACM a répondu.";
        let hits = m.match_item("Rien", text, None);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].matched_terms, ["Acme", "Acme Corp", "ACM"]);
        let ranges: Vec<&str> = hits[0]
            .evidence
            .iter()
            .map(|e| &text[e.range.clone()])
            .collect();
        assert_eq!(ranges, ["ACME", "ACME corp", "ACM"]);
    }

    #[test]
    fn restricted_to_the_sources_brands() {
        let m = Matcher::new(&[brand("Acme", &[], &[]), brand("Globex", &[], &[])]);
        let only = vec!["Globex".to_string()];
        let hits = m.match_item("", "Acme and Globex merge", Some(&only));
        assert_eq!(
            hits.iter().map(|h| h.brand.as_str()).collect::<Vec<_>>(),
            ["Globex"]
        );
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
        let words: Vec<&str> = s.trim_matches('…').split(' ').collect();
        for w in words {
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
}
