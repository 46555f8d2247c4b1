//! Searching stored mentions with the watchlist query language (`vigie mentions --search`).
//!
//! The query is parsed by the watchlists' parser (same operators, same errors with their
//! position), then run in two steps: the full-text index narrows the mentions to those
//! holding the words the query needs ([`Search::index_query`], an FTS5 expression of word
//! prefixes), and the matcher, comparing words by their stems ([`Matcher::for_search`]),
//! decides on each candidate with the whole query: phrases, `NEAR`, `title:`, `-word`,
//! `site:`, `lang:`. So `frein` finds "freins", `allergene` "allergènes", and
//! `arachide -sablés` leaves out what says "sablés".

use crate::analyze::matcher::{ItemView, Matcher, index_prefixes};
use crate::settings::query::{self, Query, QueryError, Term};

/// A parsed search.
#[derive(Debug, Clone)]
pub struct Search {
    matcher: Matcher,
    index: Option<String>,
    /// The same as a PostgreSQL `tsquery`.
    tsquery: Option<String>,
    /// The words it looks for (not those it excludes), to highlight them.
    words: Vec<String>,
}

impl Search {
    /// Parses a search as a watchlist query.
    pub fn parse(text: &str) -> Result<Search, QueryError> {
        let q = query::parse(text)?;
        let mut words = Vec::new();
        wanted_words(&q, &mut words);
        Ok(Search {
            matcher: Matcher::for_search(&q),
            index: index_expr(&q, &FTS5),
            tsquery: index_expr(&q, &TSQUERY),
            words,
        })
    }

    /// The words and phrases it looks for, as written (not those after `-` or `NOT`).
    pub fn words(&self) -> Vec<String> {
        self.words.clone()
    }

    /// An FTS5 expression every mention the search finds satisfies (it may find more);
    /// `None` when the index cannot narrow it (only `site:`, for instance).
    pub fn index_query(&self) -> Option<&str> {
        self.index.as_deref()
    }

    /// The same expression as a PostgreSQL `tsquery` of word prefixes, for the `words`
    /// column (every word unaccented and lower-cased, split where SQLite's index splits).
    pub fn tsquery(&self) -> Option<&str> {
        self.tsquery.as_deref()
    }

    /// Whether a mention is found by the search.
    pub fn matches(&self, item: &ItemView<'_>) -> bool {
        !self.matcher.match_item(item, None).is_empty()
    }
}

fn wanted_words(q: &Query, out: &mut Vec<String>) {
    match q {
        Query::Term(t) => out.push(t.text.clone()),
        Query::Site(_) | Query::Lang(_) | Query::Not(_) => {}
        Query::And(v) | Query::Or(v) => v.iter().for_each(|q| wanted_words(q, out)),
        Query::Near { left, right, .. } => {
            out.extend(left.iter().chain(right).map(|t| t.text.clone()))
        }
    }
}

/// How an index writes its expressions: SQLite's FTS5 or PostgreSQL's `tsquery`.
struct Dialect {
    and: &'static str,
    or: &'static str,
    /// A word prefix, quoted so that it cannot be read as an operator.
    prefix: fn(&str) -> String,
}

const FTS5: Dialect = Dialect {
    and: " AND ",
    or: " OR ",
    prefix: |p| format!("\"{}\"*", p.replace('"', "\"\"")),
};

const TSQUERY: Dialect = Dialect {
    and: " & ",
    or: " | ",
    prefix: |p| format!("'{}':*", p.replace('\\', "\\\\").replace('\'', "''")),
};

/// The index expression a query needs. Negations, `site:` and `lang:` narrow nothing (they
/// are left to the matcher); an OR narrows only when each branch does.
fn index_expr(q: &Query, d: &Dialect) -> Option<String> {
    match q {
        Query::Term(t) => term_expr(t, d),
        Query::Site(_) | Query::Lang(_) | Query::Not(_) => None,
        Query::And(v) => all(v.iter().filter_map(|q| index_expr(q, d)).collect(), d),
        Query::Or(v) => {
            let parts: Option<Vec<String>> = v.iter().map(|q| index_expr(q, d)).collect();
            parts.map(|p| format!("({})", p.join(d.or)))
        }
        Query::Near { left, right, .. } => {
            let side = |terms: &[Term]| -> Option<String> {
                let parts: Option<Vec<String>> = terms.iter().map(|t| term_expr(t, d)).collect();
                parts.map(|p| format!("({})", p.join(d.or)))
            };
            all([side(left), side(right)].into_iter().flatten().collect(), d)
        }
    }
}

fn all(parts: Vec<String>, d: &Dialect) -> Option<String> {
    (!parts.is_empty()).then(|| format!("({})", parts.join(d.and)))
}

/// Letters the index (SQLite's `unicode61` tokenizer, which removes accents but spells out
/// no ligature) keeps as they are while Vigie folds them: a term holding one is not narrowed
/// by the index.
const UNFOLDED_BY_INDEX: &[char] = &['ø', 'Ø', 'ł', 'Ł', 'ß', 'ı', 'ĳ', 'Ĳ'];

/// A term as index tokens: every word's prefix, `oe`/`ae` also as `œ`/`æ` and `ss` also as
/// `ß`, since the index keeps those letters ("œuf" is indexed as `œuf`, searched as `oeuf`;
/// "Straße" as `straße`, searched as `strasse`; PostgreSQL's `unaccent` spells them out,
/// where the variant is harmless).
fn term_expr(t: &Term, d: &Dialect) -> Option<String> {
    if t.text.contains(UNFOLDED_BY_INDEX) {
        return None;
    }
    let mut tokens = Vec::new();
    for prefix in index_prefixes(t)? {
        // The index splits words where Vigie does (letters and digits), so each prefix is
        // one token; quoted, it cannot be read as an operator.
        let mut variants = vec![prefix.clone()];
        for (plain, ligature) in [("oe", "œ"), ("ae", "æ"), ("ss", "ß")] {
            if prefix.contains(plain) {
                variants.push(prefix.replace(plain, ligature));
            }
        }
        // A prefix may end between the two letters of `ss` ("strasse" is asked as `stras`).
        if let Some(stem) = prefix.strip_suffix('s').filter(|s| !s.ends_with('s')) {
            variants.push(format!("{stem}ß"));
        }
        let alts: Vec<String> = variants.iter().map(|v| (d.prefix)(v)).collect();
        tokens.push(if alts.len() == 1 {
            alts.into_iter().next().unwrap_or_default()
        } else {
            format!("({})", alts.join(d.or))
        });
    }
    all(tokens, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(search: &str, title: &str, text: &str) -> bool {
        Search::parse(search).expect(search).matches(&ItemView {
            title,
            text,
            url: Some("https://forum.example.fr/t/1"),
            lang: Some("fr"),
        })
    }

    #[test]
    fn terms_match_by_stem_and_the_query_decides() {
        assert!(found("frein", "Les freins lâchent", ""));
        assert!(found("allergene", "", "présence d'allergènes non déclarés"));
        assert!(found("l'allergène", "", "traces d'allergènes"));
        assert!(found(
            "\"roue voilée\"",
            "",
            "deux roues voilées en un mois"
        ));
        assert!(!found("\"roue voilée\"", "", "une roue. Voilée, la selle"));
        assert!(found("rappel*", "", "rappelons les faits"));
        assert!(found("Velocita AND freins", "Velocita : frein arrière", ""));
        assert!(!found("Velocita AND freins", "Velocita : selle", ""));
        assert!(found("freins OR allergie", "", "une allergie"));
        assert!(found("arachide -sablés", "", "traces d'arachide"));
        assert!(!found(
            "arachide -sablés",
            "",
            "sablés aux traces d'arachide"
        ));
        assert!(found("title:rappel", "Rappel de sablés", "rien"));
        assert!(!found("title:rappel", "Sablés", "un rappel"));
        assert!(found("site:example.fr frein", "frein", ""));
        assert!(!found("site:autre.fr frein", "frein", ""));
        assert!(found(
            "frein NEAR/3 voilée",
            "",
            "le frein et la roue voilée"
        ));
        assert!(!found(
            "frein NEAR/2 voilée",
            "",
            "le frein et la roue voilée"
        ));
        assert!(!found("case:Velocita", "velocita", ""));
        assert!(found("case:Velocita", "Velocita", ""));
    }

    #[test]
    fn the_index_is_asked_for_what_the_query_needs() {
        let q = |s: &str| Search::parse(s).unwrap().index.clone();
        assert_eq!(q("freins").as_deref(), Some("(\"frein\"*)"));
        assert_eq!(q("allergènes").as_deref(), Some("(\"allergen\"*)"));
        assert_eq!(
            q("a AND (b OR c) -d").as_deref(),
            Some("((\"a\"*) AND ((\"b\"*) OR (\"c\"*)))")
        );
        assert_eq!(
            q("site:x.fr -d lang:fr frein").as_deref(),
            Some("((\"frein\"*))")
        );
        assert_eq!(q("oeuf").as_deref(), Some("((\"oeuf\"* OR \"œuf\"*))"));
        assert_eq!(
            q("strasse").as_deref(),
            Some("((\"stras\"* OR \"straß\"*))")
        );
        assert_eq!(
            q("Schlossallee").as_deref(),
            Some("((\"schlossa\"* OR \"schloßa\"*))")
        );
        assert_eq!(q("frein OR Øresund"), None);
        assert_eq!(q("Øresund"), None);
        // Operators are the query language's, never the index's.
        assert_eq!(q("\"NEAR\"").as_deref(), Some("(\"near\"*)"));
        // The same on PostgreSQL.
        let ts = |s: &str| Search::parse(s).unwrap().tsquery.clone();
        assert_eq!(
            ts("a AND (b OR c) -d").as_deref(),
            Some("(('a':*) & (('b':*) | ('c':*)))")
        );
        assert_eq!(ts("oeuf").as_deref(), Some("(('oeuf':* | 'œuf':*))"));
        assert_eq!(
            ts("\"roue voilée\"").as_deref(),
            Some("('rou':* & 'voil':*)")
        );
        assert_eq!(ts("frein OR Øresund"), None);
    }

    #[test]
    fn errors_point_where_the_query_goes_wrong() {
        let e = Search::parse("\"unclosed").unwrap_err();
        assert!(e.show("\"unclosed").contains('^'), "{e:?}");
        assert!(Search::parse("-sablés").is_err());
    }
}
