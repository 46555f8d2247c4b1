//! Bluesky's post search (`app.bsky.feed.searchPosts`), on the public AppView or, with an
//! app password, through the account's server: likes, reposts, replies and quotes are the
//! engagement (the search gives no follower count). Paged by `cursor`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::Value;

use super::{Page, Post, count_at, text_at, time_at, with_param};
use crate::ingest::fetch::{FetchErrorKind, Fetcher};
use crate::ingest::parse::Engagement;
use crate::settings::social::Login;
use crate::settings::watchlist::Credentials;

pub(super) fn page(doc: &Value, url: &str) -> Result<Page, String> {
    let list = doc
        .pointer("/posts")
        .and_then(Value::as_array)
        .ok_or("Bluesky's answer has no posts")?;
    let mut posts = Vec::new();
    for p in list {
        let Some(uri) = text_at(p, "/uri") else {
            continue;
        };
        // A post whose record is gone (deleted) has no text left.
        let Some(text) = text_at(p, "/record/text") else {
            continue;
        };
        // Handles and DIDs are letters, digits, `.`, `-`, `:` and `_`: anything else is no
        // part of a link to the post.
        let plain = |s: &String| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'))
        };
        let handle = text_at(p, "/author/handle").filter(|h| h != "handle.invalid");
        let profile = handle
            .clone()
            .or_else(|| text_at(p, "/author/did"))
            .filter(plain);
        let key = uri.rsplit('/').next().map(str::to_string).filter(plain);
        let link = match (profile, key) {
            (Some(who), Some(key)) => Some(format!("https://bsky.app/profile/{who}/post/{key}")),
            _ => None,
        };
        let author = match (text_at(p, "/author/displayName"), handle) {
            (Some(name), Some(h)) => Some(format!("{name} (@{h})")),
            (None, Some(h)) => Some(format!("@{h}")),
            (name, None) => name,
        };
        posts.push(Post {
            id: format!("bluesky:{uri}"),
            link,
            title: None,
            text,
            html: false,
            author,
            published: time_at(p, "/record/createdAt").or_else(|| time_at(p, "/indexedAt")),
            lang: text_at(p, "/record/langs/0"),
            engagement: Engagement::of(&[
                ("likes", count_at(p, "/likeCount")),
                ("reposts", count_at(p, "/repostCount")),
                ("replies", count_at(p, "/replyCount")),
                ("quotes", count_at(p, "/quoteCount")),
            ]),
            reach: None,
            rating: None,
        });
    }
    let next = text_at(doc, "/cursor")
        .filter(|_| !list.is_empty())
        .and_then(|c| with_param(url, "cursor", &c));
    Ok(Page { posts, next })
}

/// How long a session's token is used: Bluesky's access tokens last about two hours.
const SESSION: Duration = Duration::from_secs(3600);

/// Open sessions by server and account: `createSession` is limited to 30 calls per 5
/// minutes and 300 a day per account, so a poll every few minutes must not log in each
/// time.
static SESSIONS: Mutex<Option<Sessions>> = Mutex::new(None);

/// A token and when it was given, by server and account.
type Sessions = HashMap<(String, String), (String, Instant)>;

fn key(login: &Login) -> (String, String) {
    (login.server.clone(), login.identifier.clone())
}

/// A session's token for `login`: the one opened in the last hour, else a new one.
pub(super) async fn session(
    fetcher: &Fetcher,
    login: &Login,
    now: Timestamp,
) -> Result<Credentials, super::AuthError> {
    {
        let sessions = SESSIONS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((token, at)) = sessions.as_ref().and_then(|s| s.get(&key(login)))
            && at.elapsed() < SESSION
        {
            return Ok(Credentials::bearer(token.clone()));
        }
    }
    let password = super::read_secret(&login.password_file, "app_password_file")
        .map_err(super::AuthError::File)?;
    let failed = |message: String, refused: bool| super::AuthError::Login { message, refused };
    let body = serde_json::json!({"identifier": login.identifier, "password": password});
    let url = url::Url::parse(&format!(
        "{}/xrpc/com.atproto.server.createSession",
        login.server
    ))
    .map_err(|e| failed(format!("cannot log in to Bluesky: {e}"), false))?;
    let answer = fetcher
        .post_json_for_answer(&url, body.to_string().into_bytes(), now)
        .await
        .map_err(|e| match e.kind {
            FetchErrorKind::Status(s @ (400 | 401)) => failed(
                format!(
                    "token refused by Bluesky (HTTP {s}): the app password in app_password_file was refused for {}",
                    login.identifier
                ),
                true,
            ),
            _ => failed(format!("cannot log in to Bluesky: {}", e.message), false),
        })?;
    let token = serde_json::from_slice::<Value>(&answer)
        .ok()
        .and_then(|v| text_at(&v, "/accessJwt"))
        .ok_or_else(|| failed("Bluesky's login answer has no accessJwt".into(), false))?;
    SESSIONS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get_or_insert_with(HashMap::new)
        .insert(key(login), (token.clone(), Instant::now()));
    Ok(Credentials::bearer(token))
}

/// Forgets `login`'s session (refused: expired or revoked).
pub(super) fn forget(login: &Login) {
    if let Some(s) = SESSIONS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_mut()
    {
        s.remove(&key(login));
    }
}
