//! Content from sources is untrusted: invisible and bidirectional control characters are
//! stripped before text leaves the server, so a model reads what a human would see.

/// Is `c` a character that changes how text displays without being visible itself?
fn is_hidden_control(c: char) -> bool {
    matches!(
        c,
        // zero-width space; word joiner and invisible operators. The zero-width (non-)joiners
        // U+200C/U+200D stay: scripts such as Persian and emoji sequences need them.
        '\u{200B}'
            | '\u{2060}'..='\u{2064}'
            // bidi marks, embeddings, overrides and isolates
            | '\u{200E}' | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            // byte order mark used mid-text, soft hyphen, tag characters
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{E0000}'..='\u{E007F}'
    ) || (c.is_control() && c != '\n' && c != '\t' && c != '\r')
}

/// Remove hidden control characters; returns the text unchanged (borrowed) when there are none.
pub fn strip_hidden(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_hidden_control) {
        std::borrow::Cow::Owned(text.chars().filter(|c| !is_hidden_control(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::strip_hidden;

    #[test]
    fn strips_bidi_and_zero_width_but_keeps_text() {
        let text = "admin\u{202E}gnp.exe\u{200B} ok\tfine\nünï 👍";
        assert_eq!(strip_hidden(text), "admingnp.exe ok\tfine\nünï 👍");
        assert!(matches!(
            strip_hidden("plain"),
            std::borrow::Cow::Borrowed("plain")
        ));
        assert_eq!(strip_hidden("a\u{0007}b"), "ab");
    }
}
