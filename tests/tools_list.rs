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
