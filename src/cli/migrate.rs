//! `vigie migrate --from vigie.db --to postgres://…`, and the one command made for a SQLite
//! file (`vigie backup`).

use super::*;
use crate::settings::postgres::{PgTarget, check_url};
use crate::store::pg;

pub(super) async fn cmd_migrate(
    path: &Path,
    from: &Path,
    to: Option<&str>,
    format: SourcesFormat,
) -> anyhow::Result<()> {
    let config = config::load(path)?;
    let target = match (to, &config.postgres) {
        (Some(url), _) => {
            check_url(url).map_err(|why| anyhow::anyhow!("--to: {why}"))?;
            PgTarget {
                url: url.to_string(),
                options: config.postgres_options.clone(),
            }
        }
        (None, Some(target)) => target.clone(),
        (None, None) => bail!(
            "no PostgreSQL database to copy into: give --to postgres://user@host/db, or set `database` to one in {}",
            path.display()
        ),
    };
    if !from.is_file() {
        bail!("--from {}: no such SQLite database", from.display());
    }
    let mut client = pg::connect(&target).await?;
    let started = std::time::Instant::now();
    let mut out = std::io::stdout().lock();
    let mut failed_write = None;
    if format == SourcesFormat::Table {
        say!(
            "{:<15} {:>9} {:>9}  {:<12}  check",
            "table",
            "rows",
            "written",
            "checksum"
        );
    }
    let tables = pg::copy::copy(from, &mut client, |t| {
        let line = match format {
            SourcesFormat::Json => serde_json::to_string(t).unwrap_or_default(),
            SourcesFormat::Table => format!(
                "{:<15} {:>9} {:>9}  {}  verified",
                t.table,
                t.rows,
                t.written,
                &t.checksum[..12]
            ),
        };
        if let Err(e) = writeln!(out, "{line}") {
            failed_write.get_or_insert(e);
        }
    })
    .await?;
    if let Some(e) = failed_write {
        return Err(e.into());
    }
    if format == SourcesFormat::Table {
        let rows: u64 = tables.iter().map(|t| t.rows).sum();
        let written: u64 = tables.iter().map(|t| t.written).sum();
        say!(
            "{}, {} verified, {written} written, in {:.1} s: {} now holds {}",
            plural(tables.len(), "table"),
            plural(rows as usize, "row"),
            started.elapsed().as_secs_f64(),
            pg::describe(&target.url.parse()?),
            from.display()
        );
    }
    Ok(())
}

/// Refuses a PostgreSQL `database` for a command made for a SQLite file (`vigie backup`).
pub(super) fn refuse_postgres(config: &Config) -> anyhow::Result<()> {
    if let Some(target) = &config.postgres {
        let at = target
            .url
            .parse()
            .map(|c| pg::describe(&c))
            .unwrap_or_default();
        bail!(
            "{}: `database` names PostgreSQL ({at}); this command copies or checks a SQLite file: on PostgreSQL use the server's own tools (pg_dump for a backup, see deploy/README.md)",
            config.path.display()
        );
    }
    Ok(())
}
