//! The demo city's 驿站活动, as the reports name them, written through the same repo calls
//! as publishing and signing up.
use super::*;
use crate::domain::activity::{self, ActivityKind, Audience, NewActivity, Occurrence};
use crate::domain::grid::ancestor_code;
use crate::domain::time::{format_local_date, parse_local_datetime};
use crate::repo::activities_repo;

impl Seeder<'_> {
    pub(super) async fn activities(&mut self, seeds: &[ActivitySeed], t0: i64) -> Result<(), SeedError> {
        for seed in seeds {
            let bad = |what: &str| SeedError::Bad(format!("activity {}: {what}", seed.title));
            let (station, station_code): (i64, String) = sqlx::query_as(
                "SELECT s.id, g.code FROM stations s JOIN grid_nodes g ON g.id = s.node_id WHERE s.name = ?",
            )
            .bind(&seed.station)
            .fetch_optional(&mut *self.conn)
            .await?
            .ok_or_else(|| SeedError::UnknownPlace(seed.station.clone()))?;
            let audience = Audience::parse(&seed.audience).ok_or_else(|| bad("audience"))?;
            let code = ancestor_code(&station_code, audience.level()).ok_or_else(|| bad("audience"))?.to_string();
            let (node, _) =
                crate::repo::grid_repo::node_by_code(&mut *self.conn, &code).await?.ok_or_else(|| bad("audience"))?;
            let by: AccountId =
                sqlx::query_scalar("SELECT a.id FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.phone = ?")
                    .bind(&seed.by)
                    .fetch_optional(&mut *self.conn)
                    .await?
                    .ok_or_else(|| bad("by"))?;
            let day = format_local_date(t0 + seed.in_days * 86_400);
            let starts_at = parse_local_datetime(&format!("{day}T{}", seed.start)).ok_or_else(|| bad("start"))?;
            let first = Occurrence {
                starts_at,
                ends_at: starts_at + seed.hours * 3600,
                signup_opens_at: t0 - 86_400,
                signup_closes_at: starts_at,
            };
            let new = NewActivity {
                kind: ActivityKind::parse(&seed.kind).ok_or_else(|| bad("kind"))?,
                title: seed.title.clone(),
                description: seed.description.clone(),
                audience,
                capacity: seed.capacity,
                held: seed.held,
                occurrences: activity::occurrences(first, seed.weeks, &seed.skip),
            };
            let id = activities_repo::insert(&mut *self.conn, &new, station, node, by).await?;
            // The first occurrence's sign-ups: residents of the audience with an account,
            // seated while there are seats, then waiting, as the server would place them.
            let people: Vec<PersonId> = sqlx::query_scalar(
                "SELECT p.id FROM people p JOIN grid_nodes g ON g.id = p.micro_grid_id
                 WHERE substr(g.code, 1, length(?1)) = ?1 AND EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)
                 ORDER BY p.id DESC LIMIT ?2",
            )
            .bind(&code)
            .bind(seed.signed_up as i64)
            .fetch_all(&mut *self.conn)
            .await?;
            for person in people {
                let status = activities_repo::seats(&mut *self.conn, id).await?.place(false);
                activities_repo::sign_up(&mut *self.conn, id, person, status, false, t0).await?;
            }
        }
        Ok(())
    }
}

/// A 驿站活动 of the demo city: its first occurrence is `in_days` after the seeding day at
/// `start` (China time), for `hours`.
#[derive(Deserialize)]
pub(super) struct ActivitySeed {
    station: String,
    /// `micro_grid`, `grid` or `community`.
    audience: String,
    kind: String,
    title: String,
    description: String,
    /// The phone of the staff member who published it.
    by: String,
    in_days: i64,
    start: String,
    hours: i64,
    capacity: i64,
    held: i64,
    weeks: u32,
    skip: Vec<u32>,
    /// Residents of the audience already signed up for the first occurrence.
    signed_up: usize,
}
