//! What cron, scripts and ops read from `vigie`: `poll` exits 1 when a source fails or its
//! poll cannot be stored (the summary still printed, nothing lost once the disk has room
//! again); `check` refuses a damaged database and one written by a newer vigie; the
//! inspection commands read a database file this user cannot write; a closed stdout ends
//! a command quietly.

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{demo_copy, rss, write};

fn vigie(config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.arg("-c").arg(config).env_remove("RUST_LOG");
    cmd
}

fn run(config: &Path, args: &[&str]) -> Output {
    vigie(config).args(args).output().expect("run vigie")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn assert_no_panic(out: &Output) {
    let err = text(&out.stderr);
    assert!(
        !err.contains("panicked") && out.status.code() != Some(101),
        "{err}"
    );
}

#[test]
fn poll_exits_1_when_a_source_fails_and_still_prints_the_summary() {
    let (dir, c) = demo_copy();
    let out = run(&c, &["poll"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // A second poll where nothing changed is a success too.
    let out = run(&c, &["poll"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("10 sources: 0 ok, 10 not modified, 0 failed"));

    // A source whose file is gone: the others are polled, the summary printed, exit 1.
    let watchlist = dir.path().join("watchlists/demo.toml");
    let mut w = std::fs::read_to_string(&watchlist).unwrap();
    w.push_str("\n[[source]]\nurl = \"file:../demo/feeds/gone.xml\"\n");
    write(&watchlist, &w);
    let out = run(&c, &["poll"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("11 sources: 0 ok, 10 not modified, 1 failed"),
        "{stdout}"
    );
    let row = stdout.lines().find(|l| l.contains("gone.xml")).unwrap();
    assert!(
        row.starts_with("FAILED") && row.contains("No such file"),
        "{row}"
    );
    assert!(
        text(&out.stderr).contains("1 of 11 sources failed or could not be stored"),
        "{}",
        text(&out.stderr)
    );
}

/// Runs `vigie poll` with a file size limit of `bytes`, as a full disk would: a write past
/// it fails (EFBIG; SIGXFSZ is ignored so the write returns an error instead of killing the
/// process, as ENOSPC would).
fn poll_on_a_full_disk(config: &Path, bytes: u64) -> Output {
    let mut cmd = vigie(config);
    cmd.arg("poll");
    // SAFETY: between fork and exec, only async-signal-safe calls (signal, setrlimit).
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().expect("run vigie")
}

#[test]
fn a_poll_that_cannot_be_stored_exits_1_and_the_next_one_stores_everything() {
    let dir = tempfile::tempdir().unwrap();
    let quiet = dir.path().join("quiet.xml");
    let busy = dir.path().join("busy.xml");
    write(
        &quiet,
        &rss(&[("q1", "Acme recrute", "Une bonne nouvelle")]),
    );
    write(&busy, &rss(&[("b1", "Acme ouvre une usine", "À Rouen")]));
    let urls: Vec<String> = [&quiet, &busy]
        .iter()
        .map(|p| url::Url::from_file_path(p).unwrap().to_string())
        .collect();
    let s = common::setup_in(dir, &urls, "", "");
    let out = run(&s.config, &["poll"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // The busy feed brings 300 new items about Acme; then the disk has 40 KiB left for
    // the write-ahead log: that commit cannot be made.
    let long = "Le service client d'Acme ne répond plus depuis des semaines. ".repeat(8);
    let guids: Vec<String> = (0..300).map(|i| format!("n{i}")).collect();
    let items: Vec<(&str, &str, &str)> = guids
        .iter()
        .map(|g| (g.as_str(), "Acme Corp en difficulté", long.as_str()))
        .collect();
    write(&busy, &rss(&items));
    let out = poll_on_a_full_disk(&s.config, 40 << 10);
    assert_no_panic(&out);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("2 sources: 0 ok, 1 not modified, 1 failed; 0 new mentions"),
        "{stdout}"
    );
    let row = stdout.lines().find(|l| l.contains("busy.xml")).unwrap();
    assert!(row.starts_with("NOT STORED"), "{row}");
    assert!(
        text(&out.stderr).contains("1 of 2 sources failed or could not be stored"),
        "{}",
        text(&out.stderr)
    );

    // Room again: the next poll reads the feed again and stores all 300, exit 0.
    let out = run(&s.config, &["poll"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("300 new mentions"), "{stdout}");
    let out = run(
        &s.config,
        &["mentions", "--format", "json", "--limit", "1000"],
    );
    assert_eq!(text(&out.stdout).lines().count(), 302);
}

/// The demo, polled once: a database with mentions, an alert and sent emails.
fn polled_demo() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let (dir, c) = demo_copy();
    let out = run(&c, &["poll"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let db = dir.path().join("demo-output/demo.db");
    (dir, c, db)
}

#[test]
fn check_reports_the_schema_and_refuses_a_newer_database() {
    let (_dir, c, db) = polled_demo();
    let out = run(&c, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("database")).unwrap();
    assert!(
        line.contains("(current), quick check ok"),
        "check says the database's version and state: {line}"
    );

    // A later vigie has upgraded the file: this one must neither use nor touch it.
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = run(&c, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("demo-output/demo.db") && err.contains("schema version 999"),
        "{err}"
    );
    assert!(!text(&out.stdout).contains("\nok"), "{}", text(&out.stdout));
    for args in [&["mentions"][..], &["poll"]] {
        let out = run(&c, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).contains("schema version 999"), "{args:?}");
    }
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the file is untouched"
    );
}

#[test]
fn check_reports_a_damaged_database_with_what_to_do() {
    let (_dir, c, db) = polled_demo();
    // Garbage over every page but the first (the header and schema stay readable).
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    assert!(bytes.len() > 4 * page, "{} bytes", bytes.len());
    for p in (1..bytes.len() / page).step_by(2) {
        for (i, b) in bytes[p * page + 8..p * page + 200].iter_mut().enumerate() {
            *b = (i * 37 % 251) as u8;
        }
    }
    std::fs::write(&db, bytes).unwrap();

    let out = run(&c, &["check"]);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("demo-output/demo.db"), "{err}");
    assert!(
        err.contains("damaged") && err.contains("vigie backup"),
        "says the file is damaged and what to do: {err}"
    );
    assert!(!text(&out.stdout).contains("\nok"), "{}", text(&out.stdout));
}

/// The uid of `nobody`, to run a command as a user who cannot write root's files.
const NOBODY: u32 = 65534;

#[test]
fn inspection_commands_read_a_database_this_user_cannot_write() {
    let (dir, c, db) = polled_demo();
    let root = unsafe { libc::geteuid() } == 0;
    // Everything readable, nothing writable: the database, its folder, the config.
    let set_mode = |path: &Path, mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let out_dir = dir.path().join("demo-output");
    for sub in [
        "",
        "config",
        "watchlists",
        "demo",
        "demo/feeds",
        "demo/pages",
    ] {
        set_mode(&dir.path().join(sub), 0o755);
    }
    set_mode(&db, 0o444);
    set_mode(&out_dir, 0o555);
    let as_reader = |args: &[&str]| {
        let mut cmd = vigie(&c);
        cmd.args(args);
        if root {
            // root may write anything: read as nobody, as an unprivileged user would.
            cmd.uid(NOBODY).gid(NOBODY);
        }
        cmd.output().unwrap()
    };

    for args in [
        &["mentions", "--format", "json", "--limit", "100"][..],
        &["sources"],
        &["alerts"],
        &["export", "--format", "json"],
        &["check"],
    ] {
        let out = as_reader(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stdout).is_empty(), "{args:?}");
    }
    let out = as_reader(&["mentions", "--format", "json", "--limit", "100"]);
    assert_eq!(text(&out.stdout).lines().count(), 23);
    let out = as_reader(&["alerts"]);
    assert!(text(&out.stdout).contains("open"), "{}", text(&out.stdout));

    // Writing is still refused, with the reason.
    let out = as_reader(&["poll"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("readonly"),
        "{}",
        text(&out.stderr)
    );
    set_mode(&out_dir, 0o755);
}

/// Runs `vigie ARGS` with its stdout a pipe whose reader has already gone, the way
/// `vigie … | head -c1` ends once `head` has its byte.
fn with_closed_stdout(config: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    vigie(config)
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_ends_a_command_quietly() {
    let (_dir, c, _db) = polled_demo();
    for args in [
        &["check"][..],
        &["mentions"],
        &["export"],
        &["sources"],
        &["alerts"],
    ] {
        let out = with_closed_stdout(&c, args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    }

    // As a shell runs it.
    let bin = env!("CARGO_BIN_EXE_vigie");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{bin}' -c '{}' check | head -c1 >/dev/null",
            c.display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}
