//! One SMTP session per message, with deadlines lettre's own transport does not have.
//!
//! lettre's `AsyncSmtpTransport` bounds the TCP connect only: a relay that stops answering
//! after DATA would hold the sender forever. Here the session runs over a [`Deadlined`]
//! stream, on which every read and every write must make progress within
//! `[notify] reply_timeout`, and the whole session within `[notify] send_timeout`. lettre still
//! speaks the protocol ([`AsyncSmtpConnection`]: EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA), and
//! implicit TLS is done here with tokio-rustls (ring).
//!
//! A deadline that passes after the message's final dot was sent is the RFC 1047 window:
//! the relay may have taken the message even though it never said so. Such a send is
//! retried like any timeout (a possible duplicate beats a lost alert), and says so.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    AsyncSmtpConnection, AsyncTokioStream, Certificate, CertificateStore, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

/// How the connection is protected.
#[derive(Clone)]
pub enum Security {
    /// Plain, for a relay on loopback.
    Plain,
    /// STARTTLS when the relay offers it, plain otherwise.
    Opportunistic(TlsParameters),
    /// STARTTLS, or no message.
    Required(TlsParameters),
    /// TLS from the first byte (smtps, port 465).
    Implicit(Arc<tokio_rustls::rustls::ClientConfig>),
}

/// Where and how messages are sent.
#[derive(Clone)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<Credentials>,
    /// Longest wait for any one reply (or for a write to go through).
    pub reply_timeout: Duration,
    /// Longest a whole session may take, connection to final reply.
    pub send_timeout: Duration,
}

/// Why a send failed.
#[derive(Debug)]
pub enum Failure {
    /// The relay cannot be reached or will not talk (connect, TLS, greeting, EHLO, AUTH):
    /// the next message would fare no better.
    Unreachable(String),
    /// The relay refused this message for good (5xx).
    Refused(String),
    /// Worth trying again later (4xx, a deadline, a dropped connection).
    Temporary(String),
}

/// The TLS settings of a relay: STARTTLS parameters and the implicit-TLS client config,
/// trusting `ca_file`'s certificates instead of the system's when it is given.
pub fn tls_for(
    host: &str,
    ca_file: Option<&Path>,
) -> anyhow::Result<(TlsParameters, Arc<tokio_rustls::rustls::ClientConfig>)> {
    use crate::ingest::fetch::tls;
    let Some(file) = ca_file else {
        let config = tls::client_config(None).map_err(anyhow::Error::msg)?;
        return Ok((TlsParameters::new(host.to_string())?, Arc::new(config)));
    };
    let pem = std::fs::read(file)
        .map_err(|e| anyhow::anyhow!("cannot read notify.ca_file {}: {e}", file.display()))?;
    let roots = tls::roots_from_pem(&pem)
        .map_err(|e| anyhow::anyhow!("notify.ca_file {}: {e}", file.display()))?;
    let config = tls::client_config(Some(roots)).map_err(anyhow::Error::msg)?;
    let starttls = TlsParameters::builder(host.to_string())
        .certificate_store(CertificateStore::None)
        .add_root_certificate(Certificate::from_pem(&pem)?)
        .build()?;
    Ok((starttls, Arc::new(config)))
}

/// Sends one message in one session, within the relay's deadlines.
pub async fn send(relay: &Relay, envelope: &Envelope, message: &[u8]) -> Result<(), Failure> {
    let mut stage = Stage::Connecting;
    let session = session(relay, envelope, message, &mut stage);
    match tokio::time::timeout(relay.send_timeout, session).await {
        Ok(result) => result,
        Err(_) => Err(stage.timed_out(format!(
            "the session took longer than notify.send_timeout ({})",
            humantime::format_duration(relay.send_timeout)
        ))),
    }
}

/// How far a session got, to tell what a deadline means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connecting,
    Sending,
    /// The final dot went out: the relay may have the message.
    AwaitingAcceptance,
}

impl Stage {
    fn timed_out(self, why: String) -> Failure {
        match self {
            Stage::Connecting => Failure::Unreachable(why),
            Stage::Sending => Failure::Temporary(why),
            Stage::AwaitingAcceptance => Failure::Temporary(format!(
                "{why}, after the whole message was sent: the relay may have received it (RFC 1047); it will be sent again"
            )),
        }
    }

    fn failed(self, e: lettre::transport::smtp::Error) -> Failure {
        let text = e.to_string();
        if e.is_permanent() {
            Failure::Refused(text)
        } else if is_deadline(&e) {
            self.timed_out(format!(
                "no answer from the relay within notify.reply_timeout ({text})"
            ))
        } else if self == Stage::Connecting && !e.is_transient() {
            Failure::Unreachable(text)
        } else {
            Failure::Temporary(text)
        }
    }
}

fn is_deadline(e: &lettre::transport::smtp::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::TimedOut)
        {
            return true;
        }
        source = s.source();
    }
    e.is_timeout()
}

async fn session(
    relay: &Relay,
    envelope: &Envelope,
    message: &[u8],
    stage: &mut Stage,
) -> Result<(), Failure> {
    let unreachable = |e: io::Error| {
        Failure::Unreachable(format!(
            "cannot connect to {}:{}: {e}",
            relay.host, relay.port
        ))
    };
    let tcp = tokio::time::timeout(
        relay.reply_timeout,
        TcpStream::connect((relay.host.as_str(), relay.port)),
    )
    .await
    .map_err(|_| {
        Failure::Unreachable(format!(
            "cannot connect to {}:{} within notify.reply_timeout",
            relay.host, relay.port
        ))
    })?
    .map_err(unreachable)?;
    let peer = tcp.peer_addr().map_err(unreachable)?;
    let hello = ClientId::default();
    let stream: Box<dyn AsyncTokioStream> = match &relay.security {
        Security::Implicit(config) => {
            let name = tokio_rustls::rustls::pki_types::ServerName::try_from(relay.host.clone())
                .map_err(|e| Failure::Unreachable(format!("{}: {e}", relay.host)))?;
            let connector = tokio_rustls::TlsConnector::from(config.clone());
            let handshake = connector.connect(name, tcp);
            let tls = tokio::time::timeout(relay.reply_timeout, handshake)
                .await
                .map_err(|_| {
                    Failure::Unreachable("no TLS handshake within notify.reply_timeout".into())
                })?
                .map_err(|e| Failure::Unreachable(format!("TLS with {}: {e}", relay.host)))?;
            Box::new(Deadlined::new(tls, relay.reply_timeout, peer))
        }
        _ => Box::new(Deadlined::new(tcp, relay.reply_timeout, peer)),
    };
    let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &hello)
        .await
        .map_err(|e| stage.failed(e))?;
    match &relay.security {
        Security::Required(tls) => conn
            .starttls(tls.clone(), &hello)
            .await
            .map_err(|e| stage.failed(e))?,
        Security::Opportunistic(tls) if conn.can_starttls() => conn
            .starttls(tls.clone(), &hello)
            .await
            .map_err(|e| stage.failed(e))?,
        _ => {}
    }
    if let Some(credentials) = &relay.credentials {
        conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
            .await
            .map_err(|e| stage.failed(e))?;
    }
    *stage = Stage::Sending;
    // What lettre's own `send` does, step by step, to know when the message went out.
    let mut options = Vec::new();
    let non_ascii = envelope
        .from()
        .into_iter()
        .chain(envelope.to())
        .any(|a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(Failure::Refused(
                "the relay does not take non-ASCII addresses (SMTPUTF8)".into(),
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !message.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(Failure::Refused(
                "the relay does not take 8-bit messages (8BITMIME)".into(),
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), options))
        .await
        .map_err(|e| stage.failed(e))?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), vec![]))
            .await
            .map_err(|e| stage.failed(e))?;
    }
    conn.command(Data).await.map_err(|e| stage.failed(e))?;
    *stage = Stage::AwaitingAcceptance;
    conn.message(message).await.map_err(|e| stage.failed(e))?;
    // Accepted. Say goodbye, briefly: the message is the relay's now.
    let _ = tokio::time::timeout(Duration::from_secs(5), conn.quit()).await;
    Ok(())
}

/// A stream on which every read and every write must make progress within `deadline`:
/// waiting longer is an `io::ErrorKind::TimedOut` error.
pub struct Deadlined<S> {
    inner: S,
    deadline: Duration,
    peer: SocketAddr,
    reading: Option<Pin<Box<Sleep>>>,
    writing: Option<Pin<Box<Sleep>>>,
}

impl<S> Deadlined<S> {
    pub fn new(inner: S, deadline: Duration, peer: SocketAddr) -> Self {
        Deadlined {
            inner,
            deadline,
            peer,
            reading: None,
            writing: None,
        }
    }
}

impl<S> std::fmt::Debug for Deadlined<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deadlined")
            .field("peer", &self.peer)
            .finish()
    }
}

/// Polls `op`; while it is pending, polls the timer `slot` (armed on first wait) and fails
/// with `TimedOut` when it fires. Progress disarms the timer.
fn with_deadline<T>(
    slot: &mut Option<Pin<Box<Sleep>>>,
    deadline: Duration,
    cx: &mut Context<'_>,
    op: Poll<io::Result<T>>,
) -> Poll<io::Result<T>> {
    match op {
        Poll::Ready(r) => {
            *slot = None;
            Poll::Ready(r)
        }
        Poll::Pending => {
            let timer = slot.get_or_insert_with(|| Box::pin(tokio::time::sleep(deadline)));
            match timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    *slot = None;
                    Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "no progress within {}",
                            humantime::format_duration(deadline)
                        ),
                    )))
                }
                Poll::Pending => Poll::Pending,
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Deadlined<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let op = Pin::new(&mut this.inner).poll_read(cx, buf);
        with_deadline(&mut this.reading, this.deadline, cx, op)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deadlined<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let op = Pin::new(&mut this.inner).poll_write(cx, buf);
        with_deadline(&mut this.writing, this.deadline, cx, op)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let op = Pin::new(&mut this.inner).poll_flush(cx);
        with_deadline(&mut this.writing, this.deadline, cx, op)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let op = Pin::new(&mut this.inner).poll_shutdown(cx);
        with_deadline(&mut this.writing, this.deadline, cx, op)
    }
}

impl<S: AsyncRead + AsyncWrite + Send + Sync + Unpin> AsyncTokioStream for Deadlined<S> {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_times_out_and_a_talking_one_does_not() {
        let (client, mut server) = tokio::io::duplex(64);
        let peer: SocketAddr = "127.0.0.1:25".parse().unwrap();
        let mut s = Deadlined::new(client, Duration::from_secs(60), peer);
        let mut buf = [0u8; 8];
        // Bytes every 50 s: each read makes progress in time.
        let talker = tokio::spawn(async move {
            for _ in 0..3 {
                tokio::time::sleep(Duration::from_secs(50)).await;
                server.write_all(b"250 ok\r\n").await.unwrap();
            }
            server
        });
        for _ in 0..3 {
            assert_eq!(s.read(&mut buf).await.unwrap(), 8);
        }
        let _server = talker.await.unwrap();
        // Then silence: the next read fails after 60 s.
        let started = tokio::time::Instant::now();
        let e = s.read(&mut buf).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(60));
    }
}
