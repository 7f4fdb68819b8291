//! 我帮忙: volunteers' offers, and residents booking them (an order already paired).
use crate::dto::OffersView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::order::{OrderStatus, ServiceSection, TakenVia},
    crate::domain::role::Role,
    crate::dto::OfferCard,
    crate::error::FieldError,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{
        accounts_repo, audit_repo, audit_repo::AuditEntry, begin_immediate, now, orders_repo, orders_repo::EventNote,
    },
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
        .filter_map(|o| {
            Some(OfferCard {
                id: o.id,
                own: me == Some(o.volunteer_id),
                volunteer_name: o.volunteer_name,
                section: ServiceSection::parse(&o.section)?,
                title: o.title,
                description: o.description,
                schedule: o.schedule,
                area: o.area,
            })
        })
        .collect();
    Ok(OffersView {
        offers,
        may_post: viewer.user.as_ref().is_some_and(|u| u.has_role(Role::Volunteer)),
        booking_key: ctx::new_form_key(),
    })
}

#[cfg(feature = "ssr")]
fn text_field(errors: &mut Vec<FieldError>, field: &str, value: &str, min: usize, max: usize) -> String {
    let value = value.trim().to_string();
    let n = value.chars().count();
    if n < min {
        errors.push(FieldError {
            field: field.into(),
            msg: if min <= 1 { Msg::ErrRequired } else { Msg::ErrTitleLength },
        });
    } else if n > max {
        errors.push(FieldError { field: field.into(), msg: Msg::ErrTooLong });
    } else if crate::domain::text::has_control(&value) {
        errors.push(FieldError { field: field.into(), msg: Msg::ErrControlChars });
    }
    value
}

/// A volunteer posts an offer for their service area.
#[server(endpoint = "post_offer")]
pub async fn post_offer(
    section: String,
    title: String,
    description: String,
    schedule: String,
) -> Result<i64, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    if !user.has_role(Role::Volunteer) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let section = ServiceSection::parse(&section);
    if section.is_none() {
        errors.push(FieldError { field: "section".into(), msg: Msg::ErrChooseSection });
    }
    let title = text_field(&mut errors, "title", &title, 2, 60);
    let description = text_field(&mut errors, "description", &description, 0, 1000);
    let schedule = text_field(&mut errors, "schedule", &schedule, 0, 100);
    let (Some(section), true) = (section, errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    let mut tx = begin_immediate(&state.pool).await?;
    let id = orders_repo::insert_offer(&mut tx, user.person_id, section.as_str(), &title, &description, &schedule)
        .await?
        .ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "post_offer",
            object_kind: "offer",
            object_id: Some(id),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(Topic::Orders, None);
    Ok(id)
}

/// A resident books an offer: an order already paired with the offer's volunteer.
#[server(endpoint = "book_offer")]
pub async fn book_offer(offer: i64, note: String, idempotency_key: String) -> Result<i64, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let note = note.trim().to_string();
    if note.chars().count() > 1000 {
        return Err(AppError::field("note", Msg::ErrTooLong));
    }
    if crate::domain::text::has_control(&note) {
        return Err(AppError::field("note", Msg::ErrControlChars));
    }
    let key = ctx::form_key(&idempotency_key)?.ok_or(AppError::BadRequest)?;
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    let (volunteer, section, title, offer_area) =
        orders_repo::offer(&mut tx, offer).await?.ok_or(AppError::NotFound)?;
    if volunteer == user.person_id {
        return Err(AppError::Conflict(Msg::ErrOwnOrder));
    }
    let same_community = user.roles.iter().any(|r| {
        crate::domain::grid::community_prefix(&r.node_code) == crate::domain::grid::community_prefix(&offer_area)
    });
    if !same_community {
        return Err(AppError::Forbidden);
    }
    let new = orders_repo::NewOrder {
        requester_id: user.person_id,
        placed_by: user.account_id,
        on_behalf: false,
        idempotency_key: key.as_str(),
        section: &section,
        title: &title,
        description: &note,
        urgency: "normal",
        window_start: None,
        window_end: None,
        now: t,
    };
    let (id, created) = orders_repo::insert(&mut tx, &new).await?.ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
    if created {
        orders_repo::add_event(&mut tx, id, None, OrderStatus::Open, user.account_id, EventNote::Words(""), t).await?;
        if !orders_repo::pair_with_offer(&mut tx, id, offer, volunteer, t).await? {
            return Err(AppError::Conflict(Msg::ErrOrderChanged));
        }
        // The history says the volunteer took it, through the resident's booking.
        let taker = accounts_repo::account_of(&mut tx, volunteer).await?.ok_or(AppError::Internal)?;
        orders_repo::add_event(
            &mut tx,
            id,
            Some(OrderStatus::Open),
            OrderStatus::Taken,
            taker,
            EventNote::Via(TakenVia::Offer),
            t,
        )
        .await?;
        orders_repo::notify(
            &mut tx,
            volunteer,
            "offer_booked",
            Msg::OfferBooked.text(Default::default()),
            &format!("/orders/{id}"),
        )
        .await?;
        audit_repo::record(
            &mut tx,
            AuditEntry {
                actor_id: Some(user.account_id),
                action: "book_offer",
                object_kind: "service_order",
                object_id: Some(id),
                after_json: Some(serde_json::json!({ "offer": offer, "volunteer": volunteer }).to_string()),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    if created {
        state.bus.publish(Topic::Orders, Some(id));
    }
    leptos_axum::redirect(&format!("/orders/{id}"));
    Ok(id)
}
