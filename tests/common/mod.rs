//! Test parts: a real HTTP/1.1 server on 127.0.0.1:0 serving fixture feeds (with slow,
//! broken and hostile modes), and helpers writing real config and watchlist files.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does for a path.
#[derive(Clone, Debug)]
pub enum Route {
    /// 200 with this body and ETag; 304 when the request's If-None-Match equals the ETag.
    Feed {
        body: String,
        etag: Option<String>,
        content_type: &'static str,
    },
    /// This status, with optional Retry-After.
    Status {
        code: u16,
        retry_after: Option<String>,
    },
    /// 302 to another path of this server.
    Redirect { to: String },
    /// Headers then part of a body, then silence forever.
    StallMidBody,
    /// Silence before any header.
    StallBeforeHeaders,
    /// A plain body of `len` bytes.
    Big { len: usize },
    /// A gzip body (see [`gzip_bomb`]) served with Content-Encoding: gzip.
    Gzip(Arc<Vec<u8>>),
    /// Answers from a list in turn (the last one repeats).
    Sequence(Vec<Route>),
    /// Waits, then answers like the inner route (to observe concurrency).
    Slow(Duration, Box<Route>),
    /// 200 with these bytes as they are (another encoding than UTF-8, say).
    Bytes {
        body: Arc<Vec<u8>>,
        content_type: String,
    },
    /// 200 with this JSON body and these extra headers (a service's rate-limit headers).
    Json {
        body: String,
        headers: Vec<(String, String)>,
    },
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub status: u16,
    /// The request's body (a POST's).
    pub body: String,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    hits: HashMap<String, usize>,
    seen: Vec<Seen>,
    /// Requests being answered now, and the most there ever were at once.
    active: usize,
    max_active: usize,
}

/// The fixture server. Dropping it stops nothing; the runtime ends it with the test.
#[derive(Clone)]
pub struct Server {
    pub addr: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Server {
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let s = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, s).await;
                });
            }
        });
        Server { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn route(&self, path: &str, route: Route) {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(path.to_string(), route);
    }

    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.state
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }

    /// The most requests this server was ever answering at the same time.
    pub fn max_concurrent(&self) -> usize {
        self.state.lock().unwrap().max_active
    }

    pub fn total_requests(&self) -> usize {
        self.state.lock().unwrap().seen.len()
    }
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    loop {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            if sock.read(&mut byte).await? == 0 {
                return Ok(());
            }
            buf.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&buf).to_string();
        let mut lines = head.split("\r\n");
        let path = lines
            .next()
            .unwrap_or("")
            .split(' ')
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let headers: HashMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = vec![
            0u8;
            headers
                .get("content-length")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0usize)
                .min(1 << 20)
        ];
        sock.read_exact(&mut body).await?;
        let body = String::from_utf8_lossy(&body).into_owned();
        let route = {
            let mut st = state.lock().unwrap();
            let n = *st
                .hits
                .entry(path.clone())
                .and_modify(|h| *h += 1)
                .or_insert(1);
            match st.routes.get(&path).cloned() {
                Some(Route::Sequence(list)) => list.get(n - 1).or(list.last()).cloned(),
                other => other,
            }
        };
        let route = route.unwrap_or(Route::Status {
            code: 404,
            retry_after: None,
        });
        {
            let mut st = state.lock().unwrap();
            st.active += 1;
            st.max_active = st.max_active.max(st.active);
        }
        let status = respond(&mut sock, &route, &headers).await;
        let mut st = state.lock().unwrap();
        st.active -= 1;
        st.seen.push(Seen {
            path,
            headers,
            status: *status.as_ref().unwrap_or(&0),
            body,
        });
        drop(st);
        status?;
    }
}

async fn respond(
    sock: &mut TcpStream,
    route: &Route,
    req: &HashMap<String, String>,
) -> std::io::Result<u16> {
    match route {
        Route::Slow(delay, inner) => {
            tokio::time::sleep(*delay).await;
            Box::pin(respond(sock, inner, req)).await
        }
        Route::Feed {
            body,
            etag,
            content_type,
        } => {
            if etag.is_some() && req.get("if-none-match") == etag.as_ref() {
                sock.write_all(b"HTTP/1.1 304 Not Modified\r\ncontent-length: 0\r\n\r\n")
                    .await?;
                return Ok(304);
            }
            let etag_h = etag
                .as_ref()
                .map(|e| format!("etag: {e}\r\n"))
                .unwrap_or_default();
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\n{etag_h}content-length: {}\r\n\r\n",
                body.len()
            );
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(body.as_bytes()).await?;
            Ok(200)
        }
        Route::Status { code, retry_after } => {
            let ra = retry_after
                .as_ref()
                .map(|r| format!("retry-after: {r}\r\n"))
                .unwrap_or_default();
            let body = "oops";
            let head = format!(
                "HTTP/1.1 {code} Status\r\n{ra}content-length: {}\r\n\r\n{body}",
                body.len()
            );
            sock.write_all(head.as_bytes()).await?;
            Ok(*code)
        }
        Route::Redirect { to } => {
            let head = format!("HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\n\r\n");
            sock.write_all(head.as_bytes()).await?;
            Ok(302)
        }
        Route::StallMidBody => {
            sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\ncontent-length: 5000\r\n\r\n<rss version=\"2.0\"><channel>").await?;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(200)
        }
        Route::StallBeforeHeaders => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(0)
        }
        Route::Big { len } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\ncontent-length: {len}\r\n\r\n"
            );
            sock.write_all(head.as_bytes()).await?;
            let chunk = vec![b' '; 64 * 1024];
            let mut left = *len;
            while left > 0 {
                let n = left.min(chunk.len());
                if sock.write_all(&chunk[..n]).await.is_err() {
                    break;
                }
                left -= n;
            }
            Ok(200)
        }
        Route::Gzip(gz) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                gz.len()
            );
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(gz).await?;
            Ok(200)
        }
        Route::Bytes { body, content_type } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(body).await?;
            Ok(200)
        }
        Route::Json { body, headers } => {
            let extra: String = headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}\r\n"))
                .collect();
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n",
                body.len()
            );
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(body.as_bytes()).await?;
            Ok(200)
        }
        Route::Sequence(_) => unreachable!("resolved by serve"),
    }
}

/// `body` gzip-compressed, served with Content-Encoding: gzip.
pub fn gzipped(body: &str) -> Route {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(body.as_bytes()).unwrap();
    Route::Gzip(Arc::new(enc.finish().unwrap()))
}

/// `len` bytes of spaces, gzip-compressed (about 1000× smaller): a decompression bomb.
pub fn gzip_bomb(len: usize) -> Route {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let block = vec![b' '; 1 << 20];
    for _ in 0..len.div_ceil(block.len()) {
        enc.write_all(&block).unwrap();
    }
    Route::Gzip(Arc::new(enc.finish().unwrap()))
}

/// An RSS 2.0 feed with one item per (guid, title, description).
pub fn rss(items: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>T</title><link>https://example.org/</link><description>d</description>\n",
    );
    for (i, (guid, title, desc)) in items.iter().enumerate() {
        s.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><link>https://example.org/{guid}?utm_source=rss</link><title>{title}</title><description>{desc}</description><pubDate>Mon, {:02} Nov 2026 10:00:00 +0000</pubDate></item>\n",
            i + 1
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

pub fn feed(body: String, etag: Option<&str>) -> Route {
    Route::Feed {
        body,
        etag: etag.map(str::to_string),
        content_type: "application/rss+xml; charset=utf-8",
    }
}

/// A temporary folder with a config file and one watchlist ("Acme" with alias "Acme Corp"
/// and exclusion "acme trail") over `sources`. `http_extra` and `poll_extra` are appended
/// to those tables.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

pub fn setup(sources: &[String], http_extra: &str, poll_extra: &str) -> Setup {
    setup_in(
        tempfile::tempdir().unwrap(),
        sources,
        http_extra,
        poll_extra,
    )
}

/// [`setup`] in a folder the caller already made (to put the sources' files in it).
pub fn setup_in(
    dir: tempfile::TempDir,
    sources: &[String],
    http_extra: &str,
    poll_extra: &str,
) -> Setup {
    let config = dir.path().join("vigie.toml");
    write(
        &config,
        &format!(
            "database = \"data/vigie.db\"\nwatchlists = \"watchlists/*.toml\"\n[http]\nallow_private_networks = true\n{http_extra}\n[poll]\njitter_percent = 0\n{poll_extra}\n"
        ),
    );
    let mut w = String::from(
        "[[brand]]\nname = \"Acme\"\naliases = [\"Acme Corp\"]\nexclude = [\"acme trail\"]\n",
    );
    for s in sources {
        w.push_str(&format!("\n[[source]]\nurl = \"{s}\"\n"));
    }
    write(&dir.path().join("watchlists/acme.toml"), &w);
    Setup { dir, config }
}

/// A temporary folder with a config (loopback allowed) and one watchlist `w/main.toml`
/// holding `watchlist`.
pub fn setup_watchlist(watchlist: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vigie.toml");
    write(
        &config,
        "database = \"v.db\"\nwatchlists = \"w/*.toml\"\n[http]\nallow_private_networks = true\n[poll]\njitter_percent = 0\n",
    );
    write(&dir.path().join("w/main.toml"), watchlist);
    Setup { dir, config }
}

/// [`setup`] over one local feed file (`feed.xml` in the setup's folder) with one item
/// about Acme.
pub fn setup_local_feed() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.xml");
    write(
        &feed,
        &rss(&[("a", "Acme ouvre une usine", "Bonne nouvelle")]),
    );
    let url = url::Url::from_file_path(&feed).unwrap().to_string();
    setup_in(dir, &[url], "", "")
}

/// A copy of the demo (config, watchlist, feeds) in a temp dir, so the test writes nothing
/// into the repository.
pub fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let feeds = ["demo/feeds", "demo/pages"].into_iter().flat_map(|d| {
        std::fs::read_dir(repo_path(d))
            .unwrap()
            .map(move |e| format!("{d}/{}", e.unwrap().file_name().to_string_lossy()))
    });
    for f in [
        "config/demo.toml".to_string(),
        "watchlists/demo.toml".to_string(),
    ]
    .into_iter()
    .chain(feeds)
    {
        write(
            &dir.path().join(&f),
            &std::fs::read_to_string(repo_path(&f)).unwrap(),
        );
    }
    let c = dir.path().join("config/demo.toml");
    (dir, c)
}

/// A path in the repository.
pub fn repo_path(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs the `vigie` binary on `config` with `args`, without the caller's `RUST_LOG`.
pub fn vigie(config: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("-c")
        .arg(config)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run vigie")
}

/// Loads the setup's config and watchlists and opens its database, as `vigie` does.
pub fn poller(s: &Setup, now: jiff::Timestamp) -> vigie::service::poll::Poller {
    let (config, catalog) = vigie::settings::load(&s.config).unwrap();
    let store = vigie::store::Store::open(&config.database).unwrap();
    vigie::service::poll::Poller::new(config, catalog, store, now).unwrap()
}

/// Compares `actual` with the golden file `name`, or writes it with `VIGIE_BLESS=1`.
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("VIGIE_BLESS").is_some() {
        write(&path, actual);
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with VIGIE_BLESS=1 to write it)",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from its golden at line {}:\n  golden: {:?}\n  actual: {:?}\n(VIGIE_BLESS=1 rewrites it once the change is checked)",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

/// The Subject header of a message, unfolded, its RFC 2047 encoded words decoded.
pub fn subject(message: &str) -> String {
    use base64::Engine;
    let start = message.find("\r\nSubject: ").expect("a Subject") + 11;
    let mut raw = String::new();
    for (i, line) in message[start..].split("\r\n").enumerate() {
        if i > 0 && !line.starts_with([' ', '\t']) {
            break;
        }
        raw.push_str(line);
    }
    // Whitespace between two encoded words is not part of the text.
    let raw = regex::Regex::new(r"\?=\s+=\?")
        .unwrap()
        .replace_all(&raw, "?==?");
    let word = regex::Regex::new(r"=\?utf-8\?b\?([^?]*)\?=").unwrap();
    word.replace_all(&raw, |c: &regex::Captures<'_>| {
        base64::engine::general_purpose::STANDARD
            .decode(&c[1])
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    })
    .into_owned()
}

/// Undoes quoted-printable (soft breaks and `=XX`), enough to read a part's text.
pub fn unqp(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'=', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A new certificate authority and a server certificate it signed for `names` (host names
/// or IP addresses): the CA in PEM, the server's certificate and key pair.
#[allow(dead_code)]
pub fn signed_server_certificate(names: &[&str]) -> (String, rcgen::Certificate, rcgen::KeyPair) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut leaf =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    leaf.is_ca = rcgen::IsCa::ExplicitNoCa;
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    (ca_cert.pem(), cert, key)
}

/// A `vigie run` process with the config `DIR/NAME.toml`, its log (stderr) in
/// `DIR/NAME.log`; killed if dropped without [`Node::stop`], so that a failed assertion
/// does not leave it running.
pub struct Node(Option<std::process::Child>);

impl Node {
    pub fn start(dir: &Path, name: &str, rust_log: &str) -> Node {
        let log = std::fs::File::create(dir.join(format!("{name}.log"))).unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("-c")
            .arg(dir.join(format!("{name}.toml")))
            .arg("run")
            .env("RUST_LOG", rust_log)
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Node(Some(child))
    }

    /// How it ended, if it has.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.0.as_mut()?.try_wait().ok().flatten()
    }

    /// SIGKILL, as a machine that dies.
    pub fn kill(mut self) {
        if let Some(mut c) = self.0.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    /// SIGTERM, then up to 30 s to stop: false when it had to be killed.
    pub fn stop(mut self) -> bool {
        let Some(mut child) = self.0.take() else {
            return true;
        };
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
