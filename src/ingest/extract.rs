//! From what a feed says to what Vigie keeps: HTML turned into clean text, canonical URLs,
//! language.
//!
//! All pure functions; feed HTML is only ever read as data here, never rendered.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Node};
use url::Url;

/// Longest text kept for one item, in bytes. Longer bodies are cut at a character boundary:
/// mentions stay searchable and the database stays small.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Elements whose content is never text a reader sees.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head",
    "title", "button", "select", "form",
];

/// Elements that start a new line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "hr",
    "dd",
    "dt",
    "dl",
    "main",
    "nav",
    "address",
];

/// Most tags handed to the HTML parser. html5ever's cost grows with the square of the
/// nesting depth (20,000 nested `<div>` take a second in release builds), so a hostile item
/// could stall a poll for hours. Real articles have a few hundred tags; past this limit the
/// tags are stripped by a linear pass instead.
const MAX_PARSED_TAGS: usize = 10_000;

/// Turns an HTML fragment into readable text: entities decoded, scripts and styles dropped,
/// block elements on their own lines, white space collapsed. Iterative, so hostile nesting
/// depth cannot overflow the stack, and linear past [`MAX_PARSED_TAGS`].
pub fn html_to_text(html: &str) -> String {
    if html.bytes().filter(|&b| b == b'<').count() > MAX_PARSED_TAGS {
        return strip_tags(html);
    }
    let doc = Html::parse_fragment(html);
    let mut out = String::new();
    let mut skip_depth = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if skip_depth > 0 || SKIPPED.contains(&name) {
                        skip_depth += 1;
                    } else if BLOCKS.contains(&name) {
                        out.push('\n');
                    }
                }
                Node::Text(t) if skip_depth == 0 => out.push_str(t),
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                    } else if BLOCKS.contains(&e.name()) {
                        out.push('\n');
                    }
                }
            }
        }
    }
    clean_text(&out)
}

/// The linear fallback of [`html_to_text`]: drops scripts, styles and every tag with
/// regular expressions (linear time), then lets the HTML parser decode entities in what is
/// left, which has no tags.
fn strip_tags(html: &str) -> String {
    static HIDDEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>").expect("valid regex")
    });
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)<[^<>]*>").expect("valid regex"));
    let visible = HIDDEN.replace_all(html, " ");
    let bare = TAG.replace_all(&visible, "\n").replace('<', "&lt;");
    let doc = Html::parse_fragment(&bare);
    let text: String = doc.root_element().text().collect();
    clean_text(&text)
}

/// Collapses white space inside lines, drops empty lines, trims, and caps the length.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_TEXT_BYTES));
    for line in s.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for (i, w) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
        if out.len() >= MAX_TEXT_BYTES {
            break;
        }
    }
    truncate_at_char(&mut out, MAX_TEXT_BYTES);
    out
}

/// Whether a feed field is HTML rather than plain text, when the feed does not say.
pub fn looks_like_html(s: &str) -> bool {
    s.contains('<') && s.contains('>') || s.contains("&#") || s.contains("&amp;")
}

fn truncate_at_char(s: &mut String, max: usize) {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}

/// Query parameters that only track the reader, or carry a session (PHP's and Java's
/// session ids); two links differing only in these are the same article.
fn is_tracking_param(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || k.starts_with("at_")
        || matches!(
            k.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "gbraid"
                | "wbraid"
                | "msclkid"
                | "yclid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "_hsenc"
                | "_hsmi"
                | "mkt_tok"
                | "xtor"
                | "ncid"
                | "cmpid"
                | "spm"
                | "ref_src"
                | "oly_enc_id"
                | "oly_anon_id"
                | "vero_id"
                | "phpsessid"
                | "jsessionid"
        )
}

/// phpBB's `sid`: a 32-hex-digit session id that changes with every visit. (A `sid` that is
/// not one, such as a story id, is kept.)
fn is_session_id(key: &str, value: &str) -> bool {
    key.eq_ignore_ascii_case("sid")
        && value.len() == 32
        && value.chars().all(|c| c.is_ascii_hexdigit())
}

/// The canonical form of an item link: resolved against `base`, fragment dropped, tracking
/// parameters removed, host lowercased, default port dropped. `None` when the link is not an
/// http(s) URL.
pub fn canonical_url(link: &str, base: Option<&Url>) -> Option<String> {
    let link = link.trim();
    let mut url = match Url::parse(link) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(link).ok()?,
        Err(_) => return None,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, v)| !is_tracking_param(k) && !is_session_id(k, v))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url.to_string())
}

/// The language of a text as an ISO 639-1 code, when it can be told reliably.
pub fn detect_language(text: &str) -> Option<String> {
    let info = whatlang::detect(text)?;
    if !info.is_reliable() {
        return None;
    }
    Some(iso639_1(info.lang().code()).to_string())
}

/// A feed's declared language (`fr-FR`, `en_us`, `FR`) as a lowercase ISO 639-1 code.
pub fn normalize_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_alphabetic())).then_some(primary)
}

/// whatlang speaks ISO 639-3; we store the two-letter codes feeds use. Languages without a
/// two-letter code keep their three-letter one.
fn iso639_1(code3: &'static str) -> &'static str {
    match code3 {
        "fra" => "fr",
        "eng" => "en",
        "deu" => "de",
        "spa" => "es",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "cat" => "ca",
        "pol" => "pl",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "nb",
        "fin" => "fi",
        "rus" => "ru",
        "ukr" => "uk",
        "ara" => "ar",
        "tur" => "tr",
        "jpn" => "ja",
        "cmn" => "zh",
        "kor" => "ko",
        "ron" => "ro",
        "ces" => "cs",
        "ell" => "el",
        "heb" => "he",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_readable_text() {
        let html = "<p>Acme&nbsp;rappelle <b>ses</b> produits&#8230;</p><script>alert(1)</script>\
                    <style>p{}</style><ul><li>un</li><li>deux</li></ul>Fin &amp; suite";
        assert_eq!(
            html_to_text(html),
            "Acme\u{a0}rappelle ses produits…\nun\ndeux\nFin & suite".replace('\u{a0}', " ")
        );
    }

    #[test]
    fn hostile_nesting_neither_overflows_nor_stalls() {
        // 100,000 levels: the parser would need minutes; the linear fallback answers at once.
        let html = "<div>".repeat(100_000) + "deep &amp; <b>bold</b>" + &"</div>".repeat(100_000);
        assert_eq!(html_to_text(&html), "deep &\nbold");
        let html = "<p>a < b</p>".repeat(6_000) + "<script>x()</script>";
        assert!(html_to_text(&html).starts_with("a < b\na < b"));
        assert!(!html_to_text(&html).contains("x()"));
    }

    #[test]
    fn text_is_capped_on_a_character_boundary() {
        let s = "é".repeat(MAX_TEXT_BYTES);
        let t = clean_text(&s);
        assert!(t.len() <= MAX_TEXT_BYTES && t.chars().all(|c| c == 'é'));
    }

    #[test]
    fn canonical_urls_drop_tracking_and_fragments() {
        assert_eq!(
            canonical_url(
                "https://News.Example.com:443/a?id=3&utm_source=x&fbclid=y&xtor=RSS-1#top",
                None
            )
            .unwrap(),
            "https://news.example.com/a?id=3"
        );
        assert_eq!(
            canonical_url("http://example.com/a?utm_medium=rss", None).unwrap(),
            "http://example.com/a"
        );
        let base = Url::parse("https://blog.example.org/feed/rss.xml").unwrap();
        assert_eq!(
            canonical_url("/2026/acme", Some(&base)).unwrap(),
            "https://blog.example.org/2026/acme"
        );
        assert_eq!(canonical_url("javascript:alert(1)", None), None);
        assert_eq!(canonical_url("mailto:a@b.c", None), None);
        // A forum's session id goes; a story id named `sid` stays.
        assert_eq!(
            canonical_url(
                "https://f.example/viewtopic.php?t=9&sid=0123456789abcdef0123456789ABCDEF&PHPSESSID=x",
                None
            )
            .unwrap(),
            "https://f.example/viewtopic.php?t=9"
        );
        assert_eq!(
            canonical_url("https://n.example/article.pl?sid=26/01/12/1234", None).unwrap(),
            "https://n.example/article.pl?sid=26%2F01%2F12%2F1234"
        );
    }

    #[test]
    fn languages() {
        assert_eq!(normalize_language("fr-FR").as_deref(), Some("fr"));
        assert_eq!(normalize_language("EN_us").as_deref(), Some("en"));
        assert_eq!(normalize_language("français"), None);
        assert_eq!(
            detect_language("Le service client de la marque ne répond plus depuis trois semaines et les clients sont furieux.").as_deref(),
            Some("fr")
        );
        assert_eq!(
            detect_language("The customer service of the brand has not answered for three weeks and customers are angry.").as_deref(),
            Some("en")
        );
    }
}
