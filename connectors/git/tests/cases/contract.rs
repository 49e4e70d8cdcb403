//! The connector contract: specs, argument checks, several repositories, URIs, resources,
//! search, check, construction errors and deadlines.

use std::time::Duration;

use serde_json::json;
use switchyard_core::testkit::{
    assert_budget_respected, assert_rejects_bad_arguments, assert_tool_specs,
};
use switchyard_core::{CallContext, Connector, ErrorKind, ItemUri, SearchQuery};
use switchyard_git::{GitConnector, GitError, RepoConfig, discover_repo};

use crate::support::{Repo, args, commit_ids, fails, ok};

#[tokio::test]
async fn passes_the_conformance_checks() {
    let repo = Repo::new();
    let git = repo.connector();
    assert_tool_specs(&git);
    assert_rejects_bad_arguments(&git).await;
    let names: Vec<&str> = git.tools().iter().map(|spec| spec.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "git_log",
            "git_show_commit",
            "git_diff",
            "git_blame",
            "git_read_file",
            "git_search_code",
            "git_list_refs",
            "git_status"
        ]
    );
    for spec in git.tools() {
        assert!(
            spec.effects.read_only && !spec.effects.open_world,
            "{}",
            spec.name
        );
        assert_eq!(
            spec.input_schema["properties"]["repo"]["enum"],
            json!(["demo"])
        );
        let required = spec
            .input_schema
            .get("required")
            .cloned()
            .unwrap_or(json!([]));
        assert!(
            !required.as_array().unwrap().contains(&json!("repo")),
            "{}",
            spec.name
        );
    }
}

#[tokio::test]
async fn every_tool_fits_the_smallest_budget() {
    let repo = Repo::new();
    let long: String = (0..400)
        .map(|n| format!("needle line {n} of a long file\n"))
        .collect();
    for n in 0..12 {
        repo.commit_file(
            &format!("dir/file{n}.txt"),
            &long,
            &format!("commit {n} with a message"),
        );
    }
    repo.git(&["tag", "-a", "v1", "-m", "one"]);
    for n in 0..30 {
        repo.git(&["branch", &format!("topic-{n}")]);
        repo.write(format!("untracked-{n}.txt"), "x\n");
    }
    let git = repo.connector();
    let calls = [
        ("git_log", json!({"limit": 200})),
        ("git_show_commit", json!({})),
        ("git_diff", json!({"from": "HEAD~11", "to": "HEAD"})),
        ("git_blame", json!({"path": "dir/file3.txt"})),
        ("git_read_file", json!({"path": "dir/file3.txt"})),
        ("git_read_file", json!({"path": "dir"})),
        ("git_search_code", json!({"query": "needle", "limit": 500})),
        ("git_list_refs", json!({})),
        ("git_status", json!({})),
    ];
    for (tool, arguments) in calls {
        let output = assert_budget_respected(&git, tool, &args(arguments.clone()), 256).await;
        assert!(output.truncated, "{tool} {arguments}: {}", output.text);
    }
}

#[tokio::test]
async fn several_repositories_make_repo_required() {
    let (one, two) = (Repo::new(), Repo::new());
    two.commit_file("only_in_two.txt", "2\n", "two's commit");
    let git = GitConnector::open(
        "git",
        vec![
            RepoConfig::new(one.path()).named("one"),
            RepoConfig::new(two.path()).named("two"),
        ],
    )
    .unwrap();
    assert_tool_specs(&git);
    for spec in git.tools() {
        assert_eq!(
            spec.input_schema["properties"]["repo"]["enum"],
            json!(["one", "two"])
        );
        assert!(
            spec.input_schema["required"]
                .as_array()
                .unwrap()
                .contains(&json!("repo"))
        );
    }
    let err = fails(&git, "git_log", json!({})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    assert!(err.to_string().contains("one, two"), "{err}");
    let err = fails(&git, "git_log", json!({"repo": "three"})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    let log = ok(&git, "git_log", json!({"repo": "two"})).await;
    assert!(
        log.text.contains("two's commit") && log.text.contains("repository two"),
        "{}",
        log.text
    );
    assert!(
        log.uris
            .iter()
            .all(|uri| uri.starts_with("git://two/commit/"))
    );
    assert_eq!(git.resources().await.unwrap().len(), 4);
}

#[tokio::test]
async fn uris_resolve_through_read() {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "feature/x"]);
    let sha = repo.commit_file("dir/a b.txt", "spaced\n", "spaces");
    let git = repo.connector();
    let ctx = CallContext::for_tests();
    let read = |uri: &str| {
        let uri = ItemUri::parse(uri).unwrap();
        let git = &git;
        let ctx = &ctx;
        async move { git.read(&uri, ctx).await }
    };
    let commit = read(&format!("git://demo/commit/{sha}")).await.unwrap();
    assert!(commit.text.contains("spaces"), "{}", commit.text);
    let by_branch = read("git://demo/file/feature%2Fx/dir/a%20b.txt")
        .await
        .unwrap();
    assert!(by_branch.text.contains("spaced"), "{}", by_branch.text);
    let listed = ok(&git, "git_read_file", json!({"path": "dir"})).await;
    let file_uri = listed
        .uris
        .iter()
        .find(|uri| uri.ends_with("a%20b.txt"))
        .unwrap();
    assert!(read(file_uri).await.unwrap().text.contains("spaced"));
    assert!(
        read("git://demo/refs")
            .await
            .unwrap()
            .text
            .contains("branch feature/x")
    );
    assert!(
        read("git://demo/status")
            .await
            .unwrap()
            .text
            .contains("on branch feature/x")
    );
    assert_eq!(
        read("git://other/refs").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        read("git://demo/nonsense").await.unwrap_err().kind(),
        ErrorKind::InvalidArguments
    );
    assert_eq!(
        read("notes://demo/refs").await.unwrap_err().kind(),
        ErrorKind::InvalidArguments
    );
    let missing = read("git://demo/file/HEAD/nope.txt").await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);

    let resources = git.resources().await.unwrap();
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(uris, ["git://demo/refs", "git://demo/status"]);
    let templates: Vec<String> = git
        .resource_templates()
        .into_iter()
        .map(|t| t.uri_template)
        .collect();
    assert!(
        templates.contains(&"git://{repo}/file/{rev}/{+path}".to_owned()),
        "{templates:?}"
    );
    assert!(templates.contains(&"git://{repo}/commit/{rev}".to_owned()));
}

#[tokio::test]
async fn search_finds_commit_messages_and_code() {
    let repo = Repo::new();
    repo.commit_file(
        "src/retry.rs",
        "fn backoff_with_jitter() {}\n",
        "Add exponential backoff",
    );
    repo.commit_file("other.txt", "unrelated\n", "unrelated change");
    let git = repo.connector();
    assert!(git.searchable());
    let query = SearchQuery {
        text: "backoff jitter".into(),
        limit: 5,
    };
    let hits = git.search(&query, &CallContext::for_tests()).await.unwrap();
    assert!(
        hits.iter().any(
            |hit| hit.uri.contains("/commit/") && hit.title.contains("Add exponential backoff")
        ),
        "{hits:?}"
    );
    let code = hits.iter().find(|hit| hit.uri.contains("/file/")).unwrap();
    assert!(
        code.title.ends_with("src/retry.rs") && code.snippet.contains("1: fn backoff_with_jitter"),
        "{code:?}"
    );
    assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score));
    for hit in &hits {
        git.read(
            &ItemUri::parse(&hit.uri).unwrap(),
            &CallContext::for_tests(),
        )
        .await
        .unwrap();
        assert!(hit.updated.as_deref().unwrap().starts_with("2024-01-01T"));
    }
    let none = SearchQuery {
        text: "x".into(),
        limit: 5,
    };
    assert!(
        git.search(&none, &CallContext::for_tests())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn check_reports_each_repository_and_its_head() {
    let repo = Repo::new();
    let report = repo.connector().check().await;
    assert!(report.ok);
    assert!(
        report.detail.contains("demo") && report.detail.contains("HEAD: branch main at"),
        "{}",
        report.detail
    );
}

#[test]
fn construction_errors_say_what_is_wrong() {
    let repo = Repo::new();
    let missing = GitConnector::open("git", vec![RepoConfig::new("/no/such/dir")]).unwrap_err();
    assert!(matches!(missing, GitError::Open { .. }), "{missing}");
    assert!(missing.to_string().contains("/no/such/dir"));
    let twice = vec![
        RepoConfig::new(repo.path()).named("x"),
        RepoConfig::new(repo.path()).named("x"),
    ];
    assert!(matches!(
        GitConnector::open("git", twice).unwrap_err(),
        GitError::DuplicateName { .. }
    ));
    assert!(matches!(
        GitConnector::open("git", vec![]).unwrap_err(),
        GitError::NoRepositories
    ));
    let bad_id = GitConnector::open("Git!", vec![RepoConfig::new(repo.path())]).unwrap_err();
    assert!(matches!(bad_id, GitError::InvalidId { .. }));
    let named = GitConnector::open("git", vec![RepoConfig::new(repo.path())]).unwrap();
    let dir_name = repo
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(named.repo_names(), vec![dir_name.as_str()]);
}

#[test]
fn discover_finds_the_top_level_from_a_subdirectory() {
    let repo = Repo::new();
    repo.commit_file("a/b/c.txt", "c\n", "nested");
    let top = std::fs::canonicalize(repo.path()).unwrap();
    let found = discover_repo(&repo.path().join("a/b")).unwrap();
    assert_eq!(std::fs::canonicalize(found).unwrap(), top);
    let outside = tempfile::TempDir::new().unwrap();
    assert!(discover_repo(outside.path()).is_none() || discover_repo(outside.path()) != Some(top));

    let bare_dir = tempfile::TempDir::new().unwrap();
    let url = format!("file://{}", repo.path().display());
    crate::support::run_git(
        bare_dir.path(),
        &["clone", "-q", "--bare", &url, "mirror.git"],
        crate::support::EPOCH,
        "A <a@x>",
    );
    let bare = bare_dir.path().join("mirror.git");
    assert!(discover_repo(&bare).is_some());
    let git = GitConnector::open("git", vec![RepoConfig::new(&bare)]).unwrap();
    assert_eq!(git.repo_names(), vec!["mirror"]);
}

#[tokio::test]
async fn bare_repositories_serve_history_and_refuse_the_working_tree() {
    let repo = Repo::new();
    let dir = tempfile::TempDir::new().unwrap();
    let url = format!("file://{}", repo.path().display());
    crate::support::run_git(
        dir.path(),
        &["clone", "-q", "--bare", &url, "b.git"],
        crate::support::EPOCH,
        "A <a@x>",
    );
    let git = GitConnector::open("git", vec![RepoConfig::new(dir.path().join("b.git"))]).unwrap();
    assert_eq!(commit_ids(&ok(&git, "git_log", json!({})).await).len(), 1);
    assert!(
        ok(&git, "git_status", json!({}))
            .await
            .text
            .contains("bare")
    );
    let err = fails(&git, "git_diff", json!({})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    assert_eq!(git.resources().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_passed_deadline_stops_the_call_with_a_timeout() {
    let repo = Repo::new();
    let git = repo.connector();
    let ctx = CallContext::for_tests().with_timeout(Duration::ZERO);
    let err = git
        .call("git_log", &args(json!({})), &ctx)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let err = git
        .call("git_nope", &args(json!({})), &CallContext::for_tests())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}
