//! The recursive-descent parser: tokens to a [`Query`], with depth limits and located errors.

use super::lex::{Tok, lex};
use super::{Query, QueryError, Scope, Term, TermKind, err, is_positive};
use crate::text::{fold, is_word_char};

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
