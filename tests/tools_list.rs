//! The `tools/list` snapshot: schemas are an interface, so every change to a tool's name,
//! description, annotations or arguments shows up here for review (`cargo insta review`).

#![expect(
    clippy::expect_used,
    reason = "a test helper that cannot set up fails the test"
)]

use std::process::Command;

use switchyard::app::{App, Overrides};
use switchyard::config::{ConfigSource, Loaded, load::EMBEDDED_DEFAULT, load::parse};

fn git(dir: &std::path::Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

async fn app_for_repo(repo: &std::path::Path, data: &std::path::Path) -> App {
    let config = parse(EMBEDDED_DEFAULT).expect("embedded default parses");
    let overrides = Overrides {
        repos: vec![repo.display().to_string()],
        data_dir: Some(data.to_path_buf()),
        conformance: false,
        needs_store: false,
    };
    App::build(
        Loaded::from_config(config, ConfigSource::Embedded),
        &overrides,
    )
    .await
    .expect("app builds")
}

#[tokio::test]
async fn tools_list_snapshot() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = tempfile::tempdir().expect("temp dir");
    // A fixed directory name: the repository's name appears in the `repo` argument's enum.
    let repo = root.path().join("demo");
    std::fs::create_dir(&repo).expect("mkdir");
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README.md"), "hello\n").expect("write");
    git(&repo, &["add", "."]);
    git(
        &repo,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "init",
        ],
    );
    let app = app_for_repo(&repo, data.path()).await;
    let tools = app.server().published_tools();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for expected in [
        "git_log",
        "git_show_commit",
        "git_diff",
        "git_blame",
        "git_read_file",
        "git_search_code",
        "git_list_refs",
        "git_status",
        "note_add",
        "note_list",
        "note_read",
        "note_delete",
        "read_context",
        "search_context",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for tool in &tools {
        assert!(
            tool.name.len() <= 48
                && tool
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
        assert_eq!(
            tool.input_schema.get("type").and_then(|t| t.as_str()),
            Some("object"),
            "{}",
            tool.name
        );
        assert!(!tool.input_schema.contains_key("anyOf"), "{}", tool.name);
    }
    insta::assert_json_snapshot!("tools_list", serde_json::json!({ "tools": tools }));
}

#[tokio::test]
async fn read_only_hides_every_writing_tool() {
    let repo = tempfile::tempdir().expect("temp dir");
    let data = tempfile::tempdir().expect("temp dir");
    git(repo.path(), &["init", "-q", "-b", "main"]);
    let mut config = parse(EMBEDDED_DEFAULT).expect("parses");
    config.tools.read_only = true;
    let overrides = Overrides {
        repos: vec![repo.path().display().to_string()],
        data_dir: Some(data.path().to_path_buf()),
        conformance: false,
        needs_store: false,
    };
    let app = App::build(
        Loaded::from_config(config, ConfigSource::Embedded),
        &overrides,
    )
    .await
    .expect("builds");
    let tools = app.server().published_tools();
    assert!(!tools.is_empty());
    for tool in &tools {
        let read_only = tool.annotations.as_ref().and_then(|a| a.read_only_hint);
        assert_eq!(
            read_only,
            Some(true),
            "{} is published in read_only mode",
            tool.name
        );
    }
    assert!(
        !tools
            .iter()
            .any(|t| t.name == "note_add" || t.name == "note_delete")
    );
}

/// Two GitHub instances (github.com and an enterprise host) and one GitLab, writes off, beside
/// the built-in notes, context and delegation tools: the tool list does not grow with the number
/// of instances, stays within 40 tools and 10,000 tokens, and every schema is a flat object.
#[tokio::test]
async fn tools_list_with_two_github_instances_and_one_gitlab() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token = dir.path().join("token");
    std::fs::write(&token, "test-token\n").expect("write");
    let token = token.display().to_string();
    let build = |text: String| {
        let data = dir.path().join("data");
        async move {
            let config = parse(&text).expect("parses");
            let overrides = Overrides {
                repos: Vec::new(),
                data_dir: Some(data),
                conformance: false,
                needs_store: false,
            };
            App::build(
                Loaded::from_config(config, ConfigSource::Embedded),
                &overrides,
            )
            .await
            .expect("app builds")
        }
    };
    let one_each = build(format!(
        r#"
[connectors.github]
type = "github"
token = "file:{token}"

[connectors.gitlab]
type = "gitlab"
token = "file:{token}"
"#
    ))
    .await;
    let two_github = build(format!(
        r#"
[connectors.github]
type = "github"
token = "file:{token}"
default = true

[connectors.ghes]
type = "github"
base_url = "https://ghes.example.com/api/v3"
token = "file:{token}"

[connectors.gitlab]
type = "gitlab"
token = "file:{token}"
"#
    ))
    .await;
    let names = |app: &App| -> Vec<String> {
        app.server()
            .published_tools()
            .iter()
            .map(|t| t.name.to_string())
            .collect()
    };
    assert_eq!(
        names(&one_each),
        names(&two_github),
        "a second GitHub instance must not add tools"
    );
    let tools = two_github.server().published_tools();
    assert!(tools.len() <= 40, "{} tools", tools.len());
    let tokens: usize = tools
        .iter()
        .map(|t| serde_json::to_string(t).expect("serialises").len() / 4)
        .sum();
    assert!(tokens < 10_000, "tools/list is ~{tokens} tokens");
    for tool in &tools {
        assert_eq!(
            tool.input_schema.get("type").and_then(|t| t.as_str()),
            Some("object"),
            "{}",
            tool.name
        );
        for combinator in ["anyOf", "oneOf", "allOf"] {
            assert!(
                !tool.input_schema.contains_key(combinator),
                "{} has a top-level {combinator}",
                tool.name
            );
        }
    }
    // Only the GitHub tools take `instance`, an enum of the two ids with the default first.
    for tool in &tools {
        let instance = tool
            .input_schema
            .get("properties")
            .and_then(|p| p.get("instance"));
        if tool.name.starts_with("github_") {
            let ids = instance
                .and_then(|i| i.get("enum"))
                .unwrap_or_else(|| panic!("{} has no instance enum", tool.name));
            assert_eq!(ids, &serde_json::json!(["github", "ghes"]), "{}", tool.name);
        } else {
            assert!(instance.is_none(), "{} takes an instance", tool.name);
        }
    }
    assert!(
        !tools.iter().any(|t| t.name.ends_with("create_issue")
            || t.name.ends_with("comment_issue")
            || t.name.ends_with("update_issue")),
        "writes are off"
    );
    insta::assert_json_snapshot!(
        "tools_list_forges",
        serde_json::json!({ "tokens": tokens, "count": tools.len(), "tools": tools })
    );
}
