//! `[store] url` resolved into the database to open: the reference read (`env:`, `file:`),
//! the scheme checked, a relative SQLite path taken from the configuration file's directory.

use std::path::Path;

use super::ConfigIssue;
use super::model::{StoreConfig, StoreUrl};
use super::paths::expand_home;
use crate::store::StoreTarget;

/// The configured store, `None` for the default (SQLite in the data directory), or the
/// problem at `store.url`. Messages never contain the URL (it may hold a password).
pub fn resolve(config: &StoreConfig, base_dir: &Path) -> Result<Option<StoreTarget>, ConfigIssue> {
    let issue = |message: String| ConfigIssue::new("store.url", message);
    let url = match &config.url {
        None => return Ok(None),
        Some(StoreUrl::Literal(url)) => url.clone(),
        Some(StoreUrl::Secret(reference)) => reference
            .resolve()
            .map_err(|err| issue(err.to_string()))?
            .expose()
            .to_owned(),
    };
    let target = StoreTarget::parse(&url).map_err(|err| match &config.url {
        Some(StoreUrl::Secret(reference)) => issue(format!("the URL in {reference}: {err}")),
        _ => issue(err.to_string()),
    })?;
    Ok(Some(match target {
        StoreTarget::Sqlite(path) => {
            let path = expand_home(&path);
            StoreTarget::Sqlite(if path.is_relative() {
                base_dir.join(path)
            } else {
                path
            })
        }
        postgres @ StoreTarget::Postgres(_) => postgres,
    }))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::resolve;
    use crate::config::model::{StoreConfig, StoreUrl};
    use crate::store::StoreTarget;

    fn literal(url: &str) -> StoreConfig {
        StoreConfig {
            url: Some(StoreUrl::Literal(url.into())),
        }
    }

    #[test]
    fn urls_resolve_to_targets() {
        let base = Path::new("/etc/switchyard");
        assert_eq!(resolve(&StoreConfig::default(), base), Ok(None));
        assert_eq!(
            resolve(&literal("sqlite://data/sy.db"), base),
            Ok(Some(StoreTarget::Sqlite(PathBuf::from(
                "/etc/switchyard/data/sy.db"
            ))))
        );
        assert!(matches!(
            resolve(&literal("postgres://sy@db/sy"), base),
            Ok(Some(StoreTarget::Postgres(_)))
        ));
    }

    #[test]
    fn a_file_reference_is_read_and_its_content_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("url");
        std::fs::write(&file, "postgres://sy:hunter2@db/sy\n").unwrap();
        let reference = StoreConfig {
            url: Some(StoreUrl::Secret(switchyard_core::SecretRef::File(
                file.clone(),
            ))),
        };
        let Ok(Some(StoreTarget::Postgres(url))) = resolve(&reference, dir.path()) else {
            panic!("the reference did not resolve");
        };
        assert_eq!(url, "postgres://sy:hunter2@db/sy");

        std::fs::write(&file, "mysql://sy:hunter2@db/sy").unwrap();
        let issue = resolve(&reference, dir.path()).unwrap_err();
        assert_eq!(issue.key, "store.url");
        assert!(issue.message.contains("mysql"), "{issue:?}");
        assert!(!issue.message.contains("hunter2"), "{issue:?}");
    }
}
