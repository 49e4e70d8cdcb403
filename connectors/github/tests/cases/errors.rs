//! Upstream failures (401, 403/429 primary and secondary, 404 across instances, 422,
//! timeouts), arguments refused before any request, and the token kept to its host.

use std::time::Duration;

use serde_json::json;
use switchyard_core::{Connector, ErrorKind};
use switchyard_github::GithubConnector;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    TOKEN, bearer, call, connector, fail, fixture, requests, settings, sibling, upstream,
};

/// A response with the recorded headers; a recorded reset time is moved an hour ahead.
fn with_headers(status: u16, body: &str, headers: &str) -> ResponseTemplate {
    let mut template = ResponseTemplate::new(status).set_body_string(body.to_owned());
    let reset = (std::time::SystemTime::now() + Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    for line in fixture(headers).lines().skip(1) {
        if let Some((name, value)) = line.split_once(": ") {
            let value = if name == "x-ratelimit-reset" {
                reset.as_str()
            } else {
                value
            };
            template = template.insert_header(name, value);
        }
    }
    template
}

#[tokio::test]
async fn a_rejected_token_names_the_instance() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .respond_with(with_headers(
            401,
            &fixture("error_401_bad_credentials.json"),
            "error_401_bad_credentials.headers",
        ))
        .mount(&server)
        .await;
    let err = fail(
        &connector(&server),
        "github_list_issues",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(
        err.to_string()
            .contains("the token of instance github was rejected"),
        "{err}"
    );
    assert!(err.to_string().contains("Bad credentials"));
}

#[tokio::test]
async fn the_primary_rate_limit_reports_its_reset_and_is_not_retried() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .respond_with(with_headers(
            403,
            &fixture("error_403_rate_limit.json"),
            "error_403_rate_limit.headers",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = fail(
        &connector(&server),
        "github_list_commits",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    let text = err.to_string();
    assert!(text.contains("hourly quota"), "{text}");
    assert!(text.contains("it resets at 20"), "{text}");
    assert!(
        text.contains("(in 3599 s)") || text.contains("(in 3600 s)"),
        "{text}"
    );
}

#[tokio::test]
async fn a_long_secondary_limit_is_reported_at_once() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .respond_with(with_headers(
            403,
            &fixture("error_403_secondary_rate_limit.json"),
            "error_403_secondary_rate_limit.headers",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = fail(
        &connector(&server),
        "github_list_commits",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.to_string().contains("secondary rate limit"), "{err}");
    assert!(err.hint().contains("60"));
}

#[tokio::test]
async fn a_429_with_both_headers_honours_retry_after() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .respond_with(with_headers(
            429,
            &fixture("error_403_secondary_rate_limit.json"),
            "error_429_rate_limit_both.headers",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = fail(
        &connector(&server),
        "github_list_commits",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    // retry-after says 60 s, the hourly quota resets in an hour: one figure, the later one.
    let seconds: u64 = err
        .to_string()
        .split("(in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no reset time in {err}"));
    assert!(seconds > 3_500, "{err}");
    assert_eq!(
        err.hint(),
        format!("retry after {seconds} seconds"),
        "{err}"
    );
}

#[tokio::test]
async fn server_failures_and_unreadable_answers_say_what_happened() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .mount(&server)
        .await;
    let github = connector(&server);
    let err = fail(&github, "github_list_issues", json!({"repo": "octo/hello"})).await;
    let text = err.to_string();
    assert!(
        text.contains("(instance github) failed on the issues of octo/hello (502)"),
        "{text}"
    );
    assert!(
        !text.contains("rejected") && !text.trim_end().ends_with(':'),
        "{text}"
    );
    let err = fail(
        &github,
        "github_list_pull_requests",
        json!({"repo": "octo/hello"}),
    )
    .await;
    let text = err.to_string();
    assert!(
        text.contains("something other than the expected JSON"),
        "{text}"
    );
    assert!(!text.contains("invalid type"), "{text}");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_short_secondary_limit_is_waited_out_once() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/commits"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"message": "You have exceeded a secondary rate limit"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/commits"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("commits_list.json")))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_list_commits",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert!(out.text.contains("items: 2"));
    assert_eq!(requests(&server).await, 2);
    // Still limited after the wait: reported, not retried again.
    let server = upstream().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"message": "slow down"})),
        )
        .mount(&server)
        .await;
    let err = fail(
        &connector(&server),
        "github_list_commits",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn not_found_on_the_default_instance_names_its_host_and_the_others() {
    // Case 7: an enterprise host (the default) and github.com.
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/repos/octo/hello/contents/docs/guide.md"))
        .and(wiremock::matchers::header(
            "authorization",
            bearer().as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(404).set_body_string(fixture("error_404_not_found.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut ghes = settings(&server);
    ghes.id = "ghes".into();
    ghes.base_url = format!("{}/api/v3", server.uri());
    ghes.siblings = vec![sibling("github", "api.github.com")];
    let ghes = GithubConnector::new(ghes).unwrap();
    let err = fail(
        &ghes,
        "github_get_file",
        json!({"repo": "octo/hello", "path": "docs/guide.md"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let text = err.to_string();
    let host = server.uri().trim_start_matches("http://").to_owned();
    assert!(
        text.contains(&format!(
            "file docs/guide.md of octo/hello was not found on instance ghes ({host})"
        )),
        "{text}"
    );
    assert!(
        text.contains("other instances: github (api.github.com); pass instance=\"github\""),
        "{text}"
    );
}

#[tokio::test]
async fn validation_errors_carry_githubs_message() {
    let server = upstream().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/hello/issues"))
        .respond_with(
            ResponseTemplate::new(422).set_body_string(fixture("error_422_validation.json")),
        )
        .mount(&server)
        .await;
    let github = crate::support::writer(&server, &["octo/hello"]);
    let err = fail(
        &github,
        "github_create_issue",
        json!({"repo": "octo/hello", "title": "x"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::Upstream);
    assert!(err.to_string().contains("status 422"));
    assert!(err.to_string().contains("Validation Failed"), "{err}");
}

#[tokio::test]
async fn a_slow_upstream_times_out() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(5))
                .set_body_string("[]"),
        )
        .mount(&server)
        .await;
    let mut slow = settings(&server);
    slow.request_timeout = Duration::from_millis(300);
    let github = GithubConnector::new(slow).unwrap();
    let err = fail(&github, "github_list_issues", json!({"repo": "octo/hello"})).await;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("did not answer"));
}

#[tokio::test]
async fn bad_identifiers_are_refused_before_any_request() {
    let server = upstream().await;
    let github = connector(&server);
    for (tool, args) in [
        ("github_list_issues", json!({"repo": "../etc"})),
        ("github_list_issues", json!({"repo": "octo/.."})),
        (
            "github_get_file",
            json!({"repo": "octo/hello", "path": "../../etc/passwd"}),
        ),
        (
            "github_get_file",
            json!({"repo": "octo/hello", "path": "a/b", "ref": "main..other"}),
        ),
        (
            "github_get_issue",
            json!({"repo": "octo/hello", "number": 0}),
        ),
        (
            "github_get_commit",
            json!({"repo": "octo/hello", "ref": "x?y=1"}),
        ),
        (
            "github_get_job_log",
            json!({"repo": "octo/hello", "job_id": 0}),
        ),
        (
            "github_list_commits",
            json!({"repo": "octo/hello", "limit": 0}),
        ),
    ] {
        let err = fail(&github, tool, args).await;
        assert_eq!(err.kind(), ErrorKind::InvalidArguments, "{tool}: {err}");
    }
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn the_token_never_leaves_its_host() {
    let server = upstream().await;
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/actions/jobs/42/logs"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/logs/42.txt?sig=abc", storage.uri()).as_str(),
        ))
        .mount(&server)
        .await;
    let log: String = (1..=500)
        .map(|i| format!("2025-01-15T08:00:00.0000000Z line {i}\n"))
        .collect();
    Mock::given(method("GET"))
        .and(path("/logs/42.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(log))
        .mount(&storage)
        .await;
    let out = call(
        &connector(&server),
        "github_get_job_log",
        json!({"repo": "octo/hello", "job_id": 42, "lines": 50}),
    )
    .await;
    assert!(out.text.contains("last 50 of 500 lines"));
    assert!(out.text.ends_with("line 500"), "{}", out.text);
    assert!(!out.text.contains("line 450\n"));
    assert!(!out.text.contains("2025-01-15T08"));
    let sent = storage.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].headers.get("authorization").is_none());
    let to_github = server.received_requests().await.unwrap();
    assert_eq!(
        to_github[0]
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        format!("Bearer {TOKEN}")
    );
}

#[tokio::test]
async fn a_redirect_elsewhere_is_reported_not_followed() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(301).insert_header(
            "location",
            "https://elsewhere.example.com/repos/new/name/issues",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = fail(
        &connector(&server),
        "github_list_issues",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert!(
        err.to_string()
            .contains("moved to https://elsewhere.example.com/repos/new/name/issues"),
        "{err}"
    );
}

#[tokio::test]
async fn check_reports_the_user_and_the_rate_limit() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"login": "octo-user"}))
                .insert_header("x-ratelimit-remaining", "4987")
                .insert_header("x-ratelimit-limit", "5000"),
        )
        .mount(&server)
        .await;
    let report = connector(&server).check().await;
    assert!(report.ok);
    assert!(
        report
            .detail
            .contains("token valid for @octo-user; rate limit 4987/5000"),
        "{}",
        report.detail
    );
    let bad = upstream().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(fixture("error_401_bad_credentials.json")),
        )
        .mount(&bad)
        .await;
    let report = connector(&bad).check().await;
    assert!(!report.ok);
    assert!(report.detail.contains("rejected"), "{}", report.detail);
}

#[tokio::test]
async fn plain_http_is_refused_unless_the_host_is_this_machine() {
    let server = upstream().await;
    let mut remote = settings(&server);
    remote.base_url = "http://ghes.example.com/api/v3".to_owned();
    let err = GithubConnector::new(remote).unwrap_err();
    assert_eq!(
        err.to_string(),
        "base_url: the token would travel unencrypted to ghes.example.com; use https"
    );
    for local in [
        "http://localhost:9/api/v3",
        "http://[::1]:9",
        "http://127.0.0.2:9",
    ] {
        let mut loopback = settings(&server);
        loopback.base_url = local.to_owned();
        assert!(GithubConnector::new(loopback).is_ok(), "{local}");
    }
}

#[tokio::test]
async fn range_errors_name_the_argument_given() {
    let server = upstream().await;
    let github = connector(&server);
    let err = fail(
        &github,
        "github_get_job_log",
        json!({"repo": "o/r", "job_id": 1, "lines": 0}),
    )
    .await;
    assert!(
        err.to_string()
            .contains("lines 0 must be between 1 and 2000"),
        "{err}"
    );
    let err = fail(
        &github,
        "github_get_pull_request_diff",
        json!({"repo": "o/r", "number": 1, "max_lines": 0}),
    )
    .await;
    assert!(err.to_string().contains("max_lines 0 must be"), "{err}");
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn a_slow_upstream_is_a_timeout_naming_the_instance_and_the_seconds() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mut slow = settings(&server);
    slow.request_timeout = Duration::from_secs(1);
    let github = GithubConnector::new(slow).unwrap();
    let err = fail(&github, "github_list_issues", json!({"repo": "octo/hello"})).await;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let host = server.uri().trim_start_matches("http://").to_owned();
    assert!(
        err.to_string().contains(&format!(
            "{host} (instance github) did not answer within 1 s; retry, or narrow the request"
        )),
        "{err}"
    );
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_unreachable_host_is_named_with_the_root_cause_only() {
    let server = upstream().await;
    let mut gone = settings(&server);
    gone.base_url = "http://127.0.0.1:1".to_owned();
    let github = GithubConnector::new(gone).unwrap();
    let err = fail(&github, "github_list_issues", json!({"repo": "octo/hello"})).await;
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("cannot reach 127.0.0.1:1 (instance github): "),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
    for noise in ["Service Error", "client error", "(Connect)"] {
        assert!(!text.contains(noise), "{text}");
    }
}

#[tokio::test]
async fn a_ghes_base_url_without_api_v3_gets_a_hint_in_check() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let report = connector(&server).check().await;
    assert!(!report.ok);
    assert!(
        report
            .detail
            .ends_with("; a GitHub Enterprise base_url ends in /api/v3"),
        "{}",
        report.detail
    );
}
