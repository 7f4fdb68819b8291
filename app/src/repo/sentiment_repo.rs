//! 民情 items, their stage timeline, parties, checklists and photos.
use crate::domain::ids::{AccountId, NodeId, OrderId, PersonId};
use crate::domain::sentiment::{Category, HandlerKind, Kind, Stage, Warning};
use sqlx::{SqliteConnection, SqlitePool};

/// Where an item sits: a building or a unit, and the micro-grid that holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Place {
    pub micro_grid_id: NodeId,
    pub micro_grid_code: String,
    pub building_id: NodeId,
    pub unit_id: Option<NodeId>,
}

/// Resolves a building or unit node to its place in the tree.
pub async fn place(conn: &mut SqliteConnection, node_id: NodeId) -> Result<Option<Place>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id AS micro_grid_id, m.code AS micro_grid_code, b.id AS building_id,
                CASE WHEN n.level = 'unit' THEN n.id END AS unit_id
         FROM grid_nodes n
         JOIN grid_nodes b ON b.id = CASE WHEN n.level = 'unit' THEN n.parent_id ELSE n.id END AND b.level = 'building'
         JOIN grid_nodes m ON m.id = b.parent_id AND m.level = 'micro_grid'
         WHERE n.id = ? AND n.level IN ('building', 'unit')",
    )
    .bind(node_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Buildings and units inside an area, labelled for a form's choice list.
pub async fn places_in(pool: &SqlitePool, area: &str, limit: i64) -> Result<Vec<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.id, CASE WHEN n.level = 'unit' THEN b.name || ' ' || n.name ELSE n.name END
         FROM grid_nodes n LEFT JOIN grid_nodes b ON n.level = 'unit' AND b.id = n.parent_id
         WHERE n.code >= ?1 AND n.code < ?1 || ':' AND n.level IN ('building', 'unit')
         ORDER BY n.code LIMIT ?2",
    )
    .bind(area)
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub struct NewItem<'a> {
    pub kind: Kind,
    pub category: Category,
    pub place: &'a Place,
    pub place_note: &'a str,
    pub description: &'a str,
    pub reporter_id: Option<AccountId>,
    pub stage: Stage,
    pub source: &'a str,
    pub parties: &'a [(String, Option<String>)],
    pub checks: &'a [String],
    pub now: i64,
}

/// Inserts an item with its parties and checklist, and the first line of its timeline.
pub async fn insert(
    conn: &mut SqliteConnection,
    item: &NewItem<'_>,
    actor: Option<AccountId>,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sentiment_items (kind, category, micro_grid_id, building_id, unit_id, place_note, description,
                                      reporter_id, stage, source, warning_level, deadline, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(item.kind)
    .bind(item.category)
    .bind(item.place.micro_grid_id)
    .bind(item.place.building_id)
    .bind(item.place.unit_id)
    .bind(item.place_note)
    .bind(item.description)
    .bind(item.reporter_id)
    .bind(item.stage)
    .bind(item.source)
    .bind((item.kind == Kind::Dispute).then_some(Warning::Green))
    .bind((item.stage == Stage::Reported).then_some(item.now + crate::domain::sentiment::ACCEPT_WITHIN_SECS))
    .bind(item.now)
    .bind(item.now)
    .fetch_one(&mut *conn)
    .await?;
    for (name, contact) in item.parties {
        sqlx::query("INSERT INTO dispute_parties (item_id, name, contact) VALUES (?, ?, ?)")
            .bind(id)
            .bind(name)
            .bind(contact)
            .execute(&mut *conn)
            .await?;
    }
    for label in item.checks {
        sqlx::query("INSERT INTO inspection_checks (item_id, label) VALUES (?, ?)")
            .bind(id)
            .bind(label)
            .execute(&mut *conn)
            .await?;
    }
    add_line(conn, id, None, item.stage, actor, "", "stage", item.now).await?;
    Ok(id)
}

/// One line of an item's timeline: a stage change, or a note at the current stage.
#[allow(clippy::too_many_arguments)]
pub async fn add_line(
    conn: &mut SqliteConnection,
    item: i64,
    from: Option<Stage>,
    to: Stage,
    actor: Option<AccountId>,
    note: &str,
    kind: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sentiment_stages (item_id, from_stage, to_stage, actor_id, note, kind, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(item)
    .bind(from)
    .bind(to)
    .bind(actor)
    .bind(note)
    .bind(kind)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The newest line of an item's timeline when it is a stage change (a note, a warning or a
/// follow-up since then is not a step anyone could be repeating).
pub async fn last_step(
    conn: &mut SqliteConnection,
    item: i64,
) -> Result<Option<crate::domain::step::LastStep<Stage>>, sqlx::Error> {
    let row: Option<(Option<Stage>, Stage, Option<AccountId>, String)> = sqlx::query_as(
        "SELECT from_stage, to_stage, actor_id, kind FROM sentiment_stages WHERE item_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(item)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row
        .filter(|r| r.3 == "stage")
        .and_then(|(from, to, actor, _)| Some(crate::domain::step::LastStep { from, to, actor: actor? })))
}

/// What the rules need to know about an item.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub kind: Kind,
    pub category: Category,
    pub stage: Stage,
    pub micro_grid_id: NodeId,
    pub micro_grid_code: String,
    pub micro_grid: String,
    pub building_id: Option<NodeId>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub place_note: String,
    pub description: String,
    pub reporter_id: Option<AccountId>,
    pub reporter_person: Option<PersonId>,
    pub reporter_name: Option<String>,
    pub handler_kind: Option<HandlerKind>,
    pub handler_name: Option<String>,
    pub handler_id: Option<AccountId>,
    pub deadline: Option<i64>,
    pub escalation_level: i64,
    pub warning_level: Option<Warning>,
    pub recheck_due_at: Option<i64>,
    pub recheck_done_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub handled_at: Option<i64>,
    pub rework_count: i64,
    pub resident_confirmed_at: Option<i64>,
    pub resident_resolved: Option<bool>,
    pub resident_rating: Option<i64>,
    pub order_id: Option<OrderId>,
    pub version: i64,
    pub created_at: i64,
    pub source: String,
    /// Who recorded the latest 处置.
    pub handled_by: Option<AccountId>,
}

const ITEM_COLUMNS: &str = "s.id, s.kind, s.category, s.stage, s.micro_grid_id, m.code AS micro_grid_code,
    m.name AS micro_grid, s.building_id, b.name AS building, u.name AS unit, s.place_note, s.description,
    s.reporter_id, a.person_id AS reporter_person, p.full_name AS reporter_name, s.handler_kind, s.handler_name,
    s.handler_id, s.deadline, s.escalation_level, s.warning_level, s.recheck_due_at, s.recheck_done_at, s.closed_at,
    s.handled_at, s.rework_count, s.resident_confirmed_at, s.resident_resolved, s.resident_rating, s.order_id,
    s.version, s.created_at, s.source,
    (SELECT l.actor_id FROM sentiment_stages l WHERE l.item_id = s.id AND l.kind = 'stage' AND l.to_stage = 'handled'
     ORDER BY l.id DESC LIMIT 1) AS handled_by
    FROM sentiment_items s
    JOIN grid_nodes m ON m.id = s.micro_grid_id
    LEFT JOIN grid_nodes b ON b.id = s.building_id
    LEFT JOIN grid_nodes u ON u.id = s.unit_id
    LEFT JOIN accounts a ON a.id = s.reporter_id
    LEFT JOIN people p ON p.id = a.person_id";

pub async fn item(conn: &mut SqliteConnection, id: i64) -> Result<Option<ItemRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {ITEM_COLUMNS} WHERE s.id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Which list to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    /// Everything not closed or voided.
    Open,
    /// Items past their deadline or escalated.
    Overdue {
        now: i64,
    },
    Stage(Stage),
    /// Closed inspections whose 回头看 is due.
    RecheckDue {
        now: i64,
    },
    All,
}

/// Items in an area (red disputes first, then overdue, then newest), at most `limit`.
pub async fn list_in(
    pool: &SqlitePool,
    area: &str,
    filter: ListFilter,
    limit: i64,
) -> Result<Vec<ItemRow>, sqlx::Error> {
    let (clause, arg): (&str, Option<String>) = match filter {
        ListFilter::Open => ("s.stage NOT IN ('closed', 'voided') AND ?3 IS NULL", None),
        ListFilter::Overdue { now } => (
            "s.stage IN ('reported', 'accepted', 'dispatched') AND (s.escalation_level > 0 OR s.deadline < CAST(?3 AS INTEGER))",
            Some(now.to_string()),
        ),
        ListFilter::Stage(stage) => ("s.stage = ?3", Some(stage.as_str().to_string())),
        ListFilter::RecheckDue { now } => (
            "s.stage = 'closed' AND s.recheck_done_at IS NULL AND s.recheck_due_at <= CAST(?3 AS INTEGER)",
            Some(now.to_string()),
        ),
        ListFilter::All => ("?3 IS NULL", None),
    };
    let sql = format!(
        "SELECT {ITEM_COLUMNS}
         WHERE m.code >= ?1 AND m.code < ?1 || ':' AND m.level = 'micro_grid' AND ({clause})
         ORDER BY (s.warning_level = 'red' AND s.stage NOT IN ('closed', 'voided')) DESC,
                  s.escalation_level DESC, s.created_at DESC, s.id DESC
         LIMIT ?2"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(area).bind(limit).bind(arg).fetch_all(pool).await
}

/// Items the account reported, newest first.
pub async fn reported_by(pool: &SqlitePool, account: AccountId, limit: i64) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} WHERE s.reporter_id = ? ORDER BY s.created_at DESC, s.id DESC LIMIT ?"
    )))
    .bind(account)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Items handed to an account to handle (a volunteer named at 派遣): open ones first, then
/// the newest.
pub async fn handled_by(pool: &SqlitePool, account: AccountId, limit: i64) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ITEM_COLUMNS} WHERE s.handler_id = ?
         ORDER BY s.stage IN ('closed', 'voided'), s.deadline, s.id DESC LIMIT ?"
    )))
    .bind(account)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// What a step writes besides the stage.
#[derive(Debug, Clone, Copy)]
pub enum Patch<'a> {
    None,
    /// 上报: the acceptance deadline starts.
    Report {
        deadline: i64,
    },
    /// The reporter reopens a closed item: closure and verdict are cleared (the timeline
    /// keeps both), the acceptance deadline starts again.
    Reopen {
        deadline: i64,
    },
    Dispatch {
        handler_kind: HandlerKind,
        handler_name: &'a str,
        handler_id: Option<AccountId>,
        deadline: i64,
    },
    Handle,
    Rework,
    Close {
        recheck_due_at: Option<i64>,
    },
}

/// Moves an item from `from` to `to` if nobody moved it first (same stage and version).
pub async fn transition(
    conn: &mut SqliteConnection,
    id: i64,
    from: Stage,
    version: i64,
    to: Stage,
    patch: Patch<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (what, kind, name, handler, time): (&str, Option<HandlerKind>, Option<&str>, Option<AccountId>, Option<i64>) =
        match patch {
            Patch::None => ("none", None, None, None, None),
            Patch::Report { deadline } => ("report", None, None, None, Some(deadline)),
            Patch::Reopen { deadline } => ("reopen", None, None, None, Some(deadline)),
            Patch::Dispatch { handler_kind, handler_name, handler_id, deadline } => {
                ("dispatch", Some(handler_kind), Some(handler_name), handler_id, Some(deadline))
            }
            Patch::Handle => ("handle", None, None, None, None),
            Patch::Rework => ("rework", None, None, None, None),
            Patch::Close { recheck_due_at } => ("close", None, None, None, recheck_due_at),
        };
    let done = sqlx::query(
        "UPDATE sentiment_items SET stage = ?2, version = version + 1, updated_at = ?1,
            handler_kind = CASE ?6 WHEN 'dispatch' THEN ?7 ELSE handler_kind END,
            handler_name = CASE ?6 WHEN 'dispatch' THEN ?8 ELSE handler_name END,
            handler_id = CASE ?6 WHEN 'dispatch' THEN ?9 ELSE handler_id END,
            deadline = CASE ?6 WHEN 'dispatch' THEN ?10 WHEN 'report' THEN ?10 WHEN 'reopen' THEN ?10 ELSE deadline END,
            escalation_level = CASE ?6 WHEN 'dispatch' THEN 0 WHEN 'reopen' THEN 0 ELSE escalation_level END,
            escalated_at = CASE ?6 WHEN 'dispatch' THEN NULL WHEN 'reopen' THEN NULL ELSE escalated_at END,
            resident_confirmed_at = CASE ?6 WHEN 'reopen' THEN NULL ELSE resident_confirmed_at END,
            resident_resolved = CASE ?6 WHEN 'reopen' THEN NULL ELSE resident_resolved END,
            resident_rating = CASE ?6 WHEN 'reopen' THEN NULL ELSE resident_rating END,
            handled_at = CASE ?6 WHEN 'handle' THEN ?1 WHEN 'rework' THEN NULL ELSE handled_at END,
            rework_count = rework_count + (?6 = 'rework'),
            closed_at = CASE ?6 WHEN 'close' THEN ?1 WHEN 'reopen' THEN NULL ELSE closed_at END,
            recheck_due_at = CASE ?6 WHEN 'close' THEN ?10 WHEN 'reopen' THEN NULL ELSE recheck_due_at END
         WHERE id = ?3 AND stage = ?4 AND version = ?5",
    )
    .bind(now)
    .bind(to)
    .bind(id)
    .bind(from)
    .bind(version)
    .bind(what)
    .bind(kind)
    .bind(name)
    .bind(handler)
    .bind(time)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A change that leaves the stage as it is (warning level, confirmation, linked order,
/// re-check), conditional on the version the viewer saw.
pub async fn touch(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    set: Touch,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (what, warning, flag, rating, order): (&str, Option<Warning>, Option<bool>, Option<i64>, Option<OrderId>) =
        match set {
            Touch::Warning(level) => ("warning", Some(level), None, None, None),
            Touch::Confirm { resolved, rating } => ("confirm", None, Some(resolved), Some(rating), None),
            Touch::Order(order) => ("order", None, None, None, Some(order)),
            Touch::Rechecked => ("rechecked", None, None, None, None),
            Touch::Note => ("note", None, None, None, None),
        };
    let done = sqlx::query(
        "UPDATE sentiment_items SET version = version + 1, updated_at = ?1,
            warning_level = CASE ?4 WHEN 'warning' THEN ?5 ELSE warning_level END,
            resident_confirmed_at = CASE ?4 WHEN 'confirm' THEN ?1 ELSE resident_confirmed_at END,
            resident_resolved = CASE ?4 WHEN 'confirm' THEN ?6 ELSE resident_resolved END,
            resident_rating = CASE ?4 WHEN 'confirm' THEN ?7 ELSE resident_rating END,
            order_id = CASE ?4 WHEN 'order' THEN ?8 ELSE order_id END,
            recheck_done_at = CASE ?4 WHEN 'rechecked' THEN ?1 ELSE recheck_done_at END
         WHERE id = ?2 AND version = ?3",
    )
    .bind(now)
    .bind(id)
    .bind(version)
    .bind(what)
    .bind(warning)
    .bind(flag)
    .bind(rating)
    .bind(order)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, Copy)]
pub enum Touch {
    Warning(Warning),
    Confirm { resolved: bool, rating: i64 },
    Order(OrderId),
    Rechecked,
    Note,
}

/// One line of the timeline, with the actor's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub kind: String,
    pub actor: Option<String>,
    pub note: String,
    pub at: i64,
}

pub async fn timeline(pool: &SqlitePool, id: i64) -> Result<Vec<LineRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.from_stage, l.to_stage, l.kind, p.full_name AS actor, l.note, l.at
         FROM sentiment_stages l LEFT JOIN accounts a ON a.id = l.actor_id LEFT JOIN people p ON p.id = a.person_id
         WHERE l.item_id = ? ORDER BY l.at, l.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}

pub async fn parties(pool: &SqlitePool, id: i64) -> Result<Vec<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT name, contact FROM dispute_parties WHERE item_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await
}

pub async fn checks(pool: &SqlitePool, id: i64) -> Result<Vec<(i64, String, Option<bool>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, label, passed FROM inspection_checks WHERE item_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await
}

/// Records the result of every checklist line (the ids not listed as passed failed).
pub async fn mark_checks(conn: &mut SqliteConnection, item: i64, passed: &[i64]) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM inspection_checks WHERE item_id = ?")
        .bind(item)
        .fetch_all(&mut *conn)
        .await?;
    for id in ids {
        sqlx::query("UPDATE inspection_checks SET passed = ? WHERE id = ?")
            .bind(passed.contains(&id))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Photo ids of an item.
pub async fn photo_ids(pool: &SqlitePool, item: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM sentiment_photos WHERE item_id = ? ORDER BY id").bind(item).fetch_all(pool).await
}

pub async fn photo_count(conn: &mut SqliteConnection, item: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM sentiment_photos WHERE item_id = ?").bind(item).fetch_one(&mut *conn).await
}

pub async fn add_photo(
    conn: &mut SqliteConnection,
    item: i64,
    mime: &str,
    (width, height): (u32, u32),
    bytes: &[u8],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO sentiment_photos (item_id, mime, width, height, bytes) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(item)
    .bind(mime)
    .bind(width)
    .bind(height)
    .bind(bytes)
    .fetch_one(&mut *conn)
    .await
}

/// A photo's item, type and bytes.
pub async fn photo(pool: &SqlitePool, id: i64) -> Result<Option<(i64, String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as("SELECT item_id, mime, bytes FROM sentiment_photos WHERE id = ?").bind(id).fetch_optional(pool).await
}

/// Items still waiting on someone whose deadline has passed, with what 督办 needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverdueRow {
    pub id: i64,
    pub stage: Stage,
    pub deadline: Option<i64>,
    pub escalation_level: i64,
    pub version: i64,
    pub micro_grid_code: String,
    pub description: String,
}

pub async fn overdue(conn: &mut SqliteConnection, now: i64) -> Result<Vec<OverdueRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.stage, s.deadline, s.escalation_level, s.version, m.code AS micro_grid_code, s.description
         FROM sentiment_items s JOIN grid_nodes m ON m.id = s.micro_grid_id
         WHERE s.stage IN ('reported', 'accepted', 'dispatched') AND s.deadline < ? AND s.escalation_level < 2",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await
}

pub async fn escalate(
    conn: &mut SqliteConnection,
    id: i64,
    version: i64,
    level: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sentiment_items SET escalation_level = ?, escalated_at = ?, version = version + 1, updated_at = ?
         WHERE id = ? AND version = ?",
    )
    .bind(level)
    .bind(now)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Accounts holding `roles` over an area containing the micro-grid `code` (who a 督办 reaches).
pub async fn staff_over(
    conn: &mut SqliteConnection,
    code: &str,
    roles: &[&str],
) -> Result<Vec<AccountId>, sqlx::Error> {
    let mut out = Vec::new();
    for role in roles {
        let ids: Vec<AccountId> = sqlx::query_scalar(
            "SELECT DISTINCT r.account_id FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
             JOIN accounts a ON a.id = r.account_id
             WHERE r.role = ? AND substr(?, 1, length(n.code)) = n.code AND a.disabled_at IS NULL",
        )
        .bind(role)
        .bind(code)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(ids);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Volunteers who can be named as handlers in an area: (account id, name).
pub async fn volunteers_in(pool: &SqlitePool, area: &str) -> Result<Vec<(AccountId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT a.id, p.full_name FROM role_assignments r
         JOIN grid_nodes n ON n.id = r.node_id JOIN accounts a ON a.id = r.account_id JOIN people p ON p.id = a.person_id
         WHERE r.role IN ('volunteer', 'grid_leader') AND n.code >= ?1 AND n.code < ?1 || ':' AND a.disabled_at IS NULL
         ORDER BY p.full_name LIMIT 200",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

/// Whether an account holds a volunteer or leader role inside `area`.
pub async fn volunteer_within(
    conn: &mut SqliteConnection,
    account: AccountId,
    area: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
                        JOIN accounts a ON a.id = r.account_id
                        WHERE r.account_id = ?2 AND r.role IN ('volunteer', 'grid_leader') AND a.disabled_at IS NULL
                          AND n.code >= ?1 AND n.code < ?1 || ':')",
    )
    .bind(area)
    .bind(account)
    .fetch_one(&mut *conn)
    .await
}

/// The building a person lives in, if known.
pub async fn own_building(pool: &SqlitePool, person: PersonId) -> Result<Option<NodeId>, sqlx::Error> {
    sqlx::query_scalar("SELECT building_id FROM people WHERE id = ?")
        .bind(person)
        .fetch_optional(pool)
        .await
        .map(Option::flatten)
}

/// An account holder's name.
pub async fn name_of_account(conn: &mut SqliteConnection, account: AccountId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT p.full_name FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = ?")
        .bind(account)
        .fetch_optional(&mut *conn)
        .await
}

/// The account and micro-grid code of the resident with this phone number.
pub async fn resident_account(
    conn: &mut SqliteConnection,
    phone: &str,
) -> Result<Option<(AccountId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, m.code FROM accounts a JOIN people p ON p.id = a.person_id JOIN grid_nodes m ON m.id = p.micro_grid_id
         WHERE a.phone = ? AND a.disabled_at IS NULL",
    )
    .bind(phone)
    .fetch_optional(&mut *conn)
    .await
}

/// The labels of an inspection's checklist, in order.
pub async fn check_labels(conn: &mut SqliteConnection, item: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT label FROM inspection_checks WHERE item_id = ? ORDER BY id")
        .bind(item)
        .fetch_all(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::db::assert_stored_as_text;

    /// Rows decode into the 民情 enums only if sqlx spells each value as `as_str` does
    /// (the spelling the CHECKs allow); a spelling they do not know is an error.
    #[tokio::test]
    async fn sentiment_enums_are_read_and_written_as_stored() {
        assert_stored_as_text(Stage::ALL, Stage::as_str).await;
        assert_stored_as_text(Kind::ALL, Kind::as_str).await;
        assert_stored_as_text(Category::ALL, Category::as_str).await;
        assert_stored_as_text(Warning::ALL, Warning::as_str).await;
        assert_stored_as_text(HandlerKind::ALL, HandlerKind::as_str).await;
    }
}
