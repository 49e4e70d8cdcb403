//! Our cursors over GitHub's page-numbered lists.
//!
//! A cursor holds the upstream page and page size plus how many items of that page were
//! already shown (the response budget may stop a page early), and the arguments that define
//! the listing, so passing only the cursor continues the same listing.

use serde::{Deserialize, Serialize};
use switchyard_core::ConnectorError;
use switchyard_core::cursor::{continue_listing, decode_cursor, encode_cursor};

/// Where the next page starts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Position {
    /// The tool.
    t: String,
    /// The upstream page (from 1).
    pub p: u32,
    /// The upstream page size.
    pub n: u32,
    /// Items of that page already shown.
    pub s: u32,
    /// The arguments that define the listing.
    a: Vec<Option<String>>,
}

impl Position {
    /// Start a listing, or continue from `cursor`, filling the listing's arguments from it.
    pub fn start(
        tool: &str,
        cursor: Option<&str>,
        limit: u32,
        args: &mut [(&str, &mut Option<String>)],
    ) -> Result<Position, ConnectorError> {
        match cursor {
            None => Ok(Position {
                t: tool.to_owned(),
                p: 1,
                n: limit,
                s: 0,
                a: args.iter().map(|(_, value)| (**value).clone()).collect(),
            }),
            Some(text) => {
                let position: Position = decode_cursor(text)?;
                if position.t != tool || position.p == 0 || position.n == 0 {
                    return Err(ConnectorError::invalid(format!(
                        "this cursor is not from {tool}; omit cursor to start over"
                    )));
                }
                continue_listing(tool, &position.a, args)?;
                Ok(position)
            }
        }
    }

    /// The cursor after showing `shown` of the `fetched` items this page had from `s` on.
    pub fn next(&self, shown: usize, fetched: usize, has_next: bool) -> Option<String> {
        let remaining_here = fetched.saturating_sub(self.s as usize);
        let position = if shown < remaining_here {
            Position {
                s: self.s + u32::try_from(shown).unwrap_or(u32::MAX),
                ..self.clone()
            }
        } else if has_next {
            Position {
                p: self.p + 1,
                s: 0,
                ..self.clone()
            }
        } else {
            return None;
        };
        Some(encode_cursor(&position))
    }
}

/// A page size: `limit` within 1..=max, default `default`.
pub(crate) fn page_size(limit: Option<u32>, default: u32, max: u32) -> Result<u32, ConnectorError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ConnectorError::invalid(format!(
            "limit {n} must be between 1 and {max}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn cursors_continue_within_and_across_pages() {
        let mut state = Some("open".to_owned());
        let start = Position::start("t", None, 10, &mut [("state", &mut state)]).unwrap();
        let within = start.next(4, 10, true).unwrap();
        let mut none = None;
        let pos = Position::start("t", Some(&within), 99, &mut [("state", &mut none)]).unwrap();
        assert_eq!((pos.p, pos.n, pos.s), (1, 10, 4));
        assert_eq!(none.as_deref(), Some("open"));
        let across = pos.next(6, 10, true).unwrap();
        let pos = Position::start("t", Some(&across), 10, &mut [("state", &mut none)]).unwrap();
        assert_eq!((pos.p, pos.s), (2, 0));
        assert!(pos.next(10, 10, false).is_none());
        assert!(Position::start("other", Some(&across), 10, &mut [("state", &mut none)]).is_err());
    }
}
