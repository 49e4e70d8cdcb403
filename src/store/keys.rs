//! API keys in the store: their public id, the SHA-256 of the whole key (never the key),
//! owner, team, role and lifetime. The same SQL runs on both backends.

use chrono::{DateTime, SecondsFormat, Utc};

use super::{Backend, StoreError, with_pool};

/// A key as stored (without its hash when listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The public short id (`sy_<id>_…`), shown by `keys list` and used by `keys revoke`.
    pub id: String,
    /// The owner.
    pub user: String,
    /// The owner's team.
    pub team: Option<String>,
    /// `member` or `admin`.
    pub role: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When it stops working, if ever.
    pub expires_at: Option<String>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// When it was last accepted.
    pub last_used_at: Option<String>,
}

impl ApiKey {
    /// Whether the key is accepted at `now`: not revoked, not expired.
    pub fn usable_at(&self, now: DateTime<Utc>) -> Result<(), KeyUnusable> {
        if self.revoked_at.is_some() {
            return Err(KeyUnusable::Revoked);
        }
        if let Some(expires) = &self.expires_at
            && DateTime::parse_from_rfc3339(expires).map_or(true, |at| at <= now)
        {
            return Err(KeyUnusable::Expired);
        }
        Ok(())
    }
}

/// Why a stored key is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUnusable {
    /// It was revoked.
    Revoked,
    /// It expired.
    Expired,
}

/// A key to store.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    /// The public id.
    pub id: &'a str,
    /// The hex SHA-256 of the whole key.
    pub hash: &'a str,
    /// The owner.
    pub user: &'a str,
    /// The owner's team.
    pub team: Option<&'a str>,
    /// `member` or `admin`.
    pub role: &'a str,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A time as stored: RFC 3339 in UTC with seconds, so text order is time order.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// API keys in the store.
#[derive(Debug, Clone)]
pub struct KeyStore {
    backend: Backend,
}

impl KeyStore {
    /// Keys over an open backend.
    pub(crate) fn new(backend: Backend) -> Self {
        KeyStore { backend }
    }

    /// Store a new key; its creation time is now.
    pub async fn insert(&self, key: &NewApiKey<'_>) -> Result<ApiKey, StoreError> {
        let created_at = timestamp(Utc::now());
        let expires_at = key.expires_at.map(timestamp);
        with_pool!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO api_keys (id, hash, user_name, team, role, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(key.id)
            .bind(key.hash)
            .bind(key.user)
            .bind(key.team)
            .bind(key.role)
            .bind(&created_at)
            .bind(&expires_at)
            .execute(pool)
            .await?;
        });
        Ok(ApiKey {
            id: key.id.to_owned(),
            user: key.user.to_owned(),
            team: key.team.map(str::to_owned),
            role: key.role.to_owned(),
            created_at,
            expires_at,
            revoked_at: None,
            last_used_at: None,
        })
    }

    /// The key whose whole-key hash is `hash`, if any (revoked and expired ones too).
    pub async fn find_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row: Option<KeyRow> = with_pool!(&self.backend, pool => {
            sqlx::query_as("SELECT id, user_name, team, role, created_at, expires_at, revoked_at, last_used_at FROM api_keys WHERE hash = $1")
                .bind(hash)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(ApiKey::from))
    }

    /// Every key, oldest first.
    pub async fn list(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<KeyRow> = with_pool!(&self.backend, pool => {
            sqlx::query_as("SELECT id, user_name, team, role, created_at, expires_at, revoked_at, last_used_at FROM api_keys ORDER BY created_at, id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(ApiKey::from).collect())
    }

    /// Revoke a key by id: `Ok(None)` when no key has that id, otherwise the key (with its
    /// first revocation time) and whether this call revoked it (`false`: it already was;
    /// revoking twice keeps the first time).
    pub async fn revoke(&self, id: &str) -> Result<Option<(ApiKey, bool)>, StoreError> {
        let now = timestamp(Utc::now());
        let changed = with_pool!(&self.backend, pool => {
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(&now)
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        let row: Option<KeyRow> = with_pool!(&self.backend, pool => {
            sqlx::query_as("SELECT id, user_name, team, role, created_at, expires_at, revoked_at, last_used_at FROM api_keys WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|row| (ApiKey::from(row), changed > 0)))
    }

    /// Note that a key was just accepted.
    pub async fn touch(&self, id: &str) -> Result<(), StoreError> {
        let now = timestamp(Utc::now());
        with_pool!(&self.backend, pool => {
            sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

/// An `api_keys` row as read (never its hash).
#[derive(Debug, sqlx::FromRow)]
struct KeyRow {
    id: String,
    user_name: String,
    team: Option<String>,
    role: String,
    created_at: String,
    expires_at: Option<String>,
    revoked_at: Option<String>,
    last_used_at: Option<String>,
}

impl From<KeyRow> for ApiKey {
    fn from(row: KeyRow) -> Self {
        ApiKey {
            id: row.id,
            user: row.user_name,
            team: row.team,
            role: row.role,
            created_at: row.created_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            last_used_at: row.last_used_at,
        }
    }
}
