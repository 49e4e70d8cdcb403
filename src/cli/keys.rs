//! `switchyard keys`: make, list and revoke the API keys HTTP callers authenticate with. A
//! key is printed once, when made; the store keeps only its SHA-256. Making and revoking
//! keys write audit records (naming the key by its public id).

use std::io::Write;

use chrono::Utc;

use super::{KeyRole, KeysAction};
use crate::app::App;
use crate::config::governance::valid_name;
use crate::governance::keys::{self, KeyError};
use crate::store::{NewApiKey, Store, StoreError, keys::timestamp};

/// Why a `keys` command failed.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    /// No store is open.
    #[error("no store is open, so there are no API keys")]
    NoStore,
    /// The store failed.
    #[error("the key store failed: {0}")]
    Store(#[from] StoreError),
    /// A key could not be made.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A bad argument.
    #[error("{0}")]
    Argument(String),
    /// No key has that id.
    #[error("no key has the id {0:?}; `switchyard keys list` shows the ids")]
    UnknownId(String),
    /// Writing the output failed.
    #[error("writing the output failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Run one `keys` action.
pub async fn run(app: &App, action: &KeysAction, out: &mut impl Write) -> Result<(), KeysError> {
    let store = app.store.as_ref().ok_or(KeysError::NoStore)?;
    match action {
        KeysAction::Create {
            user,
            team,
            role,
            expires,
            ..
        } => {
            create(
                app,
                store,
                user,
                team.as_deref(),
                *role,
                expires.as_deref(),
                out,
            )
            .await
        }
        KeysAction::List { .. } => list(store, out).await,
        KeysAction::Revoke { id, .. } => revoke(app, store, id, out).await,
    }
}

async fn create(
    app: &App,
    store: &Store,
    user: &str,
    team: Option<&str>,
    role: KeyRole,
    expires: Option<&str>,
    out: &mut impl Write,
) -> Result<(), KeysError> {
    let user = user.trim();
    if user.is_empty() || user.len() > 128 || user.chars().any(char::is_control) {
        return Err(KeysError::Argument(
            "--user must be 1 to 128 characters without control characters".to_owned(),
        ));
    }
    if let Some(team) = team
        && !valid_name(team)
    {
        return Err(KeysError::Argument(format!(
            "--team {team:?} is not a valid team name: use letters, digits, '-', '_' and '.'"
        )));
    }
    let expires_at = match expires {
        Some(text) => {
            let lifetime = keys::parse_lifetime(text)
                .map_err(|reason| KeysError::Argument(format!("--expires: {reason}")))?;
            let lifetime = chrono::Duration::from_std(lifetime)
                .map_err(|_| KeysError::Argument("--expires is too long".to_owned()))?;
            Some(Utc::now() + lifetime)
        }
        None => None,
    };
    let made = keys::generate()?;
    let role = match role {
        KeyRole::Member => "member",
        KeyRole::Admin => "admin",
    };
    let hash = keys::hash(&made.key);
    let stored = store
        .keys()
        .insert(&NewApiKey {
            id: &made.id,
            hash: &hash,
            user,
            team,
            role,
            expires_at,
        })
        .await?;
    let summary = format!(
        "key {} for {user} ({}role {role}, {})",
        stored.id,
        team.map(|t| format!("team {t}, ")).unwrap_or_default(),
        expires_at.map_or_else(
            || "never expires".to_owned(),
            |at| format!("expires {}", timestamp(at))
        ),
    );
    app.governance()
        .audit(app.identity(), "key_created", &summary)
        .await;
    writeln!(out, "created {summary}")?;
    writeln!(out, "{}", made.key)?;
    writeln!(
        out,
        "this is the only time the key is shown (only its hash is kept); clients send it as `Authorization: Bearer <key>`"
    )?;
    if let Some(team) = team
        && app.governance().directory().has_teams()
        && !app.governance().directory().knows_team(team)
    {
        writeln!(
            out,
            "note: team {team:?} has no [teams.{team}] section; its callers get the default policy"
        )?;
    }
    Ok(())
}

async fn list(store: &Store, out: &mut impl Write) -> Result<(), KeysError> {
    let keys = store.keys().list().await?;
    if keys.is_empty() {
        writeln!(
            out,
            "no API keys; `switchyard keys create --user NAME` makes one"
        )?;
        return Ok(());
    }
    let now = Utc::now();
    let user_width = keys.iter().map(|k| k.user.len()).max().unwrap_or(4).max(4);
    let team_width = keys
        .iter()
        .map(|k| k.team.as_deref().map_or(1, str::len))
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:<12}  {:<user_width$}  {:<team_width$}  {:<6}  {:<8}  {:<20}  {:<20}  last used",
        "id", "user", "team", "role", "status", "created", "expires"
    )?;
    for key in &keys {
        let status = match key.usable_at(now) {
            Ok(()) => "active",
            Err(crate::store::KeyUnusable::Revoked) => "revoked",
            Err(crate::store::KeyUnusable::Expired) => "expired",
        };
        writeln!(
            out,
            "{:<12}  {:<user_width$}  {:<team_width$}  {:<6}  {:<8}  {:<20}  {:<20}  {}",
            key.id,
            key.user,
            key.team.as_deref().unwrap_or("-"),
            key.role,
            status,
            key.created_at,
            key.expires_at.as_deref().unwrap_or("never"),
            key.last_used_at.as_deref().unwrap_or("never"),
        )?;
    }
    Ok(())
}

async fn revoke(app: &App, store: &Store, id: &str, out: &mut impl Write) -> Result<(), KeysError> {
    let id = id.trim();
    // Accept a whole key too (someone pasting it to revoke a leak), but never print it.
    let id = keys::public_id(id).unwrap_or(id);
    let (key, now) = store
        .keys()
        .revoke(id)
        .await?
        .ok_or_else(|| KeysError::UnknownId(id.to_owned()))?;
    let revoked_at = key.revoked_at.as_deref().unwrap_or("now");
    if !now {
        // Nothing changed: no second audit event, and no claim that this call revoked it.
        writeln!(
            out,
            "key {} of {} was already revoked (at {revoked_at}); requests with it are refused",
            key.id, key.user
        )?;
        return Ok(());
    }
    app.governance()
        .audit(
            app.identity(),
            "key_revoked",
            &format!("key {} of {}", key.id, key.user),
        )
        .await;
    writeln!(
        out,
        "revoked key {} of {} (at {revoked_at}); requests with it are refused from now on",
        key.id, key.user
    )?;
    Ok(())
}
