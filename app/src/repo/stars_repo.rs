//! Reads of star elections and candidates with their real service records.
use sqlx::SqlitePool;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ElectionRow {
    pub id: i64,
    pub title: String,
    pub scope_name: String,
    pub stars: i64,
    pub votes_per_voter: i64,
    pub voting_start: i64,
    pub voting_end: i64,
    pub live_tally: bool,
    pub scope_node_id: i64,
}

/// The election running now (voting or public notice) whose scope contains `area`,
/// or any running election when `area` is empty.
pub async fn current(pool: &SqlitePool, area: &str, now: i64) -> Result<Option<ElectionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.title, n.name AS scope_name, e.stars, e.votes_per_voter, e.voting_start, e.voting_end, e.live_tally,
                e.scope_node_id
         FROM star_elections e JOIN grid_nodes n ON n.id = e.scope_node_id
         WHERE e.nomination_start <= ?1 AND e.notice_end > ?1 AND (?2 = '' OR ?2 GLOB n.code || '*')
         ORDER BY e.voting_end LIMIT 1",
    )
    .bind(now)
    .bind(area)
    .fetch_optional(pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandidateRow {
    pub nomination_id: i64,
    pub name: String,
    pub intro: String,
    pub micro_grid: Option<String>,
    pub service_minutes: i64,
    pub orders_completed: i64,
    pub avg_rating: Option<f64>,
    pub sections: Option<String>,
    pub votes: i64,
}

/// Approved candidates with their confirmed service records and vote counts.
pub async fn candidates(pool: &SqlitePool, election_id: i64) -> Result<Vec<CandidateRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT nm.id AS nomination_id, p.full_name AS name, nm.intro, m.name AS micro_grid,
                coalesce(sum(o.minutes_spent), 0) AS service_minutes, count(o.id) AS orders_completed,
                avg(o.rating) AS avg_rating, group_concat(DISTINCT o.section) AS sections,
                (SELECT count(*) FROM star_votes v WHERE v.nomination_id = nm.id) AS votes
         FROM nominations nm JOIN people p ON p.id = nm.person_id
         LEFT JOIN grid_nodes m ON m.id = p.micro_grid_id
         LEFT JOIN service_orders o ON o.taker_id = p.id AND o.status = 'completed'
         WHERE nm.election_id = ? AND nm.status = 'approved'
         GROUP BY nm.id ORDER BY service_minutes DESC, nm.id",
    )
    .bind(election_id)
    .fetch_all(pool)
    .await
}

/// What a vote needs to know about the nomination it is for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VoteFacts {
    pub election_id: i64,
    pub approved: bool,
    pub voting_start: i64,
    pub voting_end: i64,
    pub votes_per_voter: i64,
    pub scope_code: String,
}

pub async fn vote_facts(
    conn: &mut sqlx::SqliteConnection,
    nomination_id: i64,
) -> Result<Option<VoteFacts>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id AS election_id, n.status = 'approved' AS approved, e.voting_start, e.voting_end, e.votes_per_voter,
                s.code AS scope_code
         FROM nominations n JOIN star_elections e ON e.id = n.election_id JOIN grid_nodes s ON s.id = e.scope_node_id
         WHERE n.id = ?",
    )
    .bind(nomination_id)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn votes_by(conn: &mut sqlx::SqliteConnection, election_id: i64, voter: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM star_votes WHERE election_id = ? AND voter_id = ?")
        .bind(election_id)
        .bind(voter)
        .fetch_one(&mut *conn)
        .await
}

/// Records the vote unless this voter already voted for this candidate; returns whether it is new.
pub async fn insert_vote(
    conn: &mut sqlx::SqliteConnection,
    election_id: i64,
    voter: i64,
    nomination_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO star_votes (election_id, voter_id, nomination_id, cast_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(election_id)
    .bind(voter)
    .bind(nomination_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The nominations this voter voted for (shown to the voter only).
pub async fn my_votes(pool: &SqlitePool, election_id: i64, voter: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT nomination_id FROM star_votes WHERE election_id = ? AND voter_id = ?")
        .bind(election_id)
        .bind(voter)
        .fetch_all(pool)
        .await
}
