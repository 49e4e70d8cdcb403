//! Scorecards in the store: the latest evaluation per task kind and model. The same SQL
//! runs on both backends.

use super::{Backend, StoreError, with_pool};
use crate::delegate::money::Micros;
use crate::delegate::scorecard::Scorecard;

/// Scorecards in the store.
#[derive(Debug, Clone)]
pub struct ScorecardStore {
    backend: Backend,
}

impl ScorecardStore {
    /// Scorecards over an open backend.
    pub(crate) fn new(backend: Backend) -> Self {
        ScorecardStore { backend }
    }

    /// Save a scorecard, replacing the previous one for the same task and model.
    pub async fn save(&self, card: &Scorecard) -> Result<(), StoreError> {
        with_pool!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO scorecards (task, model, cases, passed, p50_latency_ms, mean_cost_micros, measured_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (task, model) DO UPDATE SET cases = excluded.cases, passed = excluded.passed,
                   p50_latency_ms = excluded.p50_latency_ms, mean_cost_micros = excluded.mean_cost_micros,
                   measured_at = excluded.measured_at",
            )
            .bind(&card.task)
            .bind(&card.model)
            .bind(i64::from(card.cases))
            .bind(i64::from(card.passed))
            .bind(i64::try_from(card.p50_latency_ms).unwrap_or(i64::MAX))
            .bind(i64::try_from(card.mean_cost.0).unwrap_or(i64::MAX))
            .bind(&card.measured_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Every scorecard, by task then model.
    pub async fn all(&self) -> Result<Vec<Scorecard>, StoreError> {
        let rows: Vec<CardRow> = with_pool!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT task, model, cases, passed, p50_latency_ms, mean_cost_micros, measured_at
                 FROM scorecards ORDER BY task, model",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| Scorecard {
                task: row.task,
                model: row.model,
                cases: u32::try_from(row.cases).unwrap_or(0),
                passed: u32::try_from(row.passed).unwrap_or(0),
                p50_latency_ms: u64::try_from(row.p50_latency_ms).unwrap_or(0),
                mean_cost: Micros(u64::try_from(row.mean_cost_micros).unwrap_or(0)),
                measured_at: row.measured_at,
            })
            .collect())
    }
}

/// A `scorecards` row as stored (integers are signed in both databases).
#[derive(Debug, sqlx::FromRow)]
struct CardRow {
    task: String,
    model: String,
    cases: i64,
    passed: i64,
    p50_latency_ms: i64,
    mean_cost_micros: i64,
    measured_at: String,
}
