//! 驿站活动 and their sign-ups. A sign-up's seat is decided by `domain::activity::Seats`
//! from the counts read in the same `BEGIN IMMEDIATE` transaction, and the schema's
//! triggers refuse any write that would seat more people than the activity has seats.
use crate::domain::activity::{AttendanceVia, HoursStatus, NewActivity, Seats, SignupStatus};
use crate::domain::ids::{AccountId, NodeId, PersonId};
use sqlx::{SqliteConnection, SqlitePool};

/// A station as publishing needs it: its micro-grid's id and code.
pub async fn station(conn: &mut SqliteConnection, station: i64) -> Result<Option<(NodeId, String)>, sqlx::Error> {
    sqlx::query_as("SELECT g.id, g.code FROM stations s JOIN grid_nodes g ON g.id = s.node_id WHERE s.id = ?")
        .bind(station)
        .fetch_optional(conn)
        .await
}

/// Writes every occurrence of `new` at `station` for `audience`; the first one's id is the
/// series' (and the others name it). Returns the first id.
pub async fn insert(
    conn: &mut SqliteConnection,
    new: &NewActivity,
    station: i64,
    audience: NodeId,
    by: AccountId,
) -> Result<i64, sqlx::Error> {
    let mut first: Option<i64> = None;
    for o in &new.occurrences {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO activities (series_id, station_id, node_id, kind, title, description, starts_at, ends_at,
                                     capacity, held_seats, signup_opens_at, signup_closes_at, created_by, checkin_secret)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(first)
        .bind(station)
        .bind(audience)
        .bind(new.kind.as_str())
        .bind(&new.title)
        .bind(&new.description)
        .bind(o.starts_at)
        .bind(o.ends_at)
        .bind(new.capacity)
        .bind(new.held)
        .bind(o.signup_opens_at)
        .bind(o.signup_closes_at)
        .bind(by)
        .bind(hex::encode(rand::random::<[u8; 16]>()))
        .fetch_one(&mut *conn)
        .await?;
        first.get_or_insert(id);
    }
    // An activity has at least one occurrence (the domain never leaves none).
    first.ok_or(sqlx::Error::RowNotFound)
}

/// One occurrence as a sign-up needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Slot {
    pub title: String,
    /// The audience's node.
    pub node_id: NodeId,
    pub code: String,
    pub status: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub signup_opens_at: i64,
    pub signup_closes_at: i64,
    /// The key of its rotating check-in code.
    pub checkin_secret: Option<String>,
}

/// The occurrence's times, as the domain's rules take them (a row of [`Slot`] or [`Listed`]).
macro_rules! occurrence_of {
    ($row:ty) => {
        impl $row {
            pub fn occurrence(&self) -> crate::domain::activity::Occurrence {
                crate::domain::activity::Occurrence {
                    starts_at: self.starts_at,
                    ends_at: self.ends_at,
                    signup_opens_at: self.signup_opens_at,
                    signup_closes_at: self.signup_closes_at,
                }
            }
        }
    };
}
occurrence_of!(Slot);
occurrence_of!(Listed);

pub async fn slot(conn: &mut SqliteConnection, activity: i64) -> Result<Option<Slot>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.title, a.node_id, g.code, a.status, a.starts_at, a.ends_at, a.signup_opens_at, a.signup_closes_at,
                a.checkin_secret
         FROM activities a JOIN grid_nodes g ON g.id = a.node_id WHERE a.id = ?",
    )
    .bind(activity)
    .fetch_optional(conn)
    .await
}

/// The occurrence's seats as they are now.
pub async fn seats(conn: &mut SqliteConnection, activity: i64) -> Result<Seats, sqlx::Error> {
    let (capacity, held, own_in, staff_in): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT a.capacity, a.held_seats,
                (SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.status = 'in' AND s.by_staff = 0),
                (SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.status = 'in' AND s.by_staff = 1)
         FROM activities a WHERE a.id = ?",
    )
    .bind(activity)
    .fetch_one(conn)
    .await?;
    Ok(Seats { capacity, held, own_in, staff_in })
}

/// Where `person` stands for the occurrence, if they ever signed up.
pub async fn status_of(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
) -> Result<Option<SignupStatus>, sqlx::Error> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM activity_signups WHERE activity_id = ? AND person_id = ?")
            .bind(activity)
            .bind(person)
            .fetch_optional(conn)
            .await?;
    Ok(status.as_deref().and_then(SignupStatus::parse))
}

/// Signs `person` up as `status`, at the end of the queue: a new row, or their cancelled one
/// taken back. False when they already hold a seat or a place in the queue.
pub async fn sign_up(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
    status: SignupStatus,
    by_staff: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO activity_signups (activity_id, person_id, status, by_staff, queue_no, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4,
                 (SELECT coalesce(max(queue_no), 0) + 1 FROM activity_signups WHERE activity_id = ?1), ?5, ?5)
         ON CONFLICT (activity_id, person_id) DO UPDATE
            SET status = excluded.status, by_staff = excluded.by_staff, queue_no = excluded.queue_no,
                updated_at = excluded.updated_at
          WHERE activity_signups.status = 'cancelled'",
    )
    .bind(activity)
    .bind(person)
    .bind(status.as_str())
    .bind(by_staff)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives up `person`'s seat or place, if they hold `was`; whether it changed.
pub async fn cancel(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
    was: SignupStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE activity_signups SET status = 'cancelled', updated_at = ?
         WHERE activity_id = ? AND person_id = ? AND status = ?",
    )
    .bind(now)
    .bind(activity)
    .bind(person)
    .bind(was.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The waiting sign-ups in their order: (sign-up id, made by staff).
pub async fn queue(conn: &mut SqliteConnection, activity: i64) -> Result<Vec<(i64, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, by_staff FROM activity_signups WHERE activity_id = ? AND status = 'waiting' ORDER BY queue_no",
    )
    .bind(activity)
    .fetch_all(conn)
    .await
}

/// Seats the waiting sign-up `signup`; its person, when it still waited.
pub async fn admit(conn: &mut SqliteConnection, signup: i64, now: i64) -> Result<Option<PersonId>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE activity_signups SET status = 'in', updated_at = ? WHERE id = ? AND status = 'waiting' RETURNING person_id",
    )
    .bind(now)
    .bind(signup)
    .fetch_optional(conn)
    .await
}

/// An occurrence as the list and its page show it, with the viewer's own standing.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub station: String,
    pub address: String,
    pub audience: String,
    pub audience_code: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub signup_opens_at: i64,
    pub signup_closes_at: i64,
    pub capacity: i64,
    pub held_seats: i64,
    pub own_in: i64,
    pub staff_in: i64,
    pub waiting: i64,
    pub mine: Option<String>,
    /// The viewer's place in the queue (1: next), while they wait.
    pub my_place: Option<i64>,
}

const LISTED: &str = "
    SELECT a.id, a.kind, a.title, a.description, s.name AS station, s.address, g.name AS audience, g.code AS audience_code,
           a.starts_at, a.ends_at, a.signup_opens_at, a.signup_closes_at, a.capacity, a.held_seats,
           (SELECT count(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'in' AND x.by_staff = 0) AS own_in,
           (SELECT count(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'in' AND x.by_staff = 1) AS staff_in,
           (SELECT count(*) FROM activity_signups x WHERE x.activity_id = a.id AND x.status = 'waiting') AS waiting,
           m.status AS mine,
           CASE WHEN m.status = 'waiting' THEN
               (SELECT count(*) FROM activity_signups x
                 WHERE x.activity_id = a.id AND x.status = 'waiting' AND x.queue_no <= m.queue_no)
           END AS my_place
    FROM activities a
    JOIN stations s ON s.id = a.station_id
    JOIN grid_nodes g ON g.id = a.node_id
    LEFT JOIN activity_signups m ON m.activity_id = a.id AND m.person_id = ?1";

/// The coming occurrences (not yet ended at `now`) for a person living in `home` (their
/// micro-grid's code: activities whose audience contains it) or working over `scope` (a
/// staff area: activities inside it), soonest first.
pub async fn coming(
    pool: &SqlitePool,
    person: PersonId,
    home: Option<&str>,
    scope: Option<&str>,
    now: i64,
    limit: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let sql = format!(
        "{LISTED}
         WHERE a.status = 'published' AND a.ends_at > ?2
           AND ((?3 IS NOT NULL AND substr(?3, 1, length(g.code)) = g.code)
             OR (?4 IS NOT NULL AND substr(g.code, 1, length(?4)) = ?4))
         ORDER BY a.starts_at, a.id LIMIT ?5"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .bind(now)
        .bind(home)
        .bind(scope)
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// One occurrence with the viewer's standing.
pub async fn one(pool: &SqlitePool, person: PersonId, activity: i64) -> Result<Option<Listed>, sqlx::Error> {
    let sql = format!("{LISTED} WHERE a.id = ?2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(person).bind(activity).fetch_optional(pool).await
}

/// Who signed up, for staff: (person, volunteer, name, status, by staff), seats first, then
/// the queue.
pub async fn signups(pool: &SqlitePool, activity: i64) -> Result<Vec<(i64, bool, String, String, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, EXISTS (SELECT 1 FROM volunteer_profiles v WHERE v.person_id = p.id), p.full_name, s.status, s.by_staff
         FROM activity_signups s JOIN people p ON p.id = s.person_id
         WHERE s.activity_id = ? AND s.status <> 'cancelled'
         ORDER BY s.status = 'waiting', s.queue_no",
    )
    .bind(activity)
    .fetch_all(pool)
    .await
}

/// The stations inside `scope` (a staff area): (id, name), for the publish form.
pub async fn stations_within(pool: &SqlitePool, scope: &str) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.name FROM stations s JOIN grid_nodes g ON g.id = s.node_id
         WHERE substr(g.code, 1, length(?1)) = ?1 ORDER BY g.code, s.id",
    )
    .bind(scope)
    .fetch_all(pool)
    .await
}

/// Someone's attendance at an occurrence.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attendance {
    pub person_id: PersonId,
    pub name: String,
    pub via: String,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    pub hours_status: String,
    pub half_hours: Option<i64>,
    pub makeup_reason: Option<String>,
}

impl Attendance {
    pub fn via(&self) -> AttendanceVia {
        AttendanceVia::parse(&self.via).unwrap_or(AttendanceVia::Code)
    }

    pub fn hours_status(&self) -> HoursStatus {
        HoursStatus::parse(&self.hours_status).unwrap_or(HoursStatus::None)
    }
}

const ATTENDANCE: &str = "
    SELECT t.person_id, p.full_name AS name, t.via, t.checked_in_at, t.checked_out_at, t.hours_status, t.half_hours,
           t.makeup_reason
    FROM activity_attendance t JOIN people p ON p.id = t.person_id";

/// `person`'s attendance at the occurrence, if any.
pub async fn attendance_of(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
) -> Result<Option<Attendance>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{ATTENDANCE} WHERE t.activity_id = ? AND t.person_id = ?")))
        .bind(activity)
        .bind(person)
        .fetch_optional(conn)
        .await
}

/// Everyone who came (and every make-up entry), in the order they came.
pub async fn attendance(pool: &SqlitePool, activity: i64) -> Result<Vec<Attendance>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ATTENDANCE} WHERE t.activity_id = ? ORDER BY t.checked_in_at IS NULL, t.checked_in_at, t.id"
    )))
    .bind(activity)
    .fetch_all(pool)
    .await
}

/// Checks `person` in at `now`; a volunteer's hours wait for the organiser ([`is_volunteer`]
/// says who earns hours). False when they are already in the list.
pub async fn check_in(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
    via: AttendanceVia,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let hours = if is_volunteer(&mut *conn, person).await? { HoursStatus::Pending } else { HoursStatus::None };
    let done = sqlx::query(
        "INSERT INTO activity_attendance (activity_id, person_id, via, checked_in_at, hours_status)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (activity_id, person_id) DO NOTHING",
    )
    .bind(activity)
    .bind(person)
    .bind(via.as_str())
    .bind(now)
    .bind(hours.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Checks `person` out at `now`, once, after they checked in.
pub async fn check_out(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE activity_attendance SET checked_out_at = ?
         WHERE activity_id = ? AND person_id = ? AND checked_in_at IS NOT NULL AND checked_out_at IS NULL",
    )
    .bind(now)
    .bind(activity)
    .bind(person)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Confirms `person`'s pending hours as `half_hours`; false when they were not pending.
pub async fn confirm_hours(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
    half_hours: i64,
    by: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE activity_attendance SET hours_status = 'confirmed', half_hours = ?, confirmed_by = ?, confirmed_at = ?
         WHERE activity_id = ? AND person_id = ? AND hours_status = 'pending'",
    )
    .bind(half_hours)
    .bind(by)
    .bind(now)
    .bind(activity)
    .bind(person)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A make-up entry (补录) for `person`, confirmed as written; false when they already have
/// an entry.
pub async fn make_up(
    conn: &mut SqliteConnection,
    activity: i64,
    person: PersonId,
    half_hours: i64,
    reason: &str,
    by: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO activity_attendance (activity_id, person_id, via, hours_status, half_hours, makeup_reason,
                                          confirmed_by, confirmed_at)
         VALUES (?, ?, 'makeup', 'confirmed', ?, ?, ?, ?)
         ON CONFLICT (activity_id, person_id) DO NOTHING",
    )
    .bind(activity)
    .bind(person)
    .bind(half_hours)
    .bind(reason)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether `person` is a volunteer (only volunteers earn hours; everyone else's attendance
/// is a list entry).
pub async fn is_volunteer(conn: &mut SqliteConnection, person: PersonId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM volunteer_profiles WHERE person_id = ?)")
        .bind(person)
        .fetch_one(conn)
        .await
}

/// A person's name (for the organiser who scanned their code).
pub async fn name_of(conn: &mut SqliteConnection, person: PersonId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT full_name FROM people WHERE id = ?").bind(person).fetch_optional(conn).await
}

/// A 民情 item or an order an activity may have raised, with the words staff know it by.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RaisedRow {
    pub kind: String,
    pub id: i64,
    pub text: String,
}

/// What an activity in the area `code` may have raised: the 民情 items and orders of the
/// area created from `since` on, newest first, at most `limit` of each.
pub async fn raised_since(
    db: impl sqlx::SqliteExecutor<'_>,
    code: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<RaisedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT * FROM (
           SELECT 'sentiment' AS kind, i.id, substr(i.description, 1, 40) AS text FROM sentiment_items i
           JOIN grid_nodes m ON m.id = i.micro_grid_id
           WHERE m.code GLOB ?1 || '*' AND i.created_at >= ?2 ORDER BY i.created_at DESC, i.id DESC LIMIT ?3)
         UNION ALL
         SELECT * FROM (
           SELECT 'order' AS kind, o.id, o.title AS text FROM service_orders o
           JOIN grid_nodes m ON m.id = o.micro_grid_id
           WHERE m.code GLOB ?1 || '*' AND o.created_at >= ?2 ORDER BY o.created_at DESC, o.id DESC LIMIT ?3)",
    )
    .bind(code)
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Writes the occurrence's 纪要 with the people checked in now; false when it has one.
pub async fn write_record(
    conn: &mut SqliteConnection,
    activity: i64,
    body: &str,
    by: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let written = sqlx::query(
        "INSERT INTO activity_records (activity_id, body, attended, written_by, written_at)
         SELECT ?1, ?2, (SELECT count(*) FROM activity_attendance
                         WHERE activity_id = ?1 AND checked_in_at IS NOT NULL), ?3, ?4
         ON CONFLICT (activity_id) DO NOTHING",
    )
    .bind(activity)
    .bind(body)
    .bind(by)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(written == 1)
}

/// Links what the activity raised to its 纪要, and the 朋友圈 post it became.
pub async fn link_record(
    conn: &mut SqliteConnection,
    activity: i64,
    raised: &[crate::domain::activity::Raised],
    post: i64,
) -> Result<(), sqlx::Error> {
    for r in raised {
        sqlx::query("INSERT OR IGNORE INTO activity_record_links (activity_id, kind, target_id) VALUES (?, ?, ?)")
            .bind(activity)
            .bind(r.kind())
            .bind(r.id())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE activity_records SET post_id = ? WHERE activity_id = ?")
        .bind(post)
        .bind(activity)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An occurrence's 纪要: (text, people checked in, written at).
pub async fn record(pool: &SqlitePool, activity: i64) -> Result<Option<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT body, attended, written_at FROM activity_records WHERE activity_id = ?")
        .bind(activity)
        .fetch_optional(pool)
        .await
}

/// Adds a photo to an occurrence's 纪要 unless it holds [`RECORD_PHOTOS`] already: the
/// count is read by the insert itself. `None`: it is full (or has no record).
///
/// [`RECORD_PHOTOS`]: crate::domain::activity::RECORD_PHOTOS
pub async fn add_record_photo(
    conn: &mut SqliteConnection,
    activity: i64,
    mime: &str,
    (width, height): (u32, u32),
    bytes: &[u8],
    by: AccountId,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO activity_record_photos (activity_id, mime, width, height, bytes, added_by)
         SELECT activity_id, ?2, ?3, ?4, ?5, ?6 FROM activity_records
         WHERE activity_id = ?1 AND (SELECT count(*) FROM activity_record_photos WHERE activity_id = ?1) < ?7
         RETURNING id",
    )
    .bind(activity)
    .bind(mime)
    .bind(width)
    .bind(height)
    .bind(bytes)
    .bind(by)
    .bind(crate::domain::activity::RECORD_PHOTOS)
    .fetch_optional(&mut *conn)
    .await
}

/// How many photos an occurrence's 纪要 holds; `None`: it has no record.
pub async fn record_photos_held(conn: &mut SqliteConnection, activity: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM activity_record_photos p WHERE p.activity_id = r.activity_id)
         FROM activity_records r WHERE r.activity_id = ?",
    )
    .bind(activity)
    .fetch_optional(&mut *conn)
    .await
}

/// The photo ids of an occurrence's 纪要, oldest first.
pub async fn record_photo_ids(pool: &SqlitePool, activity: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM activity_record_photos WHERE activity_id = ? ORDER BY id")
        .bind(activity)
        .fetch_all(pool)
        .await
}

/// A 纪要 photo's occurrence, type and bytes.
pub async fn record_photo(pool: &SqlitePool, id: i64) -> Result<Option<(i64, String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as("SELECT activity_id, mime, bytes FROM activity_record_photos WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// What a 纪要 links, with the words staff know each by.
pub async fn record_links(pool: &SqlitePool, activity: i64) -> Result<Vec<RaisedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.kind, l.target_id AS id,
                coalesce(CASE l.kind WHEN 'sentiment' THEN (SELECT substr(description, 1, 40) FROM sentiment_items
                                                           WHERE id = l.target_id)
                                     ELSE (SELECT title FROM service_orders WHERE id = l.target_id) END, '') AS text
         FROM activity_record_links l WHERE l.activity_id = ? ORDER BY l.kind, l.target_id",
    )
    .bind(activity)
    .fetch_all(pool)
    .await
}
