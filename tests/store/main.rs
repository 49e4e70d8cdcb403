//! The store against each backend: every test runs once on SQLite (a temporary directory)
//! and once on PostgreSQL (a fresh database per test) when `SWITCHYARD_TEST_POSTGRES_URL`
//! names a server; without it the PostgreSQL half prints a SKIPPED line and passes.
//!
//! | file | role |
//! |---|---|
//! | `fixture.rs` | a temporary SQLite directory or PostgreSQL database per test |
//! | `notes.rs` | notes: add, get, list and its filters, delete, search |
//! | `governance.rs` | the ledger and its usage report, budget reservations, quota counters |
//! | `scorecards.rs` | scorecards: upsert and list |
//! | `keys.rs` | API keys (hashed) and the audit log |
//! | `sharing.rs` | two handles on one database, concurrent migrations, locations |

#![expect(
    clippy::expect_used,
    reason = "a test helper that cannot set up fails the test"
)]

mod fixture;
mod governance;
mod keys;
mod notes;
mod scorecards;
mod sharing;

/// One line saying whether the PostgreSQL half runs; nextest shows it even when the test
/// passes (`.config/nextest.toml`), so a run without PostgreSQL is never silently green.
#[test]
fn postgres_half_runs() {
    match std::env::var(fixture::POSTGRES_URL_VAR) {
        Ok(url) => {
            let shown = switchyard::store::StoreTarget::parse(&url).map_or_else(
                |err| format!("an invalid URL ({err})"),
                |target| target.redacted(),
            );
            println!("the PostgreSQL half of tests/store runs against {shown}");
        }
        Err(_) => fixture::skipped("the PostgreSQL half of tests/store (every postgres:: test)"),
    }
}

/// For each `async fn name(&Fixture)` listed, a `sqlite::name` and a `postgres::name` test.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let fixture = $crate::fixture::Fixture::sqlite();
                    super::$name(&fixture).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let test = concat!(module_path!(), "::", stringify!($name));
                    let Some(fixture) = $crate::fixture::Fixture::postgres(test).await else {
                        return;
                    };
                    super::$name(&fixture).await;
                }
            )+
        }
    };
}
pub(crate) use on_both_backends;
