//! 独居老人关爱: the register of vulnerable residents, visit plans and logs, the
//! community's heat alert, and welfare checks asked for by relatives.
use crate::domain::ids::{AccountId, NodeId, OrderId, PersonId};
use sqlx::{SqliteConnection, SqlitePool};

/// An elder on the register with their plan, their community's heat alert and their
/// latest visit. Contact fields are for grid staff only.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ElderRow {
    pub person_id: PersonId,
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub micro_grid_id: NodeId,
    pub micro_grid: String,
    pub micro_grid_code: String,
    pub building: Option<String>,
    /// Unit and room, "1单元 302", for the visitor at the door.
    pub home: Option<String>,
    pub phone: Option<String>,
    pub living_alone: bool,
    pub health_notes: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub every_days: i64,
    pub heat_alert_every_days: i64,
    pub heat_alert: bool,
    pub last_visit_at: Option<i64>,
    pub last_outcome: Option<String>,
}

/// The columns of an `ElderRow`; the community of a micro-grid is the node whose code
/// is the first twelve digits of the micro-grid's code.
const ELDER_SELECT: &str = "SELECT e.person_id, p.full_name, p.birth_year, e.micro_grid_id, m.name AS micro_grid,
        m.code AS micro_grid_code, b.name AS building, u.name || ' ' || h.room AS home, p.phone,
        e.living_alone, e.health_notes,
        e.emergency_contact_name AS contact_name, e.emergency_contact_phone AS contact_phone,
        coalesce(vp.every_days, 7) AS every_days, coalesce(vp.heat_alert_every_days, 1) AS heat_alert_every_days,
        coalesce(cs.heat_alert, 0) AS heat_alert,
        (SELECT max(v.visited_at) FROM visit_logs v WHERE v.elder_id = e.person_id) AS last_visit_at,
        (SELECT v.outcome FROM visit_logs v WHERE v.elder_id = e.person_id ORDER BY v.visited_at DESC, v.id DESC LIMIT 1)
          AS last_outcome
     FROM elder_profiles e JOIN people p ON p.id = e.person_id JOIN grid_nodes m ON m.id = e.micro_grid_id
     LEFT JOIN grid_nodes b ON b.id = p.building_id LEFT JOIN visit_plans vp ON vp.elder_id = e.person_id
     LEFT JOIN households h ON h.id = p.household_id LEFT JOIN grid_nodes u ON u.id = h.node_id
     LEFT JOIN grid_nodes c ON c.code = substr(m.code, 1, 12) LEFT JOIN community_settings cs ON cs.node_id = c.id";

/// The register of an area (a node code), by micro-grid and name.
pub async fn register_in(pool: &SqlitePool, area: &str) -> Result<Vec<ElderRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ELDER_SELECT} WHERE m.code >= ?1 AND m.code < ?1 || ':' ORDER BY m.code, p.full_name, e.person_id LIMIT 1000"
    )))
    .bind(area)
    .fetch_all(pool)
    .await
}

pub async fn elder(conn: &mut SqliteConnection, person_id: PersonId) -> Result<Option<ElderRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{ELDER_SELECT} WHERE e.person_id = ?")))
        .bind(person_id)
        .fetch_optional(&mut *conn)
        .await
}

/// Residents of an area born in `max_birth_year` or earlier who are not on the register
/// yet: (person id, name, birth year, building).
pub async fn candidates_in(
    pool: &SqlitePool,
    area: &str,
    max_birth_year: i64,
) -> Result<Vec<(PersonId, String, Option<i64>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.full_name, p.birth_year, b.name FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
         LEFT JOIN grid_nodes b ON b.id = p.building_id
         WHERE m.code >= ?1 AND m.code < ?1 || ':' AND p.birth_year <= ?2
           AND NOT EXISTS (SELECT 1 FROM elder_profiles e WHERE e.person_id = p.id)
         ORDER BY p.birth_year, p.full_name LIMIT 200",
    )
    .bind(area)
    .bind(max_birth_year)
    .fetch_all(pool)
    .await
}

/// Where a person lives: (micro-grid id, micro-grid code, birth year).
pub async fn person_place(
    conn: &mut SqliteConnection,
    person_id: PersonId,
) -> Result<Option<(NodeId, String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.code, p.birth_year FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id WHERE p.id = ?",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await
}

/// The register fields a staff member edits.
#[derive(Debug, Clone)]
pub struct ElderFields<'a> {
    pub living_alone: bool,
    pub health_notes: &'a str,
    pub contact_name: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
    pub every_days: i64,
    pub heat_alert_every_days: i64,
}

/// Adds a person to the register with a visit plan; false when already on it.
pub async fn insert_elder(
    conn: &mut SqliteConnection,
    person_id: PersonId,
    micro_grid_id: NodeId,
    f: &ElderFields<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone, health_notes, emergency_contact_name,
           emergency_contact_phone, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO NOTHING",
    )
    .bind(person_id)
    .bind(micro_grid_id)
    .bind(f.living_alone)
    .bind(f.health_notes)
    .bind(f.contact_name)
    .bind(f.contact_phone)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    upsert_plan(conn, person_id, f.every_days, f.heat_alert_every_days, now).await?;
    Ok(true)
}

async fn upsert_plan(
    conn: &mut SqliteConnection,
    person_id: PersonId,
    every_days: i64,
    heat_alert_every_days: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO visit_plans (elder_id, every_days, heat_alert_every_days, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (elder_id) DO UPDATE SET every_days = excluded.every_days,
           heat_alert_every_days = excluded.heat_alert_every_days",
    )
    .bind(person_id)
    .bind(every_days)
    .bind(heat_alert_every_days)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Updates an elder's notes, contact and plan; false when not on the register.
pub async fn update_elder(
    conn: &mut SqliteConnection,
    person_id: PersonId,
    f: &ElderFields<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE elder_profiles SET living_alone = ?, health_notes = ?, emergency_contact_name = ?,
           emergency_contact_phone = ?, updated_at = ? WHERE person_id = ?",
    )
    .bind(f.living_alone)
    .bind(f.health_notes)
    .bind(f.contact_name)
    .bind(f.contact_phone)
    .bind(now)
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    upsert_plan(conn, person_id, f.every_days, f.heat_alert_every_days, now).await?;
    Ok(true)
}

/// The same visitor's log of the same outcome for the elder since `since` (a double tap):
/// (visit id, the order it placed).
pub async fn recent_same_visit(
    conn: &mut SqliteConnection,
    elder_id: PersonId,
    visitor: AccountId,
    outcome: &str,
    since: i64,
) -> Result<Option<(i64, Option<OrderId>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, order_id FROM visit_logs WHERE elder_id = ? AND visitor_id = ? AND outcome = ? AND visited_at >= ?
         ORDER BY id DESC LIMIT 1",
    )
    .bind(elder_id)
    .bind(visitor)
    .bind(outcome)
    .bind(since)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn insert_visit(
    conn: &mut SqliteConnection,
    elder_id: PersonId,
    visitor: AccountId,
    outcome: &str,
    note: &str,
    order_id: Option<OrderId>,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO visit_logs (elder_id, visitor_id, outcome, note, order_id, visited_at) VALUES (?, ?, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(elder_id)
    .bind(visitor)
    .bind(outcome)
    .bind(note)
    .bind(order_id)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
}

/// Communities inside an area: (id, name, code, heat alert on).
pub async fn communities_in(pool: &SqlitePool, area: &str) -> Result<Vec<(NodeId, String, String, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, c.code, coalesce(cs.heat_alert, 0) FROM grid_nodes c
         LEFT JOIN community_settings cs ON cs.node_id = c.id
         WHERE c.level = 'community' AND c.code >= ?1 AND c.code < ?1 || ':' ORDER BY c.code LIMIT 200",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

/// A community node: (code, heat alert on); None when the id is no community.
pub async fn community(conn: &mut SqliteConnection, id: NodeId) -> Result<Option<(String, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.code, coalesce(cs.heat_alert, 0) FROM grid_nodes c LEFT JOIN community_settings cs ON cs.node_id = c.id
         WHERE c.id = ? AND c.level = 'community'",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// Switches the community's heat alert, creating its settings row if missing.
pub async fn set_heat_alert(
    conn: &mut SqliteConnection,
    community: NodeId,
    on: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO community_settings (node_id, heat_alert, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (node_id) DO UPDATE SET heat_alert = excluded.heat_alert, updated_at = excluded.updated_at",
    )
    .bind(community)
    .bind(on)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The subdistrict an address typed in free text most likely lies in, when its building is
/// not in the grid: the one whose buildings' estate names ("幸福锦园" of "幸福锦园4号楼")
/// appear in the text, the longest such name deciding. None when no estate or more than
/// one subdistrict fits.
pub async fn guess_subdistrict(conn: &mut SqliteConnection, text: &str) -> Result<Option<NodeId>, sqlx::Error> {
    let buildings: Vec<(String, String)> = sqlx::query_as(
        "SELECT b.name, b.code FROM grid_nodes b WHERE b.level = 'building' AND instr(?, substr(b.name, 1, 2)) > 0",
    )
    .bind(text)
    .fetch_all(&mut *conn)
    .await?;
    let mut best: Option<(usize, String)> = None;
    let mut tied = false;
    for (name, code) in &buildings {
        let estate = crate::domain::grid::estate_of(name);
        let len = estate.chars().count();
        if len < 2 || !text.contains(estate) {
            continue;
        }
        let subdistrict = code.get(..crate::domain::grid::NodeLevel::Subdistrict.segment_width()).unwrap_or(code);
        match &best {
            Some((l, s)) if *l > len || (*l == len && s == subdistrict) => {}
            Some((l, _)) if *l == len => tied = true,
            _ => {
                best = Some((len, subdistrict.to_string()));
                tied = false;
            }
        }
    }
    let Some((_, code)) = best.filter(|_| !tied) else { return Ok(None) };
    sqlx::query_scalar("SELECT id FROM grid_nodes WHERE code = ? AND level = 'subdistrict'")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await
}

/// The node with `code`, when it is an area a welfare check can be routed to (a
/// subdistrict, community, grid or micro-grid): its id and level.
pub async fn area_by_code(conn: &mut SqliteConnection, code: &str) -> Result<Option<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, level FROM grid_nodes WHERE code = ? AND level IN ('subdistrict','community','grid','micro_grid')",
    )
    .bind(code)
    .fetch_optional(&mut *conn)
    .await
}

/// The micro-grid of the building named in free text: a building whose name equals the
/// text, else whose name the text contains (the longest), else the only buildings whose
/// names contain the text. None when nothing or more than one micro-grid fits.
pub async fn match_building(conn: &mut SqliteConnection, text: &str) -> Result<Option<NodeId>, sqlx::Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let exact: Vec<NodeId> = sqlx::query_scalar(
        "SELECT DISTINCT parent_id FROM grid_nodes WHERE level = 'building' AND name = ? AND parent_id IS NOT NULL LIMIT 2",
    )
    .bind(text)
    .fetch_all(&mut *conn)
    .await?;
    if !exact.is_empty() {
        return Ok((exact.len() == 1).then(|| exact[0]));
    }
    // Building names inside the text, longest first ("朝晖花园10号楼3单元").
    let inside: Vec<(NodeId, i64)> = sqlx::query_as(
        "SELECT parent_id, length(name) FROM grid_nodes WHERE level = 'building' AND parent_id IS NOT NULL
           AND instr(?, name) > 0 ORDER BY length(name) DESC LIMIT 10",
    )
    .bind(text)
    .fetch_all(&mut *conn)
    .await?;
    if let Some((_, longest)) = inside.first() {
        let mut grids: Vec<NodeId> = inside.iter().filter(|(_, len)| len == longest).map(|(m, _)| *m).collect();
        grids.dedup();
        return Ok((grids.len() == 1).then(|| grids[0]));
    }
    // The text inside building names ("朝晖花园10号"), only when it names one micro-grid.
    if text.chars().count() < 4 {
        return Ok(None);
    }
    let around: Vec<NodeId> = sqlx::query_scalar(
        "SELECT DISTINCT parent_id FROM grid_nodes WHERE level = 'building' AND parent_id IS NOT NULL
           AND instr(name, ?) > 0 LIMIT 2",
    )
    .bind(text)
    .fetch_all(&mut *conn)
    .await?;
    Ok((around.len() == 1).then(|| around[0]))
}

/// The code of a node.
pub async fn node_code(conn: &mut SqliteConnection, id: NodeId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT code FROM grid_nodes WHERE id = ?").bind(id).fetch_optional(&mut *conn).await
}

/// A welfare check as the public form sends it.
#[derive(Debug, Clone)]
pub struct NewWelfareCheck<'a> {
    pub micro_grid_id: Option<NodeId>,
    /// Where a check whose building was not found waits for sorting.
    pub area_id: Option<NodeId>,
    pub elder_name: &'a str,
    pub building_note: &'a str,
    pub requester_phone: &'a str,
    pub note: &'a str,
    pub now: i64,
}

pub async fn insert_welfare(conn: &mut SqliteConnection, w: &NewWelfareCheck<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO welfare_checks (micro_grid_id, area_id, elder_name, building_note, requester_phone, note, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(w.micro_grid_id)
    .bind(w.area_id)
    .bind(w.elder_name)
    .bind(w.building_note)
    .bind(w.requester_phone)
    .bind(w.note)
    .bind(w.now)
    .bind(w.now)
    .fetch_one(&mut *conn)
    .await
}

/// A welfare check not yet done, for staff (it carries the requester's phone).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WelfareRow {
    pub id: i64,
    /// The micro-grid, or for a check waiting to be sorted (待分拣) the area it waits in.
    pub micro_grid: Option<String>,
    /// The code of that micro-grid or area: who may see and handle it.
    pub micro_grid_code: Option<String>,
    /// Its building was not found in the grid: it waits in an area for sorting.
    pub triage: bool,
    pub elder_name: String,
    pub building_note: String,
    pub requester_phone: String,
    pub note: String,
    pub status: String,
    pub handler: Option<String>,
    pub created_at: i64,
}

/// Open and in-progress welfare checks, oldest first; the caller keeps those of its area.
pub async fn welfare_not_done(pool: &SqlitePool) -> Result<Vec<WelfareRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT w.id, coalesce(m.name, a.name) AS micro_grid, coalesce(m.code, a.code) AS micro_grid_code,
                m.id IS NULL AS triage, w.elder_name, w.building_note, w.requester_phone,
                w.note, w.status, hp.full_name AS handler, w.created_at
         FROM welfare_checks w LEFT JOIN grid_nodes m ON m.id = w.micro_grid_id
         LEFT JOIN grid_nodes a ON a.id = w.area_id
         LEFT JOIN accounts ha ON ha.id = w.handled_by LEFT JOIN people hp ON hp.id = ha.person_id
         WHERE w.status IN ('open', 'in_progress') ORDER BY w.created_at, w.id LIMIT 500",
    )
    .fetch_all(pool)
    .await
}

/// A welfare check's state: (status, code of its micro-grid or triage area, handler
/// account, that node's id).
pub async fn welfare_facts(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<(String, Option<String>, Option<AccountId>, Option<NodeId>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT w.status, coalesce(m.code, a.code), w.handled_by, coalesce(w.micro_grid_id, w.area_id)
         FROM welfare_checks w LEFT JOIN grid_nodes m ON m.id = w.micro_grid_id
         LEFT JOIN grid_nodes a ON a.id = w.area_id WHERE w.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// Moves a welfare check on only if it is still in `from`; false when someone was first.
pub async fn move_welfare(
    conn: &mut SqliteConnection,
    id: i64,
    from: &str,
    to: &str,
    handler: AccountId,
    outcome_note: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE welfare_checks SET status = ?, handled_by = coalesce(handled_by, ?), outcome_note = coalesce(?, outcome_note),
           updated_at = ? WHERE id = ? AND status = ?",
    )
    .bind(to)
    .bind(handler)
    .bind(outcome_note)
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An emergency found on a visit that no later visit has cleared.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmergencyRow {
    pub visit_id: i64,
    pub elder_id: PersonId,
    pub elder_name: String,
    pub building: Option<String>,
    pub micro_grid: String,
    pub micro_grid_code: String,
    pub note: String,
    pub visitor: Option<String>,
    pub visited_at: i64,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// Elders whose latest visit, since `since`, was an emergency; newest first.
pub async fn open_emergencies(pool: &SqlitePool, since: i64) -> Result<Vec<EmergencyRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id AS visit_id, v.elder_id, p.full_name AS elder_name, b.name AS building, m.name AS micro_grid,
                m.code AS micro_grid_code, v.note, vp.full_name AS visitor, v.visited_at,
                e.emergency_contact_name AS contact_name, e.emergency_contact_phone AS contact_phone
         FROM visit_logs v JOIN elder_profiles e ON e.person_id = v.elder_id JOIN people p ON p.id = v.elder_id
         JOIN grid_nodes m ON m.id = e.micro_grid_id LEFT JOIN grid_nodes b ON b.id = p.building_id
         LEFT JOIN accounts a ON a.id = v.visitor_id LEFT JOIN people vp ON vp.id = a.person_id
         WHERE v.outcome = 'emergency' AND v.visited_at >= ?
           AND NOT EXISTS (SELECT 1 FROM visit_logs l WHERE l.elder_id = v.elder_id
                           AND (l.visited_at > v.visited_at OR (l.visited_at = v.visited_at AND l.id > v.id)))
         ORDER BY v.visited_at DESC LIMIT 200",
    )
    .bind(since)
    .fetch_all(pool)
    .await
}
