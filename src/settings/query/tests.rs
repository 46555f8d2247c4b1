//! Tests of the query language: parsing, precedence, errors and display.

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
