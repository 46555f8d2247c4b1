//! The daemon's configuration file (`config/vigie.toml`).
//!
//! `parse` is pure (text in, validated [`Config`] or located errors out); `load` reads the
//! file. Unknown keys are errors, values are typed (durations, sizes, bounded counts) and
//! checked while they are read, so every mistake comes back with file, line and key. Relative
//! paths resolve against the folder of the config file, never against the working directory,
//! so `vigie -c /etc/vigie/vigie.toml` behaves the same from anywhere.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::settings::errors::{ConfigError, ConfigErrors};
use crate::settings::units::{ByteSize, HumanDuration};

/// Where `vigie` looks for its config when neither `-c` nor `VIGIE_CONFIG` is given.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/vigie/vigie.toml";

/// The validated daemon configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this configuration was read from.
    pub path: PathBuf,
    /// SQLite database file, absolute or relative to the working directory after resolution.
    /// Unused (empty) when `database` names a PostgreSQL server: see `postgres`.
    pub database: PathBuf,
    /// `database = "postgres://…"`: the PostgreSQL backend, with `[postgres]`'s options.
    pub postgres: Option<crate::settings::postgres::PgTarget>,
    /// `[postgres]`, also read by `vigie migrate --to` when `database` is a SQLite file.
    pub postgres_options: crate::settings::postgres::PgOptions,
    /// Glob of watchlist files, resolved against the config file's folder.
    pub watchlists: String,
    /// Where the `watchlists` key sits in the file, to point at it when the glob is wrong.
    pub(crate) watchlists_span: Option<std::ops::Range<usize>>,
    /// The text of the config file, kept to locate late errors (an empty glob).
    pub(crate) source_text: String,
    pub http: HttpConfig,
    pub poll: PollConfig,
    pub notify: NotifyConfig,
    /// `[digest]`: the schedule every watchlist follows unless it sets its own.
    pub digest: crate::settings::digest::DigestConfig,
    pub store: StoreConfig,
    pub health: HealthConfig,
    /// `[web]`: the workspace and its people.
    pub web: crate::settings::web::WebConfig,
    /// `[node] id`; unset, [`Config::node_id`] is the host's name (read then, not while
    /// parsing, which stays pure).
    pub node: Option<String>,
    /// `[node] lease`: how long a node holds a source it polls, or a message it sends, on
    /// PostgreSQL (several nodes); a node that dies frees them when it passes. Also how
    /// long a silent node still counts as running.
    pub lease: Duration,
}

/// The default `[node] lease`: longer than a poll can take (fetch deadline, retries, parsing
/// and the commit), short enough that a dead node's sources are polled again soon.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(300);

/// `[node]`: this Vigie's name among several.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: Option<Spanned<String>>,
    lease: Option<Spanned<HumanDuration>>,
}

/// The host's name, or "vigie" when it has none that can serve as a node id.
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into the buffer we own.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let name = if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    // The host part of a fully qualified name.
    let name = name.split('.').next().unwrap_or_default().to_string();
    if valid_node_id(&name) {
        name
    } else {
        "vigie".into()
    }
}

/// A node id: 1 to 63 letters, digits, `.`, `_` or `-`, starting with a letter or digit
/// (it is a label in metrics and a word in logs).
fn valid_node_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && id.len() <= 63
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `[health]`: the optional listener for `/healthz` and `/metrics`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// `127.0.0.1:9464`; unset (the default): no listener.
    pub listen: Option<std::net::SocketAddr>,
}

/// `[store]`: how long mentions are kept.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Mentions found longer ago than this are deleted, a batch at a time (hourly in the
    /// daemon, and after `vigie poll`). Unset: kept forever.
    pub keep_mentions: Option<HumanDuration>,
}

/// HTTP client settings. Defaults from DESIGN.md §4.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Sent with every request; site owners use it to know who polls them.
    pub user_agent: String,
    /// Deadline to establish a TCP (and TLS) connection.
    pub connect_timeout: HumanDuration,
    /// Deadline for a whole request, redirects and body included.
    pub timeout: HumanDuration,
    /// Longest silence between two reads of the body: a server that stalls mid-body fails here.
    pub read_timeout: HumanDuration,
    /// Largest body accepted, counted after decompression (gzip can expand ~1000×).
    pub max_body_size: ByteSize,
    /// Redirect hops followed before giving up; each hop is re-checked by the address guard.
    pub max_redirects: Bounded<0, 10>,
    /// Simultaneous requests to one host, to stay polite.
    pub per_host_connections: Bounded<1, 16>,
    /// Simultaneous fetches overall; each may hold up to `max_body_size` in memory.
    pub max_concurrent_fetches: Bounded<1, 256>,
    /// Allow loopback, private (RFC 1918), link-local, CGNAT and ULA addresses. Off by
    /// default so a watchlist cannot be used to probe the server's own network (SSRF).
    pub allow_private_networks: bool,
    /// Networks (CIDR) fetches may reach even though they are private: an intranet feed,
    /// without turning the guard off. Link-local and metadata addresses are refused even
    /// with `allow_private_networks` unless a network listed here holds them.
    pub allowed_networks: Vec<super::units::Network>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            user_agent: format!(
                "Vigie/{} (brand monitoring; feed reader)",
                env!("CARGO_PKG_VERSION")
            ),
            connect_timeout: HumanDuration(Duration::from_secs(10)),
            timeout: HumanDuration(Duration::from_secs(30)),
            read_timeout: HumanDuration(Duration::from_secs(15)),
            max_body_size: ByteSize(10 << 20),
            max_redirects: Bounded(5),
            per_host_connections: Bounded(2),
            max_concurrent_fetches: Bounded(8),
            allow_private_networks: false,
            allowed_networks: Vec::new(),
        }
    }
}

/// Scheduling settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PollConfig {
    /// How often a source is polled when its watchlist does not say.
    pub interval: HumanDuration,
    /// Floor for any interval, including a watchlist's own: below it we would be rude.
    pub min_interval: HumanDuration,
    /// Ceiling of the exponential backoff of a failing source, and of server hints
    /// (Retry-After, Cache-Control, RSS `<ttl>`).
    pub max_backoff: HumanDuration,
    /// Random spread added to each next check, in percent of the interval, so sources
    /// configured together do not all fire in the same second.
    pub jitter_percent: Bounded<0, 50>,
    /// On SIGINT/SIGTERM, how long in-flight polls may run before they are abandoned.
    /// An abandoned poll commits nothing: it is redone at the next start.
    pub shutdown_grace: HumanDuration,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            interval: HumanDuration(Duration::from_secs(15 * 60)),
            min_interval: HumanDuration(Duration::from_secs(60)),
            max_backoff: HumanDuration(Duration::from_secs(24 * 3600)),
            jitter_percent: Bounded(10),
            shutdown_grace: HumanDuration(Duration::from_secs(20)),
        }
    }
}

/// An integer checked against inclusive bounds while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounded<const MIN: u64, const MAX: u64>(pub u64);

impl<const MIN: u64, const MAX: u64> Bounded<MIN, MAX> {
    /// The value as a `usize` (bounds are small).
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

impl<'de, const MIN: u64, const MAX: u64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        if (MIN..=MAX).contains(&n) {
            Ok(Bounded(n))
        } else {
            Err(serde::de::Error::custom(format!(
                "{n} is out of range: expected {MIN} to {MAX}"
            )))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    database: Option<Spanned<String>>,
    watchlists: Option<Spanned<String>>,
    #[serde(default)]
    http: HttpConfig,
    #[serde(default)]
    poll: PollConfig,
    #[serde(default)]
    notify: RawNotify,
    #[serde(default)]
    digest: crate::settings::digest::RawDigest,
    #[serde(default)]
    store: StoreConfig,
    #[serde(default)]
    health: HealthConfig,
    #[serde(default)]
    web: crate::settings::web::RawWeb,
    #[serde(default)]
    postgres: crate::settings::postgres::RawPostgres,
    #[serde(default)]
    node: RawNode,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    from: Option<Spanned<String>>,
    smtp: Option<Spanned<String>>,
    dir: Option<Spanned<String>>,
    username: Option<String>,
    password_file: Option<String>,
    ca_file: Option<String>,
    reply_timeout: Option<HumanDuration>,
    send_timeout: Option<HumanDuration>,
}

/// How emails leave: written as `.eml` files to a folder, or sent over SMTP.
#[derive(Debug, Clone, PartialEq)]
pub enum Transport {
    /// No `[notify]` transport: alerts are recorded, and their emails wait in the outbox.
    None,
    Dir(PathBuf),
    Smtp {
        /// `smtp://` (plain, or STARTTLS when offered), `smtps://` (implicit TLS),
        /// `smtp+starttls://` (STARTTLS required).
        url: url::Url,
        username: Option<String>,
        /// Read when sending, never logged.
        password_file: Option<PathBuf>,
        /// A PEM file of the certificate authorities to trust instead of the system's, for
        /// a relay with a private CA.
        ca_file: Option<PathBuf>,
    },
}

/// The `[notify]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyConfig {
    /// `Vigie <vigie@example.com>`.
    pub from: lettre::message::Mailbox,
    pub transport: Transport,
    /// Longest wait for any one reply of the mail server (and for the connection).
    pub reply_timeout: Duration,
    /// Longest one message's whole SMTP session may take. An email being sent is kept
    /// from other senders for longer than this.
    pub send_timeout: Duration,
}

/// Defaults of `[notify] reply_timeout` and `send_timeout`.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(60);
pub const SEND_TIMEOUT: Duration = Duration::from_secs(300);

/// Parses and validates config text. `path` is used for messages and to resolve relative
/// paths; the file is not read.
pub fn parse(src: &str, path: &Path) -> Result<Config, ConfigErrors> {
    let raw: RawConfig = toml::from_str(src).map_err(|e| ConfigError::from_toml(path, src, &e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut errors = Vec::new();

    // Both paths resolve against the config's folder; an empty one is a mistake, not "here".
    let mut path_key = |value: &Option<Spanned<String>>, key: &str, default: &str| match value {
        Some(v) if v.get_ref().trim().is_empty() => {
            errors.push(ConfigError::at(
                path,
                src,
                v.span(),
                Some(key),
                format!("`{key}` is empty"),
            ));
            (PathBuf::new(), Some(v.span()))
        }
        Some(v) => (resolve(dir, v.get_ref()), Some(v.span())),
        None => (resolve(dir, default), None),
    };
    let (database_path, _) = path_key(&raw.database, "database", "vigie.db");
    let (watchlists, watchlists_span) =
        path_key(&raw.watchlists, "watchlists", "watchlists/*.toml");
    let postgres_options = crate::settings::postgres::parse(&raw.postgres, dir);
    let (database, postgres) = match &raw.database {
        Some(v) if crate::settings::postgres::is_url(v.get_ref()) => (
            PathBuf::new(),
            crate::settings::postgres::target(v, &postgres_options, src, path, &mut errors),
        ),
        _ => (database_path, None),
    };
    let watchlists = watchlists.to_string_lossy().into_owned();
    if raw.http.connect_timeout > raw.http.timeout {
        errors.push(ConfigError::file(
            path,
            format!(
                "http.connect_timeout ({}) is longer than http.timeout ({}), the deadline of the whole request",
                raw.http.connect_timeout, raw.http.timeout
            ),
        ));
    }
    if raw.poll.min_interval > raw.poll.interval {
        errors.push(ConfigError::file(
            path,
            format!(
                "poll.min_interval ({}) is longer than poll.interval ({})",
                raw.poll.min_interval, raw.poll.interval
            ),
        ));
    }
    if let Some(keep) = raw.store.keep_mentions
        && keep.0 < super::alerts::DETECTION_SPAN
    {
        errors.push(ConfigError::file(
            path,
            format!(
                "key `store.keep_mentions`: {keep} is too short: alerts compare each day with the 14 before it, so keep at least 15d"
            ),
        ));
    }
    let node = match &raw.node.id {
        Some(id) if valid_node_id(id.get_ref()) => Some(id.get_ref().clone()),
        Some(id) => {
            errors.push(ConfigError::at(
                path,
                src,
                id.span(),
                Some("node.id"),
                format!(
                    "{:?} is not a node id: 1 to 63 letters, digits, `.`, `_` or `-`, starting with a letter or digit",
                    id.get_ref()
                ),
            ));
            None
        }
        None => None,
    };
    let lease = match &raw.node.lease {
        Some(l) if l.get_ref().0 < Duration::from_secs(10) => {
            errors.push(ConfigError::at(
                path,
                src,
                l.span(),
                Some("node.lease"),
                format!(
                    "{} is too short: a node must be able to poll a source within its lease (10s at least)",
                    l.get_ref()
                ),
            ));
            DEFAULT_LEASE
        }
        Some(l) => l.get_ref().0,
        None => DEFAULT_LEASE,
    };
    let notify = notify_config(&raw.notify, src, path, dir, &mut errors);
    let digest = crate::settings::digest::parse(&raw.digest, src, path, true, &mut errors);
    let web = crate::settings::web::parse(&raw.web, src, path, &mut errors);
    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    Ok(Config {
        path: path.to_path_buf(),
        database,
        postgres,
        postgres_options,
        watchlists,
        watchlists_span,
        source_text: src.to_string(),
        http: raw.http,
        poll: raw.poll,
        notify,
        digest,
        store: raw.store,
        health: raw.health,
        web,
        node,
        lease,
    })
}

fn notify_config(
    raw: &RawNotify,
    src: &str,
    path: &Path,
    dir: &Path,
    errors: &mut Vec<ConfigError>,
) -> NotifyConfig {
    let at = |span, key: &str, msg: String| ConfigError::at(path, src, span, Some(key), msg);
    let from = match &raw.from {
        None => "Vigie <vigie@localhost>".parse().expect("a valid mailbox"),
        Some(f) => f.get_ref().parse().unwrap_or_else(|e| {
            errors.push(at(
                f.span(),
                "notify.from",
                format!(
                    "{:?} is not an address (\"Name <user@host>\"): {e}",
                    f.get_ref()
                ),
            ));
            "Vigie <vigie@localhost>".parse().expect("a valid mailbox")
        }),
    };
    let transport = match (&raw.smtp, &raw.dir) {
        (Some(_), Some(d)) => {
            errors.push(at(
                d.span(),
                "notify.dir",
                "either `smtp` or `dir`, not both".into(),
            ));
            Transport::None
        }
        (None, Some(d)) => Transport::Dir(resolve(dir, d.get_ref())),
        (Some(u), None) => match url::Url::parse(u.get_ref()) {
            Ok(url)
                if matches!(url.scheme(), "smtp" | "smtps" | "smtp+starttls")
                    && url.host_str().is_some() =>
            {
                if !url.username().is_empty() || url.password().is_some() {
                    // Not `at`: it would echo the line, password included, into the logs.
                    let line = src[..u.span().start].matches('\n').count() + 1;
                    errors.push(ConfigError::file(
                        path,
                        format!(
                            "line {line}: key `notify.smtp`: put the user in `username` and the password in a file named by `password_file`, not in the URL"
                        ),
                    ));
                }
                Transport::Smtp {
                    url,
                    username: raw.username.clone(),
                    password_file: raw.password_file.as_deref().map(|p| resolve(dir, p)),
                    ca_file: raw.ca_file.as_deref().map(|p| resolve(dir, p)),
                }
            }
            Ok(url) => {
                errors.push(at(
                    u.span(),
                    "notify.smtp",
                    format!(
                        "unsupported scheme {:?}: use smtp://, smtps:// or smtp+starttls:// with a host",
                        url.scheme()
                    ),
                ));
                Transport::None
            }
            Err(e) => {
                errors.push(at(u.span(), "notify.smtp", format!("not a URL: {e}")));
                Transport::None
            }
        },
        (None, None) => Transport::None,
    };
    let reply_timeout = raw.reply_timeout.map_or(REPLY_TIMEOUT, |d| d.0);
    let send_timeout = raw.send_timeout.map_or(SEND_TIMEOUT, |d| d.0);
    if reply_timeout.is_zero() || send_timeout < reply_timeout {
        errors.push(ConfigError::file(
            path,
            format!(
                "key `notify.send_timeout`: {} must be at least notify.reply_timeout ({}), which must not be 0",
                HumanDuration(send_timeout),
                HumanDuration(reply_timeout)
            ),
        ));
    }
    NotifyConfig {
        from,
        transport,
        reply_timeout,
        send_timeout,
    }
}

/// Reads and parses the config file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let src = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::file(path, format!("cannot read the config file: {e}")))?;
    parse(&src, path)
}

impl Config {
    /// Which Vigie this is, in logs, `/healthz`, `/metrics` and `vigie check` (several
    /// nodes share one PostgreSQL database): `[node] id`, else the host's name.
    pub fn node_id(&self) -> String {
        self.node.clone().unwrap_or_else(host_name)
    }

    /// An error pointing at the `watchlists` key (or at the file when it was defaulted).
    pub(crate) fn watchlists_error(&self, message: String) -> ConfigError {
        match &self.watchlists_span {
            Some(span) => ConfigError::at(
                &self.path,
                &self.source_text,
                span.clone(),
                Some("watchlists"),
                message,
            ),
            None => ConfigError::file(&self.path, message),
        }
    }
}

/// Joins a relative path onto the config's folder; leaves absolute paths alone. The result
/// is tidied ([`tidy`]): `config/../demo-output/demo.db` is `demo-output/demo.db`.
pub(crate) fn resolve(dir: &Path, p: &str) -> PathBuf {
    let p = Path::new(p.trim());
    if p.is_absolute() {
        tidy(p)
    } else {
        tidy(&dir.join(p))
    }
}

/// A path without `.` and with `folder/..` removed where `folder` is a plain folder (not a
/// symbolic link, whose `..` is somewhere else): the same file, written as a person would.
pub fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let plain = matches!(out.components().next_back(), Some(Component::Normal(_)))
                    && std::fs::symlink_metadata(&out).is_ok_and(|m| !m.file_type().is_symlink());
                if plain {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_tidied_without_going_through_a_symbolic_link() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("config")).unwrap();
        std::fs::create_dir_all(d.join("elsewhere/inner")).unwrap();
        std::os::unix::fs::symlink(d.join("elsewhere/inner"), d.join("link")).unwrap();
        assert_eq!(
            resolve(&d.join("config"), "../demo-output/./demo.db"),
            d.join("demo-output/demo.db")
        );
        // Through a link, `..` is the link target's parent: left as written.
        assert_eq!(resolve(&d.join("link"), "../x.db"), d.join("link/../x.db"));
        // A folder that does not exist yet is not assumed to be plain.
        assert_eq!(resolve(&d.join("nope"), "../x"), d.join("nope/../x"));
        assert_eq!(tidy(Path::new("./")), Path::new("."));
        assert_eq!(tidy(Path::new("../a/./b")), Path::new("../a/b"));
    }

    fn parse_at(src: &str) -> Result<Config, ConfigErrors> {
        parse(src, Path::new("/etc/vigie/vigie.toml"))
    }

    #[test]
    fn a_node_is_named_by_its_config_or_its_host() {
        let c = parse_at("[node]\nid = \"vigie-b\"\n").unwrap();
        assert_eq!(c.node_id(), "vigie-b");
        let host = parse_at("").unwrap().node_id();
        assert!(valid_node_id(&host) && !host.contains('.'), "{host}");
        let e = parse_at("[node]\nid = \"b c\\\"\"\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(2));
        assert_eq!(e.0[0].key.as_deref(), Some("node.id"));
        assert!(e.0[0].message.contains("not a node id"), "{}", e.0[0]);
    }

    #[test]
    fn empty_file_gets_the_documented_defaults() {
        let c = parse_at("").unwrap();
        assert_eq!(c.database, PathBuf::from("/etc/vigie/vigie.db"));
        assert_eq!(c.watchlists, "/etc/vigie/watchlists/*.toml");
        assert_eq!(c.http.timeout.0, Duration::from_secs(30));
        assert_eq!(c.http.max_body_size.0, 10 << 20);
        assert_eq!(c.http.max_redirects.get(), 5);
        assert!(!c.http.allow_private_networks);
        assert_eq!(c.poll.interval.0, Duration::from_secs(900));
    }

    #[test]
    fn relative_paths_resolve_against_the_config_folder() {
        let c = parse_at("database = \"data/v.db\"\nwatchlists = \"../w/*.toml\"\n").unwrap();
        assert_eq!(c.database, PathBuf::from("/etc/vigie/data/v.db"));
        assert_eq!(c.watchlists, "/etc/vigie/../w/*.toml");
        let c = parse_at("database = \"/var/lib/vigie/v.db\"").unwrap();
        assert_eq!(c.database, PathBuf::from("/var/lib/vigie/v.db"));
    }

    #[test]
    fn unknown_key_is_located() {
        let e = parse_at("[http]\ntimeout = \"5s\"\ntimout = \"5s\"\n").unwrap_err();
        let e = &e.0[0];
        assert_eq!(e.line, Some(3));
        assert_eq!(e.key.as_deref(), Some("http.timout"));
        assert!(
            e.message.contains("unknown field `timout`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn wrong_type_and_bad_values_are_located() {
        let e = parse_at("[http]\nallow_private_networks = \"yes\"\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(2));
        assert_eq!(e.0[0].key.as_deref(), Some("http.allow_private_networks"));

        let e = parse_at("[poll]\ninterval = \"soon\"\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(2));
        assert!(e.0[0].message.contains("invalid duration"), "{}", e.0[0]);

        let e = parse_at("[http]\nallowed_networks = [\"10.1.0.0/16\", \"10.2.0.0/40\"]\n")
            .unwrap_err();
        assert_eq!(e.0[0].line, Some(2));
        assert_eq!(e.0[0].key.as_deref(), Some("http.allowed_networks"));
        assert!(e.0[0].message.contains("0 to 32"), "{}", e.0[0]);

        let e = parse_at("[http]\nmax_redirects = 50\n").unwrap_err();
        assert!(e.0[0].message.contains("expected 0 to 10"), "{}", e.0[0]);
    }

    #[test]
    fn digest_settings_are_read_and_their_mistakes_located() {
        let c = parse_at(
            "[digest]\ntime = \"7:30\"\ntimezone = \"America/Montreal\"\ndays = [\"mon\"]\ntemplates = \"tpl\"\n",
        )
        .unwrap();
        let s = c.digest.defaults.schedule(&Default::default()).unwrap();
        assert_eq!(s.time, jiff::civil::time(7, 30, 0, 0));
        assert_eq!(s.zone_name, "America/Montreal");
        assert_eq!(s.days, [true, false, false, false, false, false, false]);
        assert_eq!(c.digest.templates, Some(PathBuf::from("/etc/vigie/tpl")));

        let e = parse_at("[digest]\ntime = \"08:00\"\ntimezone = \"Europe/Pariss\"\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(3));
        assert_eq!(e.0[0].key.as_deref(), Some("digest.timezone"));
        assert!(e.0[0].message.contains("unknown time zone"), "{}", e.0[0]);
        let e = parse_at("[digest]\ntime = \"8h\"\ndays = [\"someday\"]\n").unwrap_err();
        assert_eq!(e.0.len(), 2, "{e}");
        assert_eq!(e.0[0].key.as_deref(), Some("digest.time"));
        assert_eq!(e.0[1].line, Some(3));
        let e = parse_at("[digest]\nhour = 8\n").unwrap_err();
        assert!(
            e.0[0].message.contains("unknown field `hour`"),
            "{}",
            e.0[0]
        );
    }

    #[test]
    fn inconsistent_timeouts_are_refused() {
        let e = parse_at("[http]\nconnect_timeout = \"1m\"\ntimeout = \"10s\"\n").unwrap_err();
        assert!(e.0[0].message.contains("connect_timeout"), "{}", e);
    }
}
