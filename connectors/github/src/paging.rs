//! Our cursors over GitHub's page-numbered lists.
//!
//! A cursor holds the instance that made it, the upstream page and page size plus how many
//! items of that page were already shown (the response budget may stop a page early), and the
//! arguments that define the listing, so passing only the cursor continues the same listing.
//! Everything decoded from a cursor is checked as strictly as the arguments it stands for: a
//! cursor is text the caller can edit.

use serde::{Deserialize, Serialize};
use switchyard_core::ConnectorError;
use switchyard_core::cursor::{continue_listing, decode_cursor, encode_cursor};

/// A page size argument: its name, default and largest value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageSize {
    pub default: u32,
    pub max: u32,
}

/// Where the next page starts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Position {
    /// The tool.
    t: String,
    /// The instance that made the cursor.
    i: String,
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
    /// Start a listing on `instance`, or continue from `cursor`, filling the listing's
    /// arguments from it. A `limit` given with a cursor sets the size of the pages from there.
    pub fn start(
        tool: &str,
        instance: &str,
        cursor: Option<&str>,
        limit: Option<u32>,
        size: PageSize,
        args: &mut [(&str, &mut Option<String>)],
    ) -> Result<Position, ConnectorError> {
        let limit = limit
            .map(|n| page_size("limit", Some(n), size.default, size.max))
            .transpose()?;
        match cursor {
            None => Ok(Position {
                t: tool.to_owned(),
                i: instance.to_owned(),
                p: 1,
                n: limit.unwrap_or(size.default),
                s: 0,
                a: args.iter().map(|(_, value)| (**value).clone()).collect(),
            }),
            Some(text) => {
                let position: Position = decode_cursor(text)?;
                if position.t != tool {
                    return Err(ConnectorError::invalid(format!(
                        "this cursor is not from {tool}; omit cursor to start over"
                    )));
                }
                same_instance(&position.i, instance)?;
                let offset = check_offset(position.p, position.n, position.s, size.max)?;
                continue_listing(tool, &position.a, args)?;
                Ok(match limit {
                    Some(n) if n != position.n => Position {
                        p: u32::try_from(offset / u64::from(n) + 1).unwrap_or(u32::MAX),
                        n,
                        s: u32::try_from(offset % u64::from(n)).unwrap_or(0),
                        ..position
                    },
                    _ => position,
                })
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

/// Refuse a cursor made by another instance: it would continue there, on another server.
pub(crate) fn same_instance(made_by: &str, here: &str) -> Result<(), ConnectorError> {
    if made_by == here {
        Ok(())
    } else {
        Err(ConnectorError::invalid(format!(
            "this cursor was made by instance {made_by}, not {here}; pass instance=\"{made_by}\" with it"
        )))
    }
}

/// Check a decoded page position (page from 1, size 1..=max, skip within the page) and return
/// the offset of its next item.
pub(crate) fn check_offset(
    page: u32,
    size: u32,
    skip: u32,
    max: u32,
) -> Result<u64, ConnectorError> {
    if page == 0 || size == 0 || size > max || skip >= size {
        return Err(ConnectorError::invalid(
            "this cursor holds an impossible position (was it edited?); pass next_cursor unchanged, or omit cursor to start over",
        ));
    }
    Ok(u64::from(page - 1) * u64::from(size) + u64::from(skip))
}

/// A count argument named `name`: within 1..=max, default `default`.
pub(crate) fn page_size(
    name: &str,
    value: Option<u32>,
    default: u32,
    max: u32,
) -> Result<u32, ConnectorError> {
    match value {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ConnectorError::invalid(format!(
            "{name} {n} must be between 1 and {max}"
        ))),
    }
}

/// A value the cursor may carry: given, or taken from the cursor, else an error that says so.
pub(crate) fn required<'v>(
    value: Option<&'v str>,
    name: &str,
    example: &str,
) -> Result<&'v str, ConnectorError> {
    value.ok_or_else(|| {
        ConnectorError::invalid(format!(
            "{name} is required (such as {example}), unless you pass a cursor that carries it"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::{PageSize, Position};

    const SIZE: PageSize = PageSize {
        default: 30,
        max: 100,
    };

    #[test]
    fn cursors_continue_within_and_across_pages() {
        let mut state = Some("open".to_owned());
        let start = Position::start(
            "t",
            "gh",
            None,
            Some(10),
            SIZE,
            &mut [("state", &mut state)],
        )
        .unwrap();
        let within = start.next(4, 10, true).unwrap();
        let mut none = None;
        let pos = Position::start(
            "t",
            "gh",
            Some(&within),
            None,
            SIZE,
            &mut [("state", &mut none)],
        )
        .unwrap();
        assert_eq!((pos.p, pos.n, pos.s), (1, 10, 4));
        assert_eq!(none.as_deref(), Some("open"));
        let across = pos.next(6, 10, true).unwrap();
        let pos = Position::start(
            "t",
            "gh",
            Some(&across),
            None,
            SIZE,
            &mut [("state", &mut none)],
        )
        .unwrap();
        assert_eq!((pos.p, pos.s), (2, 0));
        assert!(pos.next(10, 10, false).is_none());
        assert!(
            Position::start(
                "other",
                "gh",
                Some(&across),
                None,
                SIZE,
                &mut [("state", &mut none)]
            )
            .is_err()
        );
        let err = Position::start(
            "t",
            "ghes",
            Some(&across),
            None,
            SIZE,
            &mut [("state", &mut none)],
        )
        .unwrap_err();
        assert!(err.to_string().contains("pass instance=\"gh\""), "{err}");
    }

    #[test]
    fn a_limit_with_a_cursor_resizes_the_pages_from_the_same_item() {
        let mut none = None;
        let start =
            Position::start("t", "gh", None, Some(10), SIZE, &mut [("a", &mut none)]).unwrap();
        // 14 items shown: page 2 of 10, one page of 4 shown.
        let cursor = start.next(10, 10, true).unwrap();
        let pos = Position::start(
            "t",
            "gh",
            Some(&cursor),
            None,
            SIZE,
            &mut [("a", &mut none)],
        )
        .unwrap();
        let cursor = pos.next(4, 10, true).unwrap();
        let pos = Position::start(
            "t",
            "gh",
            Some(&cursor),
            Some(7),
            SIZE,
            &mut [("a", &mut none)],
        )
        .unwrap();
        assert_eq!((pos.p, pos.n, pos.s), (3, 7, 0));
    }
}
