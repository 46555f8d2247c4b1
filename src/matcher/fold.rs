//! Text folding: the one normal form both query terms and item text are compared in.
//!
//! Per character: Unicode compatibility decomposition (NFKD), combining marks dropped
//! ("é" → "e"), lowercase, the ligatures and letters NFKD leaves alone spelled out
//! (œ → oe, æ → ae, ß → ss, ø → o, ł → l), typographic apostrophes → `'`, dashes → `-`, and
//! any run of white space (no-break spaces included) → one space.
//!
//! French elisions are split off by the word-boundary rule ([`on_word_boundaries`]): a word
//! may start right after an apostrophe only when what precedes it is an elided word (`l'`,
//! `d'`, `qu'`, `jusqu'`...), so `d'acme` contains `acme` but `o'reilly` does not contain
//! `reilly` and `aujourd'hui` does not contain `hui`.
//!
//! Folding is on the hot path of matching, so ASCII is handled byte by byte and the map back
//! to the original text ([`Folded`]) is only built for items that matched, to highlight.

use std::ops::Range;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Folds `s` (see the module docs).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out, None, true);
    out
}

/// Folds `s` like [`fold`] but keeps letter case: what case-sensitive terms compare.
pub fn fold_keep_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out, None, false);
    out
}

/// Folds `s` into `out` (cleared first). Reusing `out` across texts saves allocations.
pub fn fold_to(s: &str, out: &mut String) {
    out.clear();
    fold_into(s, out, None, true);
}

/// Folded text with a map back to the original's byte offsets.
#[derive(Debug, Clone)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For each byte of `text`, the original byte offset of the character it came from.
    origin: Vec<u32>,
}

impl Folded {
    /// Folds `s` and records where each folded byte came from.
    pub fn new(s: &str) -> Self {
        let mut text = String::with_capacity(s.len());
        let mut origin = Vec::with_capacity(s.len());
        fold_into(s, &mut text, Some(&mut origin), true);
        Folded { text, origin }
    }

    /// The original byte range behind a byte range of the folded text; `original` is the
    /// text this was folded from.
    pub fn original_range(&self, original: &str, folded: Range<usize>) -> Range<usize> {
        if folded.is_empty() || folded.end > self.origin.len() {
            let at = self
                .origin
                .get(folded.start)
                .map_or(original.len(), |&o| o as usize);
            return at..at;
        }
        let start = self.origin[folded.start] as usize;
        let last = self.origin[folded.end - 1] as usize;
        let end = last + original[last..].chars().next().map_or(0, char::len_utf8);
        start..end
    }
}

fn fold_into(s: &str, out: &mut String, mut origin: Option<&mut Vec<u32>>, lower: bool) {
    let bytes = s.as_bytes();
    let mut i = 0;
    // Pending space: emitted before the next non-space character, so runs collapse and
    // trailing space disappears.
    let mut space_at: Option<usize> = None;
    macro_rules! emit {
        ($c:expr, $from:expr) => {{
            if let Some(at) = space_at.take() {
                if !out.is_empty() {
                    out.push(' ');
                    if let Some(o) = origin.as_mut() {
                        o.push(at as u32);
                    }
                }
            }
            let before = out.len();
            out.push($c);
            if let Some(o) = origin.as_mut() {
                for _ in before..out.len() {
                    o.push($from as u32);
                }
            }
        }};
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                    space_at.get_or_insert(i);
                }
                b'`' => emit!('\'', i),
                b'A'..=b'Z' if lower => emit!((b + 32) as char, i),
                _ => emit!(b as char, i),
            }
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().expect("inside the string");
        let from = i;
        i += c.len_utf8();
        if c.is_whitespace() {
            space_at.get_or_insert(from);
            continue;
        }
        if is_apostrophe(c) {
            emit!('\'', from);
            continue;
        }
        if let Some(spelled) = special(c) {
            for d in spelled.chars() {
                let d = if lower {
                    d
                } else if c.is_uppercase() {
                    d.to_ascii_uppercase()
                } else {
                    d
                };
                emit!(d, from);
            }
            continue;
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            // NFKD turns some spacing accents into a space and a mark.
            if d.is_whitespace() {
                space_at.get_or_insert(from);
                return;
            }
            if is_apostrophe(d) {
                emit!('\'', from);
                return;
            }
            if matches!(
                d,
                '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
            ) {
                emit!('-', from);
                return;
            }
            // Decomposition and lowercasing can both yield ligatures (U+10783 → æ) and
            // marks (İ → i + U+0307): everything goes through the same steps once more.
            let upper = d.is_uppercase();
            let mut put = |x: char| {
                if is_combining_mark(x) {
                    return;
                }
                match special(x) {
                    Some(spelled) => {
                        for y in spelled.chars() {
                            emit!(
                                if !lower && upper {
                                    y.to_ascii_uppercase()
                                } else {
                                    y
                                },
                                from
                            );
                        }
                    }
                    None => emit!(x, from),
                }
            };
            if lower && upper {
                d.to_lowercase().for_each(&mut put);
            } else {
                put(d);
            }
        });
    }
}

/// Typographic apostrophes and their look-alikes, all read as `'`.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{0060}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{02BC}'
            | '\u{00B4}'
            | '\u{2032}'
            | '\u{FF07}'
    )
}

/// Letters NFKD does not decompose but a French or German reader treats as two letters, or
/// as a plain letter (lowercase spelling; case is restored by the caller when kept).
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' | 'ẞ' => "ss",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' => "d",
        'ł' | 'Ł' => "l",
        'ı' => "i",
        _ => return None,
    })
}

/// Whether `c` continues a word. Apostrophes, hyphens, `#` and `@` do not, so `l'acme`,
/// `acme-corp`, `#acme` and `@acme` all contain the word `acme`.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// French words that lose their vowel before another word (folded).
pub const ELISIONS: &[&str] = &[
    "l", "d", "j", "n", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// Whether `range` of folded `text` starts and ends on word boundaries (see the module docs
/// for apostrophes).
pub fn on_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    starts_word(text, range.start) && !text[range.end..].chars().next().is_some_and(is_word_char)
}

/// Whether a word may start at byte `start` of folded `text`.
pub fn starts_word(text: &str, start: usize) -> bool {
    let before = &text[..start];
    match before.chars().next_back() {
        None => true,
        Some('\'') => {
            let head = &before[..before.len() - 1];
            let word_start = head
                .char_indices()
                .rev()
                .take_while(|&(_, c)| is_word_char(c))
                .last()
                .map_or(head.len(), |(i, _)| i);
            let word = &head[word_start..];
            word.is_empty() || ELISIONS.contains(&word)
        }
        Some(c) => !is_word_char(c),
    }
}

/// The end of the word that starts at byte `start` of folded `text` (for wildcards).
pub fn word_end(text: &str, start: usize) -> usize {
    text[start..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_ligatures_and_spaces() {
        assert_eq!(fold("ACMÉ"), "acme");
        assert_eq!(fold("  Crédit  Agricole\n"), "credit agricole");
        assert_eq!(fold("Œuvre cœur"), "oeuvre coeur");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ﬁnance"), "finance");
        assert_eq!(fold("l’Acmé — d‘accord"), "l'acme - d'accord");
        assert_eq!(fold("40\u{202F}000\u{a0}€"), "40 000 €");
        assert_eq!(
            fold_keep_case("Crédit Œuvre ORANGE"),
            "Credit OEuvre ORANGE"
        );
    }

    #[test]
    fn folding_twice_changes_nothing() {
        for s in [
            "ÉTÉ à Noël",
            "Œ ß ﬁ ’ —",
            "  x  y  ",
            "İstanbul",
            "`quoted´",
        ] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
    }

    #[test]
    fn the_offset_map_agrees_with_plain_folding() {
        for s in [
            "Vive l’ACMÉ  Corp !",
            "Un cœur\u{a0}d'or",
            "",
            "   ",
            "ﬁn ß",
        ] {
            assert_eq!(Folded::new(s).text, fold(s), "{s:?}");
        }
    }

    #[test]
    fn maps_folded_ranges_back_to_the_original() {
        let s = "Vive l’ACMÉ   Corp !";
        let f = Folded::new(s);
        let at = f.text.find("acme corp").unwrap();
        assert_eq!(
            &s[f.original_range(s, at..at + "acme corp".len())],
            "ACMÉ   Corp"
        );
        let s = "Un cœur";
        let f = Folded::new(s);
        let at = f.text.find("coeur").unwrap();
        assert_eq!(&s[f.original_range(s, at..at + 5)], "cœur");
    }

    #[test]
    fn word_boundaries_and_elisions() {
        let t = "acmeology #acme l'acme qu'acme acme-corp o'reilly aujourd'hui 'acme'";
        let at = |w: &str| t.find(w).unwrap();
        assert!(!on_word_boundaries(t, &(0..4)));
        assert!(on_word_boundaries(t, &(at("#acme") + 1..at("#acme") + 5)));
        assert!(on_word_boundaries(t, &(at("l'acme") + 2..at("l'acme") + 6)));
        assert!(on_word_boundaries(
            t,
            &(at("qu'acme") + 3..at("qu'acme") + 7)
        ));
        assert!(on_word_boundaries(
            t,
            &(at("acme-corp")..at("acme-corp") + 4)
        ));
        assert!(!on_word_boundaries(t, &(at("reilly")..at("reilly") + 6)));
        assert!(!on_word_boundaries(t, &(at("hui")..at("hui") + 3)));
        assert!(on_word_boundaries(t, &(at("'acme'") + 1..at("'acme'") + 5)));
        assert_eq!(word_end(t, at("acmeology")), 9);
    }
}
