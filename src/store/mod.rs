//! The embedded store: one SQLite database in the data directory, migrations embedded.
//!
//! WAL mode and a busy timeout let a stdio process and an HTTP process share one data
//! directory: both see the same notes. Team mode will add PostgreSQL beside this.

pub mod notes;
pub mod scorecards;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use notes::{NewNote, Note, NoteFilter, NotesStore};
pub use scorecards::ScorecardStore;

/// Why the store could not be used. Messages carry the underlying error's text (and do not
/// also return it as a source, so a chain printer does not say it twice).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {error}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        error: std::io::Error,
    },
    /// The database could not be opened or queried.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A migration failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Database(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(error)
    }
}

/// The database file name inside the data directory.
pub const DATABASE_FILE: &str = "switchyard.db";

/// An open store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the database in `data_dir` and run pending migrations.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|error| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            error,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(0)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool, path })
    }

    /// The notes in this store.
    pub fn notes(&self) -> NotesStore {
        NotesStore::new(self.pool.clone())
    }

    /// The scorecards in this store.
    pub fn scorecards(&self) -> ScorecardStore {
        ScorecardStore::new(self.pool.clone())
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A cheap query proving the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
