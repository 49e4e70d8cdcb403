//! The response budget: how much text one tool result may carry, and honest cutting.
//!
//! Tokens are estimated as bytes / 4, the usual rule of thumb for English and code; it errs
//! on the generous side for non-Latin scripts, which is the safe direction for a budget.

/// The default budget of one tool result, in estimated tokens (≈ 80 KB of text).
pub const DEFAULT_RESPONSE_TOKENS: usize = 20_000;

/// Bytes per estimated token.
pub const BYTES_PER_TOKEN: usize = 4;

/// Estimate the tokens a text costs a model.
pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(BYTES_PER_TOKEN)
}

/// How much one result may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseBudget {
    max_tokens: usize,
}

impl Default for ResponseBudget {
    fn default() -> Self {
        ResponseBudget {
            max_tokens: DEFAULT_RESPONSE_TOKENS,
        }
    }
}

impl ResponseBudget {
    /// A budget of `max_tokens` estimated tokens (at least 256, so an error always fits).
    pub fn tokens(max_tokens: usize) -> Self {
        ResponseBudget {
            max_tokens: max_tokens.max(256),
        }
    }

    /// The budget in estimated tokens.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// The budget in bytes of text.
    pub fn max_bytes(&self) -> usize {
        self.max_tokens.saturating_mul(BYTES_PER_TOKEN)
    }

    /// A smaller budget for one part of a result (a file in a diff, a body in a list).
    pub fn fraction(&self, numerator: usize, denominator: usize) -> usize {
        self.max_bytes().saturating_mul(numerator) / denominator.max(1)
    }
}

/// The result of cutting a text to a size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut<'a> {
    /// The part that fits.
    pub kept: &'a str,
    /// How many bytes were left out (0 when nothing was cut).
    pub omitted_bytes: usize,
    /// How many whole lines were left out (a partial line counts as one).
    pub omitted_lines: usize,
}

impl Cut<'_> {
    /// Whether anything was left out.
    pub fn is_truncated(&self) -> bool {
        self.omitted_bytes > 0
    }
}

/// Cut `text` to at most `max_bytes`, at a line boundary when one is near, never inside a
/// UTF-8 character.
pub fn cut_text(text: &str, max_bytes: usize) -> Cut<'_> {
    if text.len() <= max_bytes {
        return Cut {
            kept: text,
            omitted_bytes: 0,
            omitted_lines: 0,
        };
    }
    let mut end = max_bytes;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    // Prefer ending at a newline if one lies in the last quarter of what we keep.
    if let Some(newline) = text[..end].rfind('\n')
        && newline >= end - end / 4
    {
        end = newline + 1;
    }
    let rest = &text[end..];
    Cut {
        kept: &text[..end],
        omitted_bytes: rest.len(),
        omitted_lines: rest.lines().count(),
    }
}

#[cfg(test)]
mod tests {
    use super::{ResponseBudget, cut_text, estimate_tokens};

    #[test]
    fn estimates_round_up() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcde"), 2);
    }

    #[test]
    fn cut_keeps_whole_characters_and_counts_the_rest() {
        let text = "ünïcödé line one\nsecond line\nthird";
        let cut = cut_text(text, 20);
        assert!(cut.kept.len() <= 20);
        assert!(text.starts_with(cut.kept));
        assert_eq!(cut.kept.len() + cut.omitted_bytes, text.len());
        assert!(cut.is_truncated());
        let whole = cut_text(text, 1000);
        assert!(!whole.is_truncated());
        assert_eq!(whole.kept, text);
    }

    #[test]
    fn cut_prefers_line_boundaries() {
        let text = "aaaa\nbbbb\ncccc\ndddd";
        let cut = cut_text(text, 12);
        assert_eq!(cut.kept, "aaaa\nbbbb\n");
        assert_eq!(cut.omitted_lines, 2);
    }

    #[test]
    fn budget_floor() {
        assert_eq!(ResponseBudget::tokens(1).max_tokens(), 256);
        assert_eq!(ResponseBudget::default().max_bytes(), 80_000);
    }
}
