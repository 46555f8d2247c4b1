//! Forum and blog pages read with CSS selectors (`kind = "html"`).
//!
//! A source names a selector for the items of the page, and, inside each item, selectors for
//! its title, link, text, author and date. `selector@attribute` reads an attribute instead of
//! the text (`a.topictitle@href`, `time@datetime`). Links are resolved against the page (or
//! its `<base href>`); dates are read by [`super::dates`] in the source's time zone. A "next
//! page" selector lets a poll follow a few pages.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::dates::parse_date;
use super::{Item, Languages};
use crate::ingest::extract::{MAX_TEXT_BYTES, canonical_url, clean_text, html_to_text};
pub use crate::settings::sources::{Field, HtmlSpec};

/// What one page yields.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Item>,
    /// The next page to read, when the spec has a `next` selector and the page a link.
    pub next: Option<String>,
}

/// Why a page could not be read as the spec says.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HtmlError(pub String);

/// A field ready to use: its selector (`None`: the item itself) and attribute.
type Compiled1 = (Option<Selector>, Option<String>);

struct Compiled {
    item: Selector,
    title: Compiled1,
    link: Option<Compiled1>,
    text: Option<Compiled1>,
    author: Option<Compiled1>,
    date: Option<Compiled1>,
    next: Option<Compiled1>,
}

fn compile(spec: &HtmlSpec) -> Result<Compiled, HtmlError> {
    let sel = |s: &str| {
        Selector::parse(s).map_err(|e| HtmlError(crate::settings::sources::selector_error(s, &e)))
    };
    let field = |f: &Field| -> Result<Compiled1, HtmlError> {
        let selector = if f.selector.is_empty() {
            None
        } else {
            Some(sel(&f.selector)?)
        };
        Ok((selector, f.attr.clone()))
    };
    let opt = |f: &Option<Field>| f.as_ref().map(field).transpose();
    Ok(Compiled {
        item: sel(&spec.item)?,
        title: field(&spec.title)?,
        link: opt(&spec.link)?,
        text: opt(&spec.text)?,
        author: opt(&spec.author)?,
        date: opt(&spec.date)?,
        next: opt(&spec.next)?,
    })
}

/// Reads one page fetched from `page_url` at `fetched_at`.
pub fn parse_page(
    bytes: &[u8],
    page_url: &str,
    spec: &HtmlSpec,
    fetched_at: Timestamp,
) -> Result<Page, HtmlError> {
    parse_page_with(bytes, page_url, spec, fetched_at, Languages::Detect)
}

/// [`parse_page`], detecting the language of items or not.
pub fn parse_page_with(
    bytes: &[u8],
    page_url: &str,
    spec: &HtmlSpec,
    fetched_at: Timestamp,
    langs: Languages,
) -> Result<Page, HtmlError> {
    let c = compile(spec)?;
    let zone = TimeZone::get(&spec.timezone).unwrap_or(TimeZone::UTC);
    let html = String::from_utf8_lossy(bytes);
    let doc = Html::parse_document(&html);
    let page = Url::parse(page_url).ok();
    // A <base href> changes what relative links mean.
    let base = Selector::parse("base[href]")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| match &page {
            Some(p) => p.join(h).ok(),
            None => Url::parse(h).ok(),
        })
        .or(page);
    let page_lang = Selector::parse("html[lang]")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .and_then(|h| h.value().attr("lang"))
        .and_then(crate::ingest::extract::normalize_language);

    let mut items = Vec::new();
    for el in doc.select(&c.item) {
        let title = value(el, &c.title, true).unwrap_or_default();
        let link = c
            .link
            .as_ref()
            .and_then(|f| value(el, f, false))
            .and_then(|l| link_of(&l, base.as_ref()));
        let text = c
            .text
            .as_ref()
            .and_then(|f| value(el, f, true))
            .unwrap_or_default();
        if title.is_empty() && text.is_empty() {
            continue;
        }
        let author = c.author.as_ref().and_then(|f| value(el, f, true));
        let declared = c
            .date
            .as_ref()
            .and_then(|f| value(el, f, true))
            .and_then(|d| parse_date(&d, &zone, fetched_at));
        let (published, published_estimated) = match declared {
            Some(t) if t <= fetched_at => (t, false),
            _ => (fetched_at, true),
        };
        let lang = page_lang.clone().or_else(|| langs.detect(&title, &text));
        let id = link.clone().unwrap_or_else(|| {
            format!(
                "{page_url}#{:016x}",
                fingerprint(&format!("{title}\n{text}"))
            )
        });
        items.push(Item {
            id,
            url: link,
            title,
            text: cap(text),
            author,
            published,
            published_estimated,
            lang,
            source: page_url.to_string(),
            engagement: None,
            reach: None,
            rating: None,
        });
    }
    let next = c
        .next
        .as_ref()
        .and_then(|(sel, attr)| {
            let el = doc.select(sel.as_ref()?).next()?;
            let href = match attr {
                Some(a) => el.value().attr(a)?.to_string(),
                None => el.value().attr("href")?.to_string(),
            };
            base.as_ref()?.join(href.trim()).ok()
        })
        .filter(|u| matches!(u.scheme(), "http" | "https" | "file"))
        .map(|u| u.to_string())
        .filter(|u| u != page_url);
    Ok(Page { items, next })
}

/// A link made canonical (tracking parameters dropped), keeping its fragment: on a page,
/// `#comment-102` is what tells one comment from the next.
fn link_of(link: &str, base: Option<&Url>) -> Option<String> {
    let canonical = canonical_url(link, base)?;
    let fragment = match base {
        Some(b) => b.join(link.trim()).ok(),
        None => Url::parse(link.trim()).ok(),
    }
    .and_then(|u| u.fragment().filter(|f| !f.is_empty()).map(str::to_string));
    Some(match fragment {
        Some(f) => format!("{canonical}#{f}"),
        None => canonical,
    })
}

/// The field's value in `item`: an attribute, or the text (HTML turned into clean text).
fn value(item: ElementRef<'_>, (sel, attr): &Compiled1, text: bool) -> Option<String> {
    let el = match sel {
        None => item,
        Some(sel) => item.select(sel).next()?,
    };
    let v = match attr {
        Some(a) => clean_text(el.value().attr(a)?),
        None if text => html_to_text(&el.inner_html()),
        None => el
            .value()
            .attr("href")
            .map(str::to_string)
            .unwrap_or_else(|| clean_text(&el.text().collect::<String>())),
    };
    let v = v.trim().to_string();
    (!v.is_empty()).then_some(v)
}

fn cap(mut text: String) -> String {
    if text.len() > MAX_TEXT_BYTES {
        let mut end = MAX_TEXT_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// FNV-1a: an id for items without a link, stable across polls.
fn fingerprint(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
