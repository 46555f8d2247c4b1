//! A small static file server for the ingest benchmark (`scripts/ingest-bench.sh`): serves
//! a folder over HTTP/1.1 with keep-alive, `Last-Modified` from each file's modification
//! time and `304 Not Modified` when `If-Modified-Since` gives it back, so that the
//! benchmark measures Vigie, not the server (Python's http.server answers ~1,000 requests a
//! second).
//!
//!     cargo run --release --example serve-feeds -- FOLDER PORT

use std::path::{Component, Path, PathBuf};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: serve-feeds FOLDER PORT"));
    let port: u16 = args
        .next()
        .and_then(|p| p.parse().ok())
        .expect("usage: serve-feeds FOLDER PORT");
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        let root = root.clone();
        tokio::spawn(async move {
            let _ = serve(stream, &root).await;
        });
    }
}

async fn serve(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut since = None;
        loop {
            let mut header = String::new();
            if read.read_line(&mut header).await? == 0 {
                return Ok(());
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("if-modified-since")
            {
                since = Some(value.trim().to_string());
            }
        }
        let response = respond(root, &path, since.as_deref()).await;
        write.write_all(&response).await?;
    }
}

async fn respond(root: &Path, path: &str, since: Option<&str>) -> Vec<u8> {
    let relative = Path::new(path.trim_start_matches('/'));
    let safe = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    let file = root.join(relative);
    let (Ok(meta), true) = (tokio::fs::metadata(&file).await, safe) else {
        return b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec();
    };
    let modified = jiff::Timestamp::try_from(meta.modified().expect("mtime"))
        .expect("mtime after 1970")
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if since == Some(modified.as_str()) {
        return format!("HTTP/1.1 304 Not Modified\r\nlast-modified: {modified}\r\n\r\n")
            .into_bytes();
    }
    let body = tokio::fs::read(&file).await.unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: {}\r\nlast-modified: {modified}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}
