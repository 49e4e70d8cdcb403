//! The SQLite backend: one database file, WAL mode, migrations from `migrations/sqlite/`.
//!
//! WAL mode and a busy timeout let a stdio process and an HTTP process share one file. sqlx
//! takes no lock around SQLite migrations, so two processes starting at once on a new file
//! would both apply the first migration and one would fail; the migrations run inside one
//! `BEGIN IMMEDIATE` transaction instead, which the second process waits for (each
//! migration's own transaction becomes a savepoint within it).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::StoreError;

/// Open (creating if needed) the database file at `path` and run pending migrations.
pub(super) async fn open(path: &Path) -> Result<SqlitePool, StoreError> {
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    // A connection to a local file does not go stale: no ping before every query (it was a
    // round trip to the connection's worker thread on each of them, the ledger row included).
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .min_connections(0)
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::migrate!("./migrations/sqlite").run(&mut *tx).await?;
    tx.commit().await?;
    Ok(pool)
}
