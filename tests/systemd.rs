//! Vigie under systemd, with the test playing systemd: a `NOTIFY_SOCKET` datagram socket
//! and `WATCHDOG_USEC`, then the real `vigie run` process: READY once started, watchdog
//! pings while its scheduler goes round, RELOADING then READY on SIGHUP (a changed
//! watchlist taking effect, an invalid one refused), STOPPING and exit 0 on SIGTERM.

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
fn the_daemon_tells_systemd_it_is_ready_alive_reloaded_and_stopping() {
    let s = common::setup_local_feed();
    let socket_path = s.dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&socket_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .arg("run")
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "1000000")
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::piped())
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

    let signal = |name: &str| {
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(ok.success());
    };

    // A second source and brand: reloaded, and polled without a restart.
    let feed2 = s.dir.path().join("feed2.xml");
    common::write(
        &feed2,
        &common::rss(&[("g", "Globex lance un robot", "Globex innove")]),
    );
    let watchlist = s.dir.path().join("watchlists/acme.toml");
    let good = std::fs::read_to_string(&watchlist).unwrap()
        + &format!(
            "\n[[brand]]\nname = \"Globex\"\n\n[[source]]\nurl = \"{}\"\n",
            url::Url::from_file_path(&feed2).unwrap()
        );
    common::write(&watchlist, &good);
    signal("HUP");
    wait_for(&sock, "RELOADING=1", 10, &mut seen);
    wait_for(&sock, "READY=1", 10, &mut seen);
    assert!(
        seen.last()
            .unwrap()
            .contains("STATUS=watching 2 sources for 2 brands"),
        "{seen:?}"
    );
    let db = s.dir.path().join("data/vigie.db");
    let deadline = Instant::now() + Duration::from_secs(30);
    while vigie::store::Store::open(&db)
        .ok()
        .and_then(|s| s.brands().ok())
        .is_none_or(|b| !b.contains(&"Globex".to_string()))
    {
        assert!(Instant::now() < deadline, "the new source was not polled");
        std::thread::sleep(Duration::from_millis(100));
    }

    // An invalid watchlist: refused, the running settings stay.
    common::write(&watchlist, "[[brand]]\nname = \"\"\n");
    signal("HUP");
    wait_for(&sock, "RELOADING=1", 10, &mut seen);
    wait_for(&sock, "READY=1", 10, &mut seen);
    assert!(
        seen.last()
            .unwrap()
            .contains("STATUS=watching 2 sources for 2 brands"),
        "{seen:?}"
    );

    signal("TERM");
    wait_for(&sock, "STOPPING=1", 10, &mut seen);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{seen:?}");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("reload refused"), "{log}");
    assert!(
        log.contains("acme.toml"),
        "the log names the bad file: {log}"
    );
}
