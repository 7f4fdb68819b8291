//! 议事会's topics and their support. A household supports a topic once (the primary key of
//! `council_supports`), and only while the topic collects, inside its window: the insert
//! itself checks both. Screening is a versioned, conditional update.
use crate::domain::ids::{AccountId, NodeId, PersonId};
use sqlx::{SqliteConnection, SqlitePool};

/// A topic as its pages show it, with how many households support it and whether the
/// viewer's does.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub node_id: NodeId,
    pub code: String,
    pub area: String,
    pub audience: String,
    pub title: String,
    pub body: String,
    pub raised_at: i64,
    pub support_until: i64,
    pub threshold: i64,
    pub stage: String,
    pub reason: Option<String>,
    pub raised_by: Option<PersonId>,
    pub merged_into: Option<i64>,
    pub item_id: Option<i64>,
    pub escalated_at: Option<i64>,
    pub meeting_id: Option<i64>,
    pub version: i64,
    pub supporters: i64,
    pub mine: bool,
}

const LISTED: &str = "
    SELECT t.id, t.node_id, n.code, n.name AS area, t.audience, t.title, t.body, t.raised_at, t.support_until,
           t.threshold, t.stage, t.reason, t.raised_by, t.merged_into, t.item_id, t.escalated_at, t.meeting_id,
           t.version,
           (SELECT count(*) FROM council_supports s WHERE s.topic_id = t.id) AS supporters,
           EXISTS (SELECT 1 FROM council_supports s WHERE s.topic_id = t.id AND s.household_id = ?1) AS mine
    FROM council_topics t
    JOIN grid_nodes n ON n.id = t.node_id";

/// The topics a person living in `home` (a micro-grid's code) and working for `scope` sees:
/// those of the areas around their home, and those inside the area they work for; newest
/// first. `household`: the viewer's, for `mine`.
pub async fn topics_for(
    pool: &SqlitePool,
    household: Option<i64>,
    home: Option<&str>,
    scope: Option<&str>,
    limit: i64,
) -> Result<Vec<TopicRow>, sqlx::Error> {
    let sql = format!(
        "{LISTED}
         WHERE (?2 IS NOT NULL AND ?2 GLOB n.code || '*') OR (?3 IS NOT NULL AND n.code GLOB ?3 || '*')
         ORDER BY t.raised_at DESC, t.id DESC LIMIT ?4"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(household).bind(home).bind(scope).bind(limit).fetch_all(pool).await
}

/// One topic.
pub async fn topic(
    conn: &mut SqliteConnection,
    household: Option<i64>,
    id: i64,
) -> Result<Option<TopicRow>, sqlx::Error> {
    let sql = format!("{LISTED} WHERE t.id = ?2");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(household).bind(id).fetch_optional(&mut *conn).await
}

/// The person's household and home micro-grid's code.
pub async fn home_of(
    conn: &mut SqliteConnection,
    person: PersonId,
) -> Result<Option<(Option<i64>, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.household_id, m.code FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id WHERE p.id = ?",
    )
    .bind(person)
    .fetch_optional(&mut *conn)
    .await
}

/// How many households live inside the area `code`.
pub async fn households_in(conn: &mut SqliteConnection, code: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM households h JOIN grid_nodes n ON n.id = h.node_id WHERE n.code GLOB ? || '*'",
    )
    .bind(code)
    .fetch_one(&mut *conn)
    .await
}

/// A new topic, as it is raised.
#[derive(Debug, Clone)]
pub struct NewTopic<'a> {
    pub node: NodeId,
    pub audience: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub raised_by: PersonId,
    pub raised_at: i64,
    pub support_until: i64,
    pub threshold: i64,
}

pub async fn insert_topic(conn: &mut SqliteConnection, t: &NewTopic<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO council_topics (node_id, audience, title, body, raised_by, raised_at, support_until, threshold)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(t.node)
    .bind(t.audience)
    .bind(t.title)
    .bind(t.body)
    .bind(t.raised_by)
    .bind(t.raised_at)
    .bind(t.support_until)
    .bind(t.threshold)
    .fetch_one(&mut *conn)
    .await
}

/// The household's support, while the topic collects and its window is open; `false` when
/// the household supports it already or the topic no longer takes support.
pub async fn support(
    conn: &mut SqliteConnection,
    topic: i64,
    household: i64,
    person: PersonId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO council_supports (topic_id, household_id, person_id, at)
         SELECT id, ?2, ?3, ?4 FROM council_topics WHERE id = ?1 AND stage = 'collecting' AND support_until > ?4
         ON CONFLICT (topic_id, household_id) DO NOTHING",
    )
    .bind(topic)
    .bind(household)
    .bind(person)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Staff's answer to a topic: its new stage, with the reason of a decline, the topic a
/// merged one goes into, or the 民情 item a referred one became.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub stage: &'a str,
    pub reason: Option<&'a str>,
    pub merged_into: Option<i64>,
    pub item: Option<i64>,
}

/// Staff's answer, on the version they saw and only while the topic collects; `false` when
/// it changed meanwhile.
pub async fn screen(
    conn: &mut SqliteConnection,
    topic: i64,
    version: i64,
    answer: Answer<'_>,
    by: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE council_topics SET stage = ?3, reason = ?4, merged_into = ?5, item_id = ?6, screened_by = ?7,
                screened_at = ?8, version = version + 1
         WHERE id = ?1 AND version = ?2 AND stage = 'collecting'",
    )
    .bind(topic)
    .bind(version)
    .bind(answer.stage)
    .bind(answer.reason)
    .bind(answer.merged_into)
    .bind(answer.item)
    .bind(by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A merge's supporters move: each household supporting `from` supports `into` too (once:
/// one supporting both counts once), as of when it first supported. The rows of `from`
/// stay, as its history. Answers how many households `into` gained.
pub async fn move_supports(conn: &mut SqliteConnection, from: i64, into: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO council_supports (topic_id, household_id, person_id, at)
         SELECT ?2, household_id, person_id, at FROM council_supports WHERE topic_id = ?1
         ON CONFLICT (topic_id, household_id) DO NOTHING",
    )
    .bind(from)
    .bind(into)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The accounts of the people who supported a topic for their household (to tell them of
/// a merge or a meeting), in one read.
pub async fn supporter_accounts(conn: &mut SqliteConnection, topic: i64) -> Result<Vec<AccountId>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT a.id FROM council_supports s JOIN accounts a ON a.person_id = s.person_id
         WHERE s.topic_id = ? ORDER BY 1",
    )
    .bind(topic)
    .fetch_all(&mut *conn)
    .await
}

/// The topics another one may be merged into: alive and not decided on, of the area `code`
/// or one around it, but `except` itself; newest first.
pub async fn merge_targets(
    pool: &SqlitePool,
    code: &str,
    except: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.title FROM council_topics t JOIN grid_nodes n ON n.id = t.node_id
         WHERE ?1 GLOB n.code || '*' AND t.id <> ?2 AND t.stage IN ('collecting', 'accepted')
         ORDER BY t.raised_at DESC, t.id DESC LIMIT ?3",
    )
    .bind(code)
    .bind(except)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A topic unanswered for too long: what its 督办 needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnansweredRow {
    pub id: i64,
    pub code: String,
    pub audience: String,
    pub title: String,
    pub raised_at: i64,
}

/// Topics still collecting, raised before `before` and never sent up.
pub async fn unanswered(conn: &mut SqliteConnection, before: i64) -> Result<Vec<UnansweredRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, n.code, t.audience, t.title, t.raised_at FROM council_topics t JOIN grid_nodes n ON n.id = t.node_id
         WHERE t.stage = 'collecting' AND t.escalated_at IS NULL AND t.raised_at < ?",
    )
    .bind(before)
    .fetch_all(&mut *conn)
    .await
}

/// Marks the topic sent up (督办), once and only while still unanswered; `false` when it
/// was answered or sent up meanwhile. Not an edit: staff answering the version they saw
/// still may.
pub async fn escalate(conn: &mut SqliteConnection, topic: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE council_topics SET escalated_at = ?2
         WHERE id = ?1 AND stage = 'collecting' AND escalated_at IS NULL",
    )
    .bind(topic)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A 议事坊 activity as a meeting: when and where, and once a topic was scheduled to it its
/// quorum, the roles invited (comma-separated), who checked in and how many topics it has.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingRow {
    pub activity_id: i64,
    pub title: String,
    pub starts_at: i64,
    pub station: String,
    /// The code of the area it is for.
    pub code: String,
    pub quorum: Option<i64>,
    pub invited: Option<String>,
    pub attended: i64,
    pub agenda: i64,
}

const MEETINGS: &str = "
    SELECT a.id AS activity_id, a.title, a.starts_at, s.name AS station, n.code, m.quorum,
           (SELECT group_concat(i.role) FROM council_meeting_invited i WHERE i.activity_id = a.id) AS invited,
           (SELECT count(*) FROM activity_attendance d WHERE d.activity_id = a.id AND d.checked_in_at IS NOT NULL)
               AS attended,
           (SELECT count(*) FROM council_topics t WHERE t.meeting_id = a.id) AS agenda
    FROM activities a JOIN grid_nodes n ON n.id = a.node_id JOIN stations s ON s.id = a.station_id
    LEFT JOIN council_meetings m ON m.activity_id = a.id";

/// The 议事坊 activities ahead (published, starting after `now`) that a topic of the area
/// `code` may be scheduled to: those of its area or one around it; soonest first.
pub async fn meetings_ahead(
    pool: &SqlitePool,
    code: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<MeetingRow>, sqlx::Error> {
    let sql = format!(
        "{MEETINGS}
         WHERE a.kind = 'council' AND a.status = 'published' AND a.starts_at > ?2 AND ?1 GLOB n.code || '*'
         ORDER BY a.starts_at, a.id LIMIT ?3"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).bind(now).bind(limit).fetch_all(pool).await
}

/// One 议事坊 activity as a meeting, past or ahead, unless it was cancelled.
pub async fn meeting(conn: &mut SqliteConnection, activity: i64) -> Result<Option<MeetingRow>, sqlx::Error> {
    let sql = format!("{MEETINGS} WHERE a.id = ?1 AND a.kind = 'council' AND a.status = 'published'");
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(activity).fetch_optional(&mut *conn).await
}

/// Makes the activity a meeting with `quorum` and the roles `invited`, unless it is one
/// already (then it keeps what it has); `true` when this made it one.
pub async fn make_meeting(
    conn: &mut SqliteConnection,
    activity: i64,
    quorum: i64,
    invited: &[&str],
    by: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let made = sqlx::query(
        "INSERT INTO council_meetings (activity_id, quorum, set_by, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (activity_id) DO NOTHING",
    )
    .bind(activity)
    .bind(quorum)
    .bind(by)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if made {
        for role in invited {
            sqlx::query("INSERT OR IGNORE INTO council_meeting_invited (activity_id, role) VALUES (?, ?)")
                .bind(activity)
                .bind(role)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(made)
}

/// Puts an accepted topic on a meeting's agenda (已排期), on the version staff saw; `false`
/// when it changed meanwhile.
pub async fn schedule(
    conn: &mut SqliteConnection,
    topic: i64,
    version: i64,
    meeting: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE council_topics SET stage = 'scheduled', meeting_id = ?3, version = version + 1
         WHERE id = ?1 AND version = ?2 AND stage = 'accepted'",
    )
    .bind(topic)
    .bind(version)
    .bind(meeting)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A meeting's agenda: the topics scheduled to it, (id, title), in the order they were raised.
pub async fn agenda(pool: &SqlitePool, activity: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, title FROM council_topics WHERE meeting_id = ? ORDER BY raised_at, id")
        .bind(activity)
        .fetch_all(pool)
        .await
}

/// Moves a topic from stage `from` to `to` (the same, to mark an edit) on the version staff
/// saw; `false` when it changed meanwhile.
pub async fn advance(
    conn: &mut SqliteConnection,
    topic: i64,
    version: i64,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE council_topics SET stage = ?4, version = version + 1 WHERE id = ?1 AND version = ?2 AND stage = ?3",
    )
    .bind(topic)
    .bind(version)
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A topic's minutes as written, with the secretary's and the chair's names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MinutesRow {
    pub motion: String,
    pub votes_for: i64,
    pub votes_against: i64,
    pub abstaining: i64,
    pub decision: String,
    pub owner: String,
    pub deadline: i64,
    pub secretary_id: AccountId,
    pub secretary: String,
    pub written_at: i64,
    pub chair: Option<String>,
    pub signed_at: Option<i64>,
}

pub async fn minutes(conn: &mut SqliteConnection, topic: i64) -> Result<Option<MinutesRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.motion, m.votes_for, m.votes_against, m.abstaining, m.decision, m.owner, m.deadline, m.secretary_id,
                sp.full_name AS secretary, m.written_at, cp.full_name AS chair, m.signed_at
         FROM council_minutes m
         JOIN accounts sa ON sa.id = m.secretary_id JOIN people sp ON sp.id = sa.person_id
         LEFT JOIN accounts ca ON ca.id = m.chair_id LEFT JOIN people cp ON cp.id = ca.person_id
         WHERE m.topic_id = ?",
    )
    .bind(topic)
    .fetch_optional(&mut *conn)
    .await
}

/// Minutes as the secretary writes them.
#[derive(Debug, Clone)]
pub struct NewMinutes<'a> {
    pub motion: &'a str,
    pub votes: [i64; 3],
    pub decision: &'a str,
    pub owner: &'a str,
    pub deadline: i64,
}

/// Writes a topic's minutes, or rewrites them while unsigned (the secretary becomes who
/// wrote them last); `false` when they are signed.
pub async fn write_minutes(
    conn: &mut SqliteConnection,
    topic: i64,
    m: &NewMinutes<'_>,
    secretary: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO council_minutes (topic_id, motion, votes_for, votes_against, abstaining, decision, owner, deadline,
                                      secretary_id, written_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (topic_id) DO UPDATE SET motion = excluded.motion, votes_for = excluded.votes_for,
             votes_against = excluded.votes_against, abstaining = excluded.abstaining, decision = excluded.decision,
             owner = excluded.owner, deadline = excluded.deadline, secretary_id = excluded.secretary_id,
             written_at = excluded.written_at
         WHERE council_minutes.signed_at IS NULL",
    )
    .bind(topic)
    .bind(m.motion)
    .bind(m.votes[0])
    .bind(m.votes[1])
    .bind(m.votes[2])
    .bind(m.decision)
    .bind(m.owner)
    .bind(m.deadline)
    .bind(secretary)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The chair signs the minutes, once, and never their own; `false` otherwise.
pub async fn sign_minutes(
    conn: &mut SqliteConnection,
    topic: i64,
    chair: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE council_minutes SET chair_id = ?2, signed_at = ?3
         WHERE topic_id = ?1 AND signed_at IS NULL AND secretary_id <> ?2",
    )
    .bind(topic)
    .bind(chair)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
