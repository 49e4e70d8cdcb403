//! Team policies (`[teams.<team>.policy]`): which tools a caller sees in `tools/list` and may
//! call. A caller without a team, or whose team has no section, gets the default policy (what
//! `[tools]` publishes). Denials name the rule and go to the audit log.

use std::sync::Arc;

use switchyard_core::{Identity, ToolSpec};

use super::identity::Directory;
use crate::store::AuditStore;

/// A call refused by policy: the rule that refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// The rule, as a config key and what it says (`teams.payments.policy.deny_tools contains "x"`).
    pub rule: String,
}

/// Policies, the directory of teams and the audit log, shared by every session.
#[derive(Debug, Clone, Default)]
pub struct Governance {
    directory: Arc<Directory>,
    audit: Option<AuditStore>,
}

impl Governance {
    /// Governance over `directory`, auditing to `audit` when there is a store.
    pub fn new(directory: Directory, audit: Option<AuditStore>) -> Self {
        Governance {
            directory: Arc::new(directory),
            audit,
        }
    }

    /// The teams and departments.
    pub fn directory(&self) -> &Arc<Directory> {
        &self.directory
    }

    /// Whether `identity` may call `spec`, a tool of `toolsets` (connector ids and kind,
    /// `context`, `delegate`, `note`).
    pub fn check(
        &self,
        identity: &Identity,
        spec: &ToolSpec,
        toolsets: &[String],
    ) -> Result<(), Denial> {
        let Some(team) = identity.team.as_deref() else {
            return Ok(());
        };
        let Some(settings) = self.directory.team(team) else {
            return Ok(());
        };
        let policy = &settings.policy;
        let key = format!("teams.{team}.policy");
        let named = |list: &[String]| -> Option<String> {
            list.iter()
                .find(|entry| {
                    **entry == spec.name || toolsets.iter().any(|toolset| toolset == *entry)
                })
                .cloned()
        };
        if let Some(entry) = named(&policy.deny_tools) {
            return Err(Denial {
                rule: format!("{key}.deny_tools contains {entry:?}"),
            });
        }
        // After deny_tools: when both refuse a tool, the rule naming it is the one to report.
        if !policy.writes && !spec.effects.read_only {
            return Err(Denial {
                rule: format!("{key}.writes = false and {} is not read-only", spec.name),
            });
        }
        if !policy.allow_tools.is_empty() && named(&policy.allow_tools).is_none() {
            return Err(Denial {
                rule: format!(
                    "{key}.allow_tools names neither {:?} nor its toolsets ({})",
                    spec.name,
                    toolsets.join(", ")
                ),
            });
        }
        Ok(())
    }

    /// Whether `identity` may read items of a source (its toolsets: connector id and kind):
    /// refused when the team denies one of them or allows tools but none of them.
    pub fn check_source(&self, identity: &Identity, toolsets: &[String]) -> Result<(), Denial> {
        let Some(team) = identity.team.as_deref() else {
            return Ok(());
        };
        let Some(settings) = self.directory.team(team) else {
            return Ok(());
        };
        let policy = &settings.policy;
        if let Some(entry) = policy.deny_tools.iter().find(|e| toolsets.contains(e)) {
            return Err(Denial {
                rule: format!("teams.{team}.policy.deny_tools contains {entry:?}"),
            });
        }
        if !policy.allow_tools.is_empty()
            && !policy.allow_tools.iter().any(|e| toolsets.contains(e))
        {
            return Err(Denial {
                rule: format!(
                    "teams.{team}.policy.allow_tools names none of {}",
                    toolsets.join(", ")
                ),
            });
        }
        Ok(())
    }

    /// Write an audit record; a store failure is logged, never fatal to the call.
    pub async fn audit(&self, identity: &Identity, event: &str, detail: &str) {
        let Some(audit) = &self.audit else {
            return;
        };
        if let Err(err) = audit
            .record(&identity.user, identity.team.as_deref(), event, detail)
            .await
        {
            tracing::warn!(event, error = %err, "cannot write an audit record");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Governance;
    use crate::config::load::parse;
    use crate::governance::Directory;
    use switchyard_core::{Identity, ToolEffects, ToolSpec};

    #[derive(schemars::JsonSchema)]
    struct Nothing {}

    fn spec(name: &str, effects: ToolEffects) -> ToolSpec {
        ToolSpec::new::<Nothing>(name, "t", "d", effects)
    }

    #[test]
    fn rules_are_named() {
        let config = parse(
            r#"
            [teams.payments.policy]
            deny_tools = ["github_create_issue"]
            writes = false
            [teams.ro.policy]
            allow_tools = ["git", "context"]
            "#,
        )
        .expect("parses");
        let governance = Governance::new(Directory::from_config(&config), None);
        let payments = Identity::user("bob").with_team("payments");
        let toolsets = ["github".to_owned()];
        let denied = governance
            .check(
                &payments,
                &spec("github_create_issue", ToolEffects::LOCAL_READ),
                &toolsets,
            )
            .expect_err("denied");
        assert_eq!(
            denied.rule,
            "teams.payments.policy.deny_tools contains \"github_create_issue\""
        );
        let write = governance
            .check(
                &payments,
                &spec("note_add", ToolEffects::ADDITIVE_WRITE),
                &["note".to_owned()],
            )
            .expect_err("denied");
        assert!(
            write
                .rule
                .starts_with("teams.payments.policy.writes = false"),
            "{}",
            write.rule
        );
        let both = governance
            .check(
                &payments,
                &spec("github_create_issue", ToolEffects::ADDITIVE_WRITE),
                &toolsets,
            )
            .expect_err("denied");
        assert_eq!(
            both.rule, "teams.payments.policy.deny_tools contains \"github_create_issue\"",
            "deny_tools, the more specific rule, is named first"
        );
        let ro = Identity::user("carol").with_team("ro");
        assert!(
            governance
                .check(
                    &ro,
                    &spec("git_log", ToolEffects::LOCAL_READ),
                    &["git".to_owned()]
                )
                .is_ok()
        );
        let other = governance
            .check(
                &ro,
                &spec("note_list", ToolEffects::LOCAL_READ),
                &["note".to_owned()],
            )
            .expect_err("denied");
        assert!(other.rule.contains("allow_tools"), "{}", other.rule);
        let nobody = Identity::user("dan").with_team("unknown");
        assert!(
            governance
                .check(
                    &nobody,
                    &spec("note_add", ToolEffects::ADDITIVE_WRITE),
                    &["note".to_owned()]
                )
                .is_ok()
        );
    }
}
