//! Which tools are published, from `[tools]`: `read_only` wins, then `deny`, then `allow`.

use std::collections::HashSet;

use switchyard_core::ToolSpec;

use crate::config::model::ToolsConfig;

/// The publication policy of `[tools]`.
#[derive(Debug, Clone, Default)]
pub struct ToolPolicy {
    read_only: bool,
    allow: HashSet<String>,
    deny: HashSet<String>,
}

impl ToolPolicy {
    /// The policy written in config.
    pub fn from_config(config: &ToolsConfig) -> Self {
        ToolPolicy {
            read_only: config.read_only,
            allow: config.allow.iter().cloned().collect(),
            deny: config.deny.iter().cloned().collect(),
        }
    }

    /// Whether `spec`, a tool of the given toolsets (connector ids and kind), is published.
    pub fn publishes(&self, spec: &ToolSpec, toolsets: &[&str]) -> bool {
        if self.read_only && !spec.effects.read_only {
            return false;
        }
        let named = |set: &HashSet<String>| {
            set.contains(&spec.name) || toolsets.iter().any(|toolset| set.contains(*toolset))
        };
        if named(&self.deny) {
            return false;
        }
        self.allow.is_empty() || named(&self.allow)
    }
}

#[cfg(test)]
mod tests {
    use super::ToolPolicy;
    use crate::config::model::ToolsConfig;
    use switchyard_core::{ToolEffects, ToolSpec};

    #[derive(schemars::JsonSchema)]
    struct Nothing {}

    fn spec(name: &str, effects: ToolEffects) -> ToolSpec {
        ToolSpec::new::<Nothing>(name, "t", "d", effects)
    }

    #[test]
    fn read_only_wins_then_deny_then_allow() {
        let policy = ToolPolicy::from_config(&ToolsConfig {
            read_only: true,
            allow: vec!["note".into()],
            deny: vec!["note_list".into()],
        });
        assert!(!policy.publishes(&spec("note_add", ToolEffects::ADDITIVE_WRITE), &["note"]));
        assert!(!policy.publishes(&spec("note_list", ToolEffects::LOCAL_READ), &["note"]));
        assert!(policy.publishes(&spec("note_read", ToolEffects::LOCAL_READ), &["note"]));
        assert!(!policy.publishes(&spec("git_log", ToolEffects::LOCAL_READ), &["git"]));
        let open = ToolPolicy::default();
        assert!(open.publishes(&spec("note_add", ToolEffects::ADDITIVE_WRITE), &["note"]));
    }
}
