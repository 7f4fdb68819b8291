//! 我帮忙: volunteers' offers, and residents booking them (an order already paired).
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::OrderId;
use crate::dto::OffersView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::notice::Notice,
    crate::domain::offer::{NewOffer, OfferInput, OfferProblem},
    crate::domain::order::{OrderStatus, TakenVia, Urgency},
    crate::domain::role::Role,
    crate::dto::OfferCard,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{accounts_repo, audit_repo::AuditEntry, notices_repo, orders_repo, orders_repo::EventNote},
};

#[server(endpoint = "offers_data")]
pub async fn offers_data() -> Result<OffersView, AppError> {
    let state = ctx::state()?;
    let viewer = ctx::viewer();
    ctx::require_user()?;
    let area = ctx::default_area(&viewer);
    let community = crate::domain::grid::community_prefix(&area).to_string();
    let me = viewer.user.as_ref().map(|u| u.person_id);
    let offers = orders_repo::offers_in(&state.pool, &community)
        .await?
        .into_iter()
        .map(|o| OfferCard {
            id: o.id,
            own: me == Some(o.volunteer_id),
            volunteer_name: o.volunteer_name,
            section: o.section,
            title: o.title,
            description: o.description,
            schedule: o.schedule,
            area: o.area,
        })
        .collect();
    Ok(OffersView {
        offers,
        may_post: viewer.user.as_ref().is_some_and(|u| u.has_role(Role::Volunteer)),
        booking_key: ctx::new_form_key(),
    })
}

/// The message each problem of the offer form is answered with.
#[cfg(feature = "ssr")]
fn offer_msg(problem: OfferProblem) -> Msg {
    match problem {
        OfferProblem::Section => Msg::ErrChooseSection,
        OfferProblem::TitleLength => Msg::ErrTitleLength,
        OfferProblem::TooLong => Msg::ErrTooLong,
        OfferProblem::Control => Msg::ErrControlChars,
    }
}

/// A volunteer posts an offer for their service area.
#[server(endpoint = "post_offer")]
pub async fn post_offer(
    section: String,
    title: String,
    description: String,
    schedule: String,
) -> Result<i64, AppError> {
    let (w, user) = Writer::signed_in()?;
    if !user.has_role(Role::Volunteer) {
        return Err(AppError::Forbidden);
    }
    let new = NewOffer::parse(&OfferInput {
        section: &section,
        title: &title,
        description: &description,
        schedule: &schedule,
    })
    .map_err(|problems| ctx::invalid(problems, offer_msg))?;
    w.run(Act::new(Action::PostOffer, "offer"), async |tx, out| {
        let id =
            orders_repo::insert_offer(tx, user.person_id, new.section, &new.title, &new.description, &new.schedule)
                .await?
                .ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
        out.audit(AuditEntry { object_id: Some(id), ..AuditEntry::of(Action::PostOffer, "offer") });
        out.publish(Topic::Orders, None);
        Ok(id)
    })
    .await
}

/// A resident books an offer: an order already paired with the offer's volunteer.
#[server(endpoint = "book_offer")]
pub async fn book_offer(offer: i64, note: String, idempotency_key: String) -> Result<OrderId, AppError> {
    let (w, user) = Writer::signed_in()?;
    let note = ctx::field_text(&note, "note", 0..=1000, Msg::ErrTooLong)?;
    let key = super::orders::idempotency_key(&idempotency_key)?;
    let id = w
        .run(Act::new(Action::BookOffer, "offer").on(offer), async |tx, out| {
            let t = out.now;
            let (volunteer, section, title, offer_area) =
                orders_repo::offer(tx, offer).await?.ok_or(AppError::NotFound)?;
            if volunteer == user.person_id {
                return Err(AppError::Conflict(Msg::ErrOwnOrder));
            }
            if !super::orders::in_community_of(&user, &offer_area) {
                return Err(AppError::Forbidden);
            }
            let new = orders_repo::NewOrder {
                requester_id: user.person_id,
                placed_by: user.account_id,
                on_behalf: false,
                idempotency_key: key.as_str(),
                section,
                title: &title,
                description: &note,
                urgency: Urgency::Normal,
                window_start: None,
                window_end: None,
                now: t,
            };
            let (id, created) =
                orders_repo::insert(tx, &new).await?.ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
            if created {
                if !orders_repo::pair_with_offer(tx, id, offer, volunteer, t).await? {
                    return Err(AppError::Conflict(Msg::ErrOrderChanged));
                }
                // The history says the volunteer took it, through the resident's booking.
                let taker = accounts_repo::account_of(tx, volunteer).await?.ok_or(AppError::Internal)?;
                orders_repo::add_event(
                    tx,
                    id,
                    Some(OrderStatus::Open),
                    OrderStatus::Taken,
                    Some(taker),
                    EventNote::Via(TakenVia::Offer),
                    t,
                )
                .await?;
                notices_repo::notify_person(tx, volunteer, &Notice::OfferBooked { order: id }).await?;
                out.audit(AuditEntry {
                    object_id: Some(id.get()),
                    after_json: Some(serde_json::json!({ "offer": offer, "volunteer": volunteer }).to_string()),
                    ..AuditEntry::of(Action::BookOffer, "service_order")
                });
                out.publish(Topic::Orders, Some(id.get()));
            }
            Ok(id)
        })
        .await?;
    leptos_axum::redirect(&format!("/orders/{id}"));
    Ok(id)
}
