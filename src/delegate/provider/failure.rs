//! A provider's error answer read into one shape: the status, the provider's own message, its
//! error codes and the wait it asked for; then classified into a [`ProviderError`].
//!
//! Each API words its errors differently, and one reader covers them all:
//!
//! | API | shape |
//! |---|---|
//! | OpenAI, llama.cpp, OpenRouter | `{"error": {"message", "type", "code", "param"}}` |
//! | Anthropic | `{"type": "error", "error": {"type", "message"}}` |
//! | Gemini | `{"error": {"code", "message", "status", "details": [{"reason"}, {"retryDelay"}]}}` (sometimes inside an array) |
//! | Ollama | `{"error": "message"}` |
//! | vLLM | `{"object": "error", "message", "type", "code"}`, FastAPI's `{"detail": …}` |
//! | proxies | plain text or an HTML page |

use std::time::Duration;

use serde_json::Value;

use super::ProviderError;

/// The longest provider message kept, in characters.
const MAX_MESSAGE_CHARS: usize = 500;

/// A failed answer, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The HTTP status.
    pub status: u16,
    /// The provider's message, on one line, bounded.
    pub message: String,
    /// The provider's error codes, types, statuses and reasons (`insufficient_quota`,
    /// `overloaded_error`, `RESOURCE_EXHAUSTED`, `API_KEY_INVALID`).
    pub codes: Vec<String>,
    /// The wait the provider asked for (header, or Gemini's `RetryInfo`).
    pub retry_after: Option<Duration>,
}

/// What a failure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// The key is missing, wrong or lacks permission.
    Unauthorized,
    /// Rate limited: worth a retry.
    RateLimited,
    /// Out of quota or credit: rate limited, but a retry will not help.
    QuotaExhausted,
    /// The provider failed or is overloaded: worth a retry.
    Unavailable,
    /// The request itself was refused.
    Rejected,
    /// The prompt was refused by the provider's safety filter.
    Blocked,
}

impl FailureClass {
    /// Whether the same request may succeed if sent again.
    pub fn is_retryable(self) -> bool {
        matches!(self, FailureClass::RateLimited | FailureClass::Unavailable)
    }
}

/// The classification by status alone: 401/403 unauthorized, 429 rate limited, 408, 5xx and
/// 529 unavailable, anything else rejected.
pub fn classify_status(failure: &Failure) -> FailureClass {
    match failure.status {
        401 | 403 => FailureClass::Unauthorized,
        429 => FailureClass::RateLimited,
        408 | 500..=599 => FailureClass::Unavailable,
        _ => FailureClass::Rejected,
    }
}

impl Failure {
    /// Read an error body of status `status` (JSON of any known shape, or text).
    pub fn parse(status: u16, body: &[u8]) -> Failure {
        let text = String::from_utf8_lossy(body);
        match serde_json::from_str::<Value>(&text) {
            Ok(json) => Failure::from_json(status, &json),
            Err(_) => Failure {
                status,
                message: text_message(status, &text),
                codes: Vec::new(),
                retry_after: None,
            },
        }
    }

    /// Read an error object (also found inside a 200 answer by some servers).
    pub fn from_json(status: u16, json: &Value) -> Failure {
        // Gemini has answered errors wrapped in a one-element array.
        let json = match json {
            Value::Array(items) => items.first().unwrap_or(json),
            other => other,
        };
        let mut codes = Vec::new();
        let mut retry_after = None;
        let mut message = None;
        let mut collect = |object: &Value| {
            for field in ["code", "type", "status"] {
                match object.get(field) {
                    Some(Value::String(code)) if !code.is_empty() => codes.push(code.clone()),
                    _ => {}
                }
            }
            for detail in object
                .get("details")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(reason) = detail.get("reason").and_then(Value::as_str) {
                    codes.push(reason.to_owned());
                }
                if let Some(delay) = detail.get("retryDelay").and_then(Value::as_str) {
                    retry_after = parse_duration(delay);
                }
            }
        };
        match json.get("error") {
            Some(error @ Value::Object(_)) => {
                message = error
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                collect(error);
            }
            Some(Value::String(text)) => message = Some(text.clone()),
            _ => {}
        }
        if message.is_none() {
            message = json
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| match json.get("detail") {
                    Some(Value::String(text)) => Some(text.clone()),
                    Some(detail @ (Value::Array(_) | Value::Object(_))) => Some(detail.to_string()),
                    _ => None,
                });
            collect(json);
        }
        let message = match message {
            Some(text) if !text.trim().is_empty() => one_line(&text),
            _ => text_message(status, ""),
        };
        Failure {
            status,
            message,
            codes,
            retry_after,
        }
    }

    /// Whether the provider gave `code` among its codes (case-insensitive).
    pub fn has_code(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    /// The error for this failure, classified as `class`, for provider `provider`.
    pub fn to_error(&self, provider: &str, class: FailureClass) -> ProviderError {
        let provider = provider.to_owned();
        let message = self.message.clone();
        match class {
            FailureClass::Unauthorized => ProviderError::Unauthorized { provider, message },
            FailureClass::RateLimited => ProviderError::RateLimited {
                provider,
                retry_after: self.retry_after,
                message,
            },
            FailureClass::QuotaExhausted => ProviderError::RateLimited {
                provider,
                retry_after: None,
                message,
            },
            FailureClass::Unavailable => ProviderError::Unavailable {
                provider,
                status: self.status,
                message,
            },
            FailureClass::Rejected => ProviderError::Rejected {
                provider,
                status: self.status,
                message,
            },
            FailureClass::Blocked => ProviderError::Blocked { provider, message },
        }
    }
}

/// The message of a non-JSON body: its text on one line, or the status's name when it is
/// empty or an HTML page.
fn text_message(status: u16, text: &str) -> String {
    let trimmed = text.trim();
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("no reason given")
        .to_ascii_lowercase();
    if trimmed.is_empty() {
        return reason;
    }
    if trimmed.starts_with('<') {
        return format!("{reason} (an HTML page, not the API's answer: is base_url right?)");
    }
    one_line(trimmed)
}

/// Whitespace runs folded to one space, hidden characters removed, at most
/// [`MAX_MESSAGE_CHARS`] characters.
fn one_line(text: &str) -> String {
    let visible = switchyard_core::sanitize::strip_hidden(text);
    let folded = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &folded[..cut]),
        None => folded,
    }
}

/// The HTTP status a provider named in a 200 answer's error object, when it is one.
pub fn status_of(code: Option<u64>) -> u16 {
    code.and_then(|code| u16::try_from(code).ok())
        .filter(|code| {
            reqwest::StatusCode::from_u16(*code).is_ok_and(|status| !status.is_success())
        })
        .unwrap_or(502)
}

/// A protobuf duration as JSON writes it: `"39s"`, `"1.5s"`.
fn parse_duration(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().strip_suffix('s')?.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Failure, FailureClass, classify_status};

    #[test]
    fn every_shape_gives_its_message() {
        let openai = br#"{"error":{"message":"Incorrect API key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#;
        let failure = Failure::parse(401, openai);
        assert_eq!(failure.message, "Incorrect API key");
        assert!(failure.has_code("invalid_api_key"));
        assert_eq!(classify_status(&failure), FailureClass::Unauthorized);

        let ollama = br#"{"error":"model \"x\" not found, try pulling it first"}"#;
        assert_eq!(
            Failure::parse(404, ollama).message,
            "model \"x\" not found, try pulling it first"
        );

        let vllm = br#"{"object":"error","message":"The model `m` does not exist.","type":"NotFoundError","code":404}"#;
        let failure = Failure::parse(404, vllm);
        assert_eq!(failure.message, "The model `m` does not exist.");
        assert!(failure.has_code("NotFoundError"));

        let gemini = br#"[{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}]"#;
        let failure = Failure::parse(429, gemini);
        assert_eq!(failure.message, "quota");
        assert!(failure.has_code("resource_exhausted"));
        assert_eq!(failure.retry_after, Some(Duration::from_millis(1500)));

        let fastapi = br#"{"detail":"Not Found"}"#;
        assert_eq!(Failure::parse(404, fastapi).message, "Not Found");
    }

    #[test]
    fn text_bodies_are_one_bounded_line() {
        assert_eq!(
            Failure::parse(502, b"upstream   connect error\n or reset").message,
            "upstream connect error or reset"
        );
        assert_eq!(Failure::parse(503, b"").message, "service unavailable");
        assert!(
            Failure::parse(502, b"<html><body>Bad gateway</body></html>")
                .message
                .contains("HTML page")
        );
        let long = "x".repeat(2_000);
        assert_eq!(
            Failure::parse(500, long.as_bytes()).message.chars().count(),
            501
        );
        assert_eq!(
            classify_status(&Failure::parse(529, b"")),
            FailureClass::Unavailable
        );
        assert_eq!(
            classify_status(&Failure::parse(404, b"")),
            FailureClass::Rejected
        );
    }
}
