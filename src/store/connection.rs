//! Opening the database: read-write with migrations ([`Store::open`]), or read only as it
//! is, for the inspection commands ([`Store::open_read_only`], [`Store::connect_read_only`]);
//! the schema version. A newer schema is refused, an older one migrated.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{Result, Sqlite, StoreError, schema};

impl Sqlite {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Sqlite> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|error| StoreError::Sqlite {
            path: path.to_path_buf(),
            error,
        })?;
        let mut store = Sqlite {
            conn,
            path: path.to_path_buf(),
            stories: Default::default(),
        };
        store.init()?;
        Ok(store)
    }

    /// Opens an existing database for reading only: nothing is created, migrated or
    /// written, so the inspection commands work on a file this user cannot write (a copy, a
    /// read-only mount, another user's database). A newer schema is refused; an older one is
    /// upgraded first where the file can be written, as the next poll would.
    pub fn open_read_only(path: &Path) -> Result<Sqlite> {
        let known = Self::current_schema();
        let store = Self::connect_read_only(path)?;
        let found = store.schema_version()?;
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        if found < known {
            drop(store);
            return match Sqlite::open(path) {
                Ok(upgraded) => {
                    drop(upgraded);
                    Self::connect_read_only(path)
                }
                Err(e) => Err(StoreError::TooOld {
                    path: path.to_path_buf(),
                    found,
                    known,
                    why: e.sqlite_message(),
                }),
            };
        }
        Ok(store)
    }

    /// A read-only connection to the database as it is (no version check, nothing written,
    /// whatever its journal mode). SQLite reads a WAL database without its `-shm` index as
    /// long as no write-ahead log waits to be replayed; one that does, in a folder this user
    /// cannot write, is refused with a clear reason.
    pub fn connect_read_only(path: &Path) -> Result<Sqlite> {
        let err = |error| StoreError::Sqlite {
            path: path.to_path_buf(),
            error,
        };
        if !path.is_file() {
            return Err(err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some("no such database file".into()),
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let probe = |conn: &Connection| -> rusqlite::Result<()> {
            conn.busy_timeout(Duration::from_secs(5))?;
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        };
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        match probe(&conn) {
            Ok(()) => {}
            // No write-ahead log waits (the last writer checkpointed and removed it), so
            // the file alone is the whole database: read it as such, without the index
            // SQLite would otherwise create beside it in a folder this user cannot write.
            Err(e) if cannot_build_wal_index(&e) && !wal_holds_changes(path) => {
                drop(conn);
                let mut uri = url::Url::from_file_path(path.canonicalize().map_err(|e| {
                    err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                        Some(e.to_string()),
                    ))
                })?)
                .map_err(|()| err(rusqlite::Error::InvalidPath(path.to_path_buf())))?;
                uri.set_query(Some("immutable=1"));
                let conn =
                    Connection::open_with_flags(uri.as_str(), flags | OpenFlags::SQLITE_OPEN_URI)
                        .map_err(err)?;
                probe(&conn).map_err(err)?;
                return Ok(Sqlite {
                    conn,
                    path: path.to_path_buf(),
                    stories: Default::default(),
                });
            }
            Err(e) if cannot_build_wal_index(&e) => {
                return Err(err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!(
                        "its write-ahead log ({}-wal) holds changes, and this user can neither \
                         write its index beside it nor read them without it; run the command \
                         as the database's owner",
                        path.display()
                    )),
                )));
            }
            Err(e) => return Err(err(e)),
        }
        Ok(Sqlite {
            conn,
            path: path.to_path_buf(),
            stories: Default::default(),
        })
    }

    fn init(&mut self) -> Result<()> {
        let pragmas = |c: &Connection| -> rusqlite::Result<i64> {
            c.busy_timeout(std::time::Duration::from_secs(5))?;
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", "FULL")?;
            // Off while the schema changes (a table rebuilt under its references is the
            // documented way, and is checked below before each step commits), on after.
            c.pragma_update(None, "foreign_keys", "OFF")?;
            c.pragma_query_value(None, "user_version", |r| r.get(0))
        };
        let version = pragmas(&self.conn).map_err(|e| self.err(e))?.max(0) as usize;
        let known = schema::MIGRATIONS.len();
        if version > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        for (i, step) in schema::MIGRATIONS.iter().enumerate().skip(version) {
            let migrate = |c: &mut Connection| -> rusqlite::Result<()> {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                step.run(&tx)?;
                let broken: i64 =
                    tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                        r.get(0)
                    })?;
                if broken > 0 {
                    return Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                        Some(format!(
                            "schema step {}: {broken} rows would lose what they refer to",
                            i + 1
                        )),
                    ));
                }
                tx.pragma_update(None, "user_version", (i + 1) as i64)?;
                tx.commit()
            };
            migrate(&mut self.conn).map_err(|e| self.err(e))?;
        }
        self.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub(super) fn err(&self, error: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            error,
        }
    }

    /// The schema version this vigie writes (the number of migrations it knows).
    pub fn current_schema() -> usize {
        schema::MIGRATIONS.len()
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<usize> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map(|v| v.max(0) as usize)
            .map_err(|e| self.err(e))
    }
}

/// Whether the database's write-ahead log exists and holds frames not yet written back to
/// the file (a log of just its 32-byte header, or none, holds nothing).
fn wal_holds_changes(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 32)
}

/// Whether a read failed because the WAL index could not be opened or created.
fn cannot_build_wal_index(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
    )
}
