//! The conformance fixtures are a hidden mode: `serve --conformance` mounts them, and without
//! it the server publishes exactly what it always does. (`scripts/conformance.sh` runs the
//! official suite against the mode; `expected-failures.yaml` beside this file is its
//! baseline.)

#[cfg(test)]
mod tests {
    use rmcp::ServerHandler;
    use switchyard::app::{App, Overrides};
    use switchyard::config::{ConfigSource, Loaded, load::EMBEDDED_DEFAULT, load::parse};

    async fn app(data: &std::path::Path, conformance: bool) -> App {
        let config = parse(EMBEDDED_DEFAULT).expect("embedded default parses");
        let overrides = Overrides {
            repos: Vec::new(),
            data_dir: Some(data.to_path_buf()),
            conformance,
            needs_store: false,
        };
        App::build(
            Loaded::from_config(config, ConfigSource::Embedded),
            &overrides,
        )
        .await
        .expect("app builds")
    }

    fn names(app: &App) -> Vec<String> {
        app.server()
            .published_tools()
            .iter()
            .map(|tool| tool.name.to_string())
            .collect()
    }

    const FIXTURE_TOOLS: &[&str] = &[
        "test_simple_text",
        "test_sampling",
        "test_input_required_result_elicitation",
        "json_schema_2020_12_tool",
        "slow_compute",
    ];

    #[tokio::test]
    async fn fixtures_appear_only_in_conformance_mode() {
        let data = tempfile::tempdir().expect("temp dir");
        let plain = app(data.path(), false).await;
        let mounted = app(data.path(), true).await;

        let plain_names = names(&plain);
        let mounted_names = names(&mounted);
        for fixture in FIXTURE_TOOLS {
            assert!(
                !plain_names.iter().any(|name| name == fixture),
                "{fixture} leaks into the normal server"
            );
            assert!(
                mounted_names.iter().any(|name| name == fixture),
                "{fixture} missing in conformance mode"
            );
        }
        for name in &plain_names {
            assert!(
                mounted_names.contains(name),
                "{name} disappears in conformance mode"
            );
        }

        let plain_caps =
            serde_json::to_value(plain.server().get_info().capabilities).expect("json");
        let mounted_caps =
            serde_json::to_value(mounted.server().get_info().capabilities).expect("json");
        for key in ["logging", "completions", "extensions"] {
            assert!(
                plain_caps.get(key).is_none(),
                "the normal server declares {key}"
            );
            assert!(
                mounted_caps.get(key).is_some(),
                "conformance mode does not declare {key}"
            );
        }
        assert!(plain_caps["resources"].get("subscribe").is_none());
        assert!(plain_caps["tools"].get("listChanged").is_none());
    }
}
