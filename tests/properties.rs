//! Properties of folding and of the query parser, on generated input.

use proptest::prelude::*;
use vigie::settings::query;
use vigie::text::{Folded, fold};

/// Pieces of queries, valid and not, so generated strings hit the parser's corners.
const PIECES: &[&str] = &[
    "acme",
    "Acmé",
    "\"crédit agricole\"",
    "« service client »",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    "-",
    "NEAR/2",
    "ONEAR/3",
    "NEAR/0",
    "NEAR",
    "title:",
    "text:",
    "site:",
    "example.com",
    "lang:",
    "fr",
    "case:",
    "Orange",
    "toast*",
    "ac*",
    "l'acme",
    "\"",
    ":",
    "#acme",
    "@acme",
    "*",
    "rappel",
    "and",
];

fn query_text() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(PIECES), prop::bool::ANY), 0..12).prop_map(
        |parts| {
            let mut s = String::new();
            for (piece, space) in parts {
                s.push_str(piece);
                if space {
                    s.push(' ');
                }
            }
            s
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn folding_is_idempotent(s in "\\PC{0,40}|[ \\t\\n'’ÉéŒœßﬁ\u{a0}\u{b4}`A-Za-z-]{0,40}") {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert_eq!(Folded::new(&s).text, once);
    }

    #[test]
    fn the_parser_never_panics_and_errors_point_inside_the_input(q in "\\PC{0,30}") {
        if let Err(e) = query::parse(&q) {
            prop_assert!(e.pos <= q.len(), "{} > {}", e.pos, q.len());
            prop_assert!(q.is_char_boundary(e.pos));
        }
    }

    #[test]
    fn generated_queries_parse_or_point_inside_and_reprint_to_themselves(q in query_text()) {
        match query::parse(&q) {
            Ok(parsed) => {
                let printed = parsed.to_string();
                let again = query::parse(&printed);
                prop_assert_eq!(again.as_ref(), Ok(&parsed), "{:?} printed as {:?}", q, printed);
            }
            Err(e) => prop_assert!(e.pos <= q.len() && q.is_char_boundary(e.pos)),
        }
    }
}
