//! A webhook receiver on loopback, playing a chat service: it keeps every request (path,
//! headers, body) and answers each path with a scripted list of answers (the last one
//! repeats; 200 when none is given).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub enum Answer {
    /// This status, with a `Retry-After` when given.
    Status(u16, Option<&'static str>),
    /// No answer at all, ever.
    Silent,
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Got {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Got {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

#[derive(Default)]
struct State {
    answers: HashMap<String, Vec<Answer>>,
    got: Vec<Got>,
}

#[derive(Clone)]
pub struct Receiver {
    pub addr: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let s = state.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, s).await;
                });
            }
        });
        Receiver { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Answers for `path`, in turn.
    pub fn answer(&self, path: &str, answers: Vec<Answer>) {
        self.state
            .lock()
            .unwrap()
            .answers
            .insert(path.to_string(), answers);
    }

    /// The requests `path` got, in order.
    pub fn got(&self, path: &str) -> Vec<Got> {
        self.state
            .lock()
            .unwrap()
            .got
            .iter()
            .filter(|g| g.path == path)
            .cloned()
            .collect()
    }

    pub fn total(&self) -> usize {
        self.state.lock().unwrap().got.len()
    }
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    loop {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if sock.read(&mut byte).await? == 0 {
                return Ok(());
            }
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_string();
        let mut lines = head.split("\r\n");
        let path = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or("/")
            .to_string();
        let headers: HashMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len];
        sock.read_exact(&mut body).await?;
        let answer = {
            let mut st = state.lock().unwrap();
            st.got.push(Got {
                path: path.clone(),
                headers,
                body,
            });
            match st.answers.get_mut(&path) {
                Some(list) if list.len() > 1 => list.remove(0),
                Some(list) if !list.is_empty() => list[0].clone(),
                _ => Answer::Status(200, None),
            }
        };
        match answer {
            Answer::Silent => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
            Answer::Status(code, retry_after) => {
                let body = if code == 200 { "ok" } else { "no" };
                let mut resp = format!(
                    "HTTP/1.1 {code} X\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n",
                    body.len()
                );
                if let Some(r) = retry_after {
                    resp.push_str(&format!("retry-after: {r}\r\n"));
                }
                resp.push_str("\r\n");
                resp.push_str(body);
                sock.write_all(resp.as_bytes()).await?;
            }
        }
    }
}
