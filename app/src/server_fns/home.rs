//! 首页: the viewer's area at a glance.
use crate::dto::HomeView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::board::{area_name, board_view};
#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::dto::{FeedItem, StationCard},
    crate::repo::{board_repo, now},
};

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
    let board = if signed_in { Some(board_view(None, None, None, 0, None, false).await?) } else { None };
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
        board,
        feed,
    })
}
