//! One story, wherever it appears: syndicated copies, an alert and its original, the same
//! article with another title or a "Lire la suite" tacked on, are recognised as one story.
//!
//! Each mention gets a 64-bit SimHash of its folded title and text: word pairs (after
//! dropping short function words and read-more boilerplate) are hashed, and each bit of the
//! fingerprint is the majority vote of the pairs' bits. Near-identical texts get
//! fingerprints a few bits apart; unrelated texts, about 32 bits apart. Two mentions of a
//! brand whose fingerprints differ by at most [`MAX_DISTANCE`] bits, found within
//! [`STORY_WINDOW`] of each other, are one story (the threshold was set on the fixtures of
//! `tests/stories.rs`, whose distances are printed by that test).

use std::time::Duration;

use crate::text::fold;

/// Most differing bits between two copies of one story.
pub const MAX_DISTANCE: u32 = 12;

/// How far apart in time two copies of a story may be found.
pub const STORY_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

/// Words that say nothing of the story.
const STOPWORDS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "de", "du", "d", "l", "et", "a", "au", "aux", "en",
    "pour", "par", "sur", "dans", "que", "qui", "ne", "pas", "se", "sa", "son", "ses", "ce", "est",
    "il", "elle", "on", "the", "an", "of", "to", "in", "and", "for", "on", "at", "by", "is", "are",
    "was", "it", "its", "with", "as", "from", "that", "this",
];

/// Read-more boilerplate that copies add or drop.
const BOILERPLATE: &[&str] = &[
    "lire la suite",
    "la suite",
    "lire l'article",
    "voir plus",
    "en savoir plus",
    "read more",
    "continue reading",
    "read the full story",
    "the post appeared first on",
    "cet article est paru en premier sur",
];

/// Fewest words a text needs for a fingerprint: below, two unrelated posts titled
/// "Acme ?" would be one story.
pub const MIN_WORDS: usize = 6;

/// The fingerprint of a mention's title and text, when it has enough words to tell.
pub fn fingerprint(title: &str, text: &str) -> Option<u64> {
    let (hash, words) = simhash_words(title, text);
    (words >= MIN_WORDS).then_some(hash)
}

/// The fingerprint of a mention's title and text (see [`fingerprint`] for one that
/// declines texts too short to tell).
pub fn simhash(title: &str, text: &str) -> u64 {
    simhash_words(title, text).0
}

fn simhash_words(title: &str, text: &str) -> (u64, usize) {
    let mut folded = fold(&format!("{title}\n{text}"));
    for b in BOILERPLATE {
        if folded.contains(b) {
            folded = folded.replace(b, " ");
        }
    }
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        // (No stop word is longer than four bytes.)
        .filter(|w| !w.is_empty() && (w.len() > 4 || !STOPWORDS.contains(w)))
        .take(400)
        .collect();
    let mut votes = [0i32; 64];
    let mut add = |h: u64| {
        for (bit, v) in votes.iter_mut().enumerate() {
            *v += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    if words.len() == 1 {
        add(hash(&[words[0]]));
    }
    for pair in words.windows(2) {
        // The pair "a b", hashed without being written out.
        add(hash(&[pair[0], " ", pair[1]]));
    }
    let hash = votes
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0)
        .fold(0u64, |acc, (bit, _)| acc | 1 << bit);
    (hash, words.len())
}

/// How many bits two fingerprints differ by.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// FNV-1a with a final mixer, over the concatenation of `parts`: well spread bits for
/// short strings.
fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_stop_word_is_longer_than_the_shortcut_assumes() {
        // `simhash_words` only looks up words of four bytes or fewer.
        assert!(STOPWORDS.iter().all(|w| w.len() <= 4));
    }
}
