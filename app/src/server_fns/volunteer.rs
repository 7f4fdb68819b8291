//! A volunteer's profile: skills by section, weekly availability, and the service
//! record that confirmed orders build.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::dto::VolunteerProfileView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::order::ServiceSection,
    crate::domain::volunteer::PartyBadge,
    crate::i18n::Msg,
    crate::repo::{accounts_repo, audit_repo::AuditEntry},
};

#[server(endpoint = "volunteer_profile")]
pub async fn volunteer_profile() -> Result<VolunteerProfileView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let row = accounts_repo::volunteer(&state.pool, user.person_id).await?.ok_or(AppError::NotFound)?;
    let hours = crate::domain::order::hours(row.minutes);
    Ok(VolunteerProfileView {
        skills: row.skills.unwrap_or_default().split(',').filter_map(ServiceSection::parse).collect(),
        availability: row.availability as u32,
        intro: row.intro,
        shares_phone: row.shares_phone,
        area: row.area,
        service_hours: hours,
        orders_completed: row.completed,
        avg_rating: row.avg_rating.map(|r| (r * 10.0).round() / 10.0),
        sections: row.sections.unwrap_or_default().split(',').filter_map(ServiceSection::parse).collect(),
        stars: crate::domain::volunteer::stars(hours),
        to_next_star: crate::domain::volunteer::to_next_star(hours),
        party: PartyBadge::of(row.party_member, row.party_proposed),
    })
}

/// Saves skills (`skills[]`), weekly slots (`slots[]`, 0–20), the introduction and
/// whether residents whose orders they take may see their number (`shares_phone=1`).
#[server(endpoint = "save_volunteer_profile")]
pub async fn save_volunteer_profile(
    #[server(default)] skills: Vec<String>,
    #[server(default)] slots: Vec<String>,
    intro: String,
    #[server(default)] shares_phone: Option<String>,
) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    if skills.len() > 5 || slots.len() > 21 {
        return Err(AppError::BadRequest);
    }
    let mut sections = Vec::new();
    for s in &skills {
        let section = ServiceSection::parse(s).ok_or(AppError::BadRequest)?;
        if !sections.contains(&section.as_str()) {
            sections.push(section.as_str());
        }
    }
    let mut availability = 0i64;
    for slot in &slots {
        let bit = slot.parse::<u32>().ok().filter(|b| *b < 21).ok_or(AppError::BadRequest)?;
        availability |= 1 << bit;
    }
    let intro = ctx::field_text(&intro, "intro", 0..=500, Msg::ErrTooLong)?;
    let shares_phone = match shares_phone.as_deref() {
        None | Some("" | "0") => false,
        Some("1") => true,
        Some(_) => return Err(AppError::BadRequest),
    };
    let act = Act::new(Action::SaveVolunteerProfile, "person").on(user.person_id.get());
    w.run(act, async |tx, out| {
        // Only a volunteer has a profile to save.
        if !accounts_repo::save_volunteer(tx, user.person_id, &sections, availability, &intro, shares_phone).await? {
            return Err(AppError::Forbidden);
        }
        out.audit(AuditEntry {
            object_id: Some(user.person_id.get()),
            after_json: Some(
                serde_json::json!({ "skills": sections, "availability": availability, "shares_phone": shares_phone })
                    .to_string(),
            ),
            ..AuditEntry::of(Action::SaveVolunteerProfile, "person")
        });
        Ok(())
    })
    .await?;
    // Back at the form, with 已保存 beside its button.
    ctx::redirect_back("volunteer-profile", Some("saved"));
    Ok(())
}

/// 党员亮身份 on the volunteer's own profile: `shown = "1"` shows the badge (or confirms
/// staff's proposal), `"0"` takes it down (or declines). Only the person themselves, and
/// only a volunteer; audited before and after.
#[server(endpoint = "set_party_badge")]
pub async fn set_party_badge(shown: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let shown = match shown.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest),
    };
    let act = Act::new(Action::SetPartyBadge, "person").on(user.person_id.get());
    w.run(act, async |tx, out| {
        let (was, proposed) = accounts_repo::party_badge(tx, user.person_id).await?.ok_or(AppError::Forbidden)?;
        let before = PartyBadge::of(was, proposed);
        accounts_repo::set_party_badge(tx, user.person_id, shown).await?;
        out.audit(AuditEntry {
            object_id: Some(user.person_id.get()),
            before_json: Some(serde_json::json!({ "party_badge": before }).to_string()),
            after_json: Some(serde_json::json!({ "party_badge": PartyBadge::of(shown, false) }).to_string()),
            ..AuditEntry::of(Action::SetPartyBadge, "person")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("party-badge", None);
    Ok(())
}
