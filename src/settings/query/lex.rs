//! The query's tokens: words, quoted phrases, operators, scopes, with their byte offsets.

use super::{QueryError, err};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Minus,
    Near { distance: u32, ordered: bool },
    Scope(String),
    Quoted(String),
    Word(String),
}

const SCOPES: &[&str] = &["title", "text", "site", "lang", "case"];

pub(super) fn lex(q: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
    let mut toks = Vec::new();
    let mut chars = q.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '(' => {
                chars.next();
                toks.push((i, Tok::LParen));
            }
            ')' => {
                chars.next();
                toks.push((i, Tok::RParen));
            }
            '"' | '“' | '”' | '«' | '»' => {
                chars.next();
                let close: &[char] = if c == '«' {
                    &['»']
                } else {
                    &['"', '“', '”']
                };
                let start = i + c.len_utf8();
                let mut end = None;
                for (j, d) in chars.by_ref() {
                    if close.contains(&d) {
                        end = Some(j);
                        break;
                    }
                }
                let Some(end) = end else {
                    return err(i, "this quote is never closed");
                };
                toks.push((i, Tok::Quoted(q[start..end].trim().to_string())));
            }
            '-' if chars
                .clone()
                .nth(1)
                .is_some_and(|(_, d)| !d.is_whitespace()) =>
            {
                chars.next();
                toks.push((i, Tok::Minus));
            }
            _ => {
                let mut end = q.len();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_whitespace() || matches!(d, '(' | ')' | '"' | '“' | '”' | '«' | '»')
                    {
                        end = j;
                        break;
                    }
                    if d == ':' && SCOPES.contains(&q[i..j].to_ascii_lowercase().as_str()) {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                let word = &q[i..end];
                if chars.peek().is_some_and(|&(_, d)| d == ':')
                    && SCOPES.contains(&word.to_ascii_lowercase().as_str())
                {
                    chars.next();
                    toks.push((i, Tok::Scope(word.to_ascii_lowercase())));
                    continue;
                }
                let tok = match word {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    "NOT" => Tok::Not,
                    w if w.starts_with("NEAR/")
                        || w.starts_with("ONEAR/")
                        || w == "NEAR"
                        || w == "ONEAR" =>
                    {
                        let ordered = w.starts_with('O');
                        let n = w.split_once('/').map(|(_, n)| n).unwrap_or("");
                        let distance: u32 = match n.parse() {
                            Ok(d) => d,
                            Err(_) => {
                                return err(
                                    i,
                                    format!(
                                        "write {}/n with a number of words, e.g. {}/5",
                                        &w[..w.find('/').unwrap_or(w.len())],
                                        &w[..w.find('/').unwrap_or(w.len())]
                                    ),
                                );
                            }
                        };
                        if distance == 0 {
                            return err(
                                i,
                                "NEAR/0 means nothing: the distance is at least 1 word (use a phrase for adjacent words)",
                            );
                        }
                        Tok::Near { distance, ordered }
                    }
                    w => Tok::Word(w.to_string()),
                };
                toks.push((i, tok));
            }
        }
    }
    Ok(toks)
}
