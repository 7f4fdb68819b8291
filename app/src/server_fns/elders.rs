//! 独居老人关爱: the register of vulnerable residents, visit logs from the phone, the
//! community's heat alert, and welfare checks that relatives ask for without an account.
//! This module holds what the register shows; `register` changes the register (elders,
//! their plans, the heat alert), `welfare` the care itself (visits, welfare checks and the
//! alerts at the top of the queue).
use crate::domain::elder::VisitOutcome;
use crate::domain::ids::{NodeId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

mod register;
mod welfare;

pub use register::*;
pub use welfare::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    super::write::Writer,
    crate::domain::elder::{is_overdue, visit_period_days},
    crate::repo::{elders_repo, now},
    crate::session::SessionUser,
};

/// One elder on the register, as grid staff see them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ElderCard {
    pub person_id: PersonId,
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
    /// A fingerprint of what the card shows, apart from the age of the last visit that grows
    /// by the second: the register keys its rows on it, so a row is drawn anew only when its
    /// own elder changed (an edit form opened or typed in stays as it is otherwise), and a
    /// row moves with its elder when the list re-sorts. The visit note is not the row's to
    /// keep: `VisitNotes` on the page carries it across the redraws that do happen.
    pub fn revision(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ElderCard { last_visit_age_secs: None, ..self.clone() }.hash(&mut h);
        h.finish()
    }
}

/// A resident of the viewer's area who may be added to the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElderCandidate {
    pub person_id: PersonId,
    pub name: String,
    pub age: Option<i64>,
    pub building: Option<String>,
}

/// A community whose heat alert the viewer may switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatToggle {
    pub community_id: NodeId,
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
    pub person_id: PersonId,
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
    pub elder_id: PersonId,
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

/// The writer of a change only grid staff make.
#[cfg(feature = "ssr")]
fn staff_writer() -> Result<(Writer, SessionUser), AppError> {
    let (w, user) = Writer::signed_in()?;
    if !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    Ok((w, user))
}

/// Grid staff see and care for the elders of the area they cover, and nobody else's.
#[cfg(feature = "ssr")]
fn require_cover(user: &SessionUser, code: &str) -> Result<(), AppError> {
    if user.staff_scope_covers(code) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
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
pub async fn elder_detail(person: PersonId) -> Result<ElderCard, AppError> {
    let state = ctx::state()?;
    let user = require_staff()?;
    let mut conn = state.pool.acquire().await?;
    let row = elders_repo::elder(&mut conn, person).await?.ok_or(AppError::NotFound)?;
    require_cover(&user, &row.micro_grid_code)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_keeps_its_revision_as_time_passes_and_changes_it_when_its_elder_does() {
        let card = ElderCard {
            person_id: PersonId(7),
            name: "王秀英".into(),
            age: Some(82),
            micro_grid: "1-1".into(),
            building: Some("3号楼".into()),
            home: None,
            phone: None,
            living_alone: true,
            health_notes: String::new(),
            contact_name: None,
            contact_phone: None,
            every_days: 7,
            heat_alert_every_days: 1,
            heat_alert: false,
            period_days: 7,
            last_visit_age_secs: Some(60),
            last_visit_at: Some(1_000),
            last_outcome: Some(VisitOutcome::Safe),
            overdue: false,
        };
        let older = ElderCard { last_visit_age_secs: Some(3_600), ..card.clone() };
        assert_eq!(older.revision(), card.revision());
        let visited = ElderCard { last_visit_at: Some(2_000), last_visit_age_secs: Some(0), ..card.clone() };
        assert_ne!(visited.revision(), card.revision());
        let edited = ElderCard { health_notes: "高血压".into(), ..card.clone() };
        assert_ne!(edited.revision(), card.revision());
    }
}
