//! `note_delete`: remove a note (only its author may).

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{
    CallContext, ConnectorError, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use crate::notes::{parse_note_id, render, store_error};
use crate::store::NotesStore;

/// The tool name.
pub const NAME: &str = "note_delete";

/// Arguments of `note_delete`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The note's id or its note:// URI.
    id: String,
}

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Delete a workspace note",
        "Delete a workspace note you wrote. Notes by other authors cannot be deleted.",
        ToolEffects::DESTRUCTIVE_WRITE,
    )
}

/// Run `note_delete`.
pub async fn run(
    store: &NotesStore,
    args: &JsonObject,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let params: Params = parse_args(args)?;
    let id = parse_note_id(&params.id)?;
    let note = store.get(id).await.map_err(store_error)?.ok_or_else(|| {
        ConnectorError::not_found(format!(
            "note {id} does not exist; note_list shows the notes there are"
        ))
    })?;
    if note.author != ctx.identity.user {
        return Err(ConnectorError::Forbidden(format!(
            "note {id} was written by {}; only its author may delete it",
            note.author
        )));
    }
    store.delete(id).await.map_err(store_error)?;
    Ok(ToolOutput::text(format!("deleted {}", render::uri(id))))
}
