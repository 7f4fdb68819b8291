//! Loads the demo city (`seeds/demo-city.json`) into an empty database: the grid and its
//! people here, each feature's demo data in its own file beside it.
use super::{begin_immediate, now};
use crate::domain::grid::{child_code, NodeLevel};
use crate::domain::ids::{AccountId, NodeId, PersonId};
use serde::Deserialize;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;

mod activities;
mod council;
mod elders;
mod elections;
mod orders;
mod sentiment;

/// The demo city, embedded so the binary seeds without its source tree.
pub const DEMO_CITY: &str = include_str!("../../../seeds/demo-city.json");

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file is not valid: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("seed refers to an unknown place: {0}")]
    UnknownPlace(String),
    #[error("seed has a bad value: {0}")]
    Bad(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

#[derive(Deserialize)]
struct City {
    county_code: String,
    subdistricts: Vec<SubdistrictSeed>,
    people: Vec<PersonSeed>,
    volunteers: VolunteerSeeds,
    residents: ResidentSeeds,
    offers: Vec<OfferSeed>,
    orders: Vec<OrderSeed>,
    finished_orders: Vec<FinishedSeed>,
    elections: Vec<ElectionSeed>,
    sentiment: Vec<SentimentSeed>,
    feed: Vec<FeedSeed>,
    activities: Vec<activities::ActivitySeed>,
    council: Vec<council::TopicSeed>,
}

#[derive(Deserialize)]
struct SubdistrictSeed {
    name: String,
    communities: Vec<CommunitySeed>,
}

#[derive(Deserialize)]
struct CommunitySeed {
    name: String,
    grids: Vec<GridSeed>,
}

#[derive(Deserialize)]
struct GridSeed {
    name: String,
    micro_grids: Vec<MicroGridSeed>,
}

#[derive(Deserialize)]
struct MicroGridSeed {
    name: String,
    station: Option<StationSeed>,
    buildings: Vec<String>,
}

#[derive(Deserialize)]
struct StationSeed {
    name: String,
    address: String,
    open_hours: String,
    /// The station's landline, for residents to call.
    #[serde(default)]
    phone: Option<String>,
}

#[derive(Deserialize)]
struct PersonSeed {
    phone: String,
    name: String,
    gender: Option<String>,
    birth_year: Option<i64>,
    building: String,
    #[serde(default)]
    party_member: bool,
    roles: Vec<(String, String)>,
    #[serde(default)]
    skills: Vec<String>,
    #[serde(default)]
    intro: String,
    elder: Option<ElderSeed>,
}

#[derive(Deserialize)]
struct ElderSeed {
    living_alone: bool,
    health_notes: String,
    contact_name: String,
    contact_phone: String,
}

#[derive(Deserialize)]
struct VolunteerSeeds {
    first_phone: u64,
    micro_grids_zuwang: Vec<String>,
    micro_grids_elsewhere: Vec<String>,
    list: Vec<VolunteerSeed>,
}

#[derive(Deserialize)]
struct VolunteerSeed {
    name: String,
    skills: Vec<String>,
    intro: String,
}

#[derive(Deserialize)]
struct ResidentSeeds {
    first_phone: u64,
    count: usize,
    surnames: Vec<String>,
    given: Vec<String>,
}

#[derive(Deserialize)]
struct OfferSeed {
    volunteer: usize,
    section: String,
    title: String,
    schedule: String,
    description: String,
}

#[derive(Deserialize)]
struct OrderSeed {
    section: String,
    title: String,
    urgency: String,
    hours_ago: f64,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct FinishedSeed {
    section: String,
    title: String,
    minutes: i64,
    rating: i64,
    comment: String,
}

#[derive(Deserialize)]
struct ElectionSeed {
    title: String,
    scope: String,
    stars: i64,
    votes_per_voter: i64,
    min_service_hours: i64,
    voting_started_days_ago: i64,
    voting_days: i64,
    notice_days: i64,
    live_tally: bool,
    /// Votes each resident of the scope casts (for a finished election's history).
    resident_votes: i64,
}

#[derive(Deserialize)]
struct SentimentSeed {
    micro_grid: String,
    building: String,
    category: String,
    #[serde(default = "report_kind")]
    kind: String,
    stage: String,
    warning_level: Option<String>,
    description: String,
    reporter: String,
    /// How long ago it was recorded (days); by default one day per item in the list.
    days_ago: Option<f64>,
    /// (kind, name) of the handler once dispatched.
    handler: Option<(String, String)>,
    /// The reporter's verdict after closure.
    resolved: Option<bool>,
    #[serde(default)]
    parties: Vec<String>,
    #[serde(default)]
    checks: Vec<String>,
    #[serde(default)]
    place_note: String,
}

fn report_kind() -> String {
    "report".into()
}

#[derive(Deserialize)]
struct FeedSeed {
    community: String,
    kind: String,
    body: String,
}

/// A seeded resident: (person, micro-grid, building).
type ResidentSeat = (PersonId, NodeId, NodeId);

/// A micro-grid of the seeded tree with its buildings.
struct SeededMicroGrid {
    id: NodeId,
    buildings: Vec<NodeId>,
}

/// Seeds the demo city when the database has no grid yet; returns whether it seeded.
/// The whole city is one `BEGIN IMMEDIATE` transaction: all or nothing, and a second
/// run (or a second server starting at once) sees the grid and changes nothing.
pub async fn seed_if_empty(pool: &SqlitePool, password_hash: &str) -> Result<bool, SeedError> {
    let city: City = serde_json::from_str(DEMO_CITY)?;
    let mut tx = begin_immediate(pool).await?;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM grid_nodes").fetch_one(&mut *tx).await?;
    if existing > 0 {
        return Ok(false);
    }
    Seeder {
        conn: &mut tx,
        hash: password_hash,
        paths: HashMap::new(),
        micro_grids: HashMap::new(),
        buildings: HashMap::new(),
    }
    .run(&city)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether the database holds no grid at all (a first start without the demo city).
pub async fn is_empty(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let nodes: i64 = sqlx::query_scalar("SELECT count(*) FROM grid_nodes").fetch_one(pool).await?;
    Ok(nodes == 0)
}

/// The seed file's password (all demo accounts share it).
pub fn demo_password() -> Result<String, SeedError> {
    #[derive(Deserialize)]
    struct OnlyPassword {
        password: String,
    }
    Ok(serde_json::from_str::<OnlyPassword>(DEMO_CITY)?.password)
}

struct Seeder<'c> {
    conn: &'c mut SqliteConnection,
    hash: &'c str,
    /// "幸福街道/祖望社区/..." → (node id, code)
    paths: HashMap<String, (NodeId, String)>,
    micro_grids: HashMap<String, SeededMicroGrid>,
    /// building name → (building id, micro-grid id)
    buildings: HashMap<String, (NodeId, NodeId)>,
}

impl Seeder<'_> {
    async fn run(mut self, city: &City) -> Result<(), SeedError> {
        let t0 = now();
        self.grid(city).await?;
        let mut households = 0usize;
        let building_ids: Vec<NodeId> = self.micro_grids.values().flat_map(|m| m.buildings.clone()).collect();
        for building in building_ids {
            households += self.households(building).await?;
        }
        tracing::info!(households, "seeded the grid");

        for person in &city.people {
            self.named_person(person).await?;
        }
        let volunteers = self.volunteers(&city.volunteers).await?;
        let residents = self.residents(&city.residents).await?;
        self.offers(&city.offers, &volunteers).await?;
        self.orders(city, &residents, &volunteers, t0).await?;
        for election in &city.elections {
            self.election(election, t0).await?;
        }
        // Finished elections get their stars fixed as the server would at the close.
        crate::repo::elections_repo::close_due(&mut *self.conn, t0).await?;
        self.sentiment(&city.sentiment, t0).await?;
        self.sentiment_history(t0).await?;
        self.elder_visits(t0).await?;
        self.activities(&city.activities, t0).await?;
        self.council(&city.council, t0).await?;
        for post in &city.feed {
            let node = self.node(&post.community)?;
            sqlx::query("INSERT INTO feed_posts (node_id, kind, body, created_at) VALUES (?, ?, ?, ?)")
                .bind(node)
                .bind(&post.kind)
                .bind(&post.body)
                .bind(t0 - 3600)
                .execute(&mut *self.conn)
                .await?;
        }
        Ok(())
    }

    fn node(&self, path: &str) -> Result<NodeId, SeedError> {
        self.paths.get(path).map(|(id, _)| *id).ok_or_else(|| SeedError::UnknownPlace(path.into()))
    }

    async fn insert_node(
        &mut self,
        parent: Option<(NodeId, &str)>,
        level: NodeLevel,
        seq: u32,
        name: &str,
        county: &str,
    ) -> Result<(NodeId, String), SeedError> {
        let code = match parent {
            Some((_, parent_code)) => child_code(parent_code, level, seq),
            None => Ok(format!("{county}{seq:03}")),
        }
        .map_err(|_| SeedError::Bad(format!("too many children for {name}")))?;
        let id = sqlx::query_scalar(
            "INSERT INTO grid_nodes (parent_id, level, code, name, sort_order) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(parent.map(|p| p.0))
        .bind(level.as_str())
        .bind(&code)
        .bind(name)
        .bind(seq as i64)
        .fetch_one(&mut *self.conn)
        .await?;
        Ok((id, code))
    }

    async fn grid(&mut self, city: &City) -> Result<(), SeedError> {
        for (s_seq, sub) in (1u32..).zip(&city.subdistricts) {
            let (sub_id, sub_code) =
                self.insert_node(None, NodeLevel::Subdistrict, s_seq, &sub.name, &city.county_code).await?;
            self.paths.insert(sub.name.clone(), (sub_id, sub_code.clone()));
            for (c_seq, community) in (1u32..).zip(&sub.communities) {
                let (c_id, c_code) = self
                    .insert_node(Some((sub_id, &sub_code)), NodeLevel::Community, c_seq, &community.name, "")
                    .await?;
                let c_path = format!("{}/{}", sub.name, community.name);
                self.paths.insert(c_path.clone(), (c_id, c_code.clone()));
                sqlx::query("INSERT INTO community_settings (node_id) VALUES (?)")
                    .bind(c_id)
                    .execute(&mut *self.conn)
                    .await?;
                for (g_seq, grid) in (1u32..).zip(&community.grids) {
                    let (g_id, g_code) =
                        self.insert_node(Some((c_id, &c_code)), NodeLevel::Grid, g_seq, &grid.name, "").await?;
                    let g_path = format!("{c_path}/{}", grid.name);
                    self.paths.insert(g_path.clone(), (g_id, g_code.clone()));
                    for (m_seq, micro) in (1u32..).zip(&grid.micro_grids) {
                        let (m_id, m_code) = self
                            .insert_node(Some((g_id, &g_code)), NodeLevel::MicroGrid, m_seq, &micro.name, "")
                            .await?;
                        let m_path = format!("{g_path}/{}", micro.name);
                        self.paths.insert(m_path.clone(), (m_id, m_code.clone()));
                        if let Some(station) = &micro.station {
                            sqlx::query(
                                "INSERT INTO stations (node_id, name, address, open_hours, phone) VALUES (?, ?, ?, ?, ?)",
                            )
                            .bind(m_id)
                            .bind(&station.name)
                            .bind(&station.address)
                            .bind(&station.open_hours)
                            .bind(&station.phone)
                            .execute(&mut *self.conn)
                            .await?;
                        }
                        let mut buildings = Vec::new();
                        for (b_seq, building) in (1u32..).zip(&micro.buildings) {
                            let (b_id, b_code) = self
                                .insert_node(Some((m_id, &m_code)), NodeLevel::Building, b_seq, building, "")
                                .await?;
                            for u_seq in 1..=2u32 {
                                let unit_name = format!("{u_seq}单元");
                                self.insert_node(Some((b_id, &b_code)), NodeLevel::Unit, u_seq, &unit_name, "").await?;
                            }
                            self.buildings.insert(building.clone(), (b_id, m_id));
                            buildings.push(b_id);
                        }
                        self.micro_grids.insert(m_path, SeededMicroGrid { id: m_id, buildings });
                    }
                }
            }
        }
        Ok(())
    }

    /// Two units of six floors with two flats each; every fifth flat has someone over
    /// sixty, every eleventh an elder living alone.
    async fn households(&mut self, building: NodeId) -> Result<usize, SeedError> {
        let units: Vec<NodeId> =
            sqlx::query_scalar("SELECT id FROM grid_nodes WHERE parent_id = ? ORDER BY sort_order")
                .bind(building)
                .fetch_all(&mut *self.conn)
                .await?;
        let mut n = 0usize;
        for unit in units {
            for floor in 1..=6 {
                for flat in 1..=2 {
                    n += 1;
                    let over_sixty = i64::from(n.is_multiple_of(5)) + i64::from(n.is_multiple_of(11));
                    sqlx::query("INSERT INTO households (node_id, room, members, over_sixty, living_alone) VALUES (?, ?, ?, ?, ?)")
                        .bind(unit)
                        .bind(format!("{floor}0{flat}"))
                        .bind(if n.is_multiple_of(11) { 1 } else { 1 + (n % 4) as i64 })
                        .bind(over_sixty.min(1))
                        .bind(i64::from(n.is_multiple_of(11)))
                        .execute(&mut *self.conn)
                        .await?;
                }
            }
        }
        Ok(n)
    }

    /// A household id in a building, chosen by `n`.
    async fn household_in(&mut self, building: NodeId, n: usize) -> Result<Option<i64>, SeedError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT h.id FROM households h JOIN grid_nodes u ON u.id = h.node_id WHERE u.parent_id = ? ORDER BY h.id",
        )
        .bind(building)
        .fetch_all(&mut *self.conn)
        .await?;
        Ok((!ids.is_empty()).then(|| ids[n % ids.len()]))
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_person(
        &mut self,
        name: &str,
        phone: &str,
        gender: Option<&str>,
        birth_year: Option<i64>,
        building: (NodeId, NodeId),
        party_member: bool,
        household_pick: usize,
    ) -> Result<(PersonId, AccountId), SeedError> {
        let household = self.household_in(building.0, household_pick).await?;
        let person: PersonId = sqlx::query_scalar(
            "INSERT INTO people (full_name, phone, gender, birth_year, household_id, micro_grid_id, building_id, party_member)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(name)
        .bind(phone)
        .bind(gender)
        .bind(birth_year)
        .bind(household)
        .bind(building.1)
        .bind(building.0)
        .bind(party_member)
        .fetch_one(&mut *self.conn)
        .await?;
        // The demo city's people were placed in their households by grid staff: verified.
        let account: AccountId = sqlx::query_scalar(
            "INSERT INTO accounts (person_id, phone, password_hash, verified_at)
             VALUES (?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE unixepoch() END) RETURNING id",
        )
        .bind(person)
        .bind(phone)
        .bind(self.hash)
        .bind(household)
        .fetch_one(&mut *self.conn)
        .await?;
        Ok((person, account))
    }

    async fn grant(&mut self, account: AccountId, role: &str, node: NodeId) -> Result<(), SeedError> {
        sqlx::query("INSERT INTO role_assignments (account_id, role, node_id) VALUES (?, ?, ?)")
            .bind(account)
            .bind(role)
            .bind(node)
            .execute(&mut *self.conn)
            .await?;
        Ok(())
    }

    async fn volunteer_profile(
        &mut self,
        person: PersonId,
        node: NodeId,
        skills: &[String],
        intro: &str,
        seq: usize,
    ) -> Result<(), SeedError> {
        // Weekend mornings for everyone, plus a weekday evening that varies.
        let availability: i64 = (1 << 15) | (1 << 18) | (1 << ((seq % 5) * 3 + 2));
        sqlx::query(
            "INSERT INTO volunteer_profiles (person_id, service_node_id, availability, intro) VALUES (?, ?, ?, ?)",
        )
        .bind(person)
        .bind(node)
        .bind(availability)
        .bind(intro)
        .execute(&mut *self.conn)
        .await?;
        for skill in skills {
            sqlx::query("INSERT INTO volunteer_skills (person_id, section) VALUES (?, ?)")
                .bind(person)
                .bind(skill)
                .execute(&mut *self.conn)
                .await?;
        }
        Ok(())
    }

    async fn named_person(&mut self, p: &PersonSeed) -> Result<(), SeedError> {
        let building = *self.buildings.get(&p.building).ok_or_else(|| SeedError::UnknownPlace(p.building.clone()))?;
        let (person, account) = self
            .insert_person(&p.name, &p.phone, p.gender.as_deref(), p.birth_year, building, p.party_member, 3)
            .await?;
        for (role, path) in &p.roles {
            let node = self.node(path)?;
            self.grant(account, role, node).await?;
            if role == "volunteer" {
                self.volunteer_profile(person, node, &p.skills, &p.intro, 0).await?;
            }
        }
        if let Some(elder) = &p.elder {
            sqlx::query(
                "INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone, health_notes, emergency_contact_name, emergency_contact_phone)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(person)
            .bind(building.1)
            .bind(elder.living_alone)
            .bind(&elder.health_notes)
            .bind(&elder.contact_name)
            .bind(&elder.contact_phone)
            .execute(&mut *self.conn)
            .await?;
            sqlx::query("INSERT INTO visit_plans (elder_id, every_days) VALUES (?, 7)")
                .bind(person)
                .execute(&mut *self.conn)
                .await?;
        }
        Ok(())
    }

    /// Returns (person id, micro-grid id) per volunteer, in phone order.
    async fn volunteers(&mut self, seeds: &VolunteerSeeds) -> Result<Vec<(PersonId, NodeId)>, SeedError> {
        let mut out = Vec::new();
        for (i, v) in seeds.list.iter().enumerate() {
            // The first ten serve 祖望社区, the others the rest of the city.
            let path = if i < 10 {
                &seeds.micro_grids_zuwang[i % seeds.micro_grids_zuwang.len()]
            } else {
                &seeds.micro_grids_elsewhere[i % seeds.micro_grids_elsewhere.len()]
            };
            let (micro_id, building) = {
                let m = self.micro_grids.get(path).ok_or_else(|| SeedError::UnknownPlace(path.clone()))?;
                (m.id, m.buildings[i % m.buildings.len()])
            };
            let phone = (seeds.first_phone + i as u64).to_string();
            let gender = if i % 2 == 0 { "female" } else { "male" };
            let (person, account) = self
                .insert_person(
                    &v.name,
                    &phone,
                    Some(gender),
                    Some(1960 + (i as i64 * 3) % 40),
                    (building, micro_id),
                    i % 3 == 0,
                    i,
                )
                .await?;
            self.grant(account, "resident", micro_id).await?;
            self.grant(account, "volunteer", micro_id).await?;
            self.volunteer_profile(person, micro_id, &v.skills, &v.intro, i).await?;
            out.push((person, micro_id));
        }
        Ok(out)
    }

    /// Returns (person id, micro-grid id, building id) per resident.
    async fn residents(&mut self, seeds: &ResidentSeeds) -> Result<Vec<ResidentSeat>, SeedError> {
        let mut grids: Vec<(&String, &SeededMicroGrid)> = self.micro_grids.iter().collect();
        grids.sort_by_key(|(_, m)| m.id);
        let grids: Vec<(NodeId, Vec<NodeId>)> = grids.into_iter().map(|(_, m)| (m.id, m.buildings.clone())).collect();
        let mut out = Vec::new();
        for i in 0..seeds.count {
            let surname = &seeds.surnames[i % seeds.surnames.len()];
            let given = &seeds.given[(i * 7 + i / seeds.surnames.len()) % seeds.given.len()];
            let name = format!("{surname}{given}");
            // Half of the residents live in 祖望社区's three micro-grids (the first ones).
            let (micro_id, buildings) = if i % 2 == 0 { &grids[(i / 2) % 3] } else { &grids[i % grids.len()] };
            let building = buildings[i % buildings.len()];
            let phone = (seeds.first_phone + i as u64).to_string();
            let birth_year = 1940 + (i as i64 * 13) % 66;
            let gender = if i % 3 == 0 { "male" } else { "female" };
            let (person, account) = self
                .insert_person(&name, &phone, Some(gender), Some(birth_year), (building, *micro_id), false, i * 5)
                .await?;
            self.grant(account, "resident", *micro_id).await?;
            if birth_year < 1950 && i % 4 == 0 {
                sqlx::query("INSERT INTO elder_profiles (person_id, micro_grid_id, living_alone, health_notes) VALUES (?, ?, 1, '高血压')")
                    .bind(person)
                    .bind(micro_id)
                    .execute(&mut *self.conn)
                    .await?;
                sqlx::query("INSERT INTO visit_plans (elder_id, every_days) VALUES (?, 7)")
                    .bind(person)
                    .execute(&mut *self.conn)
                    .await?;
            }
            out.push((person, *micro_id, building));
        }
        Ok(out)
    }
}

async fn account_of(conn: &mut SqliteConnection, person: PersonId) -> Result<AccountId, sqlx::Error> {
    super::accounts_repo::account_of(conn, person).await?.ok_or(sqlx::Error::RowNotFound)
}
