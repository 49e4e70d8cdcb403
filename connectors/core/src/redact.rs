//! Secrets in text that came from a source: access tokens of known shapes (GitLab, GitHub, AWS
//! key ids, private key blocks), credentials inside URLs and authorization headers pasted into
//! logs are replaced with `[redacted]`. The server applies it to every tool result, resource and
//! error before anything leaves it, to a client or to a model; connectors may also apply it to
//! the text they build.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// Token shapes: GitLab's prefixed tokens (personal, deploy, runner, CI build, pipeline
/// trigger, feed, incoming mail, agent, OAuth, SCIM, feature flag, workspace), the legacy
/// runner registration token, GitHub tokens, AWS access key ids, private key blocks.
static TOKENS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:glpat|gldt|glrt|glrtr|glcbt|glptt|glft|glimt|glagent|gloas|glsoat|glffct|glwt|gltst|glsa)-[A-Za-z0-9_.\-]{8,}
        | \bGR1348941[A-Za-z0-9_\-]{16,}
        | \b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}
        | \bgithub_pat_[A-Za-z0-9_]{20,}
        | \bAKIA[0-9A-Z]{16}\b
        | -----BEGIN[A-Z\ ]*PRIVATE\ KEY-----[\s\S]*?-----END[A-Z\ ]*PRIVATE\ KEY-----
        ",
    )
    .ok()
});

/// `scheme://user:password@` or `scheme://<token>@` (16 characters or more): credentials in the
/// user information of a URL. A plain user name (`ssh://git@host`) is not a secret and stays.
static URL_USERINFO: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)(?:[^/\s@:]*:[^/\s@]*|[^/\s@:]{16,})@").ok()
});

/// `Authorization: Bearer …`, `PRIVATE-TOKEN: …`, `JOB-TOKEN: …` as they appear in logs.
static AUTH_HEADERS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(authorization:\s*(?:bearer|basic|token)\s+|private-token:\s*|job-token:\s*)[^\s'\x22]+").ok()
});

/// Replace secrets in `text`; borrowed when there are none.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if let Some(re) = TOKENS.as_ref()
        && re.is_match(&out)
    {
        out = Cow::Owned(re.replace_all(&out, REDACTED).into_owned());
    }
    if let Some(re) = URL_USERINFO.as_ref()
        && re.is_match(&out)
    {
        out = Cow::Owned(re.replace_all(&out, "${1}[redacted]@").into_owned());
    }
    if let Some(re) = AUTH_HEADERS.as_ref()
        && re.is_match(&out)
    {
        out = Cow::Owned(re.replace_all(&out, "${1}[redacted]").into_owned());
    }
    out
}

/// Redact every string inside a JSON value (structured content).
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => {
            if let Cow::Owned(clean) = redact(text) {
                *text = clean;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(redact_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, redact_json};

    #[test]
    fn tokens_url_credentials_and_auth_headers_are_redacted() {
        let text = "use glpat-AbCdEf1234567890xyz and https://oauth2:s3cret@gitlab.example.com/g/p.git \
                    or git@gitlab.com:g/p.git; runner GR1348941abcdefghijklmnopqrstuv; \
                    gh ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 and github_pat_11ABCDEFG0123456789_abcdefghijk; \
                    curl -H 'PRIVATE-TOKEN: abc123def' x";
        let out = redact(text);
        for secret in [
            "glpat-AbCd",
            "s3cret",
            "oauth2",
            "GR1348941abc",
            "abc123def",
            "ghp_ABCD",
            "github_pat_11",
        ] {
            assert!(!out.contains(secret), "{secret} survived: {out}");
        }
        assert!(
            out.contains("https://[redacted]@gitlab.example.com/g/p.git"),
            "{out}"
        );
        assert!(out.contains("git@gitlab.com:g/p.git"), "{out}");
        assert_eq!(
            redact("url = ssh://git@github.com/o/r.git"),
            "url = ssh://git@github.com/o/r.git"
        );
        assert_eq!(
            redact("https://x0123456789abcdefghij@ci.example.com/x"),
            "https://[redacted]@ci.example.com/x"
        );
        assert_eq!(redact("plain text"), "plain text");
    }

    #[test]
    fn every_string_of_structured_content_is_redacted() {
        let mut value = serde_json::json!({
            "answer": "key ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            "list": ["AKIAABCDEFGHIJKLMNOP", 3],
            "n": 1
        });
        redact_json(&mut value);
        assert_eq!(value["answer"], "key [redacted]");
        assert_eq!(value["list"][0], "[redacted]");
        assert_eq!(value["n"], 1);
    }
}
