//! Text folding: the one normal form both brand terms and item text are compared in.
//!
//! Per character: Unicode compatibility decomposition (NFKD), combining marks dropped
//! ("é" → "e"), lowercase, the ligatures and letters NFKD leaves alone spelled out
//! (œ → oe, æ → ae, ß → ss, ø → o, ł → l), typographic apostrophes → `'`, dashes → `-`, and
//! any run of white space → one space. French elisions need nothing special here: `'` is not
//! a word character, so in "l'acme" the word "acme" starts on a boundary.
//!
//! [`Folded`] remembers, for each folded byte, which bytes of the original produced it, so a
//! hit found in folded text can be highlighted in the text a person reads.

use std::ops::Range;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Folds `s` (see the module docs).
pub fn fold(s: &str) -> String {
    Folded::new(s).text
}

/// Folded text with a map back to the original's byte offsets.
#[derive(Debug, Clone)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For each byte of `text`, the original byte range of the character it came from.
    origin: Vec<(u32, u32)>,
}

impl Folded {
    /// Folds `s` and records where each folded byte came from.
    pub fn new(s: &str) -> Self {
        let mut text = String::with_capacity(s.len());
        let mut origin = Vec::with_capacity(s.len());
        let mut push = |text: &mut String, c: char, from: (u32, u32)| {
            let before = text.len();
            text.push(c);
            origin.extend(std::iter::repeat_n(from, text.len() - before));
        };
        for (i, c) in s.char_indices() {
            let from = (i as u32, (i + c.len_utf8()) as u32);
            if c.is_whitespace() {
                if !text.is_empty() && !text.ends_with(' ') {
                    push(&mut text, ' ', from);
                }
                continue;
            }
            if let Some(spelled) = special(c) {
                for d in spelled.chars() {
                    push(&mut text, d, from);
                }
                continue;
            }
            decompose_compatible(c, |d| {
                if is_combining_mark(d) {
                    return;
                }
                match d {
                    '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{0060}' | '\u{00B4}'
                    | '\u{2032}' => push(&mut text, '\'', from),
                    '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => {
                        push(&mut text, '-', from)
                    }
                    d if d.is_uppercase() => {
                        for l in d.to_lowercase() {
                            push(&mut text, l, from);
                        }
                    }
                    d => push(&mut text, d, from),
                }
            });
        }
        if text.ends_with(' ') {
            text.pop();
            origin.pop();
        }
        Folded { text, origin }
    }

    /// The original byte range behind a byte range of the folded text.
    pub fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        if folded.is_empty() || folded.end > self.origin.len() {
            let at = self.origin.get(folded.start).map_or(0, |o| o.0 as usize);
            return at..at;
        }
        self.origin[folded.start].0 as usize..self.origin[folded.end - 1].1 as usize
    }
}

/// Letters NFKD does not decompose but a French or German reader treats as two letters, or
/// as a plain letter.
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

/// Whether `range` of folded `text` starts and ends on word boundaries.
pub fn on_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_ligatures_and_spaces() {
        assert_eq!(fold("ACMÉ"), "acme");
        assert_eq!(fold("Crédit  Agricole\n"), "credit agricole");
        assert_eq!(fold("Œuvre cœur"), "oeuvre coeur");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ﬁnance"), "finance");
        assert_eq!(fold("l’Acmé — d‘accord"), "l'acme - d'accord");
    }

    #[test]
    fn folding_twice_changes_nothing() {
        for s in ["ÉTÉ à Noël", "Œ ß ﬁ ’ —", "  x  y  ", "İstanbul"] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
    }

    #[test]
    fn maps_folded_ranges_back_to_the_original() {
        let s = "Vive l’ACMÉ Corp !";
        let f = Folded::new(s);
        let at = f.text.find("acme corp").unwrap();
        let r = f.original_range(at..at + "acme corp".len());
        assert_eq!(&s[r], "ACMÉ Corp");
        let œ = "Un cœur";
        let f = Folded::new(œ);
        let at = f.text.find("coeur").unwrap();
        assert_eq!(&œ[f.original_range(at..at + 5)], "cœur");
    }

    #[test]
    fn word_boundaries() {
        let t = "acmeology #acme l'acme acme-corp x";
        assert!(!on_word_boundaries(t, &(0..4)));
        let hash = t.find("#acme").unwrap() + 1;
        assert!(on_word_boundaries(t, &(hash..hash + 4)));
        let el = t.find("l'acme").unwrap() + 2;
        assert!(on_word_boundaries(t, &(el..el + 4)));
    }
}
