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
