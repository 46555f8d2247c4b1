//! A real PostgreSQL server for the tests: Debian's `postgresql` package, a cluster made by
//! `initdb` in a temporary folder and started by `pg_ctl` on 127.0.0.1 and a Unix socket in
//! that folder, as an unprivileged user (`postgres` when the tests run as root). One per
//! test binary, stopped when it exits. Logins over TCP need the password (SCRAM), so the
//! tests go through `[postgres] password_file` as an operator would; the socket trusts the
//! local user, for making databases.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Pg {
    /// The cluster's folder: data, log, socket, password file.
    pub dir: PathBuf,
    /// The certificate authority (PEM) that signed the server's certificate, for
    /// `localhost` and 127.0.0.1: TLS is on, and optional for clients.
    pub ca_file: PathBuf,
    pub port: u16,
    pub password_file: PathBuf,
    bin: PathBuf,
    /// `runuser -u postgres --` when running as root.
    as_owner: Vec<String>,
}

pub const USER: &str = "vigie";
pub const PASSWORD: &str = "pg-test-password-7c1e";

static SERVER: OnceLock<Option<Pg>> = OnceLock::new();
static STOP: OnceLock<(Vec<String>, PathBuf)> = OnceLock::new();

extern "C" fn stop_at_exit() {
    if let Some((cmd, dir)) = STOP.get() {
        let _ = Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("VIGIE_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Pg {
    fn owner_cmd(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match self.as_owner.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    fn start() -> Pg {
        let bin = bin_dir().expect(
            "a PostgreSQL server is needed (apt-get install postgresql, as .ci/run does), or set VIGIE_SKIP_POSTGRES=1",
        );
        // Kept past the test binary's end: removed by the exit hook after the stop.
        let dir = tempfile::Builder::new()
            .prefix("vigie-pg-")
            .tempdir()
            .unwrap()
            .keep();
        let root = unsafe { libc::geteuid() } == 0;
        let as_owner: Vec<String> = if root {
            run(
                Command::new("chown").arg("postgres:").arg(&dir),
                "chown the cluster's folder",
            );
            vec![
                "runuser".into(),
                "-u".into(),
                "postgres".into(),
                "--".into(),
            ]
        } else {
            vec![]
        };
        let password_file = dir.join("password");
        std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
        if root {
            run(
                Command::new("chown").arg("postgres:").arg(&password_file),
                "chown the password file",
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let ca_file = dir.join("ca.pem");
        let (ca_pem, cert_pem, key_pem) = certificates();
        std::fs::write(&ca_file, ca_pem).unwrap();
        let cert = dir.join("server.crt");
        let key = dir.join("server.key");
        std::fs::write(&cert, cert_pem).unwrap();
        std::fs::write(&key, key_pem).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        if root {
            run(
                Command::new("chown").arg("postgres:").arg(&cert).arg(&key),
                "chown the server's certificate",
            );
        }
        let pg = Pg {
            dir: dir.clone(),
            ca_file,
            port,
            password_file,
            bin,
            as_owner,
        };
        run(
            pg.owner_cmd("initdb")
                .arg("-D")
                .arg(dir.join("data"))
                .args(["-U", USER, "-E", "UTF8", "--locale=C", "--no-sync"])
                .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
                .arg(format!("--pwfile={}", pg.password_file.display())),
            "initdb",
        );
        let data = dir.join("data");
        let mut stop: Vec<String> = pg.as_owner.clone();
        stop.push(pg.bin.join("pg_ctl").display().to_string());
        stop.extend([
            "-D".into(),
            data.display().to_string(),
            "-m".into(),
            "immediate".into(),
            "stop".into(),
        ]);
        let _ = STOP.set((stop, dir.clone()));
        unsafe { libc::atexit(stop_at_exit) };
        run(
            pg.owner_cmd("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("log"))
                .arg("-o")
                .arg(format!(
                    "-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c ssl=on -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key",
                    dir = dir.display()
                ))
                .args(["-w", "-t", "60", "start"]),
            "pg_ctl start",
        );
        pg
    }

    /// A new, empty database; its `postgres://` URL (no password) over TCP.
    pub fn database(&self, hint: &str) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "{hint}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        run(
            Command::new(self.bin.join("createdb"))
                .arg("-h")
                .arg(&self.dir)
                .arg("-p")
                .arg(self.port.to_string())
                .args(["-U", USER, &name]),
            "createdb",
        );
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs SQL through the socket with psql, returning its unaligned output.
    pub fn psql(&self, url: &str, sql: &str) -> String {
        let db = url.rsplit('/').next().unwrap();
        let out = Command::new(self.bin.join("psql"))
            .arg("-h")
            .arg(&self.dir)
            .arg("-p")
            .arg(self.port.to_string())
            .args([
                "-U",
                USER,
                "-d",
                db,
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// The `[postgres]` table a config needs to log in.
    pub fn config_table(&self) -> String {
        format!(
            "[postgres]\npassword_file = {:?}\nsslmode = \"disable\"\n",
            self.password_file.display().to_string()
        )
    }
}

/// A new CA, and a server certificate for `localhost` and 127.0.0.1 it signed: (CA, cert,
/// key) in PEM.
fn certificates() -> (String, String, String) {
    let (ca, cert, key) = crate::common::signed_server_certificate(&["localhost", "127.0.0.1"]);
    (ca, cert.pem(), key.serialize_pem())
}

/// The test binary's server, started at the first call; `None` only when
/// `VIGIE_SKIP_POSTGRES` is set on a machine without PostgreSQL.
pub fn server() -> Option<&'static Pg> {
    SERVER
        .get_or_init(|| {
            if bin_dir().is_none() && std::env::var_os("VIGIE_SKIP_POSTGRES").is_some() {
                eprintln!("skipped: no PostgreSQL server and VIGIE_SKIP_POSTGRES is set");
                return None;
            }
            Some(Pg::start())
        })
        .as_ref()
}
