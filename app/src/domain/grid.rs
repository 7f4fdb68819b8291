//! The grid tree: levels and hierarchical codes in the style of CJ/T 349.
use crate::domain::ids::NodeId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NodeLevel {
    /// 街道
    Subdistrict,
    /// 社区
    Community,
    /// 网格
    Grid,
    /// 微网格
    MicroGrid,
    /// 楼栋
    Building,
    /// 单元
    Unit,
}

impl NodeLevel {
    pub const ALL: [NodeLevel; 6] = [
        NodeLevel::Subdistrict,
        NodeLevel::Community,
        NodeLevel::Grid,
        NodeLevel::MicroGrid,
        NodeLevel::Building,
        NodeLevel::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeLevel::Subdistrict => "subdistrict",
            NodeLevel::Community => "community",
            NodeLevel::Grid => "grid",
            NodeLevel::MicroGrid => "micro_grid",
            NodeLevel::Building => "building",
            NodeLevel::Unit => "unit",
        }
    }

    pub fn parse(s: &str) -> Option<NodeLevel> {
        NodeLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The level a child of this level must have.
    pub fn child(self) -> Option<NodeLevel> {
        match self {
            NodeLevel::Subdistrict => Some(NodeLevel::Community),
            NodeLevel::Community => Some(NodeLevel::Grid),
            NodeLevel::Grid => Some(NodeLevel::MicroGrid),
            NodeLevel::MicroGrid => Some(NodeLevel::Building),
            NodeLevel::Building => Some(NodeLevel::Unit),
            NodeLevel::Unit => None,
        }
    }

    /// Digits this level adds to its parent's code. A subdistrict's code is the
    /// 6-digit county code plus 3 digits (9 in all), as in GB/T 10114.
    pub fn segment_width(self) -> usize {
        match self {
            NodeLevel::Subdistrict => 9,
            NodeLevel::Community | NodeLevel::Grid | NodeLevel::Building => 3,
            NodeLevel::MicroGrid | NodeLevel::Unit => 2,
        }
    }
}

/// Why a code could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    SequenceOutOfRange,
}

/// The code of the `seq`-th child (1-based) of a node with code `parent_code`.
pub fn child_code(parent_code: &str, level: NodeLevel, seq: u32) -> Result<String, CodeError> {
    let width = level.segment_width();
    if seq == 0 || seq >= 10u32.pow(width as u32) {
        return Err(CodeError::SequenceOutOfRange);
    }
    Ok(format!("{parent_code}{seq:0width$}"))
}

/// Whether the node with `code` lies inside (or is) the area with `scope_code`.
pub fn is_within(code: &str, scope_code: &str) -> bool {
    code.starts_with(scope_code)
}

/// Why a node cannot move under a new parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefusal {
    /// The new parent is the node itself or one of its descendants.
    IntoOwnSubtree,
    /// The new parent is not of the level right above the node's.
    WrongLevel,
    /// The node is already there.
    SameParent,
}

/// Whether the node (`level`, `code`, now under `parent_code`) may move under the node
/// (`new_parent_level`, `new_parent_code`).
pub fn check_move(
    level: NodeLevel,
    code: &str,
    parent_code: &str,
    new_parent_level: NodeLevel,
    new_parent_code: &str,
) -> Result<(), MoveRefusal> {
    if is_within(new_parent_code, code) {
        return Err(MoveRefusal::IntoOwnSubtree);
    }
    if new_parent_level.child() != Some(level) {
        return Err(MoveRefusal::WrongLevel);
    }
    if new_parent_code == parent_code {
        return Err(MoveRefusal::SameParent);
    }
    Ok(())
}

/// The code a node of the moved subtree gets: `old_prefix` (the moved node's old code)
/// replaced by `new_prefix`. `None` for a code outside the subtree.
pub fn recode(code: &str, old_prefix: &str, new_prefix: &str) -> Option<String> {
    code.strip_prefix(old_prefix).map(|rest| format!("{new_prefix}{rest}"))
}

/// Why a micro-grid cannot be split as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitRefusal {
    /// Only micro-grids are split (into two micro-grids).
    NotMicroGrid,
    /// No building was chosen, or every one was: both halves need a building.
    BadChoice,
    /// A chosen building is not in this micro-grid.
    NotAChild,
}

/// Whether the node of `level` with the buildings `children` may give `chosen` to a new
/// micro-grid beside it.
pub fn check_split(level: NodeLevel, children: &[NodeId], chosen: &[NodeId]) -> Result<(), SplitRefusal> {
    if level != NodeLevel::MicroGrid {
        return Err(SplitRefusal::NotMicroGrid);
    }
    if !chosen.iter().all(|b| children.contains(b)) {
        return Err(SplitRefusal::NotAChild);
    }
    let distinct = chosen.iter().enumerate().filter(|(i, b)| !chosen[..*i].contains(b)).count();
    if distinct == 0 || distinct >= children.len() {
        return Err(SplitRefusal::BadChoice);
    }
    Ok(())
}

/// Whether the node (`level`, `code`) may be merged into (`into_level`, `into_code`): the
/// same level, and not itself.
pub fn may_merge(level: NodeLevel, code: &str, into_level: NodeLevel, into_code: &str) -> bool {
    level == into_level && code != into_code && level != NodeLevel::Subdistrict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_codes_extend_the_parent_code() {
        assert_eq!(child_code("320602001", NodeLevel::Community, 3), Ok("320602001003".into()));
        assert_eq!(child_code("320602001003", NodeLevel::Grid, 12), Ok("320602001003012".into()));
        assert_eq!(child_code("320602001003012", NodeLevel::MicroGrid, 4), Ok("32060200100301204".into()));
    }

    #[test]
    fn sequences_must_fit_the_segment() {
        assert_eq!(child_code("x", NodeLevel::MicroGrid, 0), Err(CodeError::SequenceOutOfRange));
        assert_eq!(child_code("x", NodeLevel::MicroGrid, 100), Err(CodeError::SequenceOutOfRange));
        assert!(child_code("x", NodeLevel::Community, 999).is_ok());
    }

    #[test]
    fn areas_contain_their_descendants_only() {
        assert!(is_within("32060200100301204", "320602001003"));
        assert!(is_within("320602001003", "320602001003"));
        assert!(!is_within("320602001004", "320602001003"));
    }

    #[test]
    fn a_node_never_moves_under_itself_or_its_descendants_or_to_the_wrong_level() {
        let grid = "320602001003012";
        let micro = "32060200100301204";
        // A grid cannot move under its own micro-grid, nor under itself.
        assert_eq!(
            check_move(NodeLevel::Grid, grid, "320602001003", NodeLevel::MicroGrid, micro),
            Err(MoveRefusal::IntoOwnSubtree)
        );
        assert_eq!(
            check_move(NodeLevel::Grid, grid, "320602001003", NodeLevel::Grid, grid),
            Err(MoveRefusal::IntoOwnSubtree)
        );
        // A micro-grid moves under another grid, never under a community.
        assert_eq!(check_move(NodeLevel::MicroGrid, micro, grid, NodeLevel::Grid, "320602001003013"), Ok(()));
        assert_eq!(
            check_move(NodeLevel::MicroGrid, micro, grid, NodeLevel::Community, "320602001004"),
            Err(MoveRefusal::WrongLevel)
        );
        assert_eq!(check_move(NodeLevel::MicroGrid, micro, grid, NodeLevel::Grid, grid), Err(MoveRefusal::SameParent));
        // A sibling whose code merely starts like ours is not a descendant.
        assert_eq!(
            check_move(NodeLevel::Grid, "320602001003001", "320602001003", NodeLevel::Community, "320602001004"),
            Ok(())
        );
    }

    #[test]
    fn a_moved_subtree_keeps_its_shape_under_the_new_prefix() {
        let old = "32060200100301204";
        let new = "32060200100301307";
        let subtree = [old, "32060200100301204001", "3206020010030120400102"];
        let moved: Vec<_> = subtree.iter().map(|c| recode(c, old, new).expect("inside")).collect();
        assert_eq!(moved, [new, "32060200100301307001", "3206020010030130700102"]);
        assert!(moved.iter().all(|c| is_within(c, new)));
        assert_eq!(recode("32060200100301205", old, new), None, "a sibling is not recoded");
    }

    #[test]
    fn a_split_keeps_at_least_one_building_on_each_side() {
        let [b11, b12, b13, b99] = [11, 12, 13, 99].map(NodeId);
        let children = [b11, b12, b13];
        assert_eq!(check_split(NodeLevel::MicroGrid, &children, &[b12]), Ok(()));
        assert_eq!(check_split(NodeLevel::MicroGrid, &children, &[b12, b13]), Ok(()));
        assert_eq!(check_split(NodeLevel::MicroGrid, &children, &[]), Err(SplitRefusal::BadChoice));
        assert_eq!(check_split(NodeLevel::MicroGrid, &children, &[b11, b12, b13]), Err(SplitRefusal::BadChoice));
        // The same building twice is still one building.
        assert_eq!(check_split(NodeLevel::MicroGrid, &[b11, b12], &[b12, b12]), Ok(()));
        assert_eq!(check_split(NodeLevel::MicroGrid, &children, &[b99]), Err(SplitRefusal::NotAChild));
        assert_eq!(check_split(NodeLevel::Grid, &children, &[b12]), Err(SplitRefusal::NotMicroGrid));
        assert_eq!(check_split(NodeLevel::MicroGrid, &[b11], &[b11]), Err(SplitRefusal::BadChoice));
    }

    #[test]
    fn merges_join_two_different_nodes_of_one_level() {
        assert!(may_merge(NodeLevel::MicroGrid, "32060200100301204", NodeLevel::MicroGrid, "32060200100301205"));
        assert!(!may_merge(NodeLevel::MicroGrid, "32060200100301204", NodeLevel::MicroGrid, "32060200100301204"));
        assert!(!may_merge(NodeLevel::MicroGrid, "32060200100301204", NodeLevel::Grid, "320602001003012"));
        assert!(!may_merge(NodeLevel::Subdistrict, "320602001", NodeLevel::Subdistrict, "320602002"));
    }

    #[test]
    fn every_level_but_the_unit_has_a_child_level() {
        let mut level = NodeLevel::Subdistrict;
        let mut depth = 1;
        while let Some(next) = level.child() {
            assert!(next > level);
            level = next;
            depth += 1;
        }
        assert_eq!((level, depth), (NodeLevel::Unit, 6));
    }
}

/// The code of the community containing the node with `code` (subdistrict codes are
/// returned whole).
pub fn community_prefix(code: &str) -> &str {
    ancestor_code(code, NodeLevel::Community).unwrap_or(code)
}

/// The code of the node of `level` that contains (or is) the node with `code`: its first
/// digits. None when the node lies above that level.
pub fn ancestor_code(code: &str, level: NodeLevel) -> Option<&str> {
    let len: usize = NodeLevel::ALL.iter().take_while(|l| **l != level).map(|l| l.segment_width()).sum::<usize>()
        + level.segment_width();
    code.get(..len)
}

/// Whether `code` is a community's own code (not a node above or below one).
pub fn is_community(code: &str) -> bool {
    code.len() == NodeLevel::Subdistrict.segment_width() + NodeLevel::Community.segment_width()
}

/// Whether two nodes lie in the same community: orders, offers, dispatches and pairings
/// stay within one.
pub fn same_community(a: &str, b: &str) -> bool {
    community_prefix(a) == community_prefix(b)
}

#[cfg(test)]
mod prefix_tests {
    use super::*;

    #[test]
    fn the_community_prefix_is_the_first_twelve_digits() {
        assert_eq!(community_prefix("32060200100301204"), "320602001003");
        assert_eq!(community_prefix("320602001"), "320602001");
    }

    #[test]
    fn an_ancestor_is_named_by_the_first_digits_of_the_code() {
        let micro = "32060200100301204"[..17].to_string();
        assert_eq!(ancestor_code(&micro, NodeLevel::Community), Some("320602001003"));
        assert_eq!(ancestor_code(&micro, NodeLevel::Grid), Some("320602001003012"));
        assert_eq!(ancestor_code(&micro, NodeLevel::MicroGrid), Some(micro.as_str()));
        assert_eq!(ancestor_code("320602001003", NodeLevel::Grid), None);
    }

    #[test]
    fn nodes_share_a_community_by_its_prefix() {
        assert!(same_community("32060200100301204", "320602001003"));
        assert!(!same_community("32060200100301204", "32060200100401204"));
    }
}

/// The estate part of a building's name, without its number: "幸福锦园4号楼" → "幸福锦园",
/// "朝晖花园10栋" → "朝晖花园", "学士府B座" → "学士府". Used to guess where a typed address
/// lies when the building itself is not in the grid.
pub fn estate_of(building: &str) -> &str {
    let trimmed = building.trim_end_matches(|c: char| {
        c.is_ascii_alphanumeric() || "号楼栋幢座单元#-－ ".contains(c) || c.is_whitespace()
    });
    trimmed.trim()
}

#[cfg(test)]
mod estate_tests {
    use super::estate_of;

    #[test]
    fn the_estate_is_the_name_without_its_building_number() {
        assert_eq!(estate_of("幸福锦园4号楼"), "幸福锦园");
        assert_eq!(estate_of("朝晖花园10栋"), "朝晖花园");
        assert_eq!(estate_of("学士府B座"), "学士府");
        assert_eq!(estate_of("千禧园 3幢"), "千禧园");
        assert_eq!(estate_of("12号楼"), "");
    }
}
