//! The store of notes and scorecards: SQLite in the data directory by default, or a shared
//! PostgreSQL database (`[store] url`) so several Switchyard processes see the same notes.
//!
//! | file | role |
//! |---|---|
//! | `target.rs` | parsing a store URL, showing it without credentials |
//! | `sqlite.rs` | opening a SQLite file, its migrations (`migrations/sqlite/`) |
//! | `postgres.rs` | connecting to PostgreSQL, its migrations (`migrations/postgres/`) |
//! | `notes.rs` | notes: types and the queries both backends share; `notes/` the ones they don't |
//! | `scorecards.rs` | `switchyard eval` scorecards |
//! | `keys.rs` | API keys (hashed) for HTTP authentication |
//! | `audit.rs` | the audit log of governance decisions |
//! | `ledger.rs` | the usage ledger and its report |
//! | `budgets.rs` | budget usage: atomic reservation and settlement |
//! | `quotas.rs` | fixed-window quota counters |
//!
//! Queries shared by both backends are written once with `$1`-style parameters (SQLite
//! accepts them too) and run through [`with_pool!`], which compiles the code once per backend.

pub mod audit;
pub mod budgets;
pub mod keys;
pub mod ledger;
pub mod notes;
mod postgres;
pub mod quotas;
pub mod scorecards;
mod sqlite;
pub mod target;

use std::fmt;
use std::path::{Path, PathBuf};

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

pub use audit::{AuditRecord, AuditStore};
pub use keys::{ApiKey, KeyStore, KeyUnusable, NewApiKey};
pub use notes::{NewNote, Note, NoteFilter, NotesStore};
pub use scorecards::ScorecardStore;
pub use target::{StoreTarget, TargetError};

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
    /// The store URL is not one this build can use.
    #[error("{0}")]
    Target(TargetError),
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

/// The database behind a store.
#[derive(Debug, Clone)]
pub(crate) enum Backend {
    /// A SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// Run `$body` with `$pool` bound to the backend's pool (`&SqlitePool` or `&PgPool`): the
/// same source, compiled once per backend.
macro_rules! with_pool {
    ($backend:expr, $pool:ident => $body:expr) => {
        match $backend {
            $crate::store::Backend::Sqlite($pool) => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Where a store keeps its data, printable: never holds a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file.
    File(PathBuf),
    /// A PostgreSQL database: its URL without the password.
    Postgres(String),
}

impl Location {
    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            Location::File(_) => "sqlite",
            Location::Postgres(_) => "postgres",
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(url),
        }
    }
}

/// An open store.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    location: Location,
}

impl Store {
    /// Open (creating if needed) the SQLite database in `data_dir` and run pending migrations.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|error| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            error,
        })?;
        Store::open_file(&data_dir.join(DATABASE_FILE)).await
    }

    /// Open the store a URL names: `postgres://…`, `postgresql://…` or `sqlite://PATH`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let target = StoreTarget::parse(url).map_err(StoreError::Target)?;
        Store::connect_target(&target).await
    }

    /// Open a parsed store target.
    pub async fn connect_target(target: &StoreTarget) -> Result<Store, StoreError> {
        match target {
            StoreTarget::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|error| StoreError::DataDir {
                        path: dir.to_path_buf(),
                        error,
                    })?;
                }
                Store::open_file(path).await
            }
            StoreTarget::Postgres(url) => Ok(Store {
                backend: Backend::Postgres(postgres::connect(url).await?),
                location: Location::Postgres(target.redacted()),
            }),
        }
    }

    async fn open_file(path: &Path) -> Result<Store, StoreError> {
        Ok(Store {
            backend: Backend::Sqlite(sqlite::open(path).await?),
            location: Location::File(path.to_path_buf()),
        })
    }

    /// The notes in this store.
    pub fn notes(&self) -> NotesStore {
        NotesStore::new(self.backend.clone())
    }

    /// The scorecards in this store.
    pub fn scorecards(&self) -> ScorecardStore {
        ScorecardStore::new(self.backend.clone())
    }

    /// The API keys in this store.
    pub fn keys(&self) -> KeyStore {
        KeyStore::new(self.backend.clone())
    }

    /// The audit log in this store.
    pub fn audit(&self) -> AuditStore {
        AuditStore::new(self.backend.clone())
    }

    /// The usage ledger.
    pub fn ledger(&self) -> ledger::LedgerStore {
        ledger::LedgerStore::new(self.backend.clone())
    }

    /// Budget usage.
    pub fn budgets(&self) -> budgets::BudgetStore {
        budgets::BudgetStore::new(self.backend.clone())
    }

    /// Quota counters.
    pub fn quotas(&self) -> quotas::QuotaStore {
        quotas::QuotaStore::new(self.backend.clone())
    }

    /// Where the data is: the file, or the database URL without its password.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A cheap query proving the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(&self.backend, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }
}
