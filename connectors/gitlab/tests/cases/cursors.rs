//! Cursors belong to the instance that made them, and what they carry is checked like the
//! arguments it stands for.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use switchyard_core::{CallContext, Connector};
use switchyard_gitlab::GitlabConnector;
use wiremock::MockServer;

use crate::support::{ENCODED, PROJECT, args, get, issues, ok, page, requests, settings};

fn edited(cursor: &str, edit: impl FnOnce(&mut Value)) -> String {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).unwrap_or_default();
    let mut value: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    edit(&mut value);
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn named(server: &MockServer, id: &str) -> GitlabConnector {
    GitlabConnector::new(settings(server, id)).unwrap_or_else(|err| panic!("{err}"))
}

async fn refused(gl: &GitlabConnector, tool: &str, arguments: Value) -> String {
    match gl
        .call(tool, &args(arguments), &CallContext::for_tests())
        .await
    {
        Ok(out) => panic!("{tool} succeeded: {}", out.text),
        Err(err) => err.to_string(),
    }
}

#[tokio::test]
async fn a_cursor_is_refused_on_another_instance_with_the_instance_to_pass() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&issues(2, 10), 1, true, Some(9)))
        .mount(&server)
        .await;
    get(&format!("projects/{ENCODED}/issues/7"))
        .respond_with(crate::support::ok_json(&issues(1, 90_000)[0]))
        .mount(&server)
        .await;
    let gitlab = named(&server, "gitlab");
    let corp = named(&server, "corp");
    let first = ok(
        &gitlab,
        "gitlab_list_issues",
        json!({"project": PROJECT, "limit": 2}),
    )
    .await;
    let err = refused(
        &corp,
        "gitlab_list_issues",
        json!({"cursor": first.next_cursor.unwrap()}),
    )
    .await;
    assert!(
        err.contains("made by instance gitlab, not corp; pass instance=\"gitlab\""),
        "{err}"
    );
    let long = ok(
        &gitlab,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7}),
    )
    .await;
    let err = refused(
        &corp,
        "gitlab_get_issue",
        json!({"project": PROJECT, "iid": 7, "cursor": long.next_cursor.unwrap()}),
    )
    .await;
    assert!(err.contains("pass instance=\"gitlab\""), "{err}");
    assert_eq!(
        requests(&server).await.len(),
        2,
        "nothing sent for refused cursors"
    );
}

#[tokio::test]
async fn edited_cursors_are_checked_like_arguments() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&issues(2, 10), 1, true, Some(9)))
        .mount(&server)
        .await;
    let gl = named(&server, "gitlab");
    let first = ok(
        &gl,
        "gitlab_list_issues",
        json!({"project": PROJECT, "limit": 2}),
    )
    .await;
    let cursor = first.next_cursor.unwrap();
    let state = edited(&cursor, |c| c["a"][1] = json!("closed&per_page=100"));
    let err = refused(&gl, "gitlab_list_issues", json!({"cursor": state})).await;
    assert!(err.contains("is not one of opened, closed, all"), "{err}");
    let huge = edited(&cursor, |c| c["n"] = json!(100_000));
    let err = refused(&gl, "gitlab_list_issues", json!({"cursor": huge})).await;
    assert!(err.contains("impossible position"), "{err}");
    assert_eq!(
        requests(&server).await.len(),
        1,
        "no edited cursor reached GitLab"
    );
}

#[tokio::test]
async fn a_limit_with_a_cursor_sets_the_next_page_size() {
    let server = MockServer::start().await;
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&issues(4, 10), 1, true, Some(20)))
        .mount(&server)
        .await;
    let gl = named(&server, "gitlab");
    let first = ok(
        &gl,
        "gitlab_list_issues",
        json!({"project": PROJECT, "limit": 4}),
    )
    .await;
    ok(
        &gl,
        "gitlab_list_issues",
        json!({"cursor": first.next_cursor.unwrap(), "limit": 2}),
    )
    .await;
    let sent = requests(&server).await;
    assert!(sent[1].contains("per_page=2&page=3"), "{sent:?}");
}

#[tokio::test]
async fn one_note_is_not_one_notes() {
    let server = MockServer::start().await;
    let mut list = issues(1, 10);
    list[0]["user_notes_count"] = json!(1);
    get(&format!("projects/{ENCODED}/issues"))
        .respond_with(page(&list, 1, false, Some(1)))
        .mount(&server)
        .await;
    let out = ok(
        &named(&server, "gitlab"),
        "gitlab_list_issues",
        json!({"project": PROJECT}),
    )
    .await;
    assert!(out.text.contains(" · 1 note"), "{}", out.text);
    assert!(!out.text.contains("1 notes"), "{}", out.text);
}

#[test]
fn resource_templates_cover_every_uri_read_accepts() {
    let server_uri = "http://127.0.0.1:9";
    let settings = switchyard_gitlab::GitlabSettings::new(
        "gitlab",
        server_uri,
        switchyard_core::Secret::new("t"),
    );
    let gl = GitlabConnector::new(settings).unwrap_or_else(|err| panic!("{err}"));
    let templates: Vec<String> = gl
        .resource_templates()
        .into_iter()
        .map(|t| t.uri_template)
        .collect();
    for part in [
        "/issues/",
        "/-/merge_requests/",
        "/commit/",
        "/blob/",
        "/-/pipelines/",
        "/-/jobs/",
    ] {
        assert!(
            templates.iter().any(|t| t.contains(part)),
            "{part} in {templates:?}"
        );
    }
}
