//! Upstream answers that are not successes, turned into `ConnectorError`s a model can act on:
//! which instance and host answered, what was asked for, what GitLab said, and what to try.
//!
//! GitLab's error bodies are `{"message": "404 Project Not Found"}`, `{"message": {"title":
//! ["can't be blank"]}}` (validation), `{"error": "…"}` (OAuth and some 400s) or plain text
//! (`Retry later` on a 429). Rate limits answer 429 with `Retry-After` (seconds) and
//! `RateLimit-Reset` (epoch seconds); [`rate_limit_wait`] reads them.

use std::fmt::Write as _;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;
use switchyard_core::ConnectorError;
use switchyard_core::sanitize::strip_hidden;

use crate::redact::redact;
use crate::settings::Sibling;

/// The longest upstream message we quote.
const MAX_MESSAGE: usize = 400;

/// Who answered: the instance, its host, and the other instances of this kind.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub instance: String,
    pub host: String,
    pub siblings: Vec<Sibling>,
}

impl Origin {
    /// `gitlab.example.com (instance corp)`.
    pub fn describe(&self) -> String {
        format!("{} (instance {})", self.host, self.instance)
    }

    /// The not-found error for `object`, naming this instance and the others.
    pub fn not_found(&self, object: &str) -> ConnectorError {
        let mut message = format!(
            "{object} was not found on {}, or the token cannot see it",
            self.describe()
        );
        if !self.siblings.is_empty() {
            let others: Vec<String> = self
                .siblings
                .iter()
                .map(|s| format!("{} ({})", s.id, s.host))
                .collect();
            let _ = write!(
                message,
                "; other GitLab instances are configured: {}; pass instance=\"{}\" to ask another",
                others.join(", "),
                self.siblings[0].id
            );
        }
        ConnectorError::NotFound(message)
    }
}

/// How long GitLab asked us to wait, from `Retry-After` or `RateLimit-Reset`.
pub(crate) fn rate_limit_wait(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    if let Some(seconds) = number("retry-after") {
        return Some(Duration::from_secs(seconds.max(0).unsigned_abs()));
    }
    let reset = number("ratelimit-reset")?;
    let now = chrono::Utc::now().timestamp();
    Some(Duration::from_secs((reset - now).max(1).unsigned_abs()))
}

/// The error for a non-success answer about `object` (`project my-group/app`, `issue #7 of
/// my-group/app`).
pub(crate) fn failure(
    origin: &Origin,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    object: &str,
) -> ConnectorError {
    let said = message_of(body);
    let quoted = if said.is_empty() {
        format!("status {status}")
    } else {
        said
    };
    let at = origin.describe();
    match status {
        401 => ConnectorError::Unauthorized(format!(
            "{at} rejected the token ({quoted}); it is expired, revoked or wrong: check connectors.{}.token (scope read_api, or api for writes)",
            origin.instance
        )),
        403 => ConnectorError::Forbidden(format!(
            "{at} refused access to {object} ({quoted}); the token lacks a scope (read_api, api for writes) or a role in that project"
        )),
        404 => origin.not_found(object),
        429 => {
            let wait = rate_limit_wait(headers);
            let when = match wait {
                Some(wait) => format!("; it resets in {} s", wait.as_secs().max(1)),
                None => String::new(),
            };
            ConnectorError::RateLimited {
                retry_after: wait,
                message: format!("{at} rate-limited this token ({quoted}){when}"),
            }
        }
        _ => ConnectorError::Upstream {
            status,
            message: format!("{at} answered {status} for {object}: {quoted}"),
        },
    }
}

/// GitLab's own message from an error body, flattened to one line, secrets redacted.
pub(crate) fn message_of(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => {
            let mut parts = Vec::new();
            for key in ["message", "error", "error_description"] {
                if let Some(value) = map.get(key) {
                    flatten(value, "", &mut parts);
                }
            }
            parts.join("; ")
        }
        Ok(other) => {
            let mut parts = Vec::new();
            flatten(&other, "", &mut parts);
            parts.join("; ")
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = redact(&strip_hidden(&one_line)).into_owned();
    let mut cut: String = clean.chars().take(MAX_MESSAGE).collect();
    if cut.len() < clean.len() {
        cut.push('…');
    }
    cut.trim_end_matches('.').to_owned()
}

/// `{"title": ["can't be blank"]}` → `title can't be blank`.
fn flatten(value: &Value, prefix: &str, parts: &mut Vec<String>) {
    match value {
        Value::String(text) if prefix.is_empty() => parts.push(text.clone()),
        Value::String(text) => parts.push(format!("{prefix} {text}")),
        Value::Array(items) => items.iter().for_each(|item| flatten(item, prefix, parts)),
        Value::Object(map) => {
            for (key, inner) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(inner, &name, parts);
            }
        }
        Value::Null => {}
        other => parts.push(format!("{prefix} {other}").trim().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Origin, failure, message_of};
    use crate::settings::Sibling;
    use reqwest::header::{HeaderMap, HeaderValue};
    use switchyard_core::ErrorKind;

    fn origin(siblings: Vec<Sibling>) -> Origin {
        Origin {
            instance: "gitlab".into(),
            host: "gitlab.example.com".into(),
            siblings,
        }
    }

    #[test]
    fn messages_of_every_shape() {
        assert_eq!(
            message_of(br#"{"message":"404 Project Not Found"}"#),
            "404 Project Not Found"
        );
        assert_eq!(
            message_of(br#"{"message":{"title":["can't be blank"],"labels":["is invalid"]}}"#),
            "labels is invalid; title can't be blank"
        );
        assert_eq!(message_of(b"Retry later\n"), "Retry later");
        assert_eq!(
            message_of(br#"{"error":"insufficient_scope"}"#),
            "insufficient_scope"
        );
    }

    #[test]
    fn statuses_map_to_kinds_with_the_instance() {
        let headers = HeaderMap::new();
        let err = failure(&origin(vec![]), 401, &headers, b"{}", "x");
        assert_eq!(err.kind(), ErrorKind::Unauthorized);
        assert!(err.to_string().contains("instance gitlab"));
        let err = failure(
            &origin(vec![Sibling {
                id: "corp".into(),
                host: "git.corp".into(),
            }]),
            404,
            &headers,
            b"{}",
            "project a/b",
        );
        assert!(err.to_string().contains("corp (git.corp)"), "{err}");
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("30"));
        let err = failure(&origin(vec![]), 429, &headers, b"Retry later", "x");
        assert!(err.to_string().contains("resets in 30 s"), "{err}");
        assert_eq!(err.hint(), "retry after 30 seconds");
    }
}
