//! `github_get_pull_request_diff`: a pull request's diff as plain text, capped per file and
//! within the budget; lock, vendored and generated files collapsed to one line unless asked
//! for; one file on request. GitHub refuses diffs over its own limits (406); then the patches
//! of the file listing are used instead, and the output says so.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::patch::{DiffLimits, FileChange, render_diff, split_unified_diff};
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::client::Accept;
use crate::ids::{RepoId, check_number};
use crate::paging::page_size;
use crate::tools::common::{Instance, LINES_PER_FILE, file_change, finish};
use crate::tools::one_file;
use crate::uris;
use crate::wire::DiffEntry;

pub(crate) const NAME: &str = "github_get_pull_request_diff";

/// Pages of the file listing read when GitHub refuses the whole diff.
const FALLBACK_PAGES: u32 = 3;

/// Arguments of `github_get_pull_request_diff`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// Pull request number.
    pub number: u64,
    /// Only this file's diff.
    #[schemars(length(max = 4096))]
    pub path: Option<String>,
    /// Show lock, vendored and generated files too.
    pub include_generated: Option<bool>,
    /// Lines per file (default 300).
    pub max_lines: Option<u32>,
    /// With path: the patch line to start at (default 1).
    pub from_line: Option<u32>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Get a pull request diff",
        "Get a pull request's diff as plain text, capped per file; generated and lock files collapsed.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.repo(&params.repo)?;
    let number = check_number("number", params.number)?;
    let choice = Choice::checked(
        params.path.as_deref(),
        params.include_generated,
        params.max_lines,
        params.from_line,
    )?;
    let what = format!("the diff of pull request #{number} of {}", repo.full());
    let reply = instance
        .client
        .fetch(&format!("{}/pulls/{number}", repo.api()), Accept::Diff, ctx)
        .await?;
    let uri = uris::pull(&instance.id, &repo, number);
    let header = format!("diff of {} #{number} on {}", repo.full(), instance.id);
    let again = format!("{NAME} with repo=\"{}\" number={number}", repo.full());
    if reply.status == 406 || reply.status == 422 {
        // GitHub's own limit for whole diffs (too many lines or files): use the file listing.
        let entries = listing(instance, &repo, number, ctx).await?;
        let files: Vec<FileChange<'_>> = entries.iter().map(file_change).collect();
        let note = format!(
            "(GitHub refused the whole diff as too large (status {}); patches come from the file listing, which omits very large ones)",
            reply.status
        );
        return render_files(&header, &note, &files, &choice, &again, ctx, uri);
    }
    let reply = instance.client.expect_ok(reply, &what)?;
    let diff = reply.text();
    let files = split_unified_diff(&diff);
    render_files(&header, "", &files, &choice, &again, ctx, uri)
}

/// Up to [`FALLBACK_PAGES`] pages of the pull request's file listing.
async fn listing(
    instance: &Instance,
    repo: &RepoId,
    number: u64,
    ctx: &CallContext,
) -> Result<Vec<DiffEntry>, ConnectorError> {
    let mut all = Vec::new();
    for page in 1..=FALLBACK_PAGES {
        let (mut files, has_next): (Vec<DiffEntry>, bool) = instance
            .client
            .get_json(
                &format!(
                    "{}/pulls/{number}/files?per_page=100&page={page}",
                    repo.api()
                ),
                &format!("the files of pull request #{number} of {}", repo.full()),
                ctx,
            )
            .await?;
        all.append(&mut files);
        if !has_next {
            break;
        }
    }
    Ok(all)
}

/// Which files of a diff to show, and how much of each.
#[derive(Debug)]
pub(crate) struct Choice<'a> {
    /// Only this file (even a collapsed one), read in parts.
    pub path: Option<&'a str>,
    pub include_generated: Option<bool>,
    /// Patch lines per file.
    pub max_lines: u32,
    /// Whether the caller set `max_lines` (then the next part's call repeats it).
    pub max_lines_given: bool,
    /// With `path`: the patch line to start at.
    pub from_line: u32,
}

impl<'a> Choice<'a> {
    /// Check the arguments the diff tools share.
    pub fn checked(
        path: Option<&'a str>,
        include_generated: Option<bool>,
        max_lines: Option<u32>,
        from_line: Option<u32>,
    ) -> Result<Self, ConnectorError> {
        if let Some(path) = path {
            crate::ids::check_path(path)?;
        }
        if from_line.is_some() && path.is_none() {
            return Err(ConnectorError::invalid(
                "from_line continues one file's patch: pass it with path",
            ));
        }
        if from_line == Some(0) {
            return Err(ConnectorError::invalid(
                "from_line 0 is not a line: patch lines count from 1",
            ));
        }
        Ok(Choice {
            path: path.map(|p| p.trim_matches('/')),
            include_generated,
            max_lines: page_size("max_lines", max_lines, LINES_PER_FILE.0, LINES_PER_FILE.1)?,
            max_lines_given: max_lines.is_some(),
            from_line: from_line.unwrap_or(1),
        })
    }
}

/// Render changed files for a diff tool: all of them, or the one `choice.path` names, from
/// `choice.from_line`.
pub(crate) fn render_files(
    header: &str,
    note: &str,
    files: &[FileChange<'_>],
    choice: &Choice<'_>,
    again: &str,
    ctx: &CallContext,
    uri: String,
) -> Result<ToolOutput, ConnectorError> {
    let mut text = String::from(header);
    text.push('\n');
    if !note.is_empty() {
        let _ = writeln!(text, "{note}");
    }
    let max_bytes = ctx.budget.max_bytes().saturating_sub(text.len() + 200);
    if let Some(wanted) = choice.path {
        let Some(file) = files.iter().find(|f| f.is_named(wanted)) else {
            let names: Vec<&str> = files.iter().take(20).map(|f| f.path).collect();
            let _ = write!(
                text,
                "no changed file is named {wanted:?}; changed files: {}{}",
                names.join(", "),
                if files.len() > 20 { ", …" } else { "" }
            );
            return Ok(finish(text, false, vec![uri]));
        };
        let mut again = format!("{again} path=\"{wanted}\"");
        if choice.max_lines_given {
            let _ = write!(again, " max_lines={}", choice.max_lines);
        }
        let part = one_file::Part {
            from_line: choice.from_line,
            max_lines: choice.max_lines,
            max_bytes,
            again: &again,
        };
        let (body, truncated) = one_file::render(file, &part)?;
        text.push_str(&body);
        return Ok(finish(text, truncated, vec![uri]));
    }
    let limits = DiffLimits {
        max_lines_per_file: choice.max_lines as usize,
        max_bytes,
        show_collapsed: choice.include_generated == Some(true),
        with_patches: true,
        again: again.to_owned(),
    };
    let rendered = render_diff(files, &limits);
    text.push_str(&rendered.text);
    Ok(finish(text, rendered.truncated, vec![uri]))
}
