//! People, accounts, roles and preferences.
use crate::domain::ids::{AccountId, NodeId, PersonId};
use crate::domain::role::Role;
use crate::i18n::Locale;
use crate::session::{RoleScope, SessionUser};
use sqlx::{SqliteConnection, SqlitePool};

/// What sign-in needs to know about an account.
#[derive(Debug, sqlx::FromRow)]
pub struct LoginRow {
    pub account_id: AccountId,
    pub password_hash: String,
    pub disabled: bool,
}

pub async fn find_for_login(pool: &SqlitePool, phone: &str) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id AS account_id, password_hash, disabled_at IS NOT NULL AS disabled FROM accounts WHERE phone = ?",
    )
    .bind(phone)
    .fetch_optional(pool)
    .await
}

pub async fn phone_exists(conn: &mut SqliteConnection, phone: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM people WHERE phone = ?)").bind(phone).fetch_one(&mut *conn).await
}

/// Creates a resident of a micro-grid with an account; returns the account id.
pub async fn create_resident(
    conn: &mut SqliteConnection,
    name: &str,
    phone: &str,
    password_hash: &str,
    micro_grid_id: NodeId,
) -> Result<AccountId, sqlx::Error> {
    let account = insert_person_with_account(conn, name, phone, password_hash, Some(micro_grid_id)).await?;
    grant(conn, account, "resident", micro_grid_id).await?;
    Ok(account)
}

/// A person (of `micro_grid_id`, if given) and their account; returns the account id.
async fn insert_person_with_account(
    conn: &mut SqliteConnection,
    name: &str,
    phone: &str,
    password_hash: &str,
    micro_grid_id: Option<NodeId>,
) -> Result<AccountId, sqlx::Error> {
    let person: PersonId =
        sqlx::query_scalar("INSERT INTO people (full_name, phone, micro_grid_id) VALUES (?, ?, ?) RETURNING id")
            .bind(name)
            .bind(phone)
            .bind(micro_grid_id)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query_scalar("INSERT INTO accounts (person_id, phone, password_hash) VALUES (?, ?, ?) RETURNING id")
        .bind(person)
        .bind(phone)
        .bind(password_hash)
        .fetch_one(&mut *conn)
        .await
}

async fn grant(conn: &mut SqliteConnection, account: AccountId, role: &str, node: NodeId) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, ?, ?)")
        .bind(account)
        .bind(role)
        .bind(node)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The first administrator of a new installation: a subdistrict (the root of its grid)
/// and an account holding `subdistrict_admin` over it. Returns the account id, or None
/// when the code or the phone number is taken (nothing written).
pub async fn create_first_admin(
    conn: &mut SqliteConnection,
    subdistrict: (&str, &str),
    name: &str,
    phone: &str,
    password_hash: &str,
) -> Result<Option<AccountId>, sqlx::Error> {
    let (code, subdistrict_name) = subdistrict;
    let taken: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM grid_nodes WHERE code = ?) + (SELECT count(*) FROM people WHERE phone = ?)",
    )
    .bind(code)
    .bind(phone)
    .fetch_one(&mut *conn)
    .await?;
    if taken > 0 {
        return Ok(None);
    }
    let node: NodeId =
        sqlx::query_scalar("INSERT INTO grid_nodes (level, code, name) VALUES ('subdistrict', ?, ?) RETURNING id")
            .bind(code)
            .bind(subdistrict_name)
            .fetch_one(&mut *conn)
            .await?;
    let account = insert_person_with_account(conn, name, phone, password_hash, None).await?;
    grant(conn, account, "subdistrict_admin", node).await?;
    Ok(Some(account))
}

#[derive(sqlx::FromRow)]
struct UserRow {
    account_id: AccountId,
    person_id: PersonId,
    full_name: String,
    phone: String,
    micro_grid_id: Option<NodeId>,
    micro_grid_name: Option<String>,
    verified: bool,
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    role: String,
    node_id: NodeId,
    code: String,
    name: String,
}

/// Loads the user of an enabled account, with their roles and scopes.
pub async fn load_user(pool: &SqlitePool, account_id: AccountId) -> Result<Option<SessionUser>, sqlx::Error> {
    let Some(row) = sqlx::query_as::<_, UserRow>(
        "SELECT a.id AS account_id, p.id AS person_id, p.full_name, a.phone, p.micro_grid_id, g.name AS micro_grid_name,
                a.verified_at IS NOT NULL AS verified
         FROM accounts a JOIN people p ON p.id = a.person_id LEFT JOIN grid_nodes g ON g.id = p.micro_grid_id
         WHERE a.id = ? AND a.disabled_at IS NULL",
    )
    .bind(account_id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let roles = sqlx::query_as::<_, RoleRow>(
        "SELECT r.role, r.node_id, g.code, g.name FROM role_assignments r JOIN grid_nodes g ON g.id = r.node_id
         WHERE r.account_id = ? ORDER BY r.id",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(RoleScope { role: Role::parse(&r.role)?, node_id: r.node_id, node_code: r.code, node_name: r.name })
    })
    .collect();
    Ok(Some(SessionUser {
        account_id: row.account_id,
        person_id: row.person_id,
        name: row.full_name,
        phone_masked: crate::domain::privacy::mask_phone(&row.phone),
        roles,
        micro_grid_id: row.micro_grid_id,
        micro_grid_name: row.micro_grid_name,
        verified: row.verified,
    }))
}

/// The account's stored preferences.
pub async fn prefs(pool: &SqlitePool, account_id: AccountId) -> Result<Option<(Locale, bool)>, sqlx::Error> {
    let row: Option<(String, bool)> = sqlx::query_as("SELECT locale, elder_mode FROM accounts WHERE id = ?")
        .bind(account_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(tag, elder)| (Locale::from_tag(&tag).unwrap_or_default(), elder)))
}

pub async fn set_locale(conn: &mut SqliteConnection, account_id: AccountId, locale: Locale) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET locale = ? WHERE id = ?")
        .bind(locale.tag())
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_elder_mode(conn: &mut SqliteConnection, account_id: AccountId, on: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET elder_mode = ? WHERE id = ?")
        .bind(on)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A person's own profile, with their full phone number (shown to them only).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnProfile {
    pub full_name: String,
    pub phone: String,
    pub building: Option<String>,
    pub micro_grid: Option<String>,
    pub community: Option<String>,
    pub service_minutes: i64,
    pub orders_completed: i64,
    pub orders_placed: i64,
}

pub async fn own_profile(pool: &SqlitePool, person_id: PersonId) -> Result<Option<OwnProfile>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.full_name, a.phone, b.name AS building, m.name AS micro_grid, c.name AS community,
                coalesce((SELECT sum(minutes) FROM service_time WHERE person_id = p.id), 0) AS service_minutes,
                (SELECT count(*) FROM service_orders WHERE taker_id = p.id AND status = 'completed') AS orders_completed,
                (SELECT count(*) FROM service_orders WHERE requester_id = p.id) AS orders_placed
         FROM people p JOIN accounts a ON a.person_id = p.id
         LEFT JOIN grid_nodes b ON b.id = p.building_id
         LEFT JOIN grid_nodes m ON m.id = p.micro_grid_id
         LEFT JOIN grid_nodes g ON g.id = m.parent_id
         LEFT JOIN grid_nodes c ON c.id = g.parent_id
         WHERE p.id = ?",
    )
    .bind(person_id)
    .fetch_optional(pool)
    .await
}

/// A volunteer's profile and confirmed service record.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VolunteerRow {
    pub skills: Option<String>,
    pub availability: i64,
    pub intro: String,
    pub shares_phone: bool,
    pub area: Option<String>,
    pub minutes: i64,
    pub completed: i64,
    pub avg_rating: Option<f64>,
    pub sections: Option<String>,
    pub party_member: bool,
    pub party_proposed: bool,
}

pub async fn volunteer(pool: &SqlitePool, person_id: PersonId) -> Result<Option<VolunteerRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT group_concat(section) FROM volunteer_skills s WHERE s.person_id = v.person_id) AS skills,
                v.availability, v.intro, v.shares_phone, n.name AS area,
                coalesce((SELECT sum(minutes) FROM service_time WHERE person_id = v.person_id), 0) AS minutes,
                (SELECT count(*) FROM service_orders WHERE taker_id = v.person_id AND status = 'completed') AS completed,
                (SELECT avg(rating) FROM service_orders WHERE taker_id = v.person_id AND status = 'completed') AS avg_rating,
                (SELECT group_concat(DISTINCT section) FROM service_orders WHERE taker_id = v.person_id AND status = 'completed') AS sections,
                p.party_member, p.party_badge_proposed_by IS NOT NULL AS party_proposed
         FROM volunteer_profiles v JOIN people p ON p.id = v.person_id
         LEFT JOIN grid_nodes n ON n.id = v.service_node_id WHERE v.person_id = ?",
    )
    .bind(person_id)
    .fetch_optional(pool)
    .await
}

pub async fn save_volunteer(
    conn: &mut SqliteConnection,
    person_id: PersonId,
    skills: &[&str],
    availability: i64,
    intro: &str,
    shares_phone: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE volunteer_profiles SET availability = ?, intro = ?, shares_phone = ?, updated_at = unixepoch()
         WHERE person_id = ?",
    )
    .bind(availability)
    .bind(intro)
    .bind(shares_phone)
    .bind(person_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM volunteer_skills WHERE person_id = ?").bind(person_id).execute(&mut *conn).await?;
    for skill in skills {
        sqlx::query("INSERT INTO volunteer_skills (person_id, section) VALUES (?, ?)")
            .bind(person_id)
            .bind(skill)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// An account as the account administration page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub account_id: AccountId,
    pub full_name: String,
    pub phone: String,
    pub area: Option<String>,
    pub disabled: bool,
    pub verified: bool,
    pub micro_grid_id: Option<NodeId>,
    /// Has a volunteer profile (and so a 党员亮身份 setting staff may propose).
    pub volunteer: bool,
    pub party_member: bool,
    pub party_proposed: bool,
}

/// Accounts whose home micro-grid or any role lies in the area with `code`, matching a
/// name fragment or a phone number (whole, or its last digits). At most 50.
pub async fn search_in_area(pool: &SqlitePool, code: &str, query: &str) -> Result<Vec<AccountRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id AS account_id, p.full_name, a.phone, g.name AS area, a.disabled_at IS NOT NULL AS disabled,
                a.verified_at IS NOT NULL AS verified, p.micro_grid_id,
                EXISTS (SELECT 1 FROM volunteer_profiles v WHERE v.person_id = p.id) AS volunteer,
                p.party_member, p.party_badge_proposed_by IS NOT NULL AS party_proposed
         FROM accounts a JOIN people p ON p.id = a.person_id LEFT JOIN grid_nodes g ON g.id = p.micro_grid_id
         WHERE (instr(p.full_name, ?2) > 0 OR a.phone = ?2 OR (length(?2) >= 4 AND a.phone LIKE '%' || ?2))
           AND ((g.code >= ?1 AND g.code < ?1 || ':')
                OR EXISTS (SELECT 1 FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
                           WHERE r.account_id = a.id AND n.code >= ?1 AND n.code < ?1 || ':'))
         ORDER BY p.full_name, a.id LIMIT 50",
    )
    .bind(code)
    .bind(query)
    .fetch_all(pool)
    .await
}

/// The codes of every area an account is tied to: its home micro-grid and each role's node.
pub async fn tied_codes(conn: &mut SqliteConnection, account_id: AccountId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT g.code FROM accounts a JOIN people p ON p.id = a.person_id JOIN grid_nodes g ON g.id = p.micro_grid_id
         WHERE a.id = ?1
         UNION
         SELECT n.code FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id WHERE r.account_id = ?1",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await
}

/// A volunteer's 党员亮身份 as (shown, proposal waiting); `None` for someone without a
/// volunteer profile.
pub async fn party_badge(conn: &mut SqliteConnection, person: PersonId) -> Result<Option<(bool, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.party_member, p.party_badge_proposed_by IS NOT NULL
         FROM people p JOIN volunteer_profiles v ON v.person_id = p.id WHERE p.id = ?",
    )
    .bind(person)
    .fetch_optional(&mut *conn)
    .await
}

/// The person's own answer: shows the badge or takes it down, and clears any proposal.
pub async fn set_party_badge(conn: &mut SqliteConnection, person: PersonId, shown: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE people SET party_member = ?, party_badge_proposed_by = NULL WHERE id = ?")
        .bind(shown)
        .bind(person)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Staff propose the badge to `person`: only while it is neither shown nor proposed.
/// Returns whether the proposal was written.
pub async fn propose_party_badge(
    conn: &mut SqliteConnection,
    person: PersonId,
    by: AccountId,
) -> Result<bool, sqlx::Error> {
    let written = sqlx::query(
        "UPDATE people SET party_badge_proposed_by = ?
         WHERE id = ? AND party_member = 0 AND party_badge_proposed_by IS NULL",
    )
    .bind(by)
    .bind(person)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(written == 1)
}

/// The person an account belongs to.
pub async fn person_of(conn: &mut SqliteConnection, account: AccountId) -> Result<Option<PersonId>, sqlx::Error> {
    sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?").bind(account).fetch_optional(&mut *conn).await
}

/// Disables (now) or re-enables an account when it is not in that state already.
/// Returns whether anything changed.
pub async fn set_disabled(
    conn: &mut SqliteConnection,
    account_id: AccountId,
    disabled: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let sql = if disabled {
        "UPDATE accounts SET disabled_at = ?2 WHERE id = ?1 AND disabled_at IS NULL"
    } else {
        "UPDATE accounts SET disabled_at = NULL WHERE id = ?1 AND disabled_at IS NOT NULL AND ?2 IS NOT NULL"
    };
    Ok(sqlx::query(sql).bind(account_id).bind(now).execute(&mut *conn).await?.rows_affected() == 1)
}

/// The units of a micro-grid's buildings, as "4号楼 · 1单元", for matching a person to a household.
pub async fn units_of(pool: &SqlitePool, micro_grid: NodeId) -> Result<Vec<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, b.name || ' · ' || u.name FROM grid_nodes b JOIN grid_nodes u ON u.parent_id = b.id
         WHERE b.parent_id = ? AND b.level = 'building' AND u.level = 'unit'
         ORDER BY b.sort_order, b.id, u.sort_order, u.id",
    )
    .bind(micro_grid)
    .fetch_all(pool)
    .await
}

/// A household found by unit and room, with its building and micro-grid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdPlace {
    pub household_id: i64,
    pub building_id: NodeId,
    pub micro_grid_id: NodeId,
    pub micro_grid_code: String,
}

pub async fn household_at(
    conn: &mut SqliteConnection,
    unit: NodeId,
    room: &str,
) -> Result<Option<HouseholdPlace>, sqlx::Error> {
    sqlx::query_as(
        "SELECT h.id AS household_id, b.id AS building_id, m.id AS micro_grid_id, m.code AS micro_grid_code
         FROM households h JOIN grid_nodes u ON u.id = h.node_id JOIN grid_nodes b ON b.id = u.parent_id
         JOIN grid_nodes m ON m.id = b.parent_id
         WHERE h.node_id = ? AND h.room = ? AND u.level = 'unit' AND m.level = 'micro_grid'",
    )
    .bind(unit)
    .bind(room)
    .fetch_optional(&mut *conn)
    .await
}

/// The home micro-grid and household of an account's person, and whether it is verified.
pub async fn home_of(
    conn: &mut SqliteConnection,
    account: AccountId,
) -> Result<Option<(Option<NodeId>, Option<i64>, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.micro_grid_id, p.household_id, a.verified_at IS NOT NULL
         FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = ?",
    )
    .bind(account)
    .fetch_optional(&mut *conn)
    .await
}

/// Places an unverified account's person in a household and marks the account verified by
/// `by`. Returns false when the account was verified meanwhile (nothing written).
pub async fn verify(
    conn: &mut SqliteConnection,
    account: AccountId,
    place: &HouseholdPlace,
    by: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let marked =
        sqlx::query("UPDATE accounts SET verified_at = ?, verified_by = ? WHERE id = ? AND verified_at IS NULL")
            .bind(now)
            .bind(by)
            .bind(account)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if marked != 1 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE people SET household_id = ?, building_id = ? WHERE id = (SELECT person_id FROM accounts WHERE id = ?)",
    )
    .bind(place.household_id)
    .bind(place.building_id)
    .bind(account)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// The stored password hash of a live account.
pub async fn password_hash(conn: &mut SqliteConnection, account_id: AccountId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM accounts WHERE id = ? AND disabled_at IS NULL")
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await
}

/// Replaces the password hash, only if it is still the one the caller verified against.
pub async fn set_password(
    conn: &mut SqliteConnection,
    account_id: AccountId,
    old_hash: &str,
    new_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE accounts SET password_hash = ?3, password_changed_at = ?4 WHERE id = ?1 AND password_hash = ?2",
    )
    .bind(account_id)
    .bind(old_hash)
    .bind(new_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// A person of an area as staff pick them for 代下单: by name, building, unit and room.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResidentRow {
    pub person_id: PersonId,
    pub name: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub has_phone: bool,
}

impl From<ResidentRow> for crate::dto::ResidentChoice {
    fn from(r: ResidentRow) -> Self {
        let place = [r.building, r.unit, r.room].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
        crate::dto::ResidentChoice { person_id: r.person_id, name: r.name, place, has_phone: r.has_phone }
    }
}

/// The people living in `area` (accounts or not), by building, unit and room, at most 500.
pub async fn residents_in_area(pool: &SqlitePool, area: &str) -> Result<Vec<ResidentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id AS person_id, p.full_name AS name, coalesce(b.name, '') AS building,
                coalesce(u.name, '') AS unit, coalesce(h.room, '') AS room, p.phone IS NOT NULL AS has_phone
         FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
         LEFT JOIN grid_nodes b ON b.id = p.building_id
         LEFT JOIN households h ON h.id = p.household_id LEFT JOIN grid_nodes u ON u.id = h.node_id
         WHERE m.code GLOB ?1 || '*'
         ORDER BY b.sort_order, b.id, u.sort_order, u.id, h.room, p.full_name, p.id LIMIT 500",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

/// The units of every building in `area`, as "幸福锦园 · 4号楼 · 1单元".
pub async fn units_in_area(pool: &SqlitePool, area: &str) -> Result<Vec<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, m.name || ' · ' || b.name || ' · ' || u.name
         FROM grid_nodes m JOIN grid_nodes b ON b.parent_id = m.id JOIN grid_nodes u ON u.parent_id = b.id
         WHERE m.code GLOB ?1 || '*' AND m.level = 'micro_grid' AND b.level = 'building' AND u.level = 'unit'
         ORDER BY m.code, b.sort_order, b.id, u.sort_order, u.id",
    )
    .bind(area)
    .fetch_all(pool)
    .await
}

/// The grid code of the micro-grid a person lives in.
pub async fn home_code(conn: &mut SqliteConnection, person: PersonId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT m.code FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id WHERE p.id = ?")
        .bind(person)
        .fetch_optional(&mut *conn)
        .await
}

/// The unit's place (its building and micro-grid) when it is a unit.
pub async fn unit_place(
    conn: &mut SqliteConnection,
    unit: NodeId,
) -> Result<Option<(NodeId, NodeId, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.id, m.id, m.code FROM grid_nodes u JOIN grid_nodes b ON b.id = u.parent_id
         JOIN grid_nodes m ON m.id = b.parent_id
         WHERE u.id = ? AND u.level = 'unit' AND b.level = 'building' AND m.level = 'micro_grid'",
    )
    .bind(unit)
    .fetch_optional(&mut *conn)
    .await
}

/// A resident without a phone or an account (an elder staff place orders for), in the
/// household at `unit`/`room` (created when the room is new). The same name in the same
/// household is the same person: returns `(person id, created)`.
pub async fn register_phoneless(
    conn: &mut SqliteConnection,
    name: &str,
    unit: NodeId,
    room: &str,
    (building_id, micro_grid_id): (NodeId, NodeId),
) -> Result<(PersonId, bool), sqlx::Error> {
    let household: i64 = sqlx::query_scalar(
        "INSERT INTO households (node_id, room) VALUES (?, ?)
         ON CONFLICT (node_id, room) DO UPDATE SET room = excluded.room RETURNING id",
    )
    .bind(unit)
    .bind(room)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(id) = sqlx::query_scalar("SELECT id FROM people WHERE household_id = ? AND full_name = ?")
        .bind(household)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok((id, false));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO people (full_name, household_id, micro_grid_id, building_id) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(household)
    .bind(micro_grid_id)
    .bind(building_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, true))
}

/// The account of a person, if they have one (someone registered by staff may not).
pub async fn account_of(conn: &mut SqliteConnection, person: PersonId) -> Result<Option<AccountId>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE person_id = ?").bind(person).fetch_optional(conn).await
}
