//! Escalation and dispatch (指派): the grid leader's queue, and the volunteer's answer.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::{OrderId, PersonId};
use crate::dto::{DispatchCard, QueueItem};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::grid::same_community,
    crate::domain::matching::{rank, slot_of, OrderNeeds, VolunteerFacts},
    crate::domain::notice::Notice,
    crate::domain::order::{Actor, OrderAction, TakenVia},
    crate::domain::role::Role,
    crate::dto::CandidateVolunteer,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo::AuditEntry, notices_repo, now, orders_repo, orders_repo::EventNote},
};

/// The scope codes where the viewer leads: grid leaders and admins (dispatch, pairings).
#[cfg(feature = "ssr")]
pub(crate) fn dispatch_scopes(user: &crate::session::SessionUser) -> Vec<String> {
    user.roles
        .iter()
        .filter(|r| matches!(r.role, Role::GridLeader | Role::CommunityAdmin | Role::SubdistrictAdmin))
        .map(|r| r.node_code.clone())
        .collect()
}

/// Escalated orders in the leader's area, each with the best-matching volunteers.
#[server(endpoint = "leader_queue")]
pub async fn leader_queue() -> Result<Vec<QueueItem>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scopes = dispatch_scopes(&user);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let t = now();
    let mut items = Vec::new();
    for scope in scopes {
        let community = crate::domain::grid::community_prefix(&scope).to_string();
        let volunteers = orders_repo::volunteers_in(&state.pool, &community).await?;
        let facts: Vec<VolunteerFacts> = volunteers.iter().map(|v| v.facts()).collect();
        let pending = orders_repo::pending_dispatches_in(&state.pool, &scope).await?;
        for (row, area_code, start, _reason) in orders_repo::escalated_in(&state.pool, &scope).await? {
            let section = row.section;
            let needs = OrderNeeds { area_code: area_code.clone(), section, slot: start.map(slot_of) };
            let candidates = rank(&facts, &needs)
                .into_iter()
                .take(5)
                .filter_map(|f| {
                    let v = volunteers.iter().find(|v| v.person_id == f.person_id)?;
                    Some(CandidateVolunteer {
                        person_id: v.person_id,
                        name: v.full_name.clone(),
                        skilled: f.skills.contains(&section),
                        same_micro_grid: f.area_code == area_code,
                        open_load: v.open_load,
                    })
                })
                .collect();
            let waiting = pending
                .iter()
                .filter(|(order, ..)| *order == row.id)
                .map(|(_, name, at)| (name.clone(), (t - at).max(0)))
                .collect();
            items.push(QueueItem { order: super::board::order_card(row, t), candidates, waiting });
        }
    }
    Ok(items)
}

/// Orders whose residents disputed the service, for the grid leader to follow up.
#[server(endpoint = "disputed_orders")]
pub async fn disputed_orders() -> Result<Vec<crate::dto::OrderCard>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scopes = dispatch_scopes(&user);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let t = now();
    let mut out = Vec::new();
    for scope in scopes {
        out.extend(
            orders_repo::disputed_in(&state.pool, &scope)
                .await?
                .into_iter()
                .map(|row| super::board::order_card(row, t)),
        );
    }
    Ok(out)
}

/// 指派: the grid leader names a volunteer for an open order; the volunteer is told.
#[server(endpoint = "dispatch_order")]
pub async fn dispatch_order(id: OrderId, volunteer: PersonId) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let scopes = dispatch_scopes(&user);
    w.run(Act::new(Action::DispatchRefused, "service_order").on(id.get()), async |tx, out| {
        let facts = orders_repo::facts(tx, id).await?.ok_or(AppError::NotFound)?;
        if !scopes.iter().any(|s| crate::domain::grid::is_within(&facts.area_code, s)) {
            return Err(AppError::Forbidden);
        }
        if facts.status != crate::domain::order::OrderStatus::Open {
            return Err(AppError::Conflict(Msg::ErrOrderTaken));
        }
        let area = orders_repo::volunteer_area(tx, volunteer).await?;
        if !area.is_some_and(|a| same_community(&a, &facts.area_code)) {
            return Err(AppError::field("volunteer", Msg::ErrNoSuchVolunteer));
        }
        let Some(dispatch) = orders_repo::insert_dispatch(tx, id, volunteer, user.account_id, out.now).await? else {
            // Already dispatched to this volunteer and not yet answered: nothing new to say.
            return Ok(());
        };
        notices_repo::notify_person(tx, volunteer, &Notice::DispatchedToYou { order: id }).await?;
        out.audit(AuditEntry {
            object_id: Some(id.get()),
            after_json: Some(serde_json::json!({ "volunteer": volunteer, "dispatch": dispatch }).to_string()),
            ..AuditEntry::of(Action::DispatchOrder, "service_order")
        });
        out.publish(Topic::Orders, Some(id.get()));
        Ok(())
    })
    .await
}

/// Orders dispatched to the viewer and not yet answered.
#[server(endpoint = "my_dispatches")]
pub async fn my_dispatches() -> Result<Vec<DispatchCard>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let t = now();
    Ok(orders_repo::dispatches_for(&state.pool, user.person_id)
        .await?
        .into_iter()
        .map(|(dispatch_id, row)| DispatchCard { dispatch_id, order: super::board::order_card(row, t) })
        .collect())
}

/// The volunteer accepts (and so takes the order, under the same rules as 接单) or declines.
#[server(endpoint = "respond_dispatch")]
pub async fn respond_dispatch(dispatch: i64, accept: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let accept = match accept.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest),
    };
    let action = if accept { Action::DispatchAccepted } else { Action::DispatchDeclined };
    let order_id = w
        .run(Act::new(action, "dispatch").on(dispatch), async |tx, out| {
            let t = out.now;
            let order_id =
                orders_repo::pending_dispatch(tx, dispatch, user.person_id).await?.ok_or(AppError::NotFound)?;
            if accept {
                let facts = orders_repo::facts(tx, order_id).await?.ok_or(AppError::NotFound)?;
                let roles: Vec<(Role, String)> = user.roles.iter().map(|r| (r.role, r.node_code.clone())).collect();
                let actor = Actor { account_id: user.account_id, person_id: user.person_id, roles: &roles };
                let to = actor.check(OrderAction::Take, &facts).map_err(|_| AppError::Conflict(Msg::ErrOrderTaken))?;
                let change = orders_repo::Change::Take { taker: user.person_id };
                if !orders_repo::transition(tx, order_id, facts.status, to, change, None, t).await? {
                    return Err(AppError::Conflict(Msg::ErrOrderTaken));
                }
                orders_repo::add_event(
                    tx,
                    order_id,
                    Some(facts.status),
                    to,
                    Some(user.account_id),
                    EventNote::Via(TakenVia::Dispatch),
                    t,
                )
                .await?;
            }
            orders_repo::answer_dispatch(tx, dispatch, accept, t).await?;
            out.audit(AuditEntry { object_id: Some(order_id.get()), ..AuditEntry::of(action, "service_order") });
            out.publish(Topic::Orders, Some(order_id.get()));
            Ok(order_id)
        })
        .await?;
    // Accepted, the order is the volunteer's next job: open it.
    if accept {
        ctx::redirect_form(&format!("/orders/{order_id}"));
    }
    Ok(())
}
