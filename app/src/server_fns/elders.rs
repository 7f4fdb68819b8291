//! 独居老人关爱: the register of vulnerable residents, visit logs from the phone, the
//! community's heat alert, and welfare checks that relatives ask for without an account.
// The register forms take one argument per field.
#![allow(clippy::too_many_arguments)]
use crate::domain::elder::VisitOutcome;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::elder::{is_overdue, visit_period_days, DAY},
    crate::domain::order::{OrderStatus, ServiceSection, Urgency},
    crate::domain::phone::PhoneNumber,
    crate::domain::privacy::mask_phone,
    crate::error::FieldError,
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{
        audit_repo, audit_repo::AuditEntry, begin_immediate, elders_repo, form_keys_repo, now, orders_repo,
        orders_repo::EventNote,
    },
    crate::session::SessionUser,
};

/// One elder on the register, as grid staff see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElderCard {
    pub person_id: i64,
    pub name: String,
    pub age: Option<i64>,
    pub micro_grid: String,
    pub building: Option<String>,
    /// Unit and room, and the elder's own phone: the register is for grid staff only.
    pub home: Option<String>,
    pub phone: Option<String>,
    pub living_alone: bool,
    pub health_notes: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub every_days: i64,
    pub heat_alert_every_days: i64,
    pub heat_alert: bool,
    /// The period in force now (days).
    pub period_days: i64,
    pub last_visit_age_secs: Option<i64>,
    /// When the last visit was logged (unix seconds): a new visit changes the card.
    pub last_visit_at: Option<i64>,
    pub last_outcome: Option<VisitOutcome>,
    pub overdue: bool,
}

impl ElderCard {
    /// A fingerprint of what the card shows, apart from the ages that grow by the second:
    /// the register keys its rows on it, so a row is drawn anew (its note box emptied) only
    /// when its own elder changed, and a row being typed in moves with its elder.
    pub fn revision(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (self.person_id, &self.name, self.age, &self.micro_grid, &self.building, self.living_alone).hash(&mut h);
        (&self.home, &self.phone).hash(&mut h);
        (&self.health_notes, &self.contact_name, &self.contact_phone, self.every_days).hash(&mut h);
        (self.heat_alert_every_days, self.heat_alert, self.period_days, self.last_visit_at).hash(&mut h);
        (self.last_outcome, self.overdue).hash(&mut h);
        h.finish()
    }
}

/// A resident of the viewer's area who may be added to the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElderCandidate {
    pub person_id: i64,
    pub name: String,
    pub age: Option<i64>,
    pub building: Option<String>,
}

/// A community whose heat alert the viewer may switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatToggle {
    pub community_id: i64,
    pub name: String,
    pub on: bool,
}

/// The /elders page: the register of the viewer's area, overdue first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EldersView {
    pub elders: Vec<ElderCard>,
    pub overdue: usize,
    pub candidates: Vec<ElderCandidate>,
    pub heat_toggles: Vec<HeatToggle>,
}

/// An elder due for a visit, for the staff home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueVisit {
    pub person_id: i64,
    pub name: String,
    pub building: Option<String>,
    pub micro_grid: String,
    pub period_days: i64,
    pub last_visit_age_secs: Option<i64>,
}

/// A welfare check not yet done, for the staff who cover it (the phone is staff-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WelfareCard {
    pub id: i64,
    pub elder_name: String,
    pub building_note: String,
    pub micro_grid: Option<String>,
    /// The building was not found: it waits in the area named by `micro_grid` for sorting.
    pub triage: bool,
    pub requester_phone: String,
    pub note: String,
    pub in_progress: bool,
    pub handler: Option<String>,
    pub age_secs: i64,
}

/// An emergency found on a visit that no later visit has cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyCard {
    pub elder_id: i64,
    pub elder_name: String,
    pub building: Option<String>,
    pub micro_grid: String,
    pub note: String,
    pub visitor: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub age_secs: i64,
}

/// The top of the grid leader's queue: emergencies and welfare checks of their area.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ElderAlerts {
    pub emergencies: Vec<EmergencyCard>,
    pub welfare: Vec<WelfareCard>,
}

#[cfg(feature = "ssr")]
fn require_staff() -> Result<SessionUser, AppError> {
    let user = ctx::require_user()?;
    if !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// The staff scopes of the user, without scopes nested inside another one.
#[cfg(feature = "ssr")]
fn staff_areas(user: &SessionUser) -> Vec<String> {
    let mut codes: Vec<String> = user.roles.iter().filter(|r| r.role.is_staff()).map(|r| r.node_code.clone()).collect();
    codes.sort_by_key(|c| c.len());
    let mut out: Vec<String> = Vec::new();
    for code in codes {
        if !out.iter().any(|o| crate::domain::grid::is_within(&code, o)) {
            out.push(code);
        }
    }
    out
}

#[cfg(feature = "ssr")]
fn current_year(t: i64) -> i64 {
    crate::domain::time::format_local_date(t).get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026)
}

#[cfg(feature = "ssr")]
fn card_of(row: elders_repo::ElderRow, t: i64) -> ElderCard {
    let period_days = visit_period_days(row.every_days, row.heat_alert_every_days, row.heat_alert);
    ElderCard {
        person_id: row.person_id,
        name: row.full_name,
        age: row.birth_year.map(|y| current_year(t) - y),
        micro_grid: row.micro_grid,
        building: row.building,
        home: row.home,
        phone: row.phone,
        living_alone: row.living_alone,
        health_notes: row.health_notes,
        contact_name: row.contact_name,
        contact_phone: row.contact_phone,
        every_days: row.every_days,
        heat_alert_every_days: row.heat_alert_every_days,
        heat_alert: row.heat_alert,
        period_days,
        last_visit_age_secs: row.last_visit_at.map(|at| (t - at).max(0)),
        last_visit_at: row.last_visit_at,
        last_outcome: row.last_outcome.as_deref().and_then(VisitOutcome::parse),
        overdue: is_overdue(row.last_visit_at, t, period_days),
    }
}

/// The register of every area the viewer covers.
#[cfg(feature = "ssr")]
async fn register_of(pool: &sqlx::SqlitePool, user: &SessionUser, t: i64) -> Result<Vec<ElderCard>, AppError> {
    let mut elders = Vec::new();
    for area in staff_areas(user) {
        elders.extend(elders_repo::register_in(pool, &area).await?.into_iter().map(|row| card_of(row, t)));
    }
    Ok(elders)
}

/// The register of the viewer's area with overdue flags, the residents who may be added,
/// and the heat alerts the viewer may switch. Grid staff only.
#[server(endpoint = "elders_data")]
pub async fn elders_data() -> Result<EldersView, AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let t = now();
    let mut elders = register_of(&state.pool, &user, t).await?;
    // Overdue first, the longest unvisited first.
    elders.sort_by_key(|e| (!e.overdue, e.last_visit_age_secs.map(|a| -a).unwrap_or(i64::MIN)));
    let overdue = elders.iter().filter(|e| e.overdue).count();
    let year = current_year(t);
    let mut candidates = Vec::new();
    for area in staff_areas(&user) {
        for (person_id, name, birth_year, building) in elders_repo::candidates_in(&state.pool, &area, year - 60).await?
        {
            candidates.push(ElderCandidate { person_id, name, age: birth_year.map(|y| year - y), building });
        }
    }
    let mut heat_toggles = Vec::new();
    for scope in user.area_admin_scopes() {
        for (community_id, name, _, on) in elders_repo::communities_in(&state.pool, &scope.node_code).await? {
            if !heat_toggles.iter().any(|h: &HeatToggle| h.community_id == community_id) {
                heat_toggles.push(HeatToggle { community_id, name, on });
            }
        }
    }
    Ok(EldersView { elders, overdue, candidates, heat_toggles })
}

/// One elder of the register, for the staff covering their micro-grid.
#[server(endpoint = "elder_detail")]
pub async fn elder_detail(person: i64) -> Result<ElderCard, AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let mut conn = state.pool.acquire().await?;
    let row = elders_repo::elder(&mut conn, person).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&row.micro_grid_code) {
        return Err(AppError::Forbidden);
    }
    Ok(card_of(row, now()))
}

/// Elders due for a visit in the viewer's area, the longest unvisited first (home page).
#[server(endpoint = "overdue_visits")]
pub async fn overdue_visits() -> Result<Vec<OverdueVisit>, AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let mut due: Vec<OverdueVisit> = register_of(&state.pool, &user, now())
        .await?
        .into_iter()
        .filter(|e| e.overdue)
        .map(|e| OverdueVisit {
            person_id: e.person_id,
            name: e.name,
            building: e.building,
            micro_grid: e.micro_grid,
            period_days: e.period_days,
            last_visit_age_secs: e.last_visit_age_secs,
        })
        .collect();
    due.sort_by_key(|d| d.last_visit_age_secs.map(|a| -a).unwrap_or(i64::MIN));
    due.truncate(50);
    Ok(due)
}

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
    let mut field = |f: &str, msg: Msg| errors.push(FieldError { field: f.into(), msg });
    let health_notes = health_notes.trim().to_string();
    if health_notes.chars().count() > 1000 {
        field("health_notes", Msg::ErrTooLong);
    } else if crate::domain::text::has_control(&health_notes) {
        field("health_notes", Msg::ErrControlChars);
    }
    let contact_name = Some(contact_name.trim().to_string()).filter(|n| !n.is_empty());
    if contact_name.as_ref().is_some_and(|n| n.chars().count() > 40) {
        field("contact_name", Msg::ErrContactName);
    } else if contact_name.as_deref().is_some_and(crate::domain::text::has_control) {
        field("contact_name", Msg::ErrControlChars);
    }
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
        health_notes,
        contact_name,
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
    let state = ctx::state()?;
    let user = require_staff()?;
    let mut errors = Vec::new();
    let person = person.trim().parse::<i64>().ok();
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
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    let Some((micro_grid_id, code, birth_year)) = elders_repo::person_place(&mut tx, person).await? else {
        return Err(AppError::field("person", Msg::ErrChooseElder));
    };
    if !user.staff_scope_covers(&code) {
        drop(tx);
        return Err(ctx::refused(
            &state,
            &user,
            "add_elder",
            ("person", person),
            Some(micro_grid_id),
            AppError::Forbidden,
        )
        .await);
    }
    if birth_year.is_some_and(|y| current_year(t) - y < 60) {
        return Err(AppError::field("person", Msg::ErrElderTooYoung));
    }
    if !elders_repo::insert_elder(&mut tx, person, micro_grid_id, &fields.repo(), t).await? {
        return Err(AppError::Conflict(Msg::ErrAlreadyOnRegister));
    }
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "add_elder",
            object_kind: "elder_profile",
            object_id: Some(person),
            node_id: Some(micro_grid_id),
            after_json: Some(fields.audit_json()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    // No person id on the live channel: every signed-in viewer receives it.
    state.bus.publish(Topic::Notices, None);
    Ok(())
}

/// Edits an elder's notes, emergency contact and visit plan.
#[server(endpoint = "update_elder")]
pub async fn update_elder(
    person: i64,
    living_alone: Option<String>,
    health_notes: String,
    contact_name: String,
    contact_phone: String,
    every_days: String,
    heat_alert_every_days: String,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
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
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    let row = elders_repo::elder(&mut tx, person).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&row.micro_grid_code) {
        drop(tx);
        return Err(ctx::refused(
            &state,
            &user,
            "update_elder",
            ("elder_profile", person),
            Some(row.micro_grid_id),
            AppError::Forbidden,
        )
        .await);
    }
    if !elders_repo::update_elder(&mut tx, person, &fields.repo(), t).await? {
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
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "update_elder",
            object_kind: "elder_profile",
            object_id: Some(person),
            node_id: Some(row.micro_grid_id),
            before_json: Some(before.to_string()),
            after_json: Some(fields.audit_json()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    // No person id on the live channel: every signed-in viewer receives it.
    state.bus.publish(Topic::Notices, None);
    Ok(())
}

/// Logs a visit from the phone. 需要帮助 places an urgent 精准救助 order for the elder on
/// the board (代下单 by the visitor); 紧急 alerts the grid leaders of the micro-grid at once.
#[server(endpoint = "log_visit")]
pub async fn log_visit(elder: i64, outcome: String, note: String) -> Result<Option<i64>, AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let outcome =
        VisitOutcome::parse(outcome.trim()).ok_or_else(|| AppError::field("outcome", Msg::ErrChooseOutcome))?;
    let note = note.trim().to_string();
    if note.chars().count() > 1000 {
        return Err(AppError::field("note", Msg::ErrTooLong));
    }
    if crate::domain::text::has_control(&note) {
        return Err(AppError::field("note", Msg::ErrControlChars));
    }
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    let row = elders_repo::elder(&mut tx, elder).await?.ok_or(AppError::NotFound)?;
    if !user.staff_scope_covers(&row.micro_grid_code) {
        drop(tx);
        return Err(ctx::refused(
            &state,
            &user,
            "log_visit",
            ("elder_profile", elder),
            Some(row.micro_grid_id),
            AppError::Forbidden,
        )
        .await);
    }
    // A double tap within a minute logs once.
    if let Some((_, order)) =
        elders_repo::recent_same_visit(&mut tx, elder, user.account_id, outcome.as_str(), t - 60).await?
    {
        return Ok(order);
    }
    let zh = crate::i18n::Locale::Zh;
    let order_id = match outcome {
        VisitOutcome::NeedsHelp => {
            let key = format!("visit-{}", ctx::new_form_key());
            let new = orders_repo::NewOrder {
                requester_id: elder,
                placed_by: user.account_id,
                on_behalf: true,
                idempotency_key: &key,
                section: ServiceSection::TargetedAssistance.as_str(),
                title: Msg::VisitHelpOrderTitle.text(zh),
                // The board is public to the community; the visitor's note (health, where
                // the key is) stays on the staff-only visit log.
                description: Msg::VisitHelpOrderDescription.text(zh),
                urgency: Urgency::Urgent.as_str(),
                window_start: None,
                window_end: None,
                now: t,
            };
            let (id, _) =
                orders_repo::insert(&mut tx, &new).await?.ok_or(AppError::Conflict(Msg::ErrNoProfilePlace))?;
            orders_repo::add_event(&mut tx, id, None, OrderStatus::Open, user.account_id, EventNote::Words(""), t)
                .await?;
            Some(id)
        }
        _ => None,
    };
    let visit =
        elders_repo::insert_visit(&mut tx, elder, user.account_id, outcome.as_str(), &note, order_id, t).await?;
    let leaders = if outcome == VisitOutcome::Emergency {
        let leaders = crate::repo::sentiment_repo::staff_over(&mut tx, &row.micro_grid_code, &["grid_leader"]).await?;
        elders_repo::notify_accounts(
            &mut tx,
            &leaders,
            "elder_emergency",
            Msg::ElderEmergencyNotice.text(zh),
            "/admin/queue",
        )
        .await?;
        leaders.len()
    } else {
        0
    };
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "log_visit",
            object_kind: "visit_log",
            object_id: Some(visit),
            node_id: Some(row.micro_grid_id),
            after_json: Some(
                serde_json::json!({ "elder": elder, "outcome": outcome.as_str(), "order": order_id, "leaders_notified": leaders })
                    .to_string(),
            ),
            ..Default::default()
        },
    )
    .await?;
    if let Some(id) = order_id {
        audit_repo::record(
            &mut tx,
            AuditEntry {
                actor_id: Some(user.account_id),
                action: "place_order_on_behalf",
                object_kind: "service_order",
                object_id: Some(id),
                node_id: Some(row.micro_grid_id),
                after_json: Some(
                    serde_json::json!({ "section": "assistance", "urgency": "urgent", "requester": elder, "visit": visit })
                        .to_string(),
                ),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    if let Some(id) = order_id {
        state.bus.publish(Topic::Orders, Some(id));
    }
    // No person id on the live channel: every signed-in viewer receives it.
    state.bus.publish(Topic::Notices, None);
    // 需要帮助 placed an urgent order: the register says so and links to it.
    if let Some(id) = order_id {
        ctx::redirect_form(&format!("/elders?help_order={id}"));
    }
    Ok(order_id)
}

/// Switches the heat alert (高温预警) of a community: its community or subdistrict admins.
#[server(endpoint = "set_heat_alert")]
pub async fn set_heat_alert(community: i64, on: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let on = match on.trim() {
        "1" | "true" | "on" => true,
        "0" | "false" | "off" => false,
        _ => return Err(AppError::BadRequest),
    };
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    let (code, was_on) = elders_repo::community(&mut tx, community).await?.ok_or(AppError::NotFound)?;
    if !user.administers(&code) {
        drop(tx);
        return Err(ctx::refused(
            &state,
            &user,
            "set_heat_alert",
            ("grid_node", community),
            Some(community),
            AppError::Forbidden,
        )
        .await);
    }
    elders_repo::set_heat_alert(&mut tx, community, on, t).await?;
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action: "set_heat_alert",
            object_kind: "grid_node",
            object_id: Some(community),
            node_id: Some(community),
            before_json: Some(serde_json::json!({ "heat_alert": was_on }).to_string()),
            after_json: Some(serde_json::json!({ "heat_alert": on }).to_string()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(Topic::Notices, Some(community));
    Ok(())
}

/// A relative asks the grid to check on an elder (public: no account needed). The building
/// is matched to the grid to find the micro-grid; its grid leaders are told at once. A
/// building the grid does not know waits for sorting (待分拣) in the area the form was
/// reached from (`area`, a grid code from the link), else in the subdistrict the address
/// most likely lies in, seen only by that area's staff; an address that fits nowhere is
/// refused with a request to name the estate. Answers with the reference number and, for
/// plain forms, the confirmation page.
#[server(endpoint = "request_welfare_check")]
pub async fn request_welfare_check(
    elder_name: String,
    building: String,
    phone: String,
    note: String,
    area: Option<String>,
    #[server(default)] form_key: String,
) -> Result<i64, AppError> {
    let state = ctx::state()?;
    let parts = ctx::parts()?;
    let viewer = ctx::viewer();
    let form_key = ctx::form_key(&form_key)?;
    // A visitor's form is keyed under actor 0: its random key is all that ties it.
    let actor = viewer.user.as_ref().map_or(0, |u| u.account_id);
    let mut errors = Vec::new();
    let mut field = |f: &str, msg: Msg| errors.push(FieldError { field: f.into(), msg });
    let elder_name = elder_name.trim().to_string();
    if !(1..=40).contains(&elder_name.chars().count()) {
        field("elder_name", Msg::ErrElderName);
    } else if crate::domain::text::has_control(&elder_name) {
        field("elder_name", Msg::ErrControlChars);
    }
    let building = building.trim().to_string();
    if !(1..=100).contains(&building.chars().count()) {
        field("building", Msg::ErrBuildingNote);
    } else if crate::domain::text::has_control(&building) {
        field("building", Msg::ErrControlChars);
    }
    let phone = PhoneNumber::parse(&phone).ok();
    if phone.is_none() {
        field("phone", Msg::ErrPhoneMalformed);
    }
    let note = note.trim().to_string();
    if note.chars().count() > 500 {
        field("note", Msg::ErrTooLong);
    } else if crate::domain::text::has_control(&note) {
        field("note", Msg::ErrControlChars);
    }
    let (Some(phone), true) = (phone, errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    let ip = crate::auth::client_ip(&parts);
    let window = std::time::Duration::from_secs(600);
    let settings = &state.settings;
    let hour = std::time::Duration::from_secs(3600);
    if !state.limiter.check(&format!("welfare:phone:{}", phone.as_str()), settings.welfare_per_phone_per_hour, hour)
        || !state.limiter.check(&format!("welfare:ip:{ip}"), settings.welfare_per_ip_per_10_minutes, window)
    {
        tracing::warn!(phone = %phone, %ip, "welfare checks rate limited");
        return Err(AppError::RateLimited);
    }
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    if let Some(id) = form_keys_repo::seen(&mut tx, "request_welfare_check", actor, form_key.as_ref()).await? {
        leptos_axum::redirect(&format!("/welfare?ref={id}"));
        return Ok(id);
    }
    let mut micro_grid_id = elders_repo::match_building(&mut tx, &building).await?;
    let mut area_id = None;
    if micro_grid_id.is_none() {
        let from_link = match area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(code) => elders_repo::area_by_code(&mut tx, code).await?,
            None => None,
        };
        match from_link {
            Some((id, level)) if level == "micro_grid" => micro_grid_id = Some(id),
            Some((id, _)) => area_id = Some(id),
            None => area_id = elders_repo::guess_subdistrict(&mut tx, &building).await?,
        }
        if micro_grid_id.is_none() && area_id.is_none() {
            return Err(AppError::field("building", Msg::ErrWelfarePlaceUnknown));
        }
    }
    let id = elders_repo::insert_welfare(
        &mut tx,
        &elders_repo::NewWelfareCheck {
            micro_grid_id,
            area_id,
            elder_name: &elder_name,
            building_note: &building,
            requester_phone: phone.as_str(),
            note: &note,
            now: t,
        },
    )
    .await?;
    // The micro-grid's leaders, or for sorting the admins over the area it waits in.
    let (node, roles): (_, &[&str]) = match (micro_grid_id, area_id) {
        (Some(m), _) => (Some(m), &["grid_leader"]),
        (None, area) => (area, &["community_admin", "subdistrict_admin"]),
    };
    let leaders = match node {
        Some(n) => match elders_repo::node_code(&mut tx, n).await? {
            Some(code) => crate::repo::sentiment_repo::staff_over(&mut tx, &code, roles).await?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    form_keys_repo::remember(&mut tx, "request_welfare_check", actor, form_key.as_ref(), id, t).await?;
    let body = Msg::WelfareCheckNotice.text(crate::i18n::Locale::Zh);
    elders_repo::notify_accounts(&mut tx, &leaders, "welfare_check", body, "/admin/queue").await?;
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: viewer.user.as_ref().map(|u| u.account_id),
            action: "request_welfare_check",
            object_kind: "welfare_check",
            object_id: Some(id),
            node_id: micro_grid_id.or(area_id),
            detail: format!(
                "phone {}; matched {}; waits for sorting {}; staff notified {}",
                phone.masked(),
                micro_grid_id.is_some(),
                area_id.is_some(),
                leaders.len()
            ),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(Topic::Notices, Some(id));
    // The confirmation says who was reached: the grid leader, the community staff who sort
    // an address that matched no building, or (no staff on record) nobody yet.
    let reached = match (leaders.is_empty(), micro_grid_id.is_some()) {
        (true, _) => "nobody",
        (false, true) => "leader",
        (false, false) => "sorting",
    };
    leptos_axum::redirect(&format!("/welfare?ref={id}&reached={reached}"));
    Ok(id)
}

/// Whether the user may handle a welfare check: staff covering its micro-grid, or the
/// area it waits in for sorting. One placed nowhere (made before checks were routed) is
/// for subdistrict admins.
#[cfg(feature = "ssr")]
fn may_handle(user: &SessionUser, code: Option<&str>) -> bool {
    match code {
        Some(code) => user.staff_scope_covers(code),
        None => user.has_role(crate::domain::role::Role::SubdistrictAdmin),
    }
}

/// Emergencies from visits and open welfare checks of the viewer's area, for the top of
/// the queue. Grid staff only; carries the requesters' phones.
#[server(endpoint = "elder_alerts_data")]
pub async fn elder_alerts_data() -> Result<ElderAlerts, AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let t = now();
    let emergencies = elders_repo::open_emergencies(&state.pool, t - 7 * DAY)
        .await?
        .into_iter()
        .filter(|e| user.staff_scope_covers(&e.micro_grid_code))
        .map(|e| EmergencyCard {
            elder_id: e.elder_id,
            elder_name: e.elder_name,
            building: e.building,
            micro_grid: e.micro_grid,
            note: e.note,
            visitor: e.visitor,
            contact_name: e.contact_name,
            contact_phone: e.contact_phone,
            age_secs: (t - e.visited_at).max(0),
        })
        .collect();
    let welfare = elders_repo::welfare_not_done(&state.pool)
        .await?
        .into_iter()
        .filter(|w| may_handle(&user, w.micro_grid_code.as_deref()))
        .map(|w| WelfareCard {
            id: w.id,
            elder_name: w.elder_name,
            building_note: w.building_note,
            micro_grid: w.micro_grid,
            triage: w.triage,
            requester_phone: w.requester_phone,
            note: w.note,
            in_progress: w.status == "in_progress",
            handler: w.handler,
            age_secs: (t - w.created_at).max(0),
        })
        .collect();
    Ok(ElderAlerts { emergencies, welfare })
}

/// Moves a welfare check from one of `from` to `to`, with the checks, audit and live hint.
#[cfg(feature = "ssr")]
async fn move_welfare(id: i64, from: &[&str], to: &str, outcome_note: Option<String>) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let t = now();
    let mut tx = begin_immediate(&state.pool).await?;
    let (status, code, _, micro_grid_id) = elders_repo::welfare_facts(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let action = if to == "done" { "finish_welfare_check" } else { "start_welfare_check" };
    if !may_handle(&user, code.as_deref()) {
        drop(tx);
        return Err(
            ctx::refused(&state, &user, action, ("welfare_check", id), micro_grid_id, AppError::Forbidden).await
        );
    }
    if !from.contains(&status.as_str())
        || !elders_repo::move_welfare(&mut tx, id, &status, to, user.account_id, outcome_note.as_deref(), t).await?
    {
        drop(tx);
        return Err(ctx::refused(
            &state,
            &user,
            action,
            ("welfare_check", id),
            micro_grid_id,
            AppError::Conflict(Msg::ErrWelfareChanged),
        )
        .await);
    }
    audit_repo::record(
        &mut tx,
        AuditEntry {
            actor_id: Some(user.account_id),
            action,
            object_kind: "welfare_check",
            object_id: Some(id),
            node_id: micro_grid_id,
            before_json: Some(serde_json::json!({ "status": status }).to_string()),
            after_json: Some(serde_json::json!({ "status": to, "outcome_note": outcome_note }).to_string()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.bus.publish(Topic::Notices, Some(id));
    Ok(())
}

/// 我去看看: the staff member takes the welfare check (in progress, handled by them).
#[server(endpoint = "start_welfare_check")]
pub async fn start_welfare_check(id: i64) -> Result<(), AppError> {
    move_welfare(id, &["open"], "in_progress", None).await
}

/// 已确认平安 / 需要帮助: closes the welfare check with what was found.
#[server(endpoint = "finish_welfare_check")]
pub async fn finish_welfare_check(id: i64, outcome: String, note: String) -> Result<(), AppError> {
    let label = match VisitOutcome::parse(outcome.trim()) {
        Some(VisitOutcome::Safe) => Msg::WelfareConfirmedSafe,
        Some(VisitOutcome::NeedsHelp) => Msg::OutcomeNeedsHelp,
        _ => return Err(AppError::field("outcome", Msg::ErrChooseOutcome)),
    };
    let note = note.trim();
    if note.chars().count() > 400 {
        return Err(AppError::field("note", Msg::ErrTooLong));
    }
    if crate::domain::text::has_control(note) {
        return Err(AppError::field("note", Msg::ErrControlChars));
    }
    let label = label.text(crate::i18n::Locale::Zh);
    let outcome_note = if note.is_empty() { label.to_string() } else { format!("{label}：{note}") };
    move_welfare(id, &["open", "in_progress"], "done", Some(outcome_note)).await
}
