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

use std::cell::OnceCell;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

pub use crate::settings::query::{Query, QueryError, Scope, Term, TermKind};
use crate::settings::watchlist::Brand;
use crate::text::{Folded, fold_keep_case, fold_to, starts_word, word_end};

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

/// A term compiled against the automaton.
#[derive(Debug, Clone)]
struct CTerm {
    pattern: usize,
    scope: Scope,
    /// For `case:` terms, the term folded without lowercasing.
    case: Option<String>,
    /// How to show it (`acme*`, `Crédit Agricole`).
    label: String,
}

#[derive(Debug, Clone)]
enum CQuery {
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
struct CBrand {
    name: String,
    /// The name and aliases, folded.
    names: Vec<String>,
    terms: Vec<CTerm>,
    query: CQuery,
    /// Indices into `terms` of the excluded terms.
    exclude: Vec<usize>,
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
    brands: Vec<CBrand>,
}

/// One place a pattern occurred, on word boundaries (folded byte offsets).
#[derive(Debug, Clone, Copy)]
struct Occ {
    pattern: u32,
    field: Field,
    start: u32,
    end: u32,
}

/// Per field, what is computed only when needed.
struct FieldText<'a> {
    original: &'a str,
    folded: &'a str,
    offsets: OnceCell<Folded>,
    word_starts: OnceCell<Vec<u32>>,
}

impl FieldText<'_> {
    fn offsets(&self) -> &Folded {
        self.offsets.get_or_init(|| Folded::new(self.original))
    }

    /// Index of the word containing folded byte `at`.
    fn word_index(&self, at: u32) -> usize {
        let starts = self.word_starts.get_or_init(|| {
            // Word starts, where an elided article ("l'", "qu'") is part of the word after
            // it: "rappel chez l'Acme" has three words, not four.
            let text = self.folded;
            let mut v = Vec::new();
            let mut word_start: Option<usize> = None;
            for (i, c) in text
                .char_indices()
                .chain(std::iter::once((text.len(), ' ')))
            {
                match (crate::text::is_word_char(c), word_start) {
                    (true, None) => word_start = Some(i),
                    (false, Some(s)) => {
                        let elided = c == '\'' && crate::text::ELISIONS.contains(&&text[s..i]);
                        if !elided {
                            v.push(s as u32);
                        }
                        word_start = None;
                    }
                    _ => {}
                }
            }
            v
        });
        starts.partition_point(|&s| s <= at).saturating_sub(1)
    }
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
        let mut patterns: Vec<String> = Vec::new();
        let mut prefix: Vec<bool> = Vec::new();
        let mut index: std::collections::HashMap<(String, bool), usize> = Default::default();
        let mut compiled = Vec::with_capacity(brands.len());
        for brand in brands {
            let mut terms: Vec<CTerm> = Vec::new();
            let mut add = |t: &Term| -> usize {
                let is_prefix = t.kind == TermKind::Prefix;
                let folded = crate::text::fold(&t.text);
                let pattern = *index.entry((folded.clone(), is_prefix)).or_insert_with(|| {
                    patterns.push(folded);
                    prefix.push(is_prefix);
                    patterns.len() - 1
                });
                let label = if is_prefix {
                    format!("{}*", t.text)
                } else {
                    t.text.clone()
                };
                terms.push(CTerm {
                    pattern,
                    scope: t.scope,
                    case: t.case_sensitive.then(|| fold_keep_case(&t.text)),
                    label,
                });
                terms.len() - 1
            };
            let query = compile(&brand.effective_query(), &mut add);
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
        // A brand is looked at only when one of its anchor terms occurs (see `anchors`).
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
        Matcher {
            automaton,
            keyed,
            whole,
            prefix,
            users,
            brands: compiled,
        }
    }

    /// Number of distinct patterns in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.prefix.len()
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
            self.match_folded(ac, item, title_f, text_f, only)
        })
    }

    fn match_folded(
        &self,
        ac: &AhoCorasick,
        item: &ItemView<'_>,
        title_f: &str,
        text_f: &str,
        only: Option<&[String]>,
    ) -> Vec<Hit> {
        let mut occs: Vec<Occ> = Vec::new();
        for (field, folded) in [(Field::Title, title_f), (Field::Text, text_f)] {
            for m in ac.find_overlapping_iter(folded) {
                if !starts_word(folded, m.start()) {
                    continue;
                }
                for &p in &self.keyed[m.pattern().as_usize()] {
                    let p = p as usize;
                    let whole = &self.whole[p];
                    let found = if whole.is_empty() {
                        m.end()
                    } else if folded[m.start()..].starts_with(whole.as_str()) {
                        m.start() + whole.len()
                    } else {
                        continue;
                    };
                    let end = if self.prefix[p] {
                        word_end(folded, found)
                    } else if folded[found..]
                        .chars()
                        .next()
                        .is_some_and(crate::text::is_word_char)
                    {
                        continue;
                    } else {
                        found
                    };
                    occs.push(Occ {
                        pattern: p as u32,
                        field,
                        start: m.start() as u32,
                        end: end as u32,
                    });
                }
            }
        }
        if occs.is_empty() {
            return Vec::new();
        }
        let mut candidates: Vec<u32> = occs
            .iter()
            .flat_map(|o| self.users[o.pattern as usize].iter().copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();

        let fields = [
            FieldText {
                original: item.title,
                folded: title_f,
                offsets: OnceCell::new(),
                word_starts: OnceCell::new(),
            },
            FieldText {
                original: item.text,
                folded: text_f,
                offsets: OnceCell::new(),
                word_starts: OnceCell::new(),
            },
        ];
        let ctx = Ctx {
            occs: &occs,
            fields: &fields,
            item,
        };
        let mut hits = Vec::new();
        for b in candidates {
            let brand = &self.brands[b as usize];
            if only.is_some_and(|names| !names.iter().any(|n| n == &brand.name)) {
                continue;
            }
            if brand
                .exclude
                .iter()
                .any(|&t| ctx.term_occs(&brand.terms[t]).next().is_some())
            {
                continue;
            }
            if !ctx.eval(brand, &brand.query) {
                continue;
            }
            hits.push(ctx.hit(brand));
        }
        hits
    }
}

/// Terms at least one of which must occur for `q` to match: the brand is evaluated only for
/// items where one does. OR needs one of its branches, so it takes all their anchors; AND
/// and NEAR need every side, so one side's anchors are enough, and the most selective side
/// is taken (longest pattern), so a brand whose query says `"acme" NEAR/3 recall` is not
/// looked at for every "recall". NOT, `site:` and `lang:` anchor nothing; the parser refuses
/// queries without a positive term, so every brand has anchors.
fn anchors(q: &CQuery, len: &dyn Fn(usize) -> usize) -> Vec<usize> {
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

fn compile(q: &Query, add: &mut impl FnMut(&Term) -> usize) -> CQuery {
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

struct Ctx<'a> {
    occs: &'a [Occ],
    fields: &'a [FieldText<'a>; 2],
    item: &'a ItemView<'a>,
}

impl Ctx<'_> {
    fn field(&self, f: Field) -> &FieldText<'_> {
        &self.fields[f as usize]
    }

    /// The occurrences that count for `t`: its pattern, in its scope, with its case.
    fn term_occs<'s>(&'s self, t: &'s CTerm) -> impl Iterator<Item = &'s Occ> + 's {
        self.occs.iter().filter(move |o| {
            o.pattern as usize == t.pattern
                && match t.scope {
                    Scope::Any => true,
                    Scope::Title => o.field == Field::Title,
                    Scope::Text => o.field == Field::Text,
                }
                && t.case.as_ref().is_none_or(|want| {
                    let f = self.field(o.field);
                    let r = f
                        .offsets()
                        .original_range(f.original, o.start as usize..o.end as usize);
                    &fold_keep_case(&f.original[r]) == want
                })
        })
    }

    fn eval(&self, b: &CBrand, q: &CQuery) -> bool {
        match q {
            CQuery::Term(t) => self.term_occs(&b.terms[*t]).next().is_some(),
            CQuery::Site(s) => self.item.url.and_then(host_of).is_some_and(|h| {
                h == *s
                    || (h.len() > s.len()
                        && h.ends_with(s.as_str())
                        && h.as_bytes()[h.len() - s.len() - 1] == b'.')
            }),
            CQuery::Lang(l) => self.item.lang.is_some_and(|x| x.eq_ignore_ascii_case(l)),
            CQuery::And(v) => v.iter().all(|x| self.eval(b, x)),
            CQuery::Or(v) => v.iter().any(|x| self.eval(b, x)),
            CQuery::Not(x) => !self.eval(b, x),
            CQuery::Near {
                left,
                right,
                distance,
                ordered,
            } => left.iter().any(|&l| {
                right.iter().any(|&r| {
                    self.near_pairs(&b.terms[l], &b.terms[r], *distance, *ordered)
                        .next()
                        .is_some()
                })
            }),
        }
    }

    fn near_pairs<'s>(
        &'s self,
        l: &'s CTerm,
        r: &'s CTerm,
        distance: u32,
        ordered: bool,
    ) -> impl Iterator<Item = (&'s Occ, &'s Occ)> + 's {
        self.term_occs(l).flat_map(move |a| {
            self.term_occs(r)
                .filter(move |b| a.field == b.field)
                .filter_map(move |b| {
                    let f = self.field(a.field);
                    let (a0, a1) = (f.word_index(a.start), f.word_index(a.end.saturating_sub(1)));
                    let (b0, b1) = (f.word_index(b.start), f.word_index(b.end.saturating_sub(1)));
                    let gap = if a1 < b0 {
                        b0 - a1 - 1
                    } else if !ordered && b1 < a0 {
                        a0 - b1 - 1
                    } else {
                        return None;
                    };
                    (gap as u32 <= distance).then_some((a, b))
                })
        })
    }

    /// Occurrences of the terms that made the brand match (terms under NOT do not count).
    fn evidence_terms(&self, b: &CBrand, q: &CQuery, out: &mut Vec<usize>) {
        match q {
            CQuery::Term(t) => out.push(*t),
            CQuery::Near {
                left,
                right,
                distance,
                ordered,
            } => {
                for &l in left {
                    for &r in right {
                        if self
                            .near_pairs(&b.terms[l], &b.terms[r], *distance, *ordered)
                            .next()
                            .is_some()
                        {
                            out.extend([l, r]);
                        }
                    }
                }
            }
            CQuery::And(v) | CQuery::Or(v) => v.iter().for_each(|x| self.evidence_terms(b, x, out)),
            CQuery::Not(_) | CQuery::Site(_) | CQuery::Lang(_) => {}
        }
    }

    fn hit(&self, b: &CBrand) -> Hit {
        let mut term_ids = Vec::new();
        self.evidence_terms(b, &b.query, &mut term_ids);
        let mut found: Vec<(Field, u32, u32, usize)> = Vec::new();
        for t in term_ids {
            for o in self.term_occs(&b.terms[t]) {
                if !found
                    .iter()
                    .any(|f| (f.0, f.1, f.2) == (o.field, o.start, o.end))
                {
                    found.push((o.field, o.start, o.end, t));
                }
            }
        }
        found.sort_by_key(|&(field, start, ..)| (field == Field::Text, start));
        let mut matched_terms: Vec<String> = Vec::new();
        let evidence: Vec<Evidence> = found
            .iter()
            .map(|&(field, start, end, t)| {
                let label = &b.terms[t].label;
                if !matched_terms.contains(label) {
                    matched_terms.push(label.clone());
                }
                let f = self.field(field);
                Evidence {
                    field,
                    is_name: b.names.contains(&crate::text::fold(label)),
                    term: label.clone(),
                    range: f
                        .offsets()
                        .original_range(f.original, start as usize..end as usize),
                }
            })
            .collect();
        let snippet = match evidence.iter().find(|e| e.field == Field::Text) {
            Some(e) => snippet(self.item.text, e.range.clone(), SNIPPET_CHARS),
            None if !self.item.text.trim().is_empty() => {
                snippet(self.item.text, 0..0, SNIPPET_CHARS)
            }
            None => snippet(
                self.item.title,
                evidence.first().map_or(0..0, |e| e.range.clone()),
                SNIPPET_CHARS,
            ),
        };
        Hit {
            brand: b.name.clone(),
            matched_terms,
            evidence,
            snippet,
        }
    }
}

/// The lowercase host of a URL, without a leading `www.`.
fn host_of(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    Some(
        host.strip_prefix("www.")
            .map(str::to_string)
            .unwrap_or(host),
    )
}

/// About `max_chars` characters of `text` around `hit`, cut at spaces where possible, with
/// `…` where text was cut, on one line. Walks outwards from the hit, so its cost does not
/// depend on the length of the text.
pub fn snippet(text: &str, hit: Range<usize>, max_chars: usize) -> String {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (hs, he) = (floor(hit.start), floor(hit.end.max(hit.start)));
    let room = max_chars.saturating_sub(text[hs..he].chars().count());
    // A third of the room before the hit, the rest after: readers want what comes next.
    let back = |from: usize, n: usize| -> (usize, usize) {
        let mut at = from;
        let mut taken = 0;
        for (i, _) in text[..from].char_indices().rev().take(n) {
            at = i;
            taken += 1;
        }
        (at, taken)
    };
    let (mut start, before) = back(hs, room / 3);
    let mut end = he;
    let mut after = 0;
    for (i, c) in text[he..].char_indices().take(room - before) {
        end = he + i + c.len_utf8();
        after += 1;
    }
    if before + after < room {
        start = back(start, room - before - after).0;
    }
    // Move the cuts to white space so no word is cut in half.
    if start > 0
        && let Some((i, c)) = text[start..hs]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
    {
        start += i + c.len_utf8();
    }
    if end < text.len()
        && let Some((i, _)) = text[he..end]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
    {
        end = he + i;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    for (i, w) in text[start..end].split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    if end < text.len() {
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
}
