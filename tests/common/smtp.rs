//! A real SMTP server on 127.0.0.1:0 for the tests: it speaks enough of RFC 5321 for a real
//! client (EHLO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), records every
//! message it accepts, and can be told to refuse recipients with a 550.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as the client sent it, dot-unstuffed, CRLF line ends.
    pub data: String,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    refuse_with_550: bool,
    /// Once this many messages are accepted, the next ones stall after their data and are
    /// never accepted: the connection is dropped when [`SmtpServer::release`] is called.
    hold_after: Option<usize>,
    release: Arc<tokio::sync::Notify>,
    /// Offer AUTH PLAIN, and keep what clients sent with it (base64).
    auth: bool,
    auth_received: Vec<String>,
    /// Wait this long before every reply, the greeting included: a slow relay.
    reply_delay: std::time::Duration,
    /// Never answer the final dot of a message to this recipient (the connection stays open
    /// until the client closes it); the message is not accepted.
    stall_for: Option<String>,
    /// Connections accepted so far.
    sessions: usize,
}

pub struct SmtpServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        SmtpServer::start_on(0).await
    }

    /// On a given port (0: any free one).
    pub async fn start_on(port: u16) -> SmtpServer {
        SmtpServer::listen(port, Mode::Plain).await
    }

    /// Speaking implicit TLS (smtps) with a certificate for `localhost` signed by a CA made
    /// for the occasion; returns the server and the CA certificate (PEM) to trust.
    pub async fn start_tls() -> (SmtpServer, String) {
        let (acceptor, ca) = tls_acceptor();
        (SmtpServer::listen(0, Mode::Implicit(acceptor)).await, ca)
    }

    /// Plain, offering STARTTLS (and nothing else before it), with such a certificate.
    pub async fn start_starttls() -> (SmtpServer, String) {
        let (acceptor, ca) = tls_acceptor();
        (SmtpServer::listen(0, Mode::StartTls(acceptor)).await, ca)
    }

    async fn listen(port: u16, mode: Mode) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let s = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                s.lock().unwrap().sessions += 1;
                let s = s.clone();
                let mode = mode.clone();
                tokio::spawn(async move {
                    match mode {
                        Mode::Plain => {
                            session(stream, s, true, false).await;
                        }
                        Mode::Implicit(acceptor) => {
                            if let Ok(tls) = acceptor.accept(stream).await {
                                session(tls, s, true, false).await;
                            }
                        }
                        Mode::StartTls(acceptor) => {
                            if let Some(plain) = session(stream, s.clone(), true, true).await
                                && let Ok(tls) = acceptor.accept(plain).await
                            {
                                session(tls, s, false, false).await;
                            }
                        }
                    }
                });
            }
        });
        SmtpServer { port, state }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Offers `AUTH PLAIN` from now on and accepts any credentials.
    pub fn offer_auth(&self) {
        self.state.lock().unwrap().auth = true;
    }

    /// The `AUTH PLAIN` payloads clients sent (base64 of `\0user\0password`).
    pub fn auth_received(&self) -> Vec<String> {
        self.state.lock().unwrap().auth_received.clone()
    }

    /// Accepts messages until `n` are received in all, then stalls on the final dot of the
    /// next ones, accepting none of them.
    pub fn hold_after(&self, n: usize) {
        self.state.lock().unwrap().hold_after = Some(n);
    }

    /// Drops the stalled sessions (their messages are not accepted) and stops holding.
    pub fn release(&self) {
        let mut s = self.state.lock().unwrap();
        s.hold_after = None;
        s.release.notify_waiters();
    }

    /// How many connections clients opened so far.
    pub fn sessions(&self) -> usize {
        self.state.lock().unwrap().sessions
    }

    /// Waits `delay` before each reply from now on.
    pub fn delay_replies(&self, delay: std::time::Duration) {
        self.state.lock().unwrap().reply_delay = delay;
    }

    /// Never answers the end of a message to `recipient`.
    pub fn stall_after_data_for(&self, recipient: &str) {
        self.state.lock().unwrap().stall_for = Some(format!("<{recipient}>"));
    }

    /// Answer every RCPT with `550 no such user`.
    pub fn refuse_recipients(&self, refuse: bool) {
        self.state.lock().unwrap().refuse_with_550 = refuse;
    }
}

#[derive(Clone)]
enum Mode {
    Plain,
    Implicit(tokio_rustls::TlsAcceptor),
    StartTls(tokio_rustls::TlsAcceptor),
}

/// A TLS acceptor with a certificate for `localhost` signed by a new CA, and that CA (PEM).
fn tls_acceptor() -> (tokio_rustls::TlsAcceptor, String) {
    let (ca_pem, leaf_cert, leaf_key) = crate::common::signed_server_certificate(&["localhost"]);
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf_cert.der().clone()],
        tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    (acceptor, ca_pem)
}

/// One SMTP session. `greet`: send the 220 greeting (not after STARTTLS). `starttls`: offer
/// STARTTLS and refuse mail before it; when the client asks for it, the stream is handed
/// back for the TLS handshake.
async fn session<S>(stream: S, state: Arc<Mutex<State>>, greet: bool, starttls: bool) -> Option<S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read);
    let delay = || state.lock().unwrap().reply_delay;
    if greet {
        tokio::time::sleep(delay()).await;
        let _ = write.write_all(b"220 localhost test SMTP\r\n").await;
    }
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return None;
        }
        let upper = line.to_ascii_uppercase();
        let auth = state.lock().unwrap().auth;
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            if starttls {
                b"250-localhost\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
            } else if auth {
                b"250-localhost\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else {
                b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            }
        } else if auth && upper.starts_with("AUTH PLAIN") {
            let payload = line[10..].trim().to_string();
            state.lock().unwrap().auth_received.push(payload);
            b"235 2.7.0 authenticated\r\n"
        } else if upper.starts_with("STARTTLS") && starttls {
            let _ = write.write_all(b"220 ready to start TLS\r\n").await;
            return Some(lines.into_inner().unsplit(write));
        } else if starttls && (upper.starts_with("MAIL") || upper.starts_with("RCPT")) {
            b"530 5.7.0 must issue a STARTTLS command first\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().to_string();
            to.clear();
            b"250 ok\r\n"
        } else if upper.starts_with("RCPT TO:") {
            if state.lock().unwrap().refuse_with_550 {
                b"550 5.1.1 no such user\r\n"
            } else {
                to.push(line[8..].trim().to_string());
                b"250 ok\r\n"
            }
        } else if upper.starts_with("DATA") {
            tokio::time::sleep(delay()).await;
            let _ = write.write_all(b"354 go ahead\r\n").await;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return None;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let held = {
                let s = state.lock().unwrap();
                s.hold_after
                    .filter(|n| s.received.len() >= *n)
                    .map(|_| s.release.clone())
            };
            if let Some(release) = held {
                release.notified().await;
                return None;
            }
            let stall = state.lock().unwrap().stall_for.clone();
            if stall.is_some_and(|r| to.contains(&r)) {
                // Silence until the client hangs up.
                while lines.read_line(&mut line).await.unwrap_or(0) > 0 {
                    line.clear();
                }
                return None;
            }
            state.lock().unwrap().received.push(Received {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            b"250 queued\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return None;
        } else if upper.starts_with("RSET") || upper.starts_with("NOOP") {
            b"250 ok\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        tokio::time::sleep(delay()).await;
        if write.write_all(reply).await.is_err() {
            return None;
        }
    }
}
