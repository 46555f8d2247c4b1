//! Emails: alert messages rendered in French or English, and their delivery from the
//! outbox.
//!
//! Feed text (titles, snippets, links) is data: HTML-escaped in the HTML part, stripped of
//! control and bidirectional-override characters wherever it goes, and never put in a
//! header except the subject's brand name, which comes from the watchlist. Links are kept
//! only when they are `http(s)`.

pub mod chat;
pub mod format;
pub mod post;
pub mod render;
pub mod send;
pub mod smtp;

use jiff::Timestamp;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};

/// An email before it is queued.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Builds the message bytes (RFC 5322, CRLF) of `email` to `to`, with a fixed Message-ID
/// so that a retry sends the very same message.
pub fn build(
    email: &Email,
    from: &Mailbox,
    to: &str,
    message_id: &str,
    date: Timestamp,
) -> anyhow::Result<Vec<u8>> {
    build_with_images(email, &[], from, to, message_id, date)
}

/// An image shown inline in an HTML part, referred to as `cid:{content_id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineImage {
    pub content_id: String,
    pub png: Vec<u8>,
}

/// Like [`build`], with images: `multipart/alternative` of the text and of a
/// `multipart/related` holding the HTML and its images, so no reader fetches anything.
pub fn build_with_images(
    email: &Email,
    images: &[InlineImage],
    from: &Mailbox,
    to: &str,
    message_id: &str,
    date: Timestamp,
) -> anyhow::Result<Vec<u8>> {
    let to: Mailbox = to.parse()?;
    let message = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(clean_line(&email.subject))
        .message_id(Some(message_id.to_string()))
        .date(
            std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_secs(date.as_second().max(0) as u64),
        )
        .multipart({
            let text = SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(crlf(&email.text));
            let html = SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(crlf(&email.html));
            if images.is_empty() {
                MultiPart::alternative().singlepart(text).singlepart(html)
            } else {
                let png = ContentType::parse("image/png")?;
                let related = images
                    .iter()
                    .fold(MultiPart::related().singlepart(html), |m, i| {
                        m.singlepart(
                            lettre::message::Attachment::new_inline(i.content_id.clone())
                                .body(i.png.clone(), png.clone()),
                        )
                    });
                MultiPart::alternative().singlepart(text).multipart(related)
            }
        })?;
    Ok(message.formatted())
}

/// `s` with every line ending as CRLF (no bare CR or LF can end SMTP's DATA early).
fn crlf(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 40);
    for line in s.split('\n') {
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        out.push_str(line.trim_end_matches('\r').replace('\r', " ").as_str());
    }
    out
}

/// One line of feed text made safe to show: control characters (CR, LF, tabs) become
/// spaces and bidirectional overrides (U+202A–U+202E, U+2066–U+2069) and zero-width
/// characters are dropped; runs of spaces become one. No-break spaces (French typography's
/// narrow one before `:` included) are kept as they are.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        match c {
            '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200b}'..='\u{200f}'
            | '\u{feff}' => {}
            '\u{a0}' | '\u{202f}' | '\u{2007}' => {
                space = false;
                out.push(c);
            }
            c if c.is_control() || c.is_whitespace() => space = !out.is_empty(),
            c => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
        }
    }
    out
}

/// `s` made one clean line (see [`clean_line`]) and escaped for HTML text and attributes.
pub fn escape(s: &str) -> String {
    escape_html(&clean_line(s))
}

/// `s` escaped for HTML text and attribute values, spaces kept as they are.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A name as a Message-ID part: ASCII letters and digits, the rest as `-`.
pub fn slug(s: &str) -> String {
    crate::text::fold(s)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A link from a feed, if it is safe to put in an `href`: `http` or `https` only.
pub fn safe_link(url: Option<&str>) -> Option<String> {
    let u = url::Url::parse(url?.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_text_is_made_harmless() {
        assert_eq!(clean_line("a\r\nBcc: x@y\tz"), "a Bcc: x@y z");
        assert_eq!(clean_line("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(safe_link(Some("javascript:alert(1)")), None);
        assert_eq!(safe_link(Some("data:text/html,x")), None);
        assert_eq!(
            safe_link(Some("https://example.org/a?b=1")).as_deref(),
            Some("https://example.org/a?b=1")
        );
        assert_eq!(crlf("a\nb\r\nc\rd"), "a\r\nb\r\nc d");
    }
}
