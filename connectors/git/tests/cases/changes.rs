//! `git_diff` and `git_status`: revisions, the working tree, binary files, budgets.

use serde_json::json;
use switchyard_core::ErrorKind;
use switchyard_core::testkit::assert_budget_respected;

use crate::support::{Repo, args, fails, ok};

#[tokio::test]
async fn diff_between_revisions_and_of_one_path() {
    let repo = Repo::new();
    let base = repo.commit_file("a.txt", "one\ntwo\n", "a");
    repo.write("a.txt", "one\nTWO\n");
    repo.write("b.txt", "bee\n");
    let tip = repo.commit("edit a, add b");
    let git = repo.connector();
    let all = ok(&git, "git_diff", json!({"from": base, "to": tip})).await;
    assert!(all.text.contains("2 files changed, +2 -1"), "{}", all.text);
    assert!(all.text.contains("-two\n+TWO\n"), "{}", all.text);
    assert!(
        all.text.contains("--- /dev/null\n+++ b/b.txt"),
        "{}",
        all.text
    );
    let one = ok(
        &git,
        "git_diff",
        json!({"from": base, "to": tip, "path": "b.txt"}),
    )
    .await;
    assert!(one.text.contains("1 file changed"), "{}", one.text);
    assert!(!one.text.contains("a.txt"));
    let err = fails(&git, "git_diff", json!({"to": tip})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
}

#[tokio::test]
async fn diff_of_the_working_tree_against_head() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "one\n", "a");
    repo.write("a.txt", "one\nmore\n");
    repo.write("staged.txt", "new\n");
    repo.git(&["add", "staged.txt"]);
    repo.write("untracked.txt", "loose\n");
    let git = repo.connector();
    let diff = ok(&git, "git_diff", json!({})).await;
    assert!(diff.text.contains("working tree"), "{}", diff.text);
    assert!(diff.text.contains("+more"), "{}", diff.text);
    assert!(diff.text.contains("added: staged.txt"), "{}", diff.text);
    assert!(!diff.text.contains("untracked.txt"));
    let from = ok(&git, "git_diff", json!({"from": "HEAD~1", "path": "a.txt"})).await;
    assert!(from.text.contains("added: a.txt"), "{}", from.text);
}

#[tokio::test]
async fn binary_files_are_one_metadata_line() {
    let repo = Repo::new();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(7u8, 3000));
    repo.commit_file("logo.png", &png, "add logo");
    let git = repo.connector();
    let show = ok(&git, "git_show_commit", json!({})).await;
    let binary_lines: Vec<&str> = show
        .text
        .lines()
        .filter(|l| l.contains("Binary file"))
        .collect();
    assert_eq!(binary_lines.len(), 1, "{}", show.text);
    assert!(binary_lines[0].contains("image/png"), "{}", binary_lines[0]);
    assert!(
        show.text.contains("added: logo.png (binary, 2.9 KiB)"),
        "{}",
        show.text
    );
    let read = ok(&git, "git_read_file", json!({"path": "logo.png"})).await;
    assert!(
        read.text
            .contains("binary file: 2.9 KiB (3016 bytes), detected type image/png"),
        "{}",
        read.text
    );
    assert!(!read.text.contains("IHDR"));
}

#[tokio::test]
async fn a_huge_diff_under_a_small_budget_is_cut_with_a_hint() {
    let repo = Repo::new();
    for n in 0..8 {
        let body: String = (0..300)
            .map(|i| format!("file {n} line {i} with some text\n"))
            .collect();
        repo.write(format!("f{n}.txt"), body);
    }
    repo.commit("many big files");
    let git = repo.connector();
    let output = assert_budget_respected(&git, "git_show_commit", &args(json!({})), 1000).await;
    assert!(output.truncated);
    assert!(
        output.text.contains("the response budget was reached"),
        "{}",
        output.text
    );
    assert!(output.text.contains("path=\""), "{}", output.text);
    let diff = assert_budget_respected(
        &git,
        "git_diff",
        &args(json!({"from": "HEAD~1", "to": "HEAD"})),
        600,
    )
    .await;
    assert!(diff.truncated);
}

#[tokio::test]
async fn status_lists_staged_unstaged_and_untracked() {
    let repo = Repo::new();
    repo.commit_file("tracked.txt", "v1\n", "tracked");
    repo.write("tracked.txt", "v2\n");
    repo.write("new.txt", "new\n");
    repo.git(&["add", "new.txt"]);
    repo.write("loose/inner.txt", "x\n");
    repo.git(&["mv", "README.md", "READ.md"]);
    let git = repo.connector();
    let status = ok(&git, "git_status", json!({})).await;
    let text = &status.text;
    assert!(text.contains("on branch main at"), "{text}");
    assert!(text.contains("no upstream"), "{text}");
    assert!(text.contains("new.txt: staged added"), "{text}");
    assert!(text.contains("tracked.txt: unstaged modified"), "{text}");
    assert!(text.contains("untracked: loose/"), "{text}");
    assert!(
        text.contains("READ.md: staged renamed from README.md"),
        "{text}"
    );
    assert!(
        text.contains("changes: 2 staged, 1 unstaged, 1 untracked, 0 conflicted"),
        "{text}"
    );

    let clean = Repo::new();
    let status = ok(&clean.connector(), "git_status", json!({})).await;
    assert!(
        status.text.contains("the working tree is clean"),
        "{}",
        status.text
    );
}

#[tokio::test]
async fn status_pages_by_path() {
    let repo = Repo::new();
    for n in 0..5 {
        repo.write(format!("u{n}.txt"), "x\n");
    }
    let git = repo.connector();
    let first = ok(&git, "git_status", json!({"limit": 3})).await;
    assert!(
        first.text.contains("u2.txt") && !first.text.contains("u3.txt"),
        "{}",
        first.text
    );
    let cursor = first.next_cursor.unwrap();
    let second = ok(&git, "git_status", json!({"limit": 3, "cursor": cursor})).await;
    assert!(
        second.text.contains("u3.txt") && second.text.contains("u4.txt"),
        "{}",
        second.text
    );
    assert!(!second.text.contains("u2.txt"));
    assert!(second.next_cursor.is_none());
}

#[tokio::test]
async fn status_shows_upstream_ahead_and_behind() {
    let origin = Repo::new();
    let clone = tempfile::TempDir::new().unwrap();
    let url = format!("file://{}", origin.path().display());
    crate::support::run_git(
        clone.path(),
        &["clone", "-q", &url, "work"],
        crate::support::EPOCH,
        "A <a@x>",
    );
    let work = clone.path().join("work");
    let git =
        switchyard_git::GitConnector::open("git", vec![switchyard_git::RepoConfig::new(&work)])
            .unwrap();
    std::fs::write(work.join("mine.txt"), "local\n").unwrap();
    crate::support::run_git(
        &work,
        &["add", "-A"],
        crate::support::EPOCH + 50_000,
        "A <a@x>",
    );
    crate::support::run_git(
        &work,
        &["commit", "-q", "-m", "local"],
        crate::support::EPOCH + 50_000,
        "A <a@x>",
    );
    let status = ok(&git, "git_status", json!({"repo": "work"})).await;
    assert!(
        status
            .text
            .contains("upstream origin/main: ahead 1, behind 0"),
        "{}",
        status.text
    );
}
