//! The demo city's 议事会 topics, as 祖望社区's 协商议事会 and 网格议事会 would hear them,
//! written through the same repo calls as raising, supporting and screening.
use super::*;
use crate::domain::activity::Audience;
use crate::domain::council;
use crate::domain::grid::ancestor_code;
use crate::repo::{council_repo, grid_repo};

impl Seeder<'_> {
    pub(super) async fn council(&mut self, seeds: &[TopicSeed], t0: i64) -> Result<(), SeedError> {
        for seed in seeds {
            let bad = |what: &str| SeedError::Bad(format!("topic {}: {what}", seed.title));
            let (person, household, home): (PersonId, Option<i64>, String) = sqlx::query_as(
                "SELECT p.id, p.household_id, m.code FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
                 WHERE p.phone = ?",
            )
            .bind(&seed.by)
            .fetch_optional(&mut *self.conn)
            .await?
            .ok_or_else(|| bad("by"))?;
            let audience = Audience::parse(&seed.audience).ok_or_else(|| bad("audience"))?;
            let code = ancestor_code(&home, audience.level()).ok_or_else(|| bad("audience"))?.to_string();
            let (node, _) = grid_repo::node_by_code(&mut *self.conn, &code).await?.ok_or_else(|| bad("audience"))?;
            let households = council_repo::households_in(&mut *self.conn, &code).await?;
            let raised_at = t0 - seed.days_ago * 86_400;
            let topic = council_repo::NewTopic {
                node,
                audience: audience.as_str(),
                title: &seed.title,
                body: &seed.body,
                raised_by: person,
                raised_at,
                support_until: raised_at + council::SUPPORT_DAYS * 86_400,
                threshold: council::threshold(audience, households),
            };
            let id = council_repo::insert_topic(&mut *self.conn, &topic).await?;
            // The raiser's household, then neighbours' households of the area.
            let neighbours: Vec<(i64, PersonId)> = sqlx::query_as(
                "SELECT p.household_id, min(p.id) FROM people p JOIN grid_nodes m ON m.id = p.micro_grid_id
                 WHERE m.code GLOB ?1 || '*' AND p.household_id IS NOT NULL AND p.household_id IS NOT ?2
                 GROUP BY p.household_id ORDER BY p.household_id LIMIT ?3",
            )
            .bind(&code)
            .bind(household)
            .bind(seed.supporters)
            .fetch_all(&mut *self.conn)
            .await?;
            let raiser = household.map(|h| (h, person));
            for (i, (h, p)) in raiser.into_iter().chain(neighbours).enumerate() {
                council_repo::support(&mut *self.conn, id, h, p, raised_at + 3600 * (i as i64 + 1)).await?;
            }
            if let (Some(by), Some(stage)) = (&seed.screened_by, &seed.stage) {
                let by: AccountId = sqlx::query_scalar(
                    "SELECT a.id FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.phone = ?",
                )
                .bind(by)
                .fetch_optional(&mut *self.conn)
                .await?
                .ok_or_else(|| bad("screened_by"))?;
                let stage = council::Stage::parse(stage).ok_or_else(|| bad("stage"))?;
                let at = raised_at + 2 * 86_400;
                let answer = council_repo::Answer {
                    stage: stage.as_str(),
                    reason: seed.reason.as_deref(),
                    merged_into: None,
                    item: None,
                };
                council_repo::screen(&mut *self.conn, id, 1, answer, by, at).await?;
            }
        }
        Ok(())
    }
}

/// A 议题 of the demo city, raised `days_ago` by the person with phone `by` for their
/// micro-grid, grid or community, with `supporters` neighbours' households besides theirs,
/// and screened by `screened_by` when a `stage` is given.
#[derive(Deserialize)]
pub(super) struct TopicSeed {
    by: String,
    /// `micro_grid`, `grid` or `community`.
    audience: String,
    title: String,
    body: String,
    days_ago: i64,
    supporters: i64,
    #[serde(default)]
    screened_by: Option<String>,
    #[serde(default)]
    stage: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}
