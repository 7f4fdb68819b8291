//! Service orders: placing, conditional transitions, details and events.
use crate::domain::ids::{AccountId, OrderId, PersonId};
use crate::domain::order::{LastStep, OrderFacts, OrderStatus, ServiceSection, TakenVia, TakerActivity, Urgency};
use sqlx::{SqliteConnection, SqlitePool};

/// A new order as validated by the server function.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    pub requester_id: PersonId,
    pub placed_by: AccountId,
    pub on_behalf: bool,
    pub idempotency_key: &'a str,
    pub section: ServiceSection,
    pub title: &'a str,
    pub description: &'a str,
    pub urgency: Urgency,
    pub window_start: Option<i64>,
    pub window_end: Option<i64>,
    pub now: i64,
}

/// Opens the order (with its first history line, by the placer) unless the same placer
/// already sent this idempotency key; returns the order id and whether it is new. The place
/// comes from the requester's profile. Every order a person opens comes through here; the
/// weekly orders of a standing pairing, opened already taken by the system, through
/// `pairings_repo::create_slot_order`.
pub async fn insert(conn: &mut SqliteConnection, o: &NewOrder<'_>) -> Result<Option<(OrderId, bool)>, sqlx::Error> {
    if let Some(id) =
        sqlx::query_scalar::<_, OrderId>("SELECT id FROM service_orders WHERE placed_by = ? AND idempotency_key = ?")
            .bind(o.placed_by)
            .bind(o.idempotency_key)
            .fetch_optional(&mut *conn)
            .await?
    {
        return Ok(Some((id, false)));
    }
    let id: Option<OrderId> = sqlx::query_scalar(
        "INSERT INTO service_orders (requester_id, placed_by, on_behalf, idempotency_key, section, title, description, urgency,
           window_start, window_end, micro_grid_id, building_id, room, contact_phone, created_at, updated_at)
         SELECT p.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, p.micro_grid_id, p.building_id, coalesce(h.room, ''),
                coalesce(p.phone, (SELECT a.phone FROM accounts a WHERE a.id = ?)), ?, ?
         FROM people p LEFT JOIN households h ON h.id = p.household_id
         WHERE p.id = ? AND p.micro_grid_id IS NOT NULL
         RETURNING id",
    )
    .bind(o.placed_by)
    .bind(o.on_behalf)
    .bind(o.idempotency_key)
    .bind(o.section)
    .bind(o.title)
    .bind(o.description)
    .bind(o.urgency)
    .bind(o.window_start)
    .bind(o.window_end)
    // A resident without a phone is reached through the staff member who placed it.
    .bind(o.placed_by)
    .bind(o.now)
    .bind(o.now)
    .bind(o.requester_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(None) };
    add_event(conn, id, None, OrderStatus::Open, Some(o.placed_by), EventNote::Words(""), o.now).await?;
    Ok(Some((id, true)))
}

/// What a history line says besides its step: the person's own words (a reason, or
/// nothing), or how the order was taken, which the page words in the reader's language.
#[derive(Debug, Clone, Copy)]
pub enum EventNote<'a> {
    Words(&'a str),
    Via(TakenVia),
}

pub async fn add_event(
    conn: &mut SqliteConnection,
    order_id: OrderId,
    from: Option<OrderStatus>,
    to: OrderStatus,
    actor: Option<AccountId>,
    note: EventNote<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let (note, via) = match note {
        EventNote::Words(words) => (words, None),
        EventNote::Via(via) => ("", Some(via)),
    };
    sqlx::query(
        "INSERT INTO order_events (order_id, from_status, to_status, actor_id, note, via, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(order_id)
    .bind(from)
    .bind(to)
    .bind(actor)
    .bind(note)
    .bind(via)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The takes of the last hour and the releases of the last day by one account, from the
/// order history (so the limits hold whichever server process answered). A booking of the
/// volunteer's offer is the resident's choice, so it is not one of their takes.
pub async fn taker_activity(
    conn: &mut SqliteConnection,
    account: AccountId,
    now: i64,
) -> Result<TakerActivity, sqlx::Error> {
    let (takes_last_hour, releases_last_day): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(CASE WHEN to_status = 'taken' AND at > ?2 AND coalesce(via, '') <> 'offer' THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN from_status = 'taken' AND to_status = 'open' THEN 1 ELSE 0 END), 0)
         FROM order_events WHERE actor_id = ?1 AND at > ?3",
    )
    .bind(account)
    .bind(now - 3_600)
    .bind(now - 86_400)
    .fetch_one(&mut *conn)
    .await?;
    Ok(TakerActivity { takes_last_hour, releases_last_day })
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    status: OrderStatus,
    requester_id: PersonId,
    placed_by: AccountId,
    taker_id: Option<PersonId>,
    taken_at: Option<i64>,
    area_code: String,
}

pub async fn facts(conn: &mut SqliteConnection, id: OrderId) -> Result<Option<OrderFacts>, sqlx::Error> {
    let row: Option<FactsRow> = sqlx::query_as(
        "SELECT o.status, o.requester_id, o.placed_by, o.taker_id, o.taken_at, m.code AS area_code
         FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id WHERE o.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| OrderFacts {
        status: r.status,
        requester_id: r.requester_id,
        placed_by: r.placed_by,
        taker_id: r.taker_id,
        taken_at: r.taken_at,
        area_code: r.area_code,
    }))
}

/// The newest step of the order's history.
pub async fn last_step(conn: &mut SqliteConnection, id: OrderId) -> Result<Option<LastStep>, sqlx::Error> {
    let row: Option<(Option<OrderStatus>, OrderStatus, Option<AccountId>)> = sqlx::query_as(
        "SELECT from_status, to_status, actor_id FROM order_events WHERE order_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|(from, to, actor)| Some(LastStep { from, to, actor: actor? })))
}

/// What a transition writes besides the status.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    Take { taker: PersonId },
    Release,
    Start,
    Finish { minutes: i64 },
    Confirm { rating: i64, comment: &'a str },
    Dispute,
    Cancel,
}

/// Moves the order from `from` to `to` only if it is still in `from` (and, for the
/// taker's steps, still theirs). Returns false when someone else changed it first.
pub async fn transition(
    conn: &mut SqliteConnection,
    id: OrderId,
    from: OrderStatus,
    to: OrderStatus,
    change: Change<'_>,
    taker_check: Option<PersonId>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (set, taker, number, text): (&str, Option<PersonId>, Option<i64>, Option<&str>) = match change {
        Change::Take { taker } => {
            ("taker_id = ?3, taken_at = ?1, escalated_at = NULL, escalation_reason = NULL", Some(taker), None, None)
        }
        Change::Release => ("taker_id = NULL, taken_at = NULL", None, None, None),
        Change::Start => ("started_at = ?1", None, None, None),
        Change::Finish { minutes } => ("finished_at = ?1, minutes_spent = ?4", None, Some(minutes), None),
        Change::Confirm { rating, comment } => {
            ("confirmed_at = ?1, rating = ?4, rating_comment = ?5", None, Some(rating), Some(comment))
        }
        Change::Dispute => ("disputed = 1", None, None, None),
        Change::Cancel => ("cancelled_at = ?1", None, None, None),
    };
    let sql = format!(
        "UPDATE service_orders SET status = ?2, {set}, version = version + 1, updated_at = ?1
         WHERE id = ?6 AND status = ?7 AND (?8 IS NULL OR taker_id = ?8)"
    );
    // The taker's own steps also require that the order is still theirs.
    let holder = match change {
        Change::Release | Change::Start | Change::Finish { .. } => taker_check,
        _ => None,
    };
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(to)
        .bind(taker)
        .bind(number)
        .bind(text)
        .bind(id)
        .bind(from)
        .bind(holder)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// An order with everything a page may show; contact fields are cleared by the caller
/// for viewers who may not see them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DetailRow {
    pub id: OrderId,
    pub section: ServiceSection,
    pub title: String,
    pub description: String,
    pub urgency: Urgency,
    pub status: OrderStatus,
    pub window_start: Option<i64>,
    pub window_end: Option<i64>,
    pub created_at: i64,
    pub requester_name: String,
    pub building: Option<String>,
    pub micro_grid: String,
    pub room: String,
    pub contact_phone: Option<String>,
    pub taker_name: Option<String>,
    /// The taker shows the 党员 badge (their own choice).
    pub taker_party: bool,
    pub minutes_spent: Option<i64>,
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    pub on_behalf: bool,
    pub disputed: bool,
    pub escalation_reason: Option<String>,
}

pub async fn detail(pool: &SqlitePool, id: OrderId) -> Result<Option<DetailRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.section, o.title, o.description, o.urgency, o.status, o.window_start, o.window_end, o.created_at,
                p.full_name AS requester_name, b.name AS building, m.name AS micro_grid, o.room, o.contact_phone,
                t.full_name AS taker_name, coalesce(t.party_member, 0) AS taker_party, o.minutes_spent, o.rating, o.rating_comment, o.on_behalf, o.disputed, o.escalation_reason
         FROM service_orders o JOIN people p ON p.id = o.requester_id JOIN grid_nodes m ON m.id = o.micro_grid_id
         LEFT JOIN grid_nodes b ON b.id = o.building_id LEFT JOIN people t ON t.id = o.taker_id
         WHERE o.id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// How the requester reaches the order's taker: (taker's name, their number if they agreed
/// to share it, the nearest station above the order's micro-grid and its number).
pub async fn taker_contact(
    pool: &SqlitePool,
    id: OrderId,
) -> Result<Option<(String, Option<String>, Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.full_name, CASE WHEN v.shares_phone = 1 THEN t.phone END,
                (SELECT s.name FROM stations s JOIN grid_nodes n ON n.id = s.node_id
                 WHERE m.code GLOB n.code || '*' ORDER BY length(n.code) DESC, s.id LIMIT 1),
                (SELECT s.phone FROM stations s JOIN grid_nodes n ON n.id = s.node_id
                 WHERE m.code GLOB n.code || '*' ORDER BY length(n.code) DESC, s.id LIMIT 1)
         FROM service_orders o JOIN people t ON t.id = o.taker_id JOIN grid_nodes m ON m.id = o.micro_grid_id
         LEFT JOIN volunteer_profiles v ON v.person_id = t.id
         WHERE o.id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The order's history: (status, actor name, note, how it was taken, at).
pub async fn events(
    pool: &SqlitePool,
    id: OrderId,
) -> Result<Vec<(OrderStatus, Option<String>, String, Option<TakenVia>, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.to_status, p.full_name, e.note, e.via, e.at FROM order_events e
         LEFT JOIN accounts a ON a.id = e.actor_id LEFT JOIN people p ON p.id = a.person_id
         WHERE e.order_id = ? ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}

/// The person with an account for this phone, for 代下单.
pub async fn person_by_phone(
    conn: &mut SqliteConnection,
    phone: &str,
) -> Result<Option<(PersonId, String)>, sqlx::Error> {
    sqlx::query_as("SELECT p.id, m.code FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id WHERE p.phone = ?")
        .bind(phone)
        .fetch_optional(&mut *conn)
        .await
}

/// One of a person's own orders, for their list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MineRow {
    pub id: OrderId,
    pub title: String,
    pub section: ServiceSection,
    pub status: OrderStatus,
    pub urgency: Urgency,
    pub updated_at: i64,
    /// Whether the person holds it as the taker (else they asked for it or placed it).
    pub is_taker: bool,
    pub taker_name: Option<String>,
    pub building: Option<String>,
}

/// Orders the person asked for, placed for someone (代下单) or holds as the taker: the
/// unfinished ones all, then the newest `finished` finished ones of each side; newest
/// change first.
pub async fn mine(
    pool: &SqlitePool,
    person_id: PersonId,
    account_id: AccountId,
    finished: i64,
) -> Result<Vec<MineRow>, sqlx::Error> {
    // One indexed lookup per side instead of an OR that scans the table.
    sqlx::query_as(
        "WITH ids AS (
           SELECT id FROM service_orders WHERE requester_id = ?1
           UNION SELECT id FROM service_orders WHERE placed_by = ?2
           UNION SELECT id FROM service_orders WHERE taker_id = ?1
         ), ranked AS (
           SELECT o.*, row_number() OVER (
             PARTITION BY o.status IN ('completed', 'cancelled'), coalesce(o.taker_id = ?1, 0)
             ORDER BY o.updated_at DESC, o.id DESC) AS n
           FROM service_orders o JOIN ids ON ids.id = o.id
         )
         SELECT r.id, r.title, r.section, r.status, r.urgency, r.updated_at,
                coalesce(r.taker_id = ?1, 0) AS is_taker, t.full_name AS taker_name, b.name AS building
         FROM ranked r LEFT JOIN people t ON t.id = r.taker_id LEFT JOIN grid_nodes b ON b.id = r.building_id
         WHERE r.status NOT IN ('completed', 'cancelled') OR r.n <= ?3
         ORDER BY r.updated_at DESC, r.id DESC",
    )
    .bind(person_id)
    .bind(account_id)
    .bind(finished)
    .fetch_all(pool)
    .await
}

/// Open orders not escalated yet that nobody took within their community's limit (?1:
/// now). The limit counts from when the order last became open (`updated_at`: placed or
/// released).
const OVERDUE_OPEN: &str = "status = 'open' AND escalated_at IS NULL AND updated_at <= ?1 - 60 * coalesce(
   (SELECT CASE WHEN service_orders.urgency = 'urgent' THEN cs.urgent_limit_minutes ELSE cs.normal_limit_minutes END
    FROM grid_nodes m JOIN grid_nodes g ON g.id = m.parent_id JOIN community_settings cs ON cs.node_id = g.parent_id
    WHERE m.id = service_orders.micro_grid_id),
   CASE WHEN service_orders.urgency = 'urgent' THEN 30 ELSE 1440 END)";

/// Marks open orders past their community's limit as escalated; returns how many.
pub async fn escalate_overdue(conn: &mut SqliteConnection, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE service_orders SET escalated_at = ?1, escalation_reason = 'timeout' WHERE {OVERDUE_OPEN}"
    )))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Whether [`escalate_overdue`] would escalate anything (a read, for the periodic job).
pub async fn any_overdue(conn: &mut SqliteConnection, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT EXISTS (SELECT 1 FROM service_orders WHERE {OVERDUE_OPEN})"
    )))
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// Escalated open orders inside an area: (order, area code, window start, escalation reason).
pub async fn escalated_in(
    pool: &SqlitePool,
    area: &str,
) -> Result<Vec<(super::board_repo::PublicOrderRow, String, Option<i64>, String)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        order: super::board_repo::PublicOrderRow,
        code: String,
        window_start: Option<i64>,
        escalation_reason: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.id, o.section, o.title, o.urgency, o.created_at, b.name AS building, p.full_name AS requester_name,
                m.code, o.window_start, o.escalation_reason
         FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id JOIN people p ON p.id = o.requester_id
         LEFT JOIN grid_nodes b ON b.id = o.building_id
         WHERE o.status = 'open' AND o.escalated_at IS NOT NULL AND m.code GLOB ? || '*'
         ORDER BY o.urgency = 'urgent' DESC, o.created_at LIMIT 100",
    )
    .bind(area)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.order, r.code, r.window_start, r.escalation_reason)).collect())
}

/// A volunteer for matching, with their name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VolunteerRow {
    pub person_id: PersonId,
    pub full_name: String,
    pub code: String,
    pub skills: Option<String>,
    pub availability: i64,
    pub open_load: i64,
    pub avg_rating: Option<f64>,
}

/// The columns of a `VolunteerRow`, for `volunteer_profiles v`.
const VOLUNTEER_COLUMNS: &str = "v.person_id, p.full_name, m.code,
    (SELECT group_concat(section) FROM volunteer_skills s WHERE s.person_id = v.person_id) AS skills,
    v.availability,
    (SELECT count(*) FROM service_orders o WHERE o.taker_id = v.person_id AND o.status IN ('taken', 'in_service')) AS open_load,
    (SELECT avg(rating) FROM service_orders o WHERE o.taker_id = v.person_id AND o.status = 'completed') AS avg_rating
    FROM volunteer_profiles v JOIN people p ON p.id = v.person_id JOIN grid_nodes m ON m.id = v.service_node_id";

impl VolunteerRow {
    /// What the matching needs to know about this volunteer.
    pub fn facts(&self) -> crate::domain::matching::VolunteerFacts {
        crate::domain::matching::VolunteerFacts {
            person_id: self.person_id,
            area_code: self.code.clone(),
            skills: self.skills.as_deref().unwrap_or("").split(',').filter_map(ServiceSection::parse).collect(),
            availability: self.availability as u32,
            open_load: self.open_load as u32,
            avg_rating: self.avg_rating,
        }
    }
}

pub async fn volunteers_in(pool: &SqlitePool, community: &str) -> Result<Vec<VolunteerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {VOLUNTEER_COLUMNS} WHERE m.code GLOB ? || '*'")))
        .bind(community)
        .fetch_all(pool)
        .await
}

pub async fn volunteer(pool: &SqlitePool, person_id: PersonId) -> Result<Option<VolunteerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {VOLUNTEER_COLUMNS} WHERE v.person_id = ?")))
        .bind(person_id)
        .fetch_optional(pool)
        .await
}

/// The code of the volunteer's service area, if they are a volunteer.
pub async fn volunteer_area(conn: &mut SqliteConnection, person_id: PersonId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT m.code FROM volunteer_profiles v JOIN grid_nodes m ON m.id = v.service_node_id WHERE v.person_id = ?",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn insert_dispatch(
    conn: &mut SqliteConnection,
    order_id: OrderId,
    volunteer_id: PersonId,
    by: AccountId,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO order_dispatches (order_id, volunteer_id, dispatched_by, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(order_id)
    .bind(volunteer_id)
    .bind(by)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
}

/// A pending dispatch addressed to the person: (order id).
pub async fn pending_dispatch(
    conn: &mut SqliteConnection,
    dispatch_id: i64,
    person_id: PersonId,
) -> Result<Option<OrderId>, sqlx::Error> {
    sqlx::query_scalar("SELECT order_id FROM order_dispatches WHERE id = ? AND volunteer_id = ? AND response IS NULL")
        .bind(dispatch_id)
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await
}

pub async fn answer_dispatch(
    conn: &mut SqliteConnection,
    dispatch_id: i64,
    accepted: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE order_dispatches SET response = ?, responded_at = ? WHERE id = ? AND response IS NULL")
        .bind(if accepted { "accepted" } else { "declined" })
        .bind(now)
        .bind(dispatch_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Pending dispatches for a volunteer whose orders are still open: (dispatch id, order row).
pub async fn dispatches_for(
    pool: &SqlitePool,
    person_id: PersonId,
) -> Result<Vec<(i64, super::board_repo::PublicOrderRow)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        dispatch_id: i64,
        #[sqlx(flatten)]
        order: super::board_repo::PublicOrderRow,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id AS dispatch_id, o.id, o.section, o.title, o.urgency, o.created_at, b.name AS building, p.full_name AS requester_name
         FROM order_dispatches d JOIN service_orders o ON o.id = d.order_id JOIN people p ON p.id = o.requester_id
         LEFT JOIN grid_nodes b ON b.id = o.building_id
         WHERE d.volunteer_id = ? AND d.response IS NULL AND o.status = 'open' ORDER BY d.created_at DESC",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.dispatch_id, r.order)).collect())
}

/// An offer (我帮忙) with its volunteer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferRow {
    pub id: i64,
    pub volunteer_id: PersonId,
    pub volunteer_name: String,
    pub section: ServiceSection,
    pub title: String,
    pub description: String,
    pub schedule: String,
    pub area: String,
}

/// Active offers whose volunteers serve inside `area` (a community code).
pub async fn offers_in(pool: &SqlitePool, area: &str) -> Result<Vec<OfferRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.volunteer_id, p.full_name AS volunteer_name, f.section, f.title, f.description, f.schedule, n.name AS area
         FROM offers f JOIN people p ON p.id = f.volunteer_id JOIN grid_nodes n ON n.id = f.node_id
         WHERE f.active = 1 AND n.code GLOB ? || '*' ORDER BY f.created_at DESC LIMIT 100",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

pub async fn offer(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(PersonId, ServiceSection, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.volunteer_id, f.section, f.title, n.code FROM offers f JOIN grid_nodes n ON n.id = f.node_id WHERE f.id = ? AND f.active = 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn insert_offer(
    conn: &mut SqliteConnection,
    volunteer_id: PersonId,
    section: ServiceSection,
    title: &str,
    description: &str,
    schedule: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO offers (volunteer_id, section, title, description, schedule, node_id)
         SELECT person_id, ?, ?, ?, ?, service_node_id FROM volunteer_profiles WHERE person_id = ? AND service_node_id IS NOT NULL
         RETURNING id",
    )
    .bind(section)
    .bind(title)
    .bind(description)
    .bind(schedule)
    .bind(volunteer_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Pairs a just-placed order with the offer's volunteer (booking an offer).
pub async fn pair_with_offer(
    conn: &mut SqliteConnection,
    order_id: OrderId,
    offer_id: i64,
    volunteer_id: PersonId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE service_orders SET status = 'taken', taker_id = ?, offer_id = ?, taken_at = ?, version = version + 1, updated_at = ?
         WHERE id = ? AND status = 'open'",
    )
    .bind(volunteer_id)
    .bind(offer_id)
    .bind(now)
    .bind(now)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Orders the resident disputed that are not finished yet, inside an area.
pub async fn disputed_in(pool: &SqlitePool, area: &str) -> Result<Vec<super::board_repo::PublicOrderRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.section, o.title, o.urgency, o.created_at, b.name AS building, p.full_name AS requester_name
         FROM service_orders o JOIN grid_nodes m ON m.id = o.micro_grid_id JOIN people p ON p.id = o.requester_id
         LEFT JOIN grid_nodes b ON b.id = o.building_id
         WHERE o.disputed = 1 AND o.status IN ('in_service', 'awaiting_confirmation') AND m.code GLOB ? || '*'
         ORDER BY o.updated_at DESC LIMIT 100",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

/// Dispatches still waiting for the volunteer's answer, of the open orders in `area`:
/// (order id, volunteer's name, sent at), one query for a whole queue.
pub async fn pending_dispatches_in(pool: &SqlitePool, area: &str) -> Result<Vec<(OrderId, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.order_id, p.full_name, d.created_at FROM order_dispatches d
         JOIN service_orders o ON o.id = d.order_id JOIN grid_nodes m ON m.id = o.micro_grid_id
         JOIN people p ON p.id = d.volunteer_id
         WHERE m.code GLOB ?1 || '*' AND o.status = 'open' AND d.response IS NULL ORDER BY d.id",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

/// The accounts whose own pages show order `id`: its requester's, its taker's, those of the
/// volunteers it was sent to, and whoever acted on it last (a volunteer who just let it go).
pub async fn accounts_concerned(conn: &mut SqliteConnection, id: OrderId) -> Result<Vec<AccountId>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.id FROM service_orders o JOIN accounts a ON a.person_id IN (o.requester_id, o.taker_id) WHERE o.id = ?1
         UNION SELECT a.id FROM order_dispatches d JOIN accounts a ON a.person_id = d.volunteer_id WHERE d.order_id = ?1
         UNION SELECT actor_id FROM (SELECT actor_id FROM order_events WHERE order_id = ?1 ORDER BY id DESC LIMIT 1)
               WHERE actor_id IS NOT NULL",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::db::assert_stored_as_text;

    /// Rows decode into the order enums only if sqlx spells each value as `as_str` does
    /// (the spelling the CHECKs allow); a spelling they do not know is an error.
    #[tokio::test]
    async fn order_enums_are_read_and_written_as_stored() {
        assert_stored_as_text(OrderStatus::ALL, OrderStatus::as_str).await;
        assert_stored_as_text(ServiceSection::ALL, ServiceSection::as_str).await;
        assert_stored_as_text([Urgency::Normal, Urgency::Urgent], Urgency::as_str).await;
        assert_stored_as_text([TakenVia::Offer, TakenVia::Dispatch], TakenVia::as_str).await;
    }
}
