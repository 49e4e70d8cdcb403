//! `note_list`: notes newest first, filtered by tag, text, author or linked URI, paged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchyard_core::cursor::{decode_cursor, encode_cursor};
use switchyard_core::{
    CallContext, ConnectorError, JsonObject, PageWriter, ToolEffects, ToolOutput, ToolSpec,
    parse_args,
};

use crate::notes::{render, store_error};
use crate::store::{NoteFilter, NotesStore};

/// The tool name.
pub const NAME: &str = "note_list";

const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 100;

/// Arguments of `note_list`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Only notes with this tag.
    tag: Option<String>,
    /// Only notes whose text contains this (case-insensitive).
    text: Option<String>,
    /// Only notes by this author.
    author: Option<String>,
    /// Only notes that link this URI.
    linked: Option<String>,
    /// Notes per page (default 20, at most 100).
    limit: Option<u32>,
    /// The next_cursor of a previous note_list result.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Position {
    note_before: i64,
    /// The filters of the listing: tag, text, author, linked.
    #[serde(default)]
    filters: Vec<Option<String>>,
}

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "List workspace notes",
        "List workspace notes, newest first, optionally by tag, text, author or linked URI.\n\
         One line per note with its note:// URI; paged with a cursor.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `note_list`.
pub async fn run(
    store: &NotesStore,
    args: &JsonObject,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let mut params: Params = parse_args(args)?;
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ConnectorError::invalid(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    // A cursor carries its listing's filters: those left out are taken from it.
    let before_id = match &params.cursor {
        Some(cursor) => {
            let position = decode_cursor::<Position>(cursor)?;
            switchyard_core::cursor::continue_listing(
                NAME,
                &position.filters,
                &mut [
                    ("tag", &mut params.tag),
                    ("text", &mut params.text),
                    ("author", &mut params.author),
                    ("linked", &mut params.linked),
                ],
            )?;
            Some(position.note_before)
        }
        None => None,
    };
    let filters = vec![
        params.tag.clone(),
        params.text.clone(),
        params.author.clone(),
        params.linked.clone(),
    ];
    let filter = NoteFilter {
        tag: params.tag.map(|t| t.trim().to_lowercase()),
        text: params.text,
        author: params.author,
        linked: params.linked,
        before_id,
        limit,
    };
    let notes = store.list(&filter).await.map_err(store_error)?;
    let more = notes.len() > limit as usize;
    let mut page = PageWriter::new("workspace notes, newest first", &ctx.budget);
    let mut last_shown = None;
    for note in notes.iter().take(limit as usize) {
        if !page.push(&render::line(note), Some(&render::uri(note.id))) {
            break;
        }
        last_shown = Some(note.id);
    }
    let cut_short = page.shown() < notes.len().min(limit as usize);
    let next_cursor = match last_shown {
        Some(id) if more || cut_short => Some(encode_cursor(&Position {
            note_before: id,
            filters: filters.clone(),
        })),
        _ => None,
    };
    Ok(page.finish(
        next_cursor,
        None,
        "no notes match; note_add writes one, or drop a filter",
    ))
}
