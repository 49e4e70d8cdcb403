//! The retry policy of model calls: which wait a failed answer asks for (`Retry-After` in
//! seconds or as an HTTP date, OpenAI's `retry-after-ms`), and the backoff when it asks none.
//!
//! | number | value | why |
//! |---|---|---|
//! | retries | `max_retries` per provider (default 2) | three tries in all |
//! | backoff | 0.5 s, 1 s, 2 s … ≤ 8 s, × a random 0.5–1 | callers that failed together spread out |
//! | longest wait honoured | 30 s | past that the router falls back to another model at once |
//! | least time for an attempt | 0.2 s | no attempt that cannot finish before the deadline |

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

/// The first backoff step when the provider gave no Retry-After.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// The largest backoff step.
const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// A Retry-After longer than this is not waited for: the error goes back at once, so the
/// router can fall back to another model instead of holding the caller.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);
/// An attempt is not started with less time than this left before the deadline.
pub(super) const MIN_ATTEMPT: Duration = Duration::from_millis(200);

/// The backoff before retry `retry` (0-based): 0.5 s, 1 s, 2 s … capped at 8 s, each scaled
/// by a random factor in [0.5, 1) so callers that failed together do not retry together.
pub(super) fn backoff(retry: u32) -> Duration {
    let step = BACKOFF_BASE
        .saturating_mul(1u32 << retry.min(16))
        .min(BACKOFF_CAP);
    step.mul_f64(0.5 + fastrand::f64() / 2.0)
}

/// The wait a response asks for: `retry-after-ms` (OpenAI), else `Retry-After` in seconds or
/// as an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    if let Some(ms) = text("retry-after-ms").and_then(|ms| ms.trim().parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    parse_retry_after(text(RETRY_AFTER.as_str())?)
}

/// Parse a Retry-After value: seconds (`"17"`, `"1.5"`) or an HTTP date (past dates are 0).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(86_400.0)));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{backoff, parse_retry_after};

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(parse_retry_after("17"), Some(Duration::from_secs(17)));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let soon = chrono::Utc::now() + chrono::Duration::seconds(90);
        let wait = parse_retry_after(&soon.to_rfc2822()).unwrap();
        assert!(
            wait > Duration::from_secs(80) && wait <= Duration::from_secs(90),
            "{wait:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        for retry in 0..20 {
            let wait = backoff(retry);
            let step =
                Duration::from_millis(500 * (1u64 << retry.min(4))).min(Duration::from_secs(8));
            assert!(wait >= step / 2 && wait < step, "retry {retry}: {wait:?}");
        }
    }
}
