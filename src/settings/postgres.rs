//! `database = "postgres://…"` and the `[postgres]` table: where the PostgreSQL backend is,
//! how to log in and how to check the server's certificate.
//!
//! The URL names the user, host, port and database, never a password: that comes from
//! `password_file`, read when connecting, so it cannot reach a log line or an error. TLS
//! goes through rustls, which always checks the certificate and the host name: `require`
//! behaves as libpq's `verify-full`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::settings::errors::ConfigError;

/// Whether the connection uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// Plain TCP or a Unix socket: for a server on this host.
    Disable,
    /// TLS when the server offers it, plain otherwise (libpq's default).
    #[default]
    Prefer,
    /// TLS or no connection; the certificate and host name are checked (libpq's
    /// `verify-full`; `verify-full` is accepted as a synonym).
    #[serde(alias = "verify-full", alias = "verify-ca")]
    Require,
}

/// `[postgres]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPostgres {
    password_file: Option<String>,
    sslmode: Option<SslMode>,
    ca_file: Option<String>,
}

/// `[postgres]`: read when `database` is a PostgreSQL URL, and by `vigie migrate --to`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PgOptions {
    /// The password's file, read at each connection and never logged.
    pub password_file: Option<PathBuf>,
    pub sslmode: SslMode,
    /// PEM certificate authorities to trust instead of the system's (a private CA, or a
    /// managed PostgreSQL's own).
    pub ca_file: Option<PathBuf>,
}

/// A PostgreSQL database to connect to.
#[derive(Debug, Clone, PartialEq)]
pub struct PgTarget {
    /// The URL as given: it holds no password (refused when read).
    pub url: String,
    pub options: PgOptions,
}

/// Whether a `database` value names a PostgreSQL server rather than a SQLite file.
pub fn is_url(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("postgres://") || t.starts_with("postgresql://")
}

/// Checks a PostgreSQL URL: one tokio-postgres can read, with a host and no password.
pub fn check_url(text: &str) -> Result<(), String> {
    let parsed: tokio_postgres::Config = text
        .parse()
        .map_err(|e| format!("not a PostgreSQL URL vigie can read: {e}"))?;
    if parsed.get_password().is_some() {
        return Err(
            "put the password in a file named by `[postgres] password_file`, not in the URL".into(),
        );
    }
    if parsed.get_hosts().is_empty() {
        return Err("the URL names no host (`postgres://user@host/database`)".into());
    }
    if parsed.get_user().is_none() {
        return Err("the URL names no user (`postgres://user@host/database`)".into());
    }
    Ok(())
}

/// Reads `[postgres]`, its paths against the config's folder.
pub fn parse(raw: &RawPostgres, dir: &Path) -> PgOptions {
    PgOptions {
        password_file: raw
            .password_file
            .as_deref()
            .map(|p| super::config::resolve(dir, p)),
        sslmode: raw.sslmode.unwrap_or_default(),
        ca_file: raw
            .ca_file
            .as_deref()
            .map(|p| super::config::resolve(dir, p)),
    }
}

/// Checks `database = "postgres://…"`, pointing at its line without echoing it (the line
/// could hold the password this refuses).
pub fn target(
    value: &Spanned<String>,
    options: &PgOptions,
    src: &str,
    path: &Path,
    errors: &mut Vec<ConfigError>,
) -> Option<PgTarget> {
    match check_url(value.get_ref()) {
        Ok(()) => Some(PgTarget {
            url: value.get_ref().trim().to_string(),
            options: options.clone(),
        }),
        Err(why) => {
            let line = src[..value.span().start].matches('\n').count() + 1;
            errors.push(ConfigError::file(
                path,
                format!("line {line}: key `database`: {why}"),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_a_password_is_refused_without_repeating_it() {
        let why = check_url("postgres://vigie:s3cret@db.internal/vigie").unwrap_err();
        assert!(why.contains("password_file"), "{why}");
        assert!(!why.contains("s3cret"), "{why}");
    }

    #[test]
    fn a_plain_url_and_a_socket_folder_are_read() {
        assert!(check_url("postgres://vigie@db.internal:5433/vigie").is_ok());
        assert!(check_url("postgresql://vigie@%2Frun%2Fpostgresql/vigie").is_ok());
        assert!(check_url("postgres://db.internal/vigie").is_err());
        assert!(is_url("postgres://x@y/z") && !is_url("data/vigie.db"));
    }
}
