//! Where things live on disk: the user config and data directories, and `~` expansion.

use std::path::{Path, PathBuf};

use directories::{BaseDirs, ProjectDirs};

/// The platform's directories for Switchyard (`~/.config/switchyard`, `~/.local/share/switchyard`).
pub fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("dev", "switchyard", "switchyard")
}

/// Expand a leading `~/` to the home directory.
pub fn expand_home(path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(base) = BaseDirs::new()
    {
        return base.home_dir().join(rest);
    }
    path.to_path_buf()
}

/// The data directory: `--data-dir`, then `SWITCHYARD_DATA_DIR` (handled by clap), then
/// `[data] dir`, then the user data dir, then `./.switchyard` as a last resort.
pub fn data_dir(cli: Option<&Path>, configured: Option<&Path>) -> PathBuf {
    if let Some(dir) = cli.or(configured) {
        return expand_home(dir);
    }
    project_dirs()
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".switchyard"))
}

#[cfg(test)]
mod tests {
    use super::{data_dir, expand_home};
    use std::path::Path;

    #[test]
    fn explicit_dirs_win() {
        assert_eq!(
            data_dir(Some(Path::new("/a")), Some(Path::new("/b"))),
            Path::new("/a")
        );
        assert_eq!(data_dir(None, Some(Path::new("/b"))), Path::new("/b"));
        assert!(!expand_home(Path::new("~/x")).starts_with("~"));
        assert_eq!(expand_home(Path::new("/abs")), Path::new("/abs"));
    }
}
