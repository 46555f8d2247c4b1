//! Vigie under systemd, with the test playing systemd: a `NOTIFY_SOCKET` datagram socket
//! and `WATCHDOG_USEC`, then the real `vigie run` process: READY once started, watchdog
//! pings while its scheduler goes round, STOPPING and exit 0 on SIGTERM.

mod common;

use std::os::unix::net::UnixDatagram;
use std::process::Command;
use std::time::{Duration, Instant};

/// Reads notifications until one contains `what`, or panics after `secs`.
fn wait_for(sock: &UnixDatagram, what: &str, secs: u64, seen: &mut Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        if let Ok(n) = sock.recv(&mut buf) {
            let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
            let hit = msg.lines().any(|l| l == what);
            seen.push(msg);
            if hit {
                return;
            }
        }
    }
    panic!("no {what} within {secs} s; got {seen:?}");
}

#[test]
fn the_daemon_tells_systemd_it_is_ready_alive_and_stopping() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.xml");
    common::write(
        &feed,
        &common::rss(&[("a", "Acme ouvre une usine", "Bonne nouvelle")]),
    );
    let s = common::setup(
        &[url::Url::from_file_path(&feed).unwrap().to_string()],
        "",
        "",
    );
    let socket_path = dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&socket_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .arg("run")
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "1000000")
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    wait_for(&sock, "READY=1", 30, &mut seen);
    assert!(
        seen.last()
            .unwrap()
            .contains("STATUS=watching 1 sources for 1 brands"),
        "{seen:?}"
    );
    // A 1 s watchdog: pinged every half second while the scheduler is alive.
    let before = seen.len();
    wait_for(&sock, "WATCHDOG=1", 5, &mut seen);
    wait_for(&sock, "WATCHDOG=1", 5, &mut seen);
    assert!(seen.len() - before >= 2);

    let kill = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    wait_for(&sock, "STOPPING=1", 10, &mut seen);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{seen:?}");
}
