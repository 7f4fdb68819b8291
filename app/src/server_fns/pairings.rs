//! 1+1 pairings (结对): a grid leader pairs a volunteer with a resident on a weekly slot;
//! the schedule creates the paired orders.
use crate::dto::PairingCard;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::order::ServiceSection,
    crate::domain::pairing::next_occurrence,
    crate::domain::phone::PhoneNumber,
    crate::domain::privacy::mask_name,
    crate::error::FieldError,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo, audit_repo::AuditEntry, begin_immediate, now, orders_repo, pairings_repo},
};

/// Creates the order of each pairing's next weekly slot when it does not exist yet.
/// Runs after every new pairing and periodically in the server.
#[cfg(feature = "ssr")]
pub async fn run_schedules(pool: &sqlx::SqlitePool, t: i64) -> Result<u64, sqlx::Error> {
    let mut tx = begin_immediate(pool).await?;
    let mut created = 0;
    for pairing in pairings_repo::active(&mut tx).await? {
        let Some(start) = next_occurrence(t, pairing.5 as u32, pairing.6 as u32) else { continue };
        if pairings_repo::create_slot_order(&mut tx, &pairing, start, t).await?.is_some() {
            created += 1;
        }
    }
    tx.commit().await?;
    Ok(created)
}

#[server(endpoint = "pairings_data")]
pub async fn pairings_data() -> Result<Vec<PairingCard>, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scopes = super::dispatch::dispatch_scopes(&user);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut out = Vec::new();
    for scope in scopes {
        for (id, volunteer, person, section, title, weekday, part) in
            pairings_repo::in_area(&state.pool, &scope).await?
        {
            let Some(section) = ServiceSection::parse(&section) else { continue };
            out.push(PairingCard {
                id,
                volunteer,
                person_masked: mask_name(&person),
                section,
                title,
                weekday: weekday as u32,
                part: part as u32,
            });
        }
    }
    Ok(out)
}

/// 结对: pairs a volunteer of the community with a resident of the leader's area.
#[server(endpoint = "create_pairing")]
pub async fn create_pairing(
    volunteer_phone: String,
    resident_phone: String,
    section: String,
    title: String,
    weekday: String,
    part: String,
) -> Result<i64, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let scopes = super::dispatch::dispatch_scopes(&user);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let volunteer_phone = PhoneNumber::parse(&volunteer_phone).ok();
    if volunteer_phone.is_none() {
        errors.push(FieldError { field: "volunteer_phone".into(), msg: Msg::ErrPhoneMalformed });
    }
    let resident_phone = PhoneNumber::parse(&resident_phone).ok();
    if resident_phone.is_none() {
        errors.push(FieldError { field: "resident_phone".into(), msg: Msg::ErrPhoneMalformed });
    }
    let section = ServiceSection::parse(&section);
    if section.is_none() {
        errors.push(FieldError { field: "section".into(), msg: Msg::ErrChooseSection });
    }
    let title = title.trim().to_string();
    if !(2..=60).contains(&title.chars().count()) {
        errors.push(FieldError { field: "title".into(), msg: Msg::ErrTitleLength });
    } else if crate::domain::text::has_control(&title) {
        errors.push(FieldError { field: "title".into(), msg: Msg::ErrControlChars });
    }
    let weekday = weekday.parse::<i64>().ok().filter(|d| (0..=6).contains(d));
    let part = part.parse::<i64>().ok().filter(|p| (0..=2).contains(p));
    if weekday.is_none() || part.is_none() {
        errors.push(FieldError { field: "weekday".into(), msg: Msg::ErrBadTime });
    }
    let (Some(volunteer_phone), Some(resident_phone), Some(section), Some(weekday), Some(part), true) =
        (volunteer_phone, resident_phone, section, weekday, part, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    let mut tx = begin_immediate(&state.pool).await?;
    let (resident, resident_area) = orders_repo::person_by_phone(&mut tx, resident_phone.as_str())
        .await?
        .ok_or_else(|| AppError::field("resident_phone", Msg::ErrNoSuchResident))?;
    // A number outside the viewer's area answers like an unknown one (audited), so this
    // is no way to learn whether a number is registered somewhere else.
    if !scopes.iter().any(|s| crate::domain::grid::is_within(&resident_area, s)) {
        drop(tx);
        let err = AppError::field("resident_phone", Msg::ErrNoSuchResident);
        return Err(ctx::refused(&state, &user, "create_pairing", ("person", resident), None, err).await);
    }
    let (volunteer, _) = orders_repo::person_by_phone(&mut tx, volunteer_phone.as_str())
        .await?
        .ok_or_else(|| AppError::field("volunteer_phone", Msg::ErrNoSuchVolunteer))?;
    let serves = orders_repo::volunteer_area(&mut tx, volunteer).await?.is_some_and(|a| {
        crate::domain::grid::community_prefix(&a) == crate::domain::grid::community_prefix(&resident_area)
    });
    if !serves || volunteer == resident {
        return Err(AppError::field("volunteer_phone", Msg::ErrNoSuchVolunteer));
    }
    let id =
        pairings_repo::insert(&mut tx, volunteer, resident, section.as_str(), &title, weekday, part, user.account_id)
            .await?
            .ok_or(AppError::Conflict(Msg::ErrAlreadyPaired))?;
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "create_pairing",
            object_kind: "pairing",
            object_id: Some(id),
            after_json: Some(
                serde_json::json!({ "volunteer": volunteer, "person": resident, "weekday": weekday, "part": part })
                    .to_string(),
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    // The pairing stands even if its first order cannot be made now; the server retries.
    if let Err(err) = run_schedules(&state.pool, now()).await {
        tracing::error!(%err, pairing = id, "creating the paired order failed");
    }
    state.bus.publish(Topic::Orders, None);
    Ok(id)
}
