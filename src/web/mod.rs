//! The workspace: pages where the community manager triages mentions and the brand team
//! follows alerts, and `/api/v1` for scripts, served by the daemon on `[web] listen`.
//!
//! Pages are rendered on the server (minijinja, auto-escaped: feed text is data), with one
//! stylesheet and two scripts served from the binary (a pinned htmx for in-place actions,
//! `vigie.js` for keyboard shortcuts); every page reads and every form works without
//! JavaScript. Every response carries a strict CSP (no inline script or style),
//! `X-Frame-Options: DENY`, `Referrer-Policy` and `X-Content-Type-Options`. Rights are
//! checked on every route (`auth`), forms carry CSRF tokens, and the database is read
//! through connections of the workspace's own, so pages never wait for a poll's commit.
//!
//! `/healthz` and `/metrics` are served by the same stack on their own listener
//! (`[health] listen`, see [`crate::service::health`]).

pub mod api;
pub mod auth;
pub mod pages;
pub mod serve;
mod view;
pub mod words;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::settings::config::Config;
use crate::settings::watchlist::{Catalog, Language};
use crate::settings::web::Role;
use crate::store::{SharedStore, Store, StoreError};

/// What the workspace needs of the running daemon (the poller implements it): its config
/// holds the users and rights, its catalogue the brands; a decision asks it to review the
/// brands' alerts.
pub trait Daemon: Send + Sync {
    fn config(&self) -> &Config;
    fn catalog(&self) -> &Catalog;
    fn request_review(&self);
}

/// The daemon running now (it changes on reload).
pub type Current = Arc<dyn Fn() -> Arc<dyn Daemon> + Send + Sync>;

/// The workspace's connections to the database: one writer (decisions) and a few readers.
pub struct Db {
    writer: SharedStore,
    readers: Mutex<Vec<Store>>,
    at: Where,
    gate: tokio::sync::Semaphore,
}

/// The database the workspace's connections are opened on.
enum Where {
    Sqlite(PathBuf),
    /// PostgreSQL, as this node (its connections are its own, beside the daemon's).
    Postgres(crate::settings::postgres::PgTarget, String),
}

/// Readers open at once.
const READERS: usize = 4;

impl Db {
    /// The workspace's connections to `config`'s database, SQLite or PostgreSQL.
    pub fn open(config: &Config) -> Result<Db, StoreError> {
        let at = match &config.postgres {
            Some(target) => Where::Postgres(target.clone(), config.node_id()),
            None => Where::Sqlite(config.database.clone()),
        };
        let writer = SharedStore::new(match &at {
            Where::Sqlite(path) => Store::open(path)?,
            Where::Postgres(target, node) => Store::open_postgres(target, node)?,
        });
        Ok(Db {
            writer,
            readers: Mutex::new(Vec::new()),
            at,
            gate: tokio::sync::Semaphore::new(READERS),
        })
    }

    /// The name of the secret sessions are signed with. On PostgreSQL each node has its
    /// own: a logout is remembered by the node that served it, so a session must not be
    /// good on another node's workspace.
    fn session_key_name(&self) -> String {
        match &self.at {
            Where::Sqlite(_) => "session".into(),
            Where::Postgres(_, node) => format!("session:{node}"),
        }
    }

    /// Runs `f` on a read-only connection, off the async threads.
    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let _turn = self.gate.acquire().await.expect("never closed");
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let taken = db.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let store = match taken {
                Some(s) => s,
                None => match &db.at {
                    Where::Sqlite(path) => Store::connect_read_only(path)?,
                    Where::Postgres(target, node) => Store::open_postgres(target, node)?,
                },
            };
            let out = f(&store);
            db.readers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(store);
            out
        })
        .await
        .expect("database task panicked")
    }

    /// Runs `f` on the workspace's writer.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        crate::store::blocking(&self.writer, f).await
    }
}

/// What the workspace holds.
pub struct Web {
    pub db: Arc<Db>,
    pub keys: auth::Keys,
    pub logins: auth::LoginLimit,
    pub current: Current,
    /// Nonces of sessions logged out before they expired.
    logged_out: Mutex<HashSet<String>>,
    templates: minijinja::Environment<'static>,
}

impl Web {
    pub async fn new(db: Arc<Db>, current: Current) -> Result<Arc<Web>, StoreError> {
        let name = db.session_key_name();
        let secret = db
            .write(move |s| s.web_secret(&name, || auth::random(32)))
            .await?;
        Ok(Arc::new(Web {
            db,
            keys: auth::Keys::new(&secret),
            logins: auth::LoginLimit::default(),
            current,
            logged_out: Mutex::new(HashSet::new()),
            templates: view::templates(),
        }))
    }

    fn poller(&self) -> Arc<dyn Daemon> {
        (self.current)()
    }

    /// Whether cookies must be `Secure`: the workspace is reached over https.
    fn secure(&self) -> bool {
        self.poller()
            .config()
            .web
            .public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https")
    }
}

/// Who is asking, with what rights, in which language.
#[derive(Debug, Clone)]
pub struct Me {
    pub name: String,
    pub role: Role,
    pub lang: Language,
    /// The CSRF token of this session's forms (empty for API tokens).
    pub csrf: String,
    nonce: String,
}

impl Me {
    /// `Err`: a page saying the role does not allow it (403).
    // The refusal is the answer itself, as axum handlers return it.
    #[allow(clippy::result_large_err)]
    pub fn may(&self, role: Role) -> Result<(), Response> {
        if self.role >= role {
            Ok(())
        } else {
            Err(message(
                StatusCode::FORBIDDEN,
                words::words(self.lang).forbidden,
            ))
        }
    }

    /// Whether `token` is this session's CSRF token.
    pub fn csrf_ok(&self, web: &Web, token: Option<&str>) -> bool {
        token.is_some_and(|t| web.keys.csrf_ok(&self.nonce, t))
    }
}

/// A plain page-less answer (errors), in text.
fn message(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

/// The cookie named `name`, if the request has it.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language a request asks for: the `vigie_lang` cookie, else the first of French or
/// English in `Accept-Language`, else French.
fn language(headers: &HeaderMap) -> Language {
    match cookie(headers, "vigie_lang") {
        Some("en") => return Language::En,
        Some("fr") => return Language::Fr,
        _ => {}
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut best: Option<(f32, Language)> = None;
    for part in accept.split(',') {
        let mut bits = part.trim().split(';');
        let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = bits
            .find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
            .unwrap_or(1.0f32);
        let lang = match tag.split('-').next() {
            Some("fr") => Language::Fr,
            Some("en") => Language::En,
            _ => continue,
        };
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Language::Fr, |(_, l)| l)
}

/// A page's caller: the logged-in user of the session cookie. Without a valid session, a
/// page request is sent to the login page.
impl FromRequestParts<Arc<Web>> for Me {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Arc<Web>) -> Result<Me, Response> {
        let now = Timestamp::now().as_second();
        let session = cookie(&parts.headers, auth::SESSION_COOKIE)
            .and_then(|c| web.keys.session(c, now))
            .filter(|s| {
                !web.logged_out
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains(&s.nonce)
            });
        let poller = web.poller();
        let user = session.as_ref().and_then(|s| {
            poller.config().web.users.iter().find(|u| {
                u.name == s.user && web.keys.fingerprint(&u.password_hash) == s.fingerprint
            })
        });
        match (session, user) {
            (Some(s), Some(u)) => Ok(Me {
                name: u.name.clone(),
                role: u.role,
                lang: cookie(&parts.headers, "vigie_lang")
                    .map(|_| language(&parts.headers))
                    .or(u.language)
                    .unwrap_or_else(|| language(&parts.headers)),
                csrf: web.keys.csrf(&s.nonce),
                nonce: s.nonce,
            }),
            _ => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
                Err(Redirect::to(&format!("/login?next={next}")).into_response())
            }
        }
    }
}

/// The address a request came from.
///
/// Behind a reverse proxy on the same machine (the connection comes from loopback), the
/// client is the last address the proxy added to `X-Forwarded-For`: counting failed logins
/// per proxy would let one stranger lock everyone out.
fn peer(parts: &axum::http::Extensions, headers: &HeaderMap) -> std::net::IpAddr {
    let direct = parts
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if !direct.is_loopback() {
        return direct;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|ip| ip.trim().parse().ok())
        .unwrap_or(direct)
}

/// A keyset cursor, `published.id` (the inbox's `after`, the API's `next`).
fn cursor(text: &str) -> Option<(Timestamp, i64)> {
    let (t, id) = text.split_once('.')?;
    Some((
        Timestamp::from_second(t.parse().ok()?).ok()?,
        id.parse().ok()?,
    ))
}

/// Decoded `application/x-www-form-urlencoded` pairs (a key may repeat: `id=1&id=2`).
pub struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A database failure, as a page says it (the details go to the log).
fn failed(e: StoreError) -> Response {
    tracing::warn!(error = %e, "workspace: database error");
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "The database did not answer; try again in a moment. / La base de données n’a pas répondu ; réessayez dans un instant.",
    )
}

/// The content security policy of every page: nothing inline, nothing from elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The workspace's routes with their security headers, body limit and deadline.
pub fn router(web: Arc<Web>) -> Router {
    use axum::routing::{get, post};
    let pages = Router::new()
        .route("/", get(pages::overview))
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/language", post(pages::set_language))
        .route("/mentions", get(pages::inbox))
        .route("/mentions/triage", post(pages::triage))
        .route("/mentions/{id}", get(pages::mention).post(pages::decide))
        .route("/alerts", get(pages::alerts))
        .route("/alerts/open", get(pages::open_alert))
        .route("/alerts/{id}", get(pages::alert))
        .route("/alerts/{id}/ack", post(pages::acknowledge))
        .route("/sources", get(pages::sources))
        .route("/voice", get(pages::voice))
        .route("/digests", get(pages::digests))
        .route("/digests/{watchlist}/{end}", get(pages::digest))
        .route("/assets/{name}", get(pages::asset))
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found);
    pages
        .with_state(web)
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Connections the workspace serves at once.
pub const MAX_CONNECTIONS: usize = 128;

/// Starts the workspace on `listener` (`config`'s database, the users and brands of
/// whichever poller `current` holds).
pub async fn start(
    listener: tokio::net::TcpListener,
    config: &Config,
    current: Current,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let db = Arc::new(Db::open(config)?);
    let web = Web::new(db, current).await?;
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "workspace listening");
    }
    Ok(tokio::spawn(serve::serve(
        listener,
        router(web),
        serve::Limits {
            connections: MAX_CONNECTIONS,
            header_deadline: Duration::from_secs(10),
            connection_deadline: Duration::from_secs(300),
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn behind_a_local_proxy_the_client_is_the_last_forwarded_address_and_only_then() {
        let mut ext = axum::http::Extensions::new();
        ext.insert(ConnectInfo::<SocketAddr>("127.0.0.1:5000".parse().unwrap()));
        let xff = headers(&[("x-forwarded-for", "198.51.100.7, 203.0.113.9")]);
        assert_eq!(peer(&ext, &xff).to_string(), "203.0.113.9");
        assert_eq!(peer(&ext, &headers(&[])).to_string(), "127.0.0.1");
        let mut remote = axum::http::Extensions::new();
        remote.insert(ConnectInfo::<SocketAddr>("192.0.2.1:5000".parse().unwrap()));
        assert_eq!(
            peer(&remote, &xff).to_string(),
            "192.0.2.1",
            "a remote client cannot pose as another"
        );
    }

    #[test]
    fn the_language_is_the_cookie_else_the_browser_preference_else_french() {
        assert_eq!(language(&headers(&[])), Language::Fr);
        assert_eq!(
            language(&headers(&[("accept-language", "en-GB,en;q=0.9,fr;q=0.8")])),
            Language::En
        );
        assert_eq!(
            language(&headers(&[(
                "accept-language",
                "de-DE, fr;q=0.5, en;q=0.4"
            )])),
            Language::Fr
        );
        assert_eq!(
            language(&headers(&[
                ("accept-language", "en"),
                ("cookie", "a=b; vigie_lang=fr")
            ])),
            Language::Fr
        );
    }
}
