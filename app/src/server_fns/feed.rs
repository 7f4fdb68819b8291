//! 朋友圈: the community feed. Thanks after a confirmed service, station news, likes.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::OrderId;
use crate::dto::FeedView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::order::{Actor, OrderStatus},
    crate::domain::privacy::mask_name,
    crate::domain::role::Role,
    crate::dto::FeedPost,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo::AuditEntry, board_repo, now, orders_repo},
};

#[cfg(feature = "ssr")]
const PAGE: i64 = 10;

#[server(endpoint = "feed_data")]
pub async fn feed_data(before: Option<i64>) -> Result<FeedView, AppError> {
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    ctx::require_user()?;
    let area = crate::domain::grid::community_prefix(&ctx::default_area(&viewer)).to_string();
    let t = now();
    let rows =
        board_repo::feed_page(&state.pool, &area, viewer.user.as_ref().map(|u| u.account_id), before, PAGE + 1).await?;
    let next = (rows.len() as i64 > PAGE).then(|| rows[PAGE as usize - 1].id);
    let posts = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|r| FeedPost {
            id: r.id,
            kind: r.kind,
            body: r.body,
            author_masked: r.author.map(|a| mask_name(&a)),
            age_secs: (t - r.created_at).max(0),
            likes: r.likes,
            liked: r.liked,
        })
        .collect();
    Ok(FeedView { posts, next, may_post_news: viewer.user.is_some_and(|u| u.is_staff()) })
}

/// A post's text: required, at most 500 characters.
#[cfg(feature = "ssr")]
const POST_CHARS: usize = 500;

/// After confirming, the requester may thank the volunteer publicly, once per order.
#[server(endpoint = "post_thanks")]
pub async fn post_thanks(order: OrderId, body: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let body = ctx::required_text(&body, "body", POST_CHARS)?;
    let roles: Vec<(Role, String)> = user.roles.iter().map(|r| (r.role, r.node_code.clone())).collect();
    let actor = Actor { account_id: user.account_id, person_id: user.person_id, roles: &roles };
    w.run(Act::new(Action::PostThanks, "service_order").on(order.get()), async |tx, out| {
        let facts = orders_repo::facts(tx, order).await?.ok_or(AppError::NotFound)?;
        let requester_side = facts.requester_id == actor.person_id || facts.placed_by == actor.account_id;
        if !requester_side {
            return Err(AppError::Forbidden);
        }
        if facts.status != OrderStatus::Completed {
            return Err(AppError::Conflict(Msg::ErrOrderChanged));
        }
        let community = crate::domain::grid::community_prefix(&facts.area_code).to_string();
        let id = board_repo::insert_post(tx, &community, user.account_id, "thanks", &body, Some(order))
            .await?
            .ok_or(AppError::Conflict(Msg::ErrAlreadyThanked))?;
        out.audit(AuditEntry { object_id: Some(id), ..AuditEntry::of(Action::PostThanks, "feed_post") });
        out.publish(Topic::Notices, Some(id));
        Ok(())
    })
    .await
}

/// Grid staff post station news to their area's feed.
#[server(endpoint = "post_news")]
pub async fn post_news(body: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let scope = user.widest_staff_scope().ok_or(AppError::Forbidden)?.clone();
    let body = ctx::required_text(&body, "body", POST_CHARS)?;
    let area = crate::domain::grid::community_prefix(&scope.node_code).to_string();
    w.run(Act::new(Action::PostNews, "feed_post"), async |tx, out| {
        let id = board_repo::insert_post(tx, &area, user.account_id, "station_news", &body, None)
            .await?
            .ok_or(AppError::NotFound)?;
        out.audit(AuditEntry { object_id: Some(id), ..AuditEntry::of(Action::PostNews, "feed_post") });
        out.publish(Topic::Notices, Some(id));
        Ok(())
    })
    .await
}

/// Likes a post of the viewer's community, or takes the like back.
#[server(endpoint = "like_post")]
pub async fn like_post(post: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::LikePost, "feed_post").on(post), async |tx, out| {
        let area = board_repo::post_area(tx, post).await?.ok_or(AppError::NotFound)?;
        let visible = user.roles.iter().any(|r| {
            let community = crate::domain::grid::community_prefix(&r.node_code);
            area.starts_with(community) || community.starts_with(area.as_str())
        });
        if !visible {
            return Err(AppError::Forbidden);
        }
        board_repo::toggle_like(tx, post, user.account_id).await?;
        out.publish(Topic::Notices, Some(post));
        Ok(())
    })
    .await
}
