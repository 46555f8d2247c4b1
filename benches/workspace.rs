//! The workspace under a large database: 1,000,000 generated mentions over 50 brands and
//! 400 days, served by the real daemon (`vigie run`, release build) on loopback. Measures,
//! after a warm-up, each page's answer time as a client on loopback sees it (the server's
//! time plus a loopback round trip): median, 95th percentile and worst of 200 requests;
//! then the daemon's memory with the workspace on (after the requests) and off.
//!
//! `cargo bench --bench workspace` (VIGIE_MENTIONS=N for another size; VIGIE_BENCH_DIR=DIR
//! keeps the generated database there to measure again without generating it).
//! With `VIGIE_BENCH_PG=postgres://user@host:port/db` and `VIGIE_BENCH_PG_PASSWORD_FILE`,
//! the generated database is copied there (`vigie migrate`) and the daemon serves the
//! workspace from PostgreSQL instead.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use vigie::analyze::risk::{Category, Risk};
use vigie::analyze::sentiment::{Label, Lang, Sentiment};
use vigie::store::{NewMention, PollCommit, PollResult, Store};

const BRANDS: usize = 50;
const SOURCES: usize = 20;
const DAYS: u64 = 400;
const REQUESTS: usize = 200;
const PASSWORD: &str = "bench-password";

const WORDS: &[&str] = &[
    "livraison",
    "retard",
    "service",
    "client",
    "produit",
    "qualité",
    "prix",
    "promotion",
    "magasin",
    "commande",
    "remboursement",
    "garantie",
    "panne",
    "réparation",
    "nouveau",
    "lancement",
    "avis",
    "test",
    "comparatif",
    "usine",
    "emploi",
    "grève",
    "rappel",
    "sécurité",
    "delivery",
    "great",
    "broken",
    "support",
    "refund",
    "launch",
    "review",
    "quality",
];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A PostgreSQL database to serve from: its URL and password file.
type Pg = Option<(String, String)>;

/// The config (with or without the workspace, on the SQLite file or on PostgreSQL) and
/// watchlist; returns the config's path.
fn setup(dir: &Path, port: Option<u16>, pg: &Pg) -> PathBuf {
    let mut w = String::from("recipients = []\n");
    for b in 0..BRANDS {
        w.push_str(&format!("[[brand]]\nname = \"Marque {b:02}\"\n"));
    }
    for s in 0..SOURCES {
        let feed = dir.join(format!("feeds/{s:02}.xml"));
        write(
            &feed,
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>\n",
        );
        w.push_str(&format!(
            "[[source]]\nurl = \"{}\"\n",
            url::Url::from_file_path(&feed).unwrap()
        ));
    }
    // Share of voice: one brand against four competitors.
    w.push_str("[[group]]\nname = \"Banc\"\nown = [\"Marque 00\"]\ncompetitors = [\"Marque 01\", \"Marque 02\", \"Marque 03\", \"Marque 04\"]\n");
    write(&dir.join("watchlists/bench.toml"), &w);
    let database = match pg {
        Some((url, _)) => url.as_str(),
        None => "bench.db",
    };
    let mut c = format!(
        "database = \"{database}\"\nwatchlists = \"watchlists/*.toml\"\n[poll]\ninterval = \"7d\"\n",
    );
    if let Some(port) = port {
        c.push_str(&format!(
            "[web]\nlisten = \"127.0.0.1:{port}\"\n[[web.user]]\nname = \"bench\"\npassword_hash = \"{}\"\nrole = \"editor\"\n",
            vigie::web::auth::hash_password(PASSWORD).unwrap()
        ));
    }
    if let Some((_, password_file)) = pg {
        c.push_str(&format!(
            "[postgres]\npassword_file = \"{password_file}\"\nsslmode = \"disable\"\n"
        ));
    }
    let path = dir.join(match pg {
        Some(_) => "vigie-pg.toml",
        None => "vigie.toml",
    });
    write(&path, &c);
    path
}

fn generate(config: &Path, n: usize) {
    let (config, catalog) = vigie::settings::load(config).unwrap();
    let planned = catalog.sources(config.poll.interval.0, config.poll.min_interval.0);
    let mut store = Store::open(&config.database).unwrap();
    let now = Timestamp::now();
    store.sync_sources(&planned, now).unwrap();
    let started = Instant::now();
    let batch = 5_000;
    let mut i = 0usize;
    let per_source = n.div_ceil(SOURCES);
    while i < per_source {
        let mut commits = Vec::new();
        for (s, source) in planned.iter().enumerate() {
            let mentions: Vec<NewMention> = (i..(i + batch / SOURCES).min(per_source))
                .map(|k| {
                    let k = k * SOURCES + s;
                    let brand = format!("Marque {:02}", k % BRANDS);
                    let ago = (k as u64 * 7919) % (DAYS * 86_400);
                    let published = now - Duration::from_secs(ago);
                    let w = |j: usize| WORDS[(k / (j + 1) + j * 7) % WORDS.len()];
                    let title = format!("{brand} : {} {} {}", w(0), w(1), w(2));
                    let text = format!(
                        "{title}. Selon un client, {brand} et la {} du {} : {} {} {} {}.",
                        w(3),
                        w(4),
                        w(5),
                        w(6),
                        w(7),
                        w(8)
                    );
                    let (score, label) = match k % 5 {
                        0 => (-0.6, Label::Negative),
                        1 | 2 => (0.5, Label::Positive),
                        _ => (0.0, Label::Neutral),
                    };
                    NewMention {
                        brand: brand.clone(),
                        dedup_key: format!("https://news{}.example.fr/{k}", k % 97),
                        item_id: format!("{k}"),
                        url: Some(format!("https://news{}.example.fr/{k}", k % 97)),
                        title,
                        snippet: text.clone(),
                        text,
                        author: None,
                        lang: Some("fr".into()),
                        published_at: published,
                        published_estimated: false,
                        fetched_at: published + Duration::from_secs(600),
                        matched_terms: vec![brand],
                        sentiment: Sentiment {
                            score,
                            label,
                            lang: Some(Lang::Fr),
                        },
                        risk: if k.is_multiple_of(97) {
                            Risk::none().with(Category::Safety, 2)
                        } else {
                            Risk::none()
                        },
                        simhash: None,
                        news: true,
                        engagement: None,
                        reach: None,
                        rating: None,
                    }
                })
                .collect();
            commits.push(PollCommit {
                url: source.url.clone(),
                checked_at: now,
                next_check_at: now + Duration::from_secs(7 * 86_400),
                result: PollResult::Fetched {
                    repairs: Vec::new(),
                    validators: Default::default(),
                    ttl: None,
                    item_count: mentions.len(),
                    mentions,
                    newest_item: None,
                    cadence: None,
                },
            });
        }
        for r in store.commit_polls(&commits) {
            r.unwrap();
        }
        i += batch / SOURCES;
    }
    eprintln!(
        "generated {} mentions in {:.0} s",
        store.mention_count().unwrap(),
        started.elapsed().as_secs_f64()
    );
}

struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(config: &Path) -> Daemon {
    Daemon(
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["-c", config.to_str().unwrap(), "run"])
            .env("RUST_LOG", "error")
            .spawn()
            .unwrap(),
    )
}

/// VmRSS and VmHWM of `pid`, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let n: usize = std::env::var("VIGIE_MENTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let keep = std::env::var_os("VIGIE_BENCH_DIR").map(PathBuf::from);
    let temp = tempfile::tempdir().unwrap();
    let dir = keep.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let port = free_port();
    let pg: Pg = std::env::var("VIGIE_BENCH_PG").ok().map(|url| {
        let file = std::env::var("VIGIE_BENCH_PG_PASSWORD_FILE")
            .expect("VIGIE_BENCH_PG_PASSWORD_FILE with VIGIE_BENCH_PG");
        (url, file)
    });
    let mut config = setup(&dir, Some(port), &None);
    if !dir.join("bench.db").exists() {
        generate(&config, n);
    }
    // Copied once: the daemon then writes to it (alerts), and a second copy is refused.
    let copied = dir.join("copied-to-postgres");
    if pg.is_some() {
        config = setup(&dir, Some(port), &pg);
    }
    if let Some((url, _)) = pg
        .as_ref()
        .filter(|(url, _)| std::fs::read_to_string(&copied).ok().as_deref() != Some(url.as_str()))
    {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["-c", config.to_str().unwrap(), "migrate", "--from"])
            .arg(dir.join("bench.db"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!(
            "copied into PostgreSQL in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        write(&copied, url);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let daemon = start(&config);
    std::thread::sleep(Duration::from_secs(15));
    let (idle_rss, _) = memory(daemon.0.id());
    let base = format!("http://127.0.0.1:{port}");
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        let login = loop {
            if let Ok(r) = http.get(format!("{base}/login")).send().await {
                break r;
            }
            assert!(Instant::now() < deadline, "the workspace never answered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let pre = login
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("; ");
        let page = login.text().await.unwrap();
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let r = http
            .post(format!("{base}/login"))
            .header("cookie", pre)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs([("csrf", csrf), ("user", "bench"), ("password", PASSWORD)])
                    .finish(),
            )
            .send()
            .await
            .unwrap();
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string())
            .find(|c| c.starts_with("vigie_session="))
            .expect("logged in");
        println!(
            "{n} mentions, {BRANDS} brands, on {}; {REQUESTS} requests per page after 10 to warm up",
            if pg.is_some() { "PostgreSQL" } else { "SQLite" }
        );
        println!(
            "{:<58} {:>8} {:>8} {:>8}",
            "page", "p50 ms", "p95 ms", "max ms"
        );
        for path in [
            "/",
            "/mentions",
            "/mentions?state=all",
            "/mentions?q=livraison&state=all",
            "/mentions?q=%22remboursement+garantie%22+-grève&state=all",
            "/mentions?brand=Marque+05&sentiment=negative&state=all&period=30d",
            "/alerts",
            "/voice",
            "/voice?days=90",
        ] {
            let mut times = Vec::new();
            for i in 0..REQUESTS + 10 {
                let t = Instant::now();
                let r = http
                    .get(format!("{base}{path}"))
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{path}");
                let body = r.text().await.unwrap();
                if i >= 10 {
                    times.push(t.elapsed());
                }
                assert!(!body.is_empty());
            }
            times.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!(
                "{path:<58} {:>8.1} {:>8.1} {:>8.1}",
                ms(times[times.len() / 2]),
                ms(times[times.len() * 95 / 100]),
                ms(*times.last().unwrap())
            );
        }
    });
    let (rss, hwm) = memory(daemon.0.id());
    drop(daemon);
    println!(
        "daemon with the workspace: {idle_rss:.0} MiB resident 15 s after start, {rss:.0} MiB after the requests, {hwm:.0} MiB at most"
    );
    let config = setup(&dir, None, &pg);
    let daemon = start(&config);
    std::thread::sleep(Duration::from_secs(15));
    let (rss, hwm) = memory(daemon.0.id());
    drop(daemon);
    println!("daemon without it, 15 s after start: {rss:.0} MiB resident, {hwm:.0} MiB at most");
    drop(temp);
}
