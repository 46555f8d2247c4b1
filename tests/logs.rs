//! Logs: JSON lines with stable fields when asked, and never a secret, at any level: not
//! the SMTP password, not the credentials of a source URL, in any form.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::process::Command;

use common::{Server, feed, rss, write};

const PASSWORD: &str = "s3cr3t-SMTP-pass";
const URL_PASSWORD: &str = "hunter2-feed-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_most_verbose_logs_hold_no_secret() {
    let server = Server::start().await;
    server.route(
        "/feed.xml",
        feed(
            rss(&[("a", "Acme ouvre une usine", "Une bonne nouvelle")]),
            None,
        ),
    );
    let with_credentials =
        server
            .url("/feed.xml")
            .replacen("http://", &format!("http://watcher:{URL_PASSWORD}@"), 1);
    let mail = smtp::SmtpServer::start().await;
    mail.offer_auth();
    let s = common::setup(std::slice::from_ref(&with_credentials), "", "");
    let password_file = s.dir.path().join("smtp-password");
    write(&password_file, PASSWORD);
    let config = std::fs::read_to_string(&s.config).unwrap()
        + &format!(
            "[notify]\nsmtp = \"smtp://127.0.0.1:{}\"\nusername = \"vigie\"\npassword_file = \"{}\"\n",
            mail.port,
            password_file.display()
        );
    write(&s.config, &config);

    let mut logs = String::new();
    for args in [
        vec!["poll"],
        vec!["check"],
        vec!["sources"],
        vec!["test-email", "a@example.org"],
    ] {
        let config = s.config.clone();
        // A blocking wait, off the runtime that serves HTTP and SMTP.
        let out = tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_vigie"))
                .arg("-c")
                .arg(&config)
                .args(["--log-format", "json"])
                .args(&args)
                .env("RUST_LOG", "trace")
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        logs.push_str(&String::from_utf8_lossy(&out.stdout));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // Every log line is a JSON object (the last line of a failing command is its error).
        for line in stderr.lines().filter(|l| l.starts_with('{')) {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            assert!(v.get("level").is_some(), "{line}");
        }
        logs.push_str(&stderr);
    }
    assert!(logs.lines().count() > 10, "trace level says a lot: {logs}");
    // The poll's log lines name their source, with its credentials taken out.
    assert!(logs.contains("\"source\":\"http://127.0.0.1:"), "{logs}");
    assert!(!logs.contains("watcher"), "not even the user name");
    // The password did go to the server (so the path that could leak it ran)...
    use base64::Engine;
    let plain = base64::engine::general_purpose::STANDARD.encode(format!("\0vigie\0{PASSWORD}"));
    assert_eq!(mail.auth_received(), std::slice::from_ref(&plain));
    assert_eq!(mail.received().len(), 1);
    // ...and appears nowhere in the logs, in any form.
    for secret in [PASSWORD, URL_PASSWORD] {
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        for form in [
            secret.to_string(),
            b64,
            secret.replace('-', "%2D"),
            plain.clone(),
        ] {
            assert!(!logs.contains(&form), "{form:?} appears in the logs");
        }
    }
}
