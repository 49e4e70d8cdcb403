//! Our cursors over GitLab's page-numbered lists. A cursor holds the offset of the next item,
//! the page size and the arguments that defined the listing; GitLab is asked for the page that
//! holds that offset with `per_page` equal to the caller's page size, so the size is honoured
//! exactly. When the response budget stopped a page early, the offset falls inside a GitLab
//! page: the rest of that page and the start of the next are fetched (two requests at most).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{continue_listing, decode_cursor, encode_cursor};
use switchyard_core::{CallContext, ConnectorError};

use crate::client::Client;

/// GitLab's largest page.
pub(crate) const MAX_PER_PAGE: usize = 100;

/// Where the next page starts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cursor {
    /// The tool that made it.
    t: String,
    /// The instance that made it.
    i: String,
    /// The offset of the next item.
    o: usize,
    /// The page size.
    n: usize,
    /// The arguments that define the listing.
    a: Vec<Option<String>>,
}

/// A listing position: where to start and how many to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub offset: usize,
    pub limit: usize,
}

/// Resolve the `cursor` and `limit` arguments of `tool`. The listing's defining arguments
/// (`given`) are taken from the cursor when left out; another value is refused. Returns the
/// position and the resolved arguments, which the next page's cursor carries.
pub(crate) fn start(
    tool: &str,
    instance: &str,
    cursor: Option<&str>,
    limit: Option<u32>,
    default: usize,
    given: &mut [(&str, &mut Option<String>)],
) -> Result<(Position, Vec<Option<String>>), ConnectorError> {
    let position = resolve(tool, instance, cursor, limit, default, given)?;
    let listing = given.iter().map(|(_, value)| (**value).clone()).collect();
    Ok((position, listing))
}

fn resolve(
    tool: &str,
    instance: &str,
    cursor: Option<&str>,
    limit: Option<u32>,
    default: usize,
    given: &mut [(&str, &mut Option<String>)],
) -> Result<Position, ConnectorError> {
    let limit = match limit {
        None => None,
        Some(0) => {
            return Err(ConnectorError::invalid(format!(
                "limit must be between 1 and {MAX_PER_PAGE}"
            )));
        }
        Some(n) => {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if n > MAX_PER_PAGE {
                return Err(ConnectorError::invalid(format!(
                    "limit {n} is more than {MAX_PER_PAGE}; page with cursor instead"
                )));
            }
            Some(n)
        }
    };
    match cursor {
        None => Ok(Position {
            offset: 0,
            limit: limit.unwrap_or(default),
        }),
        Some(text) => {
            let cursor: Cursor = decode_cursor(text)?;
            if cursor.t != tool {
                return Err(ConnectorError::invalid(format!(
                    "this cursor was not made by {tool}; pass the next_cursor of {tool}'s previous result unchanged, or omit it"
                )));
            }
            same_instance(&cursor.i, instance)?;
            if cursor.n == 0 || cursor.n > MAX_PER_PAGE {
                return Err(impossible());
            }
            continue_listing(tool, &cursor.a, given)?;
            Ok(Position {
                offset: cursor.o,
                limit: limit.unwrap_or(cursor.n),
            })
        }
    }
}

/// The cursor of the page after `shown` items from `position`.
pub(crate) fn next(
    tool: &str,
    instance: &str,
    position: Position,
    shown: usize,
    args: Vec<Option<String>>,
) -> String {
    encode_cursor(&Cursor {
        t: tool.to_owned(),
        i: instance.to_owned(),
        o: position.offset + shown,
        n: position.limit,
        a: args,
    })
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

/// The error for a cursor whose page size is out of range (an edited cursor).
pub(crate) fn impossible() -> ConnectorError {
    ConnectorError::invalid(
        "this cursor holds an impossible position (was it edited?); pass next_cursor unchanged, or omit cursor to start over",
    )
}

/// One window of a list.
#[derive(Debug)]
pub(crate) struct Window<T> {
    /// At most `limit` items from the offset.
    pub items: Vec<T>,
    /// Whether more items follow.
    pub more: bool,
    /// GitLab's total, when it says.
    pub total: Option<usize>,
}

/// Fetch `position.limit` items from `position.offset` of the list at `path`.
pub(crate) async fn window<T: DeserializeOwned>(
    client: &Client,
    path: &str,
    query: &[(&str, String)],
    position: Position,
    object: &str,
    ctx: &CallContext,
) -> Result<Window<T>, ConnectorError> {
    let per_page = position.limit.max(1);
    let page = position.offset / per_page + 1;
    let skip = position.offset % per_page;
    let (mut items, reply) = fetch::<T>(client, path, query, page, per_page, object, ctx).await?;
    let total = reply.total();
    let mut more = reply.has_next();
    let kept = items.len().saturating_sub(skip);
    items = items.into_iter().skip(skip).collect();
    if skip > 0 && more && kept < per_page {
        let (next, reply) =
            fetch::<T>(client, path, query, page + 1, per_page, object, ctx).await?;
        let wanted = per_page - kept;
        more = reply.has_next() || next.len() > wanted;
        items.extend(next.into_iter().take(wanted));
    }
    Ok(Window { items, more, total })
}

async fn fetch<T: DeserializeOwned>(
    client: &Client,
    path: &str,
    query: &[(&str, String)],
    page: usize,
    per_page: usize,
    object: &str,
    ctx: &CallContext,
) -> Result<(Vec<T>, crate::client::Reply), ConnectorError> {
    let mut query = query.to_vec();
    query.push(("per_page", per_page.to_string()));
    query.push(("page", page.to_string()));
    client.get_json::<Vec<T>>(path, &query, object, ctx).await
}
