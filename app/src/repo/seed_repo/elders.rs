//! The demo city's elders living alone and their visits.
use super::*;

impl Seeder<'_> {
    /// Elders living alone in 朝晖社区 and 祖望社区 (the register grows to at least four
    /// per community from its residents over sixty), with twelve weeks of visits by
    /// the grid's staff; every third elder's last visit is overdue.
    pub(super) async fn elder_visits(&mut self, t0: i64) -> Result<(), SeedError> {
        let this_year = 1970 + t0 / 31_556_952;
        for community in ["新城桥街道/朝晖社区", "幸福街道/祖望社区"] {
            let node = self.node(community)?;
            let code: String = sqlx::query_scalar("SELECT code FROM grid_nodes WHERE id = ?")
                .bind(node)
                .fetch_one(&mut *self.conn)
                .await?;
            let registered: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM elder_profiles e JOIN grid_nodes m ON m.id = e.micro_grid_id
                 WHERE substr(m.code, 1, length(?1)) = ?1",
            )
            .bind(&code)
            .fetch_one(&mut *self.conn)
            .await?;
            sqlx::query(
                "INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone, health_notes)
                 SELECT p.id, p.micro_grid_id, 1, '独居，患有慢性病'
                 FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
                 WHERE substr(m.code, 1, length(?1)) = ?1 AND p.birth_year <= ?2
                   AND p.id NOT IN (SELECT person_id FROM elder_profiles)
                 ORDER BY p.birth_year, p.id LIMIT ?3",
            )
            .bind(&code)
            .bind(this_year - 60)
            .bind((4 - registered).max(0))
            .execute(&mut *self.conn)
            .await?;
        }
        sqlx::query("INSERT OR IGNORE INTO visit_plans (elder_id, every_days) SELECT person_id, 7 FROM elder_profiles")
            .execute(&mut *self.conn)
            .await?;
        let elders: Vec<(PersonId, String, i64)> = sqlx::query_as(
            "SELECT e.person_id, m.code, v.every_days FROM elder_profiles e
             JOIN grid_nodes m ON m.id = e.micro_grid_id JOIN visit_plans v ON v.elder_id = e.person_id
             ORDER BY e.person_id",
        )
        .fetch_all(&mut *self.conn)
        .await?;
        for (i, (elder, code, every)) in elders.into_iter().enumerate() {
            let visitor: Option<AccountId> = sqlx::query_scalar(
                "SELECT r.account_id FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
                 WHERE r.role IN ('micro_grid_member', 'grid_leader', 'community_admin')
                   AND substr(?, 1, length(n.code)) = n.code
                 ORDER BY r.role LIMIT 1",
            )
            .bind(&code)
            .fetch_optional(&mut *self.conn)
            .await?;
            let Some(visitor) = visitor else { continue };
            sqlx::query("UPDATE visit_plans SET visitor_id = ? WHERE elder_id = ?")
                .bind(visitor)
                .bind(elder)
                .execute(&mut *self.conn)
                .await?;
            // Overdue elders were last seen a plan period and a half ago.
            let last = if i.is_multiple_of(3) { t0 - every * 86_400 * 3 / 2 } else { t0 - 86_400 * (1 + i as i64 % 3) };
            let mut at = last;
            let mut k = 0;
            while at > t0 - 84 * 86_400 {
                let (outcome, note) = match k % 13 {
                    5 => ("needs_help", "想请人帮忙买药"),
                    _ => ("safe", "精神状态不错，血压正常"),
                };
                sqlx::query(
                    "INSERT INTO visit_logs (elder_id, visitor_id, outcome, note, visited_at) VALUES (?, ?, ?, ?, ?)",
                )
                .bind(elder)
                .bind(visitor)
                .bind(outcome)
                .bind(note)
                .bind(at)
                .execute(&mut *self.conn)
                .await?;
                at -= every * 86_400;
                k += 1;
            }
        }
        Ok(())
    }
}
