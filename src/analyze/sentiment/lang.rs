//! Which language a short text is in, for scoring: French, English or neither.
//!
//! Statistical detectors guess poorly on a tweet ("Acme au top !" has four words), so the
//! first evidence is function words, which even short texts are full of, and French
//! elisions and accents. When neither language shows any ("awesome phone choice"), the
//! language whose lexicon knows more of the words wins; only then is a general detector
//! (whatlang) asked, and it has to be confident to call the text something else.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Lang;
use super::lexicon::Lexicons;
use super::tokenize::Tok;

/// Frequent French words that are not English words (folded).
const FRENCH: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "du", "de", "et", "est", "sont", "je", "tu", "il",
    "elle", "nous", "vous", "ils", "elles", "ce", "cette", "ces", "mon", "ma", "mes", "ton", "ta",
    "tes", "ses", "notre", "votre", "leur", "leurs", "que", "qui", "quoi", "dans", "pour", "pas",
    "avec", "sur", "mais", "ou", "donc", "tres", "trop", "plus", "moins", "bien", "tout", "tous",
    "toute", "toutes", "aussi", "comme", "etre", "avoir", "ete", "fait", "faire", "ai", "avons",
    "avez", "ont", "suis", "sommes", "etes", "etait", "au", "aux", "ca", "cela", "ceci", "chez",
    "par", "sans", "sous", "vers", "encore", "deja", "jamais", "rien", "toujours", "quand",
    "alors", "oui", "merci", "bonjour", "c'", "l'", "d'", "j'", "n'", "qu'", "s'", "m'", "t'", "y",
    "ne", "peu", "vraiment", "quel", "quelle", "cest", "jai", "apres", "avant", "depuis", "entre",
];

/// Frequent English words that are not French words (folded).
const ENGLISH: &[&str] = &[
    "the", "and", "is", "are", "was", "were", "be", "been", "being", "i", "you", "he", "she", "it",
    "we", "they", "my", "your", "his", "her", "our", "their", "this", "that", "these", "those",
    "of", "to", "in", "for", "with", "at", "by", "from", "not", "but", "or", "so", "very", "what",
    "when", "who", "how", "just", "all", "can", "will", "would", "should", "could", "have", "has",
    "had", "do", "does", "did", "don't", "it's", "i'm", "get", "got", "like", "if", "about",
    "there", "an", "than", "then", "too", "really", "one", "out", "up", "no", "its", "im", "dont",
    "you're", "can't", "didn't", "doesn't", "isn't", "was", "which", "more", "some", "any", "only",
    "after", "before", "because", "while", "into", "over",
];

/// Frequent words of the other languages of Western Europe that are neither French nor
/// English words (folded): Spanish, Italian, German, Portuguese, Dutch. Words that are also
/// French or English (`es`, `die`, `con`, `van`) are left out.
const OTHER: &[&str] = &[
    "el", "los", "las", "del", "por", "una", "muy", "para", "pero", "lo", "como", "esta", "este",
    "di", "che", "della", "sono", "gli", "anche", "molto", "questo", "der", "das", "und", "ist",
    "nicht", "ich", "mit", "sehr", "auch", "ein", "eine", "nao", "uma", "muito", "com", "het",
    "een", "niet", "zijn", "ook", "maar",
];

/// The verbs and nouns of news headlines that are words of one language only (folded): a
/// headline has few function words ("Acme annonce 300 licenciements" has none).
const FRENCH_HEADLINE: &[&str] = &[
    "annonce",
    "annoncent",
    "lance",
    "lancent",
    "ouvre",
    "ouvrent",
    "rappelle",
    "rappellent",
    "retire",
    "retirent",
    "devoile",
    "presente",
    "signe",
    "recrute",
    "ferme",
    "fermeture",
    "supprime",
    "licencie",
    "licenciement",
    "licenciements",
    "rachete",
    "cede",
    "depose",
    "chute",
    "plonge",
    "grimpe",
    "bondit",
    "condamne",
    "visant",
    "greve",
    "enquete",
    "plainte",
    "faillite",
    "nouveau",
    "nouvelle",
    "salaries",
    "clients",
    "magasins",
];
const ENGLISH_HEADLINE: &[&str] = &[
    "announces",
    "launches",
    "opens",
    "recalls",
    "unveils",
    "signs",
    "hires",
    "closes",
    "cuts",
    "buys",
    "sells",
    "sues",
    "wins",
    "says",
    "warns",
    "admits",
    "files",
    "faces",
    "plans",
    "expands",
    "layoffs",
    "strike",
    "customers",
    "stores",
    "shares",
    "new",
];

/// Each function word and its language (`None`: another language's).
fn function_words() -> &'static HashMap<&'static str, Option<Lang>> {
    static FUNCTION_WORDS: OnceLock<HashMap<&'static str, Option<Lang>>> = OnceLock::new();
    FUNCTION_WORDS.get_or_init(|| {
        let other = OTHER.iter().map(|&w| (w, None));
        let en = ENGLISH.iter().map(|&w| (w, Some(Lang::En)));
        other
            .chain(en)
            .chain(FRENCH.iter().map(|&w| (w, Some(Lang::Fr))))
            .collect()
    })
}

/// The words [`clear_language`] reads: enough to tell, and a long text costs no more.
const CLEAR_WORDS: usize = 80;

/// French or English when the function words of the first [`CLEAR_WORDS`] words of
/// `parts` say so clearly: at least three, one language twice the other (French accents
/// count for French), and hardly any of another language's. `None` when they do not: a general
/// detector decides. Costs a few hash lookups where a statistical detector costs ~60 µs,
/// and it is the better judge of French against English on a short text.
pub fn clear_language(parts: &[&str]) -> Option<Lang> {
    let function_words = function_words();
    let (mut fr, mut en, mut other) = (0u32, 0u32, 0u32);
    let mut buf = String::new();
    let words = parts
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’'))
        .filter(|w| !w.is_empty())
        .take(CLEAR_WORDS);
    for w in words {
        // An elision ("l'usine", "qu’il") is French; else the word, lowercased. Words
        // with accents are not function words except in French, counted below.
        if let Some((head, _)) = w.split_once(['\'', '’'])
            && ["l", "d", "j", "n", "qu", "s", "m", "t", "c"]
                .contains(&head.to_lowercase().as_str())
        {
            fr += 1;
            continue;
        }
        if !w.is_ascii() || w.len() > 8 {
            continue;
        }
        buf.clear();
        buf.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        match function_words.get(buf.as_str()) {
            Some(Some(Lang::Fr)) => fr += 1,
            Some(Some(Lang::En)) => en += 1,
            Some(None) => other += 1,
            None => {}
        }
    }
    if parts.iter().any(|p| has_french_accent(p)) {
        fr += 1;
    }
    let (lead, lang, behind) = if fr > en {
        (fr, Lang::Fr, en)
    } else {
        (en, Lang::En, fr)
    };
    // Spanish or Italian share "de", "la", "que", "il" with French: a few of their own
    // words ("los", "una", "che") among them leave it to the detector.
    let foreign = other >= 2 && other * 3 >= lead;
    (lead >= 3 && lead >= 2 * behind && !foreign).then_some(lang)
}

/// French letters with accents, which English text rarely has.
fn has_french_accent(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            'é' | 'è' | 'ê' | 'à' | 'ç' | 'ù' | 'û' | 'ô' | 'î' | 'œ' | 'É'
        )
    })
}

/// The language of `text` (tokenized as `tokens`), or `None` when it is neither French nor
/// English (or nothing can tell).
pub fn detect(text: &str, tokens: &[Tok], lex: &Lexicons) -> Option<Lang> {
    let function_words = function_words();
    let (mut fr, mut en, mut other, mut words) = (0u32, 0u32, 0u32, 0u32);
    for w in tokens.iter().filter_map(Tok::word) {
        words += 1;
        match function_words.get(w) {
            Some(Some(Lang::Fr)) => fr += 1,
            Some(Some(Lang::En)) => en += 1,
            Some(None) => other += 1,
            None if FRENCH_HEADLINE.contains(&w) => fr += 1,
            None if ENGLISH_HEADLINE.contains(&w) => en += 1,
            None => {}
        }
    }
    // Spanish, Italian, German, Portuguese or Dutch ("de", "la" and "y" are theirs too).
    if other >= 2 && other >= fr.max(en) {
        return None;
    }
    if has_french_accent(text) {
        fr += 1;
    }
    match fr.cmp(&en) {
        std::cmp::Ordering::Greater => return Some(Lang::Fr),
        std::cmp::Ordering::Less => return Some(Lang::En),
        std::cmp::Ordering::Equal if fr > 0 => return Some(Lang::Fr),
        std::cmp::Ordering::Equal => {}
    }
    // No function words at all: a very short text, or another language.
    let known = |lang: Lang| {
        tokens
            .iter()
            .filter_map(Tok::word)
            .filter(|w| lex.lexicon(lang).known(w, lang).is_some())
            .count()
    };
    // A single French word among English-looking ones ("task force") is not enough.
    let (fr, en) = (known(Lang::Fr), known(Lang::En));
    if fr >= en + 2 {
        return Some(Lang::Fr);
    }
    if en > fr {
        return Some(Lang::En);
    }
    if tokens.iter().filter_map(Tok::word).nth(2).is_none() {
        // Two words or fewer: too short for any detector.
        return Some(Lang::En);
    }
    match whatlang::detect(text) {
        Some(info) if info.lang() == whatlang::Lang::Fra => Some(Lang::Fr),
        Some(info) if info.lang() == whatlang::Lang::Eng => Some(Lang::En),
        Some(info) if info.is_reliable() && words >= 4 => None,
        // Too short to tell: English, the language of most slang and emoji.
        _ => Some(Lang::En),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_tell_french_from_english_or_leave_it_to_a_detector() {
        let fr = "Rappel de produits : l'entreprise retire ses biscuits des rayons après \
                  une alerte sur les allergènes";
        assert_eq!(clear_language(&["Rappel", fr]), Some(Lang::Fr));
        let en = "The company recalls its biscuits after a warning about allergens in the \
                  chocolate range";
        assert_eq!(clear_language(&["Recall", en]), Some(Lang::En));
        // Spanish shares "de", "la", "que" with French: not called French.
        let es = "La empresa retira sus galletas de los supermercados por una alerta \
                  de alérgenos que afecta a la gama";
        assert_eq!(clear_language(&["", es]), None);
        // Too few function words, or as many of each: the general detector decides.
        assert_eq!(clear_language(&["Acme", "awesome phone choice"]), None);
        assert_eq!(clear_language(&["", "the le and et of de"]), None);
    }
}
