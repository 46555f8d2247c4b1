//! The forgiving front end of the feed parser: what feed-rs refuses, rewritten into what it
//! reads, and only when it refused (a well-formed feed is never touched).
//!
//! Two passes, each tried after the one before failed:
//! 1. [`normalise`]: documents that are well-formed but in a shape feed-rs does not know,
//!    rewritten into one it does without changing what they say: `<rss>` without a version
//!    or with an odd one (0.93, 2.01…) as RSS 2.0; RSS 0.90's namespace as RSS 1.0's; RSS
//!    1.1 (`<Channel>`) as RSS 2.0; Atom 0.3 (its namespace and element names) as Atom 1.0;
//!    an Atom `content` of a type feed-rs fails on read as text, or left out when it is
//!    binary or elsewhere (`src`).
//! 2. [`recover`]: ill-formed XML mended the way browsers and feedparser mend it: text or a
//!    BOM before the XML declaration dropped; a feed inside an XHTML page taken out of it;
//!    HTML entity names (`&eacute;`, `&nbsp;`) turned into characters; a stray `&` or `<`
//!    escaped; duplicate attributes dropped; an element left open closed where its parent
//!    ends, a closing tag with no opening dropped.
//!
//! Each pass says what it fixed, in words an operator can pass on to the publisher.
//! Pure: text in, text out. Markup is scanned by [`scan`], which knows CDATA sections,
//! comments and processing instructions, so nothing inside them is rewritten.

use std::borrow::Cow;

/// A piece of a document as [`scan`] cuts it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece<'a> {
    /// Character data between markup.
    Text(&'a str),
    /// `<name ...>`, `</name>` or `<name .../>`, brackets included.
    Tag(&'a str),
    /// A CDATA section, comment, processing instruction or DOCTYPE, kept as it is.
    Other(&'a str),
}

/// Cuts `doc` into text, tags and the rest. A `<` that starts no markup (`a < b`) is text;
/// an unterminated tag at the end is text.
fn scan(doc: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = doc;
    let mut text_start = 0usize;
    let mut pos = 0usize;
    while let Some(lt) = rest.find('<') {
        let at = pos + lt;
        let tail = &doc[at..];
        let end = if tail.starts_with("<![CDATA[") {
            tail.find("]]>").map(|e| (e + 3, false))
        } else if tail.starts_with("<!--") {
            tail.find("-->").map(|e| (e + 3, false))
        } else if tail.starts_with("<?") {
            tail.find("?>").map(|e| (e + 2, false))
        } else if tail.starts_with("<!") {
            tail.find('>').map(|e| (e + 1, false))
        } else if tail[1..]
            .chars()
            .next()
            .is_some_and(|c| c == '/' || c.is_alphabetic() || c == '_')
        {
            tag_end(tail).map(|e| (e, true))
        } else {
            None
        };
        match end {
            Some((len, is_tag)) => {
                if text_start < at {
                    out.push(Piece::Text(&doc[text_start..at]));
                }
                let raw = &doc[at..at + len];
                out.push(if is_tag {
                    Piece::Tag(raw)
                } else {
                    Piece::Other(raw)
                });
                pos = at + len;
                text_start = pos;
            }
            None => pos = at + 1,
        }
        rest = &doc[pos..];
    }
    if text_start < doc.len() {
        out.push(Piece::Text(&doc[text_start..]));
    }
    out
}

/// The length of the tag at the start of `s` (through its `>`, quotes respected), if it
/// ends before another `<` outside quotes.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Start,
    End,
    Empty,
}

/// A tag's kind and name.
fn tag_info(tag: &str) -> (Kind, &str) {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    let (kind, inner) = match inner.strip_prefix('/') {
        Some(rest) => (Kind::End, rest),
        None if inner.ends_with('/') => (Kind::Empty, inner.trim_end_matches('/')),
        None => (Kind::Start, inner),
    };
    let name = inner
        .split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("");
    (kind, name)
}

/// The attributes of a start tag, in order: (name, value without its quotes).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let (_, name) = tag_info(tag);
    let Some(start) = tag.find(name).map(|i| i + name.len()) else {
        return Vec::new();
    };
    let mut rest = tag[start..].trim_end_matches('>').trim_end_matches('/');
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            // An unquoted value: up to the next space.
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            out.push((key, &after[..end]));
            rest = &after[end..];
            continue;
        };
        let Some(close) = after[1..].find(q) else {
            break;
        };
        out.push((key, &after[1..1 + close]));
        rest = &after[close + 2..];
        if key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
    }
    out
}

/// The start and empty tags of `doc`, in order, with their names and raw attribute values
/// (entities not decoded): what a reader of a flat document such as OPML needs.
pub fn open_tags(doc: &str) -> Vec<(&str, Vec<(&str, &str)>)> {
    scan(doc)
        .into_iter()
        .filter_map(|p| {
            let Piece::Tag(t) = p else { return None };
            let (kind, name) = tag_info(t);
            (kind != Kind::End).then(|| (name, attributes(t)))
        })
        .collect()
}

/// A start tag written out again with `attrs` (values double-quoted).
fn write_tag(name: &str, attrs: &[(&str, Cow<'_, str>)], empty: bool) -> String {
    let mut s = format!("<{name}");
    for (k, v) in attrs {
        s.push_str(&format!(" {k}=\"{}\"", v.replace('"', "&quot;")));
    }
    s.push_str(if empty { "/>" } else { ">" });
    s
}

const ATOM_03: &str = "http://purl.org/atom/ns#";
const ATOM_10: &str = "http://www.w3.org/2005/Atom";
const RSS_090: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS_10: &str = "http://purl.org/rss/1.0/";

/// RSS versions feed-rs reads as they are.
const RSS_VERSIONS: &[&str] = &["0.91", "0.92", "2.0"];

/// Pass 1: a well-formed document in a shape feed-rs does not know, rewritten into one it
/// does. `None` when there is nothing of the kind to rewrite.
pub fn normalise(doc: &str) -> Option<(String, Vec<String>)> {
    let pieces = scan(doc);
    let root = pieces.iter().find_map(|p| match p {
        Piece::Tag(t) if tag_info(t).0 != Kind::End => Some(*t),
        _ => None,
    })?;
    let (_, root_name) = tag_info(root);
    let attrs = attributes(root);
    let xmlns = attrs.iter().find(|(k, _)| *k == "xmlns").map(|(_, v)| *v);
    let mut fixes = Vec::new();
    let mut out = String::with_capacity(doc.len() + 64);
    match root_name {
        "rss" => {
            let version = attrs.iter().find(|(k, _)| *k == "version").map(|(_, v)| *v);
            if version.is_some_and(|v| RSS_VERSIONS.contains(&v)) {
                return None;
            }
            fixes.push(match version {
                None => "RSS without a version, read as RSS 2.0".to_string(),
                Some(v) => format!("RSS version \"{v}\", read as RSS 2.0"),
            });
            for p in &pieces {
                match p {
                    Piece::Tag(t) if std::ptr::eq(*t, root) => {
                        let mut kept: Vec<(&str, Cow<str>)> = vec![("version", "2.0".into())];
                        kept.extend(
                            attrs
                                .iter()
                                .filter(|(k, _)| *k != "version")
                                .map(|(k, v)| (*k, Cow::Borrowed(*v))),
                        );
                        out.push_str(&write_tag("rss", &kept, false));
                    }
                    other => out.push_str(raw(other)),
                }
            }
        }
        "rdf:RDF" if doc.contains(RSS_090) => {
            fixes.push("RSS 0.90, read as RSS 1.0".to_string());
            for p in &pieces {
                match p {
                    Piece::Tag(t) => out.push_str(&t.replace(RSS_090, RSS_10)),
                    other => out.push_str(raw(other)),
                }
            }
        }
        "Channel" => {
            fixes.push("RSS 1.1, read as RSS 2.0".to_string());
            for p in &pieces {
                match p {
                    Piece::Tag(t) => match tag_info(t) {
                        (Kind::Start, "Channel") => out.push_str("<rss version=\"2.0\"><channel>"),
                        (Kind::End, "Channel") => out.push_str("</channel></rss>"),
                        (_, "items") => {}
                        _ => out.push_str(t),
                    },
                    other => out.push_str(raw(other)),
                }
            }
        }
        "feed" => {
            let atom03 =
                xmlns == Some(ATOM_03) || attrs.iter().any(|(k, v)| *k == "version" && *v == "0.3");
            let contents = atom_contents(&pieces, atom03, &mut out);
            if atom03 {
                fixes.push("Atom 0.3, read as Atom 1.0".to_string());
            }
            if contents > 0 {
                fixes.push(format!(
                    "{contents} Atom content element(s) of an unusual type read as text or left out"
                ));
            }
            if fixes.is_empty() {
                return None;
            }
        }
        _ => return None,
    }
    Some((out, fixes))
}

/// Writes an Atom feed's pieces to `out`: Atom 0.3 names and namespace as Atom 1.0's when
/// `atom03`, and each `content` feed-rs would fail on (a text type that is not `text`,
/// `html` or `xhtml`; empty; `src=`; binary) as text, or left out. Returns how many
/// contents it changed.
fn atom_contents(pieces: &[Piece<'_>], atom03: bool, out: &mut String) -> usize {
    let rename = |name: &str| -> Option<&'static str> {
        match name {
            "issued" => Some("published"),
            "modified" => Some("updated"),
            "tagline" => Some("subtitle"),
            "copyright" => Some("rights"),
            _ => None,
        }
    };
    let mut changed = 0;
    let mut skip_depth = 0usize;
    let mut i = 0;
    while i < pieces.len() {
        let p = pieces[i];
        i += 1;
        if skip_depth > 0 {
            if let Piece::Tag(t) = p {
                match tag_info(t).0 {
                    Kind::Start => skip_depth += 1,
                    Kind::End => skip_depth -= 1,
                    Kind::Empty => {}
                }
            }
            continue;
        }
        let Piece::Tag(t) = p else {
            out.push_str(raw(&p));
            continue;
        };
        let (kind, name) = tag_info(t);
        if name == "content" && kind != Kind::End {
            let attrs = attributes(t);
            let ty = attrs.iter().find(|(k, _)| *k == "type").map(|(_, v)| *v);
            let mode = attrs.iter().find(|(k, _)| *k == "mode").map(|(_, v)| *v);
            let has_src = attrs.iter().any(|(k, _)| *k == "src");
            let empty = kind == Kind::Empty
                || matches!(pieces.get(i), Some(Piece::Tag(e)) if tag_info(e) == (Kind::End, "content"));
            let fine = !has_src
                && !empty
                && mode.is_none_or(|m| m == "xml")
                && ty.is_none_or(|t| {
                    matches!(t, "text" | "html" | "xhtml" | "text/html")
                        || t.ends_with("+xml")
                        || t.ends_with("/xml")
                });
            if fine {
                out.push_str(t);
                continue;
            }
            changed += 1;
            let textual = ty.is_none_or(|t| t.is_empty() || t.starts_with("text/"));
            if has_src || empty || !textual || mode == Some("base64") {
                // Nothing to read here: the summary speaks for the entry.
                if kind == Kind::Start {
                    skip_depth = 1;
                }
                continue;
            }
            // Escaped HTML (Atom 0.3's `mode="escaped"`) or plain text.
            let html = ty.is_some_and(|t| t.contains("html"));
            out.push_str(if html {
                "<content type=\"html\">"
            } else {
                "<content type=\"text\">"
            });
            continue;
        }
        let fixed = if atom03 {
            let t2 = t.replace(ATOM_03, ATOM_10);
            match rename(name) {
                Some(new) => {
                    let from = if kind == Kind::End {
                        format!("</{name}")
                    } else {
                        format!("<{name}")
                    };
                    let to = if kind == Kind::End {
                        format!("</{new}")
                    } else {
                        format!("<{new}")
                    };
                    t2.replacen(&from, &to, 1)
                }
                None => t2,
            }
        } else {
            t.to_string()
        };
        out.push_str(&fixed);
    }
    changed
}

fn raw<'a>(p: &Piece<'a>) -> &'a str {
    match *p {
        Piece::Text(s) | Piece::Tag(s) | Piece::Other(s) => s,
    }
}

/// Pass 2: ill-formed XML mended (see the module's comment). `None` when nothing needed
/// mending, so the caller knows this pass cannot help.
pub fn recover(doc: &str) -> Option<(String, Vec<String>)> {
    let mut fixes: Vec<String> = Vec::new();
    let mut fix = |what: &str| {
        if !fixes.iter().any(|f| f == what) {
            fixes.push(what.to_string());
        }
    };
    // Whatever comes before the XML declaration or the first element.
    let start = doc
        .find("<?xml")
        .filter(|&i| i > 0)
        .or_else(|| {
            let i = doc.find('<')?;
            (i > 0).then_some(i)
        })
        .unwrap_or(0);
    if start > 0 {
        fix("text before the XML declaration dropped");
    }
    let doc = &doc[start..];
    let pieces = scan(doc);
    // A feed inside an (X)HTML page.
    let root_at = pieces
        .iter()
        .position(|p| matches!(p, Piece::Tag(t) if tag_info(t).0 != Kind::End));
    let mut pieces: &[Piece] = &pieces;
    if let Some(r) = root_at
        && let Piece::Tag(t) = pieces[r]
        && tag_info(t).1.eq_ignore_ascii_case("html")
        && let Some(feed) = pieces[r..].iter().position(|p| {
            matches!(p, Piece::Tag(t) if matches!(tag_info(t), (Kind::Start, "rss" | "feed" | "rdf:RDF")))
        })
    {
        fix("the feed was inside an HTML page");
        pieces = &pieces[r + feed..];
    }
    let mut out = String::with_capacity(doc.len() + 64);
    let mut open: Vec<&str> = Vec::new();
    let mut root_closed = false;
    for p in pieces {
        if root_closed {
            break;
        }
        match *p {
            Piece::Text(t) => out.push_str(&mend_text(t, &mut fix)),
            Piece::Other(o) => out.push_str(o),
            Piece::Tag(t) => {
                let (kind, name) = tag_info(t);
                match kind {
                    Kind::Start | Kind::Empty => {
                        out.push_str(&mend_tag(t, kind, name, &mut fix));
                        if kind == Kind::Start {
                            open.push(name);
                        }
                    }
                    Kind::End => match open.iter().rposition(|o| *o == name) {
                        Some(at) => {
                            if at + 1 < open.len() {
                                fix("elements left open were closed");
                            }
                            for o in open.drain(at..).rev() {
                                out.push_str(&format!("</{o}>"));
                            }
                            root_closed = open.is_empty();
                        }
                        None => fix("closing tags without an opening one dropped"),
                    },
                }
            }
        }
    }
    if !open.is_empty() {
        fix("elements left open were closed");
        for o in open.drain(..).rev() {
            out.push_str(&format!("</{o}>"));
        }
    }
    (!fixes.is_empty()).then_some((out, fixes))
}

/// A start tag with duplicate attributes dropped and entities in values mended.
fn mend_tag(tag: &str, kind: Kind, name: &str, fix: &mut impl FnMut(&str)) -> String {
    let attrs = attributes(tag);
    let mut seen: Vec<&str> = Vec::new();
    let mut kept: Vec<(&str, Cow<str>)> = Vec::new();
    for (k, v) in attrs {
        if seen.contains(&k) {
            fix("duplicate attributes dropped");
            continue;
        }
        seen.push(k);
        kept.push((k, mend_text(v, fix)));
    }
    let rewritten = write_tag(name, &kept, kind == Kind::Empty);
    // Only written out again when something changed, so that odd spacing stays.
    if kept.iter().all(|(_, v)| matches!(v, Cow::Borrowed(_)))
        && seen.len() == attributes(tag).len()
    {
        tag.to_string()
    } else {
        rewritten
    }
}

/// Character data with HTML entity names turned into characters and a stray `&` or `<`
/// escaped.
fn mend_text<'a>(text: &'a str, fix: &mut impl FnMut(&str)) -> Cow<'a, str> {
    if !text.contains(['&', '<']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('<') {
            fix("a stray < was escaped");
            out.push_str("&lt;");
            rest = after;
            continue;
        }
        let entity = tail[1..]
            .find(';')
            .filter(|&e| e > 0 && e <= 32)
            .map(|e| &tail[1..1 + e]);
        match entity {
            Some(name) if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") => {
                out.push_str(&tail[..name.len() + 2]);
            }
            Some(num) if num.starts_with('#') && numeric_ok(&num[1..]) => {
                out.push_str(&tail[..num.len() + 2]);
            }
            Some(name) if html_entity(name).is_some() => {
                fix("HTML entities were turned into characters");
                let c = html_entity(name).unwrap_or('\u{fffd}');
                out.push_str(&format!("&#{};", c as u32));
            }
            _ => {
                fix("a stray & was escaped");
                out.push_str("&amp;");
                rest = &tail[1..];
                continue;
            }
        }
        rest = &tail[entity.map_or(1, |e| e.len() + 2)..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Text with the HTML entity names of [`html_entity`] (`&eacute;`, `&nbsp;`) as their
/// characters: what a parser left of entities XML does not define.
pub fn html_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let named = tail[1..]
            .find(';')
            .filter(|&e| e > 0 && e <= 8)
            .and_then(|e| Some((html_entity(&tail[1..1 + e])?, e + 2)));
        match named {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `123` or `x1F4A9`: a character reference XML accepts.
fn numeric_ok(s: &str) -> bool {
    let n = match s.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    };
    n.and_then(char::from_u32)
        .is_some_and(|c| c == '\t' || c == '\n' || c == '\r' || c >= ' ')
}

/// The HTML entities feeds use without declaring them.
fn html_entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" => '\u{a0}',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "Egrave" => 'È',
        "ecirc" => 'ê',
        "Ecirc" => 'Ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "Agrave" => 'À',
        "acirc" => 'â',
        "Acirc" => 'Â',
        "auml" => 'ä',
        "aacute" => 'á',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "icirc" => 'î',
        "iuml" => 'ï',
        "iacute" => 'í',
        "ocirc" => 'ô',
        "Ocirc" => 'Ô',
        "ouml" => 'ö',
        "oacute" => 'ó',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "szlig" => 'ß',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "aelig" => 'æ',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "deg" => '°',
        "times" => '×',
        "thinsp" => '\u{2009}',
        "shy" => '\u{ad}',
        _ => return None,
    })
}

/// A JSON Feed with what feed-rs refuses mended: a `version` missing or not the
/// `https://jsonfeed.org/version/…` URL (`http://`, a bare number), `tags` given as one
/// string, raw control characters inside strings. `None` when the document is not a JSON
/// object with `items`.
pub fn lenient_json_feed(doc: &str) -> Option<(String, Vec<String>)> {
    let mut fixes = Vec::new();
    let cleaned = escape_raw_controls(doc);
    if matches!(cleaned, Cow::Owned(_)) {
        fixes.push("raw control characters in strings were escaped".to_string());
    }
    let mut value: serde_json::Value = serde_json::from_str(&cleaned).ok()?;
    let feed = value.as_object_mut()?;
    if !feed.get("items").is_some_and(serde_json::Value::is_array) {
        return None;
    }
    let version = feed
        .get("version")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    if !version
        .as_deref()
        .is_some_and(|v| v.starts_with("https://jsonfeed.org/version/"))
    {
        fixes.push(match version {
            Some(v) => format!("JSON Feed version \"{v}\", read as 1.1"),
            None => "JSON Feed without a version, read as 1.1".to_string(),
        });
        feed.insert(
            "version".into(),
            serde_json::Value::from("https://jsonfeed.org/version/1.1"),
        );
    }
    let mut tags = 0;
    for item in feed
        .get_mut("items")
        .and_then(|i| i.as_array_mut())
        .into_iter()
        .flatten()
    {
        if let Some(obj) = item.as_object_mut() {
            match obj.get("tags") {
                Some(serde_json::Value::String(t)) => {
                    let one = serde_json::Value::from(vec![t.clone()]);
                    obj.insert("tags".into(), one);
                    tags += 1;
                }
                Some(serde_json::Value::Array(_)) | None => {}
                Some(_) => {
                    obj.remove("tags");
                    tags += 1;
                }
            }
        }
    }
    if tags > 0 {
        fixes.push(format!("{tags} item(s) with tags not given as a list"));
    }
    Some((serde_json::to_string(&value).ok()?, fixes))
}

/// `doc` with control characters inside JSON strings written as `\u00XX`.
fn escape_raw_controls(doc: &str) -> Cow<'_, str> {
    if !doc
        .chars()
        .any(|c| c < ' ' && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Cow::Borrowed(doc);
    }
    let mut out = String::with_capacity(doc.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    let mut changed = false;
    for c in doc.chars() {
        if in_string && !escaped && c < ' ' {
            out.push_str(&format!("\\u{:04x}", c as u32));
            changed = true;
            continue;
        }
        match c {
            '"' if !escaped => in_string = !in_string,
            _ => {}
        }
        escaped = in_string && c == '\\' && !escaped;
        out.push(c);
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(doc)
    }
}

/// What a document that no repair makes a feed looks like, when it is something we can
/// name: empty, compressed bytes, or an HTML page (with the feed it advertises, if any).
pub fn not_a_feed(bytes: &[u8], source: &str) -> Option<String> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Some("the document is empty".to_string());
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Some(
            "these are gzip-compressed bytes, not a feed (the server compressed the file \
             without saying so)"
                .to_string(),
        );
    }
    let lower = trimmed.to_ascii_lowercase();
    if !(lower.starts_with("<!doctype html") || lower.contains("<html")) {
        return None;
    }
    let advertised = scan(trimmed).into_iter().find_map(|p| {
        let Piece::Tag(t) = p else { return None };
        if !tag_info(t).1.eq_ignore_ascii_case("link") {
            return None;
        }
        let attrs = attributes(t);
        let get = |k: &str| {
            attrs
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(k))
                .map(|(_, v)| *v)
        };
        let feed_type = get("type").is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            t.contains("rss") || t.contains("atom") || t.contains("feed+json")
        });
        (get("rel").is_some_and(|r| r.eq_ignore_ascii_case("alternate")) && feed_type)
            .then(|| get("href"))
            .flatten()
            .map(str::to_string)
    });
    Some(match advertised {
        Some(href) => {
            let url = url::Url::parse(source)
                .ok()
                .and_then(|b| b.join(&href).ok())
                .map_or(href, |u| u.to_string());
            format!("this is an HTML page, not a feed; it names its feed: use {url}")
        }
        None => "this is an HTML page, not a feed: use kind = \"html\" with selectors, or \
                 look for its feed link"
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_keeps_cdata_and_comments_whole() {
        let p = scan("<a x='1>'>t &amp; <![CDATA[<b>]]><!-- <c> --></a> 1 < 2");
        assert_eq!(
            p,
            [
                Piece::Tag("<a x='1>'>"),
                Piece::Text("t &amp; "),
                Piece::Other("<![CDATA[<b>]]>"),
                Piece::Other("<!-- <c> -->"),
                Piece::Tag("</a>"),
                Piece::Text(" 1 < 2"),
            ]
        );
    }

    #[test]
    fn recovery_mends_entities_ampersands_and_open_elements() {
        let (out, fixes) =
            recover("<rss><channel><item><title>Caf&eacute; & th&eacute;</title><description>x</item></channel></rss>")
                .unwrap();
        assert_eq!(
            out,
            "<rss><channel><item><title>Caf&#233; &amp; th&#233;</title><description>x</description></item></channel></rss>"
        );
        assert_eq!(fixes.len(), 3, "{fixes:?}");
    }
}
