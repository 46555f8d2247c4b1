//! The word lists the scorer reads, built once from the data files in `data/` (see
//! `data/README.md` for their sources and licences) and from the rule words below.
//!
//! Valences are on VADER's scale, -4 (very negative) to +4 (very positive). Keys are folded
//! like the tokens (lower case, no accents), so `génial`, `Genial` and `GÉNIAL` are one word.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::text::fold;

use super::Lang;

/// A language's words and phrases with their valence.
#[derive(Debug, Default)]
pub struct Lexicon {
    words: HashMap<String, f32>,
    /// Two- and three-word entries, keyed by the folded words joined with one space.
    phrases: HashMap<String, f32>,
    /// The first word of each phrase: most words start none, and need no phrase lookup.
    heads: HashSet<String>,
    stop: HashSet<&'static str>,
    /// Words from another lexicon that only tip a text with nothing else to go on; they do
    /// not count as evidence of the language.
    weak: HashMap<String, f32>,
}

impl Lexicon {
    fn insert(&mut self, key: &str, valence: f32, overwrite: bool) {
        let key = fold(key.trim());
        if key.is_empty() {
            return;
        }
        let map = if let Some((head, _)) = key.split_once(' ') {
            self.heads.insert(head.to_string());
            &mut self.phrases
        } else {
            &mut self.words
        };
        if overwrite {
            map.insert(key, valence);
        } else {
            map.entry(key).or_insert(valence);
        }
    }

    /// Loads `word<TAB>valence` lines, multiplying by `scale`; existing words are kept
    /// unless `overwrite`.
    fn load(&mut self, data: &str, scale: f32, overwrite: bool) {
        for line in data.lines() {
            let Some((key, value)) = line.split_once('\t') else {
                continue;
            };
            if line.starts_with('#') {
                continue;
            }
            if let Ok(v) = value.trim().parse::<f32>() {
                self.insert(key, v * scale, overwrite);
            }
        }
    }

    /// Loads pattern's `form<TAB>polarity<TAB>subjectivity` lines: words at least
    /// `min_subjectivity` subjective, polarity × `scale`, where no entry exists yet.
    fn load_pattern(&mut self, data: &str, min_subjectivity: f32, scale: f32) {
        for line in data.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            let (Some(form), Some(p), Some(s)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            let (Ok(p), Ok(s)) = (p.parse::<f32>(), s.parse::<f32>()) else {
                continue;
            };
            if p != 0.0 {
                // A descriptive word ("premier", "vieux") only tips a text that has nothing
                // else to go on.
                let subjective = s >= min_subjectivity;
                let weight = if subjective { s } else { s * WEAK };
                let v = p * weight * scale;
                // For a subjective word, pattern's hand-tagged judgement wins over the
                // translated lexicon when they disagree, or when it is the stronger.
                let overrides = subjective
                    && self
                        .words
                        .get(&fold(form))
                        .is_none_or(|&old| old.signum() != v.signum() || v.abs() > old.abs());
                self.insert(form, v, overrides);
            }
        }
    }

    /// Like [`Lexicon::load_pattern`], for words the lexicon does not have yet.
    fn load_pattern_fallback(&mut self, data: &str, min_subjectivity: f32, scale: f32) {
        let mut extra = Lexicon::default();
        extra.load_pattern(data, min_subjectivity, scale);
        for (w, v) in extra.words {
            self.words.entry(w).or_insert(v);
        }
    }

    /// Words that must never carry a valence, not even through a guessed base form
    /// (`fois` is not the plural of `foi`).
    fn stop(&mut self, words: &'static [&'static str]) {
        for w in words {
            self.words.remove(*w);
        }
        self.stop = words.iter().copied().collect();
    }

    /// The valence of a phrase of two or three words, if it is one.
    pub fn phrase(&self, words: &[&str]) -> Option<f32> {
        if words.len() < 2 || !self.starts_phrase(words[0]) {
            return None;
        }
        let key = words.join(" ");
        self.phrases.get(&key).copied()
    }

    /// Whether some phrase starts with this folded word.
    pub fn starts_phrase(&self, word: &str) -> bool {
        self.heads.contains(word)
    }

    /// The valence of a folded word (see [`Lexicon::known`]), or of a word only known at a
    /// weak weight from another language.
    pub fn word(&self, word: &str, lang: Lang) -> Option<f32> {
        self.known(word, lang).or_else(|| {
            (!self.stop.contains(word))
                .then(|| self.weak.get(word).copied())
                .flatten()
        })
    }

    /// The valence of a folded word in this language's own lists. Stretched words (`goooood`, `géniaaal`) are shortened,
    /// and in French the feminine and plural endings are tried (`contentes` → `content`,
    /// `heureuse` → `heureux`).
    pub fn known(&self, word: &str, lang: Lang) -> Option<f32> {
        if let Some(&v) = self.words.get(word) {
            return (v != 0.0).then_some(v);
        }
        if self.stop.contains(word) || word.chars().count() < 2 {
            return None;
        }
        let shortened = [squeeze(word, 2), squeeze(word, 1)];
        for w in shortened.iter().flatten() {
            if let Some(&v) = self.words.get(w.as_str()) {
                return Some(v);
            }
        }
        if lang == Lang::Fr {
            return french_base(word, |base| self.words.get(base).copied());
        }
        None
    }
}

/// `word` with every run of three or more equal letters cut to `keep`, if it had one.
fn squeeze(word: &str, keep: usize) -> Option<String> {
    let stretched = word
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == w[1] && w[1] == w[2]);
    if !stretched {
        return None;
    }
    let mut out = String::with_capacity(word.len());
    let mut changed = false;
    let mut prev = None;
    let mut run = 0;
    let chars: Vec<char> = word.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if Some(c) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(c);
        }
        let run_len = run + chars[i + 1..].iter().take_while(|&&n| n == c).count();
        if run_len >= 3 {
            changed = true;
            if run > keep {
                continue;
            }
        }
        out.push(c);
    }
    changed.then_some(out)
}

/// The valence `lookup` gives the first French base form of `word` it knows: singular,
/// masculine (`contentes` → `content`, `heureuse` → `heureux`), then a first-group verb's
/// infinitive. The forms are written one at a time into one buffer.
fn french_base(word: &str, lookup: impl Fn(&str) -> Option<f32>) -> Option<f32> {
    let mut buf = String::with_capacity(word.len() + 2);
    let mut form = |stem: &str, end: &str| {
        buf.clear();
        buf.push_str(stem);
        buf.push_str(end);
        lookup(&buf)
    };
    let singular = word
        .strip_suffix('s')
        .or_else(|| word.strip_suffix('x'))
        .filter(|s| s.len() >= 3);
    for w in std::iter::once(word).chain(singular) {
        if w != word
            && let Some(v) = form(w, "")
        {
            return Some(v);
        }
        for (fem, masc) in [
            ("euse", "eux"),
            ("ive", "if"),
            ("elle", "el"),
            ("enne", "en"),
            ("onne", "on"),
            ("ette", "et"),
            ("ere", "er"),
            ("e", ""),
            ("aux", "al"),
        ] {
            if let Some(stem) = w.strip_suffix(fem)
                && stem.len() >= 3
                && let Some(v) = form(stem, masc)
            {
                return Some(v);
            }
        }
    }
    // Conjugated verbs of the first group, looked up as their infinitive: `déçoivent` stays
    // unknown, but `adorent`, `aimait`, `détesté`, `échouera` are found.
    for ending in [
        "ent", "ait", "aient", "era", "eront", "erait", "e", "es", "ons", "ez", "ee", "ees", "es",
    ] {
        if let Some(stem) = word.strip_suffix(ending)
            && stem.len() >= 3
            && let Some(v) = form(stem, "er")
        {
            return Some(v);
        }
    }
    None
}

/// How a rule word acts on the sentiment words after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Flips the next few words (`not`, `pas`, `jamais`, `sans`).
    Negation,
    /// French `ne`/`n'`: flips the words up to its second part (`pas`, `plus`, `jamais`,
    /// `rien`...) and a few after it.
    Ne,
    /// Second part of a French negation; alone (`c'est pas bon`) it negates by itself,
    /// except `plus`, which alone means "more".
    NegationEnd { alone: bool },
    /// Adds (or, when negative, takes away) this much to the next sentiment word's strength.
    Booster(f32),
    /// The clause after it weighs more than the one before (`but`, `mais`, `pourtant`).
    Contrast,
    /// What it concedes, up to the end of its clause, weighs less (`despite`, `malgré`,
    /// `même si`).
    Concession,
}

/// VADER's booster step.
pub const BOOST: f32 = 0.293;

const EN_RULES: &[(&str, Rule)] = &[
    ("not", Rule::Negation),
    ("no", Rule::Negation),
    ("never", Rule::Negation),
    ("none", Rule::Negation),
    ("nobody", Rule::Negation),
    ("nothing", Rule::Negation),
    ("nowhere", Rule::Negation),
    ("neither", Rule::Negation),
    ("nor", Rule::Negation),
    ("without", Rule::Negation),
    ("cannot", Rule::Negation),
    ("cant", Rule::Negation),
    ("dont", Rule::Negation),
    ("doesnt", Rule::Negation),
    ("didnt", Rule::Negation),
    ("isnt", Rule::Negation),
    ("arent", Rule::Negation),
    ("wasnt", Rule::Negation),
    ("werent", Rule::Negation),
    ("wont", Rule::Negation),
    ("wouldnt", Rule::Negation),
    ("shouldnt", Rule::Negation),
    ("couldnt", Rule::Negation),
    ("hasnt", Rule::Negation),
    ("havent", Rule::Negation),
    ("hadnt", Rule::Negation),
    ("aint", Rule::Negation),
    ("nope", Rule::Negation),
    ("absolutely", Rule::Booster(BOOST)),
    ("amazingly", Rule::Booster(BOOST)),
    ("awfully", Rule::Booster(BOOST)),
    ("completely", Rule::Booster(BOOST)),
    ("considerably", Rule::Booster(BOOST)),
    ("deeply", Rule::Booster(BOOST)),
    ("enormously", Rule::Booster(BOOST)),
    ("entirely", Rule::Booster(BOOST)),
    ("especially", Rule::Booster(BOOST)),
    ("exceptionally", Rule::Booster(BOOST)),
    ("extremely", Rule::Booster(BOOST)),
    ("fully", Rule::Booster(BOOST)),
    ("fucking", Rule::Booster(BOOST)),
    ("greatly", Rule::Booster(BOOST)),
    ("hella", Rule::Booster(BOOST)),
    ("highly", Rule::Booster(BOOST)),
    ("hugely", Rule::Booster(BOOST)),
    ("incredibly", Rule::Booster(BOOST)),
    ("intensely", Rule::Booster(BOOST)),
    ("more", Rule::Booster(BOOST)),
    ("most", Rule::Booster(BOOST)),
    ("particularly", Rule::Booster(BOOST)),
    ("purely", Rule::Booster(BOOST)),
    ("quite", Rule::Booster(BOOST)),
    ("really", Rule::Booster(BOOST)),
    ("remarkably", Rule::Booster(BOOST)),
    ("so", Rule::Booster(BOOST)),
    ("such", Rule::Booster(BOOST)),
    ("substantially", Rule::Booster(BOOST)),
    ("thoroughly", Rule::Booster(BOOST)),
    ("too", Rule::Booster(BOOST)),
    ("totally", Rule::Booster(BOOST)),
    ("tremendously", Rule::Booster(BOOST)),
    ("truly", Rule::Booster(BOOST)),
    ("unbelievably", Rule::Booster(BOOST)),
    ("utterly", Rule::Booster(BOOST)),
    ("very", Rule::Booster(BOOST)),
    ("almost", Rule::Booster(-BOOST)),
    ("barely", Rule::Booster(-BOOST)),
    ("hardly", Rule::Booster(-BOOST)),
    ("kinda", Rule::Booster(-BOOST)),
    ("less", Rule::Booster(-BOOST)),
    ("little", Rule::Booster(-BOOST)),
    ("marginally", Rule::Booster(-BOOST)),
    ("partly", Rule::Booster(-BOOST)),
    ("rather", Rule::Booster(-BOOST)),
    ("scarcely", Rule::Booster(-BOOST)),
    ("slightly", Rule::Booster(-BOOST)),
    ("somewhat", Rule::Booster(-BOOST)),
    ("sorta", Rule::Booster(-BOOST)),
    ("but", Rule::Contrast),
    ("despite", Rule::Concession),
    ("although", Rule::Concession),
    ("though", Rule::Concession),
    ("however", Rule::Contrast),
    ("nevertheless", Rule::Contrast),
    ("nonetheless", Rule::Contrast),
];

const FR_RULES: &[(&str, Rule)] = &[
    ("ne", Rule::Ne),
    ("n'", Rule::Ne),
    ("pas", Rule::NegationEnd { alone: true }),
    ("jamais", Rule::NegationEnd { alone: true }),
    ("rien", Rule::NegationEnd { alone: true }),
    ("aucun", Rule::NegationEnd { alone: true }),
    ("aucune", Rule::NegationEnd { alone: true }),
    ("guere", Rule::NegationEnd { alone: true }),
    ("point", Rule::NegationEnd { alone: false }),
    ("plus", Rule::NegationEnd { alone: false }),
    ("personne", Rule::NegationEnd { alone: false }),
    ("nullement", Rule::NegationEnd { alone: true }),
    ("sans", Rule::Negation),
    ("ni", Rule::Negation),
    ("non", Rule::Negation),
    ("peu", Rule::Negation),
    ("moins", Rule::Negation),
    ("tres", Rule::Booster(BOOST)),
    ("trop", Rule::Booster(BOOST)),
    ("vraiment", Rule::Booster(BOOST)),
    ("tellement", Rule::Booster(BOOST)),
    ("tant", Rule::Booster(BOOST)),
    ("hyper", Rule::Booster(BOOST)),
    ("ultra", Rule::Booster(BOOST)),
    ("archi", Rule::Booster(BOOST)),
    ("extra", Rule::Booster(BOOST)),
    ("extremement", Rule::Booster(BOOST)),
    ("completement", Rule::Booster(BOOST)),
    ("totalement", Rule::Booster(BOOST)),
    ("absolument", Rule::Booster(BOOST)),
    ("vachement", Rule::Booster(BOOST)),
    ("carrement", Rule::Booster(BOOST)),
    ("particulierement", Rule::Booster(BOOST)),
    ("incroyablement", Rule::Booster(BOOST)),
    ("terriblement", Rule::Booster(BOOST)),
    ("enormement", Rule::Booster(BOOST)),
    ("beaucoup", Rule::Booster(BOOST)),
    ("profondement", Rule::Booster(BOOST)),
    ("parfaitement", Rule::Booster(BOOST)),
    ("entierement", Rule::Booster(BOOST)),
    ("franchement", Rule::Booster(BOOST)),
    ("assez", Rule::Booster(-BOOST)),
    ("plutot", Rule::Booster(-BOOST)),
    ("legerement", Rule::Booster(-BOOST)),
    ("moyennement", Rule::Booster(-BOOST)),
    ("relativement", Rule::Booster(-BOOST)),
    ("presque", Rule::Booster(-BOOST)),
    ("mais", Rule::Contrast),
    ("malgre", Rule::Concession),
    ("cependant", Rule::Contrast),
    ("pourtant", Rule::Contrast),
    ("toutefois", Rule::Contrast),
    ("neanmoins", Rule::Contrast),
];

/// Multi-word rule words, folded: they act like one word placed on their last word.
const EN_RULE_PHRASES: &[(&str, Rule)] = &[
    ("kind of", Rule::Booster(-BOOST)),
    ("sort of", Rule::Booster(-BOOST)),
    ("a bit", Rule::Booster(-BOOST)),
    ("a little", Rule::Booster(-BOOST)),
    ("even though", Rule::Concession),
    ("even if", Rule::Concession),
    ("in spite", Rule::Concession),
    ("not only", Rule::Booster(0.0)),
];

const FR_RULE_PHRASES: &[(&str, Rule)] = &[
    ("un peu", Rule::Booster(-BOOST)),
    ("quelque peu", Rule::Booster(-BOOST)),
    ("a peine", Rule::Booster(-BOOST)),
    ("du tout", Rule::Booster(BOOST)),
    ("par contre", Rule::Contrast),
    ("en revanche", Rule::Contrast),
    ("sauf que", Rule::Contrast),
    ("meme si", Rule::Concession),
    ("bien que", Rule::Concession),
    ("en depit", Rule::Concession),
    ("non seulement", Rule::Booster(0.0)),
];

/// Everything the scorer reads, for both languages.
#[derive(Debug)]
pub struct Lexicons {
    pub en: Lexicon,
    pub fr: Lexicon,
    /// Emoji and emoticons, shared by both languages.
    pub symbols: HashMap<String, f32>,
    en_rules: HashMap<&'static str, Rule>,
    fr_rules: HashMap<&'static str, Rule>,
}

impl Lexicons {
    /// The lexicons, built on first use.
    pub fn get() -> &'static Lexicons {
        static LEXICONS: OnceLock<Lexicons> = OnceLock::new();
        LEXICONS.get_or_init(Lexicons::build)
    }

    fn build() -> Self {
        let mut en = Lexicon::default();
        let mut symbols = HashMap::new();
        for line in include_str!("data/en-vader.tsv").lines() {
            let Some((key, value)) = line.split_once('\t') else {
                continue;
            };
            let Ok(v) = value.parse::<f32>() else {
                continue;
            };
            if key.chars().any(char::is_alphabetic) && !is_emoticon(key) {
                en.insert(key, v, true);
            } else {
                symbols.insert(key.to_string(), v);
            }
        }
        en.load_pattern_fallback(
            include_str!("data/en-pattern.tsv"),
            PATTERN_MIN_SUBJECTIVITY,
            PATTERN_SCALE * EN_PATTERN_WEIGHT,
        );
        en.load(include_str!("data/en-vigie.tsv"), 1.0, true);

        let mut fr = Lexicon::default();
        fr.load(include_str!("data/fr-vader.tsv"), 1.0, true);
        fr.load_pattern(
            include_str!("data/fr-pattern.tsv"),
            PATTERN_MIN_SUBJECTIVITY,
            PATTERN_SCALE,
        );
        fr.load(include_str!("data/fr-vigie.tsv"), 1.0, true);
        // English words in French text ("happy", "fail") only tip a text that has nothing
        // else to go on: some are false friends ("pain", "rage").
        for (w, v) in &en.words {
            if !w.contains('\'') && !fr.words.contains_key(w) {
                fr.weak.insert(w.clone(), v * WEAK);
            }
        }

        // Folding merges `sûr` into `sur`, `là` into `la`: function words stay neutral.
        fr.stop(FRENCH_FUNCTION_WORDS);

        // An emoji is worth what its English name is ("face with tears of joy").
        for line in include_str!("data/emoji-vader.tsv").lines() {
            let Some((emoji, name)) = line.split_once('\t') else {
                continue;
            };
            let v: f32 = name
                .split([' ', '-', ':', ','])
                .filter_map(|w| en.word(&fold(w), Lang::En))
                .sum();
            if v != 0.0 {
                symbols.insert(emoji.to_string(), v.clamp(-4.0, 4.0));
            }
        }

        symbols.extend(
            include_str!("data/emoji-vigie.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('\t'))
                .filter_map(|(e, v)| Some((e.to_string(), v.trim().parse::<f32>().ok()?))),
        );

        Lexicons {
            en,
            fr,
            symbols,
            en_rules: EN_RULES.iter().copied().collect(),
            fr_rules: FR_RULES.iter().copied().collect(),
        }
    }

    pub fn lexicon(&self, lang: Lang) -> &Lexicon {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }

    /// The rule a folded word plays, if any. English words ending in `n't` negate.
    pub fn rule(&self, word: &str, lang: Lang) -> Option<Rule> {
        match lang {
            Lang::En => self
                .en_rules
                .get(word)
                .copied()
                .or_else(|| word.ends_with("n't").then_some(Rule::Negation)),
            Lang::Fr => self.fr_rules.get(word).copied(),
        }
    }

    /// The rule a two-word phrase plays, if any.
    pub fn rule_phrase(&self, first: &str, second: &str, lang: Lang) -> Option<Rule> {
        let table = match lang {
            Lang::En => EN_RULE_PHRASES,
            Lang::Fr => FR_RULE_PHRASES,
        };
        // "a b" without splitting each entry: same length, then each half.
        let len = first.len() + 1 + second.len();
        table.iter().find_map(|&(p, rule)| {
            (p.len() == len
                && p.starts_with(first)
                && p.ends_with(second)
                && p.as_bytes()[first.len()] == b' ')
                .then_some(rule)
        })
    }

    pub fn symbol(&self, s: &str) -> Option<f32> {
        let s = s.trim_end_matches(['\u{fe0f}', '\u{200d}']);
        self.symbols.get(s).copied().or_else(|| {
            // `:-P` is listed as `:-p`.
            s.bytes()
                .any(|b| b.is_ascii_uppercase())
                .then(|| self.symbols.get(&s.to_ascii_lowercase()).copied())
                .flatten()
        })
    }
}

/// pattern's polarities are in [-1, 1]; VADER's valences in [-4, 4].
const PATTERN_SCALE: f32 = 4.0;
/// pattern's entries less subjective than this are mostly descriptive ("premier", "vieux"),
/// and weigh [`WEAK`] as much.
const PATTERN_MIN_SUBJECTIVITY: f32 = 0.3;
const WEAK: f32 = 0.05;
const EN_PATTERN_WEIGHT: f32 = 0.04;

/// French function words (folded), some of which fold onto a lexicon word (`sur`/`sûr`).
const FRENCH_FUNCTION_WORDS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "du", "de", "et", "est", "sont", "je", "tu", "il",
    "elle", "nous", "vous", "ils", "elles", "ce", "cette", "ces", "mon", "ma", "mes", "ton", "ta",
    "tes", "son", "sa", "ses", "notre", "votre", "leur", "leurs", "que", "qui", "quoi", "dans",
    "pour", "avec", "sur", "sous", "ou", "donc", "tout", "tous", "toute", "toutes", "aussi",
    "comme", "au", "aux", "ca", "cela", "ceci", "chez", "par", "vers", "encore", "deja",
    "toujours", "quand", "alors", "si", "y", "a", "apres", "avant", "depuis", "entre", "fois",
    "autre", "autres", "meme", "memes", "puis", "part",
];

/// Entries of VADER's lexicon such as `:-d`, `xd` or `<3` that are faces, not words.
fn is_emoticon(key: &str) -> bool {
    key.chars().any(|c| c.is_ascii_punctuation()) && key.chars().count() <= 4
}
