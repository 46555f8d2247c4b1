//! Documents turned into UTF-8 before any parser sees them.
//!
//! Parsers downstream (feed-rs over quick-xml, serde_json, scraper) are only ever handed
//! UTF-8. quick-xml panics when it is asked to switch to UTF-16 part-way through a document
//! (`set_encoding() called after prefix buffer was drained`), so a UTF-16 feed is decoded here
//! and its XML declaration rewritten to say UTF-8.
//!
//! Which encoding a document is in, first rule that applies:
//! 1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//! 2. UTF-16 without a BOM, told by the NUL bytes around the first `<` or `{`;
//! 3. the HTTP `Content-Type` charset, unless the bytes are valid UTF-8 and it names a
//!    single-byte encoding (a server default such as `ISO-8859-1` on a UTF-8 file);
//! 4. the XML declaration's `encoding`, or an HTML `<meta charset>`, with the same exception;
//! 5. otherwise the bytes are left as they are (UTF-8, or a parser's own error).
//!
//! Pure: bytes and the HTTP header in, bytes out.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// How far into a document a declaration is looked for.
const SNIFF: usize = 1024;

/// The document as UTF-8. `content_type` is the HTTP `Content-Type` header, if any.
pub fn to_utf8<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Cow<'a, [u8]> {
    if let Some(text) = utf32(bytes) {
        return Cow::Owned(utf8_with_fixed_declaration(text.as_bytes()).into_owned());
    }
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return decode(enc, &bytes[bom..]);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return decode(enc, bytes);
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| declared_in_document(bytes));
    match declared {
        // A UTF-16 label on bytes without NULs is a mislabel: the bytes are 8-bit.
        Some(enc) if enc == UTF_16BE || enc == UTF_16LE => utf8_with_fixed_declaration(bytes),
        Some(enc) if enc != UTF_8 && std::str::from_utf8(bytes).is_err() => decode(enc, bytes),
        Some(enc) if enc != UTF_8 => utf8_with_fixed_declaration(bytes),
        _ => Cow::Borrowed(bytes),
    }
}

/// A UTF-32 document (with or without its BOM), which encoding_rs does not decode.
fn utf32(b: &[u8]) -> Option<String> {
    let (big, skip) = match b {
        [0, 0, 0xfe, 0xff, ..] => (true, 4),
        [0xff, 0xfe, 0, 0, ..] => (false, 4),
        [0, 0, 0, c, ..] if c.is_ascii_graphic() || c.is_ascii_whitespace() => (true, 0),
        [c, 0, 0, 0, ..] if c.is_ascii_graphic() || c.is_ascii_whitespace() => (false, 0),
        _ => return None,
    };
    Some(
        b[skip..]
            .chunks(4)
            .map(|c| {
                let mut four = [0u8; 4];
                four[..c.len()].copy_from_slice(c);
                let n = if big {
                    u32::from_be_bytes(four)
                } else {
                    u32::from_le_bytes(four)
                };
                char::from_u32(n).unwrap_or('\u{fffd}')
            })
            .collect(),
    )
}

/// A document that is not valid UTF-8 after [`to_utf8`] (it declared nothing, or UTF-8
/// wrongly), made text, and what was done, for the feed parser's second try. Mostly
/// invalid: the whole document in the encoding chardetng guesses (windows-1251,
/// ISO-8859-x…). A few bad bytes in UTF-8 text: those bytes as windows-1252 (Latin-1
/// accents pasted into a UTF-8 feed). `None` when the bytes are valid UTF-8.
pub fn mend_utf8(bytes: &[u8]) -> Option<(String, String)> {
    let mut invalid = 0usize;
    let mut rest = bytes;
    while let Err(e) = std::str::from_utf8(rest) {
        invalid += 1;
        let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to());
        rest = &rest[skip.min(rest.len())..];
    }
    if invalid == 0 {
        return None;
    }
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    if invalid * 2 >= non_ascii {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(bytes, true);
        let enc = det.guess(None, chardetng::Utf8Detection::Deny);
        let (text, _, _) = enc.decode(bytes);
        let text =
            String::from_utf8_lossy(&utf8_with_fixed_declaration(text.as_bytes())).into_owned();
        return Some((text, format!("undeclared encoding, read as {}", enc.name())));
    }
    let mut out = String::with_capacity(bytes.len() + invalid);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len()).max(1);
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bad[..n]);
                out.push_str(&text);
                rest = &bad[n..];
            }
        }
    }
    Some((
        out,
        format!("{invalid} byte sequence(s) that are not UTF-8, read as windows-1252"),
    ))
}

/// `text/xml; charset="utf-16"` → `utf-16`.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
            .filter(|v| !v.is_empty())
    })
}

/// UTF-16 told from its NULs: an ASCII first character (`<`, `{`, white space) is a NUL
/// and the character in one order or the other.
fn utf16_without_bom(b: &[u8]) -> Option<&'static Encoding> {
    if b.len() < 4 {
        return None;
    }
    let ascii = |c: u8| c.is_ascii_graphic() || c.is_ascii_whitespace();
    if b[0] == 0 && ascii(b[1]) && b[2] == 0 && ascii(b[3]) {
        Some(UTF_16BE)
    } else if ascii(b[0]) && b[1] == 0 && ascii(b[2]) && b[3] == 0 {
        Some(UTF_16LE)
    } else {
        None
    }
}

/// The encoding an ASCII-compatible document declares: `<?xml ... encoding="X"?>` at its
/// start, else `<meta charset="X">` or `<meta http-equiv content="...; charset=X">` in its
/// first kilobyte.
fn declared_in_document(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let label = if let Some(decl) = xml_declaration(&head) {
        attribute(&head[decl], "encoding")?
    } else {
        let at = head.find("charset=")? + "charset=".len();
        let rest = head[at..].trim_start_matches(['"', '\'', ' ']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:.".contains(c)))
            .unwrap_or(rest.len());
        rest[..end].to_string()
    };
    Encoding::for_label(label.as_bytes())
}

/// Where the XML declaration sits in `text`, if the document starts with one.
fn xml_declaration(text: &str) -> Option<std::ops::Range<usize>> {
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with("<?xml") {
        return None;
    }
    let end = start + text[start..].find("?>")? + 2;
    Some(start..end)
}

/// The value of `name="..."` (or `'...'`) in a declaration.
fn attribute(decl: &str, name: &str) -> Option<String> {
    let at = decl.find(name)? + name.len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

fn decode<'a>(enc: &'static Encoding, bytes: &[u8]) -> Cow<'a, [u8]> {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Cow::Owned(fix_declaration(&text).into_bytes())
}

fn utf8_with_fixed_declaration(bytes: &[u8]) -> Cow<'_, [u8]> {
    let text = String::from_utf8_lossy(bytes);
    Cow::Owned(fix_declaration(&text).into_bytes())
}

/// The text with its XML declaration (if any) saying `encoding="UTF-8"`, so a parser that
/// honours the declaration does not decode the UTF-8 again as something else.
fn fix_declaration(text: &str) -> String {
    let Some(decl) = xml_declaration(text) else {
        return text.to_string();
    };
    let lower = text[decl.clone()].to_ascii_lowercase();
    let Some(at) = lower.find("encoding") else {
        return text.to_string();
    };
    let after = &text[decl.start + at..decl.end];
    let value_start = after.find(['"', '\'']);
    let value_end = value_start.and_then(|s| {
        let q = after.as_bytes()[s] as char;
        after[s + 1..].find(q).map(|e| s + 1 + e)
    });
    match (value_start, value_end) {
        (Some(s), Some(e)) => {
            let s = decl.start + at + s + 1;
            let e = decl.start + at + e;
            format!("{}UTF-8{}", &text[..s], &text[e..])
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss><channel><title>Été à Noël</title></channel></rss>";

    fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            });
        }
        for u in s.encode_utf16() {
            out.extend_from_slice(&if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    fn text(c: Cow<'_, [u8]>) -> String {
        String::from_utf8(c.into_owned()).expect("UTF-8 out")
    }

    #[test]
    fn utf16_with_or_without_bom_becomes_utf8_declaring_utf8() {
        for (be, bom) in [(true, true), (true, false), (false, true), (false, false)] {
            let out = text(to_utf8(&utf16(FEED, be, bom), None));
            assert!(
                out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
                "{out}"
            );
            assert!(
                out.contains("Été à Noël"),
                "big endian {be}, bom {bom}: {out}"
            );
        }
    }

    #[test]
    fn utf8_bom_is_dropped_and_plain_utf8_untouched() {
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), b"{\"a\": \"\xC3\xA9\"}"].concat();
        assert_eq!(text(to_utf8(&with_bom, None)), "{\"a\": \"é\"}");
        let plain = "<rss>é</rss>".as_bytes();
        assert!(matches!(to_utf8(plain, None), Cow::Borrowed(_)));
    }

    #[test]
    fn declared_single_byte_encodings_are_decoded() {
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><rss>caf\xE9</rss>";
        assert_eq!(
            text(to_utf8(latin1, None)),
            "<?xml version='1.0' encoding='UTF-8'?><rss>café</rss>"
        );
        let page = b"<html><head><meta charset=\"windows-1252\"></head><p>\x93Acme\x94</p>";
        assert!(text(to_utf8(page, None)).contains("\u{201c}Acme\u{201d}"));
        let http = b"<rss>caf\xE9</rss>";
        assert_eq!(
            text(to_utf8(http, Some("text/xml; charset=\"iso-8859-1\""))),
            "<rss>café</rss>"
        );
    }

    #[test]
    fn a_wrong_label_on_valid_utf8_is_not_believed() {
        let utf8 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss>café</rss>";
        assert_eq!(
            text(to_utf8(
                utf8.as_bytes(),
                Some("text/xml; charset=iso-8859-1")
            )),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>café</rss>"
        );
        // UTF-16 declared, but the bytes have no NULs: 8-bit it is.
        let mislabelled = FEED.as_bytes();
        assert!(text(to_utf8(mislabelled, None)).contains("encoding=\"UTF-8\""));
    }
}
