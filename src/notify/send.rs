//! Delivering the outbox: one message at a time, alerts first, with retries.
//!
//! A message is marked sent only after the transport accepted it; a crash in between sends
//! it again at restart (the one unavoidable duplicate). Temporary failures (connection
//! refused, 4xx) retry after 30 s, doubling up to 15 min, with jitter; a permanent refusal
//! (5xx) marks the message dead, logged and shown by `vigie alerts`.

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use lettre::address::Envelope;
use tracing::{info, warn};

use super::smtp;

use crate::settings::config::{NotifyConfig, Transport};
use crate::store::{EmailResult, QueuedEmail, SharedStore, blocking};

/// First retry delay, and the longest.
pub const RETRY_FIRST: Duration = Duration::from_secs(30);
pub const RETRY_MAX: Duration = Duration::from_secs(15 * 60);

/// Delay before attempt `attempts + 1`, ±10 % jitter derived from the message id.
pub fn retry_delay(attempts: u32, id: i64) -> Duration {
    let base = RETRY_FIRST.as_secs_f64() * 2f64.powi(attempts.min(10) as i32);
    let base = base.min(RETRY_MAX.as_secs_f64());
    let jitter = ((id.wrapping_mul(2_654_435_761) as u64 % 2001) as f64 / 1000.0 - 1.0) * 0.1;
    Duration::from_secs_f64(base * (1.0 + jitter))
}

/// Why a send failed, and whether trying again can help.
#[derive(Debug)]
pub struct SendError {
    pub permanent: bool,
    /// The relay cannot be reached: the other messages would fail the same way now.
    pub unreachable: bool,
    pub message: String,
}

/// Extra lease beyond the longest possible send, for recording the result.
const LEASE_MARGIN: Duration = Duration::from_secs(60);

/// Sends through the configured transport.
pub struct Sender {
    notify: NotifyConfig,
    smtp: Option<smtp::Relay>,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        f.debug_struct("Sender")
            .field("from", &self.notify.from.to_string())
            .field("smtp", &self.smtp.is_some())
            .finish()
    }
}

impl Sender {
    pub fn new(notify: &NotifyConfig) -> anyhow::Result<Self> {
        let smtp = match &notify.transport {
            Transport::Smtp {
                url,
                username,
                password_file,
                ca_file,
            } => {
                let host = url
                    .host_str()
                    .unwrap_or("localhost")
                    .trim_matches(['[', ']'])
                    .to_string();
                let (starttls, implicit) = smtp::tls_for(&host, ca_file.as_deref())?;
                let (security, default_port) = match url.scheme() {
                    "smtps" => (smtp::Security::Implicit(implicit), 465),
                    "smtp+starttls" => (smtp::Security::Required(starttls), 587),
                    _ => {
                        // smtp://: STARTTLS when the server offers it, except on loopback.
                        let loopback = host == "localhost"
                            || host
                                .parse::<std::net::IpAddr>()
                                .is_ok_and(|ip| ip.is_loopback());
                        if loopback {
                            (smtp::Security::Plain, 25)
                        } else {
                            (smtp::Security::Opportunistic(starttls), 25)
                        }
                    }
                };
                let credentials = match (username, password_file) {
                    (Some(user), Some(file)) => {
                        let password = std::fs::read_to_string(file).map_err(|e| {
                            anyhow::anyhow!(
                                "cannot read notify.password_file {}: {e}",
                                file.display()
                            )
                        })?;
                        Some(lettre::transport::smtp::authentication::Credentials::new(
                            user.clone(),
                            password.trim_end_matches(['\r', '\n']).to_string(),
                        ))
                    }
                    _ => None,
                };
                Some(smtp::Relay {
                    host,
                    port: url.port().unwrap_or(default_port),
                    security,
                    credentials,
                    reply_timeout: notify.reply_timeout,
                    send_timeout: notify.send_timeout,
                })
            }
            _ => None,
        };
        Ok(Sender {
            notify: notify.clone(),
            smtp,
        })
    }

    /// How long a message taken for sending is kept from other senders: longer than the
    /// longest send can take (`[notify] send_timeout`), so that a `vigie poll` beside the
    /// daemon never sends a message the daemon is still sending.
    pub fn lease(&self) -> Duration {
        self.notify.send_timeout + LEASE_MARGIN
    }

    /// Sends one message.
    pub async fn send(&self, m: &QueuedEmail) -> Result<(), SendError> {
        let temporary = |message: String| SendError {
            permanent: false,
            unreachable: false,
            message,
        };
        match &self.notify.transport {
            Transport::None => Err(SendError {
                unreachable: true,
                ..temporary("no transport configured ([notify] smtp or dir)".into())
            }),
            Transport::Dir(dir) => write_eml(dir, m).map_err(|e| SendError {
                unreachable: true,
                ..temporary(format!("cannot write to {}: {e}", dir.display()))
            }),
            Transport::Smtp { .. } => {
                let relay = self.smtp.as_ref().expect("built with the transport");
                let refused = |message: String| SendError {
                    permanent: true,
                    unreachable: false,
                    message,
                };
                let to = m
                    .recipient
                    .parse()
                    .map_err(|e| refused(format!("bad recipient {:?}: {e}", m.recipient)))?;
                let envelope = Envelope::new(Some(self.notify.from.email.clone()), vec![to])
                    .map_err(|e| refused(e.to_string()))?;
                smtp::send(relay, &envelope, &m.message)
                    .await
                    .map_err(|f| match f {
                        smtp::Failure::Refused(why) => refused(why),
                        smtp::Failure::Temporary(why) => temporary(why),
                        smtp::Failure::Unreachable(why) => SendError {
                            unreachable: true,
                            ..temporary(why)
                        },
                    })
            }
        }
    }
}

/// Writes the message as `<dir>/<message id>.eml`, atomically.
fn write_eml(dir: &Path, m: &QueuedEmail) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let name: String = m
        .message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, &m.message)?;
    std::fs::rename(&tmp, dir.join(format!("{name}.eml")))
}

/// What one pass over the due messages did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// Sends every message due at `clock()`, one at a time, until none is due. A message that
/// fails is retried later and the next one is tried at once, so a relay that stalls on one
/// message holds the others back for one deadline at most; the pass ends when the relay
/// cannot be reached (the rest would fail alike) or after three failures in a row.
pub async fn deliver_due(
    store: &SharedStore,
    sender: &Sender,
    clock: &(dyn Fn() -> Timestamp + Sync),
) -> anyhow::Result<Delivery> {
    const FAILURES_IN_A_ROW: usize = 3;
    let mut done = Delivery::default();
    if sender.notify.transport == Transport::None {
        // Nowhere to send: the emails wait in the outbox, as `vigie check` says.
        return Ok(done);
    }
    let lease = sender.lease();
    let mut failures = 0;
    loop {
        let now = clock();
        let Some(m) = blocking(store, move |s| s.next_email(now, lease)).await? else {
            return Ok(done);
        };
        let result = sender.send(&m).await;
        let now = clock();
        let (id, message_id, to) = (m.id, m.message_id, m.recipient);
        match result {
            Ok(()) => {
                blocking(store, move |s| s.email_result(id, now, EmailResult::Sent)).await?;
                info!(message_id = %message_id, to = %to, "email sent");
                done.sent += 1;
                failures = 0;
            }
            Err(e) if e.permanent => {
                let error = e.message.clone();
                blocking(store, move |s| {
                    s.email_result(id, now, EmailResult::Dead { error: &error })
                })
                .await?;
                warn!(message_id = %message_id, to = %to, error = %e.message, "email refused for good; marked dead");
                done.dead += 1;
            }
            Err(e) => {
                let at = now + retry_delay(m.attempts, id);
                let error = e.message.clone();
                blocking(store, move |s| {
                    s.email_result(id, now, EmailResult::Retry { at, error: &error })
                })
                .await?;
                warn!(message_id = %message_id, to = %to, error = %e.message, retry_at = %at, "email not sent; will retry");
                done.retrying += 1;
                failures += 1;
                if e.unreachable || failures >= FAILURES_IN_A_ROW {
                    return Ok(done);
                }
            }
        }
    }
}
