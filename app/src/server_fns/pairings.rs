//! 1+1 pairings (结对): a grid leader pairs a volunteer with a resident on a weekly slot;
//! the schedule creates the paired orders.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::dto::PairingCard;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::grid::same_community,
    crate::domain::pairing::{NewPairing, PairingInput, PairingProblem},
    crate::domain::privacy::mask_name,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo::AuditEntry, now, orders_repo, pairings_repo},
};

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

/// The message each problem of the 结对 form is answered with.
#[cfg(feature = "ssr")]
fn pairing_msg(problem: PairingProblem) -> Msg {
    match problem {
        PairingProblem::Phone => Msg::ErrPhoneMalformed,
        PairingProblem::Section => Msg::ErrChooseSection,
        PairingProblem::TitleLength => Msg::ErrTitleLength,
        PairingProblem::Control => Msg::ErrControlChars,
        PairingProblem::Slot => Msg::ErrBadTime,
    }
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
    let (w, user) = Writer::signed_in()?;
    let scopes = super::dispatch::dispatch_scopes(&user);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let form = PairingInput {
        volunteer_phone: &volunteer_phone,
        resident_phone: &resident_phone,
        section: &section,
        title: &title,
        weekday: &weekday,
        part: &part,
    };
    let new = NewPairing::parse(&form).map_err(|problems| ctx::invalid(problems, pairing_msg))?;
    let id = w
        .run(Act::new(Action::CreatePairing, "person"), async |tx, out| {
            // A number outside the viewer's area answers like an unknown one (both audited),
            // so this is no way to learn whether a number is registered somewhere else.
            let (resident, resident_area) = orders_repo::person_by_phone(tx, new.resident_phone.as_str())
                .await?
                .filter(|(_, area)| scopes.iter().any(|s| crate::domain::grid::is_within(area, s)))
                .ok_or_else(|| AppError::field("resident_phone", Msg::ErrNoSuchResident))?;
            let (volunteer, _) = orders_repo::person_by_phone(tx, new.volunteer_phone.as_str())
                .await?
                .ok_or_else(|| AppError::field("volunteer_phone", Msg::ErrNoSuchVolunteer))?;
            let serves =
                orders_repo::volunteer_area(tx, volunteer).await?.is_some_and(|a| same_community(&a, &resident_area));
            if !serves || volunteer == resident {
                return Err(AppError::field("volunteer_phone", Msg::ErrNoSuchVolunteer));
            }
            let (section, title) = (new.section, &new.title);
            let id =
                pairings_repo::insert(tx, volunteer, resident, section, title, new.weekday, new.part, user.account_id)
                    .await?
                    .ok_or(AppError::Conflict(Msg::ErrAlreadyPaired))?;
            out.audit(AuditEntry {
                object_id: Some(id),
                after_json: Some(
                    serde_json::json!({ "volunteer": volunteer, "person": resident, "weekday": new.weekday, "part": new.part })
                        .to_string(),
                ),
                ..AuditEntry::of(Action::CreatePairing, "pairing")
            });
            out.publish(Topic::Orders, None);
            Ok(id)
        })
        .await?;
    // The pairing stands even if its first order cannot be made now; the periodic run retries.
    if let Err(err) = crate::jobs::run_schedules(&w.state, now()).await {
        tracing::error!(%err, pairing = id, "creating the paired order failed");
    }
    Ok(id)
}
