//! Splits a text into what the scorer looks at: words, emoji, emoticons and punctuation.
//!
//! - Words are folded (lower case, accents dropped: "Génial" → `genial`) and remember whether
//!   they were written in capitals. French elisions become words of their own (`n'aime` →
//!   `n'`, `aime`), so `n'` can open a negation; English contractions stay whole (`don't`).
//! - Links and `@handles` are dropped; a hashtag counts as its word (`#génial` → `genial`).
//! - Letters stretched for emphasis (`soooo`, `géniaaal`) are kept as written; the lexicon
//!   lookup shortens them (see `lexicon`).
//! - Emoticons (`:)`, `:-(`, `<3`) are recognised as whole white-space separated chunks,
//!   possibly followed by punctuation; emoji one character at a time (modifiers skipped).
//! - Punctuation runs: `!!!` and `???` keep their length; `.`, `…`, `;`, `:` end a clause
//!   (and `.`, `…` a sentence); `,` and dashes end a clause.

use crate::text::fold;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A folded word; `caps`: written all in capitals (two letters or more); `name`:
    /// capitalized (`France`, `Orange`) but not first in its sentence, so perhaps a name.
    Word {
        text: String,
        caps: bool,
        name: bool,
    },
    /// An emoji or emoticon, with its valence (VADER scale, -4 to 4).
    Symbol(f32),
    /// A run of `!`.
    Bang(u32),
    /// A run of `?`.
    Question(u32),
    /// `,`, `;`, `:`, a dash or a bracket: ends a negation's scope.
    Clause,
    /// `.`, `…` or a line break: ends a sentence.
    Sentence,
}

impl Tok {
    pub fn word(&self) -> Option<&str> {
        match self {
            Tok::Word { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the token ends a negation's or a booster's reach.
    pub fn is_break(&self) -> bool {
        matches!(
            self,
            Tok::Clause | Tok::Sentence | Tok::Bang(_) | Tok::Question(_)
        )
    }
}

/// French words that lose their vowel before another word (folded, without the apostrophe).
const ELIDED: &[&str] = &[
    "l", "d", "j", "n", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// Tokenizes `text`. `symbol` gives the valence of an emoji or emoticon, if it is one.
pub fn tokenize(text: &str, symbol: &dyn Fn(&str) -> Option<f32>) -> Vec<Tok> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    for line in text.lines() {
        for chunk in line.split_whitespace() {
            chunk_tokens(chunk, symbol, &mut out);
        }
        if !matches!(out.last(), None | Some(Tok::Sentence)) {
            out.push(Tok::Sentence);
        }
    }
    out
}

fn chunk_tokens(chunk: &str, symbol: &dyn Fn(&str) -> Option<f32>, out: &mut Vec<Tok>) {
    let starts = |prefix: &str| {
        chunk
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts("http://") || starts("https://") || starts("www.") {
        return;
    }
    if chunk.starts_with('@') && chunk.len() > 1 {
        return;
    }
    // An emoticon, alone or followed by punctuation (":)!!", ":(.").
    if !chunk.starts_with(|c: char| c.is_alphanumeric()) {
        let core = chunk.trim_end_matches(['.', ',', '!', '?', ';']);
        let whole = symbol(chunk);
        if let Some(v) = symbol(core).or(whole) {
            out.push(Tok::Symbol(v));
            if whole.is_none() {
                punctuation(&chunk[core.len()..], out);
            }
            return;
        }
    }
    let mut rest = chunk;
    while !rest.is_empty() {
        let c = rest.chars().next().expect("not empty");
        if c.is_alphanumeric() {
            let len = word_len(rest);
            push_word(&rest[..len], out);
            rest = &rest[len..];
        } else {
            rest = &rest[c.len_utf8()..];
            match c {
                '!' | '?' | '.' | '…' | ',' | ';' | ':' | '(' | ')' | '[' | ']' | '—' | '–'
                | '"' | '«' | '»' => punctuation(c.encode_utf8(&mut [0; 4]), out),
                '-' if rest.is_empty() || chunk.len() == 1 => out.push(Tok::Clause),
                _ => {
                    if let Some(v) = symbol(c.encode_utf8(&mut [0; 4])) {
                        out.push(Tok::Symbol(v));
                    }
                }
            }
        }
    }
}

/// Length of the word at the start of `s`: letters and digits, with apostrophes and hyphens
/// inside (`don't`, `aujourd'hui`, `peut-être`). An elided French word stops at its
/// apostrophe.
fn word_len(s: &str) -> usize {
    let mut end = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            end = i + c.len_utf8();
            continue;
        }
        let joiner = matches!(c, '\'' | '’' | '-' | '‘');
        let next_is_letter = chars.peek().is_some_and(|&(_, n)| n.is_alphabetic());
        if !(joiner && next_is_letter) {
            break;
        }
        if c != '-' {
            let head = fold(&s[..i]);
            if ELIDED.contains(&head.as_str()) {
                // Keep the apostrophe with the elided word: `n'`, `l'`.
                return i + c.len_utf8();
            }
        }
    }
    end
}

fn push_word(raw: &str, out: &mut Vec<Tok>) {
    let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
    let caps = letters >= 2 && !raw.chars().any(char::is_lowercase);
    let sentence_start = matches!(
        out.last(),
        None | Some(Tok::Sentence | Tok::Bang(_) | Tok::Question(_))
    );
    let name = !caps && !sentence_start && raw.starts_with(char::is_uppercase);
    // Folding also turns a typographic apostrophe into `'`: `n’` → `n'`.
    out.push(Tok::Word {
        text: fold(raw),
        caps,
        name,
    });
}

fn punctuation(s: &str, out: &mut Vec<Tok>) {
    for c in s.chars() {
        match (c, out.last_mut()) {
            ('!', Some(Tok::Bang(n))) => *n += 1,
            ('?', Some(Tok::Question(n))) => *n += 1,
            ('!', _) => out.push(Tok::Bang(1)),
            ('?', _) => out.push(Tok::Question(1)),
            ('.' | '…', Some(Tok::Sentence)) => {}
            ('.' | '…', _) => out.push(Tok::Sentence),
            (_, Some(Tok::Clause)) => {}
            _ => out.push(Tok::Clause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_symbols(_: &str) -> Option<f32> {
        None
    }

    fn words(text: &str) -> Vec<String> {
        tokenize(text, &no_symbols)
            .into_iter()
            .map(|t| match t {
                Tok::Word {
                    text, caps: true, ..
                } => format!("{text}^"),
                Tok::Word { text, .. } => text,
                Tok::Symbol(v) => format!("sym{v}"),
                Tok::Bang(n) => "!".repeat(n as usize),
                Tok::Question(n) => "?".repeat(n as usize),
                Tok::Clause => ",".into(),
                Tok::Sentence => ".".into(),
            })
            .collect()
    }

    #[test]
    fn french_elisions_become_words_and_accents_fold() {
        assert_eq!(
            words("Je n'aime pas l’Été d'Acme"),
            ["je", "n'", "aime", "pas", "l'", "ete", "d'", "acme", "."]
        );
        assert_eq!(words("aujourd'hui"), ["aujourd'hui", "."]);
    }

    #[test]
    fn english_contractions_stay_whole() {
        assert_eq!(words("I don't like it"), ["i", "don't", "like", "it", "."]);
    }

    #[test]
    fn links_and_handles_are_dropped_hashtags_kept() {
        assert_eq!(
            words("@acme #génial https://t.co/x www.acme.fr top"),
            ["genial", "top", "."]
        );
    }

    #[test]
    fn punctuation_runs_keep_their_length_and_caps_are_marked() {
        assert_eq!(
            words("GREAT phone!!! Really?? ok, fine... I"),
            [
                "great^", "phone", "!!!", "really", "??", "ok", ",", "fine", ".", "i", "."
            ]
        );
    }

    #[test]
    fn emoticons_and_emoji_are_symbols() {
        let sym = |s: &str| match s {
            ":)" => Some(2.0),
            "😡" => Some(-3.0),
            _ => None,
        };
        let toks = tokenize("super :)! nul😡\u{fe0f}", &sym);
        assert_eq!(
            toks,
            [
                Tok::Word {
                    text: "super".into(),
                    caps: false,
                    name: false
                },
                Tok::Symbol(2.0),
                Tok::Bang(1),
                Tok::Word {
                    text: "nul".into(),
                    caps: false,
                    name: false
                },
                Tok::Symbol(-3.0),
                Tok::Sentence,
            ]
        );
    }
}
