//! Evaluating brands on one item: the occurrences of the terms on word boundaries, then
//! each candidate brand's query, exclusions and evidence.

use std::cell::OnceCell;

use aho_corasick::AhoCorasick;

use super::compile::{CBrand, CQuery, CTerm};
use super::{Evidence, Field, Hit, ItemView, Matcher, SNIPPET_CHARS, Scope, snippet};
use crate::text::{Folded, starts_word, word_end};

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

impl Matcher {
    /// Every occurrence of a pattern on word boundaries in the folded title and text: a
    /// key found by the automaton, then the rest of a long pattern compared there, then the
    /// end of the word (a prefix runs to it; a whole word must stop there).
    fn occurrences(&self, ac: &AhoCorasick, title_f: &str, text_f: &str) -> Vec<Occ> {
        let mut occs: Vec<Occ> = Vec::new();
        for (field, folded) in [(Field::Title, title_f), (Field::Text, text_f)] {
            for m in ac.find_overlapping_iter(folded) {
                if !starts_word(folded, m.start()) {
                    continue;
                }
                for &p in &self.keyed[m.pattern().as_usize()] {
                    let p = p as usize;
                    if let Some(Some(st)) = self.stemmed.get(p) {
                        if let Some(end) = st.walk(folded, m.start()) {
                            occs.push(Occ {
                                pattern: p as u32,
                                field,
                                start: m.start() as u32,
                                end: end as u32,
                            });
                        }
                        continue;
                    }
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
                        pattern: self.canonical[p],
                        field,
                        start: m.start() as u32,
                        end: end as u32,
                    });
                }
            }
        }
        occs
    }

    pub(super) fn match_folded(
        &self,
        ac: &AhoCorasick,
        item: &ItemView<'_>,
        title_f: &str,
        text_f: &str,
        only: Option<&[String]>,
    ) -> Vec<Hit> {
        let occs = self.occurrences(ac, title_f, text_f);
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
                    &super::case_form(&f.original[r]) == want
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
