//! Who is looking: the signed-in user and their preferences, known on the server
//! (from the session cookie) and in the browser (from the page the server rendered).
use crate::domain::ids::{AccountId, NodeId, PersonId};
use crate::domain::role::Role;
use crate::i18n::{Locale, Msg};
use serde::{Deserialize, Serialize};

/// A role held over an area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleScope {
    pub role: Role,
    pub node_id: NodeId,
    pub node_code: String,
    pub node_name: String,
}

/// The signed-in user as every server function and page sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub account_id: AccountId,
    pub person_id: PersonId,
    pub name: String,
    pub phone_masked: String,
    pub roles: Vec<RoleScope>,
    pub micro_grid_id: Option<NodeId>,
    pub micro_grid_name: Option<String>,
    /// Grid staff matched this person to a household: they may vote for 志愿服务之星.
    pub verified: bool,
}

impl SessionUser {
    /// A verified test user holding `roles` at the nodes with those grid codes.
    #[cfg(test)]
    pub(crate) fn with_roles(roles: &[(Role, &str)]) -> SessionUser {
        SessionUser {
            account_id: AccountId(1),
            person_id: PersonId(1),
            name: "王小明".into(),
            phone_masked: "138****0001".into(),
            roles: roles
                .iter()
                .map(|(role, code)| RoleScope {
                    role: *role,
                    node_id: NodeId(1),
                    node_code: code.to_string(),
                    node_name: String::new(),
                })
                .collect(),
            micro_grid_id: None,
            micro_grid_name: None,
            verified: true,
        }
    }

    pub fn primary_role(&self) -> Role {
        crate::domain::role::primary_role(&self.roles.iter().map(|r| r.role).collect::<Vec<_>>())
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|r| r.role == role)
    }

    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.role.is_staff())
    }

    /// Whether one of the user's staff roles covers the node with `code`.
    pub fn staff_scope_covers(&self, code: &str) -> bool {
        self.roles.iter().any(|r| r.role.is_staff() && crate::domain::grid::is_within(code, &r.node_code))
    }

    /// Community and subdistrict admins: they run elections and edit the grid of their area.
    pub fn is_area_admin(&self) -> bool {
        self.area_admin_scopes().next().is_some()
    }

    /// The areas the user administers (community or subdistrict admin roles).
    pub fn area_admin_scopes(&self) -> impl Iterator<Item = &RoleScope> {
        self.roles.iter().filter(|r| matches!(r.role, Role::CommunityAdmin | Role::SubdistrictAdmin))
    }

    /// Whether the user administers an area containing the node with `code`.
    pub fn administers(&self, code: &str) -> bool {
        self.area_admin_scopes().any(|r| crate::domain::grid::is_within(code, &r.node_code))
    }

    /// The widest staff scope held, if any.
    pub fn widest_staff_scope(&self) -> Option<&RoleScope> {
        self.roles.iter().filter(|r| r.role.is_staff()).max_by_key(|r| r.role)
    }
}

/// What the shell knows about the viewer: rendered into the page as JSON so the
/// browser starts from exactly what the server rendered.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Viewer {
    pub user: Option<SessionUser>,
    pub locale: Locale,
    pub elder: bool,
    /// What this viewer typed into a form refused without JavaScript (`Echoes`), to fill
    /// it again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub echo: Vec<(String, String)>,
}

impl Viewer {
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.locale)
    }

    /// The value a refused form sent for `field`, if any.
    pub fn echoed(&self, field: &str) -> Option<String> {
        self.echo.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone())
    }
}

/// Cookie names.
pub const SESSION_COOKIE: &str = "gs_session";
pub const LOCALE_COOKIE: &str = "gs_lang";
pub const ELDER_COOKIE: &str = "gs_elder";

/// Reads one cookie from a `Cookie:` header value.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[(Role, &str)]) -> SessionUser {
        SessionUser::with_roles(roles)
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let header = "a=1; gs_session=abc; gs_sessionx=no";
        assert_eq!(cookie_value(header, "gs_session"), Some("abc"));
        assert_eq!(cookie_value(header, "missing"), None);
    }

    #[test]
    fn staff_scope_covers_only_its_own_area() {
        let admin = user(&[(Role::CommunityAdmin, "320602001003"), (Role::Resident, "32060200100301201")]);
        assert!(admin.staff_scope_covers("32060200100301201"));
        assert!(!admin.staff_scope_covers("320602001004"));
        let resident = user(&[(Role::Resident, "32060200100301201")]);
        assert!(!resident.staff_scope_covers("32060200100301201"));
        assert_eq!(admin.primary_role(), Role::CommunityAdmin);
    }
}
