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

/// An open order's public card: the requester's name masked, no room, no phone.
#[cfg(feature = "ssr")]
pub(crate) fn order_card(row: board_repo::PublicOrderRow, now: i64) -> OrderCard {
    OrderCard {
        id: row.id,
        section: row.section,
        urgency: row.urgency,
        title: row.title,
        created_at: row.created_at,
        age_secs: (now - row.created_at).max(0),
        building: row.building,
        requester_masked: mask_name(&row.requester_name),
    }
}

/// What the public board shows of order `id`'s change, read in the writing transaction:
/// its card while it is open, and the open counts of its community and micro-grid after
/// the change. `None` for an order that does not exist.
#[cfg(feature = "ssr")]
pub(crate) async fn board_change(
    conn: &mut sqlx::SqliteConnection,
    id: crate::domain::ids::OrderId,
    now: i64,
) -> Result<Option<crate::live::BoardChange>, sqlx::Error> {
    let Some(change) = board_repo::order_change(&mut *conn, id).await? else { return Ok(None) };
    let community = crate::domain::grid::community_prefix(&change.row.code).to_string();
    let counts = section_counts(board_repo::open_counts(&mut *conn, &community).await?);
    let grid_count = board_repo::open_in_micro_grid(&mut *conn, change.micro_grid_id).await?;
    Ok(Some(crate::live::BoardChange {
        grid: change.micro_grid_id,
        v: change.version,
        needs: change.open.then(|| change.row.needs()),
        card: change.open.then(|| order_card(change.row.order, now)),
        counts: counts.iter().map(|(_, n)| *n).collect(),
        grid_count,
    }))
}

/// Open counts per section, every section in [`ServiceSection::ALL`] order (0 for none).
#[cfg(feature = "ssr")]
fn section_counts(counts: Vec<(ServiceSection, i64)>) -> Vec<(ServiceSection, i64)> {
    ServiceSection::ALL
        .into_iter()
        .map(|s| (s, counts.iter().find(|(section, _)| *section == s).map(|(_, n)| *n).unwrap_or(0)))
        .collect()
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
    // The board shows the viewer's own area; visitors sign in first.
    ctx::require_user()?;
    let section = match section.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(ServiceSection::parse(s).ok_or(AppError::BadRequest)?),
        None => None,
    };
    let urgency = match urgency.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => Some(Urgency::parse(u).ok_or(AppError::BadRequest)?),
        None => None,
    };
    board_view(section, urgency, grid, page.unwrap_or(0).min(1000), seen, true).await
}

/// The board of the viewer's area with these filters (首页 shows its first cards, without
/// 适合我): shared by every viewer of the area from a short-lived cache, at least as new as
/// event `seen`.
#[cfg(feature = "ssr")]
pub(crate) async fn board_view(
    section: Option<ServiceSection>,
    urgency: Option<Urgency>,
    grid: Option<NodeId>,
    page: u32,
    seen: Option<u64>,
    with_suits: bool,
) -> Result<BoardView, AppError> {
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    let area = ctx::default_area(&viewer);
    let t = now();
    let key = format!("{area}|{section:?}|{urgency:?}|{grid:?}|{page}");
    let shared = match state.board_cache.get(&key, seen) {
        Some(shared) => shared,
        None => {
            // Read the event counter first: the data below is at least this new.
            let seq = state.bus.current();
            let shared =
                std::sync::Arc::new(board_shared(&state.pool, seq, &area, section, urgency, grid, page, t).await?);
            state.board_cache.put(key, seq, shared.clone());
            shared
        }
    };
    let suits_me = match &viewer.user {
        Some(user) if with_suits && user.has_role(crate::domain::role::Role::Volunteer) => {
            suits_me(&state.pool, user.person_id, t).await?
        }
        _ => None,
    };
    let shared = std::sync::Arc::unwrap_or_clone(shared);
    Ok(BoardView {
        seq: shared.seq,
        community: crate::domain::grid::is_community(&area),
        copy_text: crate::dto::copy_text(viewer.locale, &shared.orders),
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
#[allow(clippy::too_many_arguments)]
async fn board_shared(
    pool: &sqlx::SqlitePool,
    seq: u64,
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
    let counts = section_counts(board_repo::open_counts(pool, area).await?);
    Ok(crate::dto::BoardShared {
        seq,
        area_name: area_name(pool, area).await?,
        counts,
        orders,
        grids: board_repo::micro_grids_in(pool, area).await?,
        more,
    })
}

/// 适合我: the volunteer's community's open orders ranked by the matching score.
#[cfg(feature = "ssr")]
async fn suits_me(
    pool: &sqlx::SqlitePool,
    person_id: crate::domain::ids::PersonId,
    t: i64,
) -> Result<Option<crate::dto::SuitsMe>, AppError> {
    use crate::domain::matching::score;
    let Some(me) = crate::repo::orders_repo::volunteer(pool, person_id).await?.map(|v| v.facts()) else {
        return Ok(None);
    };
    let community = crate::domain::grid::community_prefix(&me.area_code).to_string();
    // Newest first, and a stable sort: equal scores stay newest first.
    let mut ranked: Vec<_> = board_repo::open_orders_for_matching(pool, &community)
        .await?
        .into_iter()
        .map(|row| (score(&me, &row.needs()), order_card(row.order, t)))
        .collect();
    ranked.sort_by_key(|s| std::cmp::Reverse(s.0));
    ranked.truncate(crate::dto::SuitsMe::KEPT);
    Ok(Some(crate::dto::SuitsMe { me, ranked }))
}
