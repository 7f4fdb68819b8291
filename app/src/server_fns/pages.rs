//! Read-only data for the pages.
use crate::dto::{AdminView, BoardView, ElectionView, HomeView, MeView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::order::{ServiceSection, Urgency},
    crate::domain::privacy::mask_name,
    crate::dto::{CandidateCard, ElectedStar, FeedItem, OrderCard, StationCard},
    crate::repo::{accounts_repo, board_repo, grid_repo, now, stars_repo},
};

#[cfg(feature = "ssr")]
pub(crate) fn order_card_of(row: board_repo::PublicOrderRow, now: i64) -> Option<OrderCard> {
    order_card(row, now)
}

#[cfg(feature = "ssr")]
fn order_card(row: board_repo::PublicOrderRow, now: i64) -> Option<OrderCard> {
    Some(OrderCard {
        id: row.id,
        section: ServiceSection::parse(&row.section)?,
        urgency: Urgency::parse(&row.urgency)?,
        title: row.title,
        age_secs: (now - row.created_at).max(0),
        building: row.building,
        requester_masked: mask_name(&row.requester_name),
    })
}

#[cfg(feature = "ssr")]
async fn area_name(pool: &sqlx::SqlitePool, area: &str) -> Result<String, AppError> {
    Ok(if area.is_empty() { String::new() } else { grid_repo::name_by_code(pool, area).await?.unwrap_or_default() })
}

#[server(endpoint = "home_data")]
pub async fn home_data() -> Result<HomeView, AppError> {
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    let area = ctx::default_area(&viewer);
    let t = now();
    let micro_grid = viewer.user.as_ref().and_then(|u| u.micro_grid_id);
    let station = board_repo::station_for(&state.pool, micro_grid, &area)
        .await?
        .map(|(name, address, open_hours)| StationCard { name, address, open_hours });
    // Visitors see the city's numbers and a station, not anyone's needs or posts.
    let signed_in = viewer.user.is_some();
    let latest = if !signed_in {
        Vec::new()
    } else {
        board_repo::open_orders(&state.pool, &area, None, None, None, 3, 0)
            .await?
            .into_iter()
            .filter_map(|r| order_card(r, t))
            .collect()
    };
    let feed = if !signed_in {
        Vec::new()
    } else {
        board_repo::feed(&state.pool, &area, 5)
            .await?
            .into_iter()
            .map(|(id, kind, body, at)| FeedItem { id, kind, body, age_secs: (t - at).max(0) })
            .collect()
    };
    let mine = match &viewer.user {
        Some(user) => Some(super::orders::my_orders_of(&state.pool, user, 0).await?),
        None => None,
    };
    Ok(HomeView {
        area_name: area_name(&state.pool, &area).await?,
        mine,
        station,
        numbers: board_repo::area_numbers(&state.pool, &area).await?,
        latest,
        feed,
    })
}

/// Cards per board page: enough to scroll on a phone, small enough for a weak network.
#[cfg(feature = "ssr")]
const BOARD_PAGE: i64 = 30;

#[server(endpoint = "board_data")]
pub async fn board_data(
    section: Option<String>,
    urgency: Option<String>,
    grid: Option<i64>,
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
    grid: Option<i64>,
    page: u32,
    t: i64,
) -> Result<crate::dto::BoardShared, AppError> {
    let mut orders: Vec<OrderCard> = board_repo::open_orders(
        pool,
        area,
        section.map(ServiceSection::as_str),
        urgency.map(Urgency::as_str),
        grid,
        BOARD_PAGE + 1,
        i64::from(page) * BOARD_PAGE,
    )
    .await?
    .into_iter()
    .filter_map(|r| order_card(r, t))
    .collect();
    let more = orders.len() as i64 > BOARD_PAGE;
    orders.truncate(BOARD_PAGE as usize);
    let counts = board_repo::open_counts(pool, area).await?;
    let counts = ServiceSection::ALL
        .into_iter()
        .map(|s| (s, counts.iter().find(|(name, _)| name == s.as_str()).map(|(_, n)| *n).unwrap_or(0)))
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
async fn suits_me(pool: &sqlx::SqlitePool, person_id: i64, t: i64) -> Result<Vec<OrderCard>, AppError> {
    use crate::domain::matching::{score, slot_of, OrderNeeds};
    let Some(me) = crate::repo::orders_repo::volunteer(pool, person_id).await?.map(|v| v.facts()) else {
        return Ok(Vec::new());
    };
    let community = crate::domain::grid::community_prefix(&me.area_code).to_string();
    let mut scored: Vec<_> = board_repo::open_orders_for_matching(pool, &community)
        .await?
        .into_iter()
        .filter_map(|(row, area_code, start)| {
            let section = ServiceSection::parse(&row.section)?;
            let needs = OrderNeeds { area_code, section, slot: start.map(slot_of) };
            Some((score(&me, &needs), order_card(row, t)?))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    Ok(scored.into_iter().take(5).map(|(_, card)| card).collect())
}

/// The election the viewer looks at (`election`, or the running one of their area) with
/// its candidates filtered by `q`; the elected once voting has closed.
#[server(endpoint = "stars_data")]
pub async fn stars_data(
    #[server(default)] election: Option<i64>,
    #[server(default)] q: Option<String>,
) -> Result<Option<ElectionView>, AppError> {
    use crate::domain::election::Phase;
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    let area = ctx::default_area(&viewer);
    let t = now();
    let mut list = stars_repo::elections_for(&state.pool, &area, t).await?;
    let Some(pos) = election.and_then(|id| list.iter().position(|e| e.id == id)).or((!list.is_empty()).then_some(0))
    else {
        return Ok(None);
    };
    let mut e = list.remove(pos);
    let phase = super::elections::phase_of(&e, t);
    let closed = matches!(phase, Phase::Notice | Phase::Published);
    if closed && e.closed_at.is_none() {
        super::elections::close_elections(&state).await?;
        e.closed_at = Some(t);
    }
    let query: String = q.unwrap_or_default().trim().chars().take(40).collect();
    let show_votes = e.live_tally || closed;
    let candidates = stars_repo::candidates(&state.pool, e.id)
        .await?
        .into_iter()
        .filter(|c| {
            query.is_empty()
                || c.name.contains(&query)
                || c.intro.contains(&query)
                || c.micro_grid.as_deref().is_some_and(|m| m.contains(&query))
        })
        .map(|c| CandidateCard {
            nomination_id: c.nomination_id,
            name: c.name,
            intro: c.intro,
            micro_grid: c.micro_grid,
            service_hours: crate::domain::order::hours(c.service_minutes),
            orders_completed: c.orders_completed,
            avg_rating: c.avg_rating.map(|r| (r * 10.0).round() / 10.0),
            sections: c.sections.unwrap_or_default().split(',').filter_map(ServiceSection::parse).collect(),
            votes: show_votes.then_some(c.votes),
        })
        .collect();
    let in_scope = viewer.user.as_ref().is_some_and(|u| super::votes::registered_in(u, &e.scope_code));
    let verified = viewer.user.as_ref().is_some_and(|u| u.verified);
    let may_vote = in_scope && verified;
    let my_votes = match &viewer.user {
        Some(u) if may_vote => stars_repo::my_votes(&state.pool, e.id, u.account_id).await?,
        _ => Vec::new(),
    };
    let may_nominate_in = |e: &stars_repo::ElectionFull| {
        super::elections::phase_of(e, t) == Phase::Nominating
            && viewer.user.as_ref().is_some_and(|u| {
                u.roles.iter().any(|r| {
                    r.role == crate::domain::role::Role::Volunteer
                        && crate::domain::grid::is_within(&r.node_code, &e.scope_code)
                })
            })
    };
    let my_nomination = match &viewer.user {
        Some(u) => stars_repo::nomination_of(&state.pool, e.id, u.person_id).await?,
        None => None,
    };
    let may_nominate = may_nominate_in(&e) && my_nomination.is_none();
    let nominating_elsewhere = list
        .iter()
        .find(|o| may_nominate_in(o))
        .map(|o| (o.id, o.title.clone(), crate::domain::time::format_local_date(o.nomination_end - 1)));
    let elected = if closed {
        stars_repo::stars_of(&state.pool, e.id)
            .await?
            .into_iter()
            .map(|(_, name, votes, rank)| ElectedStar { rank, name, votes })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(ElectionView {
        id: e.id,
        title: e.title,
        scope_name: e.scope_name,
        stars: e.stars,
        votes_per_voter: e.votes_per_voter,
        voting_start: e.voting_start,
        voting_end: e.voting_end,
        candidates,
        voting_open: phase == Phase::Voting,
        may_vote,
        needs_verification: in_scope && !verified && !closed,
        remaining: if may_vote { (e.votes_per_voter - my_votes.len() as i64).max(0) } else { 0 },
        my_votes,
        phase,
        tally_hidden: !show_votes,
        may_nominate,
        query,
        elected,
        others: list.into_iter().map(|o| (o.id, o.title)).collect(),
        nomination_from: crate::domain::time::format_local_date(e.nomination_start),
        nomination_to: crate::domain::time::format_local_date(e.nomination_end - 1),
        my_nomination,
        nominating_elsewhere,
    }))
}

#[server(endpoint = "me_data")]
pub async fn me_data() -> Result<MeView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let p = accounts_repo::own_profile(&state.pool, user.person_id).await?.ok_or(AppError::NotFound)?;
    Ok(MeView {
        name: p.full_name,
        phone: p.phone,
        building: p.building,
        micro_grid: p.micro_grid,
        community: p.community,
        service_minutes: p.service_minutes,
        orders_completed: p.orders_completed,
        orders_placed: p.orders_placed,
        badges: stars_repo::badges(&state.pool, user.person_id, now()).await?,
    })
}

/// The admin overview of a node inside the viewer's staff scope (default: the widest).
#[server(endpoint = "admin_data")]
pub async fn admin_data(node: Option<i64>) -> Result<AdminView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scope = user.widest_staff_scope().ok_or(AppError::Forbidden)?.clone();
    let node = node.unwrap_or(scope.node_id);
    let code = grid_repo::code_of(&state.pool, node).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&code) {
        return Err(AppError::Forbidden);
    }
    let (summary, children) = grid_repo::area_overview(&state.pool, node).await?.ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let edit = grid_repo::node_for_edit(&mut conn, node).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let may_edit = user.administers(&code);
    let level = crate::domain::grid::NodeLevel::parse(&edit.level);
    let parent_level = crate::domain::grid::NodeLevel::ALL.into_iter().find(|l| l.child() == level);
    let mut move_targets = Vec::new();
    let mut merge_targets = Vec::new();
    if may_edit {
        for r in user.area_admin_scopes() {
            if let Some(up) = parent_level {
                for t in grid_repo::nodes_at_level(&state.pool, &r.node_code, up.as_str()).await? {
                    if Some(t.0) != edit.parent_id && !move_targets.contains(&t) {
                        move_targets.push(t);
                    }
                }
            }
            // Micro-grids and below merge inside their community; larger areas inside the admin's.
            let within = match crate::domain::grid::community_prefix(&code) {
                p if p.len() > r.node_code.len() && p.starts_with(r.node_code.as_str()) => p.to_string(),
                _ => r.node_code.clone(),
            };
            for t in grid_repo::same_level(&state.pool, &within, &edit.level, node).await? {
                if !merge_targets.contains(&t) {
                    merge_targets.push(t);
                }
            }
        }
    }
    let mut conn = state.pool.acquire().await?;
    let parent = match edit.parent_id {
        Some(p) => grid_repo::node_for_edit(&mut conn, p)
            .await?
            .filter(|n| user.staff_scope_covers(&n.code))
            .map(|n| (n.id, n.name)),
        None => None,
    };
    let empty = grid_repo::contents(&mut conn, node).await?.is_empty();
    let staff = grid_repo::staff_of(&mut conn, node)
        .await?
        .into_iter()
        .filter(|s| matches!(s.2.as_str(), "grid_leader" | "micro_grid_member"))
        .map(|(id, _, role, name)| (id, role, name))
        .collect();
    drop(conn);
    let takes_staff =
        matches!(level, Some(crate::domain::grid::NodeLevel::Grid | crate::domain::grid::NodeLevel::MicroGrid));
    let people = if may_edit && takes_staff {
        grid_repo::people_in_area(&state.pool, crate::domain::grid::community_prefix(&code))
            .await?
            .into_iter()
            .map(|(id, name, phone)| (id, format!("{name} {}", crate::domain::privacy::mask_phone(&phone))))
            .collect()
    } else {
        Vec::new()
    };
    let last_edit = crate::repo::audit_repo::latest_grid_row(&state.pool, user.account_id, now() - 600)
        .await?
        .map(|r| crate::audit_words::line(r, ctx::viewer().locale));
    Ok(AdminView {
        last_edit,
        node: summary,
        children,
        version: edit.version,
        may_edit,
        move_targets,
        parent,
        merge_targets,
        empty,
        staff,
        people,
    })
}
