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
        + &format!("[health]\nlisten = \"127.0.0.1:{port}\"\n[node]\nid = \"vigie-b\"\n");
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
        "vigie_node_info{node=\"vigie-b\"} 1",
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
    assert!(body.starts_with("node: vigie-b\n"), "{body}");
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

/// Lets this process hold many sockets: its soft limit on open files up to the hard one.
fn raise_own_open_files_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain libc calls on a struct we own.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        lim.rlim_cur = lim.rlim_max;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
    }
    assert!(
        lim.rlim_cur >= 4096,
        "this test needs 4,096 open files: {}",
        lim.rlim_cur
    );
}

/// Kills the daemon when the test ends, passed or failed.
struct KillOnDrop(u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", &self.0.to_string()])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

fn sources_json(config: &std::path::Path) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(config)
        .args(["sources", "--format", "json"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_hundred_idle_connections_to_the_listener_fail_no_poll() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use tokio::io::AsyncReadExt;

    raise_own_open_files_limit();
    let srv = common::Server::start().await;
    let urls: Vec<String> = (0..20)
        .map(|i| {
            let path = format!("/feed{i}.xml");
            srv.route(
                &path,
                common::feed(common::rss(&[(&format!("g{i}"), "Acme", "Acme")]), None),
            );
            srv.url(&path)
        })
        .collect();
    let s = common::setup(&urls[..1], "", "");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = std::fs::read_to_string(&s.config).unwrap()
        + &format!("[health]\nlisten = \"127.0.0.1:{port}\"\n");
    common::write(&s.config, &config);
    // The daemon under the default limit of 1,024 open files.
    let daemon = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(&s.config)
        .arg("run")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _reaper = KillOnDrop(daemon.id());
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::task::spawn_blocking(move || get(port, "/healthz"))
        .await
        .unwrap()
        .is_none_or(|(status, _)| status != 200)
    {
        assert!(
            Instant::now() < deadline,
            "the daemon never answered /healthz"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // 1,200 connections that never send a request, reopened as the listener drops them.
    let stop = Arc::new(AtomicBool::new(false));
    let connected = Arc::new(AtomicUsize::new(0));
    let attempts = Arc::new(AtomicUsize::new(0));
    let flood = {
        let (stop, connected, attempts) = (stop.clone(), connected.clone(), attempts.clone());
        tokio::spawn(async move {
            let slots = Arc::new(tokio::sync::Semaphore::new(1200));
            while !stop.load(Ordering::Relaxed) {
                let slot = slots.clone().acquire_owned().await.unwrap();
                let (stop, connected) = (stop.clone(), connected.clone());
                attempts.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(async move {
                    let _slot = slot;
                    let conn = tokio::time::timeout(
                        Duration::from_secs(3),
                        tokio::net::TcpStream::connect(("127.0.0.1", port)),
                    )
                    .await;
                    if let Ok(Ok(mut sock)) = conn {
                        connected.fetch_add(1, Ordering::Relaxed);
                        let mut byte = [0u8; 1];
                        while !stop.load(Ordering::Relaxed) {
                            match tokio::time::timeout(
                                Duration::from_millis(200),
                                sock.read(&mut byte),
                            )
                            .await
                            {
                                Ok(_) => break,
                                Err(_) => continue,
                            }
                        }
                    }
                });
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The listener holds its 64 and the kernel's backlog; the rest wait for a slot.
    let on = connected.load(Ordering::Relaxed);
    assert!(on >= 64, "the flood is on: {on} connected");
    assert!(attempts.load(Ordering::Relaxed) >= 1200);
    let descriptors = || {
        std::fs::read_dir(format!("/proc/{}/fd", daemon.id()))
            .unwrap()
            .count()
    };
    let held = descriptors();
    assert!(
        held < 200,
        "the daemon holds {held} descriptors under the flood"
    );

    // Twenty new sources, polled at once after a reload, while the flood goes on.
    let w = urls
        .iter()
        .map(|u| format!("\n[[source]]\nurl = \"{u}\"\n"))
        .collect::<String>();
    common::write(
        &s.dir.path().join("watchlists/acme.toml"),
        &format!("[[brand]]\nname = \"Acme\"\n{w}"),
    );
    let _ = Command::new("kill")
        .args(["-HUP", &daemon.id().to_string()])
        .status();
    let config = s.config.clone();
    let deadline = Instant::now() + Duration::from_secs(60);
    let rows = loop {
        let config = config.clone();
        let rows = tokio::task::spawn_blocking(move || sources_json(&config))
            .await
            .unwrap();
        if rows.len() == 20 && rows.iter().all(|r| !r["last_checked_at"].is_null()) {
            break rows;
        }
        assert!(Instant::now() < deadline, "not all polled: {rows:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let held = descriptors();
    stop.store(true, Ordering::Relaxed);
    flood.await.unwrap();
    for r in &rows {
        assert_eq!(r["consecutive_errors"], 0, "{r}");
    }
    assert!(
        held < 200,
        "the daemon holds {held} descriptors while polling"
    );

    // Once the flood ends, the listener answers again.
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::task::spawn_blocking(move || get(port, "/healthz"))
        .await
        .unwrap()
        .is_none_or(|(status, _)| status != 200)
    {
        assert!(Instant::now() < deadline, "/healthz never came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status();
    let out = daemon.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{logs}");
    assert!(!logs.contains("Too many open files"), "{logs}");
}
