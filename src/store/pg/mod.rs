//! The PostgreSQL backend: connecting (password from a file, TLS through rustls with
//! ring), its own append-only schema ([`schema`]), and the copy of a SQLite database into
//! it ([`copy`], `vigie migrate`).
//!
//! Every [`Store`](super::Store) operation runs here as on SQLite ([`store`]: sources and
//! the commit point; [`alerts`], [`outbox`], [`digest`]; [`triage`]: lists, searches,
//! decisions, tokens, exports), but a SQLite file's backup and integrity checks (the
//! server's own tools do those). Several nodes share the work through [`work`]: leases on
//! due sources and emails with `FOR UPDATE SKIP LOCKED`, digest periods taken once, a lock
//! per brand for alert decisions, nodes refused when their watchlists differ.

pub mod alerts;
pub(crate) mod conn;
pub mod copy;
pub mod digest;
pub mod outbox;
pub mod schema;
pub mod store;
pub mod triage;
pub mod work;

use std::path::PathBuf;
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

use crate::settings::postgres::{PgTarget, SslMode};

/// How long a connection (TCP, TLS and login) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong with PostgreSQL, in words that name the file or the step, never the
/// password.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("cannot read the PostgreSQL password file {path}: {source}")]
    PasswordFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("[postgres] ca_file {path}: {why}")]
    CaFile { path: PathBuf, why: String },
    #[error("{0}")]
    Url(String),
    #[error("cannot connect to PostgreSQL at {at}: {why}")]
    Connect { at: String, why: String },
    #[error("PostgreSQL, {doing}: {why}")]
    Sql { doing: String, why: String },
    #[error("PostgreSQL, {doing}: the connection was lost ({why})")]
    Lost { doing: String, why: String },
    #[error("{0}")]
    Copy(String),
}

/// The server's own words for a failed statement (its message and detail), or the
/// client's when the server did not answer.
pub fn explain(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            text
        }
    }
}

/// `doing` failed: the statement's error as a [`PgError`] ([`PgError::Lost`] when the
/// connection went).
pub fn sql(doing: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> PgError {
    let doing = doing.into();
    move |e| {
        if connection_lost(&e) {
            PgError::Lost {
                doing,
                why: explain(&e),
            }
        } else {
            PgError::Sql {
                doing,
                why: explain(&e),
            }
        }
    }
}

/// Whether `e` says the connection is gone (closed, a socket error, or the server
/// ending the session: a restart, a fail-over, an administrator) rather than the statement
/// failing.
fn connection_lost(e: &tokio_postgres::Error) -> bool {
    e.is_closed()
        || e.as_db_error()
            .is_some_and(|db| db.code().code().starts_with("57P"))
        || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

/// Where a URL points, for messages: user, host(s), port and database, no password.
pub fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(dir) => dir.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{}:{}/{}",
        config.get_user().unwrap_or("?"),
        hosts.join(","),
        port,
        config.get_dbname().unwrap_or("")
    )
}

/// Opens one connection to `target`, its driver running on the current tokio runtime.
pub async fn connect(target: &PgTarget) -> Result<Client, PgError> {
    crate::settings::postgres::check_url(&target.url).map_err(PgError::Url)?;
    let mut config: tokio_postgres::Config = target
        .url
        .parse()
        .map_err(|e| PgError::Url(format!("not a PostgreSQL URL vigie can read: {e}")))?;
    let at = describe(&config);
    if let Some(file) = &target.options.password_file {
        let text = std::fs::read_to_string(file).map_err(|source| PgError::PasswordFile {
            path: file.clone(),
            source,
        })?;
        config.password(text.trim_end_matches(['\r', '\n']));
    }
    config
        .application_name("vigie")
        .connect_timeout(CONNECT_TIMEOUT)
        .ssl_mode(match target.options.sslmode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require => tokio_postgres::config::SslMode::Require,
        });
    let failed = |e: tokio_postgres::Error| PgError::Connect {
        at: at.clone(),
        why: explain(&e),
    };
    let client = if target.options.sslmode == SslMode::Disable {
        let (client, connection) = config.connect(NoTls).await.map_err(failed)?;
        drive(connection);
        client
    } else {
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(
            target.options.ca_file.as_deref(),
        )?);
        let (client, connection) = config.connect(tls).await.map_err(failed)?;
        drive(connection);
        client
    };
    Ok(client)
}

/// Runs a connection's protocol driver until the client is dropped or the server goes.
fn drive<F>(connection: F)
where
    F: std::future::Future<Output = Result<(), tokio_postgres::Error>> + Send + 'static,
{
    use tracing::Instrument;
    tokio::spawn(
        async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %explain(&e), "PostgreSQL connection closed");
            }
        }
        .in_current_span(),
    );
}

/// rustls with ring: the CA file's certificates, or the system's.
fn tls_config(ca_file: Option<&std::path::Path>) -> Result<rustls::ClientConfig, PgError> {
    use crate::ingest::fetch::tls;
    let roots = match ca_file {
        None => None,
        Some(file) => {
            let ca = |why: String| PgError::CaFile {
                path: file.to_path_buf(),
                why,
            };
            let pem = std::fs::read(file).map_err(|e| ca(format!("cannot read it: {e}")))?;
            let roots = tls::roots_from_pem(&pem).map_err(ca)?;
            if roots.is_empty() {
                return Err(ca("holds no certificate".into()));
            }
            Some(roots)
        }
    };
    tls::client_config(roots).map_err(|why| PgError::Url(format!("TLS for PostgreSQL: {why}")))
}

/// The advisory lock key under which migrations run ("vigie" in ASCII).
const MIGRATION_LOCK: i64 = 0x0076_6967_6965;

/// Brings the PostgreSQL schema up to date in one transaction, under an
/// advisory lock so that nodes starting together run each migration once. Returns the
/// version reached. A database newer than this vigie is refused.
pub async fn migrate_schema(client: &mut Client) -> Result<usize, PgError> {
    let tx = client
        .transaction()
        .await
        .map_err(sql("starting the schema's migration"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(sql("waiting for the migration lock"))?;
    // Made once (not `IF NOT EXISTS` at every start, which the server answers with a
    // notice each time).
    let fresh: bool = tx
        .query_one("SELECT to_regclass('vigie_schema') IS NULL", &[])
        .await
        .map_err(sql("reading the schema"))?
        .get(0);
    if fresh {
        tx.batch_execute(
            "CREATE TABLE vigie_schema (
                 version     INTEGER PRIMARY KEY,
                 applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(sql("creating the schema's version table"))?;
    }
    let found: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM vigie_schema", &[])
        .await
        .map_err(sql("reading the schema's version"))?
        .get(0);
    let found = found as usize;
    let known = schema::MIGRATIONS.len();
    if found > known {
        return Err(PgError::Copy(format!(
            "the PostgreSQL schema is at version {found}, newer than this vigie knows ({known}): upgrade vigie"
        )));
    }
    for (i, sql_text) in schema::MIGRATIONS.iter().enumerate().skip(found) {
        tx.batch_execute(sql_text)
            .await
            .map_err(sql(format!("migration {}", i + 1)))?;
        tx.execute(
            "INSERT INTO vigie_schema (version) VALUES ($1)",
            &[&((i + 1) as i32)],
        )
        .await
        .map_err(sql(format!("recording migration {}", i + 1)))?;
    }
    tx.commit()
        .await
        .map_err(sql("committing the schema's migration"))?;
    Ok(known)
}

/// What `vigie check` says of a PostgreSQL database: where, its schema, what it holds and
/// which nodes have run on it. Reads only.
pub async fn status(target: &PgTarget, now: i64) -> Result<String, PgError> {
    let client = connect(target).await?;
    let at = describe(
        &target
            .url
            .parse()
            .map_err(|e| PgError::Url(format!("{e}")))?,
    );
    let has_schema: bool = client
        .query_one("SELECT to_regclass('vigie_schema') IS NOT NULL", &[])
        .await
        .map_err(sql("reading the schema"))?
        .get(0);
    if !has_schema {
        return Ok(format!(
            "PostgreSQL {at}: empty (`vigie migrate --from vigie.db` creates the schema and fills it)"
        ));
    }
    let version: i32 = client
        .query_one("SELECT coalesce(max(version), 0) FROM vigie_schema", &[])
        .await
        .map_err(sql("reading the schema's version"))?
        .get(0);
    let known = schema::MIGRATIONS.len();
    let schema_line = match (version as usize).cmp(&known) {
        std::cmp::Ordering::Equal => format!("schema version {version} (current)"),
        std::cmp::Ordering::Less => {
            format!("schema version {version}, {known} after the next `vigie migrate`")
        }
        std::cmp::Ordering::Greater => {
            return Err(PgError::Copy(format!(
                "PostgreSQL {at}: schema version {version}, newer than this vigie's ({known}): upgrade vigie"
            )));
        }
    };
    let counts = client
        .query_one(
            "SELECT (SELECT count(*) FROM mentions), (SELECT count(*) FROM sources)",
            &[],
        )
        .await
        .map_err(sql("counting mentions"))?;
    let (mentions, sources): (i64, i64) = (counts.get(0), counts.get(1));
    let mut line =
        format!("PostgreSQL {at}: {schema_line}, {mentions} mentions, {sources} sources");
    if version >= 2 {
        let nodes = client
            .query("SELECT id, $1 - seen_at FROM nodes ORDER BY id", &[&now])
            .await
            .map_err(sql("listing the nodes"))?;
        if !nodes.is_empty() {
            let list: Vec<String> = nodes
                .iter()
                .map(|r| {
                    format!(
                        "{} (seen {} s ago)",
                        r.get::<_, String>(0),
                        r.get::<_, i64>(1)
                    )
                })
                .collect();
            line.push_str(&format!("; nodes: {}", list.join(", ")));
        }
    }
    Ok(line)
}
