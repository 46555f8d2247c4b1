//! Reddit's search listings (`/search.json`, `/r/{sub}/search.json`): posts (`t3`) and
//! comments (`t1`), their score and comment count, the community's subscribers as reach.
//! Paged by the listing's `after`.

use serde_json::Value;

use super::{Page, Post, count_at, text_at, with_param};
use crate::ingest::parse::Engagement;

/// Where people read a post: the listing's `permalink` is a path on the public site
/// (the OAuth host serves no pages).
const SITE: &str = "https://www.reddit.com";

pub(super) fn page(doc: &Value, url: &str) -> Result<Page, String> {
    let children = doc
        .pointer("/data/children")
        .and_then(Value::as_array)
        .ok_or("Reddit's answer is not a listing: no data.children")?;
    let mut posts = Vec::new();
    for child in children {
        let d = &child["data"];
        // Removed by moderators, or deleted by its author: nothing left to read.
        let removed = d.get("removed_by_category").is_some_and(|v| !v.is_null());
        let gone = |t: &Option<String>| {
            t.as_deref()
                .is_some_and(|t| t == "[removed]" || t == "[deleted]")
        };
        let comment = child["kind"] == "t1";
        let (title, text) = if comment {
            (text_at(d, "/link_title"), text_at(d, "/body"))
        } else {
            (text_at(d, "/title"), text_at(d, "/selftext"))
        };
        if removed || (gone(&text) && comment) {
            continue;
        }
        let Some(id) = text_at(d, "/name").or_else(|| text_at(d, "/id")) else {
            continue;
        };
        let author = text_at(d, "/author").filter(|a| a != "[deleted]");
        posts.push(Post {
            id: format!("reddit:{id}"),
            // A path on the site, never an address elsewhere (`//host`, `@host`).
            link: text_at(d, "/permalink")
                .filter(|p| p.starts_with('/') && !p.starts_with("//"))
                .map(|p| format!("{SITE}{p}")),
            title,
            text: text.filter(|t| !gone(&Some(t.clone()))).unwrap_or_default(),
            html: false,
            author: author.map(|a| format!("u/{a}")),
            published: d
                .pointer("/created_utc")
                .and_then(Value::as_f64)
                .and_then(|s| jiff::Timestamp::from_second(s as i64).ok()),
            lang: None,
            engagement: Engagement::of(&[
                ("score", count_at(d, "/score")),
                ("comments", count_at(d, "/num_comments")),
            ]),
            reach: count_at(d, "/subreddit_subscribers"),
            rating: None,
        });
    }
    let next = text_at(doc, "/data/after")
        .filter(|_| !children.is_empty())
        .and_then(|after| with_param(url, "after", &after));
    Ok(Page { posts, next })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_permalink_only_ever_leads_to_reddit() {
        let doc: serde_json::Value = serde_json::from_str(
            r#"{"data": {"children": [
                {"kind": "t3", "data": {"name": "t3_a", "title": "Acme", "permalink": "//evil.example/x"}},
                {"kind": "t3", "data": {"name": "t3_b", "title": "Acme", "permalink": "@evil.example/x"}},
                {"kind": "t3", "data": {"name": "t3_c", "title": "Acme", "permalink": "/r/x/comments/c/"}}
            ]}}"#,
        )
        .unwrap();
        let page = super::page(&doc, "https://www.reddit.com/search.json?q=acme").unwrap();
        let links: Vec<Option<&str>> = page.posts.iter().map(|p| p.link.as_deref()).collect();
        assert_eq!(
            links,
            [None, None, Some("https://www.reddit.com/r/x/comments/c/")]
        );
        assert!(page.next.is_none(), "no `after`: the last page");
    }
}
