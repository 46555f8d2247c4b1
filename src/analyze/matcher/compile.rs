//! Compiling brands' queries: every distinct folded term into one Aho-Corasick automaton
//! keyed on the terms' first bytes, and each query into a tree over those terms.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{Matcher, Query, Scope, Stemmed, Term, TermKind};
use crate::settings::watchlist::Brand;

/// A term compiled against the automaton.
#[derive(Debug, Clone)]
pub(super) struct CTerm {
    pub(super) pattern: usize,
    pub(super) scope: Scope,
    /// For `case:` terms, the term folded without lowercasing.
    pub(super) case: Option<String>,
    /// How to show it (`acme*`, `Crédit Agricole`).
    pub(super) label: String,
}

#[derive(Debug, Clone)]
pub(super) enum CQuery {
    Term(usize),
    Site(String),
    Lang(String),
    And(Vec<CQuery>),
    Or(Vec<CQuery>),
    Not(Box<CQuery>),
    Near {
        left: Vec<usize>,
        right: Vec<usize>,
        distance: u32,
        ordered: bool,
    },
}

#[derive(Debug, Clone)]
pub(super) struct CBrand {
    pub(super) name: String,
    /// The name and aliases, folded.
    pub(super) names: Vec<String>,
    pub(super) terms: Vec<CTerm>,
    pub(super) query: CQuery,
    /// Indices into `terms` of the excluded terms.
    pub(super) exclude: Vec<usize>,
}

/// Total length of the keys up to which they are compiled into a DFA.
const DFA_PATTERN_BYTES: usize = 256 * 1024;

/// The automaton holds each pattern's first 48 bytes (cut at a character boundary), the rest
/// being compared where the key is found: building an automaton costs time and memory by
/// the patterns' total length, and 40,000 terms of 200 characters (the watchlist caps) took
/// 2 GiB as a DFA, 430 MiB and 3 s as an NFA.
const KEY_BYTES: usize = 48;

/// The key of a folded pattern: its first [`KEY_BYTES`] at most, on a character boundary.
fn key_of(pattern: &str) -> &str {
    if pattern.len() <= KEY_BYTES {
        return pattern;
    }
    let mut end = KEY_BYTES;
    while !pattern.is_char_boundary(end) {
        end -= 1;
    }
    &pattern[..end]
}

impl Matcher {
    /// Compiles the brands' queries into one automaton.
    pub fn new(brands: &[Brand]) -> Self {
        Self::build(brands, false)
    }

    /// A matcher for one search query (as `vigie mentions --search` reads it): its terms
    /// are compared by their words' stems ([`crate::analyze::stem`]), except `case:` ones,
    /// so `frein` finds "freins"; a brand named `search` stands for the query.
    pub fn for_search(query: &Query) -> Self {
        let brand = Brand {
            name: "search".into(),
            aliases: Vec::new(),
            exclude: Vec::new(),
            query: Some(query.clone()),
        };
        Self::build(std::slice::from_ref(&brand), true)
    }

    fn build(brands: &[Brand], stem: bool) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut stemmed: Vec<Option<Stemmed>> = Vec::new();
        let mut prefix: Vec<bool> = Vec::new();
        let mut canonical: Vec<u32> = Vec::new();
        let mut index: std::collections::HashMap<(String, bool), usize> = Default::default();
        let mut compiled = Vec::with_capacity(brands.len());
        let mut uses_lang = false;
        for brand in brands {
            let mut terms: Vec<CTerm> = Vec::new();
            let mut add = |t: &Term| -> usize {
                let is_prefix = t.kind == TermKind::Prefix;
                let label = if is_prefix {
                    format!("{}*", t.text)
                } else {
                    t.text.clone()
                };
                let mut folded = crate::text::fold(&t.text);
                crate::text::hyphens_as_spaces(&mut folded);
                let by_stem = (stem && !t.case_sensitive)
                    .then(|| Stemmed::of(&folded, is_prefix))
                    .flatten();
                if let Some(st) = by_stem {
                    let pattern = *index
                        .entry((format!("~{folded}"), is_prefix))
                        .or_insert_with(|| {
                            let id = patterns.len();
                            patterns.push(st.key().to_string());
                            prefix.push(true);
                            canonical.push(id as u32);
                            stemmed.push(Some(st));
                            id
                        });
                    terms.push(CTerm {
                        pattern,
                        scope: t.scope,
                        case: None,
                        label,
                    });
                    return terms.len() - 1;
                }
                let pattern = *index.entry((folded.clone(), is_prefix)).or_insert_with(|| {
                    let id = patterns.len();
                    for variant in std::iter::once(folded.clone())
                        .chain(crate::text::apostrophe_variants(&folded))
                    {
                        patterns.push(variant);
                        prefix.push(is_prefix);
                        canonical.push(id as u32);
                        stemmed.push(None);
                    }
                    id
                });
                terms.push(CTerm {
                    pattern,
                    scope: t.scope,
                    case: t.case_sensitive.then(|| super::case_form(&t.text)),
                    label,
                });
                terms.len() - 1
            };
            let effective = brand.effective_query();
            uses_lang |= crate::settings::query::uses_lang(&effective);
            let query = compile(&effective, &mut add);
            let exclude = brand
                .exclude
                .iter()
                .map(|x| add(&Term::phrase(x)))
                .collect();
            compiled.push(CBrand {
                name: brand.name.clone(),
                names: brand.terms().map(crate::text::fold).collect(),
                terms,
                query,
                exclude,
            });
        }
        let users = users_of(&compiled, &patterns);
        let (automaton, keyed, whole) = automaton(&patterns);
        Matcher {
            automaton,
            keyed,
            whole,
            prefix,
            users,
            canonical,
            brands: compiled,
            uses_lang,
            stemmed: if stem { stemmed } else { Vec::new() },
        }
    }
}

/// Terms at least one of which must occur for `q` to match: the brand is evaluated only for
/// items where one does. OR needs one of its branches, so it takes all their anchors; AND
/// and NEAR need every side, so one side's anchors are enough, and the most selective side
/// is taken (longest pattern), so a brand whose query says `"acme" NEAR/3 recall` is not
/// looked at for every "recall". NOT, `site:` and `lang:` anchor nothing; the parser refuses
/// queries without a positive term, so every brand has anchors.
pub(super) fn anchors(q: &CQuery, len: &dyn Fn(usize) -> usize) -> Vec<usize> {
    fn most_selective(
        sets: impl Iterator<Item = Vec<usize>>,
        len: &dyn Fn(usize) -> usize,
    ) -> Vec<usize> {
        sets.filter(|s| !s.is_empty())
            .max_by_key(|s| s.iter().map(|&t| len(t)).min().unwrap_or(0))
            .unwrap_or_default()
    }
    match q {
        CQuery::Term(t) => vec![*t],
        CQuery::Near { left, right, .. } => {
            most_selective([left.clone(), right.clone()].into_iter(), len)
        }
        CQuery::Or(v) => {
            let parts: Vec<Vec<usize>> = v.iter().map(|x| anchors(x, len)).collect();
            if parts.iter().any(Vec::is_empty) {
                Vec::new()
            } else {
                parts.concat()
            }
        }
        CQuery::And(v) => most_selective(v.iter().map(|x| anchors(x, len)), len),
        CQuery::Not(_) | CQuery::Site(_) | CQuery::Lang(_) => Vec::new(),
    }
}

pub(super) fn compile(q: &Query, add: &mut impl FnMut(&Term) -> usize) -> CQuery {
    match q {
        Query::Term(t) => CQuery::Term(add(t)),
        Query::Site(s) => CQuery::Site(s.clone()),
        Query::Lang(l) => CQuery::Lang(l.clone()),
        Query::And(v) => CQuery::And(v.iter().map(|x| compile(x, add)).collect()),
        Query::Or(v) => CQuery::Or(v.iter().map(|x| compile(x, add)).collect()),
        Query::Not(x) => CQuery::Not(Box::new(compile(x, add))),
        Query::Near {
            left,
            right,
            distance,
            ordered,
        } => CQuery::Near {
            left: left.iter().map(&mut *add).collect(),
            right: right.iter().map(&mut *add).collect(),
            distance: *distance,
            ordered: *ordered,
        },
    }
}

/// Per pattern, the brands for which it is an anchor (see [`anchors`]): a brand is looked
/// at only when one of its anchor terms occurs.
fn users_of(compiled: &[CBrand], patterns: &[String]) -> Vec<Vec<u32>> {
    let mut users: Vec<Vec<u32>> = vec![Vec::new(); patterns.len()];
    for (b, brand) in compiled.iter().enumerate() {
        let len = |t: usize| patterns[brand.terms[t].pattern].len();
        for t in anchors(&brand.query, &len) {
            let p = brand.terms[t].pattern;
            if users[p].last() != Some(&(b as u32)) {
                users[p].push(b as u32);
            }
        }
    }
    users
}

/// The automaton over the patterns' keys, with per key the patterns that start with it,
/// and per pattern its whole text when it is longer than its key.
#[allow(clippy::type_complexity)]
fn automaton(patterns: &[String]) -> (Option<AhoCorasick>, Vec<Vec<u32>>, Vec<String>) {
    let mut keys: Vec<&str> = Vec::new();
    let mut keyed: Vec<Vec<u32>> = Vec::new();
    let mut key_index: std::collections::HashMap<&str, usize> = Default::default();
    let mut whole = Vec::with_capacity(patterns.len());
    for (p, pattern) in patterns.iter().enumerate() {
        let key = key_of(pattern);
        let k = *key_index.entry(key).or_insert_with(|| {
            keys.push(key);
            keyed.push(Vec::new());
            keys.len() - 1
        });
        keyed[k].push(p as u32);
        whole.push(if key.len() < pattern.len() {
            pattern.clone()
        } else {
            String::new()
        });
    }
    // A DFA is the fastest scan, but its size grows with the keys' total length times
    // the alphabet: past DFA_PATTERN_BYTES (about 40 MiB of DFA) the contiguous NFA, a
    // little slower and many times smaller, keeps a watchlist at the caps within memory.
    let key_bytes: usize = keys.iter().map(|k| k.len()).sum();
    let kind = if key_bytes <= DFA_PATTERN_BYTES {
        AhoCorasickKind::DFA
    } else {
        AhoCorasickKind::ContiguousNFA
    };
    let automaton = (!patterns.is_empty()).then(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(&keys)
            .expect("folded literal patterns always compile")
    });
    (automaton, keyed, whole)
}

impl Stemmed {
    /// The words of a folded term and their stems; `None` when it has no word.
    pub(super) fn of(folded: &str, last_prefix: bool) -> Option<Stemmed> {
        let (mut words, mut seps) = (Vec::new(), Vec::new());
        let mut rest = folded;
        loop {
            let start = rest
                .char_indices()
                .find(|&(_, c)| crate::text::is_word_char(c))
                .map(|(i, _)| i)?;
            if !words.is_empty() {
                seps.push(rest[..start].to_string());
            }
            let end = crate::text::word_end(rest, start);
            words.push(rest[start..end].to_string());
            rest = &rest[end..];
            if !rest.chars().any(crate::text::is_word_char) {
                break;
            }
        }
        // "l'allergène" finds "d'allergènes": the elided article is not what is looked for.
        if words.len() > 1 && crate::text::ELISIONS.contains(&words[0].as_str()) {
            words.remove(0);
            seps.remove(0);
        }
        let last = words.len() - 1;
        for (i, w) in words.iter_mut().enumerate() {
            if !(i == last && last_prefix) {
                *w = crate::analyze::stem::stem(w);
            }
        }
        Some(Stemmed {
            words,
            seps,
            last_prefix,
        })
    }

    /// What every matching first word starts with (the automaton's pattern).
    pub(super) fn key(&self) -> &str {
        if self.words.len() == 1 && self.last_prefix {
            &self.words[0]
        } else {
            crate::analyze::stem::stem_key(&self.words[0])
        }
    }

    /// Where the term ends if it occurs at byte `start` of folded `text` (a word start).
    pub(super) fn walk(&self, text: &str, start: usize) -> Option<usize> {
        let mut pos = start;
        for (i, want) in self.words.iter().enumerate() {
            if i > 0 {
                let sep = &self.seps[i - 1];
                let rest = &text[pos..];
                if sep.chars().all(|c| c == ' ' || c == '\'') {
                    let skip = rest
                        .char_indices()
                        .find(|&(_, c)| c != ' ' && c != '\'')
                        .map_or(rest.len(), |(j, _)| j);
                    if skip == 0 {
                        return None;
                    }
                    pos += skip;
                } else if rest.starts_with(sep.as_str()) {
                    pos += sep.len();
                } else {
                    return None;
                }
            }
            let end = crate::text::word_end(text, pos);
            let word = &text[pos..end];
            let found = if i + 1 == self.words.len() && self.last_prefix {
                word.starts_with(want.as_str())
            } else {
                !word.is_empty() && crate::analyze::stem::stem(word) == *want
            };
            if !found {
                return None;
            }
            pos = end;
        }
        Some(pos)
    }

    /// The words as the full-text index holds them: a prefix each (the key of its stem).
    pub(super) fn index_prefixes(&self) -> Vec<&str> {
        let last = self.words.len() - 1;
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last && self.last_prefix {
                    w.as_str()
                } else {
                    crate::analyze::stem::stem_key(w)
                }
            })
            .collect()
    }
}
