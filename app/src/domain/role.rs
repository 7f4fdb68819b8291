//! Roles, each held over an area of the grid tree.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 居民
    Resident,
    /// 志愿者
    Volunteer,
    /// 微网格员
    MicroGridMember,
    /// 网格长
    GridLeader,
    /// 社区管理员
    CommunityAdmin,
    /// 街道管理员
    SubdistrictAdmin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Resident,
        Role::Volunteer,
        Role::MicroGridMember,
        Role::GridLeader,
        Role::CommunityAdmin,
        Role::SubdistrictAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Volunteer => "volunteer",
            Role::MicroGridMember => "micro_grid_member",
            Role::GridLeader => "grid_leader",
            Role::CommunityAdmin => "community_admin",
            Role::SubdistrictAdmin => "subdistrict_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Grid staff see private contact details and the 管理 tab.
    pub fn is_staff(self) -> bool {
        self >= Role::MicroGridMember
    }

    /// May take orders (接单): volunteers and grid leaders (often party members).
    pub fn can_take_orders(self) -> bool {
        matches!(self, Role::Volunteer | Role::GridLeader)
    }

    /// The level of the grid tree this role is normally scoped to.
    pub fn scope_level(self) -> super::grid::NodeLevel {
        use super::grid::NodeLevel;
        match self {
            Role::Resident | Role::Volunteer | Role::MicroGridMember | Role::GridLeader => NodeLevel::MicroGrid,
            Role::CommunityAdmin => NodeLevel::Community,
            Role::SubdistrictAdmin => NodeLevel::Subdistrict,
        }
    }
}

/// The highest role among those held, which decides the home page and tabs.
pub fn primary_role(roles: &[Role]) -> Role {
    roles.iter().copied().max().unwrap_or(Role::Resident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_grid_staff_are_staff() {
        assert!(!Role::Resident.is_staff());
        assert!(!Role::Volunteer.is_staff());
        assert!(Role::MicroGridMember.is_staff());
        assert!(Role::SubdistrictAdmin.is_staff());
    }

    #[test]
    fn the_primary_role_is_the_highest_held() {
        assert_eq!(primary_role(&[Role::Volunteer, Role::Resident]), Role::Volunteer);
        assert_eq!(primary_role(&[Role::GridLeader, Role::Volunteer]), Role::GridLeader);
        assert_eq!(primary_role(&[]), Role::Resident);
    }
}
