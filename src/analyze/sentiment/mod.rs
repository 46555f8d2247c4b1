//! Sentiment of French and English text: a lexicon and rules, in the manner of VADER.
//!
//! A text is tokenized ([`tokenize`]), its language picked ([`lang`]), and each word looked
//! up in that language's lexicon ([`lexicon`]). Then the rules:
//! - **negation** flips a word (× −0.74): English `not`, `never`, `no`, `n't`, `without`...
//!   up to three words on; French `ne … pas/plus/jamais/rien/aucun`, the words between the
//!   two parts included (`je n'aime pas`), and `pas`, `jamais`, `sans`, `aucun`, `peu` on
//!   their own (`c'est pas top`). A scope ends at punctuation or a contrast word;
//!   `ne … que` ("only") is not a negation;
//! - **boosters and dampeners** (`very`, `très`, `trop`, `vraiment`; `a bit`, `un peu`,
//!   `plutôt`) strengthen or weaken the next sentiment word, less with distance;
//! - **contrast** (`but`, `mais`, `cependant`, `pourtant`, `par contre`): the clause after
//!   weighs 1.5, the one before 0.5; what a **concession** (`despite`, `although`, `malgré`,
//!   `même si`) concedes weighs 0.5;
//! - **capitals** (`GREAT`, when the rest is not shouting) and **exclamation marks** add
//!   emphasis; **emoji and emoticons** carry their own valence.
//!
//! The sum is squashed into [-1, 1] (`s / √(s² + 15)`, as VADER does). Scores within
//! ±[`NEUTRAL_BAND`] are neutral.
//!
//! A mention is scored on the sentences around the brand's hits, not the whole article:
//! [`score_mention`].

pub mod lang;
pub mod lexicon;
pub mod tokenize;

use std::ops::Range;

use lexicon::{Lexicons, Rule};
use tokenize::{Tok, tokenize};

use crate::analyze::matcher::{Evidence, Field};

/// The languages the scorer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// From an ISO 639-1 code (`fr`, `fr-CA`, `EN`).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }
}

/// Scores closer to 0 than this are neutral.
pub const NEUTRAL_BAND: f32 = 0.05;

/// Negative, neutral or positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Negative,
    Neutral,
    Positive,
}

impl Label {
    pub fn of(score: f32) -> Label {
        if score <= -NEUTRAL_BAND {
            Label::Negative
        } else if score >= NEUTRAL_BAND {
            Label::Positive
        } else {
            Label::Neutral
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }
}

impl std::str::FromStr for Label {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "negative" | "neg" => Ok(Label::Negative),
            "neutral" | "neu" => Ok(Label::Neutral),
            "positive" | "pos" => Ok(Label::Positive),
            _ => Err(format!(
                "unknown sentiment {s:?}: expected negative, neutral or positive"
            )),
        }
    }
}

/// A score and what it means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    /// In [-1, 1].
    pub score: f32,
    pub label: Label,
    /// The language the text was scored in; `None` when it is neither French nor English,
    /// in which case the score is 0 (not scored).
    pub lang: Option<Lang>,
}

impl Sentiment {
    fn new(score: f32, lang: Option<Lang>) -> Self {
        let score = score.clamp(-1.0, 1.0);
        Sentiment {
            score,
            label: Label::of(score),
            lang,
        }
    }
}

/// Negation multiplies a word's valence by this (VADER's value).
const NEGATION: f32 = -0.74;
/// How many words a negation reaches.
const NEGATION_SCOPE: u32 = 3;
/// How much capitals add to a word's strength (when the rest of the text is not in capitals).
const CAPS: f32 = 0.733;
/// Boosters lose strength with distance: next word, one between, two between.
const BOOST_DECAY: [f32; 3] = [1.0, 0.95, 0.9];
/// Weight of the clause before a contrast word and of the one after.
const BEFORE_CONTRAST: f32 = 0.5;
const AFTER_CONTRAST: f32 = 1.5;
/// Weight of what a concession word concedes ("malgré le succès").
const CONCEDED: f32 = 0.5;
/// Each `!` (up to four) adds this much emphasis; `??` and more, a little less per mark.
const BANG: f32 = 0.292;
const QUESTION: f32 = 0.18;
/// People use positive words more readily than negative ones (the Pollyanna effect):
/// positive words weigh a little less.
const POSITIVE_WEIGHT_FR: f32 = 0.8;
/// A word weighing at least this much is an opinion; lighter ones (pattern's descriptive
/// adjectives, words of the other language) only lean, and get no emphasis.
const OPINION: f32 = 0.3;
/// With this many opinion words of at least this weight, a text is mixed rather than
/// neutral.
const MIXED_MIN_OPINIONS: usize = 3;
const MIXED_MIN_WEIGHT: f32 = 0.5;
/// Normalization: `s / √(s² + ALPHA)`.
const ALPHA: f32 = 15.0;

/// Scores `text` in `lang`, or in the language it looks like when `lang` is `None`.
pub fn score(text: &str, lang: Option<Lang>) -> Sentiment {
    let lex = Lexicons::get();
    let tokens = tokenize(text, &|s| lex.symbol(s));
    let lang = match lang {
        Some(l) => Some(l),
        None => lang::detect(text, &tokens, lex),
    };
    match lang {
        Some(l) => Sentiment::new(score_tokens(&tokens, l, lex).0, Some(l)),
        None => Sentiment::new(0.0, None),
    }
}

/// Like [`score`], with what each word and symbol weighed after the rules (only those that
/// weighed something), to show why a text scored what it did.
pub fn explain(text: &str, lang: Option<Lang>) -> (Sentiment, Vec<(String, f32)>) {
    let lex = Lexicons::get();
    let tokens = tokenize(text, &|s| lex.symbol(s));
    let Some(lang) = lang.or_else(|| lang::detect(text, &tokens, lex)) else {
        return (Sentiment::new(0.0, None), Vec::new());
    };
    let (compound, valences) = score_tokens(&tokens, lang, lex);
    let weights = tokens
        .iter()
        .zip(valences)
        .filter(|(_, v)| *v != 0.0)
        .map(|(t, v)| (t.word().unwrap_or("(emoji)").to_string(), v))
        .collect();
    (Sentiment::new(compound, Some(lang)), weights)
}

/// Scores a mention: the sentences around the brand's hits in the text (the one with the
/// hit, and one either side), with the title when the brand is in it. Without a hit in the
/// text, the title and the whole text. The brand's name and aliases are left out (a brand
/// called "Happy Cow" is not praise). `declared` is the item's language, if known.
pub fn score_mention(
    title: &str,
    text: &str,
    evidence: &[Evidence],
    declared: Option<&str>,
) -> Sentiment {
    read_mention(title, text, evidence, declared).0
}

/// The language the scorer reads `text` in: French, English, or neither (see [`lang`]).
/// Short texts are its strength: function words, elisions, accents, then the lexicons.
pub fn language_of(text: &str) -> Option<Lang> {
    let lex = Lexicons::get();
    lang::detect(text, &tokenize(text, &|s| lex.symbol(s)), lex)
}

/// A mention's sentiment ([`score_mention`]) and the reputation risk the same sentences
/// report ([`crate::analyze::risk`]), read in the language the score was read in.
pub fn read_mention(
    title: &str,
    text: &str,
    evidence: &[Evidence],
    declared: Option<&str>,
) -> (Sentiment, crate::analyze::risk::Risk) {
    let scope = mention_scope(title, text, evidence);
    let sentiment = score_scope(&scope, title, text, declared);
    let risk = crate::analyze::risk::assess(&scope, sentiment.lang);
    (sentiment, risk)
}

fn score_scope(scope: &str, title: &str, text: &str, declared: Option<&str>) -> Sentiment {
    let lang = match declared {
        Some(code) => Lang::from_code(code),
        None => language_of(&format!("{title}\n{text}")),
    };
    match lang {
        Some(l) => score(scope, Some(l)),
        None => Sentiment::new(0.0, None),
    }
}

/// The part of a mention that speaks about the brand (see [`score_mention`]).
pub fn mention_scope(title: &str, text: &str, evidence: &[Evidence]) -> String {
    // The brand's own name says nothing about how it is spoken of: "Bonne Maman" is not
    // praise. Blanked with spaces, so byte offsets stay valid.
    let title = &mask_names(title, evidence, Field::Title);
    let text = &mask_names(text, evidence, Field::Text);
    let in_title = evidence.iter().any(|e| e.field == Field::Title);
    let hits: Vec<&Range<usize>> = evidence
        .iter()
        .filter(|e| e.field == Field::Text)
        .map(|e| &e.range)
        .collect();
    if hits.is_empty() {
        return format!("{title}\n{text}");
    }
    let sentences = sentences(text);
    let mut keep = vec![false; sentences.len()];
    for hit in hits {
        if let Some(i) = sentences.iter().position(|s| s.end > hit.start) {
            let around = i.saturating_sub(1)..=(i + 1).min(sentences.len() - 1);
            keep[around].iter_mut().for_each(|k| *k = true);
        }
    }
    let mut out = String::new();
    if in_title {
        out.push_str(title);
        out.push('\n');
    }
    for (s, _) in sentences.iter().zip(&keep).filter(|(_, k)| **k) {
        out.push_str(text[s.clone()].trim());
        out.push('\n');
    }
    out
}

/// `s` with the brand names found in it (per `evidence` in `field`) replaced by spaces.
fn mask_names(s: &str, evidence: &[Evidence], field: Field) -> String {
    let mut bytes = s.as_bytes().to_vec();
    for e in evidence.iter().filter(|e| e.field == field && e.is_name) {
        if let Some(b) = bytes.get_mut(e.range.clone()) {
            b.fill(b' ');
        }
    }
    // Ranges are on character boundaries, so this stays UTF-8; keep `s` if it did not.
    String::from_utf8(bytes).unwrap_or_else(|_| s.to_string())
}

/// Byte ranges of the sentences of `text`: a sentence ends after `.`, `!`, `?` or `…`
/// followed by white space, or at a line break.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        let ends = match c {
            '\n' => true,
            '.' | '!' | '?' | '…' => chars.peek().is_none_or(|&(_, n)| n.is_whitespace()),
            _ => false,
        };
        if ends {
            if !text[start..end].trim().is_empty() {
                out.push(start..end);
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(start..text.len());
    }
    out
}

/// The compound score of tokenized text in `lang`, and each token's weight.
fn score_tokens(tokens: &[Tok], lang: Lang, lex: &Lexicons) -> (f32, Vec<f32>) {
    let lexicon = lex.lexicon(lang);
    let rules = rules(tokens, lang, lex);
    let negated = negation_flags(tokens, &rules);
    let shouting = tokens
        .iter()
        .any(|t| matches!(t, Tok::Word { caps: true, .. }))
        && tokens
            .iter()
            .any(|t| matches!(t, Tok::Word { caps: false, .. }));

    // In a title written in Title Case, capitals say nothing about names.
    let (words, capitalized) = tokens.iter().fold((0, 0), |(w, c), t| match t {
        Tok::Word { name, .. } => (w + 1, c + usize::from(*name)),
        _ => (w, c),
    });
    // English tweets capitalize words for emphasis ("Happy Birthday"): French only.
    let names_apply = lang == Lang::Fr && capitalized * 3 < words;

    let mut valences = vec![0.0f32; tokens.len()];
    let mut i = 0;
    while i < tokens.len() {
        let (mut v, width) = match &tokens[i] {
            Tok::Symbol(v) => (*v, 1),
            // A capitalized word inside a French sentence is likely a name (`France`,
            // `Orange`, `Bonheur`): it says nothing about how the writer feels.
            Tok::Word { name: true, .. } if names_apply => (0.0, 1),
            Tok::Word { text, .. } if rules[i].is_none() => match phrase_at(tokens, i, lexicon) {
                Some(found) => found,
                None => (lexicon.word(text, lang).unwrap_or(0.0), 1),
            },
            // A negation word with a valence of its own ("no") keeps it when nothing it
            // could flip follows ("there is no picture"), unless it stands alone.
            Tok::Word { text, .. } if rules[i] == Some(Rule::Negation) => {
                let own = lexicon.word(text, lang).unwrap_or(0.0);
                let flips_something = tokens[i + 1..]
                    .iter()
                    .take_while(|t| !t.is_break())
                    .take(NEGATION_SCOPE as usize)
                    .any(|t| match t {
                        Tok::Word { text, .. } => lexicon.word(text, lang).is_some(),
                        Tok::Symbol(_) => true,
                        _ => false,
                    });
                // "No, I had not…" answers; it does not judge.
                let interjection = tokens.get(i + 1).is_none_or(Tok::is_break);
                (
                    if flips_something || interjection {
                        0.0
                    } else {
                        own
                    },
                    1,
                )
            }
            _ => (0.0, 1),
        };
        if v > 0.0 && lang == Lang::Fr {
            v *= POSITIVE_WEIGHT_FR;
        }
        // Emphasis strengthens opinions; it does not make one of a word that barely leans.
        if v.abs() >= OPINION {
            if shouting && matches!(tokens[i], Tok::Word { caps: true, .. }) {
                v += CAPS * v.signum();
            }
            v += boost_before(tokens, &rules, i) * v.signum();
        }
        if negated[i] {
            v = if v < 0.0 && stays_negative(&tokens[i], lang) {
                // "pas terrible": not great, rather than good.
                v * -NEGATION
            } else {
                v * NEGATION
            };
        }
        valences[i] = v;
        i += width;
    }
    apply_contrast(tokens, &rules, &mut valences);
    apply_concession(tokens, &rules, &mut valences);

    let sum: f32 = valences.iter().sum();
    if sum == 0.0 {
        return (0.0, valences);
    }
    let bangs: u32 = tokens
        .iter()
        .map(|t| if let Tok::Bang(n) = t { *n } else { 0 })
        .sum();
    let questions: u32 = tokens
        .iter()
        .map(|t| if let Tok::Question(n) = t { *n } else { 0 })
        .sum();
    let mut emphasis = bangs.min(4) as f32 * BANG;
    if questions > 1 {
        emphasis += questions.min(3) as f32 * QUESTION;
    }
    // Punctuation strengthens what is there: a text that barely leans stays near neutral.
    let s = sum + emphasis * sum.signum() * (sum.abs() / OPINION).min(1.0);
    let mut compound = (s / (s * s + ALPHA).sqrt()).clamp(-1.0, 1.0);
    // A text full of opinion words that nearly cancel out is mixed, not neutral: it leans
    // the way its words add up.
    let strong = valences
        .iter()
        .filter(|v| v.abs() >= MIXED_MIN_WEIGHT)
        .count();
    if strong >= MIXED_MIN_OPINIONS && compound.abs() < NEUTRAL_BAND {
        compound = NEUTRAL_BAND.copysign(compound);
    }
    (compound, valences)
}

/// Negative words that stay negative under negation (`pas terrible`, `pas fou`: mediocre).
fn stays_negative(tok: &Tok, lang: Lang) -> bool {
    lang == Lang::Fr
        && tok
            .word()
            .is_some_and(|w| matches!(w, "terrible" | "terribles" | "fou" | "folle" | "fous"))
}

/// Halves what each concession word concedes: the rest of its clause.
fn apply_concession(tokens: &[Tok], rules: &[Option<Rule>], valences: &mut [f32]) {
    for k in (0..tokens.len()).filter(|&k| rules[k] == Some(Rule::Concession)) {
        for j in k + 1..tokens.len() {
            if tokens[j].is_break() || rules[j] == Some(Rule::Contrast) {
                break;
            }
            valences[j] *= CONCEDED;
        }
    }
}

/// A lexicon phrase of three or two words starting at `i`: its valence and width.
fn phrase_at(tokens: &[Tok], i: usize, lexicon: &lexicon::Lexicon) -> Option<(f32, usize)> {
    if !tokens[i].word().is_some_and(|w| lexicon.starts_phrase(w)) {
        return None;
    }
    let words: Vec<&str> = tokens[i..].iter().take(3).map_while(Tok::word).collect();
    (2..=words.len())
        .rev()
        .find_map(|n| lexicon.phrase(&words[..n]).map(|v| (v, n)))
}

/// The rule each token plays; a two-word rule (`un peu`, `kind of`) sits on its second word.
fn rules(tokens: &[Tok], lang: Lang, lex: &Lexicons) -> Vec<Option<Rule>> {
    let mut out: Vec<Option<Rule>> = tokens
        .iter()
        .map(|t| t.word().and_then(|w| lex.rule(w, lang)))
        .collect();
    for i in 1..tokens.len() {
        if let (Some(a), Some(b)) = (tokens[i - 1].word(), tokens[i].word())
            && let Some(rule) = lex.rule_phrase(a, b, lang)
        {
            out[i - 1] = Some(Rule::Booster(0.0));
            out[i] = Some(rule);
        }
    }
    out
}

/// Whether each token is under a negation.
fn negation_flags(tokens: &[Tok], rules: &[Option<Rule>]) -> Vec<bool> {
    let mut negated = vec![false; tokens.len()];
    let mut remaining = 0u32;
    // Where an open French `ne` stands.
    let mut ne: Option<usize> = None;
    for (i, tok) in tokens.iter().enumerate() {
        // An emoji or emoticon closes a thought: it is not negated, and ends the scope.
        if tok.is_break() || matches!(tok, Tok::Symbol(_)) || rules[i] == Some(Rule::Contrast) {
            remaining = 0;
            ne = None;
            continue;
        }
        match rules[i] {
            Some(Rule::Negation) => remaining = NEGATION_SCOPE,
            // `n'importe quoi`, `n'importe où`: no negation.
            Some(Rule::Ne) if tokens.get(i + 1).and_then(Tok::word) == Some("importe") => {}
            Some(Rule::Ne) => ne = Some(i),
            Some(Rule::NegationEnd { alone }) => {
                if ne.take().is_some() || alone {
                    remaining = NEGATION_SCOPE;
                }
            }
            _ if ne.is_some() && matches!(tok.word(), Some("que" | "qu'")) => {
                // `ne … que` means "only": what was flipped since `ne` was not negated.
                let from = ne.take().expect("checked");
                negated[from..i].iter_mut().for_each(|n| *n = false);
            }
            _ => {
                negated[i] = ne.is_some() || remaining > 0;
                remaining = remaining.saturating_sub(1);
            }
        }
    }
    negated
}

/// The boost the (up to three) rule words before token `i` give it, within its clause.
fn boost_before(tokens: &[Tok], rules: &[Option<Rule>], i: usize) -> f32 {
    let mut boost = 0.0;
    for (d, decay) in BOOST_DECAY.iter().enumerate() {
        let Some(j) = i.checked_sub(d + 1) else {
            break;
        };
        if tokens[j].is_break() {
            break;
        }
        if let Some(Rule::Booster(b)) = rules[j] {
            boost += b * decay;
        }
    }
    boost
}

/// Weighs the clauses around each contrast word: before it (back to the start of its
/// sentence, or of the previous one when it opens its sentence) × 0.5, after it (to the end
/// of its sentence) × 1.5.
fn apply_contrast(tokens: &[Tok], rules: &[Option<Rule>], valences: &mut [f32]) {
    for k in (0..tokens.len()).filter(|&k| rules[k] == Some(Rule::Contrast)) {
        let sentence_start = |from: usize| {
            (0..from)
                .rev()
                .find(|&j| tokens[j] == Tok::Sentence)
                .map_or(0, |j| j + 1)
        };
        let mut start = sentence_start(k);
        if start == k && k > 0 {
            start = sentence_start(k - 1);
        }
        let end = (k + 1..tokens.len())
            .find(|&j| tokens[j] == Tok::Sentence)
            .unwrap_or(tokens.len());
        valences[start..k]
            .iter_mut()
            .for_each(|v| *v *= BEFORE_CONTRAST);
        valences[k + 1..end]
            .iter_mut()
            .for_each(|v| *v *= AFTER_CONTRAST);
    }
}
