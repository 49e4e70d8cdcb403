//! One store location per test: a temporary directory for SQLite, or a database of its own
//! on the PostgreSQL server `SWITCHYARD_TEST_POSTGRES_URL` names.
//!
//! Each PostgreSQL test creates `sy_test_<unix seconds>_<random>` through that URL and drops
//! it (`WITH (FORCE)`) when the fixture is dropped, even after a panic. A database per test
//! (rather than a schema) keeps everything apart under nextest's parallel processes: the
//! migrator's advisory lock (keyed by database name), identity sequences, the migrations
//! table; and the tests connect with the plain URL users write. Databases left behind by a
//! killed run are dropped by a later run once they are six hours old.

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use switchyard::store::Store;

/// The variable naming the PostgreSQL server (a database on it to connect to first).
pub const POSTGRES_URL_VAR: &str = "SWITCHYARD_TEST_POSTGRES_URL";

/// Test databases older than this are left over from a killed run.
const STALE_AFTER: Duration = Duration::from_secs(6 * 3600);

/// Where one test's store lives.
pub enum Fixture {
    /// A SQLite file in a temporary data directory.
    Sqlite(tempfile::TempDir),
    /// A PostgreSQL database created for this test.
    Postgres(PgDatabase),
}

impl Fixture {
    /// A temporary data directory.
    pub fn sqlite() -> Fixture {
        Fixture::Sqlite(tempfile::tempdir().expect("a temporary directory"))
    }

    /// A fresh database, or `None` (after saying so on stderr) when no server is configured.
    pub async fn postgres(test: &str) -> Option<Fixture> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
            skipped(test);
            return None;
        };
        Some(Fixture::Postgres(PgDatabase::create(&admin_url).await))
    }

    /// A new handle on this test's store, the way the application opens it: the data
    /// directory for SQLite, the URL for PostgreSQL.
    pub async fn store(&self) -> Store {
        match self {
            Fixture::Sqlite(dir) => Store::open(dir.path()).await.expect("SQLite store opens"),
            Fixture::Postgres(db) => Store::connect(&db.url)
                .await
                .expect("PostgreSQL store connects"),
        }
    }

    /// The store's URL (`sqlite://…` or `postgres://…`).
    pub fn url(&self) -> String {
        match self {
            Fixture::Sqlite(dir) => format!(
                "sqlite://{}",
                dir.path().join(switchyard::store::DATABASE_FILE).display()
            ),
            Fixture::Postgres(db) => db.url.clone(),
        }
    }
}

/// Say on the process's stderr (not through `eprintln!`, which libtest captures for passing
/// tests) that a PostgreSQL test did not run. nextest captures the process's output too; the
/// `postgres_half_runs` test is configured to show its output (`.config/nextest.toml`).
pub fn skipped(test: &str) {
    let line = format!(
        "SKIPPED {test}: {POSTGRES_URL_VAR} is not set, so it did not run \
         (scripts/test.sh sets it to {DEFAULT_URL})\n"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// What scripts/test.sh exports when the variable is not set.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database created for one test, dropped with it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl PgDatabase {
    async fn create(admin_url: &str) -> PgDatabase {
        let mut admin = PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|err| {
                panic!("{POSTGRES_URL_VAR} is set but the server does not answer: {err}")
            });
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_secs();
        drop_stale(&mut admin, now).await;
        let name = format!("sy_test_{now}_{:016x}", fastrand::u64(..));
        sqlx::query(AssertSqlSafe(format!(
            "CREATE DATABASE {}",
            quote_ident(&name)
        )))
        .execute(&mut admin)
        .await
        .expect("CREATE DATABASE (the test role needs CREATEDB)");
        admin.close().await.ok();
        let mut url = url::Url::parse(admin_url).expect("the admin URL parses");
        url.set_path(&name);
        PgDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgDatabase {
    /// Drop the database on a thread of its own (with its own runtime: this may run inside
    /// the test's runtime, or while a panic unwinds it). `FORCE` closes the pools' sessions.
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&self.name)
        );
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let mut admin = PgConnection::connect(&admin_url).await?;
                sqlx::query(AssertSqlSafe(sql)).execute(&mut admin).await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            let line = format!(
                "warning: test database {} was not dropped: {dropped:?}\n",
                self.name
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }
}

/// Drop test databases a killed run left behind. Best effort: another process may be
/// dropping the same ones.
async fn drop_stale(admin: &mut PgConnection, now: u64) {
    let names: Vec<String> =
        sqlx::query_scalar(r"SELECT datname FROM pg_database WHERE datname LIKE 'sy\_test\_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for name in names {
        let created = name
            .strip_prefix("sy_test_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        if created.is_some_and(|created| now.saturating_sub(created) > STALE_AFTER.as_secs()) {
            let sql = format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&name)
            );
            let _ = sqlx::query(AssertSqlSafe(sql)).execute(&mut *admin).await;
        }
    }
}

/// A quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
