//! The PostgreSQL backend: a connection pool on a URL, migrations from `migrations/postgres/`.
//!
//! Several Switchyard processes may start at once on one database: sqlx's PostgreSQL
//! migrator holds a session advisory lock (keyed by the database name) from before it
//! creates its `_sqlx_migrations` table until it has applied every migration, so the others
//! wait and then find nothing left to do. No TLS is compiled in: connect over loopback, a
//! private network or your own tunnel (`sslmode=prefer`, the default, falls back to plain).

use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};

use super::StoreError;

/// Connections one process keeps at most; several processes share the server's limit.
const MAX_CONNECTIONS: u32 = 5;

/// Connect to the database at `url` and run pending migrations.
///
/// The migrations run on a first connection of their own: its failure (refused, unknown
/// role, no such database) is reported as the server said it, where a pool would retry
/// until its timeout and report only that. The pool then connects on demand.
pub(super) async fn connect(url: &str) -> Result<PgPool, StoreError> {
    let mut options = PgConnectOptions::from_str(url)?;
    if options.get_application_name().is_none() {
        options = options.application_name("switchyard");
    }
    let mut first = PgConnection::connect_with(&options).await?;
    sqlx::migrate!("./migrations/postgres")
        .run(&mut first)
        .await?;
    first.close().await?;
    Ok(PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with(options))
}
