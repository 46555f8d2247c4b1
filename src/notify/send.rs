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
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tracing::{info, warn};

use crate::config::{NotifyConfig, Transport};
use crate::store::{EmailResult, QueuedEmail, Store, blocking};

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
    pub message: String,
}

/// Sends through the configured transport.
pub struct Sender {
    notify: NotifyConfig,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
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
                let host = url.host_str().unwrap_or("localhost").to_string();
                let tls = || -> anyhow::Result<TlsParameters> {
                    let Some(file) = ca_file else {
                        return Ok(TlsParameters::new(host.clone())?);
                    };
                    let pem = std::fs::read(file).map_err(|e| {
                        anyhow::anyhow!("cannot read notify.ca_file {}: {e}", file.display())
                    })?;
                    Ok(TlsParameters::builder(host.clone())
                        .certificate_store(CertificateStore::None)
                        .add_root_certificate(Certificate::from_pem(&pem)?)
                        .build()?)
                };
                let plain = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host);
                let mut b = match url.scheme() {
                    "smtps" => plain.port(465).tls(Tls::Wrapper(tls()?)),
                    "smtp+starttls" => plain.port(587).tls(Tls::Required(tls()?)),
                    _ => {
                        // smtp://: STARTTLS when the server offers it, except on loopback.
                        let loopback = host == "localhost"
                            || host
                                .trim_matches(['[', ']'])
                                .parse::<std::net::IpAddr>()
                                .is_ok_and(|ip| ip.is_loopback());
                        if loopback {
                            plain
                        } else {
                            plain.tls(Tls::Opportunistic(tls()?))
                        }
                    }
                };
                if let Some(port) = url.port() {
                    b = b.port(port);
                }
                b = b.timeout(Some(Duration::from_secs(30)));
                if let (Some(user), Some(file)) = (username, password_file) {
                    let password = std::fs::read_to_string(file).map_err(|e| {
                        anyhow::anyhow!("cannot read notify.password_file {}: {e}", file.display())
                    })?;
                    b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(
                        user.clone(),
                        password.trim_end_matches(['\r', '\n']).to_string(),
                    ));
                }
                Some(b.build())
            }
            _ => None,
        };
        Ok(Sender {
            notify: notify.clone(),
            smtp,
        })
    }

    /// Sends one message.
    pub async fn send(&self, m: &QueuedEmail) -> Result<(), SendError> {
        match &self.notify.transport {
            Transport::None => Err(SendError {
                permanent: false,
                message: "no transport configured ([notify] smtp or dir)".into(),
            }),
            Transport::Dir(dir) => write_eml(dir, m).map_err(|e| SendError {
                permanent: false,
                message: format!("cannot write to {}: {e}", dir.display()),
            }),
            Transport::Smtp { .. } => {
                let smtp = self.smtp.as_ref().expect("built with the transport");
                let to = m.recipient.parse().map_err(|e| SendError {
                    permanent: true,
                    message: format!("bad recipient {:?}: {e}", m.recipient),
                })?;
                let envelope = Envelope::new(Some(self.notify.from.email.clone()), vec![to])
                    .map_err(|e| SendError {
                        permanent: true,
                        message: e.to_string(),
                    })?;
                smtp.send_raw(&envelope, &m.message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError {
                        permanent: e.is_permanent(),
                        message: e.to_string(),
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

/// Sends every message due at `clock()`, one at a time, until none is due or one fails for
/// a reason that will hold for the next too (then the rest wait for the retry).
pub async fn deliver_due(
    store: &std::sync::Arc<std::sync::Mutex<Store>>,
    sender: &Sender,
    clock: &(dyn Fn() -> Timestamp + Sync),
) -> anyhow::Result<Delivery> {
    let mut done = Delivery::default();
    if sender.notify.transport == Transport::None {
        // Nowhere to send: the emails wait in the outbox, as `vigie check` says.
        return Ok(done);
    }
    loop {
        let now = clock();
        let Some(m) = blocking(store, move |s| s.next_email(now)).await? else {
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
                return Ok(done);
            }
        }
    }
}
