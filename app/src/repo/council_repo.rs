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
    pub version: i64,
    pub supporters: i64,
    pub mine: bool,
}

const LISTED: &str = "
    SELECT t.id, t.node_id, n.code, n.name AS area, t.audience, t.title, t.body, t.raised_at, t.support_until,
           t.threshold, t.stage, t.reason, t.raised_by, t.merged_into, t.item_id, t.escalated_at, t.version,
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

/// The people who supported a topic for their household (to tell them of a merge).
pub async fn supporters(conn: &mut SqliteConnection, topic: i64) -> Result<Vec<PersonId>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT person_id FROM council_supports WHERE topic_id = ? AND person_id IS NOT NULL ORDER BY 1",
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
