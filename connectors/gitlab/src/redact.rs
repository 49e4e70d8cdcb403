//! Secrets in upstream text: the core's redaction ([`switchyard_core::redact`]) applied to
//! every text this connector builds (issue bodies, notes, commit messages, job logs, error
//! messages), before the server applies it again to the whole result.
//!
//! Structured fields that carry secrets (`runners_token`, `import_url`, any `*token*` field)
//! are never read at all: [`crate::wire`] names only the fields we show. This module is the
//! second net, for secrets people paste into free text.

pub(crate) use switchyard_core::redact::redact;

/// Strip hidden control characters and redact secrets: what every upstream text goes through.
pub(crate) fn clean(text: &str) -> String {
    redact(&switchyard_core::sanitize::strip_hidden(text)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn clean_strips_hidden_characters_and_redacts() {
        assert_eq!(clean("a\u{202E}b"), "ab");
        assert_eq!(clean("token glpat-AbCdEf1234567890xyz"), "token [redacted]");
    }
}
