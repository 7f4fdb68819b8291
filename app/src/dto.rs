//! Data that crosses the wire between server functions and pages.
use crate::domain::ids::{AccountId, ElectionId, NodeId, OrderId, PersonId};
use serde::{Deserialize, Serialize};

/// One node with the sums of its subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AreaSummary {
    pub id: NodeId,
    pub level: String,
    pub code: String,
    pub name: String,
    pub households: i64,
    pub residents: i64,
    pub over_sixty: i64,
    pub living_alone: i64,
    pub open_orders: i64,
    pub leaders: Option<String>,
    /// 微网格员 of the node.
    pub members: Option<String>,
    pub station: Option<String>,
    /// The version an edit (a drag to a new parent) is made against.
    pub version: i64,
}

/// The numbers on the home page for an area.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AreaNumbers {
    pub open_orders: i64,
    pub volunteers: i64,
    pub service_minutes: i64,
    pub completed: i64,
}

/// A station (驿站) as the home page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationCard {
    pub name: String,
    pub address: String,
    pub open_hours: String,
}

/// An open order on the public board: masked name and building only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCard {
    pub id: OrderId,
    pub section: crate::domain::order::ServiceSection,
    pub urgency: crate::domain::order::Urgency,
    pub title: String,
    /// When it was posted (epoch seconds): the board's order, newest first.
    pub created_at: i64,
    pub age_secs: i64,
    pub building: Option<String>,
    pub requester_masked: String,
}

/// The open needs as plain text for pasting into a WeChat group.
pub fn copy_text(locale: crate::i18n::Locale, orders: &[OrderCard]) -> String {
    use crate::domain::order::Urgency;
    use crate::i18n::{section_label, Msg};
    let mut text = format!("【{}】{}\n", Msg::AppName.text(locale), Msg::TabBoard.text(locale));
    for (i, o) in orders.iter().take(30).enumerate() {
        let urgent = if o.urgency == Urgency::Urgent {
            format!("【{}】", Msg::UrgencyUrgent.text(locale))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{}. {urgent}[{}] {} · {} {}\n",
            i + 1,
            section_label(o.section).text(locale),
            o.title,
            o.building.as_deref().unwrap_or(""),
            o.requester_masked
        ));
    }
    text
}

/// One of the viewer's own orders (我的订单), with what happens next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOrderCard {
    pub id: OrderId,
    pub section: crate::domain::order::ServiceSection,
    pub urgency: crate::domain::order::Urgency,
    pub status: crate::domain::order::OrderStatus,
    pub title: String,
    pub next: crate::domain::order::NextStep,
    /// For the requester: who took it.
    pub taker: Option<String>,
    pub building: Option<String>,
    /// Seconds since it last changed.
    pub age_secs: i64,
}

/// 我的订单: the needs the viewer posted and the orders they took, unfinished first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOrdersView {
    pub requested: Vec<MyOrderCard>,
    pub taken: Vec<MyOrderCard>,
    /// Whether the viewer takes orders (volunteers, grid leaders): the taken list is shown.
    pub takes_orders: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedItem {
    pub id: i64,
    pub kind: String,
    pub body: String,
    pub age_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeView {
    pub area_name: String,
    /// The signed-in viewer's unfinished orders.
    pub mine: Option<MyOrdersView>,
    pub station: Option<StationCard>,
    pub numbers: AreaNumbers,
    /// The board of the viewer's area (its first cards are 首页's newest needs); none for
    /// visitors.
    pub board: Option<BoardView>,
    pub feed: Vec<FeedItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    /// The number of the latest live event the data includes: the board applies the
    /// frames after it.
    pub seq: u64,
    /// Whether the area is one community, whose counts the order frames carry.
    pub community: bool,
    pub area_name: String,
    pub counts: Vec<(crate::domain::order::ServiceSection, i64)>,
    pub orders: Vec<OrderCard>,
    /// The open needs as plain text for a WeChat group.
    pub copy_text: String,
    /// For volunteers: 适合我.
    pub suits_me: Option<SuitsMe>,
    /// Micro-grids of the area with their open-order counts: (id, name, count).
    pub grids: Vec<(NodeId, String, i64)>,
    /// Whether a further page of open orders exists.
    pub more: bool,
}

/// 适合我: the volunteer's facts as the ranking knows them, and their community's open
/// orders that suit them best, each with its score, best first (ties: newest first). The
/// board shows the first [`SuitsMe::SHOWN`]; the rest wait behind them for when one is
/// taken. The island ranks an order a frame brings with the same facts and function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuitsMe {
    pub me: crate::domain::matching::VolunteerFacts,
    pub ranked: Vec<(crate::domain::matching::Score, OrderCard)>,
}

impl SuitsMe {
    pub const SHOWN: usize = 5;
    /// Ranked orders kept: those shown and as many waiting.
    pub const KEPT: usize = 2 * Self::SHOWN;

    /// Takes order `id` out and, while it is open (`card`, with what the ranking needs),
    /// puts it back at its rank.
    pub fn apply(
        &mut self,
        id: crate::domain::ids::OrderId,
        card: Option<(&OrderCard, &crate::domain::matching::OrderNeeds)>,
    ) {
        self.ranked.retain(|(_, o)| o.id != id);
        if let Some((card, needs)) = card {
            let score = crate::domain::matching::score(&self.me, needs);
            let rank = |s: &crate::domain::matching::Score, o: &OrderCard| {
                (std::cmp::Reverse(*s), std::cmp::Reverse(o.created_at))
            };
            let at = self.ranked.partition_point(|(s, o)| rank(s, o) < rank(&score, card));
            self.ranked.insert(at, (score, card.clone()));
            self.ranked.truncate(Self::KEPT);
        }
    }

    pub fn shown(&self) -> impl Iterator<Item = &OrderCard> {
        self.ranked.iter().take(Self::SHOWN).map(|(_, o)| o)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateCard {
    pub nomination_id: i64,
    pub name: String,
    pub intro: String,
    pub micro_grid: Option<String>,
    pub service_hours: f64,
    pub orders_completed: i64,
    pub avg_rating: Option<f64>,
    pub sections: Vec<crate::domain::order::ServiceSection>,
    /// Shown only when the election's tally is live.
    pub votes: Option<i64>,
    /// The candidate shows the 党员 badge (their own choice). Only the server renders it:
    /// the ballot's islands, which read this card again as JSON, never decode it, so it
    /// adds nothing to the code every resident loads.
    #[serde(skip_deserializing)]
    pub party_member: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElectionView {
    /// The number of the latest live event the counts include.
    pub seq: u64,
    pub id: ElectionId,
    pub title: String,
    pub scope_name: String,
    pub stars: i64,
    pub votes_per_voter: i64,
    pub voting_start: i64,
    pub voting_end: i64,
    pub candidates: Vec<CandidateCard>,
    /// The viewer may vote in this election (registered in its area as resident or
    /// volunteer, and verified).
    pub may_vote: bool,
    /// The viewer is registered in the area but not yet verified: told how to get verified.
    pub needs_verification: bool,
    /// The viewer's remaining votes, when they may vote.
    pub remaining: i64,
    /// Nominations the viewer voted for (theirs only).
    pub my_votes: Vec<i64>,
    pub phase: crate::domain::election::Phase,
    /// The tally is kept until the close.
    pub tally_hidden: bool,
    /// The viewer is a volunteer of the area and may nominate themselves now.
    pub may_nominate: bool,
    /// The search the candidates are filtered by.
    pub query: String,
    /// After the close: the elected in rank order.
    pub elected: Vec<ElectedStar>,
    /// Other elections of the viewer's area: (id, title).
    pub others: Vec<(ElectionId, String)>,
    /// 报名 period: first and last day.
    pub nomination_from: String,
    pub nomination_to: String,
    /// The viewer's own nomination here: status (`pending`, `approved`, `rejected`) and
    /// the reason of a rejection.
    pub my_nomination: Option<(String, Option<String>)>,
    /// Another election of the viewer's area taking self-nominations now: (id, title,
    /// last day), so the way to it is at the top, not a link at the bottom.
    pub nominating_elsewhere: Option<(ElectionId, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectedStar {
    pub rank: i64,
    pub name: String,
    pub votes: i64,
}

/// One election as its admins see it: definition, counts and nominations (never voters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElectionAdminCard {
    pub id: ElectionId,
    pub version: i64,
    pub title: String,
    pub scope_name: String,
    pub phase: crate::domain::election::Phase,
    pub stars: i64,
    pub votes_per_voter: i64,
    pub min_service_hours: i64,
    pub live_tally: bool,
    /// Inclusive dates in China time, `2026-12-01`.
    pub nomination_from: String,
    pub nomination_to: String,
    pub voting_from: String,
    pub voting_to: String,
    pub notice_to: String,
    pub votes_cast: i64,
    pub voters: i64,
    pub nominations: Vec<NominationItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NominationItem {
    pub id: i64,
    pub name: String,
    pub intro: String,
    /// pending, approved or rejected.
    pub status: String,
    pub reason: Option<String>,
    pub service_hours: f64,
    pub votes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElectionsAdminView {
    /// Areas the viewer may run an election for: (node id, name).
    pub scopes: Vec<(NodeId, String)>,
    pub elections: Vec<ElectionAdminCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeView {
    pub name: String,
    /// The owner's own full phone number.
    pub phone: String,
    pub building: Option<String>,
    pub micro_grid: Option<String>,
    pub community: Option<String>,
    pub service_minutes: i64,
    pub orders_completed: i64,
    pub orders_placed: i64,
    /// Titles such as 「2025年度志愿服务之星」 once published.
    pub badges: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    /// The viewer's own grid edit (or undo) of the last ten minutes: what 撤销 would undo.
    pub last_edit: Option<AuditLine>,
    pub node: AreaSummary,
    pub children: Vec<AreaSummary>,
    /// The node's version, which an edit is made against.
    pub version: i64,
    /// The viewer may rename and move this node (grid staff below admins read only).
    pub may_edit: bool,
    /// Where the node may move: nodes one level up inside the viewer's area, (id, name).
    pub move_targets: Vec<(NodeId, String)>,
    /// The node above, to go up: (id, name).
    pub parent: Option<(NodeId, String)>,
    /// Nodes of the same level in the community (or area) to merge into: (id, name).
    pub merge_targets: Vec<(NodeId, String)>,
    /// Whether the node holds nothing (no child nodes, people or records): it can simply go.
    pub empty: bool,
    /// Grid leaders and members on the node: (assignment id, role, name).
    pub staff: Vec<(i64, String, String)>,
    /// People of the community who can be made staff here: (account id, "name 138****0001").
    pub people: Vec<(AccountId, String)>,
}

/// What the 我需要 form needs: a fresh idempotency key and the viewer's place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFormView {
    pub idempotency_key: String,
    pub place: Option<String>,
    pub may_place_on_behalf: bool,
    /// For grid staff: the people of their area, to place an order for (代下单).
    pub residents: Vec<ResidentChoice>,
    /// For grid staff: the units of their area, "幸福锦园 · 4号楼 · 1单元".
    pub units: Vec<(NodeId, String)>,
}

/// A resident staff can place an order for: picked by name and home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentChoice {
    pub person_id: PersonId,
    pub name: String,
    /// "4号楼 1单元 302".
    pub place: String,
    pub has_phone: bool,
}

impl ResidentChoice {
    /// How a list to pick from names them: "王秀英 · 4号楼 1单元 302（无手机）".
    pub fn label(&self, no_phone: &str) -> String {
        let tag = if self.has_phone { String::new() } else { format!("（{no_phone}）") };
        format!("{} · {}{tag}", self.name, self.place)
    }
}

/// Room and phone: only for the requester, the taker and grid staff of the area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderContact {
    pub name: String,
    pub room: String,
    pub phone: Option<String>,
}

/// For the requester: who took their order and how to reach them (the volunteer's
/// number if they agreed to share it, and the station's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakerContact {
    pub name: String,
    pub phone: Option<String>,
    pub station: Option<String>,
    pub station_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEventView {
    pub status: crate::domain::order::OrderStatus,
    pub actor: Option<String>,
    pub note: String,
    pub via: Option<crate::domain::order::TakenVia>,
    pub age_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: OrderId,
    pub section: crate::domain::order::ServiceSection,
    pub urgency: crate::domain::order::Urgency,
    pub status: crate::domain::order::OrderStatus,
    pub title: String,
    pub description: String,
    pub age_secs: i64,
    pub building: Option<String>,
    pub micro_grid: String,
    pub requester_masked: String,
    pub taker: Option<String>,
    /// The 党员 badge the taker shows (their own choice), in the viewer's words.
    pub taker_badge: Option<String>,
    /// The requester's details, for the taker and grid staff.
    pub contact: Option<OrderContact>,
    /// The taker's details, for the requester while the order is held.
    pub taker_contact: Option<TakerContact>,
    /// For a taker who does not see the contact yet: seconds until they do.
    pub contact_in_secs: Option<i64>,
    pub minutes_spent: Option<i64>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    pub on_behalf: bool,
    pub disputed: bool,
    pub escalated: bool,
    /// The actions the viewer may take on the order now.
    pub buttons: Vec<crate::domain::order::OrderAction>,
    pub events: Vec<OrderEventView>,
    /// The requester may thank the volunteer in the 朋友圈 (completed, not yet thanked).
    pub may_thank: bool,
}

/// A volunteer suggested for an escalated order, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateVolunteer {
    pub person_id: PersonId,
    pub name: String,
    pub skilled: bool,
    pub same_micro_grid: bool,
    pub open_load: i64,
}

/// An escalated order in the grid leader's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub order: OrderCard,
    pub candidates: Vec<CandidateVolunteer>,
    /// Volunteers it was sent to who have not answered yet: (name, seconds ago).
    pub waiting: Vec<(String, i64)>,
}

/// An order a grid leader dispatched to the viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispatchCard {
    pub dispatch_id: i64,
    pub order: OrderCard,
}

/// 我帮忙: a volunteer's standing offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferCard {
    pub id: i64,
    pub volunteer_name: String,
    pub section: crate::domain::order::ServiceSection,
    pub title: String,
    pub description: String,
    pub schedule: String,
    pub area: String,
    /// The viewer's own offer (cannot book it).
    pub own: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffersView {
    pub offers: Vec<OfferCard>,
    pub may_post: bool,
    /// A fresh idempotency key for booking.
    pub booking_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPost {
    pub id: i64,
    pub kind: String,
    pub body: String,
    pub author_masked: Option<String>,
    pub age_secs: i64,
    pub likes: i64,
    pub liked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedView {
    pub posts: Vec<FeedPost>,
    /// Pass as `before` for the next (older) page.
    pub next: Option<i64>,
    pub may_post_news: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingCard {
    pub id: i64,
    pub volunteer: String,
    pub person_masked: String,
    pub section: crate::domain::order::ServiceSection,
    pub title: String,
    pub weekday: u32,
    pub part: u32,
}

/// A volunteer's own profile and their confirmed service record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerProfileView {
    pub skills: Vec<crate::domain::order::ServiceSection>,
    /// 21 bits: day * 3 + part, Monday morning first.
    pub availability: u32,
    pub intro: String,
    /// Residents whose orders they take may see their mobile number.
    pub shares_phone: bool,
    pub area: Option<String>,
    pub service_hours: f64,
    pub orders_completed: i64,
    pub avg_rating: Option<f64>,
    pub sections: Vec<crate::domain::order::ServiceSection>,
    /// The volunteer level reached (100 / 300 / 600 / 1000 / 1500 hours), if any.
    /// Star level (0–5) from confirmed hours, and the next star with the hours it needs.
    pub stars: u8,
    pub to_next_star: Option<(u8, f64)>,
    pub party: crate::domain::volunteer::PartyBadge,
}

/// The part of the board that is the same for every viewer of an area and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardShared {
    pub seq: u64,
    pub area_name: String,
    pub counts: Vec<(crate::domain::order::ServiceSection, i64)>,
    pub orders: Vec<OrderCard>,
    pub grids: Vec<(NodeId, String, i64)>,
    pub more: bool,
}

/// A grid node found by search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridHit {
    pub id: NodeId,
    pub level: String,
    pub code: String,
    pub name: String,
}

/// One line of `/admin/audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    /// `2026-11-25 21:14` in China time.
    pub at: String,
    /// Who did what where, in the reader's language ("王芳将「红领微网格」改名").
    pub sentence: String,
    /// The action's code, for the CSV.
    pub action: String,
    pub node: String,
    pub node_code: String,
    pub refused: bool,
    /// Each changed field in words ("名称：红领微网格 → 红领先锋").
    pub changes: Vec<String>,
    /// A refusal's reason or another note, in words.
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::{OrderCard, SuitsMe};
    use crate::domain::ids::{OrderId, PersonId};
    use crate::domain::matching::{score, OrderNeeds, VolunteerFacts};
    use crate::domain::order::{ServiceSection, Urgency};

    const HOME: &str = "32060200100301204";
    const SAME_GRID: &str = "32060200100301201";

    fn card(id: i64, created_at: i64) -> OrderCard {
        OrderCard {
            id: OrderId(id),
            section: ServiceSection::DailyLife,
            urgency: Urgency::Normal,
            title: format!("#{id}"),
            created_at,
            age_secs: 0,
            building: None,
            requester_masked: "王*".into(),
        }
    }

    fn needs(code: &str, section: ServiceSection) -> OrderNeeds {
        OrderNeeds { area_code: code.into(), section, slot: None }
    }

    fn ids(suits: &SuitsMe) -> Vec<i64> {
        suits.ranked.iter().map(|(_, o)| o.id.0).collect()
    }

    #[test]
    fn an_order_a_frame_brings_takes_its_rank_among_those_kept_and_a_taken_one_leaves() {
        let me = VolunteerFacts {
            person_id: PersonId(1),
            area_code: HOME.into(),
            skills: vec![ServiceSection::DailyLife],
            availability: 0,
            open_load: 0,
            avg_rating: None,
        };
        let mut suits = SuitsMe { me: me.clone(), ranked: Vec::new() };
        // Ranked as the server ranks: by score, then newest first.
        suits.apply(OrderId(1), Some((&card(1, 100), &needs(SAME_GRID, ServiceSection::DailyLife))));
        suits.apply(OrderId(2), Some((&card(2, 200), &needs(HOME, ServiceSection::Health))));
        suits.apply(OrderId(3), Some((&card(3, 300), &needs(HOME, ServiceSection::DailyLife))));
        suits.apply(OrderId(4), Some((&card(4, 400), &needs(SAME_GRID, ServiceSection::DailyLife))));
        assert_eq!(ids(&suits), [3, 2, 4, 1]);
        assert_eq!(suits.ranked[0].0, score(&me, &needs(HOME, ServiceSection::DailyLife)));
        // A changed order moves; a taken one leaves.
        suits.apply(OrderId(1), Some((&card(1, 100), &needs(HOME, ServiceSection::DailyLife))));
        assert_eq!(ids(&suits), [3, 1, 2, 4]);
        suits.apply(OrderId(3), None);
        assert_eq!(ids(&suits), [1, 2, 4]);
        // Only so many are kept; the first five are shown.
        for id in 10..30 {
            suits.apply(OrderId(id), Some((&card(id, 1000 + id), &needs(SAME_GRID, ServiceSection::Health))));
        }
        assert_eq!(suits.ranked.len(), SuitsMe::KEPT);
        assert_eq!(suits.shown().map(|o| o.id.0).collect::<Vec<_>>(), [1, 2, 4, 29, 28]);
    }
}

/// 驿站活动: the coming activities for the viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitiesView {
    pub activities: Vec<ActivityCard>,
    /// Staff: the list links to the publish form.
    pub may_publish: bool,
}

/// One occurrence of an activity as a card shows it, with the viewer's own standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityCard {
    pub id: i64,
    pub kind: crate::domain::activity::ActivityKind,
    pub title: String,
    pub station: String,
    pub address: String,
    /// The audience's name (the micro-grid, grid or community).
    pub audience: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub signup_closes_at: i64,
    pub capacity: i64,
    /// Ordinary seats still free.
    pub open: i64,
    pub waiting: i64,
    /// The viewer's seat or place; none when they have not signed up.
    pub mine: Option<crate::domain::activity::SignupStatus>,
    /// Their place in the queue (1: next) while they wait.
    pub my_place: Option<i64>,
    pub signup_open: bool,
    pub may_cancel: bool,
}

/// An activity's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub card: ActivityCard,
    pub description: String,
    /// The viewer is staff of its area: they see who signed up and who came.
    pub staff: bool,
    pub signups: Vec<SignupLine>,
    /// For staff: the people living where it is for who have not signed up (代报名).
    pub residents: Vec<ResidentChoice>,
    /// Check-in is open now (from half an hour before the start to half an hour after the end).
    pub checkin_open: bool,
    /// The viewer's own attendance.
    pub mine: Option<AttendanceLine>,
    /// Who came, for staff.
    pub attendance: Vec<AttendanceLine>,
    /// The 纪要, once written.
    pub record: Option<RecordView>,
    /// The viewer is staff of its area, it is over and has no 纪要 yet: they may write it.
    pub may_record: bool,
    /// Then: the 民情 items and orders it may have raised, to link.
    pub raised: Vec<RaisedLine>,
    /// While check-in is open and the viewer has not checked in: the QR code (SVG) an
    /// organiser scans to check them in (their own code, for a phone that cannot scan).
    pub my_qr_svg: String,
    /// A 议事会 meeting's agenda: its topics, (id, title).
    pub agenda: Vec<(i64, String)>,
}

/// An activity's 纪要.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    pub body: String,
    /// People checked in when it was written.
    pub attended: i64,
    pub written_at: i64,
    /// How many 民情 items and orders it links.
    pub linked: usize,
    /// For staff: what it links, with their words.
    pub links: Vec<RaisedLine>,
    /// Its photos' ids, oldest first.
    pub photos: Vec<i64>,
    /// Whether the viewer may add a photo now (its organiser, while it has room).
    pub may_add_photo: bool,
}

/// A 民情 item or an order an activity raised, with the words staff know it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaisedLine {
    pub raised: crate::domain::activity::Raised,
    pub text: String,
}

/// What an organiser sees after scanning a person's code: who, and whether they may be
/// checked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmitView {
    pub activity: i64,
    pub title: String,
    pub person: i64,
    pub name: String,
    /// They have a seat (only those are checked in by the organiser).
    pub seated: bool,
    pub checked_in: bool,
    pub checkin_open: bool,
}

/// Someone's attendance at an activity, as they and its organisers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceLine {
    pub person: i64,
    pub name: String,
    pub via: crate::domain::activity::AttendanceVia,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    pub hours: crate::domain::activity::HoursStatus,
    /// Confirmed half hours, or while pending what they come to now.
    pub half_hours: i64,
    pub makeup_reason: Option<String>,
}

/// The organiser's check-in screen: the code of the current 30-second step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinScreen {
    pub activity: i64,
    pub title: String,
    /// Empty while check-in is closed.
    pub code: String,
    /// The QR code (SVG) of the link that checks in with this code.
    pub qr_svg: String,
    pub seconds_left: i64,
}

/// A sign-up as staff see it: the name, never a phone or room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupLine {
    pub person: i64,
    /// Only volunteers earn hours (and may get a make-up entry).
    pub volunteer: bool,
    pub name: String,
    pub status: crate::domain::activity::SignupStatus,
    pub by_staff: bool,
}

/// 议事会: the topics the viewer sees, and the areas they may raise one for (their
/// micro-grid, grid and community, with names), none for someone without a home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilView {
    pub topics: Vec<TopicCard>,
    pub raise_for: Vec<(crate::domain::activity::Audience, String)>,
    /// The raise form's key: sent twice, it raises one topic.
    pub form_key: String,
}

/// A 议题 as its list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicCard {
    pub id: i64,
    pub audience: crate::domain::activity::Audience,
    /// The area's name.
    pub area: String,
    pub title: String,
    pub stage: crate::domain::council::Stage,
    pub support: crate::domain::council::Support,
    /// Households that support it, and how many it needs.
    pub supporters: i64,
    pub threshold: i64,
    pub raised_at: i64,
    pub support_until: i64,
    /// Raised more than a week ago and not screened yet.
    pub overdue: bool,
    /// Sent up for it (督办).
    pub escalated: bool,
}

/// One 议题: its words, the public reason when it was declined, whether the viewer's
/// household supports it or may, and for staff of its area whether they may screen it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicView {
    pub card: TopicCard,
    pub body: String,
    pub reason: Option<String>,
    pub mine: bool,
    pub may_support: bool,
    pub may_screen: bool,
    /// Staff of its area, once it is accepted.
    pub may_schedule: bool,
    pub version: i64,
    /// The topic a merged one went into: (id, title).
    pub merged_into: Option<(i64, String)>,
    /// The 民情 item a referred one became.
    pub item: Option<i64>,
    /// For staff who may screen it: the topics it may be merged into, and the buildings
    /// and units a 民情 item of it may be placed at.
    pub merge_targets: Vec<(i64, String)>,
    pub places: Vec<(crate::domain::ids::NodeId, String)>,
    /// The meeting it is on the agenda of.
    pub meeting: Option<MeetingCard>,
    /// For staff, once it is accepted: the 议事坊 meetings ahead it may be scheduled to.
    pub meetings: Vec<MeetingCard>,
    /// Its minutes, once written.
    pub minutes: Option<MinutesView>,
    /// Staff of its area, while it is scheduled and its minutes unsigned: they may write
    /// them, and one other than their secretary may sign them.
    pub may_write_minutes: bool,
    pub may_sign_minutes: bool,
}

/// A topic's minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesView {
    pub motion: String,
    /// For, against, abstaining.
    pub votes: [i64; 3],
    pub decision: String,
    pub owner: String,
    pub deadline: i64,
    pub secretary: String,
    pub written_at: i64,
    pub chair: Option<String>,
    pub signed_at: Option<i64>,
}

/// A 议事会 meeting (a 议事坊 activity): when and where; once a topic is on its agenda, its
/// quorum and who is invited; who checked in, and how many topics it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingCard {
    pub activity: i64,
    pub title: String,
    pub starts_at: i64,
    pub station: String,
    pub quorum: Option<i64>,
    pub invited: Vec<crate::domain::council::Invited>,
    pub attended: i64,
    pub agenda: i64,
}
