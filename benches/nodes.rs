//! Several `vigie run` nodes on one PostgreSQL database, against one node on SQLite: 50,000
//! loopback sources and 2,000 brands (by default). For each setup: the time of a full poll
//! cycle (every source polled once, from the nodes' start), the database's CPU time during
//! it and its size after, and the latency of an alert: a burst of bad news about one
//! brand published on 40 sites (their sources then due at once), to the alert email at a
//! loopback SMTP server.
//!
//! Needs a PostgreSQL server on this machine (its CPU is read from /proc):
//! `VIGIE_BENCH_PG=postgres://vigie@127.0.0.1:5432/db` (a database this bench empties: it
//! drops and makes again its `public` schema) and `VIGIE_BENCH_PG_PASSWORD_FILE`. Sizes:
//! `VIGIE_BENCH_SOURCES` (50000), `VIGIE_BENCH_BRANDS` (2000), `VIGIE_BENCH_NODES`
//! ("sqlite,1,3,5"). Run with `cargo bench --bench nodes`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/common/smtp.rs"]
mod smtp;

use std::time::{Duration, Instant};

use vigie::settings::postgres::{PgOptions, PgTarget, SslMode};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn brand(n: usize) -> String {
    format!("Marque{n:04}")
}

/// Watchlist files (a file holds at most 1 MiB): each has a tenth of the brands and of the
/// sources, whose items name its own brands.
const FILES: usize = 10;

/// Feed `i` of `sources`: two items, each about one brand of its watchlist.
fn feed(i: usize, sources: usize, brands: usize, date: &str, extra: &str) -> String {
    let per_file = brands / FILES;
    let file = i * FILES / sources;
    let (a, b) = (
        file * per_file + i % per_file,
        file * per_file + (i * 7 + 3) % per_file,
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Site {i}</title>\
         <link>https://site{i}.example/</link><description>d</description>{extra}\
         <item><link>https://site{i}.example/a</link><title>{} ouvre un magasin</title>\
         <description>Le groupe {} ouvre son magasin numéro {i} dans la ville {i}.</description><pubDate>{date}</pubDate></item>\
         <item><link>https://site{i}.example/b</link><title>{} au salon</title>\
         <description>Le stand {} présente {i} nouveautés au salon de la ville {i}.</description><pubDate>{date}</pubDate></item>\
         </channel></rss>\n",
        brand(a),
        brand(a),
        brand(b),
        brand(b)
    )
}

fn rfc2822(t: jiff::Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// CPU seconds used so far by the PostgreSQL server whose backend is `pid`: the
/// postmaster's and its children's, the exited ones included.
fn server_cpu(backend: u32) -> f64 {
    let stat = |pid: u32| -> Option<Vec<u64>> {
        let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let rest = &s[s.rfind(')')? + 2..];
        Some(
            rest.split_whitespace()
                .map(|f| f.parse().unwrap_or(0))
                .collect(),
        )
    };
    // Fields after the name: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
    let Some(b) = stat(backend) else { return 0.0 };
    let postmaster = b[1] as u32;
    let mut ticks = stat(postmaster).map_or(0, |p| p[11] + p[12] + p[13] + p[14]);
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Some(p) = stat(pid)
            && p[1] as u32 == postmaster
        {
            ticks += p[11] + p[12];
        }
    }
    ticks as f64 / 100.0
}

struct Setup {
    dir: tempfile::TempDir,
    nodes: Vec<String>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let Ok(url) = std::env::var("VIGIE_BENCH_PG") else {
        eprintln!("set VIGIE_BENCH_PG (a database to empty) and VIGIE_BENCH_PG_PASSWORD_FILE");
        return;
    };
    let password_file = std::env::var("VIGIE_BENCH_PG_PASSWORD_FILE").ok();
    let sources = env_or("VIGIE_BENCH_SOURCES", 50_000);
    let brands = env_or("VIGIE_BENCH_BRANDS", 2_000);
    let setups = std::env::var("VIGIE_BENCH_NODES").unwrap_or("sqlite,1,3,5".into());
    let target = PgTarget {
        url: url.clone(),
        options: PgOptions {
            password_file: password_file.clone().map(Into::into),
            sslmode: SslMode::Disable,
            ca_file: None,
        },
    };
    let admin = vigie::store::pg::connect(&target).await.unwrap();
    let srv = common::Server::start().await;
    let mail = smtp::SmtpServer::start().await;
    println!(
        "{sources} sources, {brands} brands; PostgreSQL {}",
        admin
            .query_one("SHOW server_version", &[])
            .await
            .unwrap()
            .get::<_, String>(0)
    );
    println!("setup     cycle     polls/s   db CPU   db size   alert latency");
    for setup in setups.split(',') {
        let date = rfc2822(jiff::Timestamp::now());
        for i in 0..sources {
            srv.route(
                &format!("/f{i}.xml"),
                common::feed(feed(i, sources, brands, &date, ""), None),
            );
        }
        let on_pg = setup != "sqlite";
        let n: usize = if on_pg { setup.parse().unwrap() } else { 1 };
        if on_pg {
            admin
                .batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
                .await
                .unwrap();
        }
        let s = write_files(&srv, &mail, sources, brands, n, on_pg, &url, &password_file);
        let backend: u32 = admin
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .unwrap()
            .get::<_, i32>(0) as u32;
        let cpu0 = server_cpu(backend);
        let t0 = Instant::now();
        let children: Vec<common::Node> = s
            .nodes
            .iter()
            .map(|node| common::Node::start(s.dir.path(), node, "warn"))
            .collect();
        let polled = || async {
            if on_pg {
                admin
                    .query_one(
                        "SELECT count(*) FROM sources WHERE last_checked_at IS NOT NULL",
                        &[],
                    )
                    .await
                    .map(|r| r.get::<_, i64>(0) as usize)
                    .unwrap_or(0)
            } else {
                rusqlite::Connection::open_with_flags(
                    s.dir.path().join("vigie.db"),
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .and_then(|c| {
                    c.query_row(
                        "SELECT count(*) FROM sources WHERE last_checked_at IS NOT NULL",
                        [],
                        |r| r.get::<_, i64>(0),
                    )
                })
                .map(|n| n as usize)
                .unwrap_or(0)
            }
        };
        let mut children = children;
        while polled().await < sources {
            for (c, node) in children.iter_mut().zip(&s.nodes) {
                if let Some(status) = c.exited() {
                    let log = std::fs::read_to_string(s.dir.path().join(format!("{node}.log")));
                    panic!("node {node} stopped ({status}): {log:?}");
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let cycle = t0.elapsed();
        let cpu = server_cpu(backend) - cpu0;
        let size = if on_pg {
            let bytes: i64 = admin
                .query_one("SELECT pg_database_size(current_database())", &[])
                .await
                .unwrap()
                .get(0);
            bytes as f64
        } else {
            ["vigie.db", "vigie.db-wal"]
                .iter()
                .filter_map(|f| std::fs::metadata(s.dir.path().join(f)).ok())
                .map(|m| m.len() as f64)
                .sum()
        };
        // Let the first cycle's alerts go out, then the burst: bad news about one brand on
        // 40 sites, whose sources come due at once.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let victim = brand(7);
        let before = mail.received().len();
        let burst_date = rfc2822(jiff::Timestamp::now());
        // Sites of the victim's watchlist (the first tenth of the sources).
        let sites: Vec<usize> = (0..40).map(|k| k * (sources / FILES) / 40).collect();
        for &i in &sites {
            let extra = format!(
                "<item><link>https://site{i}.example/scandale</link><title>{victim} : rappel massif, clients furieux</title>\
                 <description>{victim} rappelle des milliers de produits après des départs de feu ; une arnaque selon des clients furieux.</description><pubDate>{burst_date}</pubDate></item>"
            );
            srv.route(
                &format!("/f{i}.xml"),
                common::feed(feed(i, sources, brands, &date, &extra), None),
            );
        }
        let urls: Vec<String> = sites
            .iter()
            .map(|i| srv.url(&format!("/f{i}.xml")))
            .collect();
        let published = Instant::now();
        if on_pg {
            admin
                .execute(
                    "UPDATE sources SET next_check_at = 0 WHERE url = ANY($1)",
                    &[&urls],
                )
                .await
                .unwrap();
        }
        // SQLite: the one node reads its schedule from the file at each wake-up.
        let due = |c: &rusqlite::Connection| {
            for u in &urls {
                c.execute("UPDATE sources SET next_check_at = 0 WHERE url = ?1", [u])?;
            }
            Ok::<_, rusqlite::Error>(())
        };
        if !on_pg {
            let c = rusqlite::Connection::open(s.dir.path().join("vigie.db")).unwrap();
            c.busy_timeout(Duration::from_secs(30)).unwrap();
            due(&c).unwrap();
        }
        let mut latency = None;
        while published.elapsed() < Duration::from_secs(120) {
            if mail
                .received()
                .iter()
                .skip(before)
                .any(|m| common::subject(&m.data).contains(&victim))
            {
                latency = Some(published.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for c in children {
            c.stop();
        }
        println!(
            "{:<9} {:>6.1} s {:>9.0} {:>6.1} s {:>6.0} MB   {}",
            if on_pg {
                format!("pg × {n}")
            } else {
                "sqlite".into()
            },
            cycle.as_secs_f64(),
            sources as f64 / cycle.as_secs_f64(),
            cpu,
            size / 1e6,
            latency.map_or("none in 120 s".into(), |l| format!(
                "{:.1} s",
                l.as_secs_f64()
            ))
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn write_files(
    srv: &common::Server,
    mail: &smtp::SmtpServer,
    sources: usize,
    brands: usize,
    nodes: usize,
    on_pg: bool,
    url: &str,
    password_file: &Option<String>,
) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let per_file = brands / FILES;
    for f in 0..FILES {
        let mut w = String::from("recipients = [\"team@example.com\"]\nlanguage = \"fr\"\n");
        for b in f * per_file..(f + 1) * per_file {
            w.push_str(&format!("\n[[brand]]\nname = \"{}\"\n", brand(b)));
        }
        for i in (0..sources).filter(|i| i * FILES / sources == f) {
            w.push_str(&format!(
                "\n[[source]]\nurl = \"{}\"\n",
                srv.url(&format!("/f{i}.xml"))
            ));
        }
        common::write(&dir.path().join(format!("w/part{f:02}.toml")), &w);
    }
    let names: Vec<String> = (0..nodes).map(|k| format!("n{k}")).collect();
    for node in &names {
        let (database, postgres) = if on_pg {
            (
                url.to_string(),
                format!(
                    "[postgres]\nsslmode = \"disable\"\n{}",
                    password_file
                        .as_ref()
                        .map_or(String::new(), |f| format!("password_file = \"{f}\"\n"))
                ),
            )
        } else {
            ("vigie.db".to_string(), String::new())
        };
        common::write(
            &dir.path().join(format!("{node}.toml")),
            &format!(
                "database = \"{database}\"\nwatchlists = \"w/*.toml\"\n\
                 [http]\nallow_private_networks = true\nper_host_connections = 16\nmax_concurrent_fetches = 16\n\
                 [poll]\njitter_percent = 0\ninterval = \"6h\"\n\
                 [digest]\nenabled = false\n\
                 [notify]\nfrom = \"Vigie <vigie@example.com>\"\nsmtp = \"smtp://127.0.0.1:{}\"\n\
                 [node]\nid = \"{node}\"\n{postgres}",
                mail.port
            ),
        );
    }
    Setup { dir, nodes: names }
}
