//! Upstream answers that are not successes, turned into `ConnectorError`s a model can act on:
//! which instance and host answered, what GitHub said, and what to try.
//!
//! Rate limits (GitHub answers 403 or 429): a `retry-after` header is a secondary limit and
//! is honoured first; `x-ratelimit-remaining: 0` is the primary limit, which resets at
//! `x-ratelimit-reset` (epoch seconds). [`rate_limit`] reads both; the client waits and
//! retries once only when the wait is short.

use std::time::Duration;

use http::HeaderMap;
use serde::Deserialize;
use switchyard_core::ConnectorError;
use switchyard_core::sanitize::strip_hidden;

use crate::settings::Sibling;

/// Who answered: the instance, its host, and the other instances of this kind.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub instance: String,
    pub host: String,
    pub siblings: Vec<Sibling>,
}

/// A rate limit GitHub reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateLimit {
    /// How long to wait before the next request, when known.
    pub wait: Option<Duration>,
    /// When the primary limit resets (epoch seconds), when known.
    pub reset_at: Option<i64>,
    /// A secondary (abuse) limit rather than the hourly quota.
    pub secondary: bool,
}

/// The rate limit behind a 403/429 answer, if that is what it is.
pub(crate) fn rate_limit(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<RateLimit> {
    if status != 403 && status != 429 {
        return None;
    }
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    let retry_after = number("retry-after");
    let remaining = number("x-ratelimit-remaining");
    let reset_at = number("x-ratelimit-reset");
    let now = chrono::Utc::now().timestamp();
    let said_so = message_of(body).to_lowercase().contains("rate limit");
    if let Some(seconds) = retry_after {
        // Both limits may be reported at once: the later time is the one that works.
        let primary = remaining == Some(0);
        let reset_at = reset_at.filter(|at| primary && at - now >= seconds);
        let wait = reset_at.map_or(seconds, |at| at - now);
        return Some(RateLimit {
            wait: Some(Duration::from_secs(wait.max(0).unsigned_abs())),
            reset_at,
            secondary: !primary,
        });
    }
    if remaining == Some(0) {
        return Some(RateLimit {
            wait: reset_at.map(|at| Duration::from_secs((at - now).max(1).unsigned_abs())),
            reset_at,
            secondary: false,
        });
    }
    if status == 429 || said_so {
        // A secondary limit without a header: GitHub asks for at least a minute.
        return Some(RateLimit {
            wait: Some(Duration::from_secs(60)),
            reset_at: None,
            secondary: true,
        });
    }
    None
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    errors: Vec<serde_json::Value>,
}

/// GitHub's `message` (plus the `errors[]` details of a validation error), cleaned and short.
pub(crate) fn message_of(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(parsed) => {
            let mut text = parsed.message;
            let details: Vec<String> = parsed
                .errors
                .iter()
                .map(|error| match error {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Object(map) => {
                        let get = |key: &str| map.get(key).and_then(|v| v.as_str()).unwrap_or("");
                        let message = get("message");
                        if message.is_empty() {
                            format!("{} {} {}", get("resource"), get("field"), get("code"))
                                .trim()
                                .to_owned()
                        } else {
                            message.to_owned()
                        }
                    }
                    other => other.to_string(),
                })
                .collect();
            if !details.is_empty() {
                text = format!("{text} ({})", details.join("; "));
            }
            text
        }
        Err(_) => String::from_utf8_lossy(body).trim().to_owned(),
    };
    let text = strip_hidden(&text).replace('\n', " ");
    let mut short: String = text.chars().take(400).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short.trim_end_matches('.').to_owned()
}

/// When a rate limit resets, as `2025-01-15T09:00:00Z (in 300 s)`.
fn reset_text(limit: &RateLimit) -> String {
    match (limit.reset_at, limit.wait) {
        (Some(at), wait) => {
            let when = chrono::DateTime::from_timestamp(at, 0)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_else(|| at.to_string());
            let seconds = wait.map_or_else(
                || (at - chrono::Utc::now().timestamp()).max(0),
                |wait| i64::try_from(wait.as_secs()).unwrap_or(i64::MAX),
            );
            format!("it resets at {when} (in {seconds} s)")
        }
        (None, Some(wait)) => format!("retry after {} s", wait.as_secs()),
        (None, None) => "retry in a minute".to_owned(),
    }
}

/// The error for a non-success answer to a request about `what`.
pub(crate) fn to_error(
    origin: &Origin,
    what: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> ConnectorError {
    let Origin { instance, host, .. } = origin;
    let said = message_of(body);
    if let Some(limit) = rate_limit(status, headers, body) {
        let kind = if limit.secondary {
            "a secondary rate limit (too many requests at once)"
        } else {
            "its API rate limit (the hourly quota is used up)"
        };
        return ConnectorError::RateLimited {
            retry_after: limit.wait,
            message: format!(
                "{host} (instance {instance}) answered {status}: {kind}; {}; github said: {said}",
                reset_text(&limit)
            ),
        };
    }
    match status {
        401 => ConnectorError::Unauthorized(format!(
            "the token of instance {instance} was rejected by {host} ({said}); fix connectors.{instance}.token and run `switchyard check`"
        )),
        403 => {
            let scopes = headers
                .get("x-accepted-oauth-scopes")
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
                .map(|v| format!("; this needs the token scope(s): {v}"))
                .unwrap_or_default();
            ConnectorError::Forbidden(format!(
                "{host} (instance {instance}) refused {what}: {said}{scopes}"
            ))
        }
        404 => ConnectorError::NotFound(not_found_message(origin, what)),
        301 | 302 | 307 | 308 => {
            let location = headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(|l| l.split('?').next().unwrap_or(l).to_owned())
                .unwrap_or_default();
            ConnectorError::Upstream {
                status,
                message: format!(
                    "{host} (instance {instance}) says {what} moved to {location} (a renamed or transferred repository?); use its new owner/name"
                ),
            }
        }
        _ => {
            let verb = if status >= 500 {
                "failed on"
            } else {
                "rejected"
            };
            let said = if said.is_empty() {
                String::new()
            } else {
                format!(": {said}")
            };
            ConnectorError::Upstream {
                status,
                message: format!("{host} (instance {instance}) {verb} {what} ({status}){said}"),
            }
        }
    }
}

/// `X was not found on instance github (api.github.com) …; other instances: …`.
pub(crate) fn not_found_message(origin: &Origin, what: &str) -> String {
    let mut text = format!(
        "{what} was not found on instance {} ({}), or its token cannot see it",
        origin.instance, origin.host
    );
    if !origin.siblings.is_empty() {
        let others: Vec<String> = origin
            .siblings
            .iter()
            .map(|s| format!("{} ({})", s.id, s.host))
            .collect();
        text.push_str(&format!(
            "; other instances: {}; pass instance=\"{}\" to ask there",
            others.join(", "),
            origin.siblings[0].id
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{Origin, rate_limit, to_error};
    use crate::settings::Sibling;
    use http::HeaderMap;
    use switchyard_core::ErrorKind;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn origin() -> Origin {
        Origin {
            instance: "github".into(),
            host: "api.github.com".into(),
            siblings: vec![Sibling {
                id: "ghes".into(),
                host: "ghes.example.com".into(),
            }],
        }
    }

    #[test]
    fn primary_and_secondary_limits_are_told_apart() {
        let primary = rate_limit(
            403,
            &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1")]),
            b"{}",
        )
        .unwrap();
        assert!(!primary.secondary);
        let secondary = rate_limit(
            403,
            &headers(&[("retry-after", "60"), ("x-ratelimit-remaining", "10")]),
            b"{}",
        )
        .unwrap();
        assert!(secondary.secondary);
        assert_eq!(secondary.wait.unwrap().as_secs(), 60);
        assert!(
            rate_limit(
                403,
                &HeaderMap::new(),
                br#"{"message":"Must have admin rights"}"#
            )
            .is_none()
        );
    }

    #[test]
    fn errors_name_the_instance_and_what_github_said() {
        let err = to_error(
            &origin(),
            "issue o/r#1",
            401,
            &HeaderMap::new(),
            br#"{"message":"Bad credentials"}"#,
        );
        assert_eq!(err.kind(), ErrorKind::Unauthorized);
        assert!(err.to_string().contains("instance github"));
        let err = to_error(
            &origin(),
            "file README.md in o/r",
            404,
            &HeaderMap::new(),
            b"{}",
        );
        assert!(err.to_string().contains("ghes (ghes.example.com)"), "{err}");
        let err = to_error(
            &origin(),
            "a new issue in o/r",
            422,
            &HeaderMap::new(),
            br#"{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title"}]}"#,
        );
        assert!(
            err.to_string()
                .contains("Validation Failed (Issue title missing_field)"),
            "{err}"
        );
    }
}
