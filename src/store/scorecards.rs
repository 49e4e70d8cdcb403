//! Scorecards in the embedded store: the latest evaluation per task kind and model.

use sqlx::Row;
use sqlx::sqlite::SqlitePool;

use super::StoreError;
use crate::delegate::money::Micros;
use crate::delegate::scorecard::Scorecard;

/// Scorecards in the store.
#[derive(Debug, Clone)]
pub struct ScorecardStore {
    pool: SqlitePool,
}

impl ScorecardStore {
    /// Scorecards over an open pool.
    pub fn new(pool: SqlitePool) -> Self {
        ScorecardStore { pool }
    }

    /// Save a scorecard, replacing the previous one for the same task and model.
    pub async fn save(&self, card: &Scorecard) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO scorecards (task, model, cases, passed, p50_latency_ms, mean_cost_micros, measured_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
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
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every scorecard.
    pub async fn all(&self) -> Result<Vec<Scorecard>, StoreError> {
        let rows = sqlx::query(
            "SELECT task, model, cases, passed, p50_latency_ms, mean_cost_micros, measured_at
             FROM scorecards ORDER BY task, model",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut cards = Vec::with_capacity(rows.len());
        for row in rows {
            let number =
                |name: &str| -> Result<i64, StoreError> { Ok(row.try_get::<i64, _>(name)?) };
            cards.push(Scorecard {
                task: row.try_get("task")?,
                model: row.try_get("model")?,
                cases: u32::try_from(number("cases")?).unwrap_or(0),
                passed: u32::try_from(number("passed")?).unwrap_or(0),
                p50_latency_ms: u64::try_from(number("p50_latency_ms")?).unwrap_or(0),
                mean_cost: Micros(u64::try_from(number("mean_cost_micros")?).unwrap_or(0)),
                measured_at: row.try_get("measured_at")?,
            });
        }
        Ok(cards)
    }
}

#[cfg(test)]
mod tests {
    use crate::delegate::money::Micros;
    use crate::delegate::scorecard::Scorecard;
    use crate::store::Store;

    #[tokio::test]
    async fn save_replaces_and_all_lists() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let cards = store.scorecards();
        let mut card = Scorecard {
            task: "summarize".into(),
            model: "gpt-4.1-mini".into(),
            cases: 10,
            passed: 7,
            p50_latency_ms: 900,
            mean_cost: Micros(321),
            measured_at: "2026-12-03T00:00:00Z".into(),
        };
        cards.save(&card).await.unwrap();
        card.passed = 9;
        cards.save(&card).await.unwrap();
        assert_eq!(cards.all().await.unwrap(), vec![card]);
    }
}
