//! Fixed-window quota counters: one row per key and window, counted up by one atomic
//! statement that refuses to pass the limit (`… DO UPDATE … WHERE count + n <= limit
//! RETURNING`), so replicas sharing the store share every quota.

use super::{Backend, StoreError, with_pool};

/// Count one on `$charge` through `$executor`; true when it had room.
macro_rules! charge_one {
    ($executor:expr, $charge:expr) => {{
        let row: Option<i64> = sqlx::query_scalar(
            "INSERT INTO quota_counters (key, window_start, count) VALUES ($1, $2, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET count = quota_counters.count + 1
               WHERE quota_counters.count + 1 <= $3
             RETURNING count",
        )
        .bind(&$charge.key)
        .bind($charge.window_start)
        .bind($charge.limit)
        .fetch_optional($executor)
        .await?;
        row.is_some()
    }};
}

/// One counter to charge: its key, its window's start and the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCharge {
    /// `tool_calls:user:<team>:<user>`, `delegations:team:<team>`, …
    pub key: String,
    /// The window's start, Unix seconds.
    pub window_start: i64,
    /// The most the counter may reach.
    pub limit: i64,
}

/// Quota counters in the store.
#[derive(Debug, Clone)]
pub struct QuotaStore {
    backend: Backend,
}

impl QuotaStore {
    pub(crate) fn new(backend: Backend) -> Self {
        QuotaStore { backend }
    }

    /// Count one more on every counter, all or none: `None` when they all had room, else the
    /// index of the first one full (nothing is counted then).
    pub async fn charge(&self, charges: &[QuotaCharge]) -> Result<Option<usize>, StoreError> {
        if charges.is_empty() {
            return Ok(None);
        }
        with_pool!(&self.backend, pool => {
            // One counter (the common case) is one statement in its own implicit transaction.
            if let [charge] = charges {
                let counted = charge_one!(pool, charge);
                return Ok(if counted { None } else { Some(0) });
            }
            let mut tx = pool.begin().await?;
            for (index, charge) in charges.iter().enumerate() {
                if !charge_one!(&mut *tx, charge) {
                    tx.rollback().await?;
                    return Ok(Some(index));
                }
            }
            tx.commit().await?;
            Ok(None)
        })
    }

    /// A counter's value in a window (zero when absent).
    pub async fn count(&self, key: &str, window_start: i64) -> Result<i64, StoreError> {
        with_pool!(&self.backend, pool => {
            let count: Option<i64> = sqlx::query_scalar(
                "SELECT count FROM quota_counters WHERE key = $1 AND window_start = $2",
            )
            .bind(key)
            .bind(window_start)
            .fetch_optional(pool)
            .await?;
            Ok(count.unwrap_or(0))
        })
    }

    /// Add `amount` to a counter without a limit (tokens, counted after the call).
    pub async fn add(&self, key: &str, window_start: i64, amount: i64) -> Result<(), StoreError> {
        with_pool!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO quota_counters (key, window_start, count) VALUES ($1, $2, $3)
                 ON CONFLICT (key, window_start) DO UPDATE SET count = quota_counters.count + excluded.count",
            )
            .bind(key)
            .bind(window_start)
            .bind(amount)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Delete windows that started before `before` (Unix seconds).
    pub async fn prune(&self, before: i64) -> Result<u64, StoreError> {
        with_pool!(&self.backend, pool => {
            let done = sqlx::query("DELETE FROM quota_counters WHERE window_start < $1")
                .bind(before)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }
}
