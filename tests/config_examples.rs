//! Every file in `config/` loads and validates: examples are documentation that must not rot.

use switchyard::config::load::{EMBEDDED_DEFAULT, parse};
use switchyard::config::validate::validate;

#[test]
fn every_config_file_loads_and_validates() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("config/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable file");
        let config = parse(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let issues = validate(&config);
        assert!(issues.is_empty(), "{}: {issues:?}", path.display());
        seen += 1;
    }
    assert!(
        seen >= 3,
        "expected the example configs in config/, found {seen}"
    );
}

#[test]
fn the_embedded_default_is_config_default_toml() {
    let on_disk = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml"),
    )
    .expect("config/default.toml exists");
    assert_eq!(on_disk, EMBEDDED_DEFAULT);
}

#[test]
fn the_documented_broken_example_reports_every_key() {
    let text = r#"
        [server]
        call_timeout_secs = "soon"
        [response]
        max_tokenz = 5
        [connectors.git]
        type = "git"
        repos = [{ path = ".", nmae = "x" }]
    "#;
    let err = parse(text).expect_err("three problems");
    let rendered = err.to_string();
    assert!(
        rendered.starts_with("3 configuration problems:"),
        "{rendered}"
    );
    for key in [
        "server.call_timeout_secs",
        "response.max_tokenz",
        "connectors.git.repos[0].nmae",
    ] {
        assert!(
            rendered.contains(&format!("  - {key}: ")),
            "{key} missing in {rendered}"
        );
    }
}

#[tokio::test]
async fn building_reports_every_problem_in_one_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("switchyard.toml");
    std::fs::write(
        &file,
        r#"
        [server]
        call_timeout_secs = "soon"
        [tools]
        allow = ["gti_log"]
        [connectors.git]
        type = "git"
        repos = [{ name = "gone", path = "missing-checkout" }]
        [connectors.Bad]
        type = "git"
        "#,
    )
    .expect("write config");
    let loaded = switchyard::config::load_and_validate(Some(&file)).expect("readable TOML");
    let overrides = switchyard::app::Overrides {
        data_dir: Some(dir.path().join("data")),
        ..Default::default()
    };
    let Err(err) = switchyard::app::App::build(loaded, &overrides).await else {
        panic!("a broken configuration built");
    };
    let text = err.to_string();
    for key in [
        "server.call_timeout_secs",
        "connectors.Bad",
        "connectors.git.repos[0].path",
        "tools.allow[0]",
    ] {
        assert!(
            text.contains(&format!("  - {key}: ")),
            "{key} missing in {text}"
        );
    }
    // Relative paths are relative to the configuration file, not the working directory.
    assert!(
        text.contains(&dir.path().join("missing-checkout").display().to_string()),
        "{text}"
    );
}

/// The delegation section's names are checked against the catalog when the server is built, all
/// at once and each with its key; a key in an unset environment variable is not among them (its
/// provider is left out with a warning, and git and notes still start).
#[tokio::test]
async fn delegation_names_are_checked_with_their_keys_and_an_unset_key_only_warns() {
    use switchyard::app::{App, AppError, Overrides};
    use switchyard::config::{ConfigSource, Loaded};

    let dir = std::env::temp_dir().join(format!("sy-config-test-{}", std::process::id()));
    let build = |text: &'static str| {
        let data = dir.join("data");
        async move {
            let config = parse(text).unwrap_or_else(|err| panic!("{err}"));
            App::build(
                Loaded::from_config(config, ConfigSource::Embedded),
                &Overrides {
                    repos: Vec::new(),
                    data_dir: Some(data),
                    conformance: false,
                    needs_store: false,
                },
            )
            .await
        }
    };
    let Err(AppError::Config(err)) = build(
        r#"
        [providers.local]
        type = "openai"
        base_url = "http://127.0.0.1:9/v1"
        [models.typo]
        provider = "local"
        tier = "fsat"
        [models.orphan]
        provider = "nowhere"
        [delegate]
        baseline = "gpt-9"
        "#,
    )
    .await
    else {
        panic!("the names must be refused")
    };
    let keys: Vec<&str> = err.issues.iter().map(|i| i.key.as_str()).collect();
    for key in [
        "models.typo.tier",
        "models.orphan.provider",
        "delegate.baseline",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    let tier = err
        .issues
        .iter()
        .find(|i| i.key == "models.typo.tier")
        .map(|i| i.message.as_str())
        .unwrap_or_default();
    assert!(
        tier.contains("\"fsat\" is not in [delegate] tiers (fast, balanced, frontier)"),
        "{tier}"
    );

    let app = build(
        r#"
        [providers.hosted]
        type = "openai"
        base_url = "https://api.example.com/v1"
        api_key = "env:SWITCHYARD_TEST_KEY_THAT_IS_NEVER_SET"
        "#,
    )
    .await
    .unwrap_or_else(|err| panic!("an unset key must not stop the server: {err}"));
    assert!(
        app.warnings.iter().any(|w| w.contains(
            "providers.hosted.api_key: environment variable SWITCHYARD_TEST_KEY_THAT_IS_NEVER_SET is not set; that provider is unavailable until it is set"
        )),
        "{:?}",
        app.warnings
    );
    let _ = std::fs::remove_dir_all(&dir);
}
