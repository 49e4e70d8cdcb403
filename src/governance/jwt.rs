//! JWTs verified against a JWKS: a file read at start, or an http(s) URL fetched on first use
//! and again when a token names a key id the cached set lacks (at most once per
//! `min_refresh_secs`, so a flood of made-up key ids cannot make us hammer the identity
//! provider). Issuer, audience and expiry are required; only asymmetric algorithms are
//! accepted (an `HS256` token "signed" with a public key is refused). Error messages are
//! ours: they never quote the token or its claims.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Map, Value};
use switchyard_core::{Identity, Role};
use tokio::sync::{Mutex, RwLock};

use super::identity::role_from;
use crate::config::model::JwtConfig;

/// The largest JWKS accepted from a URL.
const MAX_JWKS_BYTES: usize = 512 * 1024;

/// Why a token was refused (what the 401 says; never the token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not a JWT at all.
    #[error("the token is not a well-formed JWT")]
    Malformed,
    /// Signed with an algorithm we do not accept.
    #[error("the token's algorithm is not accepted (use RS*, PS*, ES256, ES384 or EdDSA)")]
    Algorithm,
    /// No key in the JWKS matches.
    #[error("the token was signed with a key the server does not know")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    Signature,
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// Wrong `iss`.
    #[error("the token was issued by another issuer")]
    Issuer,
    /// Wrong `aud`.
    #[error("the token is meant for another audience")]
    Audience,
    /// The user claim is missing or not a string.
    #[error("the token lacks the {0} claim (a string)")]
    Claim(String),
    /// A registered claim (`exp`, `iss`, `aud`, `nbf`) is missing or has the wrong type.
    #[error("the token lacks a valid {0} claim")]
    Registered(String),
    /// A user or team claim whose value cannot name a caller (the value is not quoted).
    #[error("the token's {claim} claim {reason}")]
    BadClaim {
        /// The claim's name.
        claim: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The key set could not be read or fetched.
    #[error("the server cannot read its key set right now")]
    KeySet,
}

/// Where the key set comes from.
#[derive(Debug, Clone)]
enum Source {
    File,
    Url(String),
}

/// Verifies JWTs for `[auth.jwt]`.
#[derive(Debug)]
pub struct JwtVerifier {
    config: JwtConfig,
    source: Source,
    keys: RwLock<JwkSet>,
    /// When the URL was last fetched (successfully or not).
    fetched: Mutex<Option<Instant>>,
    client: Option<reqwest::Client>,
}

impl JwtVerifier {
    /// A verifier for `config`; a file key set is read now (relative paths from `base_dir`).
    pub fn new(config: &JwtConfig, base_dir: &std::path::Path) -> Result<Self, String> {
        let (source, keys, client) =
            if config.jwks.starts_with("http://") || config.jwks.starts_with("https://") {
                let loopback = url::Url::parse(&config.jwks)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .is_some_and(|h| h == "localhost" || h == "127.0.0.1" || h == "[::1]");
                let client = crate::delegate::provider::http::client(
                    Duration::from_secs(10),
                    Duration::from_secs(5),
                    loopback,
                )?;
                (
                    Source::Url(config.jwks.clone()),
                    JwkSet { keys: Vec::new() },
                    Some(client),
                )
            } else {
                let path = crate::config::paths::expand_home(std::path::Path::new(&config.jwks));
                let path = if path.is_relative() {
                    base_dir.join(path)
                } else {
                    path
                };
                let keys = read_file(&path)?;
                (Source::File, keys, None)
            };
        Ok(JwtVerifier {
            config: config.clone(),
            source,
            keys: RwLock::new(keys),
            fetched: Mutex::new(None),
            client,
        })
    }

    /// Verify `token` and map its claims to an identity (department not yet filled).
    pub async fn verify(&self, token: &str) -> Result<Identity, JwtError> {
        let header = decode_header(token).map_err(|_| JwtError::Malformed)?;
        if matches!(
            header.alg,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        ) {
            return Err(JwtError::Algorithm);
        }
        let jwk = self.key_for(header.kid.as_deref()).await?;
        if let Some(declared) = jwk.common.key_algorithm
            && Algorithm::try_from(declared).ok() != Some(header.alg)
        {
            return Err(JwtError::Algorithm);
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| JwtError::UnknownKey)?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = self.config.leeway_secs;
        validation.validate_nbf = true;
        let data = decode::<Map<String, Value>>(token, &key, &validation).map_err(|err| {
            use jsonwebtoken::errors::ErrorKind;
            match err.kind() {
                ErrorKind::ExpiredSignature => JwtError::Expired,
                ErrorKind::ImmatureSignature => JwtError::NotYetValid,
                ErrorKind::InvalidIssuer => JwtError::Issuer,
                ErrorKind::InvalidAudience => JwtError::Audience,
                ErrorKind::MissingRequiredClaim(claim) | ErrorKind::InvalidClaimFormat(claim) => {
                    JwtError::Registered(claim.clone())
                }
                ErrorKind::InvalidAlgorithm | ErrorKind::UnsupportedAlgorithm => {
                    JwtError::Algorithm
                }
                ErrorKind::InvalidSignature => JwtError::Signature,
                _ => JwtError::Malformed,
            }
        })?;
        self.identity(&data.claims)
    }

    fn identity(&self, claims: &Map<String, Value>) -> Result<Identity, JwtError> {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let user = text(&self.config.user_claim)
            .ok_or_else(|| JwtError::Claim(self.config.user_claim.clone()))?;
        check_user(&user).map_err(|reason| JwtError::BadClaim {
            claim: self.config.user_claim.clone(),
            reason,
        })?;
        let team = text(&self.config.team_claim);
        if let Some(team) = &team
            && !crate::config::governance::valid_name(team)
        {
            return Err(JwtError::BadClaim {
                claim: self.config.team_claim.clone(),
                reason: "is not a valid team name (letters, digits, '-', '_' and '.', at most 64)",
            });
        }
        let role = self
            .config
            .role_claim
            .as_deref()
            .map(|claim| match claims.get(claim) {
                Some(Value::String(role)) => role_from(role),
                // A list of roles (as Keycloak and Entra write them): admin if it has "admin".
                Some(Value::Array(roles)) => {
                    if roles
                        .iter()
                        .any(|r| r.as_str().is_some_and(|r| role_from(r) == Role::Admin))
                    {
                        Role::Admin
                    } else {
                        Role::Member
                    }
                }
                _ => Role::Member,
            })
            .unwrap_or(Role::Member);
        Ok(Identity {
            user,
            team,
            department: None,
            role,
        })
    }

    /// The key a token names: from the cache, else (URL only) after a rate-limited refresh.
    async fn key_for(&self, kid: Option<&str>) -> Result<Jwk, JwtError> {
        if let Some(jwk) = find(&*self.keys.read().await, kid) {
            return Ok(jwk);
        }
        let Source::Url(url) = &self.source else {
            return Err(JwtError::UnknownKey);
        };
        {
            let mut fetched = self.fetched.lock().await;
            let due = fetched
                .is_none_or(|at| at.elapsed() >= Duration::from_secs(self.config.min_refresh_secs));
            if !due {
                // Another caller may have refreshed while we waited for the lock.
                return find(&*self.keys.read().await, kid).ok_or(JwtError::UnknownKey);
            }
            *fetched = Some(Instant::now());
            match self.fetch(url).await {
                Ok(keys) => {
                    tracing::info!(keys = keys.keys.len(), jwks = %url, "fetched the JWT key set");
                    *self.keys.write().await = keys;
                }
                Err(message) => {
                    tracing::warn!(jwks = %url, error = %message, "cannot fetch the JWT key set");
                    if self.keys.read().await.keys.is_empty() {
                        return Err(JwtError::KeySet);
                    }
                }
            }
        }
        find(&*self.keys.read().await, kid).ok_or(JwtError::UnknownKey)
    }

    async fn fetch(&self, url: &str) -> Result<JwkSet, String> {
        let client = self.client.as_ref().ok_or("no HTTP client")?;
        let response = client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|err| format!("request failed: {err}"))?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        let (body, cut) = crate::delegate::provider::http::read_capped(response, MAX_JWKS_BYTES)
            .await
            .map_err(|err| format!("reading the body failed: {err}"))?;
        if cut {
            return Err(format!("the key set is larger than {MAX_JWKS_BYTES} bytes"));
        }
        parse_set(&body)
    }
}

/// The key with id `kid`; a token without `kid` matches a set of exactly one key.
fn find(keys: &JwkSet, kid: Option<&str>) -> Option<Jwk> {
    match kid {
        Some(kid) => keys.find(kid).cloned(),
        None if keys.keys.len() == 1 => keys.keys.first().cloned(),
        None => None,
    }
}

/// The longest user claim accepted (characters).
const MAX_USER_CHARS: usize = 256;

/// Why a user claim cannot name a caller (it appears in logs, audit rows and the ledger).
fn check_user(user: &str) -> Result<(), &'static str> {
    if user.chars().count() > MAX_USER_CHARS {
        return Err("is longer than 256 characters");
    }
    if user.chars().any(char::is_control) {
        return Err("contains control characters");
    }
    Ok(())
}

fn read_file(path: &std::path::Path) -> Result<JwkSet, String> {
    let bytes = std::fs::read(path)
        .map_err(|err| format!("cannot read the key set {}: {err}", path.display()))?;
    parse_set(&bytes).map_err(|err| format!("{}: {err}", path.display()))
}

/// A JWKS, keeping only the keys this build can use (a set with an unknown key type
/// elsewhere still works).
fn parse_set(bytes: &[u8]) -> Result<JwkSet, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|err| format!("not JSON: {err}"))?;
    let keys = value
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("not a JWK set (no \"keys\" array)")?;
    let keys: Vec<Jwk> = keys
        .iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
        .filter(|jwk| jwk.is_supported())
        .collect();
    if keys.is_empty() {
        return Err("the key set has no usable key (RSA, EC P-256/P-384 or Ed25519)".to_owned());
    }
    Ok(JwkSet { keys })
}
