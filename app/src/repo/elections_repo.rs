//! 志愿服务之星 elections: their definitions, nominations, votes and the close, and the
//! candidates with their real service records.
use crate::domain::ids::{AccountId, ElectionId, NodeId, PersonId};
use sqlx::SqlitePool;

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
    /// Shows the 党员 badge (their own choice; nothing else reads it).
    pub party_member: bool,
}

/// Approved candidates with their confirmed service records and vote counts.
pub async fn candidates(pool: &SqlitePool, election_id: ElectionId) -> Result<Vec<CandidateRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT nm.id AS nomination_id, p.full_name AS name, nm.intro, m.name AS micro_grid,
                (SELECT coalesce(sum(t.minutes), 0) FROM service_time t WHERE t.person_id = p.id) AS service_minutes,
                count(o.id) AS orders_completed,
                avg(o.rating) AS avg_rating, group_concat(DISTINCT o.section) AS sections,
                (SELECT count(*) FROM star_votes v WHERE v.nomination_id = nm.id) AS votes, p.party_member
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

/// An election's votes per approved nomination, `(nomination id, votes)` in nomination
/// order, a candidate nobody voted for yet at 0: the counts the ballot shows
/// ([`candidates`]), in one light read for the live tally. Whether they may be shown is
/// [`crate::domain::election::tally_shown`]'s to say, on [`election`].
pub async fn tally(db: impl sqlx::SqliteExecutor<'_>, election_id: ElectionId) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT nm.id, (SELECT count(*) FROM star_votes v WHERE v.nomination_id = nm.id)
         FROM nominations nm WHERE nm.election_id = ? AND nm.status = 'approved' ORDER BY nm.id",
    )
    .bind(election_id)
    .fetch_all(db)
    .await
}

/// What a vote needs to know about the nomination it is for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VoteFacts {
    pub election_id: ElectionId,
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

/// The candidates a voter has voted for in an election.
pub async fn voted_for(
    conn: &mut sqlx::SqliteConnection,
    election_id: ElectionId,
    voter: AccountId,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT nomination_id FROM star_votes WHERE election_id = ? AND voter_id = ?")
        .bind(election_id)
        .bind(voter)
        .fetch_all(&mut *conn)
        .await
}

/// Whether grid staff have matched the account's person to a household (who may vote).
pub async fn voter_verified(conn: &mut sqlx::SqliteConnection, account: AccountId) -> Result<bool, sqlx::Error> {
    let at: Option<Option<i64>> = sqlx::query_scalar("SELECT verified_at FROM accounts WHERE id = ?")
        .bind(account)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(at.flatten().is_some())
}

/// Records checked votes, (election, voter, nomination), with one statement per 300. A
/// repeat violates the uniqueness constraint and fails the whole transaction.
pub async fn insert_votes(
    conn: &mut sqlx::SqliteConnection,
    votes: &[(ElectionId, AccountId, i64)],
    now: i64,
) -> Result<(), sqlx::Error> {
    for chunk in votes.chunks(300) {
        let mut insert =
            sqlx::QueryBuilder::new("INSERT INTO star_votes (election_id, voter_id, nomination_id, cast_at) ");
        insert.push_values(chunk, |mut row, (election, voter, nomination)| {
            row.push_bind(*election).push_bind(*voter).push_bind(*nomination).push_bind(now);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The nominations this voter voted for (shown to the voter only).
pub async fn my_votes(pool: &SqlitePool, election_id: ElectionId, voter: AccountId) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT nomination_id FROM star_votes WHERE election_id = ? AND voter_id = ?")
        .bind(election_id)
        .bind(voter)
        .fetch_all(pool)
        .await
}

// ---------------------------------------------------------------------------------------
// Running an election: definitions, nominations, the close.

/// An election with everything an admin or a voter needs to know about it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ElectionFull {
    pub id: ElectionId,
    pub title: String,
    pub scope_node_id: NodeId,
    pub scope_name: String,
    pub scope_code: String,
    pub stars: i64,
    pub votes_per_voter: i64,
    pub nomination_start: i64,
    pub nomination_end: i64,
    pub voting_start: i64,
    pub voting_end: i64,
    pub notice_end: i64,
    pub live_tally: bool,
    pub min_service_hours: i64,
    pub version: i64,
    pub closed_at: Option<i64>,
}

const ELECTION_COLUMNS: &str =
    "SELECT e.id, e.title, e.scope_node_id, n.name AS scope_name, n.code AS scope_code, e.stars,
    e.votes_per_voter, e.nomination_start, e.nomination_end, e.voting_start, e.voting_end, e.notice_end, e.live_tally,
    e.min_service_hours, e.version, e.closed_at
    FROM star_elections e JOIN grid_nodes n ON n.id = e.scope_node_id";

pub async fn election(conn: &mut sqlx::SqliteConnection, id: ElectionId) -> Result<Option<ElectionFull>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{ELECTION_COLUMNS} WHERE e.id = ?")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Elections whose scope lies inside `area` (what an admin of `area` runs), newest first.
pub async fn elections_within(pool: &SqlitePool, area: &str) -> Result<Vec<ElectionFull>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ELECTION_COLUMNS} WHERE n.code GLOB ? || '*' ORDER BY e.voting_end DESC, e.id DESC LIMIT 50"
    )))
    .bind(area)
    .fetch_all(pool)
    .await
}

/// Elections a viewer of `area` can see (scope contains the area), running or finished, newest first.
pub async fn elections_for(pool: &SqlitePool, area: &str, now: i64) -> Result<Vec<ElectionFull>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ELECTION_COLUMNS} WHERE e.nomination_start <= ?1 AND (?2 = '' OR ?2 GLOB n.code || '*')
         ORDER BY (e.notice_end > ?1) DESC, e.voting_end DESC, e.id DESC LIMIT 20"
    )))
    .bind(now)
    .bind(area)
    .fetch_all(pool)
    .await
}

pub async fn insert_election(
    conn: &mut sqlx::SqliteConnection,
    d: &crate::domain::election::ElectionDraft,
    scope_node_id: NodeId,
    created_by: AccountId,
) -> Result<ElectionId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO star_elections (title, scope_node_id, stars, votes_per_voter, nomination_start, nomination_end,
            voting_start, voting_end, notice_end, live_tally, min_service_hours, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&d.title)
    .bind(scope_node_id)
    .bind(d.stars)
    .bind(d.votes_per_voter)
    .bind(d.nomination_start)
    .bind(d.nomination_end)
    .bind(d.voting_start)
    .bind(d.voting_end)
    .bind(d.notice_end)
    .bind(d.live_tally)
    .bind(d.min_service_hours)
    .bind(created_by)
    .fetch_one(&mut *conn)
    .await
}

/// Replaces the definition of an election that has not opened voting yet, at `version`.
pub async fn update_election(
    conn: &mut sqlx::SqliteConnection,
    id: ElectionId,
    version: i64,
    d: &crate::domain::election::ElectionDraft,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE star_elections SET title = ?, stars = ?, votes_per_voter = ?, nomination_start = ?, nomination_end = ?,
            voting_start = ?, voting_end = ?, notice_end = ?, live_tally = ?, min_service_hours = ?, version = version + 1
         WHERE id = ? AND version = ? AND voting_start > ?",
    )
    .bind(&d.title)
    .bind(d.stars)
    .bind(d.votes_per_voter)
    .bind(d.nomination_start)
    .bind(d.nomination_end)
    .bind(d.voting_start)
    .bind(d.voting_end)
    .bind(d.notice_end)
    .bind(d.live_tally)
    .bind(d.min_service_hours)
    .bind(id)
    .bind(version)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Opens voting now, closing nominations; only before voting has opened and at `version`.
pub async fn open_voting(
    conn: &mut sqlx::SqliteConnection,
    id: ElectionId,
    version: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE star_elections SET nomination_start = min(nomination_start, ?1), nomination_end = min(nomination_end, ?1),
            voting_start = ?1, version = version + 1
         WHERE id = ?2 AND version = ?3 AND voting_start > ?1",
    )
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves the close later (the notice period moves with it); only before the close and at `version`.
pub async fn extend_voting(
    conn: &mut sqlx::SqliteConnection,
    id: ElectionId,
    version: i64,
    new_end: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE star_elections SET notice_end = notice_end + (?1 - voting_end), voting_end = ?1, version = version + 1
         WHERE id = ?2 AND version = ?3 AND voting_end > ?4 AND ?1 > voting_end AND closed_at IS NULL",
    )
    .bind(new_end)
    .bind(id)
    .bind(version)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A volunteer's confirmed service minutes (completed orders they took, confirmed activity hours).
pub async fn service_minutes(conn: &mut sqlx::SqliteConnection, person_id: PersonId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce(sum(minutes), 0) FROM service_time WHERE person_id = ?")
        .bind(person_id)
        .fetch_one(&mut *conn)
        .await
}

/// A new pending nomination; `None` when the person is already nominated in this election.
pub async fn nominate(
    conn: &mut sqlx::SqliteConnection,
    election_id: ElectionId,
    person_id: PersonId,
    nominated_by: AccountId,
    intro: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO nominations (election_id, person_id, nominated_by, intro, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(election_id)
    .bind(person_id)
    .bind(nominated_by)
    .bind(intro)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
}

/// (election id, person id, status) of a nomination.
pub async fn nomination(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
) -> Result<Option<(ElectionId, PersonId, String)>, sqlx::Error> {
    sqlx::query_as("SELECT election_id, person_id, status FROM nominations WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Approves or rejects a pending nomination; false when it was decided meanwhile.
pub async fn decide(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    approve: bool,
    reason: Option<&str>,
    by: AccountId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE nominations SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(reason)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NominationRow {
    pub id: i64,
    pub name: String,
    pub intro: String,
    pub status: String,
    pub reason: Option<String>,
    pub service_minutes: i64,
    pub votes: i64,
}

/// Every nomination of an election with the candidate's confirmed minutes and vote count
/// (counts only: never who voted).
pub async fn nominations(pool: &SqlitePool, election_id: ElectionId) -> Result<Vec<NominationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT nm.id, p.full_name AS name, nm.intro, nm.status, nm.reason,
                (SELECT coalesce(sum(t.minutes), 0) FROM service_time t WHERE t.person_id = p.id) AS service_minutes,
                (SELECT count(*) FROM star_votes v WHERE v.nomination_id = nm.id) AS votes, p.party_member
         FROM nominations nm JOIN people p ON p.id = nm.person_id
         WHERE nm.election_id = ? ORDER BY nm.status = 'pending' DESC, votes DESC, nm.id",
    )
    .bind(election_id)
    .fetch_all(pool)
    .await
}

/// (votes cast, distinct voters) of an election.
pub async fn totals(pool: &SqlitePool, election_id: ElectionId) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as("SELECT count(*), count(DISTINCT voter_id) FROM star_votes WHERE election_id = ?")
        .bind(election_id)
        .fetch_one(pool)
        .await
}

/// Elections whose voting has closed (?1: now) and whose result is not fixed yet.
const CLOSE_DUE: &str = "voting_end <= ?1 AND closed_at IS NULL";

/// Whether [`close_due`] would close anything (a read, for the periodic job).
pub async fn any_close_due(conn: &mut sqlx::SqliteConnection, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT EXISTS (SELECT 1 FROM star_elections WHERE {CLOSE_DUE})")))
        .bind(now)
        .fetch_one(&mut *conn)
        .await
}

/// Fixes the result of every election whose voting has closed: the top `stars` by the
/// written tie rule get their rank. Returns the elections closed.
pub async fn close_due(conn: &mut sqlx::SqliteConnection, now: i64) -> Result<Vec<ElectionId>, sqlx::Error> {
    use crate::domain::election::{rank, Standing};
    let due: Vec<(ElectionId, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT id, stars FROM star_elections WHERE {CLOSE_DUE}")))
            .bind(now)
            .fetch_all(&mut *conn)
            .await?;
    for (election, stars) in &due {
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT nm.id, (SELECT count(*) FROM star_votes v WHERE v.nomination_id = nm.id),
                    (SELECT coalesce(sum(t.minutes), 0) FROM service_time t WHERE t.person_id = nm.person_id),
                    nm.created_at
             FROM nominations nm WHERE nm.election_id = ? AND nm.status = 'approved'",
        )
        .bind(election)
        .fetch_all(&mut *conn)
        .await?;
        let standings = rows
            .into_iter()
            .map(|(nomination_id, votes, service_minutes, nominated_at)| Standing {
                nomination_id,
                votes,
                service_minutes,
                nominated_at,
            })
            .collect();
        for (i, s) in rank(standings).into_iter().enumerate() {
            let place = i as i64 + 1;
            sqlx::query("UPDATE nominations SET final_votes = ?, star_rank = ? WHERE id = ?")
                .bind(s.votes)
                .bind((place <= *stars).then_some(place))
                .bind(s.nomination_id)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("UPDATE star_elections SET closed_at = ? WHERE id = ?")
            .bind(now)
            .bind(election)
            .execute(&mut *conn)
            .await?;
    }
    Ok(due.into_iter().map(|(id, _)| id).collect())
}

/// The elected of a closed election in rank order: (nomination id, name, votes, rank).
pub async fn stars_of(pool: &SqlitePool, election_id: ElectionId) -> Result<Vec<(i64, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT nm.id, p.full_name, coalesce(nm.final_votes, 0), nm.star_rank FROM nominations nm
         JOIN people p ON p.id = nm.person_id WHERE nm.election_id = ? AND nm.star_rank IS NOT NULL ORDER BY nm.star_rank",
    )
    .bind(election_id)
    .fetch_all(pool)
    .await
}

/// The titles a person holds: elections they were elected in whose public notice has ended.
pub async fn badges(pool: &SqlitePool, person_id: PersonId, now: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT e.title FROM nominations nm JOIN star_elections e ON e.id = nm.election_id
         WHERE nm.person_id = ? AND nm.star_rank IS NOT NULL AND e.notice_end <= ? ORDER BY e.voting_end DESC",
    )
    .bind(person_id)
    .bind(now)
    .fetch_all(pool)
    .await
}

/// A person's own nomination in an election: (status, reason given when it was rejected).
pub async fn nomination_of(
    pool: &SqlitePool,
    election: ElectionId,
    person: PersonId,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT status, reason FROM nominations WHERE election_id = ? AND person_id = ?")
        .bind(election)
        .bind(person)
        .fetch_optional(pool)
        .await
}
