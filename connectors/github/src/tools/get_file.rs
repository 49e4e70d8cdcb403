//! `github_get_file`: a file's text at a ref, in a plain text block, from a line on and cut
//! within the budget; binary files and files over 1 MB come back as metadata; a directory
//! as a listing.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::budget::cut_text;
use switchyard_core::{CallContext, ConnectorError, ToolEffects, ToolOutput, ToolSpec};

use crate::ids::{Query, RepoId, check_path, check_ref};
use crate::render;
use crate::tools::common::{Instance, finish, room};
use crate::uris;
use crate::wire::Content;

pub(crate) const NAME: &str = "github_get_file";

/// Larger files are shown as metadata only.
const MAX_TEXT_BYTES: u64 = 1024 * 1024;

/// Extensions of formats that are never text.
const BINARY_EXTENSIONS: &[&str] = &[
    "pdf", "png", "jpg", "jpeg", "gif", "webp", "ico", "bmp", "zip", "gz", "tgz", "xz", "bz2",
    "7z", "jar", "war", "exe", "dll", "so", "dylib", "a", "o", "class", "wasm", "woff", "woff2",
    "ttf", "otf", "mp3", "mp4", "mov", "avi", "sqlite", "db", "bin", "psd", "xlsx", "docx", "pptx",
];

/// Arguments of `github_get_file`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// owner/name.
    pub repo: String,
    /// File or directory path.
    #[schemars(length(max = 4096))]
    pub path: String,
    /// Branch, tag or SHA (default branch if omitted).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// First line to show (default 1).
    pub from_line: Option<u32>,
}

pub(crate) fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Get a GitHub file",
        "Read a file at a ref as plain text (binary or over 1 MB: metadata only), or list a directory.",
        ToolEffects::REMOTE_READ,
    )
}

pub(crate) async fn run(
    instance: &Instance,
    params: Params,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let repo = instance.repo(&params.repo)?;
    if let Some(git_ref) = &params.git_ref {
        check_ref(git_ref)?;
    }
    show(
        instance,
        &repo,
        params.git_ref.as_deref(),
        &params.path,
        params.from_line.unwrap_or(1),
        ctx,
    )
    .await
}

/// The file `path` of `repo` at `git_ref` (also what `read` shows for `/blob/<ref>/<path>`).
pub(crate) async fn show(
    instance: &Instance,
    repo: &RepoId,
    git_ref: Option<&str>,
    path: &str,
    from_line: u32,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let encoded = check_path(path)?;
    let path = path.trim_matches('/');
    let mut query = Query::default();
    query.push_opt("ref", git_ref);
    let at = git_ref.map(|r| format!(" at {r}")).unwrap_or_default();
    let what = format!("file {path} of {}{at}", repo.full());
    let (value, _): (serde_json::Value, bool) = instance
        .client
        .get_json(
            &format!("{}/contents/{encoded}{}", repo.api(), query.as_str()),
            &what,
            ctx,
        )
        .await?;
    let shown_ref = git_ref.unwrap_or("HEAD");
    if value.is_array() {
        let entries: Vec<Content> = serde_json::from_value(value).unwrap_or_default();
        return Ok(listing(instance, repo, shown_ref, path, &entries, ctx));
    }
    let content: Content =
        serde_json::from_value(value).map_err(|err| ConnectorError::Upstream {
            status: 200,
            message: format!(
                "{} sent a file answer we cannot read: {err}",
                instance.client.origin.host
            ),
        })?;
    let uri = uris::blob(&instance.id, repo, shown_ref, path);
    let meta = format!(
        "{} of {}{at} on {} · {} · blob {}",
        path,
        repo.full(),
        instance.id,
        render::plural(content.size, "byte"),
        content.sha.get(..12).unwrap_or(&content.sha)
    );
    if content.kind != "file" {
        return Ok(finish(
            format!("{meta} · a {}, not a file\n{uri}", content.kind),
            false,
            vec![uri],
        ));
    }
    let extension = path
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if BINARY_EXTENSIONS.contains(&extension.as_str()) {
        return Ok(finish(
            format!("{meta} · binary ({extension}), not shown as text\n{uri}"),
            false,
            vec![uri],
        ));
    }
    let encoded_body = content.content.unwrap_or_default();
    if content.size > MAX_TEXT_BYTES
        || content.encoding.as_deref() != Some("base64")
        || (encoded_body.is_empty() && content.size > 0)
    {
        return Ok(finish(
            format!("{meta} · too large to show as text (over 1 MB); read it in a checkout\n{uri}"),
            false,
            vec![uri],
        ));
    }
    let compact: String = encoded_body
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .map_err(|err| ConnectorError::Upstream {
            status: 200,
            message: format!("the content of {what} is not valid base64: {err}"),
        })?;
    let sniff = &bytes[..bytes.len().min(8000)];
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) if !sniff.contains(&0) => text,
        _ => {
            return Ok(finish(
                format!("{meta} · binary, not shown as text\n{uri}"),
                false,
                vec![uri],
            ));
        }
    };
    let total_lines = text.lines().count();
    let first = from_line.max(1) as usize;
    if first > total_lines.max(1) {
        return Err(ConnectorError::invalid(format!(
            "from_line {first} is past the end: {} has {total_lines} line{}",
            render::clean(path),
            if total_lines == 1 { "" } else { "s" }
        )));
    }
    let start = if first == 1 {
        0
    } else {
        match text.match_indices('\n').nth(first - 2) {
            Some((at, _)) => at + 1,
            None => text.len(),
        }
    };
    let mut out = format!(
        "{meta} · {}\n{uri}\n",
        render::plural(total_lines as u64, "line")
    );
    if first > 1 {
        let _ = writeln!(out, "(from line {first})");
    }
    out.push('\n');
    let cut = cut_text(&text[start..], room(ctx, out.len()));
    out.push_str(&render::clean(cut.kept));
    if cut.is_truncated() {
        let next = first + cut.kept.lines().count();
        if !out.ends_with('\n') {
            out.push('\n');
        }
        let _ = write!(
            out,
            "[truncated: {} not shown; call {NAME} again with from_line={next}]",
            render::plural(cut.omitted_lines as u64, "more line")
        );
    }
    Ok(finish(out, cut.is_truncated(), vec![uri]))
}

fn listing(
    instance: &Instance,
    repo: &RepoId,
    shown_ref: &str,
    path: &str,
    entries: &[Content],
    ctx: &CallContext,
) -> ToolOutput {
    let mut page = switchyard_core::PageWriter::new(
        format!(
            "directory {path} of {} at {shown_ref} on {}",
            repo.full(),
            instance.id
        ),
        &ctx.budget,
    );
    for entry in entries {
        let line = match entry.kind.as_str() {
            "dir" => format!("{}/", render::clean(&entry.path)),
            "file" => format!(
                "{} ({})",
                render::clean(&entry.path),
                render::plural(entry.size, "byte")
            ),
            other => format!("{} ({other})", render::clean(&entry.path)),
        };
        if !page.push(&line, None) {
            break;
        }
    }
    let omitted = entries.len() - page.shown();
    page.finish(
        None,
        (omitted > 0).then_some(omitted),
        "the directory is empty",
    )
}
