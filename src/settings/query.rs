//! The watchlist query language.
//!
//! ```text
//! query    := or
//! or       := and ("OR" and)*
//! and      := unary (["AND"] unary)*          adjacent terms are ANDed
//! unary    := "NOT" unary | "-" unary | near
//! near     := primary [("NEAR/n" | "ONEAR/n") primary]
//! primary  := "(" query ")" | scope ":" primary | term
//! scope    := title | text | site | lang | case
//! term     := word | word* | "exact phrase"
//! ```
//! Operators are upper case (`and`, `or`, `not` in lower case are plain words). `NEAR/n`:
//! both terms within n words of each other, either order; `ONEAR/n`: in that order. A
//! wildcard needs at least 3 letters before the `*`. `title:` and `text:` restrict terms to a
//! field; `site:example.com` keeps items whose link is on that host or a subdomain;
//! `lang:fr` keeps items in that language; `case:` makes terms case-sensitive.
//!
//! Every error carries the byte offset of the problem in the query, so `vigie check` can put
//! a caret under it.

use std::fmt;

use crate::text::{fold, is_word_char};

/// Where a term must occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Any,
    Title,
    Text,
}

/// How a term matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// A word or an exact phrase, on word boundaries.
    Exact,
    /// A word prefix (`acm*`): the word may go on.
    Prefix,
}

/// One searchable term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// As written (without quotes or `*`).
    pub text: String,
    /// Written in quotes (kept so printing gives the query back).
    pub quoted: bool,
    pub kind: TermKind,
    pub scope: Scope,
    pub case_sensitive: bool,
}

impl Term {
    /// A quoted, any-field, case-insensitive exact term: how names and aliases are read.
    pub fn phrase(text: &str) -> Term {
        Term {
            text: text.to_string(),
            quoted: true,
            kind: TermKind::Exact,
            scope: Scope::Any,
            case_sensitive: false,
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Term(Term),
    /// Item link on this host or a subdomain (lowercase).
    Site(String),
    /// Item language (ISO 639-1, lowercase).
    Lang(String),
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
    /// Either side is one term, or several in OR: `acme NEAR/3 (rappel OR recall)`.
    Near {
        left: Vec<Term>,
        right: Vec<Term>,
        distance: u32,
        ordered: bool,
    },
}

/// A syntax error at a byte offset of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// Byte offset of the problem in the query text (at most its length).
    pub pos: usize,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for QueryError {}

impl QueryError {
    /// The query on one line and a caret under the problem, for a terminal.
    pub fn show(&self, query: &str) -> String {
        let col = query[..self.pos.min(query.len())].chars().count();
        format!("{query}\n{}^ {}", " ".repeat(col), self.message)
    }
}

fn err<T>(pos: usize, message: impl Into<String>) -> Result<T, QueryError> {
    Err(QueryError {
        pos,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
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

fn lex(q: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
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

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    len: usize,
    /// Parentheses and negations open around the current token.
    depth: usize,
}

/// How deep parentheses and negations may nest: far more than a person writes, few enough
/// that parsing and matching never run out of stack.
pub const MAX_DEPTH: usize = 32;

/// Parses a query. The result has at least one term that can match (a query of only
/// `NOT`s or filters would match everything, or nothing useful).
pub fn parse(q: &str) -> Result<Query, QueryError> {
    let toks = lex(q)?;
    if toks.is_empty() {
        return err(0, "the query is empty");
    }
    let mut p = Parser {
        toks,
        at: 0,
        len: q.len(),
        depth: 0,
    };
    let query = p.or()?;
    if let Some((pos, tok)) = p.toks.get(p.at) {
        return match tok {
            Tok::RParen => err(*pos, "this parenthesis closes nothing"),
            _ => err(*pos, "unexpected here"),
        };
    }
    check_positive(&query, 0)?;
    Ok(query)
}

impl Parser {
    /// Runs `f` one level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        pos: usize,
        f: impl FnOnce(&mut Self) -> Result<T, QueryError>,
    ) -> Result<T, QueryError> {
        if self.depth >= MAX_DEPTH {
            return err(
                pos,
                format!("parentheses and NOT nest more than {MAX_DEPTH} levels deep here"),
            );
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.at).map_or(self.len, |(p, _)| *p)
    }

    fn or(&mut self) -> Result<Query, QueryError> {
        if self.peek() == Some(&Tok::Or) {
            return err(self.pos(), "OR needs something before it");
        }
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            let op = self.pos();
            self.at += 1;
            if self.starts_unary() {
                parts.push(self.and()?);
            } else {
                return err(op, "OR needs something after it");
            }
        }
        Ok(flatten(parts, true))
    }

    fn starts_unary(&self) -> bool {
        matches!(
            self.peek(),
            Some(
                Tok::LParen | Tok::Not | Tok::Minus | Tok::Scope(_) | Tok::Quoted(_) | Tok::Word(_)
            )
        )
    }

    fn and(&mut self) -> Result<Query, QueryError> {
        if self.peek() == Some(&Tok::And) {
            return err(self.pos(), "AND needs something before it");
        }
        let mut parts = vec![self.unary()?];
        loop {
            if self.peek() == Some(&Tok::And) {
                let op = self.pos();
                self.at += 1;
                if !self.starts_unary() {
                    return err(op, "AND needs something after it");
                }
                parts.push(self.unary()?);
            } else if self.starts_unary() {
                parts.push(self.unary()?);
            } else {
                break;
            }
        }
        Ok(flatten(parts, false))
    }

    fn unary(&mut self) -> Result<Query, QueryError> {
        match self.peek() {
            Some(Tok::Not) | Some(Tok::Minus) => {
                let op = self.pos();
                let word = if self.peek() == Some(&Tok::Not) {
                    "NOT"
                } else {
                    "-"
                };
                self.at += 1;
                if !self.starts_unary() {
                    return err(op, format!("{word} needs something after it"));
                }
                Ok(Query::Not(Box::new(self.nested(op, Self::unary)?)))
            }
            _ => self.near(),
        }
    }

    fn near(&mut self) -> Result<Query, QueryError> {
        let left_pos = self.pos();
        let left = self.primary(Scope::Any, false)?;
        let Some(&Tok::Near { distance, ordered }) = self.peek() else {
            return Ok(left);
        };
        let op = self.pos();
        self.at += 1;
        let Some(left) = near_side(left) else {
            return err(
                left_pos,
                "NEAR needs a word, a phrase, or (a OR b ...) on its left",
            );
        };
        if !matches!(
            self.peek(),
            Some(Tok::LParen | Tok::Scope(_) | Tok::Quoted(_) | Tok::Word(_))
        ) {
            return err(op, "NEAR needs a word, a phrase, or (a OR b ...) after it");
        }
        let right_pos = self.pos();
        let Some(right) = near_side(self.primary(Scope::Any, false)?) else {
            return err(
                right_pos,
                "NEAR needs a word, a phrase, or (a OR b ...) on its right",
            );
        };
        if let Some(Tok::Near { .. }) = self.peek() {
            return err(
                self.pos(),
                "NEAR cannot be chained: use (a NEAR/n b) AND (b NEAR/n c)",
            );
        }
        Ok(Query::Near {
            left,
            right,
            distance,
            ordered,
        })
    }

    fn primary(&mut self, scope: Scope, case: bool) -> Result<Query, QueryError> {
        let Some((pos, tok)) = self.toks.get(self.at).cloned() else {
            return err(self.len, "something is missing at the end");
        };
        self.at += 1;
        match tok {
            Tok::LParen => {
                if self.peek() == Some(&Tok::RParen) {
                    return err(pos, "empty parentheses");
                }
                let inner = self.nested(pos, Self::or)?;
                if self.peek() != Some(&Tok::RParen) {
                    return err(pos, "this parenthesis is never closed");
                }
                self.at += 1;
                apply(inner, scope, case, pos)
            }
            Tok::Scope(name) => {
                if !matches!(
                    self.peek(),
                    Some(Tok::LParen | Tok::Quoted(_) | Tok::Word(_) | Tok::Scope(_))
                ) {
                    return err(pos, format!("{name}: needs a value"));
                }
                match name.as_str() {
                    "site" | "lang" => {
                        let vpos = self.pos();
                        let value = match self.toks.get(self.at).cloned() {
                            Some((_, Tok::Word(w) | Tok::Quoted(w))) => w,
                            _ => return err(vpos, format!("{name}: needs a single value")),
                        };
                        self.at += 1;
                        if name == "site" {
                            let host = value
                                .trim()
                                .trim_start_matches("*.")
                                .trim_end_matches('/')
                                .to_ascii_lowercase();
                            let host = host.split("://").last().unwrap_or("").to_string();
                            // Item hosts are compared without "www.", so this one is too.
                            let host = host
                                .strip_prefix("www.")
                                .map(str::to_string)
                                .unwrap_or(host);
                            let hostlike = host
                                .chars()
                                .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                                && host.chars().any(char::is_alphanumeric)
                                && !host.starts_with(['-', '.']);
                            if !hostlike {
                                return err(vpos, "site: takes a host name, e.g. site:example.com");
                            }
                            Ok(Query::Site(host))
                        } else {
                            let lang = value.trim().to_ascii_lowercase();
                            if lang.len() != 2 || !lang.chars().all(|c| c.is_ascii_alphabetic()) {
                                return err(
                                    vpos,
                                    "lang: takes a two-letter language code, e.g. lang:fr",
                                );
                            }
                            Ok(Query::Lang(lang))
                        }
                    }
                    "title" => self.scoped(Scope::Title, case, scope, pos),
                    "text" => self.scoped(Scope::Text, case, scope, pos),
                    _ => self.primary(scope, true),
                }
            }
            Tok::Quoted(text) => term(text, true, scope, case, pos),
            Tok::Word(w) => term(w, false, scope, case, pos),
            Tok::RParen => err(pos, "this parenthesis closes nothing"),
            Tok::And | Tok::Or => err(pos, "an operator cannot start here"),
            Tok::Near { .. } => err(pos, "NEAR needs a word or a phrase before it"),
            Tok::Not | Tok::Minus => err(pos, "NOT is not allowed here"),
        }
    }

    fn scoped(
        &mut self,
        new: Scope,
        case: bool,
        outer: Scope,
        pos: usize,
    ) -> Result<Query, QueryError> {
        if outer != Scope::Any && outer != new {
            return err(pos, "title: and text: cannot be nested in each other");
        }
        self.primary(new, case)
    }
}

/// Builds a term, checking it can match something.
fn term(
    raw: String,
    quoted: bool,
    scope: Scope,
    case: bool,
    pos: usize,
) -> Result<Query, QueryError> {
    let (text, kind) = match raw.strip_suffix('*') {
        Some(prefix) if !quoted => {
            if prefix.contains('*') {
                return err(pos, "only one * is allowed, at the end of a word");
            }
            let letters = fold(prefix).chars().filter(|c| is_word_char(*c)).count();
            if letters < 3 {
                return err(pos, "a wildcard needs at least 3 letters before the *");
            }
            (prefix.to_string(), TermKind::Prefix)
        }
        _ => {
            if !quoted && raw.contains('*') {
                return err(pos, "a * is only allowed at the end of a word");
            }
            (raw, TermKind::Exact)
        }
    };
    if !fold(&text).chars().any(is_word_char) {
        return err(pos, "this term has no letter or digit");
    }
    Ok(Query::Term(Term {
        text,
        quoted,
        kind,
        scope,
        case_sensitive: case,
    }))
}

/// Applies a scope and case flag to every term of a group.
fn apply(q: Query, scope: Scope, case: bool, pos: usize) -> Result<Query, QueryError> {
    if scope == Scope::Any && !case {
        return Ok(q);
    }
    let fix = |mut t: Term| -> Result<Term, QueryError> {
        if scope != Scope::Any {
            if t.scope != Scope::Any && t.scope != scope {
                return err(pos, "title: and text: cannot be nested in each other");
            }
            t.scope = scope;
        }
        t.case_sensitive |= case;
        Ok(t)
    };
    Ok(match q {
        Query::Term(t) => Query::Term(fix(t)?),
        Query::Near {
            left,
            right,
            distance,
            ordered,
        } => Query::Near {
            left: left.into_iter().map(fix).collect::<Result<_, _>>()?,
            right: right.into_iter().map(fix).collect::<Result<_, _>>()?,
            distance,
            ordered,
        },
        Query::And(v) => Query::And(
            v.into_iter()
                .map(|x| apply(x, scope, case, pos))
                .collect::<Result<_, _>>()?,
        ),
        Query::Or(v) => Query::Or(
            v.into_iter()
                .map(|x| apply(x, scope, case, pos))
                .collect::<Result<_, _>>()?,
        ),
        Query::Not(x) => Query::Not(Box::new(apply(*x, scope, case, pos)?)),
        f @ (Query::Site(_) | Query::Lang(_)) => {
            if scope != Scope::Any {
                return err(pos, "site: and lang: cannot be inside title: or text:");
            }
            f
        }
    })
}

/// One side of a NEAR: a term, or an OR of terms.
fn near_side(q: Query) -> Option<Vec<Term>> {
    match q {
        Query::Term(t) => Some(vec![t]),
        Query::Or(v) => v
            .into_iter()
            .map(|x| {
                if let Query::Term(t) = x {
                    Some(t)
                } else {
                    None
                }
            })
            .collect(),
        _ => None,
    }
}

fn flatten(parts: Vec<Query>, or: bool) -> Query {
    let mut out = Vec::new();
    for p in parts {
        match (p, or) {
            (Query::Or(v), true) | (Query::And(v), false) => out.extend(v),
            (p, _) => out.push(p),
        }
    }
    if out.len() == 1 {
        out.pop().expect("one part")
    } else if or {
        Query::Or(out)
    } else {
        Query::And(out)
    }
}

/// Whether the query has a `lang:` filter (only then does an item's language matter).
pub fn uses_lang(q: &Query) -> bool {
    match q {
        Query::Lang(_) => true,
        Query::And(v) | Query::Or(v) => v.iter().any(uses_lang),
        Query::Not(x) => uses_lang(x),
        Query::Term(_) | Query::Site(_) | Query::Near { .. } => false,
    }
}

/// Every word and phrase of the query, in order.
pub fn terms(q: &Query) -> Vec<&Term> {
    fn walk<'q>(q: &'q Query, out: &mut Vec<&'q Term>) {
        match q {
            Query::Term(t) => out.push(t),
            Query::Near { left, right, .. } => out.extend(left.iter().chain(right)),
            Query::And(v) | Query::Or(v) => v.iter().for_each(|q| walk(q, out)),
            Query::Not(x) => walk(x, out),
            Query::Site(_) | Query::Lang(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(q, &mut out);
    out
}

/// Whether a query can match by itself: it needs a term that is not negated.
pub fn is_positive(q: &Query) -> bool {
    match q {
        Query::Term(_) | Query::Near { .. } => true,
        Query::Site(_) | Query::Lang(_) | Query::Not(_) => false,
        Query::And(v) => v.iter().any(is_positive),
        Query::Or(v) => v.iter().all(is_positive),
    }
}

fn check_positive(q: &Query, pos: usize) -> Result<(), QueryError> {
    if is_positive(q) {
        Ok(())
    } else {
        err(
            pos,
            "the query needs at least one word or phrase that is not excluded (a query of only NOT, site: or lang: would match every item)",
        )
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.scope {
            Scope::Any => {}
            Scope::Title => write!(f, "title:")?,
            Scope::Text => write!(f, "text:")?,
        }
        if self.case_sensitive {
            write!(f, "case:")?;
        }
        if self.quoted {
            write!(f, "\"{}\"", self.text)
        } else {
            write!(f, "{}", self.text)?;
            if self.kind == TermKind::Prefix {
                write!(f, "*")
            } else {
                Ok(())
            }
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn child(q: &Query, f: &mut fmt::Formatter<'_>, parent_and: bool) -> fmt::Result {
            let wrap = match q {
                Query::Or(_) => parent_and,
                Query::And(_) => !parent_and,
                _ => false,
            };
            if wrap {
                write!(f, "({q})")
            } else {
                write!(f, "{q}")
            }
        }
        match self {
            Query::Term(t) => write!(f, "{t}"),
            Query::Site(s) => write!(f, "site:{s}"),
            Query::Lang(l) => write!(f, "lang:{l}"),
            Query::Not(q) => match **q {
                Query::And(_) | Query::Or(_) => write!(f, "NOT ({q})"),
                _ => write!(f, "NOT {q}"),
            },
            Query::Near {
                left,
                right,
                distance,
                ordered,
            } => {
                fn side(f: &mut fmt::Formatter<'_>, terms: &[Term]) -> fmt::Result {
                    if let [one] = terms {
                        return write!(f, "{one}");
                    }
                    write!(f, "(")?;
                    for (i, t) in terms.iter().enumerate() {
                        if i > 0 {
                            write!(f, " OR ")?;
                        }
                        write!(f, "{t}")?;
                    }
                    write!(f, ")")
                }
                side(f, left)?;
                write!(f, " {}NEAR/{distance} ", if *ordered { "O" } else { "" })?;
                side(f, right)
            }
            Query::And(v) | Query::Or(v) => {
                let and = matches!(self, Query::And(_));
                for (i, q) in v.iter().enumerate() {
                    if i > 0 {
                        write!(f, "{}", if and { " AND " } else { " OR " })?;
                    }
                    child(q, f, and)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(q: &str) -> String {
        parse(q)
            .unwrap_or_else(|e| panic!("{q}: {}", e.show(q)))
            .to_string()
    }

    fn bad(q: &str) -> (usize, String) {
        let e = parse(q).expect_err(q);
        (e.pos, e.message)
    }

    #[test]
    fn deep_nesting_is_refused_where_it_goes_too_deep() {
        let deep = |n: usize| format!("{}acme{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(ok(&deep(MAX_DEPTH)), "acme");
        let (pos, message) = bad(&deep(MAX_DEPTH + 1));
        assert_eq!(pos, MAX_DEPTH, "{message}");
        assert!(message.contains("32 levels"), "{message}");
        // A hundred thousand levels: an error, not a stack overflow.
        assert!(bad(&deep(100_000)).1.contains("levels"));
        assert!(
            bad(&format!("acme {}trail", "NOT ".repeat(100_000)))
                .1
                .contains("levels")
        );
        assert_eq!(
            terms(&parse("acme (rappel OR recall NEAR/2 x) -trail site:a.com").unwrap())
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>(),
            ["acme", "rappel", "recall", "x", "trail"]
        );
    }

    #[test]
    fn operators_precedence_and_implicit_and() {
        assert_eq!(ok("acme OR globex initech"), "acme OR (globex AND initech)");
        assert_eq!(
            ok("(acme OR globex) initech"),
            "(acme OR globex) AND initech"
        );
        assert_eq!(ok("acme -trail"), "acme AND NOT trail");
        assert_eq!(
            ok("acme NOT (trail OR hiking)"),
            "acme AND NOT (trail OR hiking)"
        );
        assert_eq!(
            ok("and or not"),
            "and AND or AND not",
            "lower case words are terms"
        );
    }

    #[test]
    fn terms_phrases_wildcards_near_scopes() {
        assert_eq!(
            ok("« Crédit Agricole » acme*"),
            "\"Crédit Agricole\" AND acme*"
        );
        assert_eq!(ok("acme NEAR/3 recall"), "acme NEAR/3 recall");
        assert_eq!(
            ok("(acme OR \"acme corp\") NEAR/3 (rappel OR recall)"),
            "(acme OR \"acme corp\") NEAR/3 (rappel OR recall)"
        );
        assert_eq!(
            ok("title:(acme OR globex) NEAR/2 (x)"),
            "(title:acme OR title:globex) NEAR/2 x"
        );
        assert_eq!(
            ok("\"acme corp\" ONEAR/2 rappel"),
            "\"acme corp\" ONEAR/2 rappel"
        );
        assert_eq!(
            ok("title:(acme OR globex) site:https://News.Example.com/ lang:FR"),
            "(title:acme OR title:globex) AND site:news.example.com AND lang:fr"
        );
        assert_eq!(ok("case:Orange telecom"), "case:Orange AND telecom");
        assert_eq!(ok("text:case:\"Orange\""), "text:case:\"Orange\"");
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(
            bad("(acme OR globex"),
            (0, "this parenthesis is never closed".into())
        );
        assert_eq!(bad("acme) x").0, 4);
        assert_eq!(bad("acme AND").0, 5);
        assert_eq!(bad("OR acme").0, 0);
        assert!(bad("acme NEAR/0 x").1.starts_with("NEAR/0 means nothing"));
        assert_eq!(bad("acme NEAR/0 x").0, 5);
        assert!(bad("acme NEAR x").1.contains("NEAR/n"));
        assert_eq!(
            bad("ac* x"),
            (0, "a wildcard needs at least 3 letters before the *".into())
        );
        assert_eq!(bad("x \"open").0, 2);
        assert!(bad("-acme").1.contains("at least one word"));
        assert!(bad("site:acme.com").1.contains("at least one word"));
        assert_eq!(bad("").0, 0);
        assert!(bad("(a b) NEAR/2 c").1.contains("on its left"));
        assert!(bad("a NEAR/2 (b OR NOT c)").1.contains("on its right"));
        assert!(bad("a NEAR/2 b NEAR/2 c").1.contains("chained"));
        assert!(bad("lang:french acme").1.contains("two-letter"));
        assert!(bad("acme site:-").1.contains("host name"));
        assert_eq!(ok("acme site:www.Acme.fr"), "acme AND site:acme.fr");
        assert!(bad("acme site:example.com/path").1.contains("host name"));
        assert!(bad("title:text:acme").1.contains("nested"));
    }
}
