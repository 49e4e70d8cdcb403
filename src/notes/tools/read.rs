//! `note_read`: one note in full.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{
    CallContext, ConnectorError, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use crate::notes::{parse_note_id, render, store_error};
use crate::store::NotesStore;

/// The tool name.
pub const NAME: &str = "note_read";

/// Arguments of `note_read`.
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
        "Read a workspace note",
        "Read one workspace note in full: text, author, time, tags and linked URIs.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `note_read`.
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
    Ok(ToolOutput {
        uris: vec![render::uri(id)],
        ..ToolOutput::text(render::full(&note))
    }
    .enforce_budget(&ctx.budget, "the note is longer than the response budget"))
}
