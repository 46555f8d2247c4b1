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

fn fold_into(s: &str, out: &mut String, origin: Option<&mut Vec<u32>>, lower: bool) {
    fold_impl(s, out, origin, lower, lower);
}

/// The folding itself. `cached`: look characters up in [`table`] (which is built by calling
/// this with `cached` off, so cached and uncached folds are the same by construction).
fn fold_impl(s: &str, out: &mut String, origin: Option<&mut Vec<u32>>, lower: bool, cached: bool) {
    let mut buf = std::mem::take(out).into_bytes();
    fold_bytes(s, &mut buf, origin, lower, cached);
    *out = String::from_utf8(buf).expect("folding writes whole characters");
}

/// [`fold_impl`] on a byte buffer: pushing bytes is what makes ASCII fast.
///
/// White space is written at once as one `' '`, unless the output is empty or already ends
/// in a space (so runs collapse and leading space goes); a trailing space is dropped at the
/// end. The offset map (`origin`) gets one entry per output byte.
fn fold_bytes(
    s: &str,
    out: &mut Vec<u8>,
    mut origin: Option<&mut Vec<u32>>,
    lower: bool,
    cached: bool,
) {
    let bytes = s.as_bytes();
    let ascii_map = if lower { &ASCII_LOWER } else { &ASCII_KEEP };
    let mut i = 0;
    macro_rules! space {
        ($from:expr) => {{
            if out.last().is_some_and(|&b| b != b' ') {
                out.push(b' ');
                if let Some(o) = origin.as_mut() {
                    o.push($from as u32);
                }
            }
        }};
    }
    macro_rules! emit {
        ($c:expr, $from:expr) => {{
            let c: char = $c;
            let mut tmp = [0u8; 4];
            let encoded = c.encode_utf8(&mut tmp).as_bytes();
            out.extend_from_slice(encoded);
            if let Some(o) = origin.as_mut() {
                o.extend(std::iter::repeat_n($from as u32, encoded.len()));
            }
        }};
    }
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            // The common case: a segment of ASCII, translated through one table (case,
            // white space, the backtick) by a loop without branches.
            let end = i + ascii_len(&bytes[i..]);
            ascii_segment(&bytes[i..end], i, ascii_map, out, origin.as_deref_mut());
            i = end;
            continue;
        }
        let c = s[i..].chars().next().expect("inside the string");
        let from = i;
        i += c.len_utf8();
        if cached && (c as usize) < TABLE_END {
            let t = table();
            let e = t.entries[c as usize];
            match e.len {
                SPACE => {
                    space!(from);
                    continue;
                }
                SLOW => {}
                0 => continue,
                n => {
                    let piece =
                        &t.pieces.as_bytes()[e.start as usize..e.start as usize + usize::from(n)];
                    out.extend_from_slice(piece);
                    if let Some(o) = origin.as_mut() {
                        o.extend(std::iter::repeat_n(from as u32, piece.len()));
                    }
                    continue;
                }
            }
        }
        if c.is_whitespace() {
            space!(from);
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
                space!(from);
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
    if out.last() == Some(&b' ') {
        out.pop();
        if let Some(o) = origin.as_mut() {
            o.pop();
        }
    }
}

/// Length of the ASCII prefix of `b`, eight bytes at a time.
fn ascii_len(b: &[u8]) -> usize {
    let mut n = 0;
    for chunk in b.chunks_exact(8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
        if word & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        n += 8;
    }
    n + b[n..]
        .iter()
        .position(|&c| c >= 0x80)
        .unwrap_or(b.len() - n)
}

/// Folds a segment of ASCII starting at byte `base` of the input: every byte goes through
/// the table and is written; the write position only moves on when the byte is kept (not a
/// space after a space, nor a space at the start). This loop is most of the cost of
/// matching, hence no branch in it.
fn ascii_segment(
    seg: &[u8],
    base: usize,
    map: &[u8; 256],
    out: &mut Vec<u8>,
    origin: Option<&mut Vec<u32>>,
) {
    let start = out.len();
    let mut last_space = out.last().is_none_or(|&b| b == b' ');
    out.resize(start + seg.len(), 0);
    let dst = &mut out[start..];
    let mut w = 0;
    match origin {
        None => {
            for &c in seg {
                let m = map[usize::from(c)];
                let space = m == b' ';
                dst[w] = m;
                w += usize::from(!(space && last_space));
                last_space = space;
            }
        }
        Some(o) => {
            let ostart = o.len();
            o.resize(ostart + seg.len(), 0);
            let odst = &mut o[ostart..];
            for (k, &c) in seg.iter().enumerate() {
                let m = map[usize::from(c)];
                let space = m == b' ';
                dst[w] = m;
                odst[w] = (base + k) as u32;
                w += usize::from(!(space && last_space));
                last_space = space;
            }
            o.truncate(ostart + w);
        }
    }
    out.truncate(start + w);
}

/// ASCII folded: white space → `' '` (collapsed by the caller), backtick → `'`, letters
/// lowercased. Only the first 128 entries are used.
static ASCII_LOWER: [u8; 256] = ascii_table(true);
/// The same, keeping case (for case-sensitive terms).
static ASCII_KEEP: [u8; 256] = ascii_table(false);

const fn ascii_table(lower: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => b' ',
            b'`' => b'\'',
            c @ b'A'..=b'Z' if lower => c + 32,
            c => c,
        };
        b += 1;
    }
    t
}

/// Characters below this have their fold cached (Latin, Greek, Cyrillic, punctuation...).
const TABLE_END: usize = 0x3000;

/// Cached folds of the characters below [`TABLE_END`], computed by the same code as
/// uncached ones: all folded pieces in one string, and per character where its piece is.
struct Table {
    pieces: String,
    entries: Vec<Entry>,
}

#[derive(Clone, Copy)]
struct Entry {
    start: u32,
    /// Length of the piece, or [`SPACE`] or [`SLOW`].
    len: u8,
}

/// The character is white space.
const SPACE: u8 = 254;
/// Its fold depends on its neighbours (it decomposes to a space and a mark): not cached.
const SLOW: u8 = 255;

fn table() -> &'static Table {
    static TABLE: std::sync::LazyLock<Table> = std::sync::LazyLock::new(|| {
        let mut pieces = String::new();
        let entries = (0..TABLE_END)
            .map(|u| match char::from_u32(u as u32) {
                None => Entry {
                    start: 0,
                    len: SLOW,
                },
                Some(c) if c.is_whitespace() => Entry {
                    start: 0,
                    len: SPACE,
                },
                Some(c) if (c as u32) < 0x80 => Entry {
                    start: 0,
                    len: SLOW,
                },
                Some(c) => {
                    // Between two letters, so a space produced by decomposition would show.
                    let mut out = String::new();
                    fold_impl(&format!("x{c}x"), &mut out, None, true, false);
                    let middle = &out[1..out.len() - 1];
                    if middle.contains(' ') || middle.len() >= usize::from(SPACE) {
                        Entry {
                            start: 0,
                            len: SLOW,
                        }
                    } else {
                        let start = pieces.len() as u32;
                        pieces.push_str(middle);
                        Entry {
                            start,
                            len: middle.len() as u8,
                        }
                    }
                }
            })
            .collect();
        Table { pieces, entries }
    });
    &TABLE
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

/// Folded text with a hyphen between two words made a space (`credit-agricole` →
/// `credit agricole`), in place: a phrase matches whether the words are joined by a
/// hyphen or a space. Byte offsets do not change.
pub fn hyphens_as_spaces(s: &mut String) {
    if !s.contains('-') {
        return;
    }
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let joins = c == '-'
            && prev.is_some_and(is_word_char)
            && chars.peek().is_some_and(|n| is_word_char(*n));
        out.push(if joins { ' ' } else { c });
        prev = Some(c);
    }
    *s = out;
}

/// Variants of a folded phrase with an apostrophe in place of some of its spaces
/// (`aujourd hui` → `aujourd'hui`), so that a phrase matches words the text joins with an
/// apostrophe; at most 7, for phrases of up to four words.
pub fn apostrophe_variants(phrase: &str) -> Vec<String> {
    let spaces: Vec<usize> = phrase.match_indices(' ').map(|(i, _)| i).collect();
    if spaces.is_empty() || spaces.len() > 3 {
        return Vec::new();
    }
    (1u32..(1 << spaces.len()))
        .map(|mask| {
            let mut v = phrase.as_bytes().to_vec();
            for (k, &i) in spaces.iter().enumerate() {
                if mask & (1 << k) != 0 {
                    v[i] = b'\'';
                }
            }
            String::from_utf8(v).unwrap_or_default()
        })
        .collect()
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
            // Found by the property tests: U+10783 decomposes to "æ", U+FF40 to a
            // backtick, U+00A8 to a space and a mark.
            "\u{10783}",
            "\u{FF40}",
            "a\u{a8}b",
        ] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
    }

    #[test]
    fn the_cache_folds_every_character_like_the_slow_path() {
        for u in 0x80..TABLE_END as u32 {
            let Some(c) = char::from_u32(u) else { continue };
            for text in [format!("a{c}b"), format!("a {c} b"), format!("{c}")] {
                let (mut fast, mut slow) = (String::new(), String::new());
                fold_impl(&text, &mut fast, None, true, true);
                fold_impl(&text, &mut slow, None, true, false);
                assert_eq!(fast, slow, "U+{u:04X} in {text:?}");
            }
        }
    }

    #[test]
    fn ascii_prefixes() {
        assert_eq!(ascii_len(b""), 0);
        assert_eq!(ascii_len(b"abc"), 3);
        assert_eq!(ascii_len("abcdefghij\u{e9}k".as_bytes()), 10);
        assert_eq!(ascii_len("abcdefgh\u{e9}".as_bytes()), 8);
        assert_eq!(ascii_len("\u{e9}abcdefgh".as_bytes()), 0);
        assert_eq!(ascii_len("abcdefghijklmnopq".as_bytes()), 17);
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
