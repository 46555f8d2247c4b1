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

mod lex;
mod parse;
#[cfg(test)]
mod tests;

pub use parse::{MAX_DEPTH, parse};

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
