//! Generic JSON sources (`kind = "json"`): a search API or any JSON document, read with
//! JSON Pointers (RFC 6901): one to the list of items, and, inside each item, one per
//! field. Links are resolved against the source's URL; dates are read by
//! [`super::dates`] in the source's time zone (Unix seconds and milliseconds included).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::Value;
use url::Url;

use super::dates::parse_date;
use super::{Item, Languages};
use crate::ingest::extract::{canonical_url, clean_text, html_to_text, looks_like_html};
pub use crate::settings::sources::JsonSpec;

/// Why a document could not be read as the spec says.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct JsonError(pub String);

/// Reads a JSON document fetched from `source` at `fetched_at`.
pub fn parse_json(
    bytes: &[u8],
    source: &str,
    spec: &JsonSpec,
    fetched_at: Timestamp,
) -> Result<Vec<Item>, JsonError> {
    parse_json_with(bytes, source, spec, fetched_at, Languages::Detect)
}

/// [`parse_json`], detecting the language of items or not.
pub fn parse_json_with(
    bytes: &[u8],
    source: &str,
    spec: &JsonSpec,
    fetched_at: Timestamp,
    langs: Languages,
) -> Result<Vec<Item>, JsonError> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| JsonError(format!("not JSON: {e}")))?;
    let list = doc
        .pointer(&spec.items)
        .ok_or_else(|| JsonError(format!("nothing at {:?} in the document", spec.items)))?
        .as_array()
        .ok_or_else(|| JsonError(format!("{:?} is not a list", spec.items)))?;
    let base = Url::parse(source).ok();
    let zone = TimeZone::get(&spec.timezone).unwrap_or(TimeZone::UTC);
    let mut items = Vec::new();
    for v in list {
        let at = |p: &Option<String>| p.as_deref().and_then(|p| string_at(v, p));
        let title = string_at(v, &spec.title)
            .map(|t| text(&t))
            .unwrap_or_default();
        let body = at(&spec.text).map(|t| text(&t)).unwrap_or_default();
        if title.is_empty() && body.is_empty() {
            continue;
        }
        let url = at(&spec.link).and_then(|l| canonical_url(&l, base.as_ref()));
        let declared = at(&spec.date).and_then(|d| parse_date(&d, &zone, fetched_at));
        let (published, published_estimated) = match declared {
            Some(t) if t <= fetched_at => (t, false),
            _ => (fetched_at, true),
        };
        let id = at(&spec.id)
            .map(|id| format!("{source}#{id}"))
            .or_else(|| url.clone())
            .unwrap_or_else(|| format!("{source}#{title}"));
        items.push(Item {
            id,
            lang: langs.detect(&title, &body),
            url,
            title,
            text: body,
            author: at(&spec.author).map(|a| clean_text(&a)),
            published,
            published_estimated,
            source: source.to_string(),
            engagement: None,
            reach: None,
            rating: None,
        });
    }
    Ok(items)
}

/// The value at `pointer` as text: strings as they are, numbers and booleans written out.
fn string_at(v: &Value, pointer: &str) -> Option<String> {
    match v.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.trim().is_empty())
}

fn text(s: &str) -> String {
    if looks_like_html(s) {
        html_to_text(s)
    } else {
        clean_text(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::sources::check_pointer;

    #[test]
    fn a_search_api_answer_becomes_items() {
        let doc = r#"{"total": 2, "results": [
            {"id": 17, "title": "Acme &amp; son SAV", "path": "/t/acme-sav/17",
             "blurb": "<p>Le <b>SAV</b> d'Acme...</p>", "user": {"name": "Marie"},
             "created": 1768226700},
            {"id": 18, "title": "Globex", "path": "https://other.example/x", "created": "hier à 10h"},
            {"id": 19}
        ]}"#
        .as_bytes();
        let spec = JsonSpec {
            items: "/results".into(),
            title: "/title".into(),
            link: Some("/path".into()),
            text: Some("/blurb".into()),
            author: Some("/user/name".into()),
            date: Some("/created".into()),
            id: Some("/id".into()),
            timezone: "Europe/Paris".into(),
        };
        let now: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
        let items =
            parse_json(doc, "https://forum.example/search.json?q=acme", &spec, now).unwrap();
        assert_eq!(
            items.len(),
            2,
            "the item with no title and no text is skipped"
        );
        assert_eq!(items[0].title, "Acme & son SAV");
        assert_eq!(
            items[0].url.as_deref(),
            Some("https://forum.example/t/acme-sav/17")
        );
        assert_eq!(items[0].text, "Le SAV d'Acme...");
        assert_eq!(items[0].author.as_deref(), Some("Marie"));
        assert_eq!(items[0].published.to_string(), "2026-01-12T14:05:00Z");
        assert_eq!(items[0].id, "https://forum.example/search.json?q=acme#17");
        assert_eq!(items[1].published.to_string(), "2026-11-22T09:00:00Z");

        let missing = JsonSpec {
            items: "/hits".into(),
            ..spec.clone()
        };
        let e = parse_json(doc, "https://f.example/", &missing, now).unwrap_err();
        assert!(e.0.contains("nothing at \"/hits\""), "{e}");
        assert!(check_pointer("results").is_err());
    }
}
