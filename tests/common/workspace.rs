//! A running daemon with its workspace on loopback, over a copy of the demo and a feed of
//! hostile items, for the HTTP and browser tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The demo's editor (`config/demo.toml`), a viewer and an admin made here.
pub const EDITOR: (&str, &str) = ("demo", "demo-password");
pub const VIEWER: (&str, &str) = ("vera", "viewer-password");
pub const ADMIN: (&str, &str) = ("ada", "admin-password");

/// Feed text that must stay text on every page.
pub const HOSTILE_TITLE: &str =
    "Acme <script>alert('xss')</script> \"><img src=x onerror=alert(1)>";

pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub base: String,
    /// The PostgreSQL database's URL, when it runs on one.
    pub postgres: Option<String>,
    child: Child,
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Workspace {
    /// Polls the demo (and the hostile feed) once, then runs the daemon with the workspace.
    pub fn start() -> Workspace {
        Workspace::start_on(None)
    }

    /// The same on PostgreSQL: `database` is the URL, `table` the `[postgres]` table that
    /// logs in to it.
    pub fn start_on_postgres(url: String, table: &str) -> Workspace {
        Workspace::start_on(Some((url, table)))
    }

    fn start_on(postgres: Option<(String, &str)>) -> Workspace {
        // reqwest's TLS goes through rustls with ring, as in the daemon.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (dir, config) = crate::common::demo_copy();
        let hostile = dir.path().join("demo/feeds/hostile.xml");
        let escape = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let an_hour_ago = jiff::Timestamp::now() - std::time::Duration::from_secs(3600);
        let date =
            jiff::fmt::rfc2822::to_string(&an_hour_ago.to_zoned(jiff::tz::TimeZone::UTC)).unwrap();
        // Escaped twice: the feed's HTML says `&lt;script&gt;`, so the stored text holds
        // `<script>` as characters, as a hostile title reaches the pages.
        crate::common::write(
            &hostile,
            &format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Hostile</title>\
                 <link>https://hostile.example/</link><description>d</description>\
                 <item><guid>hostile-1</guid><link>https://hostile.example/a</link><title>{}</title>\
                 <description>{}</description><pubDate>{date}</pubDate></item></channel></rss>\n",
                escape(&escape(HOSTILE_TITLE)),
                escape(&escape(
                    "Acme <b onmouseover=alert(2)>bold</b> javascript:alert(3) </textarea><script>alert(4)</script>"
                )),
            ),
        );
        let watchlist = dir.path().join("watchlists/demo.toml");
        let w = std::fs::read_to_string(&watchlist).unwrap()
            + "\n[[source]]\nurl = \"file:../demo/feeds/hostile.xml\"\n";
        crate::common::write(&watchlist, &w);
        let port = free_port();
        let mut c = std::fs::read_to_string(&config)
            .unwrap()
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
        for (user, role) in [(VIEWER, "viewer"), (ADMIN, "admin")] {
            c.push_str(&format!(
                "\n[[web.user]]\nname = \"{}\"\npassword_hash = \"{}\"\nrole = \"{role}\"\nlanguage = \"en\"\n",
                user.0,
                vigie::web::auth::hash_password(user.1).unwrap()
            ));
        }
        if let Some((url, table)) = &postgres {
            c = c.replace(
                "database = \"../demo-output/demo.db\"",
                &format!("database = \"{url}\""),
            );
            c.push_str(&format!("\n{table}"));
        }
        crate::common::write(&config, &c);
        let poll = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["-c", config.to_str().unwrap(), "poll"])
            .output()
            .unwrap();
        assert!(
            poll.status.success(),
            "{}",
            String::from_utf8_lossy(&poll.stderr)
        );
        let child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["-c", config.to_str().unwrap(), "run"])
            .env("RUST_LOG", "warn")
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the workspace never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Workspace {
            dir,
            config,
            base,
            postgres: postgres.map(|(url, _)| url),
            child,
        }
    }

    /// Runs `vigie ARGS` on this workspace's config.
    pub fn vigie(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .output()
            .unwrap()
    }
}
