//! Snippets: a line of text around a hit.

use std::ops::Range;

/// About `max_chars` characters of `text` around `hit`, cut at spaces where possible, with
/// `…` where text was cut, on one line. Walks outwards from the hit, so its cost does not
/// depend on the length of the text.
pub fn snippet(text: &str, hit: Range<usize>, max_chars: usize) -> String {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (hs, he) = (floor(hit.start), floor(hit.end.max(hit.start)));
    let room = max_chars.saturating_sub(text[hs..he].chars().count());
    // A third of the room before the hit, the rest after: readers want what comes next.
    let back = |from: usize, n: usize| -> (usize, usize) {
        let mut at = from;
        let mut taken = 0;
        for (i, _) in text[..from].char_indices().rev().take(n) {
            at = i;
            taken += 1;
        }
        (at, taken)
    };
    let (mut start, before) = back(hs, room / 3);
    let mut end = he;
    let mut after = 0;
    for (i, c) in text[he..].char_indices().take(room - before) {
        end = he + i + c.len_utf8();
        after += 1;
    }
    if before + after < room {
        start = back(start, room - before - after).0;
    }
    // Move the cuts to white space so no word is cut in half.
    if start > 0
        && let Some((i, c)) = text[start..hs]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
    {
        start += i + c.len_utf8();
    }
    if end < text.len()
        && let Some((i, _)) = text[he..end]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
    {
        end = he + i;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    for (i, w) in text[start..end].split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    if end < text.len() {
        out.push('…');
    }
    out
}
