//! 民情: recording items and running them through the closed loop 采集 → 上报 → 立案 →
//! 派遣 → 处置 → 核验 → 办结, with disputes, inspections, 督办 and the reporter's verdict.
//! This module reads; [`items`] records, [`steps`] moves an item along the loop, [`photos`]
//! keeps its pictures.
use crate::domain::ids::{AccountId, NodeId, OrderId};
use crate::domain::sentiment::{Category, HandlerKind, Kind, Stage, StageAction, Warning};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

mod items;
mod photos;
mod steps;

pub use items::{record_item, RecordItem};
#[cfg(feature = "ssr")]
pub use photos::{add_photo, may_add_photo, photo_for, MAX_PHOTOS};
pub use steps::{
    confirm_item, convert_item, follow_up_item, recheck_item, sentiment_step, set_warning, ConfirmItem, ConvertItem,
    FollowUpItem, RecheckItem, SentimentStep, SetWarning,
};

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::privacy::mask_name,
    crate::domain::sentiment::{ItemFacts, Standing},
    crate::repo::now,
    crate::repo::sentiment_repo::{self, ItemRow, ListFilter},
    crate::session::SessionUser,
};

/// What the 记录民情 form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentFormView {
    pub places: Vec<(NodeId, String)>,
    pub default_place: Option<NodeId>,
    pub is_staff: bool,
}

/// An item in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCard {
    pub id: i64,
    pub kind: Kind,
    pub category: Category,
    pub stage: Stage,
    pub place: String,
    pub description: String,
    pub age_secs: i64,
    pub overdue: bool,
    pub escalation_level: i64,
    pub warning: Option<Warning>,
    pub recheck_due: bool,
}

/// The 民情 page: the viewer's area (staff) and what they reported themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentListView {
    pub area: Vec<ItemCard>,
    pub mine: Vec<ItemCard>,
    /// Items handed to the viewer to handle (交给我处置).
    pub handling: Vec<ItemCard>,
    pub is_staff: bool,
}

/// One line of an item's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub from: Option<Stage>,
    pub to: Stage,
    pub kind: String,
    pub actor: Option<String>,
    pub note: String,
    pub at: i64,
}

/// One item as the viewer may see it, with the steps they may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub card: ItemCard,
    pub version: i64,
    pub micro_grid: String,
    pub place_note: String,
    pub reporter: Option<String>,
    pub handler_kind: Option<HandlerKind>,
    pub handler_name: Option<String>,
    pub deadline: Option<i64>,
    pub closed_at: Option<i64>,
    pub resident_resolved: Option<bool>,
    pub resident_rating: Option<i64>,
    pub rework_count: i64,
    pub order_id: Option<OrderId>,
    pub parties: Vec<(String, Option<String>)>,
    pub checks: Vec<(i64, String, Option<bool>)>,
    pub photos: Vec<i64>,
    pub timeline: Vec<LineView>,
    pub steps: Vec<StageAction>,
    /// Volunteers who can be named as handler: (account id, name).
    pub volunteers: Vec<(AccountId, String)>,
    pub may_confirm: bool,
    pub may_convert: bool,
    pub may_set_warning: bool,
    pub may_follow_up: bool,
    pub may_recheck: bool,
    pub may_add_photo: bool,
    pub now: i64,
}

/// How far the user's roles reach over a micro-grid.
#[cfg(feature = "ssr")]
pub fn standing(user: &SessionUser, micro_grid_code: &str) -> Standing {
    use crate::domain::role::Role;
    let within = |r: &crate::session::RoleScope| crate::domain::grid::is_within(micro_grid_code, &r.node_code);
    let best = user.roles.iter().filter(|r| within(r)).map(|r| r.role).max();
    match best {
        Some(Role::GridLeader | Role::CommunityAdmin | Role::SubdistrictAdmin) => Standing::Leader,
        Some(Role::MicroGridMember) => Standing::Member,
        _ => Standing::None,
    }
}

#[cfg(feature = "ssr")]
fn facts_of(user: &SessionUser, row: &ItemRow) -> ItemFacts {
    ItemFacts {
        stage: row.stage,
        kind: row.kind,
        is_reporter: row.reporter_id == Some(user.account_id),
        is_handler: row.handler_id == Some(user.account_id),
        recorded_handling: row.handled_by == Some(user.account_id),
        standing: standing(user, &row.micro_grid_code),
        resident_confirmed: row.resident_confirmed_at.is_some(),
        has_order: row.order_id.is_some(),
    }
}

#[cfg(feature = "ssr")]
fn card(row: &ItemRow, t: i64) -> ItemCard {
    let stage = row.stage;
    let place = [row.building.clone(), row.unit.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    ItemCard {
        id: row.id,
        kind: row.kind,
        category: row.category,
        stage,
        place: if place.is_empty() { row.micro_grid.clone() } else { place },
        description: row.description.clone(),
        age_secs: (t - row.created_at).max(0),
        overdue: stage.is_open() && (row.escalation_level > 0 || row.deadline.is_some_and(|d| d < t)),
        escalation_level: row.escalation_level,
        warning: row.warning_level,
        recheck_due: stage == Stage::Closed
            && row.recheck_done_at.is_none()
            && row.recheck_due_at.is_some_and(|d| d <= t),
    }
}

/// The places the viewer may record an item about: their staff area, or their own micro-grid.
#[cfg(feature = "ssr")]
fn record_area(user: &SessionUser) -> Option<String> {
    user.widest_staff_scope().map(|r| r.node_code.clone()).or_else(|| {
        user.roles.iter().find(|r| r.role == crate::domain::role::Role::Resident).map(|r| r.node_code.clone())
    })
}

#[server(endpoint = "sentiment_form")]
pub async fn sentiment_form() -> Result<SentimentFormView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let Some(area) = record_area(&user) else { return Err(AppError::Forbidden) };
    let places = sentiment_repo::places_in(&state.pool, &area, 400).await?;
    let own = sentiment_repo::own_building(&state.pool, user.person_id).await?;
    Ok(SentimentFormView {
        default_place: own.filter(|b| places.iter().any(|(id, _)| id == b)),
        places,
        is_staff: user.is_staff(),
    })
}

/// The 民情 list: open items of the staff member's area (or one filter), and the items
/// the viewer reported.
#[server(endpoint = "sentiment_list")]
pub async fn sentiment_list(#[server(default)] filter: String) -> Result<SentimentListView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let t = now();
    let mine = sentiment_repo::reported_by(&state.pool, user.account_id, 50).await?;
    let handling = sentiment_repo::handled_by(&state.pool, user.account_id, 50).await?;
    let area = match user.widest_staff_scope() {
        Some(scope) => {
            let filter = match filter.as_str() {
                "overdue" => ListFilter::Overdue { now: t },
                "recheck" => ListFilter::RecheckDue { now: t },
                "all" => ListFilter::All,
                other => match Stage::parse(other) {
                    Some(stage) => ListFilter::Stage(stage),
                    None => ListFilter::Open,
                },
            };
            sentiment_repo::list_in(&state.pool, &scope.node_code, filter, 200).await?
        }
        None => Vec::new(),
    };
    Ok(SentimentListView {
        area: area.iter().map(|r| card(r, t)).collect(),
        mine: mine.iter().map(|r| card(r, t)).collect(),
        handling: handling.iter().map(|r| card(r, t)).collect(),
        is_staff: user.is_staff(),
    })
}

/// One item: for its reporter, its handler and grid staff over it.
#[server(endpoint = "item_detail")]
pub async fn item_detail(id: i64) -> Result<ItemView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut conn = state.pool.acquire().await?;
    let row = sentiment_repo::item(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let facts = facts_of(&user, &row);
    let staff = facts.standing >= Standing::Member;
    if !(staff || facts.is_reporter || facts.is_handler) {
        return Err(AppError::Forbidden);
    }
    let t = now();
    let steps = facts.offered_steps();
    let volunteers = if steps.contains(&StageAction::Dispatch) {
        let community = crate::domain::grid::community_prefix(&row.micro_grid_code);
        sentiment_repo::volunteers_in(&state.pool, community).await?
    } else {
        Vec::new()
    };
    let timeline = sentiment_repo::timeline(&state.pool, id)
        .await?
        .into_iter()
        .map(|l| LineView {
            from: l.from_stage,
            to: l.to_stage,
            actor: if staff { l.actor } else { l.actor.map(|a| mask_name(&a)) },
            // Follow-ups may name parties or hold a caller's contact: staff only.
            note: if staff || l.kind != "follow_up" { l.note } else { String::new() },
            kind: l.kind,
            at: l.at,
        })
        .collect();
    let parties = sentiment_repo::parties(&state.pool, id)
        .await?
        .into_iter()
        .map(|(name, contact)| if staff { (name, contact) } else { (mask_name(&name), None) })
        .collect();
    let photos = sentiment_repo::photo_ids(&state.pool, id).await?;
    let card = card(&row, t);
    Ok(ItemView {
        version: row.version,
        micro_grid: row.micro_grid.clone(),
        place_note: row.place_note.clone(),
        reporter: row.reporter_name.clone().map(|n| if staff || facts.is_reporter { n } else { mask_name(&n) }),
        handler_kind: row.handler_kind,
        handler_name: row.handler_name.clone(),
        deadline: row.deadline,
        closed_at: row.closed_at,
        resident_resolved: row.resident_resolved,
        resident_rating: row.resident_rating,
        rework_count: row.rework_count,
        order_id: row.order_id,
        parties,
        checks: sentiment_repo::checks(&state.pool, id).await?,
        may_add_photo: (staff || facts.is_reporter) && (photos.len() as i64) < MAX_PHOTOS && !facts.stage.is_final(),
        photos,
        timeline,
        steps,
        volunteers,
        may_confirm: facts.may_confirm(),
        may_convert: facts.may_convert(),
        may_set_warning: facts.may_set_warning(),
        may_follow_up: facts.may_follow_up(),
        may_recheck: staff && card.recheck_due,
        card,
        now: t,
    })
}

/// What the home page shows of 民情: for staff, red disputes first and the open and
/// overdue counts of their area; for everyone, their closed reports awaiting their verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentHomeView {
    pub red: Vec<ItemCard>,
    pub open: i64,
    pub overdue: i64,
    pub to_confirm: Vec<ItemCard>,
    /// Open items handed to the viewer to handle.
    pub to_handle: Vec<ItemCard>,
    pub is_staff: bool,
}

#[server(endpoint = "sentiment_home")]
pub async fn sentiment_home() -> Result<SentimentHomeView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let t = now();
    let (red, open, overdue) = match user.widest_staff_scope() {
        Some(scope) => {
            let open = sentiment_repo::list_in(&state.pool, &scope.node_code, ListFilter::Open, 500).await?;
            let red = open
                .iter()
                .filter(|r| r.kind == Kind::Dispute && r.warning_level == Some(Warning::Red))
                .map(|r| card(r, t))
                .collect();
            let cards: Vec<ItemCard> = open.iter().map(|r| card(r, t)).collect();
            let overdue = cards.iter().filter(|c| c.overdue).count() as i64;
            (red, cards.len() as i64, overdue)
        }
        None => (Vec::new(), 0, 0),
    };
    let to_confirm = sentiment_repo::reported_by(&state.pool, user.account_id, 50)
        .await?
        .iter()
        .filter(|r| r.stage == Stage::Closed && r.resident_confirmed_at.is_none())
        .map(|r| card(r, t))
        .collect();
    let to_handle = sentiment_repo::handled_by(&state.pool, user.account_id, 20)
        .await?
        .iter()
        .filter(|r| r.stage == Stage::Dispatched)
        .map(|r| card(r, t))
        .collect();
    Ok(SentimentHomeView { red, open, overdue, to_confirm, to_handle, is_staff: user.is_staff() })
}
