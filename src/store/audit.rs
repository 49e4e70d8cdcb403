//! The audit log: what governance decided (keys made and revoked, calls and reads denied by
//! policy, refused tokens). Rows name a key by its public id, never by the key. The same SQL runs on
//! both backends.

use chrono::{DateTime, Utc};

use super::keys::timestamp;
use super::{Backend, StoreError, with_pool};

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who did it (or who was refused).
    pub user: String,
    /// Their team.
    pub team: Option<String>,
    /// What happened: `key_created`, `key_revoked`, `policy_denied`, `auth_failed`.
    pub event: String,
    /// The details (a rule, a key id), never a secret.
    pub detail: String,
}

/// The audit log in the store.
#[derive(Debug, Clone)]
pub struct AuditStore {
    backend: Backend,
}

impl AuditStore {
    /// The audit log over an open backend.
    pub(crate) fn new(backend: Backend) -> Self {
        AuditStore { backend }
    }

    /// Append a record stamped now.
    pub async fn record(
        &self,
        user: &str,
        team: Option<&str>,
        event: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.record_at(Utc::now(), user, team, event, detail).await
    }

    /// Append a record stamped `at` (the quota and budget gate stamp with their own clock).
    pub async fn record_at(
        &self,
        at: DateTime<Utc>,
        user: &str,
        team: Option<&str>,
        event: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let at = timestamp(at);
        with_pool!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO audit_log (at, user_name, team, event, detail) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&at)
            .bind(user)
            .bind(team)
            .bind(event)
            .bind(detail)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The latest `limit` records, oldest first.
    pub async fn recent(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows: Vec<AuditRow> = with_pool!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT at, user_name, team, event, detail FROM audit_log ORDER BY seq DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .rev()
            .map(|row| AuditRecord {
                at: row.at,
                user: row.user_name,
                team: row.team,
                event: row.event,
                detail: row.detail,
            })
            .collect())
    }
}

#[derive(Debug, sqlx::FromRow)]
struct AuditRow {
    at: String,
    user_name: String,
    team: Option<String>,
    event: String,
    detail: String,
}
