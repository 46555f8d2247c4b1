//! Mail never stalls and never repeats: a relay that takes 25 s over every reply, with the
//! daemon and a `vigie poll` sending from the same outbox (the message goes out once), and a
//! relay that never answers the end of one message (the others go out after one deadline).
//! Real SMTP server on loopback, real binaries, real SQLite.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{setup_local_feed, write};
use jiff::Timestamp;
use smtp::SmtpServer;
use vigie::store::{Outgoing, Store};

/// The setup's config with `[notify]` sending to `port`, and a watchlist recipient.
fn with_relay(s: &common::Setup, port: u16, extra: &str) {
    let config = std::fs::read_to_string(&s.config).unwrap();
    write(
        &s.config,
        &format!(
            "{config}\n[notify]\nfrom = \"Vigie <vigie@example.com>\"\nsmtp = \"smtp://127.0.0.1:{port}\"\n{extra}\n"
        ),
    );
}

fn queue(db: &std::path::Path, to: &str, subject: &str) {
    let mut store = Store::open(db).unwrap();
    let id = format!("<{subject}@test>");
    let message = format!(
        "Message-ID: {id}\r\nFrom: vigie@example.com\r\nTo: {to}\r\nSubject: {subject}\r\n\r\n{subject}\r\n"
    );
    store
        .enqueue_email(
            &Outgoing {
                purpose: "alert",
                recipient: to.to_string(),
                message_id: id,
                subject: subject.to_string(),
                message: message.into_bytes(),
            },
            Timestamp::now(),
        )
        .unwrap();
}

/// Recipient, last error and attempts of every email still pending.
fn pending(db: &std::path::Path) -> Vec<(String, Option<String>, u32)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut q = c
        .prepare("SELECT recipient, last_error, attempts FROM outbox WHERE state = 'pending'")
        .unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_taking_25_s_per_reply_gets_the_alert_once_from_the_daemon_and_a_poll() {
    let relay = SmtpServer::start().await;
    relay.delay_replies(Duration::from_secs(25));
    let s = setup_local_feed();
    with_relay(&s, relay.port, "");
    let db = s.dir.path().join("data/vigie.db");
    queue(&db, "equipe@example.com", "Alerte Acme");

    let started = Instant::now();
    let mut daemon = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .arg("run")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let config = s.config.clone();
    let poll = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(&config)
            .arg("poll")
            .output()
            .unwrap()
    });

    // Six replies of 25 s: the send takes 150 s, longer than the old two-minute lease, at
    // the end of which the other sender would have opened a second session.
    while Store::open(&db).unwrap().outbox_counts().unwrap().1 == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "the slow relay never got the message"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        started.elapsed() > Duration::from_secs(145),
        "the relay was slow: {:?}",
        started.elapsed()
    );
    let poll = poll.await.unwrap();
    // Both senders have come back to the outbox since (the daemon every few seconds).
    tokio::time::sleep(Duration::from_secs(8)).await;
    let _ = Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status();
    let daemon_exit = daemon.wait().unwrap();
    assert!(daemon_exit.success(), "daemon: {daemon_exit:?}");
    assert!(
        poll.status.success(),
        "poll: {}",
        String::from_utf8_lossy(&poll.stderr)
    );
    assert_eq!(relay.received().len(), 1, "sent once, not once per sender");
    assert_eq!(relay.sessions(), 1, "no second sender ever started on it");
    assert_eq!(
        Store::open(&db).unwrap().outbox_counts().unwrap(),
        (0, 1, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_silent_after_one_message_holds_the_others_back_one_deadline_at_most() {
    let relay = SmtpServer::start().await;
    relay.stall_after_data_for("stuck@example.com");
    let s = setup_local_feed();
    with_relay(
        &s,
        relay.port,
        "reply_timeout = \"3s\"\nsend_timeout = \"20s\"",
    );
    let db = s.dir.path().join("data/vigie.db");
    queue(&db, "stuck@example.com", "Premier");
    queue(&db, "cm@example.com", "Deuxième");
    queue(&db, "equipe@example.com", "Troisième");

    let p = common::poller(&s, Timestamp::now());
    let started = Instant::now();
    let delivered =
        tokio::time::timeout(Duration::from_secs(30), p.deliver_outbox(&Timestamp::now))
            .await
            .expect("a silent relay never blocks the outbox")
            .unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(8),
        "one reply deadline, then the others: {took:?}"
    );
    assert_eq!((delivered.sent, delivered.retrying), (2, 1));
    let mut to: Vec<String> = relay.received().into_iter().flat_map(|r| r.to).collect();
    to.sort();
    assert_eq!(to, ["<cm@example.com>", "<equipe@example.com>"]);

    // The silent one waits for its retry, and says why: it may have arrived.
    assert_eq!(
        Store::open(&db).unwrap().outbox_counts().unwrap(),
        (1, 2, 0)
    );
    let left = pending(&db);
    assert_eq!(left.len(), 1);
    let (to, error, attempts) = &left[0];
    assert_eq!((to.as_str(), *attempts), ("stuck@example.com", 1));
    let error = error.as_deref().unwrap();
    assert!(
        error.contains("notify.reply_timeout") && error.contains("RFC 1047"),
        "{error}"
    );
    let next = p.with_store(|s| s.next_email_due()).await.unwrap().unwrap();
    assert!(next > Timestamp::now(), "retried later, not at once");
}
