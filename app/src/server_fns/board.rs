//! The board (需求大厅): the open needs of the viewer's area, filtered and paged, 适合我 for
//! volunteers, and the plain-text copy for WeChat groups.
use crate::domain::ids::NodeId;
use crate::dto::BoardView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::order::{ServiceSection, Urgency},
    crate::domain::privacy::mask_name,
    crate::dto::OrderCard,
    crate::repo::{board_repo, grid_repo, now},
};

#[cfg(feature = "ssr")]
pub(crate) fn order_card_of(row: board_repo::PublicOrderRow, now: i64) -> OrderCard {
    order_card(row, now)
}

#[cfg(feature = "ssr")]
fn order_card(row: board_repo::PublicOrderRow, now: i64) -> OrderCard {
    OrderCard {
        id: row.id,
        section: row.section,
        urgency: row.urgency,
        title: row.title,
        age_secs: (now - row.created_at).max(0),
        building: row.building,
        requester_masked: mask_name(&row.requester_name),
    }
}

#[cfg(feature = "ssr")]
pub(crate) async fn area_name(pool: &sqlx::SqlitePool, area: &str) -> Result<String, AppError> {
    Ok(if area.is_empty() { String::new() } else { grid_repo::name_by_code(pool, area).await?.unwrap_or_default() })
}

/// Cards per board page: enough to scroll on a phone, small enough for a weak network.
#[cfg(feature = "ssr")]
const BOARD_PAGE: i64 = 30;

#[server(endpoint = "board_data")]
pub async fn board_data(
    section: Option<String>,
    urgency: Option<String>,
    grid: Option<NodeId>,
    page: Option<u32>,
    seen: Option<u64>,
) -> Result<BoardView, AppError> {
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    // The board shows the viewer's own area; visitors sign in first.
    ctx::require_user()?;
    let area = ctx::default_area(&viewer);
    let section = match section.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(ServiceSection::parse(s).ok_or(AppError::BadRequest)?),
        None => None,
    };
    let urgency = match urgency.as_deref().filter(|s| !s.is_empty()) {
        Some(u) => Some(Urgency::parse(u).ok_or(AppError::BadRequest)?),
        None => None,
    };
    let page = page.unwrap_or(0).min(1000);
    let t = now();
    let key = format!("{area}|{section:?}|{urgency:?}|{grid:?}|{page}");
    let shared = match state.board_cache.get(&key, seen) {
        Some(shared) => shared,
        None => {
            // Read the event counter first: the data below is at least this new.
            let seq = state.bus.current();
            let shared = std::sync::Arc::new(board_shared(&state.pool, &area, section, urgency, grid, page, t).await?);
            state.board_cache.put(key, seq, shared.clone());
            shared
        }
    };
    let suits_me = match &viewer.user {
        Some(user) if user.has_role(crate::domain::role::Role::Volunteer) => {
            suits_me(&state.pool, user.person_id, t).await?
        }
        _ => Vec::new(),
    };
    let shared = std::sync::Arc::unwrap_or_clone(shared);
    Ok(BoardView {
        copy_text: copy_text(viewer.locale, &shared.orders),
        area_name: shared.area_name,
        counts: shared.counts,
        orders: shared.orders,
        suits_me,
        grids: shared.grids,
        more: shared.more,
    })
}

/// The board as every viewer of the area and filters sees it.
#[cfg(feature = "ssr")]
async fn board_shared(
    pool: &sqlx::SqlitePool,
    area: &str,
    section: Option<ServiceSection>,
    urgency: Option<Urgency>,
    grid: Option<NodeId>,
    page: u32,
    t: i64,
) -> Result<crate::dto::BoardShared, AppError> {
    let mut orders: Vec<OrderCard> =
        board_repo::open_orders(pool, area, section, urgency, grid, BOARD_PAGE + 1, i64::from(page) * BOARD_PAGE)
            .await?
            .into_iter()
            .map(|r| order_card(r, t))
            .collect();
    let more = orders.len() as i64 > BOARD_PAGE;
    orders.truncate(BOARD_PAGE as usize);
    let counts = board_repo::open_counts(pool, area).await?;
    let counts = ServiceSection::ALL
        .into_iter()
        .map(|s| (s, counts.iter().find(|(section, _)| *section == s).map(|(_, n)| *n).unwrap_or(0)))
        .collect();
    Ok(crate::dto::BoardShared {
        area_name: area_name(pool, area).await?,
        counts,
        orders,
        grids: board_repo::micro_grids_in(pool, area).await?,
        more,
    })
}

/// The open needs as plain text for pasting into a WeChat group.
#[cfg(feature = "ssr")]
fn copy_text(locale: crate::i18n::Locale, orders: &[OrderCard]) -> String {
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

/// 适合我: the volunteer's community's open orders ranked by the matching score.
#[cfg(feature = "ssr")]
async fn suits_me(
    pool: &sqlx::SqlitePool,
    person_id: crate::domain::ids::PersonId,
    t: i64,
) -> Result<Vec<OrderCard>, AppError> {
    use crate::domain::matching::{score, slot_of, OrderNeeds};
    let Some(me) = crate::repo::orders_repo::volunteer(pool, person_id).await?.map(|v| v.facts()) else {
        return Ok(Vec::new());
    };
    let community = crate::domain::grid::community_prefix(&me.area_code).to_string();
    let mut scored: Vec<_> = board_repo::open_orders_for_matching(pool, &community)
        .await?
        .into_iter()
        .map(|(row, area_code, start)| {
            let needs = OrderNeeds { area_code, section: row.section, slot: start.map(slot_of) };
            (score(&me, &needs), order_card(row, t))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    Ok(scored.into_iter().take(5).map(|(_, card)| card).collect())
}
