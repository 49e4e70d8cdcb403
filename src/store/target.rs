//! Which database a store URL names, and how to show it without its credentials.
//!
//! `postgres://` and `postgresql://` name a PostgreSQL database (every connect parameter
//! sqlx knows may follow in the query); `sqlite://PATH` names a SQLite file. Everything else
//! is refused here, before any connection is tried.

use std::fmt;
use std::path::PathBuf;

use url::Url;

/// A parsed store URL.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreTarget {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL database; the URL as given (it may carry a password: never print it,
    /// print [`StoreTarget::redacted`]).
    Postgres(String),
}

/// Why a store URL is refused. The messages never repeat the URL (it may hold a password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Neither PostgreSQL nor SQLite.
    #[error("unsupported scheme {0:?}; expected postgres://, postgresql:// or sqlite://")]
    UnknownScheme(String),
    /// No `scheme://` at all.
    #[error("not a URL; expected postgres://USER@HOST:PORT/DATABASE or sqlite://PATH")]
    NotAUrl,
    /// `sqlite://` without a path, or with a query.
    #[error("sqlite:// needs a file path and takes no options (sqlite:///var/lib/switchyard.db)")]
    SqlitePath,
    /// A PostgreSQL URL that does not parse.
    #[error("not a valid PostgreSQL URL: {0}")]
    Postgres(String),
}

impl StoreTarget {
    /// Parse a store URL.
    pub fn parse(url: &str) -> Result<StoreTarget, TargetError> {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(TargetError::NotAUrl);
        };
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => {
                let parsed =
                    Url::parse(url).map_err(|err| TargetError::Postgres(err.to_string()))?;
                if parsed.host_str().is_none_or(str::is_empty) && !has_host_param(&parsed) {
                    return Err(TargetError::Postgres("it names no host".into()));
                }
                Ok(StoreTarget::Postgres(url.to_owned()))
            }
            "sqlite" => {
                if rest.is_empty() || rest.contains('?') {
                    return Err(TargetError::SqlitePath);
                }
                Ok(StoreTarget::Sqlite(PathBuf::from(rest)))
            }
            other => Err(TargetError::UnknownScheme(other.to_owned())),
        }
    }

    /// The target as it may be shown: a file path, or the URL without its password (in the
    /// user-info part or a `password=` parameter).
    pub fn redacted(&self) -> String {
        match self {
            StoreTarget::Sqlite(path) => path.display().to_string(),
            StoreTarget::Postgres(url) => redact_url(url),
        }
    }

    /// Whether the URL itself carries a password (which belongs in `env:` or `file:`).
    pub fn has_password(&self) -> bool {
        match self {
            StoreTarget::Sqlite(_) => false,
            StoreTarget::Postgres(url) => Url::parse(url).is_ok_and(|parsed| {
                parsed.password().is_some()
                    || parsed.query_pairs().any(|(key, _)| is_secret_param(&key))
            }),
        }
    }
}

impl fmt::Debug for StoreTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreTarget::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            StoreTarget::Postgres(_) => f.debug_tuple("Postgres").field(&self.redacted()).finish(),
        }
    }
}

/// `?host=/run/postgresql` (a socket directory) stands in for the URL's host.
fn has_host_param(url: &Url) -> bool {
    url.query_pairs()
        .any(|(key, _)| key == "host" || key == "hostaddr")
}

/// Connect parameters that hold a secret.
fn is_secret_param(key: &str) -> bool {
    matches!(key, "password" | "sslpassword")
}

/// A PostgreSQL URL without its password. A URL that does not parse shows only its scheme.
fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
        return format!("{scheme}://(unparsable URL)");
    };
    if parsed.password().is_some() {
        // Only fails for URLs that cannot have credentials, which a password rules out.
        let _ = parsed.set_password(None);
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(key, _)| !is_secret_param(key))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if pairs.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{StoreTarget, TargetError};

    #[test]
    fn schemes_are_recognised() {
        assert!(matches!(
            StoreTarget::parse("postgres://sy@db.internal:5432/switchyard"),
            Ok(StoreTarget::Postgres(_))
        ));
        assert!(matches!(
            StoreTarget::parse("postgresql://sy@127.0.0.1/switchyard"),
            Ok(StoreTarget::Postgres(_))
        ));
        assert_eq!(
            StoreTarget::parse("sqlite:///var/lib/sy.db"),
            Ok(StoreTarget::Sqlite(PathBuf::from("/var/lib/sy.db")))
        );
        assert_eq!(
            StoreTarget::parse("mysql://root@localhost/sy"),
            Err(TargetError::UnknownScheme("mysql".into()))
        );
        assert_eq!(
            StoreTarget::parse("/var/lib/sy.db"),
            Err(TargetError::NotAUrl)
        );
        assert_eq!(
            StoreTarget::parse("sqlite://"),
            Err(TargetError::SqlitePath)
        );
        assert!(StoreTarget::parse("postgres:///sy").is_err());
        assert!(StoreTarget::parse("postgres:///sy?host=/run/postgresql").is_ok());
    }

    #[test]
    fn passwords_are_never_shown() {
        let target = StoreTarget::parse(
            "postgres://sy:hunter2@db:5432/switchyard?sslmode=prefer&password=hunter3",
        )
        .unwrap();
        assert!(target.has_password());
        let shown = target.redacted();
        assert_eq!(shown, "postgres://sy@db:5432/switchyard?sslmode=prefer");
        assert!(!format!("{target:?}").contains("hunter"));
        let plain = StoreTarget::parse("postgres://sy@db/switchyard").unwrap();
        assert!(!plain.has_password());
        assert_eq!(plain.redacted(), "postgres://sy@db/switchyard");
    }

    #[test]
    fn errors_do_not_repeat_the_url() {
        let err = StoreTarget::parse("postgres://sy:hunter2@[bad/x").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
