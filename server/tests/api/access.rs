//! Access: every server function that takes a principal or an object id, called
//! by a visitor and by each of the six roles against an object of their own area, of a
//! foreign area and someone else's object (IDOR), each cell asserting the exact answer.
//!
//! The table below is the specification. Each cell gets fresh fixtures, so an allowed write
//! never takes away what a later cell needs; a refused write must leave the rows it aimed
//! at exactly as they were, and an allowed one must change them. Reads that list an area
//! also say what they must show (own area) and must never show (a foreign area).
//!
//! Who is who (seeds/demo-city.json):
//! - resident 王秀英, volunteer 张志强 and member 孙丽 of 向日葵微网格 (幸福锦园网格, 祖望社区, 幸福街道);
//! - grid leader 陈骏 of 幸福锦园网格 (向日葵 and 红领微网格), also a volunteer of 向日葵;
//! - community admin 刘芳 of 祖望社区; subdistrict admin 周建华 of 幸福街道.
//!
//! The foreign area is 朝晖社区 (新城桥街道): no demo role reaches it.

use crate::test_app::TestApp;
use app::domain::ids::{AccountId, ElectionId, NodeId, OrderId, PersonId};
use reqwest::header::{HeaderValue, COOKIE};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use Target::{Foreign, Nowhere, Other, Own};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The role's own object, or an object of the area it works in.
    Own,
    /// An object of 朝晖社区, another subdistrict's community.
    Foreign,
    /// Someone else's object next door: another resident's order or report, another
    /// volunteer's dispatch, or an area beside or above the role's scope (what each
    /// function's comment says).
    Other,
    /// An object tied to no area: a welfare check whose building matched no micro-grid, an
    /// account with neither a home nor a role.
    Nowhere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Visitor,
    Resident,
    Volunteer,
    Member,
    Leader,
    CommunityAdmin,
    SubdistrictAdmin,
}

/// The columns of the table, in order.
const WHO: [Who; 7] =
    [Who::Visitor, Who::Resident, Who::Volunteer, Who::Member, Who::Leader, Who::CommunityAdmin, Who::SubdistrictAdmin];

impl Who {
    fn phone(self) -> Option<&'static str> {
        match self {
            Who::Visitor => None,
            Who::Resident => Some("13800000001"),
            Who::Volunteer => Some("13800000002"),
            Who::Member => Some("13800000006"),
            Who::Leader => Some("13800000003"),
            Who::CommunityAdmin => Some("13800000004"),
            Who::SubdistrictAdmin => Some("13800000005"),
        }
    }
}

/// Columns: visitor, resident, volunteer, micro-grid member, grid leader, community admin,
/// subdistrict admin. `A` = allowed (2xx); a number = exactly that status.
#[rustfmt::skip]
const TABLE: &[(&str, Target, &str)] = &[
    // ---- accounts.rs --------------------------------------------------------------------
    ("change_password",        Own,     "401 A   A   A   A   A   A  "),
    // A name of the area / of 朝晖社区: admins find the first, nobody the second.
    ("account_search",         Own,     "401 403 403 403 403 A   A  "),
    ("account_search",         Foreign, "401 403 403 403 403 A   A  "),
    // Other: a resident of 向日葵 who also holds a role in 朝晖社区.
    ("set_account_disabled",   Own,     "401 403 403 403 403 A   A  "),
    ("set_account_disabled",   Foreign, "401 403 403 403 403 403 403"),
    ("set_account_disabled",   Other,   "401 403 403 403 403 403 403"),
    ("set_account_disabled",   Nowhere, "401 403 403 403 403 403 403"),
    // Own: an unverified resident of 向日葵 and a household of its unit; Foreign: of 朝晖社区;
    // Other: a resident of 向日葵 who also holds a role in 朝晖社区.
    ("verify_resident",        Own,     "401 403 403 403 403 A   A  "),
    ("verify_resident",        Foreign, "401 403 403 403 403 403 403"),
    ("verify_resident",        Other,   "401 403 403 403 403 403 403"),
    // Own: a fresh volunteer of 向日葵; Foreign: of 朝晖社区; Other: a volunteer of 向日葵 who
    // also holds a role in 朝晖社区.
    ("propose_party_badge",    Own,     "401 403 403 403 403 A   A  "),
    ("propose_party_badge",    Foreign, "401 403 403 403 403 403 403"),
    ("propose_party_badge",    Other,   "401 403 403 403 403 403 403"),
    // ---- auth.rs, prefs.rs and the public pages: open to everyone -----------------------
    ("login",                  Own,     "A   A   A   A   A   A   A  "),
    ("logout",                 Own,     "A   A   A   A   A   A   A  "),
    ("signup",                 Own,     "A   A   A   A   A   A   A  "),
    ("signup_choices",         Own,     "A   A   A   A   A   A   A  "),
    ("request_welfare_check",  Own,     "A   A   A   A   A   A   A  "),
    ("set_locale",             Own,     "A   A   A   A   A   A   A  "),
    ("set_elder_mode",         Own,     "A   A   A   A   A   A   A  "),
    ("home_data",              Own,     "A   A   A   A   A   A   A  "),
    ("me_data",                Own,     "401 A   A   A   A   A   A  "),
    // ---- orders.rs ----------------------------------------------------------------------
    ("order_form",             Own,     "401 A   A   A   A   A   A  "),
    // The viewer's own orders: nobody names someone else's.
    ("my_orders",              Own,     "401 A   A   A   A   A   A  "),
    // Own: for oneself; Other: 代下单 for a resident of 向日葵; Foreign: for one of 朝晖.
    ("place_order",            Own,     "401 A   A   A   A   A   A  "),
    ("place_order",            Other,   "401 403 403 A   A   A   A  "),
    ("place_order",            Foreign, "401 403 403 422 422 422 422"),
    // Own: a resident of 向日葵 picked by name (代下单); Foreign: one of 朝晖社区.
    ("place_order_for",        Own,     "401 403 403 A   A   A   A  "),
    ("place_order_for",        Foreign, "401 403 403 422 422 422 422"),
    // A phone-less resident in a unit of 向日葵 (own) or of 朝晖社区 (foreign).
    ("register_resident",      Own,     "401 403 403 A   A   A   A  "),
    ("register_resident",      Foreign, "401 403 403 422 422 422 422"),
    // Own: one's own order; Other: a neighbour's (masked: no phone for residents).
    ("order_detail",           Own,     "401 A   A   A   A   A   A  "),
    ("order_detail",           Other,   "401 A   A   A   A   A   A  "),
    ("order_detail",           Foreign, "401 403 403 403 403 403 403"),
    // Own: a neighbour's open order; Other: one's own order.
    ("take_order",             Own,     "401 403 A   403 A   403 403"),
    ("take_order",             Other,   "401 403 409 403 409 403 403"),
    ("take_order",             Foreign, "401 403 403 403 403 403 403"),
    // Own: an order the role took; Other: one another volunteer of 向日葵 took.
    ("release_order",          Own,     "401 A   A   A   A   A   A  "),
    ("release_order",          Other,   "401 403 403 403 403 403 403"),
    ("release_order",          Foreign, "401 403 403 403 403 403 403"),
    ("start_service",          Own,     "401 A   A   A   A   A   A  "),
    ("start_service",          Other,   "401 403 403 403 403 403 403"),
    ("start_service",          Foreign, "401 403 403 403 403 403 403"),
    ("finish_service",         Own,     "401 A   A   A   A   A   A  "),
    ("finish_service",         Other,   "401 403 403 403 403 403 403"),
    ("finish_service",         Foreign, "401 403 403 403 403 403 403"),
    // Own: the role asked for it; Other: a neighbour did.
    ("confirm_order",          Own,     "401 A   A   A   A   A   A  "),
    ("confirm_order",          Other,   "401 403 403 403 403 403 403"),
    ("confirm_order",          Foreign, "401 403 403 403 403 403 403"),
    ("dispute_order",          Own,     "401 A   A   A   A   A   A  "),
    ("dispute_order",          Other,   "401 403 403 403 403 403 403"),
    ("dispute_order",          Foreign, "401 403 403 403 403 403 403"),
    ("cancel_order",           Own,     "401 A   A   A   A   A   A  "),
    ("cancel_order",           Other,   "401 403 403 403 A   A   A  "),
    ("cancel_order",           Foreign, "401 403 403 403 403 403 403"),
    // ---- offers.rs ----------------------------------------------------------------------
    ("offers_data",            Own,     "401 A   A   A   A   A   A  "),
    ("offers_data",            Foreign, "401 A   A   A   A   A   A  "),
    ("post_offer",             Own,     "401 403 A   403 A   403 403"),
    // Own: an offer of 赵敏 (向日葵). The subdistrict admin holds no role in a community.
    ("book_offer",             Own,     "401 A   A   A   A   A   403"),
    ("book_offer",             Foreign, "401 403 403 403 403 403 403"),
    // ---- feed.rs ------------------------------------------------------------------------
    ("feed_data",              Own,     "401 A   A   A   A   A   A  "),
    ("feed_data",              Foreign, "401 A   A   A   A   A   A  "),
    // Own: a completed order the role asked for; Other: a neighbour's.
    ("post_thanks",            Own,     "401 A   A   A   A   A   A  "),
    ("post_thanks",            Other,   "401 403 403 403 403 403 403"),
    ("post_thanks",            Foreign, "401 403 403 403 403 403 403"),
    ("post_news",              Own,     "401 403 403 A   A   A   A  "),
    ("like_post",              Own,     "401 A   A   A   A   A   A  "),
    ("like_post",              Foreign, "401 403 403 403 403 403 403"),
    // ---- dispatch.rs --------------------------------------------------------------------
    ("leader_queue",           Own,     "401 403 403 403 A   A   A  "),
    ("leader_queue",           Foreign, "401 403 403 403 A   A   A  "),
    ("disputed_orders",        Own,     "401 403 403 403 A   A   A  "),
    ("disputed_orders",        Foreign, "401 403 403 403 A   A   A  "),
    // Other: an order of 向日葵 dispatched to a volunteer of 朝晖社区.
    ("dispatch_order",         Own,     "401 403 403 403 A   A   A  "),
    ("dispatch_order",         Other,   "401 403 403 403 422 422 422"),
    ("dispatch_order",         Foreign, "401 403 403 403 403 403 403"),
    // Own: dispatched to the role; Other: to 赵敏 (must not be listed).
    ("my_dispatches",          Own,     "401 A   A   A   A   A   A  "),
    ("my_dispatches",          Other,   "401 A   A   A   A   A   A  "),
    ("respond_dispatch",       Own,     "401 A   A   A   A   A   A  "),
    ("respond_dispatch",       Other,   "401 404 404 404 404 404 404"),
    ("respond_dispatch",       Foreign, "401 404 404 404 404 404 404"),
    // ---- pairings.rs --------------------------------------------------------------------
    ("pairings_data",          Own,     "401 403 403 403 A   A   A  "),
    ("pairings_data",          Foreign, "401 403 403 403 A   A   A  "),
    // Other: a resident of 向日葵 with a volunteer of 朝晖社区.
    ("create_pairing",         Own,     "401 403 403 403 A   A   A  "),
    ("create_pairing",         Other,   "401 403 403 403 422 422 422"),
    // Foreign: a resident of 朝晖社区 answers like an unknown number (no phone-number oracle).
    ("create_pairing",         Foreign, "401 403 403 403 422 422 422"),
    // ---- volunteer.rs -------------------------------------------------------------------
    ("volunteer_profile",      Own,     "401 404 A   404 A   404 404"),
    ("save_volunteer_profile", Own,     "401 403 A   403 A   403 403"),
    // The caller's own badge: only someone with a volunteer profile has one.
    ("set_party_badge",        Own,     "401 403 A   403 A   403 403"),
    // ---- pages.rs -----------------------------------------------------------------------
    ("board_data",             Own,     "401 A   A   A   A   A   A  "),
    ("board_data",             Foreign, "401 A   A   A   A   A   A  "),
    // Other: 民情收发站微网格, beside the leader's grid in the same community.
    ("admin_data",             Own,     "401 403 403 A   A   A   A  "),
    ("admin_data",             Other,   "401 403 403 403 403 A   A  "),
    ("admin_data",             Foreign, "401 403 403 403 403 403 403"),
    // ---- sentiment.rs -------------------------------------------------------------------
    ("sentiment_form",         Own,     "401 A   A   A   A   A   A  "),
    // Own: a building of 向日葵; Other: of 红领 (the leader's grid, not the member's micro-grid).
    ("record_item",            Own,     "401 A   A   A   A   A   A  "),
    ("record_item",            Other,   "401 403 403 403 A   A   A  "),
    ("record_item",            Foreign, "401 403 403 403 403 403 403"),
    ("sentiment_list",         Own,     "401 A   A   A   A   A   A  "),
    ("sentiment_list",         Foreign, "401 A   A   A   A   A   A  "),
    ("sentiment_home",         Own,     "401 A   A   A   A   A   A  "),
    ("sentiment_home",         Foreign, "401 A   A   A   A   A   A  "),
    // Own: reported by the role; Other: by a neighbour.
    ("item_detail",            Own,     "401 A   A   A   A   A   A  "),
    ("item_detail",            Other,   "401 403 403 A   A   A   A  "),
    ("item_detail",            Foreign, "401 403 403 403 403 403 403"),
    // Own: 上报 of the role's own draft; Other: 立案 of a neighbour's report.
    ("sentiment_step",         Own,     "401 A   A   A   A   A   A  "),
    ("sentiment_step",         Other,   "401 403 403 403 A   A   A  "),
    ("sentiment_step",         Foreign, "401 403 403 403 403 403 403"),
    ("confirm_item",           Own,     "401 A   A   A   A   A   A  "),
    ("confirm_item",           Other,   "401 403 403 403 403 403 403"),
    ("confirm_item",           Foreign, "401 403 403 403 403 403 403"),
    // Own: an item of 向日葵; Other: of 民情收发站微网格 (beside the leader's grid).
    ("set_warning",            Own,     "401 403 403 403 A   A   A  "),
    ("set_warning",            Other,   "401 403 403 403 403 A   A  "),
    ("set_warning",            Foreign, "401 403 403 403 403 403 403"),
    ("follow_up_item",         Own,     "401 403 403 A   A   A   A  "),
    ("follow_up_item",         Other,   "401 403 403 403 403 A   A  "),
    ("follow_up_item",         Foreign, "401 403 403 403 403 403 403"),
    ("recheck_item",           Own,     "401 403 403 A   A   A   A  "),
    ("recheck_item",           Other,   "401 403 403 403 403 A   A  "),
    ("recheck_item",           Foreign, "401 403 403 403 403 403 403"),
    ("convert_item",           Own,     "401 403 403 A   A   A   A  "),
    ("convert_item",           Other,   "401 403 403 403 403 A   A  "),
    ("convert_item",           Foreign, "401 403 403 403 403 403 403"),
    // ---- elders.rs ----------------------------------------------------------------------
    ("overdue_visits",         Own,     "401 403 403 A   A   A   A  "),
    ("overdue_visits",         Foreign, "401 403 403 A   A   A   A  "),
    ("elders_data",            Own,     "401 403 403 A   A   A   A  "),
    ("elders_data",            Foreign, "401 403 403 A   A   A   A  "),
    // Other: an elder of 红领微网格 (the leader's grid, not the member's micro-grid).
    ("elder_detail",           Own,     "401 403 403 A   A   A   A  "),
    ("elder_detail",           Other,   "401 403 403 403 A   A   A  "),
    ("elder_detail",           Foreign, "401 403 403 403 403 403 403"),
    ("add_elder",              Own,     "401 403 403 A   A   A   A  "),
    ("add_elder",              Other,   "401 403 403 403 A   A   A  "),
    ("add_elder",              Foreign, "401 403 403 403 403 403 403"),
    ("update_elder",           Own,     "401 403 403 A   A   A   A  "),
    ("update_elder",           Other,   "401 403 403 403 A   A   A  "),
    ("update_elder",           Foreign, "401 403 403 403 403 403 403"),
    ("log_visit",              Own,     "401 403 403 A   A   A   A  "),
    ("log_visit",              Other,   "401 403 403 403 A   A   A  "),
    ("log_visit",              Foreign, "401 403 403 403 403 403 403"),
    ("set_heat_alert",         Own,     "401 403 403 403 403 A   A  "),
    ("set_heat_alert",         Foreign, "401 403 403 403 403 403 403"),
    // Nowhere: a welfare check whose building matched no micro-grid: any area admin takes it.
    ("elder_alerts_data",      Own,     "401 403 403 A   A   A   A  "),
    ("elder_alerts_data",      Nowhere, "401 403 403 A   A   A   A  "),
    ("elder_alerts_data",      Foreign, "401 403 403 A   A   A   A  "),
    ("start_welfare_check",    Own,     "401 403 403 A   A   A   A  "),
    ("start_welfare_check",    Nowhere, "401 403 403 403 403 A   A  "),
    ("start_welfare_check",    Foreign, "401 403 403 403 403 403 403"),
    ("finish_welfare_check",   Own,     "401 403 403 A   A   A   A  "),
    ("finish_welfare_check",   Nowhere, "401 403 403 403 403 A   A  "),
    ("finish_welfare_check",   Foreign, "401 403 403 403 403 403 403"),
    // ---- elections.rs: admin.rs and ballot.rs -------------------------------------------
    ("elections_admin",        Own,     "401 403 403 403 403 A   A  "),
    ("elections_admin",        Foreign, "401 403 403 403 403 A   A  "),
    // Own: the admin's own area (祖望社区 / 幸福街道); Other: the other level of the two.
    ("create_election",        Own,     "401 403 403 403 403 A   A  "),
    ("create_election",        Other,   "401 403 403 403 403 403 403"),
    ("create_election",        Foreign, "401 403 403 403 403 403 403"),
    // Own: an election of 祖望社区; Other: of 幸福街道 (above the community admin).
    ("edit_election",          Own,     "401 403 403 403 403 A   A  "),
    ("edit_election",          Other,   "401 403 403 403 403 403 A  "),
    ("edit_election",          Foreign, "401 403 403 403 403 403 403"),
    ("open_voting",            Own,     "401 403 403 403 403 A   A  "),
    ("open_voting",            Other,   "401 403 403 403 403 403 A  "),
    ("open_voting",            Foreign, "401 403 403 403 403 403 403"),
    ("extend_voting",          Own,     "401 403 403 403 403 A   A  "),
    ("extend_voting",          Other,   "401 403 403 403 403 403 A  "),
    ("extend_voting",          Foreign, "401 403 403 403 403 403 403"),
    // Own: an admin names 赵敏 by phone; Other: self-nomination (volunteers of the area only).
    ("nominate",               Own,     "401 403 403 403 403 A   A  "),
    ("nominate",               Other,   "401 409 A   409 A   409 409"),
    ("nominate",               Foreign, "401 403 403 403 403 403 403"),
    ("decide_nomination",      Own,     "401 403 403 403 403 A   A  "),
    ("decide_nomination",      Other,   "401 403 403 403 403 403 A  "),
    ("decide_nomination",      Foreign, "401 403 403 403 403 403 403"),
    // Voters are the residents and volunteers of the election's area; a refusal says why (409).
    ("cast_vote",              Own,     "401 A   A   409 A   409 409"),
    ("cast_vote",              Foreign, "401 409 409 409 409 409 409"),
    // Public; asking for another area's election by id shows one's own area's instead.
    ("stars_data",             Own,     "A   A   A   A   A   A   A  "),
    ("stars_data",             Foreign, "A   A   A   A   A   A   A  "),
    // ---- grid.rs and dashboard.rs -------------------------------------------------------
    ("grid_search",            Own,     "401 403 403 A   A   A   A  "),
    ("grid_search",            Foreign, "401 403 403 A   A   A   A  "),
    // Other: a community of 幸福街道 (above the community admin).
    ("rename_node",            Own,     "401 403 403 403 403 A   A  "),
    ("rename_node",            Other,   "401 403 403 403 403 403 A  "),
    ("rename_node",            Foreign, "401 403 403 403 403 403 403"),
    // Own: a building of 向日葵 to 红领微网格; Other: to 连心微网格 (朝晖社区).
    ("move_node",              Own,     "401 403 403 403 403 A   A  "),
    ("move_node",              Other,   "401 403 403 403 403 403 403"),
    ("move_node",              Foreign, "401 403 403 403 403 403 403"),
    // Other: a new community under 幸福街道.
    ("create_node",            Own,     "401 403 403 403 403 A   A  "),
    ("create_node",            Other,   "401 403 403 403 403 403 A  "),
    ("create_node",            Foreign, "401 403 403 403 403 403 403"),
    // Other: a building of 向日葵 deleted into / merged into a building of 朝晖社区.
    ("delete_node",            Own,     "401 403 403 403 403 A   A  "),
    ("delete_node",            Other,   "401 403 403 403 403 403 403"),
    ("delete_node",            Foreign, "401 403 403 403 403 403 403"),
    ("merge_node",             Own,     "401 403 403 403 403 A   A  "),
    ("merge_node",             Other,   "401 403 403 403 403 403 403"),
    ("merge_node",             Foreign, "401 403 403 403 403 403 403"),
    ("split_node",             Own,     "401 403 403 403 403 A   A  "),
    ("split_node",             Foreign, "401 403 403 403 403 403 403"),
    // Other: a person of 朝晖社区 made staff of 向日葵.
    ("assign_staff",           Own,     "401 403 403 403 403 A   A  "),
    ("assign_staff",           Other,   "401 403 403 403 403 422 422"),
    ("assign_staff",           Foreign, "401 403 403 403 403 403 403"),
    // Other: the assignment of a community admin (only leaders and members are removed here).
    ("remove_staff",           Own,     "401 403 403 403 403 A   A  "),
    ("remove_staff",           Other,   "401 403 403 403 403 403 403"),
    ("remove_staff",           Foreign, "401 403 403 403 403 403 403"),
    ("undo_grid_edit",         Own,     "401 403 403 403 403 A   A  "),
    // Other: 民情收发站微网格, beside the leader's grid.
    ("grid_presence",          Own,     "401 403 403 A   A   A   A  "),
    ("grid_presence",          Other,   "401 403 403 403 403 A   A  "),
    ("grid_presence",          Foreign, "401 403 403 403 403 403 403"),
    ("grid_children",          Own,     "401 403 403 A   A   A   A  "),
    ("grid_children",          Other,   "401 403 403 403 403 A   A  "),
    ("grid_children",          Foreign, "401 403 403 403 403 403 403"),
    ("audit_data",             Own,     "401 403 403 403 403 A   A  "),
    ("audit_data",             Foreign, "401 403 403 403 403 A   A  "),
    // Own: 向日葵微网格; Other: 祖望新村网格 (beside the leader's grid); Foreign: 朝晖社区.
    ("dashboard",              Own,     "401 403 403 A   A   A   A  "),
    ("dashboard",              Other,   "401 403 403 403 403 A   A  "),
    ("dashboard",              Foreign, "401 403 403 403 403 403 403"),
    // ---- open311.rs ---------------------------------------------------------------------
    ("issue_api_key",          Own,     "401 403 403 403 403 A   A  "),
    // Own: a key of 祖望社区; Other: of 幸福街道 (above the community admin).
    ("revoke_api_key",         Own,     "401 403 403 403 403 A   A  "),
    ("revoke_api_key",         Other,   "401 403 403 403 403 403 A  "),
    ("revoke_api_key",         Foreign, "401 403 403 403 403 403 403"),
    ("api_keys",               Own,     "401 403 403 403 403 A   A  "),
    ("api_keys",               Foreign, "401 403 403 403 403 A   A  "),
    // ---- activities.rs ------------------------------------------------------------------
    // Own: an activity for 祖望社区 (shown to everyone who lives or works there); Foreign:
    // one of 朝晖社区 (in no one's list, its page not found).
    ("activities_data",        Own,     "401 A   A   A   A   A   A  "),
    ("activity_data",          Own,     "401 A   A   A   A   A   A  "),
    ("activity_data",          Foreign, "401 404 404 404 404 404 404"),
    ("activity_form_data",     Own,     "401 403 403 A   A   A   A  "),
    // Own: a station of 向日葵 for its micro-grid; Other: the same station for the whole
    // community (above the member's and the leader's scope); Foreign: 朝晖社区's station.
    ("publish_activity",       Own,     "401 403 403 A   A   A   A  "),
    ("publish_activity",       Other,   "401 403 403 403 403 A   A  "),
    ("publish_activity",       Foreign, "401 403 403 403 403 403 403"),
    ("sign_up_activity",       Own,     "401 A   A   A   A   A   A  "),
    ("sign_up_activity",       Foreign, "401 403 403 403 403 403 403"),
    // 代报名. Own: an activity of 向日葵微网格 and a fresh resident there; Foreign: both of
    // 朝晖社区; Other: the activity of 向日葵 and a resident of 朝晖社区 (not where it is for).
    ("sign_up_resident",       Own,     "401 403 403 A   A   A   A  "),
    ("sign_up_resident",       Foreign, "401 403 403 403 403 403 403"),
    ("sign_up_resident",       Other,   "401 403 403 404 404 404 404"),
    // Own: the role's own sign-up; Other: a neighbour's (the role has none to give up).
    ("cancel_activity_signup", Own,     "401 A   A   A   A   A   A  "),
    ("cancel_activity_signup", Other,   "401 409 409 409 409 409 409"),
    // Check-in and hours, on an occurrence under way. Own: one for 向日葵微网格 (every staff
    // role organises it); Foreign: one of 朝晖社区. Checking in takes the current code.
    ("checkin_screen_data",    Own,     "401 403 403 A   A   A   A  "),
    ("checkin_screen_data",    Foreign, "401 403 403 403 403 403 403"),
    ("admit_data",             Own,     "401 403 403 A   A   A   A  "),
    ("admit_data",             Foreign, "401 403 403 403 403 403 403"),
    ("check_in_activity",      Own,     "401 A   A   A   A   A   A  "),
    ("check_in_activity",      Foreign, "401 403 403 403 403 403 403"),
    // Own: the role checked in; Other: it did not (a neighbour did).
    ("check_out_activity",     Own,     "401 A   A   A   A   A   A  "),
    ("check_out_activity",     Other,   "401 409 409 409 409 409 409"),
    // The volunteer 赵敏 of 向日葵 has a seat: checked in for her, her pending hours confirmed,
    // a make-up entry written for her.
    ("organiser_check_in",     Own,     "401 403 403 A   A   A   A  "),
    ("organiser_check_in",     Foreign, "401 403 403 403 403 403 403"),
    ("confirm_activity_hours", Own,     "401 403 403 A   A   A   A  "),
    ("confirm_activity_hours", Foreign, "401 403 403 403 403 403 403"),
    ("make_up_activity_hours", Own,     "401 403 403 A   A   A   A  "),
    ("make_up_activity_hours", Foreign, "401 403 403 403 403 403 403"),
    // 纪要 of an occurrence that is over. Own: one for 向日葵微网格; Foreign: of 朝晖社区.
    ("write_activity_record",  Own,     "401 403 403 A   A   A   A  "),
    ("write_activity_record",  Foreign, "401 403 403 403 403 403 403"),
    // ---- council.rs ---------------------------------------------------------------------
    // Topics of 祖望社区 / of 朝晖社区.
    ("council_data",           Own,     "401 A   A   A   A   A   A  "),
    ("topic_data",             Own,     "401 A   A   A   A   A   A  "),
    ("topic_data",             Foreign, "401 404 404 404 404 404 404"),
    // For the raiser's own community: anyone with a home there.
    ("raise_topic",            Own,     "401 A   A   A   A   A   A  "),
    // A topic of 祖望社区 raised by someone else; of 朝晖社区.
    ("support_topic",          Own,     "401 A   A   A   A   A   A  "),
    ("support_topic",          Foreign, "401 404 404 404 404 404 404"),
    // A topic of 向日葵微网格; of 朝晖社区's 连心微网格.
    ("screen_topic",           Own,     "401 403 403 A   A   A   A  "),
    ("screen_topic",           Foreign, "401 403 403 403 403 403 403"),
    // An accepted topic of 向日葵微网格 onto a 议事坊 meeting ahead there; of 连心微网格.
    ("schedule_topic",         Own,     "401 403 403 A   A   A   A  "),
    ("schedule_topic",         Foreign, "401 403 403 403 403 403 403"),
    // A topic of 向日葵微网格 whose meeting has begun with its quorum in; of 连心微网格.
    ("write_minutes",          Own,     "401 403 403 A   A   A   A  "),
    ("write_minutes",          Foreign, "401 403 403 403 403 403 403"),
    // The same, its minutes written by a resident-secretary of the demo.
    ("sign_minutes",           Own,     "401 403 403 A   A   A   A  "),
    ("sign_minutes",           Foreign, "401 403 403 403 403 403 403"),
];

/// Functions that write nothing: their refusals need no check that nothing changed.
const READS: &[&str] = &[
    "account_search",
    "signup_choices",
    "home_data",
    "me_data",
    "order_form",
    "my_orders",
    "order_detail",
    "offers_data",
    "feed_data",
    "leader_queue",
    "disputed_orders",
    "my_dispatches",
    "pairings_data",
    "volunteer_profile",
    "board_data",
    "admin_data",
    "sentiment_form",
    "sentiment_list",
    "sentiment_home",
    "item_detail",
    "overdue_visits",
    "elders_data",
    "elder_detail",
    "elder_alerts_data",
    "elections_admin",
    "stars_data",
    "grid_search",
    "grid_presence",
    "grid_children",
    "audit_data",
    "dashboard",
    "api_keys",
    "activities_data",
    "activity_data",
    "council_data",
    "topic_data",
    "activity_form_data",
    "checkin_screen_data",
    "admit_data",
];

/// The test binary's groups: each runs on its own fresh server.
const ACCOUNTS: &[&str] =
    &["change_password", "account_search", "set_account_disabled", "verify_resident", "propose_party_badge"];
const PUBLIC: &[&str] = &[
    "login",
    "logout",
    "signup",
    "signup_choices",
    "request_welfare_check",
    "set_locale",
    "set_elder_mode",
    "home_data",
    "me_data",
];
const ORDERS: &[&str] = &[
    "order_form",
    "my_orders",
    "place_order",
    "place_order_for",
    "register_resident",
    "order_detail",
    "take_order",
    "release_order",
    "start_service",
    "finish_service",
    "confirm_order",
    "dispute_order",
    "cancel_order",
    "offers_data",
    "post_offer",
    "book_offer",
    "feed_data",
    "post_thanks",
    "post_news",
    "like_post",
    "leader_queue",
    "disputed_orders",
    "dispatch_order",
    "my_dispatches",
    "respond_dispatch",
    "pairings_data",
    "create_pairing",
    "volunteer_profile",
    "save_volunteer_profile",
    "set_party_badge",
    "board_data",
];
const SENTIMENT: &[&str] = &[
    "sentiment_form",
    "record_item",
    "sentiment_list",
    "sentiment_home",
    "item_detail",
    "sentiment_step",
    "confirm_item",
    "set_warning",
    "follow_up_item",
    "recheck_item",
    "convert_item",
];
const ELDERS: &[&str] = &[
    "overdue_visits",
    "elders_data",
    "elder_detail",
    "add_elder",
    "update_elder",
    "log_visit",
    "set_heat_alert",
    "elder_alerts_data",
    "start_welfare_check",
    "finish_welfare_check",
];
const ELECTIONS: &[&str] = &[
    "elections_admin",
    "create_election",
    "edit_election",
    "open_voting",
    "extend_voting",
    "nominate",
    "decide_nomination",
    "cast_vote",
    "stars_data",
];
const GRID: &[&str] = &[
    "admin_data",
    "grid_search",
    "rename_node",
    "move_node",
    "create_node",
    "delete_node",
    "merge_node",
    "split_node",
    "assign_staff",
    "remove_staff",
    "undo_grid_edit",
    "grid_presence",
    "grid_children",
    "audit_data",
    "dashboard",
    "issue_api_key",
    "revoke_api_key",
    "api_keys",
];
const ACTIVITIES: &[&str] = &[
    "activities_data",
    "activity_data",
    "activity_form_data",
    "publish_activity",
    "sign_up_activity",
    "sign_up_resident",
    "cancel_activity_signup",
    "checkin_screen_data",
    "admit_data",
    "check_in_activity",
    "check_out_activity",
    "organiser_check_in",
    "write_activity_record",
    "confirm_activity_hours",
    "make_up_activity_hours",
];
const COUNCIL: &[&str] = &[
    "council_data",
    "topic_data",
    "raise_topic",
    "support_topic",
    "screen_topic",
    "schedule_topic",
    "write_minutes",
    "sign_minutes",
];
const GROUPS: [&[&str]; 9] = [ACCOUNTS, PUBLIC, ORDERS, SENTIMENT, ELDERS, ELECTIONS, GRID, ACTIVITIES, COUNCIL];

#[tokio::test]
async fn council() {
    check(COUNCIL).await;
}

#[tokio::test]
async fn station_activities() {
    check(ACTIVITIES).await;
}

#[tokio::test]
async fn accounts() {
    check(ACCOUNTS).await;
}

#[tokio::test]
async fn public_pages_and_preferences() {
    check(PUBLIC).await;
}

#[tokio::test]
async fn orders_offers_feed_dispatch_and_pairings() {
    check(ORDERS).await;
}

#[tokio::test]
async fn sentiment() {
    check(SENTIMENT).await;
}

#[tokio::test]
async fn elders() {
    check(ELDERS).await;
}

#[tokio::test]
async fn elections_and_votes() {
    check(ELECTIONS).await;
}

#[tokio::test]
async fn grid_dashboard_and_open311() {
    check(GRID).await;
}

/// A row can name one use of an endpoint: `place_order_for` is `place_order` for a resident.
fn endpoint_of(row: &str) -> &str {
    row.strip_suffix("_for").unwrap_or(row)
}

/// Every `#[server(endpoint = "…")]` in app/src/server_fns is in the table, in one group,
/// and the table names no function that does not exist.
#[test]
fn every_server_function_is_in_the_table() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/server_fns");
    let mut endpoints = BTreeSet::new();
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("server_fns") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                for part in text.split("#[server(endpoint = \"").skip(1) {
                    endpoints.insert(part.split('"').next().expect("name").to_string());
                }
            }
        }
    }
    assert!(endpoints.len() > 80, "found only {} server functions", endpoints.len());
    let in_table: BTreeSet<String> = TABLE.iter().map(|r| r.0.to_string()).collect();
    let in_groups: BTreeSet<String> = GROUPS.iter().flat_map(|g| g.iter()).map(|f| f.to_string()).collect();
    let missing: Vec<_> = endpoints.difference(&in_table).collect();
    let unknown: Vec<_> = in_table.iter().filter(|f| !endpoints.contains(endpoint_of(f))).collect();
    let ungrouped: Vec<_> = in_table.symmetric_difference(&in_groups).collect();
    assert!(missing.is_empty(), "server functions missing from the access table: {missing:?}");
    assert!(unknown.is_empty(), "the table names functions that do not exist: {unknown:?}");
    assert!(ungrouped.is_empty(), "in the table but in no group, or the other way round: {ungrouped:?}");
    for g in GROUPS {
        for f in g {
            assert_eq!(GROUPS.iter().filter(|g| g.contains(f)).count(), 1, "{f} is in more than one group");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Running the table.

/// What one cell expects: allowed (2xx) or exactly this status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    Status(u16),
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Allow => write!(f, "allow"),
            Expect::Status(s) => write!(f, "{s}"),
        }
    }
}

fn parse_row(func: &str, row: &str) -> [Expect; 7] {
    let cells: Vec<Expect> = row
        .split_whitespace()
        .map(|c| match c {
            "A" => Expect::Allow,
            n => Expect::Status(n.parse().unwrap_or_else(|_| panic!("{func}: bad cell {n}"))),
        })
        .collect();
    cells.try_into().unwrap_or_else(|_| panic!("{func}: a row has 7 cells"))
}

/// One call's arguments, what it aims at, and what its answer must (not) show.
#[derive(Default)]
struct Prep {
    form: Vec<(String, String)>,
    /// (table, condition): the rows the call would change.
    watch: Vec<(&'static str, String)>,
    /// Text an allowed answer must never contain (another area's or person's data).
    leak: Vec<String>,
    /// Text an allowed answer must contain (so that a leak check is not vacuous).
    shows: Vec<String>,
}

impl Prep {
    fn form<K: ToString, V: ToString>(pairs: &[(K, V)]) -> Self {
        Prep { form: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), ..Default::default() }
    }

    fn arg(mut self, k: &str, v: impl ToString) -> Self {
        self.form.push((k.to_string(), v.to_string()));
        self
    }

    fn watch(mut self, table: &'static str, cond: impl Into<String>) -> Self {
        self.watch.push((table, cond.into()));
        self
    }

    fn leak(mut self, text: impl Into<String>) -> Self {
        self.leak.push(text.into());
        self
    }

    fn shows(mut self, text: impl Into<String>) -> Self {
        self.shows.push(text.into());
        self
    }
}

async fn check(funcs: &[&str]) {
    let app = TestApp::spawn().await;
    let w = World::load(&app).await;
    let http = reqwest::Client::builder()
        .default_headers(crate::test_app::same_origin_headers())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for &(func, target, row) in TABLE.iter().filter(|r| funcs.contains(&r.0)) {
        for (who, expected) in WHO.into_iter().zip(parse_row(func, row)) {
            cells += 1;
            let prep = w.prepare(func, target, who).await;
            let mutating = !READS.contains(&func);
            let before = w.digest(&prep.watch).await;
            let mut req = http.post(format!("{}/api/{}", app.base, endpoint_of(func))).form(&prep.form);
            if let Some(cookie) = w.session(who).await {
                req = req.header(COOKIE, cookie);
            }
            let res = req.send().await.expect("send");
            let status = res.status().as_u16();
            let body = res.text().await.expect("body");
            let got = if (200..300).contains(&status) { Expect::Allow } else { Expect::Status(status) };
            let mut problems = Vec::new();
            if got != expected {
                problems.push(format!("expected {expected}, got {got}"));
            }
            if got == Expect::Allow {
                for text in prep.leak.iter().filter(|t| body.contains(t.as_str())) {
                    problems.push(format!("the answer shows {text:?}"));
                }
                for text in prep.shows.iter().filter(|t| !body.contains(t.as_str())) {
                    problems.push(format!("the answer lacks {text:?}"));
                }
            }
            if mutating && prep.watch.is_empty() && expected != Expect::Allow {
                problems.push("test bug: a refused write with nothing watched".into());
            }
            if mutating && !prep.watch.is_empty() {
                let after = w.digest(&prep.watch).await;
                match got {
                    Expect::Allow if after == before => problems.push("allowed, but nothing changed".into()),
                    Expect::Status(_) if after != before => problems.push("refused, but the data changed".into()),
                    _ => {}
                }
            }
            if !problems.is_empty() {
                let body: String = body.chars().take(300).collect();
                mismatches.push(format!(
                    "{func:<22} {:<8} {:<17} {}\n        answer {status}: {body}",
                    format!("{target:?}"),
                    format!("{who:?}"),
                    problems.join("; ")
                ));
            }
        }
    }
    assert!(cells > 0, "no cells for {funcs:?}");
    eprintln!("{} cells of {} functions: {} differ", cells, funcs.len(), mismatches.len());
    assert!(mismatches.is_empty(), "{} of {cells} cells differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

// ---------------------------------------------------------------------------------------
// The world the cells run in, and fresh fixtures.

static NEXT: AtomicU64 = AtomicU64::new(1);

fn next() -> u64 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A unique mobile number for a fresh person (137…).
fn fresh_phone() -> String {
    format!("137{:08}", next())
}

/// A person made for one cell.
#[derive(Debug, Clone)]
struct Person {
    id: PersonId,
    account: AccountId,
    phone: String,
    name: String,
}

const DAY: i64 = 86_400;

fn now() -> i64 {
    app::repo::now()
}

fn date(offset_days: i64) -> String {
    app::domain::time::format_local_date(now() + offset_days * DAY)
}

struct World<'a> {
    app: &'a TestApp,
    /// Account and person ids of the six demo roles, in `WHO` order (index 0 unused).
    accounts: [AccountId; 7],
    persons: [PersonId; 7],
    sub: NodeId,
    community: NodeId,
    grid: NodeId,
    micro: NodeId,
    building: NodeId,
    /// 红领微网格 and its 7号楼: in the leader's grid, not in the member's micro-grid.
    next_micro: NodeId,
    next_building: NodeId,
    /// 祖望新村网格, its 民情收发站微网格 and 1号楼: in the community, beside the leader's grid.
    side_grid: NodeId,
    side_micro: NodeId,
    side_building: NodeId,
    f_community: NodeId,
    f_grid: NodeId,
    f_micro: NodeId,
    f_building: NodeId,
    /// 赵敏, a volunteer of 向日葵; 韩磊, a volunteer of 连心微网格 (朝晖社区).
    volunteer: (PersonId, &'static str),
    f_volunteer: (PersonId, &'static str),
}

impl<'a> World<'a> {
    async fn load(app: &'a TestApp) -> World<'a> {
        let node = |name: &'static str| async move {
            sqlx::query_scalar::<_, NodeId>("SELECT id FROM grid_nodes WHERE name = ?")
                .bind(name)
                .fetch_one(&app.pool)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        let person = |phone: &'static str| async move {
            sqlx::query_as::<_, (AccountId, PersonId)>("SELECT id, person_id FROM accounts WHERE phone = ?")
                .bind(phone)
                .fetch_one(&app.pool)
                .await
                .unwrap_or_else(|e| panic!("{phone}: {e}"))
        };
        // Index 0 (the visitor) has no account: never used, see `account`.
        let mut accounts = [AccountId(0); 7];
        let mut persons = [PersonId(0); 7];
        for (i, who) in WHO.into_iter().enumerate() {
            if let Some(phone) = who.phone() {
                (accounts[i], persons[i]) = person(phone).await;
            }
        }
        World {
            app,
            accounts,
            persons,
            sub: node("幸福街道").await,
            community: node("祖望社区").await,
            grid: node("幸福锦园网格").await,
            micro: node("向日葵微网格").await,
            building: node("幸福锦园4号楼").await,
            next_micro: node("红领微网格").await,
            next_building: node("幸福锦园7号楼").await,
            side_grid: node("祖望新村网格").await,
            side_micro: node("民情收发站微网格").await,
            side_building: node("祖望新村1号楼").await,
            f_community: node("朝晖社区").await,
            f_grid: node("连心网格").await,
            f_micro: node("连心微网格").await,
            f_building: node("朝晖花园10号楼").await,
            volunteer: (person("13800000010").await.1, "13800000010"),
            f_volunteer: (person("13800000023").await.1, "13800000023"),
        }
    }

    fn pool(&self) -> &sqlx::SqlitePool {
        &self.app.pool
    }

    fn index(who: Who) -> usize {
        WHO.iter().position(|w| *w == who).expect("who")
    }

    /// The role's account (the resident's for the visitor, whose calls are refused anyway).
    fn account(&self, who: Who) -> AccountId {
        self.accounts[Self::index(who).max(1)]
    }

    fn person(&self, who: Who) -> PersonId {
        self.persons[Self::index(who).max(1)]
    }

    /// A new session for the role, made the way sign-in makes one: every cell has its own,
    /// so a call that ends sessions (password change, sign-out) touches no other cell.
    async fn session(&self, who: Who) -> Option<HeaderValue> {
        who.phone()?;
        let token = app::auth::new_token();
        sqlx::query("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, unixepoch() + 3600)")
            .bind(app::auth::token_hash(&token))
            .bind(self.account(who))
            .execute(self.pool())
            .await
            .expect("session");
        Some(HeaderValue::from_str(&format!("gs_session={token}")).expect("cookie"))
    }

    async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(self.pool()).await.expect(sql)
    }

    async fn code(&self, node: NodeId) -> String {
        sqlx::query_scalar("SELECT code FROM grid_nodes WHERE id = ?")
            .bind(node)
            .fetch_one(self.pool())
            .await
            .expect("code")
    }

    /// Every column of the watched rows, as text.
    async fn digest(&self, watch: &[(&'static str, String)]) -> String {
        let mut out = String::new();
        for (table, cond) in watch {
            let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(*table)
                .fetch_all(self.pool())
                .await
                .expect("columns");
            assert!(!columns.is_empty(), "no table {table}");
            let row = columns.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
            let sql = format!("SELECT {row} FROM {table} WHERE {cond}");
            let mut rows: Vec<String> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).fetch_all(self.pool()).await.expect(&sql);
            rows.sort();
            out += &format!("{table}: {}\n", rows.join("\n"));
        }
        out
    }

    // ---- fixtures ----------------------------------------------------------------------

    /// A fresh person living in `building` (a building node) with an account and `roles`
    /// ((role, node) pairs); a volunteer role also makes a volunteer profile serving there.
    async fn person_with(&self, building: NodeId, birth_year: i64, roles: &[(&str, NodeId)]) -> Person {
        let n = next();
        let name = format!("矩阵{n}号");
        let phone = fresh_phone();
        let id: PersonId = sqlx::query_scalar(
            "INSERT INTO people (full_name, phone, birth_year, micro_grid_id, building_id)
             SELECT ?, ?, ?, parent_id, id FROM grid_nodes WHERE id = ? RETURNING id",
        )
        .bind(&name)
        .bind(&phone)
        .bind(birth_year)
        .bind(building)
        .fetch_one(self.pool())
        .await
        .expect("person");
        let account: AccountId = sqlx::query_scalar(
            "INSERT INTO accounts (person_id, phone, password_hash) VALUES (?, ?, 'unused') RETURNING id",
        )
        .bind(id)
        .bind(&phone)
        .fetch_one(self.pool())
        .await
        .expect("account");
        for (role, node) in roles {
            sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, ?, ?)")
                .bind(account)
                .bind(role)
                .bind(node)
                .execute(self.pool())
                .await
                .expect("role");
            if *role == "volunteer" {
                sqlx::query("INSERT INTO volunteer_profiles (person_id, service_node_id) VALUES (?, ?)")
                    .bind(id)
                    .bind(node)
                    .execute(self.pool())
                    .await
                    .expect("volunteer");
            }
        }
        Person { id, account, phone, name }
    }

    /// A fresh resident of the micro-grid holding `building`.
    async fn resident(&self, building: NodeId) -> Person {
        let micro = NodeId(self.scalar(&format!("SELECT parent_id FROM grid_nodes WHERE id = {building}")).await);
        self.person_with(building, 1960, &[("resident", micro)]).await
    }

    /// A fresh account of a person with no home micro-grid and no role.
    async fn detached(&self) -> Person {
        let (name, phone) = (format!("矩阵{}号", next()), fresh_phone());
        let id: PersonId = sqlx::query_scalar("INSERT INTO people (full_name, phone) VALUES (?, ?) RETURNING id")
            .bind(&name)
            .bind(&phone)
            .fetch_one(self.pool())
            .await
            .expect("person");
        let account = sqlx::query_scalar(
            "INSERT INTO accounts (person_id, phone, password_hash) VALUES (?, ?, 'unused') RETURNING id",
        )
        .bind(id)
        .bind(&phone)
        .fetch_one(self.pool())
        .await
        .expect("account");
        Person { id, account, phone, name }
    }

    /// An order asked for by `requester` (placed by their account) in their micro-grid.
    async fn order(&self, requester: PersonId, status: &str, taker: Option<PersonId>, title: &str) -> OrderId {
        sqlx::query_scalar(
            "INSERT INTO service_orders (requester_id, placed_by, section, title, micro_grid_id, building_id, room,
                                         contact_phone, status, taker_id)
             SELECT p.id, a.id, 'daily_life', ?, p.micro_grid_id, p.building_id, '1201', p.phone, ?, ?
             FROM people p JOIN accounts a ON a.person_id = p.id WHERE p.id = ? RETURNING id",
        )
        .bind(title)
        .bind(status)
        .bind(taker)
        .bind(requester)
        .fetch_one(self.pool())
        .await
        .expect("order")
    }

    /// A fresh resident's order in the micro-grid of `building`.
    async fn order_in(&self, building: NodeId, status: &str, taker: Option<PersonId>) -> (OrderId, Person, String) {
        let p = self.resident(building).await;
        let title = format!("矩阵需求{}号", next());
        let id = self.order(p.id, status, taker, &title).await;
        (id, p, title)
    }

    async fn exec(&self, sql: String) {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone())).execute(self.pool()).await.expect(&sql);
    }

    /// A 民情 item at `building` reported by `reporter` (an account).
    async fn item(&self, building: NodeId, reporter: AccountId, kind: &str, stage: &str) -> (i64, String) {
        let description = format!("矩阵民情{}号", next());
        let category = if kind == "dispute" { "dispute" } else { "facility" };
        let id = sqlx::query_scalar(
            "INSERT INTO sentiment_items (kind, category, micro_grid_id, building_id, description, reporter_id, stage,
                                          closed_at, recheck_due_at)
             SELECT ?1, ?2, parent_id, id, ?3, ?4, ?5, CASE WHEN ?5 = 'closed' THEN unixepoch() END,
                    CASE WHEN ?5 = 'closed' AND ?1 = 'inspection' THEN unixepoch() - 86400 END
             FROM grid_nodes WHERE id = ?6 RETURNING id",
        )
        .bind(kind)
        .bind(category)
        .bind(&description)
        .bind(reporter)
        .bind(stage)
        .bind(building)
        .fetch_one(self.pool())
        .await
        .expect("item");
        (id, description)
    }

    /// A fresh elder on the register at `building`, never visited (so overdue).
    async fn elder(&self, building: NodeId) -> Person {
        let p = self.person_with(building, 1946, &[]).await;
        self.exec(format!(
            "INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone)
             SELECT id, micro_grid_id, 1 FROM people WHERE id = {}",
            p.id
        ))
        .await;
        self.exec(format!("INSERT INTO visit_plans (elder_id, every_days) VALUES ({}, 7)", p.id)).await;
        p
    }

    /// An open welfare check for the micro-grid `micro` (None: a building nobody matched).
    /// A welfare check of `micro`, or without one (its building unknown) waiting for sorting
    /// in the own community.
    async fn welfare(&self, micro: Option<NodeId>) -> (i64, String) {
        let name = format!("矩阵求助{}号", next());
        let area = micro.is_none().then_some(self.community);
        let id = sqlx::query_scalar(
            "INSERT INTO welfare_checks (micro_grid_id, area_id, elder_name, building_note, requester_phone)
             VALUES (?, ?, ?, '某小区某楼', '13912340000') RETURNING id",
        )
        .bind(micro)
        .bind(area)
        .bind(&name)
        .fetch_one(self.pool())
        .await
        .expect("welfare");
        (id, name)
    }

    /// An election over `scope` in `phase` ("upcoming", "nominating" or "voting").
    async fn election(&self, scope: NodeId, phase: &str) -> (ElectionId, String) {
        let title = format!("矩阵评选{}号", next());
        let days: [i64; 5] = match phase {
            "upcoming" => [10, 20, 20, 30, 40],
            "nominating" => [-1, 10, 10, 20, 30],
            "voting" => [-20, -10, -1, 10, 20],
            other => panic!("phase {other}"),
        };
        let t = now();
        let id = sqlx::query_scalar(
            "INSERT INTO star_elections (title, scope_node_id, nomination_start, nomination_end, voting_start,
                                         voting_end, notice_end)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&title)
        .bind(scope)
        .bind(t + days[0] * DAY)
        .bind(t + days[1] * DAY)
        .bind(t + days[2] * DAY)
        .bind(t + days[3] * DAY)
        .bind(t + days[4] * DAY)
        .fetch_one(self.pool())
        .await
        .expect("election");
        (id, title)
    }

    async fn nomination(&self, election: ElectionId, person: PersonId, status: &str) -> i64 {
        sqlx::query_scalar("INSERT INTO nominations (election_id, person_id, status) VALUES (?, ?, ?) RETURNING id")
            .bind(election)
            .bind(person)
            .bind(status)
            .fetch_one(self.pool())
            .await
            .expect("nomination")
    }

    /// A fresh child of `parent` (the next level down) named uniquely; returns (id, name).
    async fn node(&self, parent: NodeId) -> (NodeId, String) {
        use app::domain::grid::{child_code, NodeLevel};
        let name = format!("矩阵节点{}号", next());
        let mut conn = self.pool().acquire().await.expect("conn");
        let (level, code): (String, String) = sqlx::query_as("SELECT level, code FROM grid_nodes WHERE id = ?")
            .bind(parent)
            .fetch_one(&mut *conn)
            .await
            .expect("parent");
        let level = NodeLevel::parse(&level).and_then(|l| l.child()).expect("child level");
        let seq = app::repo::grid_repo::next_child_seq(&mut conn, parent, &code).await.expect("seq");
        let code = child_code(&code, level, seq).expect("code");
        let id = app::repo::grid_repo::insert_node(&mut conn, parent, level.as_str(), &code, &name, i64::from(seq), 0)
            .await
            .expect("node");
        (id, name)
    }

    async fn api_key(&self, node: NodeId) -> (i64, String) {
        let label = format!("矩阵密钥{}号", next());
        let id = sqlx::query_scalar(
            "INSERT INTO api_keys (node_id, label, key_hash, created_by) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(node)
        .bind(&label)
        .bind(app::auth::token_hash(&app::auth::new_token()))
        .bind(self.account(Who::CommunityAdmin))
        .fetch_one(self.pool())
        .await
        .expect("key");
        (id, label)
    }

    async fn post(&self, community: NodeId) -> (i64, String) {
        let body = format!("矩阵动态{}号", next());
        let id = sqlx::query_scalar(
            "INSERT INTO feed_posts (node_id, kind, body) VALUES (?, 'station_news', ?) RETURNING id",
        )
        .bind(community)
        .bind(&body)
        .fetch_one(self.pool())
        .await
        .expect("post");
        (id, body)
    }

    /// A fresh 驿站活动 for area `node`, at a station inside it, two days ahead with sign-up
    /// open: (title, id).
    async fn activity(&self, node: NodeId) -> (String, i64) {
        let title = format!("矩阵活动{}号", next());
        let t = now();
        let id = sqlx::query_scalar(
            "INSERT INTO activities (station_id, node_id, kind, title, starts_at, ends_at, capacity,
                                     signup_opens_at, signup_closes_at, created_by)
             SELECT s.id, ?1, 'market', ?2, ?3, ?3 + 7200, 20, ?4, ?3, (SELECT min(id) FROM accounts)
             FROM stations s JOIN grid_nodes g ON g.id = s.node_id
             WHERE substr(g.code, 1, length((SELECT code FROM grid_nodes WHERE id = ?1)))
                   = (SELECT code FROM grid_nodes WHERE id = ?1)
             ORDER BY s.id LIMIT 1 RETURNING id",
        )
        .bind(node)
        .bind(&title)
        .bind(t + 2 * DAY)
        .bind(t - DAY)
        .fetch_one(self.pool())
        .await
        .expect("activity");
        (title, id)
    }

    /// A 议题 of area `node` (a micro-grid or a community), collecting support: (title, id).
    async fn topic(&self, node: NodeId, audience: &str) -> (String, i64) {
        let title = format!("矩阵议题{}号", next());
        let t = now();
        let id = sqlx::query_scalar(
            "INSERT INTO council_topics (node_id, audience, title, body, raised_at, support_until, threshold)
             VALUES (?, ?, ?, '楼道里的电动车怎么停', ?, ?, 5) RETURNING id",
        )
        .bind(node)
        .bind(audience)
        .bind(&title)
        .bind(t)
        .bind(t + 30 * DAY)
        .fetch_one(self.pool())
        .await
        .expect("topic");
        (title, id)
    }

    /// A 议题 of area `node` scheduled to a 议事坊 meeting that began an hour ago, with a
    /// quorum of one and 赵敏 checked in; with its minutes written (by a resident of the demo)
    /// when `minutes`: its id.
    async fn topic_in_meeting(&self, node: NodeId, minutes: bool) -> i64 {
        let (_, id) = self.topic(node, "micro_grid").await;
        let (meeting, _) = self.activity_under_way(node).await;
        self.checked_in(meeting, self.volunteer.0).await;
        let mut steps = vec![
            "UPDATE activities SET kind = 'council' WHERE id = ?2",
            "INSERT INTO council_meetings (activity_id, quorum, set_at) VALUES (?2, 1, unixepoch())",
            "UPDATE council_topics SET stage = 'scheduled', meeting_id = ?2 WHERE id = ?1",
        ];
        if minutes {
            steps.push(
                "INSERT INTO council_minutes (topic_id, motion, votes_for, votes_against, abstaining, decision, owner,
                                              deadline, secretary_id, written_at)
                 SELECT ?1, '议案', 1, 0, 0, '决议', '物业', unixepoch() + 86400 * 30, id, unixepoch()
                 FROM accounts WHERE phone = '13800001000'",
            );
        }
        for sql in steps {
            sqlx::query(sql).bind(id).bind(meeting).execute(self.pool()).await.expect("a meeting under way");
        }
        id
    }

    /// A 驿站活动 for area `node` that started an hour ago and ends in an hour (check-in is
    /// open), with the volunteer 赵敏 seated: (id, the check-in code of now).
    async fn activity_under_way(&self, node: NodeId) -> (i64, String) {
        let (_, id) = self.activity(node).await;
        let t = now();
        let secret = format!("matrix{id}");
        sqlx::query(
            "UPDATE activities SET signup_opens_at = ?1 - 7200, signup_closes_at = ?1 - 3600, starts_at = ?1 - 3600,
                                   ends_at = ?1 + 3600, checkin_secret = ?2
             WHERE id = ?3",
        )
        .bind(t)
        .bind(&secret)
        .bind(id)
        .execute(self.pool())
        .await
        .expect("under way");
        sqlx::query("INSERT INTO activity_signups (activity_id, person_id, status, queue_no) VALUES (?, ?, 'in', 1)")
            .bind(id)
            .bind(self.volunteer.0)
            .execute(self.pool())
            .await
            .expect("seat");
        (id, app::domain::activity::checkin_code(&secret, app::domain::activity::code_step(t)))
    }

    /// `person` checked in at occurrence `id` an hour ago (a volunteer's hours pending).
    async fn checked_in(&self, id: i64, person: PersonId) {
        sqlx::query(
            "INSERT INTO activity_attendance (activity_id, person_id, via, checked_in_at, hours_status)
             VALUES (?1, ?2, 'code', ?3 - 3600,
                     CASE WHEN EXISTS (SELECT 1 FROM volunteer_profiles WHERE person_id = ?2) THEN 'pending' ELSE 'none' END)",
        )
        .bind(id)
        .bind(person)
        .bind(now())
        .execute(self.pool())
        .await
        .expect("checked in");
    }

    async fn offer(&self, volunteer: PersonId, micro: NodeId) -> (i64, String) {
        let title = format!("矩阵帮忙{}号", next());
        let id = sqlx::query_scalar(
            "INSERT INTO offers (volunteer_id, section, title, node_id) VALUES (?, 'daily_life', ?, ?) RETURNING id",
        )
        .bind(volunteer)
        .bind(&title)
        .bind(micro)
        .fetch_one(self.pool())
        .await
        .expect("offer");
        (id, title)
    }

    async fn dispatch(&self, order: OrderId, volunteer: PersonId) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO order_dispatches (order_id, volunteer_id, dispatched_by) VALUES (?, ?, ?) RETURNING id",
        )
        .bind(order)
        .bind(volunteer)
        .bind(self.account(Who::Leader))
        .fetch_one(self.pool())
        .await
        .expect("dispatch")
    }

    /// The building of the target: 向日葵 (own), 朝晖 (foreign), or `other`.
    fn building_for(&self, target: Target, other: NodeId) -> NodeId {
        match target {
            Own => self.building,
            Foreign => self.f_building,
            Other | Nowhere => other,
        }
    }

    /// The micro-grid of the target: 向日葵 (own), 连心 (foreign), or `other`.
    fn micro_for(&self, target: Target, other: NodeId) -> NodeId {
        match target {
            Own => self.micro,
            Foreign => self.f_micro,
            Other | Nowhere => other,
        }
    }

    // ---- one cell's call ---------------------------------------------------------------

    async fn prepare(&self, func: &str, target: Target, who: Who) -> Prep {
        let n = next();
        let me = self.person(who);
        let my_account = self.account(who);
        let signed_in = who != Who::Visitor;
        match (func, target) {
            // ---- council.rs
            ("council_data", _) => {
                let (own, _) = self.topic(self.community, "community").await;
                let (foreign, _) = self.topic(self.f_community, "community").await;
                Prep::default().shows(own).leak(foreign)
            }
            ("topic_data", _) => {
                let area = if target == Own { self.community } else { self.f_community };
                let (title, id) = self.topic(area, "community").await;
                let prep = Prep::form(&[("id", id.to_string())]);
                if target == Own {
                    prep.shows(title)
                } else {
                    prep.leak(title)
                }
            }
            ("raise_topic", _) => {
                let title = format!("矩阵新议题{n}");
                Prep::form(&[("audience", "community"), ("title", &title), ("body", "小区里能不能装充电桩")])
                    .watch("council_topics", format!("title = '{title}'"))
            }
            ("support_topic", _) => {
                let area = if target == Own { self.community } else { self.f_community };
                let (_, id) = self.topic(area, "community").await;
                Prep::form(&[("topic", id.to_string())]).watch("council_supports", format!("topic_id = {id}"))
            }
            ("screen_topic", _) => {
                let area = if target == Own { self.micro } else { self.f_micro };
                let (_, id) = self.topic(area, "micro_grid").await;
                Prep::form(&[("topic", id.to_string()), ("decision", "accept".into()), ("version", "1".into())])
                    .watch("council_topics", format!("id = {id} AND stage = 'accepted'"))
            }
            ("schedule_topic", _) => {
                let area = if target == Own { self.micro } else { self.f_micro };
                let (_, id) = self.topic(area, "micro_grid").await;
                let (_, meeting) = self.activity(area).await;
                for sql in [
                    "UPDATE council_topics SET stage = 'accepted' WHERE id = ?",
                    "UPDATE activities SET kind = 'council' WHERE id = ?",
                ] {
                    let bound = if sql.contains("council_topics") { id } else { meeting };
                    sqlx::query(sql).bind(bound).execute(self.pool()).await.expect("ready to schedule");
                }
                Prep::form(&[
                    ("topic", id.to_string()),
                    ("version", "1".into()),
                    ("meeting", meeting.to_string()),
                    ("quorum", "12".into()),
                    ("invited[]", "resident_reps".into()),
                ])
                .watch("council_topics", format!("id = {id} AND stage = 'scheduled'"))
            }
            ("write_minutes", _) => {
                let area = if target == Own { self.micro } else { self.f_micro };
                let id = self.topic_in_meeting(area, false).await;
                Prep::form(&[
                    ("topic", id.to_string()),
                    ("version", "1".into()),
                    ("motion", "楼道统一不放电动车".into()),
                    ("votes_for", "1".into()),
                    ("votes_against", "0".into()),
                    ("abstaining", "0".into()),
                    ("decision", "在8号楼旁建充电棚".into()),
                    ("owner", "物业".into()),
                    ("deadline", "2027-03-01".into()),
                ])
                .watch("council_minutes", format!("topic_id = {id}"))
            }
            ("sign_minutes", _) => {
                let area = if target == Own { self.micro } else { self.f_micro };
                let id = self.topic_in_meeting(area, true).await;
                Prep::form(&[("topic", id.to_string()), ("version", "1".into())])
                    .watch("council_topics", format!("id = {id} AND stage = 'deliberated'"))
            }
            // ---- activities.rs
            ("activities_data", _) => {
                let (own, _) = self.activity(self.community).await;
                let (foreign, _) = self.activity(self.f_community).await;
                Prep::default().shows(own).leak(foreign)
            }
            ("activity_data", _) => {
                let area = if target == Own { self.community } else { self.f_community };
                let (title, id) = self.activity(area).await;
                let prep = Prep::form(&[("id", id.to_string())]);
                if target == Own {
                    prep.shows(title)
                } else {
                    prep.leak(title)
                }
            }
            ("activity_form_data", _) => Prep::default().shows("向日葵网格服务驿站").leak("朝晖社区党群服务中心"),
            ("publish_activity", _) => {
                let (station, audience) = match target {
                    Own => ("向日葵网格服务驿站", "micro_grid"),
                    Other => ("向日葵网格服务驿站", "community"),
                    _ => ("朝晖社区党群服务中心", "micro_grid"),
                };
                let station: i64 = sqlx::query_scalar("SELECT id FROM stations WHERE name = ?")
                    .bind(station)
                    .fetch_one(self.pool())
                    .await
                    .expect("station");
                let title = format!("矩阵活动{n}号");
                Prep::form(&[
                    ("station", station.to_string()),
                    ("kind", "market".into()),
                    ("title", title.clone()),
                    ("starts", format!("{}T09:00", date(3))),
                    ("ends", format!("{}T11:00", date(3))),
                    ("capacity", "10".into()),
                    ("audience", audience.into()),
                ])
                .watch("activities", format!("title = '{title}'"))
            }
            ("sign_up_activity", _) => {
                let area = if target == Own { self.community } else { self.f_community };
                let (_, id) = self.activity(area).await;
                Prep::form(&[("activity", id.to_string())]).watch("activity_signups", format!("activity_id = {id}"))
            }
            ("write_activity_record", _) => {
                let area = if target == Own { self.micro } else { self.f_community };
                let (_, id) = self.activity(area).await;
                sqlx::query(
                    "UPDATE activities SET signup_opens_at = ?1 - 18000, signup_closes_at = ?1 - 10800,
                                           starts_at = ?1 - 10800, ends_at = ?1 - 3600 WHERE id = ?2",
                )
                .bind(now())
                .bind(id)
                .execute(self.pool())
                .await
                .expect("over");
                Prep::form(&[("activity", id.to_string()), ("body", format!("矩阵纪要{n}"))])
                    .watch("activity_records", format!("activity_id = {id}"))
            }
            ("sign_up_resident", _) => {
                let area = if target == Foreign { self.f_micro } else { self.micro };
                let (_, id) = self.activity(area).await;
                let p = self.resident(if target == Own { self.building } else { self.f_building }).await;
                Prep::form(&[("activity", id.to_string()), ("person", p.id.0.to_string())])
                    .watch("activity_signups", format!("activity_id = {id}"))
            }
            ("cancel_activity_signup", _) => {
                let (_, id) = self.activity(self.community).await;
                // Own: the caller's sign-up; Other (and the visitor): a neighbour's.
                let person = if target == Own && signed_in { me } else { self.volunteer.0 };
                sqlx::query(
                    "INSERT INTO activity_signups (activity_id, person_id, status, queue_no) VALUES (?, ?, 'in', 1)",
                )
                .bind(id)
                .bind(person)
                .execute(self.pool())
                .await
                .expect("sign-up");
                Prep::form(&[("activity", id.to_string())]).watch("activity_signups", format!("activity_id = {id}"))
            }
            ("checkin_screen_data", _) => {
                let area = if target == Own { self.micro } else { self.f_community };
                let (id, _) = self.activity_under_way(area).await;
                Prep::form(&[("activity", id.to_string())])
            }
            ("admit_data", _) => {
                let area = if target == Own { self.micro } else { self.f_community };
                let (id, _) = self.activity_under_way(area).await;
                let prep = Prep::form(&[("activity", id.to_string()), ("person", self.volunteer.0 .0.to_string())]);
                if target == Own {
                    prep.shows("赵敏")
                } else {
                    prep.leak("赵敏")
                }
            }
            ("check_in_activity", _) => {
                let area = if target == Own { self.community } else { self.f_community };
                let (id, code) = self.activity_under_way(area).await;
                Prep::form(&[("activity", id.to_string()), ("code", code)])
                    .watch("activity_attendance", format!("activity_id = {id}"))
            }
            ("check_out_activity", _) => {
                let (id, _) = self.activity_under_way(self.community).await;
                let person = if target == Own && signed_in { me } else { self.volunteer.0 };
                if target == Own && signed_in {
                    self.checked_in(id, person).await;
                }
                Prep::form(&[("activity", id.to_string())]).watch("activity_attendance", format!("activity_id = {id}"))
            }
            ("organiser_check_in", _) | ("confirm_activity_hours", _) | ("make_up_activity_hours", _) => {
                let area = if target == Own { self.micro } else { self.f_community };
                let (id, _) = self.activity_under_way(area).await;
                if func == "confirm_activity_hours" {
                    self.checked_in(id, self.volunteer.0).await;
                }
                let prep = Prep::form(&[("activity", id.to_string()), ("person", self.volunteer.0 .0.to_string())])
                    .watch("activity_attendance", format!("activity_id = {id}"));
                if func == "make_up_activity_hours" {
                    prep.arg("hours", "1").arg("reason", "现场签到表有签名")
                } else {
                    prep
                }
            }
            // ---- accounts.rs
            ("change_password", _) => Prep::form(&[
                ("current_password", "gridstation".to_string()),
                ("new_password", format!("Tianqing-{n}-Shui")),
            ])
            .watch("accounts", format!("id = {my_account}")),
            ("account_search", _) => {
                let p = self.resident(self.building_for(target, self.building)).await;
                let prep = Prep::form(&[("query", &p.name)]);
                if target == Own {
                    prep.shows(&p.name)
                } else {
                    prep.leak(&p.name)
                }
            }
            ("set_account_disabled", _) => {
                let p = match target {
                    Nowhere => self.detached().await,
                    Other => {
                        self.person_with(
                            self.building,
                            1970,
                            &[("resident", self.micro), ("micro_grid_member", self.f_micro)],
                        )
                        .await
                    }
                    _ => self.resident(self.building_for(target, self.building)).await,
                };
                Prep::form(&[
                    ("account", p.account.to_string()),
                    ("disabled", "1".into()),
                    ("reason", "矩阵测试".into()),
                ])
                .watch("accounts", format!("id = {}", p.account))
            }
            ("verify_resident", _) => {
                let p = match target {
                    Other => {
                        self.person_with(
                            self.building,
                            1970,
                            &[("resident", self.micro), ("micro_grid_member", self.f_micro)],
                        )
                        .await
                    }
                    _ => self.resident(self.building_for(target, self.building)).await,
                };
                let building = self.scalar(&format!("SELECT building_id FROM people WHERE id = {}", p.id)).await;
                let unit = self
                    .scalar(&format!(
                        "SELECT h.node_id FROM households h JOIN grid_nodes u ON u.id = h.node_id
                         WHERE u.parent_id = {building} ORDER BY h.id LIMIT 1"
                    ))
                    .await;
                let room: String =
                    sqlx::query_scalar("SELECT room FROM households WHERE node_id = ? ORDER BY id LIMIT 1")
                        .bind(unit)
                        .fetch_one(self.pool())
                        .await
                        .expect("room");
                Prep::form(&[("account", p.account.to_string()), ("unit", unit.to_string()), ("room", room)])
                    .watch("accounts", format!("id = {}", p.account))
            }
            ("propose_party_badge", _) => {
                let p = match target {
                    Other => {
                        self.person_with(
                            self.building,
                            1980,
                            &[("volunteer", self.micro), ("micro_grid_member", self.f_micro)],
                        )
                        .await
                    }
                    _ => {
                        let building = self.building_for(target, self.building);
                        let micro = self.micro_for(target, self.micro);
                        self.person_with(building, 1980, &[("volunteer", micro)]).await
                    }
                };
                Prep::form(&[("account", p.account.to_string())]).watch("people", format!("id = {}", p.id))
            }
            // ---- auth.rs, prefs.rs, public pages
            ("login", _) => Prep::form(&[("phone", who.phone().unwrap_or("13800000001")), ("password", "gridstation")]),
            ("signup", _) => Prep::form(&[
                ("full_name", format!("新居民{n}号")),
                ("phone", fresh_phone()),
                ("password", format!("Tianqing-{n}-Shui")),
                ("micro_grid", self.micro.to_string()),
            ]),
            ("request_welfare_check", _) => Prep::form(&[
                ("elder_name", format!("矩阵老人{n}号")),
                ("building", "幸福锦园4号楼".into()),
                ("phone", fresh_phone()),
                ("note", String::new()),
            ]),
            ("set_locale", _) => Prep::form(&[("locale", "en")]),
            ("set_elder_mode", _) => Prep::form(&[("on", "1")]),
            (
                "logout" | "signup_choices" | "home_data" | "me_data" | "order_form" | "my_orders" | "sentiment_form",
                _,
            ) => Prep::default(),
            ("volunteer_profile", _) => Prep::default(),
            // ---- orders.rs
            ("place_order_for", _) => {
                let title = format!("矩阵代下单{n}号");
                let person = self.resident(self.building_for(target, self.building)).await.id;
                Prep::form(&[
                    ("section", "daily_life".to_string()),
                    ("title", title.clone()),
                    ("description", String::new()),
                    ("urgency", "normal".into()),
                    ("idempotency_key", format!("matrix-for-{n}")),
                    ("on_behalf_person", person.to_string()),
                ])
                .watch("service_orders", format!("title = '{title}' AND requester_id = {person}"))
            }
            ("register_resident", _) => {
                let building = self.building_for(target, self.building);
                let unit = self
                    .scalar(&format!(
                        "SELECT id FROM grid_nodes WHERE parent_id = {building} AND level = 'unit' ORDER BY id LIMIT 1"
                    ))
                    .await;
                let name = format!("矩阵居民{n}");
                Prep::form(&[("name", name.clone()), ("unit", unit.to_string()), ("room", "808".into())])
                    .watch("people", format!("full_name = '{name}' AND phone IS NULL"))
            }
            ("place_order", _) => {
                let title = format!("矩阵需求{n}号");
                let prep = Prep::form(&[
                    ("section", "daily_life".to_string()),
                    ("title", title.clone()),
                    ("description", String::new()),
                    ("urgency", "normal".into()),
                    ("idempotency_key", format!("matrix-{n}")),
                ])
                .watch("service_orders", format!("title = '{title}'"));
                match target {
                    Own => prep,
                    _ => {
                        prep.arg("on_behalf_phone", self.resident(self.building_for(target, self.building)).await.phone)
                    }
                }
            }
            ("order_detail", _) => {
                let (id, phone) = match target {
                    Own => (self.order(me, "open", None, &format!("矩阵需求{n}号")).await, None),
                    _ => {
                        let (id, p, _) = self.order_in(self.building_for(target, self.building), "open", None).await;
                        (id, Some(p.phone))
                    }
                };
                let prep = Prep::form(&[("id", id)]);
                // Residents and volunteers see a neighbour's order masked: never the phone.
                match phone {
                    Some(phone) if matches!(who, Who::Resident | Who::Volunteer) => prep.leak(phone),
                    _ => prep,
                }
            }
            ("take_order", _) => {
                let id = match target {
                    Other => self.order(me, "open", None, &format!("矩阵需求{n}号")).await,
                    _ => self.order_in(self.building_for(target, self.building), "open", None).await.0,
                };
                Prep::form(&[("id", id)]).watch("service_orders", format!("id = {id}"))
            }
            ("release_order" | "start_service" | "finish_service", _) => {
                let status = if func == "finish_service" { "in_service" } else { "taken" };
                let taker = match target {
                    Own => me,
                    Other | Nowhere => self.volunteer.0,
                    Foreign => self.f_volunteer.0,
                };
                let (id, _, _) = self.order_in(self.building_for(target, self.building), status, Some(taker)).await;
                let prep = Prep::form(&[("id", id)]).watch("service_orders", format!("id = {id}"));
                match func {
                    "release_order" => prep.arg("reason", "临时有事"),
                    "finish_service" => prep.arg("minutes", 30),
                    _ => prep,
                }
            }
            ("confirm_order" | "dispute_order" | "cancel_order" | "post_thanks", _) => {
                let (status, taker) = match func {
                    "cancel_order" => ("open", None),
                    "post_thanks" => ("completed", Some(self.volunteer.0)),
                    _ => ("awaiting_confirmation", Some(self.volunteer.0)),
                };
                let id = match target {
                    Own => self.order(me, status, taker, &format!("矩阵需求{n}号")).await,
                    Other | Nowhere => self.order_in(self.building, status, taker).await.0,
                    Foreign => self.order_in(self.f_building, status, taker.map(|_| self.f_volunteer.0)).await.0,
                };
                let watch = if func == "post_thanks" {
                    ("feed_posts", format!("order_id = {id}"))
                } else {
                    ("service_orders", format!("id = {id}"))
                };
                let prep = Prep::form(&[("id", id)]).watch(watch.0, watch.1);
                match func {
                    "confirm_order" => prep.arg("rating", 5).arg("comment", ""),
                    "dispute_order" => prep.arg("reason", "没有修好"),
                    "cancel_order" => prep.arg("reason", ""),
                    _ => Prep {
                        form: vec![("order".into(), id.to_string()), ("body".into(), format!("谢谢{n}"))],
                        ..prep
                    },
                }
            }
            // ---- offers.rs
            ("offers_data", _) => {
                let (v, m) =
                    if target == Own { (self.volunteer.0, self.micro) } else { (self.f_volunteer.0, self.f_micro) };
                let (_, title) = self.offer(v, m).await;
                if target == Own {
                    Prep::default().shows(title)
                } else {
                    Prep::default().leak(title)
                }
            }
            ("post_offer", _) => {
                let title = format!("矩阵帮忙{n}号");
                Prep::form(&[
                    ("section", "daily_life"),
                    ("title", title.as_str()),
                    ("description", ""),
                    ("schedule", ""),
                ])
                .watch("offers", format!("title = '{title}'"))
            }
            ("book_offer", _) => {
                let (v, m) =
                    if target == Own { (self.volunteer.0, self.micro) } else { (self.f_volunteer.0, self.f_micro) };
                let (offer, _) = self.offer(v, m).await;
                Prep::form(&[
                    ("offer", offer.to_string()),
                    ("note", String::new()),
                    ("idempotency_key", format!("book-{n}")),
                ])
                .watch("service_orders", format!("offer_id = {offer}"))
            }
            // ---- feed.rs
            ("feed_data", _) => {
                let (_, body) = self.post(if target == Own { self.community } else { self.f_community }).await;
                if target == Own {
                    Prep::default().shows(body)
                } else {
                    Prep::default().leak(body)
                }
            }
            ("post_news", _) => {
                let body = format!("矩阵通知{n}号");
                Prep::form(&[("body", &body)]).watch("feed_posts", format!("body = '{body}'"))
            }
            ("like_post", _) => {
                let (post, _) = self.post(if target == Own { self.community } else { self.f_community }).await;
                Prep::form(&[("post", post)]).watch("feed_likes", format!("post_id = {post}"))
            }
            // ---- dispatch.rs
            ("leader_queue", _) => {
                let (id, _, title) = self.order_in(self.building_for(target, self.building), "open", None).await;
                self.exec(format!(
                    "UPDATE service_orders SET escalated_at = unixepoch(), escalation_reason = 'timeout' WHERE id = {id}"
                ))
                .await;
                if target == Own {
                    Prep::default().shows(title)
                } else {
                    Prep::default().leak(title)
                }
            }
            ("disputed_orders", _) => {
                let taker = if target == Own { self.volunteer.0 } else { self.f_volunteer.0 };
                let (id, _, title) =
                    self.order_in(self.building_for(target, self.building), "in_service", Some(taker)).await;
                self.exec(format!("UPDATE service_orders SET disputed = 1 WHERE id = {id}")).await;
                if target == Own {
                    Prep::default().shows(title)
                } else {
                    Prep::default().leak(title)
                }
            }
            ("dispatch_order", _) => {
                let (id, _, _) = self.order_in(self.building_for(target, self.building), "open", None).await;
                let volunteer = if target == Own { self.volunteer.0 } else { self.f_volunteer.0 };
                Prep::form(&[("id", id.to_string()), ("volunteer", volunteer.to_string())])
                    .watch("order_dispatches", format!("order_id = {id}"))
            }
            ("my_dispatches", _) => {
                let (id, _, title) = self.order_in(self.building, "open", None).await;
                self.dispatch(id, if target == Own { me } else { self.volunteer.0 }).await;
                match target {
                    Own if signed_in => Prep::default().shows(title),
                    Own => Prep::default(),
                    _ => Prep::default().leak(title),
                }
            }
            ("respond_dispatch", _) => {
                let (volunteer, building) = match target {
                    Own => (me, self.building),
                    Other | Nowhere => (self.volunteer.0, self.building),
                    Foreign => (self.f_volunteer.0, self.f_building),
                };
                let (order, _, _) = self.order_in(building, "open", None).await;
                let dispatch = self.dispatch(order, volunteer).await;
                Prep::form(&[("dispatch", dispatch.to_string()), ("accept", "0".into())])
                    .watch("order_dispatches", format!("id = {dispatch}"))
            }
            // ---- pairings.rs
            ("pairings_data", _) => {
                let resident = self.resident(self.building_for(target, self.building)).await;
                let volunteer = if target == Own { self.volunteer.0 } else { self.f_volunteer.0 };
                let title = format!("矩阵结对{n}号");
                self.exec(format!(
                    "INSERT INTO pairings (volunteer_id, person_id, section, title) VALUES ({volunteer}, {}, 'health', '{title}')",
                    resident.id
                ))
                .await;
                if target == Own {
                    Prep::default().shows(title)
                } else {
                    Prep::default().leak(title)
                }
            }
            ("create_pairing", _) => {
                let resident = self.resident(self.building_for(target, self.building)).await;
                let volunteer = if target == Own { self.volunteer.1 } else { self.f_volunteer.1 };
                let title = format!("矩阵结对{n}号");
                Prep::form(&[
                    ("volunteer_phone", volunteer.to_string()),
                    ("resident_phone", resident.phone),
                    ("section", "daily_life".into()),
                    ("title", title.clone()),
                    ("weekday", "1".into()),
                    ("part", "0".into()),
                ])
                .watch("pairings", format!("title = '{title}'"))
            }
            // ---- volunteer.rs
            ("save_volunteer_profile", _) => Prep::form(&[
                ("skills[]", "daily_life".to_string()),
                ("slots[]", "1".into()),
                ("intro", format!("矩阵{n}")),
            ])
            .watch("volunteer_profiles", format!("person_id = {me}")),
            // The opposite of what the caller shows now, so that an allowed call changes it.
            ("set_party_badge", _) => {
                let shown = self.scalar(&format!("SELECT party_member FROM people WHERE id = {me}")).await;
                Prep::form(&[("shown", if shown == 1 { "0" } else { "1" })]).watch("people", format!("id = {me}"))
            }
            // ---- pages.rs
            ("board_data", _) => {
                let (_, _, title) = self.order_in(self.building_for(target, self.building), "open", None).await;
                let prep = Prep::form(&[("grid", self.micro_for(target, self.micro))]);
                if target == Own {
                    prep
                } else {
                    prep.leak(title)
                }
            }
            ("admin_data" | "grid_presence" | "grid_children", _) => {
                Prep::form(&[("node", self.micro_for(target, self.side_micro))])
            }
            // ---- sentiment.rs
            ("record_item", _) => {
                let description = format!("矩阵民情{n}号");
                Prep::form(&[
                    ("category", "facility".to_string()),
                    ("place", self.building_for(target, self.next_building).to_string()),
                    ("description", description.clone()),
                ])
                .watch("sentiment_items", format!("description = '{description}'"))
            }
            ("sentiment_list" | "sentiment_home", _) => {
                let reporter = self.resident(self.building_for(target, self.building)).await.account;
                let (id, description) =
                    self.item(self.building_for(target, self.building), reporter, "dispute", "accepted").await;
                self.exec(format!("UPDATE sentiment_items SET warning_level = 'red' WHERE id = {id}")).await;
                if target == Own
                    && matches!(who, Who::Member | Who::Leader | Who::CommunityAdmin | Who::SubdistrictAdmin)
                {
                    Prep::default().shows(description)
                } else if target == Foreign {
                    Prep::default().leak(description)
                } else {
                    Prep::default()
                }
            }
            ("item_detail" | "sentiment_step" | "confirm_item", _) => {
                let building = self.building_for(target, self.building);
                let reporter = if target == Own { my_account } else { self.resident(building).await.account };
                let (stage, step) = match (func, target) {
                    ("item_detail", _) => ("reported", ""),
                    ("sentiment_step", Own) => ("collected", "report"),
                    ("sentiment_step", _) => ("reported", "accept"),
                    _ => ("closed", ""),
                };
                let (id, _) = self.item(building, reporter, "report", stage).await;
                let prep = Prep::form(&[("id", id)]);
                match func {
                    "item_detail" => prep,
                    "sentiment_step" => {
                        prep.arg("version", 1).arg("step", step).watch("sentiment_items", format!("id = {id}"))
                    }
                    _ => prep
                        .arg("version", 1)
                        .arg("resolved", "yes")
                        .arg("rating", 5)
                        .watch("sentiment_items", format!("id = {id}")),
                }
            }
            ("set_warning" | "follow_up_item" | "recheck_item" | "convert_item", _) => {
                let building = self.building_for(target, self.side_building);
                let reporter = self.resident(building).await.account;
                let (kind, stage) = match func {
                    "set_warning" => ("dispute", "accepted"),
                    "follow_up_item" => ("report", "accepted"),
                    "recheck_item" => ("inspection", "closed"),
                    _ => ("report", "reported"),
                };
                let (id, _) = self.item(building, reporter, kind, stage).await;
                let prep = Prep::form(&[("id", id), ("version", 1)]).watch("sentiment_items", format!("id = {id}"));
                match func {
                    "set_warning" => prep.arg("level", "red"),
                    "follow_up_item" => prep.arg("note", format!("回访{n}")),
                    "recheck_item" => prep.arg("result", "pass"),
                    _ => prep.watch("service_orders", format!("idempotency_key = 'sentiment-{id}'")),
                }
            }
            // ---- elders.rs
            ("overdue_visits" | "elders_data", _) => {
                let elder = self.elder(self.building_for(target, self.building)).await;
                if target == Own {
                    Prep::default().shows(elder.name)
                } else {
                    Prep::default().leak(elder.name)
                }
            }
            ("elder_detail", _) => {
                let elder = self.elder(self.building_for(target, self.next_building)).await;
                Prep::form(&[("person", elder.id)])
            }
            ("add_elder", _) => {
                let p = self.person_with(self.building_for(target, self.next_building), 1950, &[]).await;
                Prep::form(&[
                    ("person", p.id.to_string()),
                    ("living_alone", "1".into()),
                    ("health_notes", String::new()),
                    ("contact_name", String::new()),
                    ("contact_phone", String::new()),
                    ("every_days", "7".into()),
                    ("heat_alert_every_days", "1".into()),
                ])
                .watch("elder_profiles", format!("person_id = {}", p.id))
            }
            ("update_elder", _) => {
                let elder = self.elder(self.building_for(target, self.next_building)).await;
                Prep::form(&[
                    ("person", elder.id.to_string()),
                    ("living_alone", "1".into()),
                    ("health_notes", format!("矩阵{n}")),
                    ("contact_name", String::new()),
                    ("contact_phone", String::new()),
                    ("every_days", "5".into()),
                    ("heat_alert_every_days", "1".into()),
                ])
                .watch("elder_profiles", format!("person_id = {}", elder.id))
                .watch("visit_plans", format!("elder_id = {}", elder.id))
            }
            ("log_visit", _) => {
                let elder = self.elder(self.building_for(target, self.next_building)).await;
                Prep::form(&[("elder", elder.id.to_string()), ("outcome", "safe".into()), ("note", String::new())])
                    .watch("visit_logs", format!("elder_id = {}", elder.id))
            }
            ("set_heat_alert", _) => {
                let community = if target == Own { self.community } else { self.f_community };
                let on = self
                    .scalar(&format!(
                        "SELECT coalesce((SELECT heat_alert FROM community_settings WHERE node_id = {community}), 0)"
                    ))
                    .await;
                Prep::form(&[("community", community.to_string()), ("on", (1 - on).to_string())])
                    .watch("community_settings", format!("node_id = {community}"))
            }
            ("elder_alerts_data", _) => {
                let micro = match target {
                    Own => Some(self.micro),
                    Foreign => Some(self.f_micro),
                    _ => None,
                };
                let (_, name) = self.welfare(micro).await;
                match target {
                    Own => Prep::default().shows(name),
                    Foreign => Prep::default().leak(name),
                    // Checks waiting for sorting in the community: its admins, not a member or a leader.
                    _ if matches!(who, Who::Member | Who::Leader) => Prep::default().leak(name),
                    _ => Prep::default().shows(name),
                }
            }
            ("start_welfare_check" | "finish_welfare_check", _) => {
                let micro = match target {
                    Own => Some(self.micro),
                    Foreign => Some(self.f_micro),
                    _ => None,
                };
                let (id, _) = self.welfare(micro).await;
                let prep = Prep::form(&[("id", id)]).watch("welfare_checks", format!("id = {id}"));
                if func == "finish_welfare_check" {
                    prep.arg("outcome", "safe").arg("note", "")
                } else {
                    prep
                }
            }
            // ---- elections.rs: admin.rs and ballot.rs
            ("elections_admin", _) => {
                let (_, title) =
                    self.election(if target == Own { self.community } else { self.f_community }, "upcoming").await;
                if target == Own {
                    Prep::default().shows(title)
                } else {
                    Prep::default().leak(title)
                }
            }
            ("create_election", _) => {
                let scope = match (target, who) {
                    (Foreign, _) => self.f_community,
                    (Own, Who::SubdistrictAdmin) | (Other, Who::CommunityAdmin) => self.sub,
                    (Own, _) => self.community,
                    (Other | Nowhere, Who::SubdistrictAdmin) => self.community,
                    (Other | Nowhere, _) => self.sub,
                };
                let title = format!("矩阵评选{n}号");
                election_form(&title).arg("scope", scope).watch("star_elections", format!("title = '{title}'"))
            }
            ("edit_election" | "open_voting" | "extend_voting", _) => {
                let scope = match target {
                    Own => self.community,
                    Other | Nowhere => self.sub,
                    Foreign => self.f_community,
                };
                let phase = if func == "extend_voting" { "voting" } else { "upcoming" };
                let (id, _) = self.election(scope, phase).await;
                let prep = match func {
                    "edit_election" => election_form(&format!("矩阵改名{n}号")),
                    "extend_voting" => Prep::form(&[("voting_to", date(15))]),
                    _ => Prep::default(),
                };
                prep.arg("id", id).arg("version", 1).watch("star_elections", format!("id = {id}"))
            }
            ("nominate", _) => {
                let scope = if target == Foreign { self.f_community } else { self.community };
                let (id, _) = self.election(scope, "nominating").await;
                let phone = match target {
                    Own => self.volunteer.1,
                    Foreign => self.f_volunteer.1,
                    Other | Nowhere => "",
                };
                Prep::form(&[("election", id.to_string()), ("phone", phone.into()), ("intro", String::new())])
                    .watch("nominations", format!("election_id = {id}"))
            }
            ("decide_nomination", _) => {
                let (scope, volunteer) = match target {
                    Own => (self.community, self.volunteer.0),
                    Other | Nowhere => (self.sub, self.volunteer.0),
                    Foreign => (self.f_community, self.f_volunteer.0),
                };
                let (election, _) = self.election(scope, "nominating").await;
                let id = self.nomination(election, volunteer, "pending").await;
                Prep::form(&[("id", id.to_string()), ("decision", "approve".into())])
                    .watch("nominations", format!("id = {id}"))
            }
            ("cast_vote", _) => {
                let (scope, volunteer) = if target == Own {
                    (self.community, self.volunteer.0)
                } else {
                    (self.f_community, self.f_volunteer.0)
                };
                let (election, _) = self.election(scope, "voting").await;
                let id = self.nomination(election, volunteer, "approved").await;
                Prep::form(&[("nomination", id)]).watch("star_votes", format!("nomination_id = {id}"))
            }
            ("stars_data", _) => {
                let scope = if target == Own { self.sub } else { self.f_community };
                let (id, title) = self.election(scope, "voting").await;
                let prep = Prep::form(&[("election", id)]);
                // Visitors belong to no area: every election is public to them.
                if target == Foreign && signed_in {
                    prep.leak(title)
                } else {
                    prep
                }
            }
            // ---- grid.rs, dashboard.rs
            ("grid_search", _) => {
                let (_, name) = self.node(self.micro_for(target, self.micro)).await;
                let prep = Prep::form(&[("q", &name)]);
                if target == Own {
                    prep.shows(name)
                } else {
                    prep.leak(name)
                }
            }
            ("rename_node", _) => {
                let parent = match target {
                    Own => self.micro,
                    Other | Nowhere => self.sub,
                    Foreign => self.f_micro,
                };
                let (id, _) = self.node(parent).await;
                Prep::form(&[("id", id.to_string()), ("version", "1".into()), ("name", format!("改名{n}号"))])
                    .watch("grid_nodes", format!("id = {id}"))
            }
            ("move_node", _) => {
                let (id, _) = self.node(if target == Foreign { self.f_micro } else { self.micro }).await;
                let parent = match target {
                    Own => self.next_micro,
                    Other | Nowhere => self.f_micro,
                    Foreign => self.micro,
                };
                Prep::form(&[("id", id.to_string()), ("version", "1".into()), ("parent", parent.to_string())])
                    .watch("grid_nodes", format!("id = {id}"))
            }
            ("create_node", _) => {
                let parent = match target {
                    Own => self.micro,
                    Other | Nowhere => self.sub,
                    Foreign => self.f_micro,
                };
                let name = format!("新建{n}号");
                Prep::form(&[("parent", parent.to_string()), ("name", name.clone())])
                    .watch("grid_nodes", format!("name = '{name}'"))
            }
            ("delete_node" | "merge_node", _) => {
                let (id, _) = self.node(if target == Foreign { self.f_micro } else { self.micro }).await;
                let (into, _) = self.node(if target == Own { self.micro } else { self.f_micro }).await;
                let prep = Prep::form(&[("id", id.to_string()), ("version", "1".into())])
                    .watch("grid_nodes", format!("id IN ({id}, {into}) OR parent_id IN ({id}, {into})"));
                if func == "merge_node" || target == Other {
                    prep.arg("into", into)
                } else {
                    prep
                }
            }
            ("split_node", _) => {
                let (micro, _) = self.node(if target == Own { self.grid } else { self.f_grid }).await;
                let (a, _) = self.node(micro).await;
                let (b, _) = self.node(micro).await;
                let name = format!("分出{n}号");
                Prep::form(&[
                    ("id", micro.to_string()),
                    ("version", "1".into()),
                    ("name", name.clone()),
                    ("buildings[]", b.to_string()),
                ])
                .watch("grid_nodes", format!("id IN ({micro}, {a}, {b}) OR name = '{name}'"))
            }
            ("assign_staff", _) => {
                let node = if target == Foreign { self.f_micro } else { self.micro };
                let p = self.resident(if target == Own { self.building } else { self.f_building }).await;
                Prep::form(&[("node", node.to_string()), ("account", p.account.to_string())])
                    .watch("role_assignments", format!("account_id = {}", p.account))
            }
            ("remove_staff", _) => {
                let (role, node, building) = match target {
                    Own => ("micro_grid_member", self.micro, self.building),
                    Other | Nowhere => ("community_admin", self.community, self.building),
                    Foreign => ("micro_grid_member", self.f_micro, self.f_building),
                };
                let p = self.person_with(building, 1980, &[(role, node)]).await;
                let assignment =
                    self.scalar(&format!("SELECT id FROM role_assignments WHERE account_id = {}", p.account)).await;
                Prep::form(&[("assignment", assignment)]).watch("role_assignments", format!("id = {assignment}"))
            }
            ("undo_grid_edit", _) => {
                // An admin's latest edit: a building added just now, which the undo takes away.
                if matches!(who, Who::CommunityAdmin | Who::SubdistrictAdmin) {
                    let client = self.app.client();
                    let cookie = self.session(who).await.expect("session");
                    let res = client
                        .post(format!("{}/api/create_node", self.app.base))
                        .header(COOKIE, cookie)
                        .form(&[("parent", self.micro.to_string()), ("name", format!("撤销{n}号"))])
                        .send()
                        .await
                        .expect("create");
                    assert!(res.status().is_success(), "setting up undo: {}", res.text().await.unwrap_or_default());
                }
                Prep::default().watch("grid_nodes", "1").watch("role_assignments", "1")
            }
            ("audit_data", _) => {
                let detail = format!("矩阵审计{n}号");
                let node = if target == Own { self.micro } else { self.f_micro };
                self.exec(format!(
                    "INSERT INTO audit_log (actor_id, action, object_kind, object_id, node_id, detail)
                     VALUES (NULL, 'rename_node', 'grid_node', {node}, {node}, '{detail}')"
                ))
                .await;
                if target == Own {
                    Prep::default().shows(detail)
                } else {
                    Prep::default().leak(detail)
                }
            }
            ("dashboard", _) => {
                let area = match target {
                    Own => self.micro,
                    Other | Nowhere => self.side_grid,
                    Foreign => self.f_community,
                };
                Prep::form(&[("area", self.code(area).await)])
            }
            // ---- open311.rs
            ("issue_api_key", _) => {
                let label = format!("矩阵密钥{n}号");
                Prep::form(&[("label", &label)]).watch("api_keys", format!("label = '{label}'"))
            }
            ("revoke_api_key", _) => {
                let node = match target {
                    Own => self.community,
                    Other | Nowhere => self.sub,
                    Foreign => self.f_community,
                };
                let (id, _) = self.api_key(node).await;
                Prep::form(&[("id", id)]).watch("api_keys", format!("id = {id}"))
            }
            ("api_keys", _) => {
                let (_, label) = self.api_key(if target == Own { self.community } else { self.f_community }).await;
                if target == Own {
                    Prep::default().shows(label)
                } else {
                    Prep::default().leak(label)
                }
            }
            (other, target) => panic!("no fixture for {other} on {target:?}"),
        }
    }
}

/// The fields of an election form: nominations in 5 days, voting from day 7 to day 8.
fn election_form(title: &str) -> Prep {
    Prep::form(&[
        ("title", title.to_string()),
        ("stars", "10".into()),
        ("votes_per_voter", "5".into()),
        ("nomination_from", date(5)),
        ("nomination_to", date(6)),
        ("voting_from", date(7)),
        ("voting_to", date(8)),
        ("notice_to", date(9)),
        ("min_service_hours", "0".into()),
    ])
}
