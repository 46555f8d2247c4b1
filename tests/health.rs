//! `/healthz` and `/metrics` of a running daemon, on loopback.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

/// GET `path` on `port`: (status, body).
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    s.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

#[test]
fn health_and_metrics_answer_for_a_running_daemon() {
    let s = common::setup_local_feed();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = std::fs::read_to_string(&s.config).unwrap()
        + &format!("[health]\nlisten = \"127.0.0.1:{port}\"\n");
    common::write(&s.config, &config);
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .arg("run")
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();

    // Wait for the first poll to show in the metrics.
    let deadline = Instant::now() + Duration::from_secs(30);
    let metrics = loop {
        if let Some((200, body)) = get(port, "/metrics")
            && body.contains("vigie_fetches_total{outcome=\"fetched\"} 1")
        {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "no metrics with a poll within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    for line in [
        "vigie_sources{state=\"ok\"} 1",
        "vigie_sources{state=\"failing\"} 0",
        "vigie_fetches_total{outcome=\"failed\"} 0",
        "vigie_fetch_duration_seconds_bucket{le=\"+Inf\"} 1",
        "vigie_fetch_duration_seconds_count 1",
        "vigie_mentions_stored 1",
        "vigie_alerts_open 0",
        "vigie_outbox_emails{state=\"pending\"} 0",
        "vigie_last_digest_sent_timestamp_seconds 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} missing from:\n{metrics}"
        );
    }
    // Every sample line is `name{labels} value` with a number.
    for l in metrics.lines().filter(|l| !l.starts_with('#')) {
        let value = l.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{l}");
    }

    let (status, body) = get(port, "/healthz").unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("database: ok writable"), "{body}");
    assert!(body.contains("scheduler: ok"), "{body}");
    assert!(
        body.contains("outbox: ok no transport: emails wait"),
        "{body}"
    );
    assert_eq!(get(port, "/nope").unwrap().0, 404);

    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
