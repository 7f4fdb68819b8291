//! 1+1 pairings and the orders their schedules create.
use crate::domain::ids::{AccountId, OrderId, PersonId};
use crate::domain::order::{OrderStatus, ServiceSection};
use sqlx::{SqliteConnection, SqlitePool};

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut SqliteConnection,
    volunteer_id: PersonId,
    person_id: PersonId,
    section: ServiceSection,
    title: &str,
    weekday: i64,
    part: i64,
    created_by: AccountId,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO pairings (volunteer_id, person_id, section, title, weekday, part, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(volunteer_id)
    .bind(person_id)
    .bind(section)
    .bind(title)
    .bind(weekday)
    .bind(part)
    .bind(created_by)
    .fetch_optional(&mut *conn)
    .await
}

/// An active pairing, as the weekly schedule needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivePairing {
    pub id: i64,
    pub volunteer_id: PersonId,
    pub person_id: PersonId,
    pub section: ServiceSection,
    pub title: String,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: i64,
    /// 0 morning, 1 afternoon, 2 evening.
    pub part: i64,
}

pub async fn active(conn: &mut SqliteConnection) -> Result<Vec<ActivePairing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, volunteer_id, person_id, section, title, weekday, part FROM pairings WHERE ended_on IS NULL",
    )
    .fetch_all(&mut *conn)
    .await
}

/// Creates the paired order for one slot unless it exists; returns its id when new.
pub async fn create_slot_order(
    conn: &mut SqliteConnection,
    pairing: &ActivePairing,
    window_start: i64,
    now: i64,
) -> Result<Option<OrderId>, sqlx::Error> {
    let ActivePairing { id: pairing_id, volunteer_id: volunteer, person_id: person, section, title, .. } = pairing;
    let id: Option<OrderId> = sqlx::query_scalar(
        "INSERT INTO service_orders (requester_id, placed_by, on_behalf, section, title, urgency, window_start, window_end,
           micro_grid_id, building_id, room, contact_phone, status, taker_id, taken_at, pairing_id, created_at, updated_at)
         SELECT p.id, pr.created_by, 1, ?, ?, 'normal', ?, ? + 7200, p.micro_grid_id, p.building_id, coalesce(h.room, ''), p.phone,
                'taken', ?, ?, pr.id, ?, ?
         FROM pairings pr JOIN people p ON p.id = pr.person_id LEFT JOIN households h ON h.id = p.household_id
         WHERE pr.id = ? AND p.id = ? AND p.micro_grid_id IS NOT NULL AND pr.created_by IS NOT NULL
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(section)
    .bind(title)
    .bind(window_start)
    .bind(window_start)
    .bind(volunteer)
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(pairing_id)
    .bind(person)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        let note = crate::repo::orders_repo::EventNote::Words("结对");
        crate::repo::orders_repo::add_event(conn, id, None, OrderStatus::Taken, None, note, now).await?;
    }
    Ok(id)
}

/// Whether [`create_slot_order`] would create the order of this slot (a read, for the
/// periodic job): the pairing's person has a micro-grid, the pairing its creator, and the
/// slot no order yet.
pub async fn slot_missing(
    conn: &mut SqliteConnection,
    pairing: &ActivePairing,
    window_start: i64,
) -> Result<bool, sqlx::Error> {
    let ActivePairing { id: pairing_id, person_id: person, .. } = pairing;
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pairings pr JOIN people p ON p.id = pr.person_id
           WHERE pr.id = ?1 AND p.id = ?2 AND p.micro_grid_id IS NOT NULL AND pr.created_by IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM service_orders o WHERE o.pairing_id = pr.id AND o.window_start = ?3))",
    )
    .bind(pairing_id)
    .bind(person)
    .bind(window_start)
    .fetch_one(&mut *conn)
    .await
}

/// Pairings inside an area: (id, volunteer name, person name, section, title, weekday, part).
pub async fn in_area(
    pool: &SqlitePool,
    area: &str,
) -> Result<Vec<(i64, String, String, ServiceSection, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT pr.id, v.full_name, p.full_name, pr.section, pr.title, pr.weekday, pr.part
         FROM pairings pr JOIN people v ON v.id = pr.volunteer_id JOIN people p ON p.id = pr.person_id
         JOIN grid_nodes m ON m.id = p.micro_grid_id
         WHERE pr.ended_on IS NULL AND m.code GLOB ? || '*' ORDER BY pr.id",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}
