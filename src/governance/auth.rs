//! The authentication layer of the HTTP server: every request gets a [`Caller`] in its
//! extensions, or a 401.
//!
//! Without `[auth]` every request is the local identity (the server then listens on loopback
//! only). With it, `Authorization: Bearer <token>` must carry an API key (`sy_…`) or a JWT;
//! `/healthz` and the protected-resource metadata are open (health then says only status
//! and version to callers without a valid token). Tokens never reach a log line, an error
//! message or the audit log: a key is named by its public id.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::json;
use switchyard_core::Identity;

use super::identity::{Directory, role_from};
use super::jwt::{JwtError, JwtVerifier};
use super::keys;
use super::metadata;
use super::{Caller, Credential};
use crate::config::model::AuthMetadataConfig;
use crate::store::{AuditStore, KeyStore, KeyUnusable};

/// Refused tokens audited per minute at most: a flood of bad tokens must not fill the store.
const AUDITED_FAILURES_PER_MINUTE: u32 = 60;

/// Paths served without a token.
fn is_open_path(path: &str) -> bool {
    path == "/healthz" || path.starts_with(metadata::WELL_KNOWN)
}

/// Why a request was not authenticated (the 401's description; never the token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header.
    #[error("this server needs a bearer token (an API key from `switchyard keys create` or a JWT)")]
    Missing,
    /// A header that is not `Bearer <token>`.
    #[error("the Authorization header must be `Bearer <token>`")]
    NotBearer,
    /// An API key the store does not know.
    #[error("the API key is not known")]
    UnknownKey,
    /// A revoked API key.
    #[error("the API key {0} has been revoked")]
    Revoked(String),
    /// An expired API key.
    #[error("the API key {0} has expired")]
    Expired(String),
    /// API keys are not accepted here.
    #[error("API keys are not accepted by this server ([auth] api_keys = false)")]
    KeysOff,
    /// A JWT that does not verify.
    #[error(transparent)]
    Jwt(#[from] JwtError),
    /// JWTs are not accepted here.
    #[error("the token is not an API key and no [auth.jwt] is configured")]
    JwtOff,
    /// The key store failed.
    #[error("the server cannot check API keys right now")]
    Store,
    /// More than one `Authorization` header: which one names the caller is ambiguous.
    #[error("the request has several Authorization headers; send one Authorization header")]
    SeveralHeaders,
    /// `[auth] unknown_teams = "deny"` and the caller's team has no `[teams]` section.
    #[error(
        "team {0:?} is not declared in this server's [teams] and [auth] unknown_teams = \"deny\"; ask whoever runs it to add [teams.{0}]"
    )]
    UnknownTeam(String),
}

/// Resolves callers: the configured local identity, API keys, JWTs.
pub struct Authenticator {
    enabled: bool,
    local: Identity,
    keys: Option<KeyStore>,
    jwt: Option<JwtVerifier>,
    directory: Arc<Directory>,
    metadata: Option<AuthMetadataConfig>,
    issuer: Option<String>,
    audit: Option<AuditStore>,
    /// The current minute's start and how many failures it audited.
    audited: std::sync::Mutex<(std::time::Instant, u32)>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("enabled", &self.enabled)
            .field("api_keys", &self.keys.is_some())
            .field("jwt", &self.jwt.is_some())
            .finish()
    }
}

impl Authenticator {
    /// No authentication: every request is `local`.
    pub fn local(local: Identity, directory: Arc<Directory>) -> Self {
        Authenticator {
            enabled: false,
            local,
            keys: None,
            jwt: None,
            directory,
            metadata: None,
            issuer: None,
            audit: None,
            audited: std::sync::Mutex::new((std::time::Instant::now(), 0)),
        }
    }

    /// Authentication by API keys in `keys` and/or JWTs.
    pub fn new(
        local: Identity,
        directory: Arc<Directory>,
        keys: Option<KeyStore>,
        jwt: Option<JwtVerifier>,
        metadata: Option<AuthMetadataConfig>,
        issuer: Option<String>,
    ) -> Self {
        Authenticator {
            enabled: true,
            local,
            keys,
            jwt,
            directory,
            metadata,
            issuer,
            audit: None,
            audited: std::sync::Mutex::new((std::time::Instant::now(), 0)),
        }
    }

    /// Audit refused tokens (at most [`AUDITED_FAILURES_PER_MINUTE`] a minute) to `audit`.
    pub fn with_audit(mut self, audit: Option<AuditStore>) -> Self {
        self.audit = audit;
        self
    }

    /// Record a refused token: the reason (which names a key by its public id at most),
    /// never the token.
    async fn audit_failure(&self, path: &str, error: &AuthError) {
        let Some(audit) = &self.audit else {
            return;
        };
        let allowed = match self.audited.lock() {
            Ok(mut window) => {
                if window.0.elapsed() >= std::time::Duration::from_secs(60) {
                    *window = (std::time::Instant::now(), 0);
                }
                window.1 += 1;
                window.1 <= AUDITED_FAILURES_PER_MINUTE
            }
            Err(_) => false,
        };
        if !allowed {
            return;
        }
        let detail = format!("{path}: {error}");
        if let Err(err) = audit
            .record("(unauthenticated)", None, "auth_failed", &detail)
            .await
        {
            tracing::warn!(error = %err, "cannot write an audit record");
        }
    }

    /// Whether callers must authenticate.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The metadata settings, if configured.
    pub fn metadata(&self) -> Option<&AuthMetadataConfig> {
        self.metadata.as_ref()
    }

    /// The JWT issuer, if JWTs are accepted.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The caller a request's headers prove.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, AuthError> {
        if !self.enabled {
            return Ok(Caller {
                identity: self.local.clone(),
                credential: Credential::Local,
            });
        }
        let mut values = headers.get_all(header::AUTHORIZATION).iter();
        let value = values.next().ok_or(AuthError::Missing)?;
        if values.next().is_some() {
            return Err(AuthError::SeveralHeaders);
        }
        let value = value.to_str().map_err(|_| AuthError::NotBearer)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::NotBearer)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::NotBearer);
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthError::Missing);
        }
        if token.starts_with(keys::PREFIX) {
            return self.by_key(token).await;
        }
        let jwt = self.jwt.as_ref().ok_or(AuthError::JwtOff)?;
        let identity = jwt.verify(token).await?;
        self.admit(identity, Credential::Jwt)
    }

    async fn by_key(&self, token: &str) -> Result<Caller, AuthError> {
        let store = self.keys.as_ref().ok_or(AuthError::KeysOff)?;
        if keys::public_id(token).is_none() {
            return Err(AuthError::UnknownKey);
        }
        let found = store
            .find_by_hash(&keys::hash(token))
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, "cannot look up an API key");
                AuthError::Store
            })?;
        let key = found.ok_or(AuthError::UnknownKey)?;
        let now = Utc::now();
        match key.usable_at(now) {
            Err(KeyUnusable::Revoked) => return Err(AuthError::Revoked(key.id)),
            Err(KeyUnusable::Expired) => return Err(AuthError::Expired(key.id)),
            Ok(()) => {}
        }
        // Record use at most once a minute per key: one write per call would be wasteful.
        let stale = key.last_used_at.as_deref().is_none_or(|at| {
            chrono::DateTime::parse_from_rfc3339(at).map_or(true, |at| {
                (now - at.with_timezone(&Utc)).num_seconds() >= 60
            })
        });
        if stale && let Err(err) = store.touch(&key.id).await {
            tracing::debug!(key = %key.id, error = %err, "cannot record a key's last use");
        }
        let identity = Identity {
            user: key.user,
            team: key.team,
            department: None,
            role: role_from(&key.role),
        };
        self.admit(identity, Credential::ApiKey(key.id))
    }

    /// The caller `identity` with its team's settings, unless its team is refused.
    fn admit(&self, identity: Identity, credential: Credential) -> Result<Caller, AuthError> {
        if let Some(team) = self.directory.refused_team(&identity) {
            return Err(AuthError::UnknownTeam(team.to_owned()));
        }
        Ok(Caller {
            identity: self.directory.complete(identity),
            credential,
        })
    }
}

/// The axum middleware: put the [`Caller`] into the request, or answer 401.
pub async fn layer(
    State(auth): State<Arc<Authenticator>>,
    mut request: Request,
    next: Next,
) -> Response {
    let open = is_open_path(request.uri().path());
    match auth.authenticate(request.headers()).await {
        Ok(caller) => {
            tracing::debug!(user = %caller.identity.user, credential = %caller.credential.describe(), "authenticated");
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(_) if open => next.run(request).await,
        Err(error @ (AuthError::Store | AuthError::Jwt(JwtError::KeySet))) => {
            // Our failure, not the token's: a 401 would make clients drop a good token.
            tracing::warn!(path = %request.uri().path(), reason = %error, "cannot check a token");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                axum::Json(json!({"error": "temporarily_unavailable", "error_description": error.to_string()})),
            )
                .into_response()
        }
        Err(error) => {
            let given = !matches!(error, AuthError::Missing);
            tracing::info!(path = %request.uri().path(), reason = %error, "refused an unauthenticated request");
            if given {
                auth.audit_failure(request.uri().path(), &error).await;
            }
            unauthorized(&auth, request.headers(), &error, given)
        }
    }
}

/// A 401 with `WWW-Authenticate` pointing at the resource metadata.
fn unauthorized(
    auth: &Authenticator,
    headers: &HeaderMap,
    error: &AuthError,
    given: bool,
) -> Response {
    let url = metadata::document_url(auth, headers);
    let mut challenge = format!("Bearer resource_metadata=\"{url}\"");
    if given {
        challenge.push_str(", error=\"invalid_token\"");
    }
    let mut response = (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({
            "error": if given { "invalid_token" } else { "unauthorized" },
            "error_description": error.to_string(),
        })),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
