//! Hacker News through Algolia's search (`/api/v1/search_by_date`): stories and comments,
//! their points and comment count; no reach (the site shows none). Paged by `page` up to
//! `nbPages`.

use serde_json::Value;

use super::{Page, Post, count_at, text_at, with_param};
use crate::ingest::parse::Engagement;

pub(super) fn page(doc: &Value, url: &str) -> Result<Page, String> {
    let hits = doc
        .pointer("/hits")
        .and_then(Value::as_array)
        .ok_or("Algolia's answer has no hits")?;
    let mut posts = Vec::new();
    for h in hits {
        let Some(id) = text_at(h, "/objectID") else {
            continue;
        };
        let comment = h
            .pointer("/_tags")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t == "comment"));
        let (title, text) = if comment {
            (
                text_at(h, "/story_title").map(|t| format!("Re: {t}")),
                text_at(h, "/comment_text"),
            )
        } else {
            (text_at(h, "/title"), text_at(h, "/story_text"))
        };
        // A deleted item keeps its id and loses its words.
        if title.is_none() && text.is_none() {
            continue;
        }
        posts.push(Post {
            link: Some(format!("https://news.ycombinator.com/item?id={id}")),
            id: format!("hn:{id}"),
            title,
            text: text.unwrap_or_default(),
            html: true,
            author: text_at(h, "/author"),
            published: count_at(h, "/created_at_i")
                .and_then(|s| jiff::Timestamp::from_second(s as i64).ok())
                .or_else(|| super::time_at(h, "/created_at")),
            lang: None,
            engagement: Engagement::of(&[
                ("points", count_at(h, "/points")),
                ("comments", count_at(h, "/num_comments")),
            ]),
            reach: None,
            rating: None,
        });
    }
    let page = count_at(doc, "/page").unwrap_or(0);
    let pages = count_at(doc, "/nbPages").unwrap_or(0);
    let next = (page + 1 < pages && !hits.is_empty())
        .then(|| with_param(url, "page", &(page + 1).to_string()))
        .flatten();
    Ok(Page { posts, next })
}
