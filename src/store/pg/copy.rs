//! `vigie migrate --from vigie.db --to postgres://…`: every table of a SQLite database
//! copied into PostgreSQL, then checked.
//!
//! The copy reads one consistent snapshot of the SQLite file and writes in **one**
//! PostgreSQL transaction: rows are inserted, or updated where the target already holds the
//! same key with other values (so running it again after the SQLite daemon wrote more
//! brings the target level), and rows already equal are left alone. Before committing,
//! each table is read back inside the same transaction and compared with the source: the
//! number of rows and a checksum of their values (each row's SHA-256 over a typed
//! encoding, summed, so the order rows come back in does not matter). A table that differs,
//! because the target holds rows the source does not, rolls everything back: nothing is
//! half copied. Identity sequences are moved past the copied ids. A NUL character in a
//! text, which PostgreSQL cannot store, is dropped (it meant nothing to a reader).

use std::path::Path;

use futures_util::{StreamExt, pin_mut};
use rusqlite::types::Value;
use tokio_postgres::Client;
use tokio_postgres::types::{ToSql, Type};

use super::{PgError, schema, sql};
use crate::store::Sqlite;

/// What the copy did to one table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableCopy {
    pub table: String,
    /// Rows in the source, and (verified) in the target.
    pub rows: u64,
    /// Rows this run inserted or changed in the target (0 on a run again).
    pub written: u64,
    /// The checksum both sides agree on (hex).
    pub checksum: String,
}

/// Rows per INSERT: under PostgreSQL's 65,535 parameters for the widest table.
const MAX_PARAMS: usize = 60_000;
const MAX_ROWS: usize = 1_000;

/// One value, as both sides are compared.
enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(std::borrow::Cow<'a, str>),
    Blob(&'a [u8]),
}

/// Adds one row's digest to a table's checksum.
#[derive(Default)]
struct Checksum {
    rows: u64,
    sum: u128,
    buf: Vec<u8>,
}

impl Checksum {
    fn cell(&mut self, cell: Cell<'_>) {
        match cell {
            Cell::Null => self.buf.push(0),
            Cell::Int(i) => {
                self.buf.push(1);
                self.buf.extend_from_slice(&i.to_le_bytes());
            }
            Cell::Real(f) => {
                self.buf.push(2);
                self.buf.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Cell::Text(t) => {
                self.buf.push(3);
                self.buf.extend_from_slice(&(t.len() as u64).to_le_bytes());
                self.buf.extend_from_slice(t.as_bytes());
            }
            Cell::Blob(b) => {
                self.buf.push(4);
                self.buf.extend_from_slice(&(b.len() as u64).to_le_bytes());
                self.buf.extend_from_slice(b);
            }
        }
    }

    fn end_row(&mut self) {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.buf);
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest.as_ref()[..16]);
        self.sum = self.sum.wrapping_add(u128::from_le_bytes(first));
        self.rows += 1;
        self.buf.clear();
    }

    fn hex(&self) -> String {
        format!("{:032x}", self.sum)
    }
}

/// A SQLite value as the PostgreSQL column of type `ty` takes it (and as the checksum
/// reads it), or why it cannot be.
fn cell<'a>(value: &'a Value, ty: &Type) -> Result<Cell<'a>, String> {
    Ok(match (value, ty) {
        (Value::Null, _) => Cell::Null,
        (Value::Integer(i), t) if *t == Type::INT8 => Cell::Int(*i),
        (Value::Integer(i), t) if *t == Type::FLOAT8 => Cell::Real(*i as f64),
        (Value::Real(f), t) if *t == Type::FLOAT8 => Cell::Real(*f),
        // PostgreSQL's text cannot hold NUL (which only older versions let through from a
        // JSON `\u0000`): it is dropped, on both sides of the comparison.
        (Value::Text(s), t) if *t == Type::TEXT && s.contains('\0') => {
            Cell::Text(s.replace('\0', "").into())
        }
        (Value::Text(s), t) if *t == Type::TEXT => Cell::Text(s.as_str().into()),
        (Value::Blob(b), t) if *t == Type::BYTEA => Cell::Blob(b),
        (Value::Text(s), t) if *t == Type::BYTEA => Cell::Blob(s.as_bytes()),
        (v, t) => {
            let kind = match v {
                Value::Null => "NULL",
                Value::Integer(_) => "an integer",
                Value::Real(_) => "a real",
                Value::Text(_) => "text",
                Value::Blob(_) => "a blob",
            };
            return Err(format!("SQLite holds {kind} where PostgreSQL expects {t}"));
        }
    })
}

/// The parameter PostgreSQL's column takes for a cell.
fn param(cell: &Cell<'_>, ty: &Type) -> Box<dyn ToSql + Sync + Send> {
    match cell {
        Cell::Int(i) => Box::new(*i),
        Cell::Real(f) => Box::new(*f),
        Cell::Text(t) => Box::new(t.to_string()),
        Cell::Blob(b) => Box::new(b.to_vec()),
        Cell::Null if *ty == Type::INT8 => Box::new(None::<i64>),
        Cell::Null if *ty == Type::FLOAT8 => Box::new(None::<f64>),
        Cell::Null if *ty == Type::BYTEA => Box::new(None::<Vec<u8>>),
        Cell::Null => Box::new(None::<String>),
    }
}

/// A SQLite table's columns and its primary key's, in order.
fn columns(store: &Sqlite, table: &str) -> Result<(Vec<String>, Vec<String>), PgError> {
    let bad = |e: rusqlite::Error| PgError::Copy(format!("reading the columns of {table}: {e}"));
    let mut stmt = store
        .conn
        .prepare(&format!("PRAGMA table_info(\"{table}\")"))
        .map_err(bad)?;
    let mut cols: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))
        .map_err(bad)?
        .collect::<rusqlite::Result<_>>()
        .map_err(bad)?;
    let names = cols.iter().map(|(n, _)| n.clone()).collect();
    cols.retain(|(_, pk)| *pk > 0);
    cols.sort_by_key(|(_, pk)| *pk);
    Ok((names, cols.into_iter().map(|(n, _)| n).collect()))
}

/// The SQLite tables the copy must carry: every table but SQLite's own and the full-text
/// index's. One the PostgreSQL schema has no place for is an error.
fn sqlite_tables(store: &Sqlite) -> Result<Vec<String>, PgError> {
    let bad = |e: rusqlite::Error| PgError::Copy(format!("listing the SQLite tables: {e}"));
    let names: Vec<String> = store
        .conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'mentions\\_fts%' ESCAPE '\\'
             ORDER BY name",
        )
        .map_err(bad)?
        .query_map([], |r| r.get(0))
        .map_err(bad)?
        .collect::<rusqlite::Result<_>>()
        .map_err(bad)?;
    if let Some(unknown) = names
        .iter()
        .find(|n| !schema::COPIED_TABLES.contains(&n.as_str()))
    {
        return Err(PgError::Copy(format!(
            "the SQLite table {unknown} has no place in the PostgreSQL schema of this vigie: nothing was copied"
        )));
    }
    Ok(names)
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The upsert for `rows` rows: new keys inserted, known keys updated when a value differs.
fn upsert(table: &str, cols: &[String], pk: &[String], rows: usize) -> String {
    let mut text = format!("INSERT INTO \"{table}\" ({}) VALUES ", quoted(cols));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                text.push_str(", ");
            }
            n += 1;
            text.push_str(&format!("${n}"));
        }
        text.push(')');
    }
    let rest: Vec<&String> = cols.iter().filter(|c| !pk.contains(c)).collect();
    if rest.is_empty() {
        text.push_str(&format!(" ON CONFLICT ({}) DO NOTHING", quoted(pk)));
    } else {
        let set: Vec<String> = rest
            .iter()
            .map(|c| format!("\"{c}\" = EXCLUDED.\"{c}\""))
            .collect();
        let mine: Vec<String> = rest
            .iter()
            .map(|c| format!("\"{table}\".\"{c}\""))
            .collect();
        let theirs: Vec<String> = rest.iter().map(|c| format!("EXCLUDED.\"{c}\"")).collect();
        text.push_str(&format!(
            " ON CONFLICT ({}) DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})",
            quoted(pk),
            set.join(", "),
            mine.join(", "),
            theirs.join(", ")
        ));
    }
    text
}

/// Copies every table of the SQLite database at `from` into the PostgreSQL database of
/// `client` (its schema brought up to date first), and verifies them; `progress` hears of
/// each table as it is done.
pub async fn copy(
    from: &Path,
    client: &mut Client,
    mut progress: impl FnMut(&TableCopy),
) -> Result<Vec<TableCopy>, PgError> {
    let store = Sqlite::open_read_only(from).map_err(|e| PgError::Copy(e.to_string()))?;
    let version = store
        .schema_version()
        .map_err(|e| PgError::Copy(e.to_string()))?;
    if version != schema::SQLITE_VERSION {
        return Err(PgError::Copy(format!(
            "{} is at schema {version}; this vigie copies schema {} (open it once with this vigie: `vigie check`)",
            from.display(),
            schema::SQLITE_VERSION
        )));
    }
    super::migrate_schema(client).await?;
    // One snapshot of the source for the whole copy.
    store
        .conn
        .execute_batch("BEGIN")
        .map_err(|e| PgError::Copy(format!("reading {}: {e}", from.display())))?;
    let tables = sqlite_tables(&store)?;
    let tx = client
        .transaction()
        .await
        .map_err(sql("starting the copy"))?;
    let mut done = Vec::new();
    for table in schema::COPIED_TABLES {
        if !tables.iter().any(|t| t == table) {
            continue;
        }
        let (cols, pk) = columns(&store, table)?;
        // Every column must be one of the target's: a column this vigie's PostgreSQL
        // schema lacks is refused by name (and no name from the file reaches SQL unchecked).
        let known: Vec<String> = tx
            .query(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name::text = $1",
                &[table],
            )
            .await
            .map_err(sql(format!("reading the columns of {table} in PostgreSQL")))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if let Some(missing) = cols.iter().find(|c| !known.contains(c)) {
            return Err(PgError::Copy(format!(
                "the SQLite column {table}.{missing} has no place in the PostgreSQL schema of this vigie: nothing was copied"
            )));
        }
        if pk.is_empty() {
            return Err(PgError::Copy(format!(
                "the SQLite table {table} has no primary key: nothing was copied"
            )));
        }
        let per_batch = (MAX_PARAMS / cols.len()).clamp(1, MAX_ROWS);
        let full = tx
            .prepare(&upsert(table, &cols, &pk, per_batch))
            .await
            .map_err(sql(format!("preparing the copy of {table}")))?;
        let types: Vec<Type> = full.params()[..cols.len()].to_vec();
        let mut sum = Checksum::default();
        let mut written = 0u64;
        let mut batch: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
        let mut batch_rows = 0usize;
        let mut stmt = store
            .conn
            .prepare(&format!(
                "SELECT {} FROM \"{table}\" ORDER BY {}",
                quoted(&cols),
                quoted(&pk)
            ))
            .map_err(|e| PgError::Copy(format!("reading {table}: {e}")))?;
        let mut rows = stmt
            .query([])
            .map_err(|e| PgError::Copy(format!("reading {table}: {e}")))?;
        loop {
            let row = rows
                .next()
                .map_err(|e| PgError::Copy(format!("reading {table}: {e}")))?;
            if let Some(row) = row {
                for (i, ty) in types.iter().enumerate() {
                    let value: Value = row
                        .get(i)
                        .map_err(|e| PgError::Copy(format!("reading {table}: {e}")))?;
                    let c = cell(&value, ty).map_err(|why| {
                        PgError::Copy(format!("{table}, column {}: {why}", cols[i]))
                    })?;
                    batch.push(param(&c, ty));
                    sum.cell(c);
                }
                sum.end_row();
                batch_rows += 1;
            }
            let last = row.is_none();
            if batch_rows == per_batch || (last && batch_rows > 0) {
                let params: Vec<&(dyn ToSql + Sync)> = batch
                    .iter()
                    .map(|b| b.as_ref() as &(dyn ToSql + Sync))
                    .collect();
                written += if batch_rows == per_batch {
                    tx.execute(&full, &params).await
                } else {
                    let stmt = tx
                        .prepare(&upsert(table, &cols, &pk, batch_rows))
                        .await
                        .map_err(sql(format!("preparing the copy of {table}")))?;
                    tx.execute(&stmt, &params).await
                }
                .map_err(sql(format!("copying {table}")))?;
                batch.clear();
                batch_rows = 0;
            }
            if last {
                break;
            }
        }
        let target = read_back(&tx, table, &cols, &types).await?;
        if target.rows != sum.rows || target.sum != sum.sum {
            let why = if target.rows > sum.rows {
                format!(
                    "PostgreSQL holds {} rows, the SQLite file {}: the target was written by something else (a node running on it?)",
                    target.rows, sum.rows
                )
            } else {
                format!(
                    "{} rows on both sides but their values differ (checksums {} and {})",
                    sum.rows,
                    sum.hex(),
                    target.hex()
                )
            };
            return Err(PgError::Copy(format!(
                "table {table}: {why}; nothing was copied"
            )));
        }
        if pk == ["id"] {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest((SELECT max(id) FROM \"{table}\"), 1), (SELECT count(*) > 0 FROM \"{table}\"))"
                ),
                &[],
            )
            .await
            .map_err(sql(format!("moving {table}'s ids past the copied ones")))?;
        }
        let report = TableCopy {
            table: table.to_string(),
            rows: sum.rows,
            written,
            checksum: sum.hex(),
        };
        progress(&report);
        done.push(report);
    }
    tx.commit().await.map_err(sql("committing the copy"))?;
    let _ = store.conn.execute_batch("COMMIT");
    Ok(done)
}

/// A table's rows as PostgreSQL holds them, counted and summed as the source was.
async fn read_back(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    cols: &[String],
    types: &[Type],
) -> Result<Checksum, PgError> {
    let stream = tx
        .query_raw(
            &format!("SELECT {} FROM \"{table}\"", quoted(cols)),
            std::iter::empty::<i32>(),
        )
        .await
        .map_err(sql(format!("reading {table} back")))?;
    pin_mut!(stream);
    let mut sum = Checksum::default();
    while let Some(row) = stream.next().await {
        let row = row.map_err(sql(format!("reading {table} back")))?;
        for (i, ty) in types.iter().enumerate() {
            let c = if *ty == Type::INT8 {
                row.get::<_, Option<i64>>(i).map_or(Cell::Null, Cell::Int)
            } else if *ty == Type::FLOAT8 {
                row.get::<_, Option<f64>>(i).map_or(Cell::Null, Cell::Real)
            } else if *ty == Type::BYTEA {
                row.get::<_, Option<&[u8]>>(i)
                    .map_or(Cell::Null, Cell::Blob)
            } else {
                row.get::<_, Option<&str>>(i)
                    .map_or(Cell::Null, |t| Cell::Text(t.into()))
            };
            sum.cell(c);
        }
        sum.end_row();
    }
    Ok(sum)
}
