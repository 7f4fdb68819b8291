//! Changes to the register: an elder added with a visit plan, their notes, contact and plan
//! edited, and the community's heat alert (高温预警) that shortens every plan while it is on.
// The register forms take one argument per field.
#![allow(clippy::too_many_arguments)]
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::ids::{NodeId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{current_year, require_cover, staff_writer},
    crate::domain::phone::PhoneNumber,
    crate::domain::privacy::mask_phone,
    crate::error::FieldError,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{audit_repo::AuditEntry, elders_repo},
    crate::server_fns::ctx,
    crate::server_fns::write::{Act, Writer},
};

/// The register fields of the add and edit forms, validated.
#[cfg(feature = "ssr")]
struct Fields {
    living_alone: bool,
    health_notes: String,
    contact_name: Option<String>,
    contact_phone: Option<PhoneNumber>,
    every_days: i64,
    heat_alert_every_days: i64,
}

#[cfg(feature = "ssr")]
fn validate_fields(
    errors: &mut Vec<FieldError>,
    living_alone: Option<String>,
    health_notes: &str,
    contact_name: &str,
    contact_phone: &str,
    every_days: &str,
    heat_alert_every_days: &str,
) -> Fields {
    let health_notes = ctx::field_text(health_notes, "health_notes", 0..=1000, Msg::ErrTooLong);
    let contact_name = ctx::field_text(contact_name, "contact_name", 0..=40, Msg::ErrContactName);
    errors.extend(AppError::field_errors(&[&health_notes, &contact_name]));
    let mut field = |f: &str, msg: Msg| errors.push(FieldError { field: f.into(), msg });
    let contact_phone = match contact_phone.trim() {
        "" => None,
        p => match PhoneNumber::parse(p) {
            Ok(phone) => Some(phone),
            Err(_) => {
                field("contact_phone", Msg::ErrPhoneMalformed);
                None
            }
        },
    };
    let days = |s: &str, default: i64| match s.trim() {
        "" => Some(default),
        s => s.parse::<i64>().ok().filter(|d| (1..=90).contains(d)),
    };
    let every = days(every_days, 7);
    if every.is_none() {
        field("every_days", Msg::ErrVisitDays);
    }
    let heat = days(heat_alert_every_days, 1);
    if heat.is_none() {
        field("heat_alert_every_days", Msg::ErrVisitDays);
    }
    Fields {
        living_alone: living_alone.is_some_and(|v| !v.is_empty() && v != "0" && v != "false"),
        health_notes: health_notes.unwrap_or_default(),
        contact_name: contact_name.ok().filter(|n| !n.is_empty()),
        contact_phone,
        every_days: every.unwrap_or(7),
        heat_alert_every_days: heat.unwrap_or(1),
    }
}

#[cfg(feature = "ssr")]
impl Fields {
    fn repo(&self) -> elders_repo::ElderFields<'_> {
        elders_repo::ElderFields {
            living_alone: self.living_alone,
            health_notes: &self.health_notes,
            contact_name: self.contact_name.as_deref(),
            contact_phone: self.contact_phone.as_ref().map(PhoneNumber::as_str),
            every_days: self.every_days,
            heat_alert_every_days: self.heat_alert_every_days,
        }
    }

    /// For the audit log: the contact phone masked.
    fn audit_json(&self) -> String {
        serde_json::json!({
            "living_alone": self.living_alone,
            "health_notes": self.health_notes,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone.as_ref().map(|p| p.masked()),
            "every_days": self.every_days,
            "heat_alert_every_days": self.heat_alert_every_days,
        })
        .to_string()
    }
}

/// Adds a resident of the viewer's area (aged 60 or over) to the register with a plan.
#[server(endpoint = "add_elder")]
pub async fn add_elder(
    person: String,
    living_alone: Option<String>,
    health_notes: String,
    contact_name: String,
    contact_phone: String,
    every_days: String,
    heat_alert_every_days: Option<String>,
) -> Result<(), AppError> {
    let (w, user) = staff_writer()?;
    let mut errors = Vec::new();
    let person = person.trim().parse::<PersonId>().ok();
    if person.is_none() {
        errors.push(FieldError { field: "person".into(), msg: Msg::ErrChooseElder });
    }
    let fields = validate_fields(
        &mut errors,
        living_alone,
        &health_notes,
        &contact_name,
        &contact_phone,
        &every_days,
        heat_alert_every_days.as_deref().unwrap_or(""),
    );
    let (Some(person), true) = (person, errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    w.run(Act::new(Action::AddElder, "person").on(person.get()), async |tx, out| {
        let Some((micro_grid_id, code, birth_year)) = elders_repo::person_place(tx, person).await? else {
            return Err(AppError::field("person", Msg::ErrChooseElder));
        };
        out.refusal_node(micro_grid_id);
        require_cover(&user, &code)?;
        if birth_year.is_some_and(|y| current_year(out.now) - y < 60) {
            return Err(AppError::field("person", Msg::ErrElderTooYoung));
        }
        if !elders_repo::insert_elder(tx, person, micro_grid_id, &fields.repo(), out.now).await? {
            return Err(AppError::Conflict(Msg::ErrAlreadyOnRegister));
        }
        out.audit(AuditEntry {
            object_id: Some(person.get()),
            node_id: Some(micro_grid_id),
            after_json: Some(fields.audit_json()),
            ..AuditEntry::of(Action::AddElder, "elder_profile")
        });
        // No person id on the live channel: every signed-in viewer receives it.
        out.publish(Topic::Notices, None);
        Ok(())
    })
    .await
}

/// Edits an elder's notes, emergency contact and visit plan.
#[server(endpoint = "update_elder")]
pub async fn update_elder(
    person: PersonId,
    living_alone: Option<String>,
    health_notes: String,
    contact_name: String,
    contact_phone: String,
    every_days: String,
    heat_alert_every_days: String,
) -> Result<(), AppError> {
    let (w, user) = staff_writer()?;
    let mut errors = Vec::new();
    let fields = validate_fields(
        &mut errors,
        living_alone,
        &health_notes,
        &contact_name,
        &contact_phone,
        &every_days,
        &heat_alert_every_days,
    );
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    w.run(Act::new(Action::UpdateElder, "elder_profile").on(person.get()), async |tx, out| {
        let row = elders_repo::elder(tx, person).await?.ok_or(AppError::NotFound)?;
        out.refusal_node(row.micro_grid_id);
        require_cover(&user, &row.micro_grid_code)?;
        if !elders_repo::update_elder(tx, person, &fields.repo(), out.now).await? {
            return Err(AppError::NotFound);
        }
        let before = serde_json::json!({
            "living_alone": row.living_alone,
            "health_notes": row.health_notes,
            "contact_name": row.contact_name,
            "contact_phone": row.contact_phone.as_deref().map(mask_phone),
            "every_days": row.every_days,
            "heat_alert_every_days": row.heat_alert_every_days,
        });
        out.audit(AuditEntry {
            object_id: Some(person.get()),
            node_id: Some(row.micro_grid_id),
            before_json: Some(before.to_string()),
            after_json: Some(fields.audit_json()),
            ..AuditEntry::of(Action::UpdateElder, "elder_profile")
        });
        // No person id on the live channel: every signed-in viewer receives it.
        out.publish(Topic::Notices, None);
        Ok(())
    })
    .await
}

/// Switches the heat alert (高温预警) of a community: its community or subdistrict admins.
#[server(endpoint = "set_heat_alert")]
pub async fn set_heat_alert(community: NodeId, on: String) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let on = match on.trim() {
        "1" | "true" | "on" => true,
        "0" | "false" | "off" => false,
        _ => return Err(AppError::BadRequest),
    };
    let act = Act::new(Action::SetHeatAlert, "grid_node").on(community.get()).at(community);
    w.run(act, async |tx, out| {
        let (code, was_on) = elders_repo::community(tx, community).await?.ok_or(AppError::NotFound)?;
        if !user.administers(&code) {
            return Err(AppError::Forbidden);
        }
        elders_repo::set_heat_alert(tx, community, on, out.now).await?;
        out.audit(AuditEntry {
            object_id: Some(community.get()),
            node_id: Some(community),
            before_json: Some(serde_json::json!({ "heat_alert": was_on }).to_string()),
            after_json: Some(serde_json::json!({ "heat_alert": on }).to_string()),
            ..AuditEntry::of(Action::SetHeatAlert, "grid_node")
        });
        out.publish(Topic::Notices, Some(community.get()));
        Ok(())
    })
    .await
}
