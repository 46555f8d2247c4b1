//! An app's customer reviews in one country's App Store, from Apple's RSS generator as
//! JSON (`/{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json`): each
//! value is wrapped as `{"label": ...}`; one review is an object, several a list, none no
//! `entry` at all; an entry without a rating describes the app and is skipped. The star
//! rating is kept beside the text's sentiment; "helpful" votes are the engagement.
//! Apple serves 10 pages at most.

use serde_json::Value;

use super::{Page, Post, count_at, text_at, time_at};
use crate::ingest::parse::Engagement;

/// The last page Apple serves.
const LAST_PAGE: u32 = 10;

pub(super) fn page(doc: &Value, url: &str) -> Result<Page, String> {
    let feed = doc
        .get("feed")
        .ok_or("the App Store's answer has no feed")?;
    let entries: Vec<&Value> = match feed.get("entry") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let mut posts = Vec::new();
    for e in &entries {
        let Some(rating) = count_at(e, "/im:rating/label").filter(|r| (1..=5).contains(r)) else {
            continue;
        };
        let Some(id) = text_at(e, "/id/label") else {
            continue;
        };
        posts.push(Post {
            id: format!("appstore:{id}"),
            link: text_at(e, "/link/attributes/href"),
            title: text_at(e, "/title/label"),
            text: text_at(e, "/content/label").unwrap_or_default(),
            html: false,
            author: text_at(e, "/author/name/label"),
            published: time_at(e, "/updated/label"),
            lang: None,
            engagement: Engagement::of(&[("votes", count_at(e, "/im:voteCount/label"))]),
            reach: None,
            rating: Some(rating as u8),
        });
    }
    let next = if entries.is_empty() {
        None
    } else {
        next_page(url)
    };
    Ok(Page { posts, next })
}

/// The same address with `page=n+1`, up to Apple's last page.
fn next_page(url: &str) -> Option<String> {
    let start = url.find("/page=")? + "/page=".len();
    let len = url[start..].find('/')?;
    let n: u32 = url[start..start + len].parse().ok()?;
    (n < LAST_PAGE).then(|| format!("{}{}{}", &url[..start], n + 1, &url[start + len..]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_stop_at_apples_last() {
        let u =
            "https://itunes.apple.com/fr/rss/customerreviews/page=1/id=1/sortby=mostrecent/json";
        assert_eq!(
            super::next_page(u).unwrap(),
            "https://itunes.apple.com/fr/rss/customerreviews/page=2/id=1/sortby=mostrecent/json"
        );
        assert!(super::next_page(&u.replace("page=1", "page=10")).is_none());
    }
}
