//! Teams and departments from config: an identity's department comes from its team, and its
//! role is admin when its key or token says so or its team lists it in `admins`.

use std::collections::BTreeMap;

use switchyard_core::{Identity, Role};

use crate::config::model::{Config, DepartmentConfig, TeamConfig, UnknownTeams};

/// The teams and departments of `[teams]` and `[departments]`.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    teams: BTreeMap<String, TeamConfig>,
    departments: BTreeMap<String, DepartmentConfig>,
    /// `[auth] unknown_teams`.
    unknown_teams: UnknownTeams,
}

impl Directory {
    /// The directory the configuration describes.
    pub fn from_config(config: &Config) -> Self {
        Directory {
            teams: config.teams.clone(),
            departments: config.departments.clone(),
            unknown_teams: config
                .auth
                .as_ref()
                .map(|auth| auth.unknown_teams)
                .unwrap_or_default(),
        }
    }

    /// The team of `identity` when `[auth] unknown_teams = "deny"` refuses it: a team that
    /// has no `[teams]` section. A caller without a team is not refused here.
    pub fn refused_team<'a>(&self, identity: &'a Identity) -> Option<&'a str> {
        let team = identity.team.as_deref()?;
        (self.unknown_teams == UnknownTeams::Deny && !self.teams.contains_key(team)).then_some(team)
    }

    /// Whether any team is configured.
    pub fn has_teams(&self) -> bool {
        !self.teams.is_empty()
    }

    /// Whether `team` has a `[teams.<team>]` section.
    pub fn knows_team(&self, team: &str) -> bool {
        self.teams.contains_key(team)
    }

    /// A team's settings.
    pub fn team(&self, team: &str) -> Option<&TeamConfig> {
        self.teams.get(team)
    }

    /// A department's settings.
    pub fn department(&self, id: &str) -> Option<&DepartmentConfig> {
        self.departments.get(id)
    }

    /// `identity` with its team's department and, when the team lists the user in `admins`,
    /// the admin role (a role already admin stays admin).
    pub fn complete(&self, mut identity: Identity) -> Identity {
        if let Some(team) = identity.team.as_deref().and_then(|t| self.teams.get(t)) {
            if identity.department.is_none() {
                identity.department = team.department.clone();
            }
            if team.admins.contains(&identity.user) {
                identity.role = Role::Admin;
            }
        }
        identity
    }
}

/// `admin` → [`Role::Admin`]; anything else → [`Role::Member`].
pub fn role_from(text: &str) -> Role {
    if text.eq_ignore_ascii_case("admin") {
        Role::Admin
    } else {
        Role::Member
    }
}

#[cfg(test)]
mod tests {
    use super::Directory;
    use crate::config::load::parse;
    use switchyard_core::{Identity, Role};

    #[test]
    fn department_and_admin_role_come_from_the_team() {
        let config = parse(
            "[departments.fin]\n[teams.payments]\ndepartment = \"fin\"\nadmins = [\"alice\"]\n",
        )
        .expect("parses");
        let directory = Directory::from_config(&config);
        let alice = directory.complete(Identity::user("alice").with_team("payments"));
        assert_eq!(alice.department.as_deref(), Some("fin"));
        assert_eq!(alice.role, Role::Admin);
        let bob = directory.complete(Identity::user("bob").with_team("payments"));
        assert_eq!(bob.role, Role::Member);
        let stranger = directory.complete(Identity::user("alice").with_team("other"));
        assert_eq!(stranger.department, None);
        assert_eq!(stranger.role, Role::Member);
        assert_eq!(directory.refused_team(&stranger), None);
    }

    #[test]
    fn unknown_teams_deny_refuses_undeclared_teams_only() {
        let config = parse("[auth]\nunknown_teams = \"deny\"\n[teams.payments]\n").expect("parses");
        let directory = Directory::from_config(&config);
        let known = Identity::user("a").with_team("payments");
        let unknown = Identity::user("a").with_team("Payments");
        assert_eq!(directory.refused_team(&known), None);
        assert_eq!(directory.refused_team(&unknown), Some("Payments"));
        assert_eq!(directory.refused_team(&Identity::user("a")), None);
        assert!(parse("[auth]\nunknown_teams = \"maybe\"\n").is_err());
    }
}
