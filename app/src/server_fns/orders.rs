//! 我需要 and 接单: placing orders and moving them through their life cycle.
// `place_order` takes one argument per form field.
#![allow(clippy::too_many_arguments)]
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::{NodeId, OrderId, PersonId};
use crate::dto::{MyOrdersView, OrderFormView, OrderView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::form_key::FormKey,
    crate::domain::grid::same_community,
    crate::domain::notice::Notice,
    crate::domain::order::form::{NewOrder, OrderInput, OrderProblem, Requester},
    crate::domain::order::{Actor, OrderAction, OrderStatus, Refusal, RELEASES_FLAGGED_AT},
    crate::domain::privacy::mask_name,
    crate::domain::role::Role,
    crate::dto::{OrderContact, OrderEventView},
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{
        audit_repo::AuditEntry, notices_repo, now, orders_repo, orders_repo::Change, orders_repo::EventNote,
    },
    crate::session::SessionUser,
};

#[cfg(feature = "ssr")]
fn roles_of(user: &SessionUser) -> Vec<(Role, String)> {
    user.roles.iter().map(|r| (r.role, r.node_code.clone())).collect()
}

/// A fresh idempotency key and the viewer's place, for the 我需要 form; for grid staff also
/// the residents of their area to place an order for (代下单) and its units, where a
/// resident without a phone is registered.
#[server(endpoint = "order_form")]
pub async fn order_form() -> Result<OrderFormView, AppError> {
    use crate::repo::accounts_repo;
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let place = accounts_repo::own_profile(&state.pool, user.person_id)
        .await?
        .map(|p| [p.micro_grid, p.building].into_iter().flatten().collect::<Vec<_>>().join(" · "))
        .filter(|p| !p.is_empty());
    let (residents, units) = match user.widest_staff_scope() {
        Some(scope) => (
            accounts_repo::residents_in_area(&state.pool, &scope.node_code)
                .await?
                .into_iter()
                .filter(|r| r.person_id != user.person_id)
                .map(crate::dto::ResidentChoice::from)
                .collect(),
            accounts_repo::units_in_area(&state.pool, &scope.node_code).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(OrderFormView {
        idempotency_key: ctx::new_form_key(),
        place,
        may_place_on_behalf: user.is_staff(),
        residents,
        units,
    })
}

/// 登记居民: grid staff record a resident who has no phone (so no account) in a household
/// of their area, to place orders for them. The same name in the same room is the same
/// person, so a double tap records one. Audited; lands back on 我需要 with them chosen.
#[server(endpoint = "register_resident")]
pub async fn register_resident(name: String, unit: NodeId, room: String) -> Result<PersonId, AppError> {
    use crate::repo::accounts_repo;
    let (w, user) = Writer::signed_in()?;
    if !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    let name = ctx::field_text(&name, "name", 1..=40, Msg::ErrResidentName);
    let room = ctx::field_text(&room, "room", 1..=20, Msg::ErrRoom);
    let errors = AppError::field_errors(&[&name, &room]);
    let (Ok(name), Ok(room)) = (name, room) else { return Err(AppError::Invalid(errors)) };
    let (person, created, code) = w
        .run(Act::new(Action::RegisterResident, "person"), async |tx, out| {
            let Some((building, micro_grid, code)) =
                accounts_repo::unit_place(tx, unit).await?.filter(|(_, _, code)| user.staff_scope_covers(code))
            else {
                return Err(AppError::field("unit", Msg::ErrChooseUnit));
            };
            let (person, created) =
                accounts_repo::register_phoneless(tx, &name, unit, &room, (building, micro_grid)).await?;
            if created {
                out.audit(AuditEntry {
                    object_id: Some(person.get()),
                    node_id: Some(micro_grid),
                    after_json: Some(serde_json::json!({ "name": name, "unit": unit, "room": room }).to_string()),
                    ..AuditEntry::of(Action::RegisterResident, "person")
                });
            }
            Ok((person, created, code))
        })
        .await?;
    tracing::info!(person = person.get(), by = user.account_id.get(), created, area = %code, "phone-less resident registered");
    ctx::redirect_form(&format!("/board/new?for={person}"));
    Ok(person)
}

/// The key a create form must carry, so that sending it twice creates one thing: a form
/// without one, or with a malformed one, is none of ours.
#[cfg(feature = "ssr")]
pub(super) fn idempotency_key(text: &str) -> Result<FormKey, AppError> {
    ctx::form_key(text)?.ok_or(AppError::BadRequest)
}

/// Whether the viewer belongs to (lives, serves or works in) the community of `area`.
#[cfg(feature = "ssr")]
pub(super) fn in_community_of(user: &SessionUser, area: &str) -> bool {
    user.roles.iter().any(|r| same_community(&r.node_code, area))
}

/// The message each problem of the 我需要 form is answered with.
#[cfg(feature = "ssr")]
fn order_msg(problem: OrderProblem) -> Msg {
    match problem {
        OrderProblem::FormKey => Msg::ErrBadRequest,
        OrderProblem::Section => Msg::ErrChooseSection,
        OrderProblem::TitleLength => Msg::ErrTitleLength,
        OrderProblem::TooLong => Msg::ErrTooLong,
        OrderProblem::Control => Msg::ErrControlChars,
        OrderProblem::Time => Msg::ErrBadTime,
        OrderProblem::Window => Msg::ErrWindow,
        OrderProblem::Phone => Msg::ErrPhoneMalformed,
        OrderProblem::Resident => Msg::ErrChooseResident,
    }
}

/// 我需要 as sent, parsed; a form without its key is none of ours, answered before its fields.
#[cfg(feature = "ssr")]
fn order_of(form: &OrderInput<'_>) -> Result<NewOrder, AppError> {
    NewOrder::parse(form).map_err(|problems| match problems.as_slice() {
        [(_, OrderProblem::FormKey)] => AppError::BadRequest,
        _ => ctx::invalid(problems, order_msg),
    })
}

/// 我需要: places an order for the viewer (or, for grid staff, for a resident by phone:
/// 代下单). The same idempotency key twice yields the same order.
#[server(endpoint = "place_order")]
pub async fn place_order(
    section: String,
    title: String,
    description: String,
    urgency: String,
    window_start: Option<String>,
    window_end: Option<String>,
    idempotency_key: String,
    on_behalf_phone: Option<String>,
    on_behalf_person: Option<String>,
) -> Result<OrderId, AppError> {
    let (w, user) = Writer::signed_in()?;
    let order = order_of(&OrderInput {
        idempotency_key: &idempotency_key,
        section: &section,
        title: &title,
        description: &description,
        urgency: &urgency,
        window_start: window_start.as_deref(),
        window_end: window_end.as_deref(),
        on_behalf_phone: on_behalf_phone.as_deref(),
        on_behalf_person: on_behalf_person.as_deref(),
    })?;
    if !matches!(order.requester, Requester::Viewer) && !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    // A refused 代下单 is audited on the person it was meant for.
    let act = match &order.requester {
        Requester::Viewer => Act::new(Action::PlaceOrder, "service_order"),
        Requester::Phone(_) => Act::new(Action::PlaceOrderOnBehalf, "person"),
        Requester::Person(person) => Act::new(Action::PlaceOrderOnBehalf, "person").on(person.get()),
    };
    let id = w
        .run(act, async |tx, out| {
            let requester = match &order.requester {
                Requester::Viewer => user.person_id,
                // A resident picked by name, building and room from the staff's own area.
                Requester::Person(person) => {
                    let code = crate::repo::accounts_repo::home_code(tx, *person).await?;
                    if !code.is_some_and(|c| user.staff_scope_covers(&c)) {
                        return Err(AppError::field("on_behalf_person", Msg::ErrChooseResident));
                    }
                    *person
                }
                Requester::Phone(phone) => {
                    // Unknown and outside-my-area numbers answer alike, so this is no phone-number oracle.
                    let found = orders_repo::person_by_phone(tx, phone.as_str()).await?;
                    let Some((person, _)) = found.filter(|(_, area)| user.staff_scope_covers(area)) else {
                        out.refusal_detail(format!("phone {phone}"));
                        return Err(AppError::field("on_behalf_phone", Msg::ErrNoSuchResident));
                    };
                    person
                }
            };
            let t = out.now;
            let new = orders_repo::NewOrder {
                requester_id: requester,
                placed_by: user.account_id,
                on_behalf: requester != user.person_id,
                idempotency_key: order.key.as_str(),
                section: order.section,
                title: &order.title,
                description: &order.description,
                urgency: order.urgency,
                window_start: order.window_start,
                window_end: order.window_end,
                now: t,
            };
            let (id, created) =
                orders_repo::insert(tx, &new).await?.ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
            if created {
                out.audit(AuditEntry {
                    object_id: Some(id.get()),
                    after_json: Some(serde_json::json!({ "section": order.section.as_str(), "urgency": order.urgency.as_str(), "requester": requester }).to_string()),
                    ..AuditEntry::of(if requester != user.person_id { Action::PlaceOrderOnBehalf } else { Action::PlaceOrder }, "service_order")
                });
                out.publish(Topic::Orders, Some(id.get()));
            }
            Ok(id)
        })
        .await?;
    leptos_axum::redirect(&format!("/orders/{id}"));
    Ok(id)
}

/// 我的订单: the viewer's own needs and the orders they took, each with its next step.
#[server(endpoint = "my_orders")]
pub async fn my_orders() -> Result<MyOrdersView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    my_orders_of(&state.pool, &user, 10).await
}

/// The viewer's orders: every unfinished one and the newest `finished` finished ones of
/// each side (home shows none of those, 我的 a few).
#[cfg(feature = "ssr")]
pub(crate) async fn my_orders_of(
    pool: &sqlx::SqlitePool,
    user: &SessionUser,
    finished: i64,
) -> Result<MyOrdersView, AppError> {
    use crate::domain::order::{NextStep, Side};
    use crate::dto::MyOrderCard;
    let t = now();
    let mut view =
        MyOrdersView { takes_orders: user.roles.iter().any(|r| r.role.can_take_orders()), ..Default::default() };
    for row in orders_repo::mine(pool, user.person_id, user.account_id, finished).await? {
        let side = if row.is_taker { Side::Taker } else { Side::Requester };
        let card = MyOrderCard {
            id: row.id,
            section: row.section,
            urgency: row.urgency,
            status: row.status,
            title: row.title,
            next: NextStep::of(side, row.status),
            taker: if side == Side::Requester { row.taker_name } else { None },
            building: row.building,
            age_secs: (t - row.updated_at).max(0),
        };
        match side {
            Side::Requester => view.requested.push(card),
            Side::Taker => view.taken.push(card),
        }
    }
    Ok(view)
}

/// One order as the viewer may see it, with the buttons they may press.
#[server(endpoint = "order_detail")]
pub async fn order_detail(id: OrderId) -> Result<OrderView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let roles = roles_of(&user);
    let actor = Actor { account_id: user.account_id, person_id: user.person_id, roles: &roles };
    let mut conn = state.pool.acquire().await?;
    let facts = orders_repo::facts(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let requester_side = facts.requester_id == user.person_id || facts.placed_by == user.account_id;
    let may_thank = requester_side
        && facts.status == OrderStatus::Completed
        && !crate::repo::board_repo::thanked(&mut conn, id).await?;
    drop(conn);
    let in_community = in_community_of(&user, &facts.area_code);
    let t = now();
    let contact_allowed = actor.may_see_contact(&facts, t);
    if !contact_allowed && !in_community && facts.taker_id != Some(user.person_id) {
        return Err(AppError::Forbidden);
    }
    let row = orders_repo::detail(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    // The requester reaches whoever holds their order; nobody else sees the taker's number.
    let held = matches!(facts.status, OrderStatus::Taken | OrderStatus::InService | OrderStatus::AwaitingConfirmation);
    let taker_contact = if requester_side && held {
        orders_repo::taker_contact(&state.pool, id).await?.map(|(name, phone, station, station_phone)| {
            crate::dto::TakerContact { name, phone, station, station_phone }
        })
    } else {
        None
    };
    let contact_in_secs =
        (!contact_allowed && facts.taker_id == Some(user.person_id)).then(|| facts.taker_contact_in(t)).flatten();
    let buttons = OrderAction::ALL.into_iter().filter(|action| actor.check(*action, &facts).is_ok()).collect();
    let events = orders_repo::events(&state.pool, id)
        .await?
        .into_iter()
        .map(|(status, actor, note, via, at)| {
            let actor = if contact_allowed { actor } else { actor.map(|a| mask_name(&a)) };
            OrderEventView { status, actor, note, via, age_secs: (t - at).max(0) }
        })
        .collect();
    Ok(OrderView {
        id,
        section: row.section,
        urgency: row.urgency,
        status: facts.status,
        title: row.title,
        description: row.description,
        age_secs: (t - row.created_at).max(0),
        building: row.building,
        micro_grid: row.micro_grid,
        requester_masked: mask_name(&row.requester_name),
        taker: row.taker_name,
        taker_badge: row
            .taker_party
            .then(|| crate::i18n::ServerMsg::PartyMember.text(ctx::viewer().locale).to_string()),
        taker_contact,
        // The requester knows their own details; the taker and staff (also one who placed
        // it for them) need them.
        contact: (contact_allowed && facts.requester_id != user.person_id).then_some(OrderContact {
            name: row.requester_name,
            room: row.room,
            phone: row.contact_phone,
        }),
        contact_in_secs,
        minutes_spent: row.minutes_spent,
        rating: row.rating,
        rating_comment: row.rating_comment,
        on_behalf: row.on_behalf,
        disputed: row.disputed,
        escalated: row.escalation_reason.is_some() && facts.status == OrderStatus::Open,
        buttons,
        events,
        may_thank,
    })
}

/// Runs one checked transition through the write spine, with its event, audit row and
/// live hint. Refusals are explained, and audited as `order_refused` on the order.
#[cfg(feature = "ssr")]
async fn act(id: OrderId, action: OrderAction, note: &str, minutes: i64, rating: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let roles = roles_of(&user);
    let actor = Actor { account_id: user.account_id, person_id: user.person_id, roles: &roles };
    w.run(Act::new(Action::OrderRefused, "service_order").on(id.get()), async |tx, out| {
        let t = out.now;
        let facts = orders_repo::facts(tx, id).await?.ok_or(AppError::NotFound)?;
        let action_name = action.as_str();
        // A double tap of one's own step is answered as the success it repeats.
        if action.repeats(user.account_id, facts.status, orders_repo::last_step(tx, id).await?) {
            return Ok(());
        }
        if action.needs_reason(facts.status) && note.is_empty() {
            return Err(AppError::field("reason", Msg::ErrReasonRequired));
        }
        let to = match actor.check(action, &facts) {
            Ok(to) => to,
            Err(refusal) => {
                out.refusal_detail(format!("{action_name}: {refusal:?} in {}", facts.status.as_str()));
                return Err(match (refusal, action) {
                    (Refusal::WrongState, OrderAction::Take) => AppError::Conflict(Msg::ErrOrderTaken),
                    (Refusal::WrongState, _) => AppError::Conflict(Msg::ErrOrderChanged),
                    (Refusal::OwnOrder, _) => AppError::Conflict(Msg::ErrOwnOrder),
                    (Refusal::NotAllowed, _) => AppError::Forbidden,
                });
            }
        };
        // Takes and releases are limited per volunteer, and a run of releases is reported to
        // the grid leaders: taking orders only to read their contacts shows up there.
        let mut flag_release = false;
        if matches!(action, OrderAction::Take | OrderAction::Release) {
            let activity = orders_repo::taker_activity(tx, user.account_id, t).await?;
            let refusal = match action {
                OrderAction::Take if !activity.may_release() => Some(Msg::ErrTakesPaused),
                OrderAction::Take if !activity.may_take() => Some(Msg::ErrTooManyTakes),
                OrderAction::Release if !activity.may_release() => Some(Msg::ErrTooManyReleases),
                _ => None,
            };
            if let Some(msg) = refusal {
                out.refusal_detail(format!(
                    "{action_name}: rate limit ({} takes this hour, {} releases today)",
                    activity.takes_last_hour, activity.releases_last_day
                ));
                return Err(AppError::Conflict(msg));
            }
            flag_release = action == OrderAction::Release && activity.release_is_flagged();
        }
        let change = match action {
            OrderAction::Take => Change::Take { taker: user.person_id },
            OrderAction::Release => Change::Release,
            OrderAction::Start => Change::Start,
            OrderAction::Finish => Change::Finish { minutes },
            OrderAction::Confirm => Change::Confirm { rating, comment: note },
            OrderAction::Dispute => Change::Dispute,
            OrderAction::Cancel => Change::Cancel,
        };
        if !orders_repo::transition(tx, id, facts.status, to, change, Some(user.person_id), t).await? {
            return Err(AppError::Conflict(Msg::ErrOrderChanged));
        }
        orders_repo::add_event(tx, id, Some(facts.status), to, Some(user.account_id), EventNote::Words(note), t)
            .await?;
        out.audit(AuditEntry {
            object_id: Some(id.get()),
            before_json: Some(serde_json::json!({ "status": facts.status.as_str() }).to_string()),
            after_json: Some(serde_json::json!({ "status": to.as_str() }).to_string()),
            detail: action_name.to_string(),
            ..AuditEntry::of(Action::OrderTransition, "service_order")
        });
        // A volunteer whose order is cancelled hears it from the app, with the reason.
        if let (OrderAction::Cancel, Some(taker)) = (action, facts.taker_id) {
            let notice = Notice::OrderCancelled { order: id, reason: note.to_string() };
            notices_repo::notify_person(tx, taker, &notice).await?;
        }
        if flag_release {
            let leaders = crate::repo::sentiment_repo::staff_over(tx, &facts.area_code, &["grid_leader"]).await?;
            let notice = Notice::TakeReleaseFlagged { volunteer: user.name.clone() };
            notices_repo::notify(tx, &leaders, &notice).await?;
            out.audit(AuditEntry {
                object_id: Some(user.account_id.get()),
                detail: format!("{} releases in a day; {} grid leaders told", RELEASES_FLAGGED_AT, leaders.len()),
                ..AuditEntry::of(Action::TakeReleaseFlagged, "account")
            });
        }
        out.publish(Topic::Orders, Some(id.get()));
        Ok(())
    })
    .await
}

/// A reason the other side is told: required, at most 500 characters.
#[cfg(feature = "ssr")]
fn reason(text: &str) -> Result<String, AppError> {
    let text = ctx::field_text(text, "reason", 0..=500, Msg::ErrTooLong)?;
    if text.is_empty() {
        return Err(AppError::field("reason", Msg::ErrReasonRequired));
    }
    Ok(text)
}

/// 接单: exactly one taker wins however many tap at once.
#[server(endpoint = "take_order")]
pub async fn take_order(id: OrderId) -> Result<(), AppError> {
    act(id, OrderAction::Take, "", 0, 0).await
}

#[server(endpoint = "release_order")]
pub async fn release_order(id: OrderId, reason: String) -> Result<(), AppError> {
    let reason = self::reason(&reason)?;
    act(id, OrderAction::Release, &reason, 0, 0).await
}

#[server(endpoint = "start_service")]
pub async fn start_service(id: OrderId) -> Result<(), AppError> {
    act(id, OrderAction::Start, "", 0, 0).await
}

#[server(endpoint = "finish_service")]
pub async fn finish_service(id: OrderId, minutes: String) -> Result<(), AppError> {
    let minutes = minutes.trim().parse::<i64>().ok().filter(|m| (1..=1440).contains(m));
    let minutes = minutes.ok_or_else(|| AppError::field("minutes", Msg::ErrMinutes))?;
    act(id, OrderAction::Finish, "", minutes, 0).await
}

// No stars are preset: a form sent without a choice is answered like a wrong one.
#[server(endpoint = "confirm_order")]
pub async fn confirm_order(
    id: OrderId,
    #[server(default)] rating: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    let rating = rating.trim().parse::<i64>().ok().filter(|r| (1..=5).contains(r));
    let rating = rating.ok_or_else(|| AppError::field("rating", Msg::ErrRating))?;
    let comment = ctx::field_text(&comment, "comment", 0..=500, Msg::ErrTooLong)?;
    act(id, OrderAction::Confirm, &comment, 0, rating).await
}

#[server(endpoint = "dispute_order")]
pub async fn dispute_order(id: OrderId, reason: String) -> Result<(), AppError> {
    let reason = self::reason(&reason)?;
    act(id, OrderAction::Dispute, &reason, 0, 0).await
}

/// 取消: before anyone took it, with an optional reason; once taken, with a reason the
/// volunteer is told.
#[server(endpoint = "cancel_order")]
pub async fn cancel_order(id: OrderId, reason: String) -> Result<(), AppError> {
    let reason = ctx::field_text(&reason, "reason", 0..=500, Msg::ErrTooLong)?;
    act(id, OrderAction::Cancel, &reason, 0, 0).await
}
