//! Secrets: referenced in config (`env:NAME`, `file:PATH`), resolved at build time into a value
//! that prints as redacted and cannot be serialised.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer};

/// Where a secret comes from, as written in config.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// An environment variable.
    Env(String),
    /// A file whose content (trimmed of trailing whitespace) is the secret.
    File(PathBuf),
}

/// Why a secret reference is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The reference is not `env:NAME` or `file:PATH`.
    #[error(
        "a secret must be a reference such as \"env:GITHUB_TOKEN\" or \"file:/run/secrets/token\", not a literal value"
    )]
    NotAReference,
    /// The environment variable is not set.
    #[error("environment variable {0} is not set")]
    MissingEnv(String),
    /// The file could not be read.
    #[error("cannot read secret file {path}: {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// What the OS said.
        reason: String,
    },
    /// The secret is empty.
    #[error("the secret from {0} is empty")]
    Empty(String),
}

impl SecretRef {
    /// Parse `env:NAME` or `file:PATH`.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        if let Some(name) = text.strip_prefix("env:") {
            let valid =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            return if valid {
                Ok(SecretRef::Env(name.to_owned()))
            } else {
                Err(SecretError::NotAReference)
            };
        }
        if let Some(path) = text.strip_prefix("file:")
            && !path.is_empty()
        {
            return Ok(SecretRef::File(PathBuf::from(path)));
        }
        Err(SecretError::NotAReference)
    }

    /// Read the secret now.
    pub fn resolve(&self) -> Result<Secret, SecretError> {
        let value = match self {
            SecretRef::Env(name) => {
                std::env::var(name).map_err(|_| SecretError::MissingEnv(name.clone()))?
            }
            SecretRef::File(path) => std::fs::read_to_string(path)
                .map_err(|err| SecretError::Unreadable {
                    path: path.display().to_string(),
                    reason: err.to_string(),
                })?
                .trim_end()
                .to_owned(),
        };
        if value.is_empty() {
            return Err(SecretError::Empty(self.to_string()));
        }
        Ok(Secret(value))
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Env(name) => write!(f, "env:{name}"),
            SecretRef::File(path) => write!(f, "file:{}", path.display()),
        }
    }
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SecretRef::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A resolved secret. Its `Debug` and `Display` print `[redacted]`; it has no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a value (for tests and for secrets obtained at run time).
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that sends it upstream.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Whether `host` (a URL's host, IPv6 with or without brackets) is this machine: `localhost`,
/// 127.0.0.0/8 or `::1`. A secret may travel over plain http only to such a host.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::{Secret, SecretError, SecretRef, is_loopback_host};

    #[test]
    fn loopback_hosts_are_this_machine_only() {
        for host in [
            "localhost",
            "127.0.0.1",
            "127.3.2.1",
            "::1",
            "[::1]",
            "LOCALHOST",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "example.com",
            "10.0.0.1",
            "localhost.example.com",
            "128.0.0.1",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn literal_values_are_refused() {
        assert_eq!(
            SecretRef::parse("ghp_literal"),
            Err(SecretError::NotAReference)
        );
        assert_eq!(SecretRef::parse("env:"), Err(SecretError::NotAReference));
        assert_eq!(
            SecretRef::parse("env:GITHUB_TOKEN"),
            Ok(SecretRef::Env("GITHUB_TOKEN".into()))
        );
    }

    #[test]
    fn file_secrets_are_trimmed_and_redacted() {
        let dir = std::env::temp_dir().join(format!("sy-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "s3cr3t\n").unwrap();
        let secret = SecretRef::parse(&format!("file:{}", path.display()))
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(secret.expose(), "s3cr3t");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(format!("{secret}"), "[redacted]");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_env_is_named() {
        let err = SecretRef::Env("SWITCHYARD_SURELY_UNSET_VAR".into())
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("SWITCHYARD_SURELY_UNSET_VAR"));
        let _ = Secret::new("x");
    }
}
