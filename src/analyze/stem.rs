//! A light French and English stemmer for search: `frein` finds "freins", `allergene`
//! finds "allergènes", `recall` finds "recalled".
//!
//! It works on one folded word (see [`crate::text::fold`]: lower case, no accents) and
//! removes, in this order, at most one ending of each kind:
//! 1. the plural: `-aux` → `-al` (chevaux), `-ies` → `-i`, `-s`, `-x` after `eu`/`ou`, never
//!    from `-ss`, `-us`, `-is` (stress, virus, avis);
//! 2. the feminine or past participle `-ee`, `-e`, and the English `-y` (made `-i`, so
//!    "allergy", "allergie" and "allergies" meet);
//! 3. a common verb ending: French `-erent`, `-aient`, `-ait`, `-ant`, `-ent`, `-ons`, `-ez`,
//!    `-er`, English `-ing`, `-ed`;
//! 4. a doubled final consonant (rappellent → rappel, stopped → stop).
//!
//! Words of three letters or fewer are left alone, a plural or feminine ending leaves at
//! least three letters and a verb ending at least four, so short words (`bus`, `les`,
//! `client`, `moment`) do not collapse into others. Light by design: it merges the forms of
//! one word a person would expect a search to merge, not whole word families; the search
//! verifies every candidate with the stems of both sides, so a stem only has to be the
//! same for the forms of a word.

/// The stem of a folded word.
pub fn stem(word: &str) -> String {
    let mut w: Vec<char> = word.chars().collect();
    if w.len() <= 3 || !w.iter().all(|c| c.is_alphabetic()) {
        return word.to_string();
    }
    plural(&mut w);
    feminine(&mut w);
    verb(&mut w);
    if let [.., a, b] = w[..]
        && a == b
        && w.len() > 4
        && !"aeiouy".contains(b)
        && b.is_alphabetic()
    {
        w.pop();
    }
    w.into_iter().collect()
}

/// A prefix every word with stem `stem` starts with: the stem, less the letter a
/// replacement may have put there (`-al` from `-aux`, `-i` from `-y`). The full-text index
/// is searched with it as a prefix, and candidates are verified by their stems.
pub fn stem_key(stem: &str) -> &str {
    if (stem.ends_with("al") || stem.ends_with('i')) && stem.len() > 3 {
        &stem[..stem.len() - 1]
    } else {
        stem
    }
}

fn ends(w: &[char], suffix: &str) -> bool {
    let n = suffix.chars().count();
    w.len() >= n && w[w.len() - n..].iter().copied().eq(suffix.chars())
}

fn cut(w: &mut Vec<char>, n: usize, keep: usize) -> bool {
    if w.len() >= n + keep {
        w.truncate(w.len() - n);
        true
    } else {
        false
    }
}

fn plural(w: &mut Vec<char>) {
    if ends(w, "aux") && w.len() > 4 {
        w.truncate(w.len() - 2);
        w.push('l');
    } else if ends(w, "ies") {
        cut(w, 2, 3);
    } else if ends(w, "eux")
        || ends(w, "oux")
        || (ends(w, "s") && !ends(w, "ss") && !ends(w, "us") && !ends(w, "is"))
    {
        cut(w, 1, 3);
    }
}

fn feminine(w: &mut Vec<char>) {
    if ends(w, "ee") {
        cut(w, 2, 3);
    } else if ends(w, "e") {
        cut(w, 1, 3);
    } else if ends(w, "y") && w.len() > 3 {
        w.pop();
        w.push('i');
    }
}

fn verb(w: &mut Vec<char>) {
    const ENDINGS: &[&str] = &[
        "erent", "aient", "ait", "ant", "ent", "ons", "ing", "ez", "er", "ed",
    ];
    for e in ENDINGS {
        if ends(w, e) {
            cut(w, e.len(), 4);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each group: forms a person expects one search to find together.
    #[test]
    fn forms_of_a_word_share_a_stem() {
        let groups: &[&[&str]] = &[
            &[
                "frein", "freins", "freiner", "freinent", "freinait", "freinant",
            ],
            &["allergene", "allergenes", "allergen", "allergens"],
            &["allergie", "allergies", "allergy"],
            &[
                "rappel",
                "rappels",
                "rappeler",
                "rappele",
                "rappelee",
                "rappellent",
            ],
            &["voile", "voilee", "voilees", "voiles", "voiler"],
            &["cheval", "chevaux"],
            &["journal", "journaux"],
            &["recall", "recalls", "recalled", "recalling"],
            &["brake", "brakes", "braking"],
            &["battery", "batteries", "batterie"],
            &["client", "clients", "cliente", "clientes"],
            &["jeu", "jeux"],
            &["stop", "stopped", "stops"],
        ];
        for g in groups {
            let s = stem(g[0]);
            for w in &g[1..] {
                assert_eq!(stem(w), s, "{w} and {} should share a stem", g[0]);
            }
            for w in *g {
                assert!(
                    w.starts_with(stem_key(&s)),
                    "{w} does not start with the key {:?} of its stem",
                    stem_key(&s)
                );
            }
        }
    }

    #[test]
    fn short_and_distinct_words_stay_apart() {
        for (a, b) in [
            ("bus", "bu"),
            ("les", "le"),
            ("client", "cli"),
            ("moment", "mom"),
            ("virus", "viru"),
            ("avis", "avi"),
            ("stress", "stres"),
            ("frein", "freinte"),
            ("rappel", "rapport"),
        ] {
            assert_ne!(stem(a), stem(b), "{a} and {b} must not merge");
        }
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("2026s"), "2026s");
    }
}
