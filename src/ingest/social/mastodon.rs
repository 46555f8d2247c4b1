//! Mastodon: a hashtag timeline (`/api/v1/timelines/tag/{tag}`, a list of statuses) or a
//! search (`/api/v2/search`, `{"statuses": [...]}`). A boost counts as the post it
//! boosts; favourites, boosts and replies are the engagement, the author's followers the
//! reach. Paged by `max_id`, the oldest status of the page.

use serde_json::Value;

use super::{Page, Post, count_at, text_at, time_at, with_param};
use crate::ingest::parse::Engagement;

pub(super) fn page(doc: &Value, url: &str) -> Result<Page, String> {
    let statuses = doc
        .as_array()
        .or_else(|| doc.pointer("/statuses").and_then(Value::as_array))
        .ok_or("Mastodon's answer is neither a timeline nor a search result")?;
    let mut posts = Vec::new();
    for s in statuses {
        let post = match s.get("reblog") {
            Some(inner) if inner.is_object() => inner,
            _ => s,
        };
        let Some(id) = text_at(post, "/uri").or_else(|| text_at(post, "/id")) else {
            continue;
        };
        // Only what anyone can read.
        if text_at(post, "/visibility").is_some_and(|v| v != "public" && v != "unlisted") {
            continue;
        }
        let warning = text_at(post, "/spoiler_text");
        let content = text_at(post, "/content").unwrap_or_default();
        if content.is_empty() && warning.is_none() {
            continue;
        }
        let author = match (
            text_at(post, "/account/display_name"),
            text_at(post, "/account/acct"),
        ) {
            (Some(name), Some(acct)) => Some(format!("{name} (@{acct})")),
            (None, Some(acct)) => Some(format!("@{acct}")),
            (name, None) => name,
        };
        posts.push(Post {
            id: format!("mastodon:{id}"),
            link: text_at(post, "/url").or_else(|| text_at(post, "/uri")),
            title: warning,
            text: content,
            html: true,
            author,
            published: time_at(post, "/created_at"),
            lang: text_at(post, "/language"),
            engagement: Engagement::of(&[
                ("favourites", count_at(post, "/favourites_count")),
                ("boosts", count_at(post, "/reblogs_count")),
                ("replies", count_at(post, "/replies_count")),
            ]),
            reach: count_at(post, "/account/followers_count"),
            rating: None,
        });
    }
    let next = statuses
        .last()
        .and_then(|s| text_at(s, "/id"))
        .and_then(|id| with_param(url, "max_id", &id));
    Ok(Page { posts, next })
}
