//! Finding brands in items.
//!
//! A brand is a [`Query`] (see [`query`]): its own `query`, or the shorthand `"name" OR
//! "alias"...`, with its excluded terms as a veto. Every distinct term of every brand is
//! folded (see [`fold`]) and compiled into **one** Aho-Corasick automaton. Matching an item
//! folds its title and text once, scans them once, and evaluates only the brands whose terms
//! occurred, so the cost of a text does not grow with the number of brands.
//!
//! Evaluation order, per occurrence: word boundaries (with French elisions), then the term's
//! field scope, then (for `case:` terms only) the original spelling. `NEAR` distances count
//! words between the two terms. Results carry evidence: the terms that matched, their byte
//! ranges in the original title or text, and a snippet centred on the first hit in the text.

use std::ops::Range;

use aho_corasick::AhoCorasick;

pub use crate::settings::query::{Query, QueryError, Scope, Term, TermKind};
use crate::text::fold_to;

mod compile;
mod eval;
pub mod snippet;
#[cfg(test)]
mod tests;

use compile::CBrand;
pub use snippet::snippet;

/// Where a hit was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Text,
}

/// One occurrence of a term that made a brand match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub field: Field,
    /// The term as written in the watchlist (a wildcard as `acme*`).
    pub term: String,
    /// Byte range in the original title or text.
    pub range: Range<usize>,
    /// Whether the term is the brand's name or an alias (rather than a topic word of its
    /// query): a name says nothing about sentiment ("Bonne Maman", "Happy Cow").
    pub is_name: bool,
}

/// A brand found in an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub brand: String,
    /// Distinct terms that matched, in order of first appearance (title first).
    pub matched_terms: Vec<String>,
    /// Every occurrence of those terms, title first.
    pub evidence: Vec<Evidence>,
    /// About [`SNIPPET_CHARS`] characters of text around the first hit.
    pub snippet: String,
}

/// Target length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// What matching looks at in an item.
#[derive(Debug, Clone, Copy, Default)]
pub struct ItemView<'a> {
    pub title: &'a str,
    pub text: &'a str,
    /// The item's link, for `site:`.
    pub url: Option<&'a str>,
    /// ISO 639-1 code, for `lang:`.
    pub lang: Option<&'a str>,
}

/// The compiled matcher for a set of brands.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Finds the patterns' keys (their first [`KEY_BYTES`]).
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern (a key): the patterns that start with it.
    keyed: Vec<Vec<u32>>,
    /// Per pattern: its folded text, when longer than its key (checked where the key is
    /// found); empty when the key is the whole pattern.
    whole: Vec<String>,
    /// Per pattern: whether it is a word prefix (`acm*`) rather than a whole word or phrase.
    prefix: Vec<bool>,
    /// Per pattern: the brands using it (sorted, distinct).
    users: Vec<Vec<u32>>,
    /// Per pattern: the pattern it stands for (itself, or the phrase it is an apostrophe
    /// variant of).
    canonical: Vec<u32>,
    brands: Vec<CBrand>,
    /// Whether a brand's query says `lang:`: items then need their language before
    /// matching, not only once they match.
    uses_lang: bool,
    /// Per pattern, for a search ([`Matcher::for_search`]): the words' stems, compared
    /// word by word where the pattern's key is found. Empty for brands.
    stemmed: Vec<Option<Stemmed>>,
}

/// A term compared by stems: its words' stems (the last one kept whole when the term is a
/// prefix, `roue voil*`) and what the term put between them.
#[derive(Debug, Clone)]
pub(super) struct Stemmed {
    words: Vec<String>,
    /// Between word `i` and `i + 1`: spaces and apostrophes (any run of them matches) or
    /// other punctuation (matched as written).
    seps: Vec<String>,
    last_prefix: bool,
}

impl Matcher {
    /// Whether some brand's query depends on the item's language (`lang:`).
    pub fn uses_lang(&self) -> bool {
        self.uses_lang
    }

    /// Number of distinct patterns in the automaton.
    pub fn pattern_count(&self) -> usize {
        // Apostrophe variants of a phrase are the same pattern.
        self.canonical
            .iter()
            .enumerate()
            .filter(|(i, c)| *i == **c as usize)
            .count()
    }

    /// Heap memory used by the automaton, in bytes.
    pub fn memory_usage(&self) -> usize {
        self.automaton.as_ref().map_or(0, AhoCorasick::memory_usage)
    }

    /// Finds the brands mentioned in an item, restricted to `only` when given (the brands of
    /// the watchlists that list the item's source). Results are in brand order.
    pub fn match_item(&self, item: &ItemView<'_>, only: Option<&[String]>) -> Vec<Hit> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        // Folding buffers are reused across calls on a thread: matching is called for every
        // item of every poll, and most items match nothing.
        thread_local! {
            static SCRATCH: std::cell::RefCell<(String, String)> = const { std::cell::RefCell::new((String::new(), String::new())) };
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let (title_f, text_f) = &mut *scratch;
            fold_to(item.title, title_f);
            fold_to(item.text, text_f);
            crate::text::hyphens_as_spaces(title_f);
            crate::text::hyphens_as_spaces(text_f);
            self.match_folded(ac, item, title_f, text_f, only)
        })
    }
}

/// The word prefixes a text must hold, in its full-text index, for a search term to occur
/// in it as [`Matcher::for_search`] compares terms (by stems); `None` when the term has no
/// word.
pub fn index_prefixes(t: &Term) -> Option<Vec<String>> {
    let mut folded = crate::text::fold(&t.text);
    crate::text::hyphens_as_spaces(&mut folded);
    let st = Stemmed::of(&folded, t.kind == TermKind::Prefix)?;
    Some(
        st.index_prefixes()
            .into_iter()
            .map(str::to_string)
            .collect(),
    )
}

/// A case-sensitive term or the text it was found in, as they are compared: folded with
/// case kept, hyphens and apostrophes between words as spaces (the automaton already
/// matched them so).
pub(super) fn case_form(s: &str) -> String {
    let mut c = crate::text::fold_keep_case(s);
    crate::text::hyphens_as_spaces(&mut c);
    c.replace('\'', " ")
}
