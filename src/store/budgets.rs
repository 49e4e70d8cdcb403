//! Budget usage per scope (`team`, `department`), name and period: the atomic reservation
//! (check and reserve in one conditional statement per budget, every budget of a call in one
//! transaction, in the order given) and its settlement.

use super::{Backend, StoreError, with_pool};

/// A reading statement of one budget's figures, run on `$executor`.
macro_rules! read_figures {
    ($executor:expr, $key:expr) => {{
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT spent_micros, reserved_micros FROM budget_usage
             WHERE scope = $1 AND name = $2 AND period_start = $3",
        )
        .bind($key.scope)
        .bind(&$key.name)
        .bind($key.period_start)
        .fetch_optional($executor)
        .await?;
        let (spent, reserved) = row.unwrap_or_default();
        BudgetFigures { spent, reserved }
    }};
}

/// How a writing transaction begins: `BEGIN IMMEDIATE` on SQLite (the write lock at once, so
/// nothing read inside is stale), a plain `BEGIN` on PostgreSQL (the conditional statements'
/// row locks serialise concurrent callers, and each re-checks its condition after the wait).
fn begin_statement(backend: &Backend) -> &'static str {
    match backend {
        Backend::Sqlite(_) => "BEGIN IMMEDIATE",
        Backend::Postgres(_) => "BEGIN",
    }
}

/// One budget a call is charged to, in the current period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BudgetKey {
    /// `team` or `department`.
    pub scope: &'static str,
    /// The team or department name.
    pub name: String,
    /// The period's start, Unix milliseconds.
    pub period_start: i64,
}

/// A budget's figures in one period, micro-dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BudgetFigures {
    /// What settled calls cost.
    pub spent: i64,
    /// Estimates of the calls in flight.
    pub reserved: i64,
}

/// What a reservation came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReserveOutcome {
    /// Reserved on every budget; the figures after the reservation, in the keys' order.
    Reserved(Vec<BudgetFigures>),
    /// The budget at this index would pass its limit; nothing was reserved anywhere. Its
    /// figures now.
    Refused(usize, BudgetFigures),
}

/// Budget usage in the store.
#[derive(Debug, Clone)]
pub struct BudgetStore {
    backend: Backend,
}

impl BudgetStore {
    pub(crate) fn new(backend: Backend) -> Self {
        BudgetStore { backend }
    }

    /// Reserve `estimate` on each budget (`(key, hard limit)`), all or none: each statement
    /// adds the estimate only `WHERE spent + reserved + estimate <= hard`, so concurrent
    /// callers (in any process) cannot together pass a limit.
    /// The reservation is recorded under `id` (at `at_ms`) until it is settled or released.
    pub async fn reserve(
        &self,
        id: &str,
        at_ms: i64,
        budgets: &[(BudgetKey, i64)],
        estimate: i64,
    ) -> Result<ReserveOutcome, StoreError> {
        with_pool!(&self.backend, pool => {
            let mut tx = pool.begin_with(begin_statement(&self.backend)).await?;
            let mut figures = Vec::with_capacity(budgets.len());
            for (index, (key, hard)) in budgets.iter().enumerate() {
                if estimate > *hard {
                    let now = read_figures!(&mut *tx, key);
                    tx.rollback().await?;
                    return Ok(ReserveOutcome::Refused(index, now));
                }
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "INSERT INTO budget_usage (scope, name, period_start, spent_micros, reserved_micros)
                     VALUES ($1, $2, $3, 0, $4)
                     ON CONFLICT (scope, name, period_start) DO UPDATE
                       SET reserved_micros = budget_usage.reserved_micros + excluded.reserved_micros
                       WHERE budget_usage.spent_micros + budget_usage.reserved_micros + excluded.reserved_micros <= $5
                     RETURNING spent_micros, reserved_micros",
                )
                .bind(key.scope)
                .bind(&key.name)
                .bind(key.period_start)
                .bind(estimate)
                .bind(*hard)
                .fetch_optional(&mut *tx)
                .await?;
                match row {
                    Some((spent, reserved)) => {
                        sqlx::query(
                            "INSERT INTO budget_reservations (id, scope, name, period_start, estimate_micros, at_ms)
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(id)
                        .bind(key.scope)
                        .bind(&key.name)
                        .bind(key.period_start)
                        .bind(estimate)
                        .bind(at_ms)
                        .execute(&mut *tx)
                        .await?;
                        figures.push(BudgetFigures { spent, reserved });
                    }
                    None => {
                        let now = read_figures!(&mut *tx, key);
                        tx.rollback().await?;
                        return Ok(ReserveOutcome::Refused(index, now));
                    }
                }
            }
            tx.commit().await?;
            Ok(ReserveOutcome::Reserved(figures))
        })
    }

    /// Release reservation `id` (`estimate` on each budget, unless the sweeper already did)
    /// and add `actual`; the figures after, in order.
    pub async fn settle(
        &self,
        id: &str,
        keys: &[BudgetKey],
        estimate: i64,
        actual: i64,
    ) -> Result<Vec<BudgetFigures>, StoreError> {
        with_pool!(&self.backend, pool => {
            let mut tx = pool.begin_with(begin_statement(&self.backend)).await?;
            let mut figures = Vec::with_capacity(keys.len());
            for key in keys {
                let held = sqlx::query(
                    "DELETE FROM budget_reservations WHERE id = $1 AND scope = $2 AND name = $3",
                )
                .bind(id)
                .bind(key.scope)
                .bind(&key.name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let estimate = if held > 0 { estimate } else { 0 };
                let row: Option<(i64, i64)> = sqlx::query_as(
                    "UPDATE budget_usage SET
                       reserved_micros = CASE WHEN reserved_micros > $4 THEN reserved_micros - $4 ELSE 0 END,
                       spent_micros = spent_micros + $5
                     WHERE scope = $1 AND name = $2 AND period_start = $3
                     RETURNING spent_micros, reserved_micros",
                )
                .bind(key.scope)
                .bind(&key.name)
                .bind(key.period_start)
                .bind(estimate)
                .bind(actual)
                .fetch_optional(&mut *tx)
                .await?;
                let (spent, reserved) = row.unwrap_or_default();
                figures.push(BudgetFigures { spent, reserved });
            }
            tx.commit().await?;
            Ok(figures)
        })
    }

    /// Release every reservation made before `before_ms` and never settled (its process
    /// died); returns how many budget rows were released. Safe to run in several processes.
    pub async fn release_stale(&self, before_ms: i64) -> Result<u64, StoreError> {
        with_pool!(&self.backend, pool => {
            let mut tx = pool.begin_with(begin_statement(&self.backend)).await?;
            let stale: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
                "SELECT id, scope, name, period_start, estimate_micros FROM budget_reservations WHERE at_ms < $1",
            )
            .bind(before_ms)
            .fetch_all(&mut *tx)
            .await?;
            let mut released = 0;
            for (id, scope, name, period_start, estimate) in stale {
                let held = sqlx::query(
                    "DELETE FROM budget_reservations WHERE id = $1 AND scope = $2 AND name = $3",
                )
                .bind(&id)
                .bind(&scope)
                .bind(&name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if held == 0 {
                    continue;
                }
                sqlx::query(
                    "UPDATE budget_usage SET
                       reserved_micros = CASE WHEN reserved_micros > $4 THEN reserved_micros - $4 ELSE 0 END
                     WHERE scope = $1 AND name = $2 AND period_start = $3",
                )
                .bind(&scope)
                .bind(&name)
                .bind(period_start)
                .bind(estimate)
                .execute(&mut *tx)
                .await?;
                released += 1;
            }
            tx.commit().await?;
            Ok(released)
        })
    }

    /// A budget's figures now (zero when nothing was charged this period).
    pub async fn figures(&self, key: &BudgetKey) -> Result<BudgetFigures, StoreError> {
        with_pool!(&self.backend, pool => {
            Ok(read_figures!(pool, key))
        })
    }
}
