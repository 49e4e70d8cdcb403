//! The usage ledger: batched inserts (one transaction for every
//! row pending, see `governance::ledger`) and the grouped sums of the usage report.

use sqlx::{AssertSqlSafe, QueryBuilder};

use super::{Backend, StoreError, with_pool};

/// One ledger row: a tool call or a delegation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LedgerEntry {
    /// When the call finished, Unix milliseconds (UTC).
    pub at_ms: i64,
    /// Who called.
    pub user: String,
    /// Their team.
    pub team: Option<String>,
    /// Their department.
    pub department: Option<String>,
    /// The tool.
    pub tool: String,
    /// The connector instance that served it (connector tools only).
    pub instance: Option<String>,
    /// The delegation's task kind.
    pub task: Option<String>,
    /// The model that answered (delegations).
    pub model: Option<String>,
    /// Input tokens at the full price.
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
    /// Cached input tokens.
    pub cached_tokens: i64,
    /// What it cost, micro-dollars.
    pub cost_micros: i64,
    /// What the baseline model would have cost, micro-dollars.
    pub baseline_micros: Option<i64>,
    /// How long the call took.
    pub latency_ms: i64,
    /// `ok` or an error kind (`timeout`, `forbidden`, `quota`, …).
    pub outcome: String,
    /// Bytes of text returned.
    pub bytes: i64,
    /// Whether the result was cut to its budget.
    pub truncated: bool,
}

/// Rows per INSERT statement (17 binds each, well under both backends' parameter limits).
const ROWS_PER_STATEMENT: usize = 500;

/// A usage report dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageDimension {
    /// By department.
    Department,
    /// By team.
    Team,
    /// By user.
    User,
    /// By model.
    Model,
    /// By delegation task kind.
    Task,
    /// By tool.
    Tool,
}

impl UsageDimension {
    /// Parse `department`, `team`, `user`, `model`, `task` or `tool`.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "department" => UsageDimension::Department,
            "team" => UsageDimension::Team,
            "user" => UsageDimension::User,
            "model" => UsageDimension::Model,
            "task" => UsageDimension::Task,
            "tool" => UsageDimension::Tool,
            _ => return None,
        })
    }

    /// The name, as parsed.
    pub fn as_str(self) -> &'static str {
        match self {
            UsageDimension::Department => "department",
            UsageDimension::Team => "team",
            UsageDimension::User => "user",
            UsageDimension::Model => "model",
            UsageDimension::Task => "task",
            UsageDimension::Tool => "tool",
        }
    }

    /// The ledger column (a fixed identifier, never user text).
    fn column(self) -> &'static str {
        match self {
            UsageDimension::User => "user_name",
            other => other.as_str(),
        }
    }
}

/// One group of the usage report, sums exact in micro-dollars.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageGroup {
    /// The group's key (`(none)` when the column is empty).
    pub key: String,
    /// Ledger rows.
    pub calls: i64,
    /// Input tokens.
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
    /// Cached input tokens.
    pub cached_tokens: i64,
    /// Cost, micro-dollars.
    pub cost_micros: i64,
    /// Baseline cost of the rows that have one, micro-dollars.
    pub baseline_micros: i64,
    /// Cost of the rows that have a baseline (what the savings compare), micro-dollars.
    pub compared_cost_micros: i64,
}

/// One multi-row `INSERT` of `$rows` (at most [`ROWS_PER_STATEMENT`]); a macro so one text
/// serves the query builder of either backend.
macro_rules! insert_statement {
    ($rows:expr) => {{
        let mut query = QueryBuilder::new(
            "INSERT INTO ledger (at_ms, user_name, team, department, tool, instance, task, model, \
             input_tokens, output_tokens, cached_tokens, cost_micros, baseline_micros, latency_ms, \
             outcome, bytes, truncated) ",
        );
        query.push_values($rows, |mut b, row| {
            b.push_bind(row.at_ms)
                .push_bind(row.user.clone())
                .push_bind(row.team.clone())
                .push_bind(row.department.clone())
                .push_bind(row.tool.clone())
                .push_bind(row.instance.clone())
                .push_bind(row.task.clone())
                .push_bind(row.model.clone())
                .push_bind(row.input_tokens)
                .push_bind(row.output_tokens)
                .push_bind(row.cached_tokens)
                .push_bind(row.cost_micros)
                .push_bind(row.baseline_micros)
                .push_bind(row.latency_ms)
                .push_bind(row.outcome.clone())
                .push_bind(row.bytes)
                .push_bind(i64::from(row.truncated));
        });
        query
    }};
}

/// The ledger in the store.
#[derive(Debug, Clone)]
pub struct LedgerStore {
    backend: Backend,
}

impl LedgerStore {
    pub(crate) fn new(backend: Backend) -> Self {
        LedgerStore { backend }
    }

    /// Insert every row in one transaction.
    pub async fn insert_batch(&self, rows: &[LedgerEntry]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        // One statement is atomic on its own: a batch that fits in one (every batch of a
        // lightly loaded server) skips BEGIN and COMMIT, two of its three round trips.
        if rows.len() <= ROWS_PER_STATEMENT {
            with_pool!(&self.backend, pool => {
                insert_statement!(rows).build().execute(pool).await?;
            });
            return Ok(());
        }
        with_pool!(&self.backend, pool => {
            let mut tx = pool.begin().await?;
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                insert_statement!(chunk).build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every row in `[since_ms, until_ms)`, oldest first (for tests and exports).
    pub async fn rows(&self, since_ms: i64, until_ms: i64) -> Result<Vec<LedgerEntry>, StoreError> {
        let rows: Vec<LedgerRow> = with_pool!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT at_ms, user_name, team, department, tool, instance, task, model, input_tokens, \
                 output_tokens, cached_tokens, cost_micros, baseline_micros, latency_ms, outcome, bytes, truncated \
                 FROM ledger WHERE at_ms >= $1 AND at_ms < $2 ORDER BY id",
            )
            .bind(since_ms)
            .bind(until_ms)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(LedgerRow::into_entry).collect())
    }

    /// Sums per group over `[since_ms, until_ms)`, dearest first, then by key.
    pub async fn usage(
        &self,
        by: UsageDimension,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<UsageGroup>, StoreError> {
        let column = by.column();
        // PostgreSQL sums BIGINT into NUMERIC: cast back (SQLite's CAST is a no-op here).
        let sql = format!(
            "SELECT COALESCE({column}, '(none)') AS key, COUNT(*) AS calls, \
             CAST(COALESCE(SUM(input_tokens), 0) AS BIGINT) AS input_tokens, \
             CAST(COALESCE(SUM(output_tokens), 0) AS BIGINT) AS output_tokens, \
             CAST(COALESCE(SUM(cached_tokens), 0) AS BIGINT) AS cached_tokens, \
             CAST(COALESCE(SUM(cost_micros), 0) AS BIGINT) AS cost_micros, \
             CAST(COALESCE(SUM(baseline_micros), 0) AS BIGINT) AS baseline_micros, \
             CAST(COALESCE(SUM(CASE WHEN baseline_micros IS NULL THEN 0 ELSE cost_micros END), 0) AS BIGINT) AS compared_cost_micros \
             FROM ledger WHERE at_ms >= $1 AND at_ms < $2 \
             GROUP BY COALESCE({column}, '(none)') ORDER BY cost_micros DESC, key"
        );
        let groups = with_pool!(&self.backend, pool => {
            sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(since_ms)
                .bind(until_ms)
                .fetch_all(pool)
                .await?
        });
        Ok(groups)
    }
}

/// A `ledger` row as stored.
#[derive(Debug, sqlx::FromRow)]
struct LedgerRow {
    at_ms: i64,
    user_name: String,
    team: Option<String>,
    department: Option<String>,
    tool: String,
    instance: Option<String>,
    task: Option<String>,
    model: Option<String>,
    input_tokens: i64,
    output_tokens: i64,
    cached_tokens: i64,
    cost_micros: i64,
    baseline_micros: Option<i64>,
    latency_ms: i64,
    outcome: String,
    bytes: i64,
    truncated: i64,
}

impl LedgerRow {
    fn into_entry(self) -> LedgerEntry {
        LedgerEntry {
            at_ms: self.at_ms,
            user: self.user_name,
            team: self.team,
            department: self.department,
            tool: self.tool,
            instance: self.instance,
            task: self.task,
            model: self.model,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            cached_tokens: self.cached_tokens,
            cost_micros: self.cost_micros,
            baseline_micros: self.baseline_micros,
            latency_ms: self.latency_ms,
            outcome: self.outcome,
            bytes: self.bytes,
            truncated: self.truncated != 0,
        }
    }
}
