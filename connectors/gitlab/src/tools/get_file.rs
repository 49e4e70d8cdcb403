//! `gitlab_get_file`: a file at a ref, as plain text (numbered from a line on request, cut to
//! the budget with the line to continue from). Binary files and files over 1 MB come back as
//! metadata only: GitLab sends content base64-encoded, and it is never decoded into text
//! unless it is valid UTF-8 without NUL bytes. A HEAD request reads the size first, so large
//! files are never downloaded.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::budget::cut_text;
use switchyard_core::uri::encode_segment;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{self, Project};
use crate::instance::Instance;
use crate::redact::clean;
use crate::render::plural;
use crate::uris;
use crate::wire::RepoFile;

/// The tool name.
pub(crate) const NAME: &str = "gitlab_get_file";
/// Files larger than this come back as metadata.
const MAX_TEXT_BYTES: u64 = 1024 * 1024;

/// Arguments of `gitlab_get_file`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Project path, e.g. group/project.
    #[schemars(length(max = 1024))]
    pub project: String,
    /// File path in the repository.
    #[schemars(length(max = 4096))]
    pub path: String,
    /// Branch, tag or SHA (default branch if omitted).
    #[schemars(length(max = 255))]
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// First line to show (default 1).
    pub from_line: Option<u32>,
}

/// The tool description.
pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "GitLab: get file",
        "Get a file's text at a ref; binary or >1 MB files as metadata.",
        ToolEffects::REMOTE_READ,
    )
}

/// Run `gitlab_get_file`.
pub(crate) async fn run(
    gl: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let project = gl.project(&params.project)?;
    ids::check_path(&params.path)?;
    if let Some(git_ref) = params.git_ref.as_deref() {
        ids::check_ref(git_ref, "ref")?;
    }
    let from = params.from_line.unwrap_or(1).max(1);
    let git_ref = match params.git_ref.clone() {
        Some(git_ref) => git_ref,
        None => gl.default_branch(&project, ctx).await?,
    };
    read(gl, &project, &git_ref, &params.path, from, ctx).await
}

/// Read `path` at `git_ref` from line `from` (also used for `blob` URIs).
pub(crate) async fn read(
    gl: &Instance,
    project: &Project,
    git_ref: &str,
    path: &str,
    from: u32,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let object = format!("file {path:?} at {git_ref} of {project}");
    let endpoint = format!(
        "projects/{}/repository/files/{}",
        project.encoded(),
        encode_segment(path)
    );
    let query = [("ref", git_ref.to_owned())];
    let uri = uris::blob(&gl.id, project.as_str(), git_ref, path);
    let head = gl.client.head(&endpoint, &query, &object, ctx).await?;
    let size: Option<u64> = head.header("x-gitlab-size").and_then(|s| s.parse().ok());
    if let Some(size) = size.filter(|s| *s > MAX_TEXT_BYTES) {
        let mut text = metadata(path, project, git_ref, size, &uri);
        let _ = write!(
            text,
            "\nnot shown: the file is over 1 MB (blob {}, last commit {})",
            head.header("x-gitlab-blob-id").unwrap_or("?"),
            head.header("x-gitlab-last-commit-id").unwrap_or("?")
        );
        return Ok(meta_output(text, uri));
    }
    let (file, _) = gl
        .client
        .get_json::<RepoFile>(&endpoint, &query, &object, ctx)
        .await?;
    let bytes = if file.encoding == "base64" {
        let compact: String = file.content.split_whitespace().collect();
        STANDARD
            .decode(compact)
            .map_err(|err| ConnectorError::Upstream {
                status: 200,
                message: format!(
                    "{} sent base64 content for {object} that does not decode: {err}",
                    gl.client.origin.describe()
                ),
            })?
    } else {
        file.content.clone().into_bytes()
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) if !bytes.iter().take(8192).any(|b| *b == 0) => text,
        _ => {
            let mut text = metadata(path, project, git_ref, file.size, &uri);
            let _ = write!(
                text,
                "\nnot shown: binary content (blob {}, last commit {})",
                file.blob_id, file.last_commit_id
            );
            return Ok(meta_output(text, uri));
        }
    };
    let text = clean(text);
    let total = text.lines().count();
    let start = usize::try_from(from)
        .unwrap_or(usize::MAX)
        .saturating_sub(1);
    if start > 0 && start >= total {
        return Err(ConnectorError::invalid(format!(
            "from_line {from} is past the end of {path} ({})",
            plural(total as u64, "line")
        )));
    }
    let offset = match start.checked_sub(1) {
        None => 0,
        Some(newline) => text
            .match_indices('\n')
            .nth(newline)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    let mut out = format!(
        "{path} of {project} at {git_ref} on {} ({}, {}{})\n{uri}\n---\n",
        gl.id,
        plural(file.size, "byte"),
        plural(total as u64, "line"),
        if start > 0 {
            format!(", from line {from}")
        } else {
            String::new()
        }
    );
    let room = ctx.budget.max_bytes().saturating_sub(out.len() + 300);
    let cut = cut_text(&text[offset..], room);
    out.push_str(cut.kept);
    let truncated = cut.is_truncated();
    if truncated {
        let next_line = start + cut.kept.lines().count() + 1;
        if !out.ends_with('\n') {
            out.push('\n');
        }
        let _ = write!(
            out,
            "[truncated: {} not shown; call {NAME} again with from_line={next_line}]",
            plural(cut.omitted_lines as u64, "more line")
        );
    }
    Ok(ToolOutput {
        text: out,
        truncated,
        next_cursor: None,
        uris: vec![uri],
        structured: None,
    })
}

fn metadata(path: &str, project: &Project, git_ref: &str, size: u64, uri: &str) -> String {
    format!(
        "{path} of {project} at {git_ref}: {}\n{uri}",
        plural(size, "byte")
    )
}

fn meta_output(text: String, uri: String) -> ToolOutput {
    ToolOutput {
        text,
        truncated: false,
        next_cursor: None,
        uris: vec![uri],
        structured: None,
    }
}
