//! Secrets in upstream text: access tokens of known shapes and credentials inside URLs are
//! replaced with `[redacted]` before any text leaves the connector (issue bodies, notes, commit
//! messages, job logs, error messages).
//!
//! Structured fields that carry secrets (`runners_token`, `import_url`, any `*token*` field)
//! are never read at all: [`crate::wire`] names only the fields we show. This module is the
//! second net, for secrets people paste into free text.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "[redacted]";

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

/// `scheme://user:password@` or `scheme://token@`: the user information of a URL.
static URL_USERINFO: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@:]*(?::[^/\s@]*)?@").ok());

/// `Authorization: Bearer …`, `PRIVATE-TOKEN: …`, `JOB-TOKEN: …` as they appear in logs.
static AUTH_HEADERS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(authorization:\s*(?:bearer|basic|token)\s+|private-token:\s*|job-token:\s*)[^\s'\x22]+").ok()
});

/// Replace secrets in `text`; borrowed when there are none.
pub(crate) fn redact(text: &str) -> Cow<'_, str> {
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

/// Strip hidden control characters and redact secrets: what every upstream text goes through.
pub(crate) fn clean(text: &str) -> String {
    redact(&switchyard_core::sanitize::strip_hidden(text)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{clean, redact};

    #[test]
    fn tokens_and_url_credentials_are_redacted() {
        let text = "use glpat-AbCdEf1234567890xyz and https://oauth2:s3cret@gitlab.example.com/g/p.git \
                    or git@gitlab.com:g/p.git; runner GR1348941abcdefghijklmnopqrstuv; \
                    curl -H 'PRIVATE-TOKEN: abc123def' x";
        let out = redact(text);
        assert!(!out.contains("glpat-AbCd"), "{out}");
        assert!(!out.contains("s3cret"), "{out}");
        assert!(!out.contains("oauth2"), "{out}");
        assert!(!out.contains("GR1348941abc"), "{out}");
        assert!(!out.contains("abc123def"), "{out}");
        assert!(
            out.contains("https://[redacted]@gitlab.example.com/g/p.git"),
            "{out}"
        );
        assert!(out.contains("git@gitlab.com:g/p.git"), "{out}");
        assert_eq!(redact("plain text"), "plain text");
        assert_eq!(clean("a\u{202E}b"), "ab");
    }
}
