//! Governance: who is calling (identity from config, API keys or JWTs), what their team may
//! do (policies), how much it may use (quotas, budgets), what it used (the ledger, the usage
//! report, metrics), and the audit trail of what was decided.
//!
//! | file | role |
//! |---|---|
//! | `identity.rs` | teams and departments: completing an identity with department and role |
//! | `keys.rs` | the API key format: generating, hashing, reading `sy_<id>_<secret>` |
//! | `jwt.rs` | JWTs verified against a JWKS file or URL (cached, refreshed on unknown `kid`) |
//! | `auth.rs` | the axum layer resolving every HTTP request's caller; 401 answers |
//! | `policy.rs` | team policies: which tools a caller sees and may call |
//! | `metadata.rs` | RFC 9728 protected-resource metadata |
//! | `admin.rs` | `require_admin`, the `Admin` extractor and `GET /admin/keys` |
//! | `gate.rs` | [`Meter`]: quotas before a call, the ledger row and metrics after |
//! | `quota.rs` | requests per minute and tokens per day, counted in the store |
//! | `budget.rs` | budgets: the store-backed cost hook (reserve, settle), soft-limit pressure |
//! | `period.rs` | UTC day, ISO week and calendar month bounds |
//! | `clock.rs` | the clock (tests move it forward) |
//! | `ledger.rs` | the group-commit ledger writer |
//! | `usage.rs` | the chargeback report (`switchyard usage`, `GET /usage`) |
//! | `metrics.rs` | Prometheus metrics (`GET /metrics`) |
//! | `http.rs` | the `/usage` and `/metrics` handlers |
//! | `status_tool.rs` | the `budget_status` tool |

pub mod admin;
pub mod auth;
pub mod budget;
pub mod clock;
pub mod gate;
pub mod http;
pub mod identity;
pub mod jwt;
pub mod keys;
pub mod ledger;
pub mod metadata;
pub mod metrics;
pub mod period;
pub mod policy;
pub mod quota;
pub mod status_tool;
pub mod usage;

use switchyard_core::Identity;

pub use admin::{Admin, require_admin};
pub use auth::Authenticator;
pub use gate::{CallOutcome, Meter};
pub use identity::Directory;
pub use policy::{Denial, Governance};

/// Who an HTTP request comes from, as the auth layer resolved it; put in the request's
/// extensions (rmcp copies them into each MCP request's context).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The identity, completed with department and role.
    pub identity: Identity,
    /// How it was proven.
    pub credential: Credential,
}

/// How a caller proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// No authentication is configured: the local identity.
    Local,
    /// An API key, by its public id.
    ApiKey(String),
    /// A JWT from the configured issuer.
    Jwt,
}

impl Credential {
    /// How audit records and logs name it (a key's public id, never the key).
    pub fn describe(&self) -> String {
        match self {
            Credential::Local => "local".to_owned(),
            Credential::ApiKey(id) => format!("key {id}"),
            Credential::Jwt => "jwt".to_owned(),
        }
    }
}
