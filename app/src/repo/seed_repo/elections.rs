//! The demo city's 志愿服务之星 elections.
use super::*;
use crate::domain::ids::ElectionId;

impl Seeder<'_> {
    /// An election over `e.scope` with every volunteer serving there approved as a candidate.
    pub(super) async fn election(&mut self, e: &ElectionSeed, t0: i64) -> Result<(), SeedError> {
        let scope = self.node(&e.scope)?;
        let day = 86_400;
        let voting_start = t0 - e.voting_started_days_ago * day;
        let voting_end = voting_start + e.voting_days * day;
        let id: ElectionId = sqlx::query_scalar(
            "INSERT INTO star_elections (title, scope_node_id, stars, votes_per_voter, nomination_start, nomination_end, voting_start, voting_end, notice_end, live_tally, min_service_hours)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&e.title)
        .bind(scope)
        .bind(e.stars)
        .bind(e.votes_per_voter)
        .bind(voting_start - 14 * day)
        .bind(voting_start)
        .bind(voting_start)
        .bind(voting_end)
        .bind(voting_end + e.notice_days * day)
        .bind(e.live_tally)
        .bind(e.min_service_hours)
        .fetch_one(&mut *self.conn)
        .await?;
        sqlx::query(
            "INSERT INTO nominations (election_id, person_id, intro, status, decided_at, created_at)
             SELECT ?1, v.person_id, v.intro, 'approved', ?2, ?2 - 86400 + v.person_id FROM volunteer_profiles v
             JOIN grid_nodes m ON m.id = v.service_node_id JOIN grid_nodes s ON s.id = ?3
             WHERE m.code GLOB s.code || '*' ORDER BY v.person_id",
        )
        .bind(id)
        .bind(voting_start)
        .bind(scope)
        .execute(&mut *self.conn)
        .await?;
        if e.resident_votes > 0 {
            // Resident r's j-th vote goes to candidate (r(j+1) + j) mod (4 + r mod (n-3)): a
            // skewed, repeatable spread, so the tally has leaders and a tail.
            sqlx::query(
                "WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n
                            FROM nominations WHERE election_id = ?1),
                      r AS (SELECT a.id, row_number() OVER (ORDER BY a.id) - 1 AS k FROM accounts a
                            JOIN role_assignments ra ON ra.account_id = a.id AND ra.role = 'resident'
                            JOIN grid_nodes m ON m.id = ra.node_id JOIN grid_nodes s ON s.id = ?2
                            WHERE m.code GLOB s.code || '*'),
                      j(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM j WHERE i + 1 < ?3)
                 INSERT OR IGNORE INTO star_votes (election_id, voter_id, nomination_id, cast_at)
                 SELECT ?1, r.id, c.id, ?4 + r.k * 60 FROM r, j, c
                 WHERE c.k = (r.k * (j.i + 1) + j.i) % (4 + r.k % max(c.n - 3, 1))",
            )
            .bind(id)
            .bind(scope)
            .bind(e.resident_votes.min(e.votes_per_voter))
            .bind(voting_start)
            .execute(&mut *self.conn)
            .await?;
        }
        Ok(())
    }
}
