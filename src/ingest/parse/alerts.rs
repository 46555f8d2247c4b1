//! Alert feeds: Google Alerts (Atom) and Talkwalker Alerts (RSS).
//!
//! They are feeds, read as feeds, then put right: Google wraps every link in a
//! `https://www.google.com/url?...&url=ARTICLE` redirect (Talkwalker may too), and puts
//! `<b>` tags around the matched words of titles. The article's own URL is kept, so the
//! mention's site is the publisher's, and the same article reached through an alert and
//! through the publisher's own feed is one mention.

use url::Url;

use super::Item;
use crate::ingest::extract::{canonical_url, html_to_text, looks_like_html};
use crate::settings::sources::is_google_host;

/// The article a redirect link points to: Google's `/url?url=…` or `/url?q=…`, or any
/// Talkwalker link with a `url=` parameter. Other links are returned as they are.
pub fn unwrap_link(link: &str) -> String {
    let Ok(u) = Url::parse(link) else {
        return link.to_string();
    };
    let host = u.host_str().unwrap_or_default();
    let redirect = (is_google_host(host) && u.path() == "/url")
        || host == "talkwalker.com"
        || host.ends_with(".talkwalker.com");
    if !redirect {
        return link.to_string();
    }
    u.query_pairs()
        .find(|(k, v)| {
            (k == "url" || k == "q") && (v.starts_with("http://") || v.starts_with("https://"))
        })
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| link.to_string())
}

/// The items of an alert feed with their links unwrapped and their titles plain text.
pub fn fix_items(items: Vec<Item>) -> Vec<Item> {
    items
        .into_iter()
        .map(|mut it| {
            if let Some(link) = &it.url {
                let target = unwrap_link(link);
                if target != *link {
                    it.url = canonical_url(&target, None).or(it.url);
                }
            }
            // Markup left in a title (escaped twice, as Google does) is removed too.
            if looks_like_html(&it.title) || it.title.contains('&') {
                it.title = html_to_text(&it.title);
            }
            if looks_like_html(&it.text) {
                it.text = html_to_text(&it.text);
            }
            it
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::sources::{is_google_alerts, is_talkwalker_alerts};

    #[test]
    fn redirects_are_unwrapped_and_alert_feeds_recognised() {
        assert_eq!(
            unwrap_link(
                "https://www.google.com/url?rct=j&sa=t&url=https://www.lemonde.fr/eco/acme.html&ct=ga&cd=CAI&usg=AOv"
            ),
            "https://www.lemonde.fr/eco/acme.html"
        );
        assert_eq!(
            unwrap_link("https://www.google.fr/url?q=https%3A%2F%2Fexample.org%2Fa%3Fb%3D1&sa=U"),
            "https://example.org/a?b=1"
        );
        // Not a redirect: left alone, even with a `url` parameter.
        assert_eq!(
            unwrap_link("https://example.org/share?url=https://other.example/"),
            "https://example.org/share?url=https://other.example/"
        );
        assert!(is_google_alerts(
            "https://www.google.com/alerts/feeds/00000000000000000000/1234567890123456789"
        ));
        assert!(!is_google_alerts("https://www.google.com/alerts"));
        assert!(is_talkwalker_alerts(
            "https://alerts.talkwalker.com/alerts/rss/ABCDEF123"
        ));
        assert!(!is_talkwalker_alerts("https://www.talkwalker.com/blog/rss"));
    }
}
