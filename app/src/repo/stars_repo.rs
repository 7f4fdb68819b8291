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
}

/// The election running now (voting or public notice) whose scope contains `area`,
/// or any running election when `area` is empty.
pub async fn current(pool: &SqlitePool, area: &str, now: i64) -> Result<Option<ElectionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.title, n.name AS scope_name, e.stars, e.votes_per_voter, e.voting_start, e.voting_end, e.live_tally
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
