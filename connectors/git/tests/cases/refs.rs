//! `git_list_refs` and HEAD states: branches, tags, ahead/behind, detached HEAD.

use serde_json::json;

use crate::support::{Repo, ok};

#[tokio::test]
async fn branches_show_exact_ahead_and_behind_of_the_default_branch() {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    for n in 1..=3 {
        repo.commit_file("feature.txt", format!("{n}\n"), &format!("feature {n}"));
    }
    repo.git(&["checkout", "-q", "main"]);
    for n in 1..=2 {
        repo.commit_file("main.txt", format!("{n}\n"), &format!("main {n}"));
    }
    repo.git(&["branch", "stale", "HEAD~2"]);
    let git = repo.connector();
    let refs = ok(&git, "git_list_refs", json!({})).await;
    let text = &refs.text;
    assert!(text.contains("HEAD: branch main at"), "{text}");
    assert!(text.contains("default branch: main"), "{text}");
    assert!(
        text.contains("ahead 3, behind 2 of main · feature 3"),
        "{text}"
    );
    assert!(text.contains("ahead 0, behind 2 of main"), "{text}");
    assert!(
        text.contains("branch main at") && text.contains("the default branch"),
        "{text}"
    );
}

#[tokio::test]
async fn tags_show_their_target_commit_annotated_or_not() {
    let repo = Repo::new();
    let tagged = repo.commit_file("a.txt", "1\n", "release one");
    repo.git(&["tag", "-a", "v1.0", "-m", "Version 1.0"]);
    repo.git(&["tag", "light"]);
    repo.commit_file("a.txt", "2\n", "after");
    let git = repo.connector();
    let tags = ok(&git, "git_list_refs", json!({"kind": "tags"})).await;
    let short = &tagged[..10];
    assert!(
        tags.text.contains(&format!(
            "tag v1.0 -> commit {short} (annotated: \"Version 1.0\")"
        )),
        "{}",
        tags.text
    );
    assert!(
        tags.text
            .contains(&format!("tag light -> commit {short} (lightweight)")),
        "{}",
        tags.text
    );
    assert!(!tags.text.contains("\nbranch "), "{}", tags.text);
    assert!(tags.uris.iter().all(|uri| uri.ends_with(&tagged)));
    let filtered = ok(&git, "git_list_refs", json!({"contains": "V1"})).await;
    assert!(
        filtered.text.contains("v1.0") && !filtered.text.contains("light"),
        "{}",
        filtered.text
    );
}

#[tokio::test]
async fn refs_page_by_name() {
    let repo = Repo::new();
    for name in ["b1", "b2", "b3", "b4"] {
        repo.git(&["branch", name]);
    }
    let git = repo.connector();
    let first = ok(
        &git,
        "git_list_refs",
        json!({"kind": "branches", "limit": 3}),
    )
    .await;
    assert!(
        first.text.contains("branch b3") && !first.text.contains("branch b4"),
        "{}",
        first.text
    );
    assert!(first.text.contains("omitted: 2"), "{}", first.text);
    let second = ok(
        &git,
        "git_list_refs",
        json!({"kind": "branches", "cursor": first.next_cursor.unwrap()}),
    )
    .await;
    assert!(
        second.text.contains("branch b4") && second.text.contains("branch main"),
        "{}",
        second.text
    );
    assert!(!second.text.contains("branch b3"));
}

#[tokio::test]
async fn detached_head_is_said_in_status_and_refs() {
    let repo = Repo::new();
    let first = repo.git(&["rev-parse", "HEAD"]);
    repo.commit_file("a.txt", "x\n", "second");
    repo.git(&["checkout", "-q", "--detach", &first]);
    let git = repo.connector();
    let short = &first[..10];
    let status = ok(&git, "git_status", json!({})).await;
    assert!(
        status.text.contains(&format!("HEAD detached at {short}")),
        "{}",
        status.text
    );
    let refs = ok(&git, "git_list_refs", json!({})).await;
    assert!(
        refs.text.contains(&format!("HEAD: detached at {short}")),
        "{}",
        refs.text
    );
    assert!(refs.text.contains("default branch: main"), "{}", refs.text);
}

#[tokio::test]
async fn origin_head_names_the_default_branch() {
    let origin = Repo::new();
    origin.git(&["checkout", "-q", "-b", "trunk"]);
    origin.commit_file("t.txt", "t\n", "trunk work");
    let dir = tempfile::TempDir::new().unwrap();
    let url = format!("file://{}", origin.path().display());
    crate::support::run_git(
        dir.path(),
        &["clone", "-q", &url, "c"],
        crate::support::EPOCH,
        "A <a@x>",
    );
    let git = switchyard_git::GitConnector::open(
        "git",
        vec![switchyard_git::RepoConfig::new(dir.path().join("c"))],
    )
    .unwrap();
    let refs = ok(&git, "git_list_refs", json!({})).await;
    assert!(
        refs.text.contains("default branch: origin/trunk"),
        "{}",
        refs.text
    );
    assert!(
        refs.text.contains("remote branch origin/main"),
        "{}",
        refs.text
    );
    assert!(
        refs.text.contains("ahead 0, behind 1 of origin/trunk"),
        "{}",
        refs.text
    );
    assert!(
        refs.text
            .contains("upstream origin/trunk (ahead 0, behind 0)"),
        "{}",
        refs.text
    );
}
