//! Commits (exact page sizes, cursors), files (text, binary, large) and code search.

use base64::Engine as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    ENCODED, PROJECT, TOKEN, connector, fixture, get, json_fixture, ok, ok_json, page, requests,
};

/// `n` commits, newest first.
pub fn commits(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| {
                let id = format!("{:040x}", 0xabc000 + i);
                json!({
                    "id": id, "short_id": &id[..8], "title": format!("Change number {i}"),
                    "message": format!("Change number {i}\n\nWith a body."),
                    "author_name": "Octo User", "author_email": "user@example.com",
                    "authored_date": "2025-01-14T10:00:00.000Z", "committed_date": "2025-01-14T10:00:00.000Z",
                    "parent_ids": [], "web_url": "https://gitlab.example.com/x",
                    "stats": {"additions": 3, "deletions": 1, "total": 4}
                })
            })
            .collect(),
    )
}

/// Serve `content` as `path` at `git_ref` (HEAD with its size, GET with base64 content).
pub async fn mount_file(server: &MockServer, file: &str, git_ref: &str, content: &[u8]) {
    let endpoint = format!(
        "/api/v4/projects/{ENCODED}/repository/files/{}",
        file.replace('/', "%2F")
    );
    Mock::given(method("HEAD"))
        .and(path(endpoint.as_str()))
        .and(query_param("ref", git_ref))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-gitlab-size", content.len().to_string().as_str())
                .insert_header(
                    "x-gitlab-blob-id",
                    "3ed128ea5ff4526fed124e2991b82ae74af2cc19",
                ),
        )
        .mount(server)
        .await;
    let body = json!({
        "file_name": file.rsplit('/').next(), "file_path": file, "size": content.len(),
        "encoding": "base64", "content": base64::engine::general_purpose::STANDARD.encode(content),
        "ref": git_ref, "blob_id": "3ed128ea5ff4526fed124e2991b82ae74af2cc19",
        "commit_id": "d5a3ff139356ce33e37e73add446f16869741b50",
        "last_commit_id": "570e7b2abdd848b95f2f578043fc23bd6f6fd24d"
    });
    Mock::given(method("GET"))
        .and(path(endpoint.as_str()))
        .and(query_param("ref", git_ref))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn list_commits_honours_a_page_size_of_one_with_a_cursor() {
    let server = MockServer::start().await;
    let all = commits(30);
    for page_number in 1..=3 {
        get(&format!("projects/{ENCODED}/repository/commits"))
            .and(query_param("per_page", "1"))
            .and(query_param("page", page_number.to_string().as_str()))
            .and(query_param("ref_name", "main"))
            .respond_with(page(
                &json!([all[page_number - 1].clone()]),
                page_number,
                true,
                Some(30),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let gl = connector(&server);
    let out = ok(
        &gl,
        "gitlab_list_commits",
        json!({"project": PROJECT, "ref": "main", "limit": 1}),
    )
    .await;
    assert!(out.text.contains("items: 1 "), "{}", out.text);
    assert!(out.text.contains("Change number 0"), "{}", out.text);
    assert!(!out.text.contains("Change number 1\n"));
    assert!(
        out.text
            .contains(&format!("gitlab://{PROJECT}/commit/{:040x}", 0xabc000)),
        "{}",
        out.text
    );
    let cursor = out.next_cursor.clone().expect("a cursor");
    // The cursor alone continues the same listing, one commit at a time.
    let second = ok(&gl, "gitlab_list_commits", json!({"cursor": cursor})).await;
    assert!(second.text.contains("Change number 1"), "{}", second.text);
    let third = ok(
        &gl,
        "gitlab_list_commits",
        json!({"cursor": second.next_cursor.unwrap()}),
    )
    .await;
    assert!(third.text.contains("Change number 2"), "{}", third.text);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(
        sent[0].starts_with(&format!(
            "GET /api/v4/projects/{ENCODED}/repository/commits?"
        )),
        "{sent:?}"
    );
    // Another ref with the same cursor would mix two listings: refused.
    let err = crate::support::call(
        &gl,
        "gitlab_list_commits",
        json!({"cursor": out.next_cursor.unwrap(), "ref": "dev"}),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("other ref"), "{err}");
}

#[tokio::test]
async fn a_readme_comes_back_as_plain_text_with_the_encoded_path() {
    let server = MockServer::start().await;
    let fixture_file = json_fixture("repository_file.json");
    Mock::given(method("HEAD"))
        .and(path(format!(
            "/api/v4/projects/{ENCODED}/repository/files/app%2Fmodels%2Fkey.rb"
        )))
        .and(query_param("ref", "main"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-gitlab-size", "112"))
        .mount(&server)
        .await;
    get(&format!(
        "projects/{ENCODED}/repository/files/app%2Fmodels%2Fkey.rb"
    ))
    .and(query_param("ref", "main"))
    .respond_with(ok_json(&fixture_file))
    .expect(1)
    .mount(&server)
    .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "app/models/key.rb", "ref": "main"}),
    )
    .await;
    assert!(
        out.text.contains("class Key < ApplicationRecord"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("Ünïcode comment — 日本語 ✓"),
        "{}",
        out.text
    );
    assert!(!out.truncated);
    assert_eq!(
        out.uris,
        vec![format!("gitlab://{PROJECT}/blob/main/app/models/key.rb")]
    );
    let received = server.received_requests().await.unwrap();
    assert!(received.iter().all(
        |r| r.headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(format!("Bearer {TOKEN}").as_str())
    ));
}

#[tokio::test]
async fn a_binary_file_is_metadata_never_decoded_text() {
    let server = MockServer::start().await;
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n".to_vec();
    pdf.extend((0u8..=255).cycle().take(4000));
    mount_file(&server, "docs/spec.pdf", "main", &pdf).await;
    get(&format!("projects/{ENCODED}"))
        .respond_with(ok_json(
            &json!({"path_with_namespace": PROJECT, "default_branch": "main"}),
        ))
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "docs/spec.pdf"}),
    )
    .await;
    assert!(
        out.text.contains("not shown: binary content"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains(&format!("{} bytes", pdf.len())),
        "{}",
        out.text
    );
    assert!(
        !out.text.contains("%PDF") && !out.text.contains("Catalog"),
        "{}",
        out.text
    );
    assert!(out.text.len() < 500);
}

#[tokio::test]
async fn a_file_over_one_megabyte_is_not_downloaded() {
    let server = MockServer::start().await;
    Mock::given(method("HEAD"))
        .and(path(format!(
            "/api/v4/projects/{ENCODED}/repository/files/data%2Fdump.sql"
        )))
        .respond_with(ResponseTemplate::new(200).insert_header("x-gitlab-size", "5242880"))
        .mount(&server)
        .await;
    get(&format!(
        "projects/{ENCODED}/repository/files/data%2Fdump.sql"
    ))
    .respond_with(ResponseTemplate::new(500))
    .expect(0)
    .mount(&server)
    .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "data/dump.sql", "ref": "v1.0"}),
    )
    .await;
    assert!(
        out.text.contains("5242880 bytes") && out.text.contains("over 1 MB"),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn a_long_file_is_cut_with_the_line_to_continue_from() {
    let server = MockServer::start().await;
    let text: String = (1..=30_000).map(|i| format!("line {i}\n")).collect();
    mount_file(&server, "big.txt", "main", text.as_bytes()).await;
    let gl = connector(&server);
    let out = ok(
        &gl,
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "big.txt", "ref": "main"}),
    )
    .await;
    assert!(out.truncated);
    let hint = out.text.rsplit("from_line=").next().unwrap();
    let next: u32 = hint.trim_end_matches(']').parse().unwrap();
    let more = ok(
        &gl,
        "gitlab_get_file",
        json!({"project": PROJECT, "path": "big.txt", "ref": "main", "from_line": next}),
    )
    .await;
    assert!(
        more.text.contains(&format!("\nline {next}\n")),
        "{}",
        &more.text[..200]
    );
    assert!(out.text.contains(&format!("line {}\n", next - 1)));
}

#[tokio::test]
async fn get_commit_shows_the_message_and_a_plain_diff() {
    let server = MockServer::start().await;
    let commit = commits(1)[0].clone();
    let sha = commit["id"].as_str().unwrap().to_owned();
    get(&format!("projects/{ENCODED}/repository/commits/{sha}"))
        .respond_with(ok_json(&commit))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/repository/commits/{sha}/diff"))
        .and(query_param("per_page", "100"))
        .respond_with(page(
            &json_fixture("merge_request_diffs.json"),
            1,
            false,
            None,
        ))
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_get_commit",
        json!({"project": PROJECT, "sha": sha}),
    )
    .await;
    assert!(
        out.text.contains("Change number 0\n\nWith a body."),
        "{}",
        out.text
    );
    assert!(out.text.contains("-1.9.7\n+1.9.8\n"), "{}", out.text);
    assert!(
        out.text.contains("yarn.lock (modified, +0 -0) [generated]"),
        "{}",
        out.text
    );
    assert!(
        out.text
            .contains("docs/img/architecture.png (added, binary)"),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn search_code_shows_hits_with_lines_and_uris() {
    let server = MockServer::start().await;
    let hits = json!([{"basename": "key", "data": "class Key\n  def fingerprint\n", "path": "app/models/key.rb", "filename": "app/models/key.rb", "id": null, "ref": "main", "startline": 3, "project_id": 4}]);
    get(&format!("projects/{ENCODED}/search"))
        .and(query_param("scope", "blobs"))
        .and(query_param("search", "fingerprint"))
        .and(query_param("per_page", "20"))
        .respond_with(page(&hits, 1, false, None))
        .expect(1)
        .mount(&server)
        .await;
    let out = ok(
        &connector(&server),
        "gitlab_search_code",
        json!({"project": PROJECT, "query": "fingerprint"}),
    )
    .await;
    assert!(out.text.contains("app/models/key.rb:3"), "{}", out.text);
    assert!(
        out.text.contains("    4    def fingerprint"),
        "{}",
        out.text
    );
    assert!(
        out.text
            .contains(&format!("gitlab://{PROJECT}/blob/main/app/models/key.rb"))
    );
    let _ = fixture("repository_file.json");
}
