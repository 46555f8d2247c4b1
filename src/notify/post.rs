//! Delivering chat messages from the outbox: one at a time, alerts first, each posted to
//! its channel's webhook through the fetcher (its address guard, deadlines and redirect
//! rules), with an `Idempotency-Key` (the message's id, the same on every retry) and, for
//! the `webhook` kind, an `X-Vigie-Signature: sha256=<hex>` HMAC of the body.
//!
//! A 2xx answer marks the message sent. A 429 is retried after its `Retry-After` (or the
//! backoff), as are 5xx answers, timeouts and connection failures; any other 4xx, and an
//! address the guard refuses, mark it dead (shown by `vigie alerts`, the digest and
//! `/metrics`). A channel gone from the watchlists makes its messages dead too.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use tracing::{info, warn};

use super::send::{Delivery, retry_delay};
use crate::ingest::fetch::{FetchErrorKind, Fetcher};
use crate::settings::watchlist::{Channel, ChannelKind};
use crate::store::{EmailResult, SharedStore, blocking};

/// The header a webhook receiver checks: `sha256=` and the hex HMAC-SHA256 of the body.
pub const SIGNATURE_HEADER: &str = "X-Vigie-Signature";

/// `sha256=<hex>` of `body` under `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let tag = ring::hmac::sign(&key, body);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// The outbox recipient of a channel's messages.
pub fn recipient(channel: &Channel) -> String {
    format!("channel:{}", channel.key)
}

/// What became of one post.
enum Outcome {
    Sent,
    Retry {
        after: Option<Duration>,
        why: String,
    },
    Dead(String),
}

async fn post(
    fetcher: &Fetcher,
    channel: &Channel,
    id: &str,
    body: Vec<u8>,
    now: Timestamp,
) -> Outcome {
    let mut headers = vec![("Idempotency-Key", id.trim_matches(['<', '>']).to_string())];
    if channel.kind == ChannelKind::Webhook
        && let Some(secret) = &channel.secret
    {
        headers.push((SIGNATURE_HEADER, signature(secret, &body)));
    }
    match fetcher.post_json(&channel.url, &headers, body, now).await {
        Ok(_) => Outcome::Sent,
        Err(e) => match e.kind {
            FetchErrorKind::Status(429) => Outcome::Retry {
                after: e.retry_after,
                why: e.message,
            },
            FetchErrorKind::Status(s) if (400..500).contains(&s) && s != 408 => {
                Outcome::Dead(e.message)
            }
            FetchErrorKind::Blocked | FetchErrorKind::BadUrl => Outcome::Dead(e.message),
            _ => Outcome::Retry {
                after: None,
                why: e.message,
            },
        },
    }
}

/// Posts `body` to `channel` now, outside the outbox (`vigie test-channel`): `Ok` with
/// what was done, or what went wrong and whether it would be retried.
pub async fn post_now(
    fetcher: &Fetcher,
    channel: &Channel,
    id: &str,
    body: Vec<u8>,
    now: Timestamp,
) -> Result<(), String> {
    match post(fetcher, channel, id, body, now).await {
        Outcome::Sent => Ok(()),
        Outcome::Retry { after, why } => Err(format!(
            "{why} (an alert would be posted again{})",
            after.map_or(" later".to_string(), |d| format!(" in {} s", d.as_secs()))
        )),
        Outcome::Dead(why) => Err(format!("{why} (an alert would be given up)")),
    }
}

/// How long a message taken for posting is kept from other senders.
pub fn lease(http_timeout: Duration) -> Duration {
    http_timeout + Duration::from_secs(60)
}

/// Posts every chat message due at `clock()`, until none is due. Channels are independent:
/// one that fails does not hold the others back, and its other messages wait for the next
/// pass rather than each wait for the same deadline.
pub async fn deliver_due(
    store: &SharedStore,
    fetcher: &Fetcher,
    channels: &HashMap<String, Channel>,
    http_timeout: Duration,
    clock: &(dyn Fn() -> Timestamp + Sync),
) -> anyhow::Result<Delivery> {
    let mut done = Delivery::default();
    let lease = lease(http_timeout);
    let mut failed: std::collections::HashSet<String> = Default::default();
    loop {
        let now = clock();
        let Some(m) = blocking(store, move |s| s.next_channel_message(now, lease)).await? else {
            return Ok(done);
        };
        let key = m.recipient.trim_start_matches("channel:").to_string();
        let outcome = match channels.get(&key) {
            Some(_) if failed.contains(&key) => {
                let at = now + super::send::RETRY_FIRST;
                let id = m.id;
                blocking(store, move |s| {
                    s.postpone(id, at, "the channel failed a moment ago")
                })
                .await?;
                continue;
            }
            Some(c) => post(fetcher, c, &m.message_id, m.message.clone(), now).await,
            None => Outcome::Dead(format!("the channel {key} is no longer in the watchlists")),
        };
        let now = clock();
        let id = m.id;
        match outcome {
            Outcome::Sent => {
                blocking(store, move |s| s.email_result(id, now, EmailResult::Sent)).await?;
                info!(channel = %key, message_id = %m.message_id, "chat message posted");
                done.sent += 1;
            }
            Outcome::Dead(error) => {
                let e = error.clone();
                blocking(store, move |s| {
                    s.email_result(id, now, EmailResult::Dead { error: &e })
                })
                .await?;
                warn!(channel = %key, message_id = %m.message_id, error = %error, "chat message refused for good; marked dead");
                done.dead += 1;
            }
            Outcome::Retry { after, why } => {
                let at = now + after.unwrap_or_else(|| retry_delay(m.attempts, id));
                let e = why.clone();
                blocking(store, move |s| {
                    s.email_result(id, now, EmailResult::Retry { at, error: &e })
                })
                .await?;
                warn!(channel = %key, message_id = %m.message_id, error = %why, retry_at = %at, "chat message not posted; will retry");
                done.retrying += 1;
                failed.insert(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test case 2.
    #[test]
    fn the_signature_is_hmac_sha256_in_hex() {
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
