//! Loads the demo city (`seeds/demo-city.json`) into an empty database.
use super::{begin_immediate, now};
use crate::domain::grid::{child_code, NodeLevel};
use serde::Deserialize;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;

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
type ResidentSeat = (i64, i64, i64);

/// A micro-grid of the seeded tree with its buildings.
struct SeededMicroGrid {
    id: i64,
    buildings: Vec<i64>,
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
    paths: HashMap<String, (i64, String)>,
    micro_grids: HashMap<String, SeededMicroGrid>,
    /// building name → (building id, micro-grid id)
    buildings: HashMap<String, (i64, i64)>,
}

impl Seeder<'_> {
    async fn run(mut self, city: &City) -> Result<(), SeedError> {
        let t0 = now();
        self.grid(city).await?;
        let mut households = 0usize;
        let building_ids: Vec<i64> = self.micro_grids.values().flat_map(|m| m.buildings.clone()).collect();
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
        crate::repo::stars_repo::close_due(&mut *self.conn, t0).await?;
        self.sentiment(&city.sentiment, t0).await?;
        self.sentiment_history(t0).await?;
        self.elder_visits(t0).await?;
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

    fn node(&self, path: &str) -> Result<i64, SeedError> {
        self.paths.get(path).map(|(id, _)| *id).ok_or_else(|| SeedError::UnknownPlace(path.into()))
    }

    async fn insert_node(
        &mut self,
        parent: Option<(i64, &str)>,
        level: NodeLevel,
        seq: u32,
        name: &str,
        county: &str,
    ) -> Result<(i64, String), SeedError> {
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
    async fn households(&mut self, building: i64) -> Result<usize, SeedError> {
        let units: Vec<i64> = sqlx::query_scalar("SELECT id FROM grid_nodes WHERE parent_id = ? ORDER BY sort_order")
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
    async fn household_in(&mut self, building: i64, n: usize) -> Result<Option<i64>, SeedError> {
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
        building: (i64, i64),
        party_member: bool,
        household_pick: usize,
    ) -> Result<(i64, i64), SeedError> {
        let household = self.household_in(building.0, household_pick).await?;
        let person: i64 = sqlx::query_scalar(
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
        let account: i64 = sqlx::query_scalar(
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

    async fn grant(&mut self, account: i64, role: &str, node: i64) -> Result<(), SeedError> {
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
        person: i64,
        node: i64,
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
    async fn volunteers(&mut self, seeds: &VolunteerSeeds) -> Result<Vec<(i64, i64)>, SeedError> {
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
    async fn residents(&mut self, seeds: &ResidentSeeds) -> Result<Vec<(i64, i64, i64)>, SeedError> {
        let mut grids: Vec<(&String, &SeededMicroGrid)> = self.micro_grids.iter().collect();
        grids.sort_by_key(|(_, m)| m.id);
        let grids: Vec<(i64, Vec<i64>)> = grids.into_iter().map(|(_, m)| (m.id, m.buildings.clone())).collect();
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

    async fn offers(&mut self, offers: &[OfferSeed], volunteers: &[(i64, i64)]) -> Result<(), SeedError> {
        for offer in offers {
            let (person, node) =
                volunteers.get(offer.volunteer).copied().ok_or_else(|| SeedError::Bad("offer volunteer".into()))?;
            sqlx::query("INSERT INTO offers (volunteer_id, section, title, description, schedule, node_id) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(person)
                .bind(&offer.section)
                .bind(&offer.title)
                .bind(&offer.description)
                .bind(&offer.schedule)
                .bind(node)
                .execute(&mut *self.conn)
                .await?;
        }
        Ok(())
    }

    async fn orders(
        &mut self,
        city: &City,
        residents: &[(i64, i64, i64)],
        volunteers: &[(i64, i64)],
        t0: i64,
    ) -> Result<(), SeedError> {
        // Open orders: mostly 祖望社区 (even residents), some elsewhere.
        for (i, order) in city.orders.iter().enumerate() {
            let (person, micro, building) = residents[(i * 3) % residents.len()];
            let created = t0 - (order.hours_ago * 3600.0) as i64;
            self.open_order(
                person,
                micro,
                building,
                &order.section,
                &order.title,
                &order.description,
                &order.urgency,
                created,
            )
            .await?;
        }
        // Every community gets an open order in each of the five sections.
        let mut per_community: Vec<(String, Vec<ResidentSeat>)> = Vec::new();
        for r in residents {
            let community = self.community_of(r.1);
            match per_community.iter_mut().find(|(c, _)| *c == community) {
                Some((_, list)) => list.push(*r),
                None => per_community.push((community, vec![*r])),
            }
        }
        for (c, (_, people)) in per_community.iter().enumerate() {
            for (s, section) in ["daily_life", "health", "policy", "assistance", "environment"].into_iter().enumerate()
            {
                let template = city
                    .orders
                    .iter()
                    .filter(|o| o.section == section)
                    .nth(c % 2)
                    .or_else(|| city.orders.iter().find(|o| o.section == section));
                let Some(template) = template else { continue };
                let (person, micro, building) = people[(c + s) % people.len()];
                let urgency = if (c + s) % 4 == 0 { "urgent" } else { "normal" };
                let created = t0 - 600 - ((c * 5 + s) as i64 * 1700);
                self.open_order(
                    person,
                    micro,
                    building,
                    section,
                    &template.title,
                    &template.description,
                    urgency,
                    created,
                )
                .await?;
            }
        }
        // 祖望社区 shows every later state, with the demo accounts in them.
        let resident = self.person_by_phone("13800000001").await?;
        let volunteer = self.person_by_phone("13800000002").await?;
        let zuwang: Vec<(i64, i64, i64)> =
            residents.iter().copied().filter(|r| self.community_of(r.1) == "幸福街道/祖望社区").collect();
        let other = zuwang[0];
        let lifecycle = [
            (resident, volunteer.0, "daily_life", "阳台晾衣架坏了，帮忙修一下", "taken", 3600, None),
            (other, volunteer.0, "assistance", "帮忙把旧衣物送到回收点", "in_service", 7200, None),
            (resident, volunteers[0].0, "health", "陪同去社区医院量血压", "awaiting_confirmation", 20_000, Some(45)),
            (other, volunteers[1].0, "daily_life", "家里网络连不上", "cancelled", 50_000, None),
        ];
        for (requester, taker, section, title, status, age, minutes) in lifecycle {
            let (person, micro, building) = requester;
            let created = t0 - age;
            let id = self.open_order(person, micro, building, section, title, "", "normal", created).await?;
            let taker = (status != "cancelled").then_some(taker);
            sqlx::query(
                "UPDATE service_orders SET status = ?, taker_id = ?, taken_at = ?, started_at = ?, finished_at = ?, minutes_spent = ?, cancelled_at = ?, updated_at = ? WHERE id = ?",
            )
            .bind(status)
            .bind(taker)
            .bind(taker.map(|_| created + 600))
            .bind(matches!(status, "in_service" | "awaiting_confirmation").then_some(created + 1200))
            .bind((status == "awaiting_confirmation").then_some(created + 4000))
            .bind(minutes)
            .bind((status == "cancelled").then_some(created + 900))
            .bind(created + 900)
            .bind(id)
            .execute(&mut *self.conn)
            .await?;
            sqlx::query("INSERT INTO order_events (order_id, from_status, to_status, at) VALUES (?, 'open', ?, ?)")
                .bind(id)
                .bind(status)
                .bind(created + 900)
                .execute(&mut *self.conn)
                .await?;
        }
        // Two 1+1 pairings made by the grid leader of 幸福锦园网格.
        let leader: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = '13800000003'")
            .fetch_one(&mut *self.conn)
            .await?;
        for (volunteer, person, section, title, weekday, part) in [
            (volunteers[1].0, resident.0, "daily_life", "上门理发", 5, 0),
            (volunteers[0].0, zuwang[2 % zuwang.len()].0, "health", "每周量血压", 1, 1),
        ] {
            sqlx::query(
                "INSERT INTO pairings (volunteer_id, person_id, section, title, weekday, part, created_by, started_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(volunteer)
            .bind(person)
            .bind(section)
            .bind(title)
            .bind(weekday)
            .bind(part)
            .bind(leader)
            .bind(t0 - 30 * 86_400)
            .execute(&mut *self.conn)
            .await?;
        }
        // One urgent need that nobody took in time: in the grid leader's queue.
        let (person, micro, building) = zuwang[1 % zuwang.len()];
        let id = self
            .open_order(
                person,
                micro,
                building,
                "assistance",
                "家中老人摔倒后行动不便，需要人帮忙",
                "",
                "urgent",
                t0 - 7200,
            )
            .await?;
        sqlx::query("UPDATE service_orders SET escalated_at = ?, escalation_reason = 'timeout' WHERE id = ?")
            .bind(t0 - 5400)
            .bind(id)
            .execute(&mut *self.conn)
            .await?;
        // Finished orders give every volunteer a service record: hours, count, rating.
        let mut n = 0usize;
        for (v, (volunteer, _)) in volunteers.iter().enumerate() {
            let rounds = 1 + (volunteers.len() - v) % 4;
            for r in 0..rounds {
                let f = &city.finished_orders[(v + r) % city.finished_orders.len()];
                // The order sits where the resident lives.
                let (person, micro, building) = residents[(v * 5 + r * 2) % residents.len()];
                let account = account_of(&mut *self.conn, person).await?;
                let created = t0 - 86_400 * (10 + (n as i64 * 3) % 200);
                let confirmed = created + 86_400;
                let minutes = f.minutes * (1 + (r as i64 % 2));
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO service_orders (requester_id, placed_by, section, title, urgency, micro_grid_id, building_id, status, taker_id,
                       minutes_spent, rating, rating_comment, created_at, taken_at, started_at, finished_at, confirmed_at, updated_at)
                     VALUES (?, ?, ?, ?, 'normal', ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                )
                .bind(person)
                .bind(account)
                .bind(&f.section)
                .bind(&f.title)
                .bind(micro)
                .bind(building)
                .bind(volunteer)
                .bind(minutes)
                .bind(f.rating)
                .bind(&f.comment)
                .bind(created)
                .bind(created + 1800)
                .bind(created + 3600)
                .bind(created + 3600 + minutes * 60)
                .bind(confirmed)
                .bind(confirmed)
                .fetch_one(&mut *self.conn)
                .await?;
                sqlx::query("INSERT INTO order_events (order_id, to_status, at) VALUES (?, 'completed', ?)")
                    .bind(id)
                    .bind(confirmed)
                    .execute(&mut *self.conn)
                    .await?;
                n += 1;
            }
        }
        Ok(())
    }

    /// "幸福街道/祖望社区" for a micro-grid id.
    fn community_of(&self, micro_id: i64) -> String {
        self.micro_grids
            .iter()
            .find(|(_, m)| m.id == micro_id)
            .map(|(path, _)| path.split('/').take(2).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }

    /// (person, micro-grid, building) of a seeded phone.
    async fn person_by_phone(&mut self, phone: &str) -> Result<(i64, i64, i64), SeedError> {
        sqlx::query_as("SELECT id, micro_grid_id, building_id FROM people WHERE phone = ?")
            .bind(phone)
            .fetch_optional(&mut *self.conn)
            .await?
            .ok_or_else(|| SeedError::UnknownPlace(phone.into()))
    }

    #[allow(clippy::too_many_arguments)]
    async fn open_order(
        &mut self,
        person: i64,
        micro: i64,
        building: i64,
        section: &str,
        title: &str,
        description: &str,
        urgency: &str,
        created: i64,
    ) -> Result<i64, SeedError> {
        let account = account_of(&mut *self.conn, person).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO service_orders (requester_id, placed_by, section, title, description, urgency, micro_grid_id, building_id, room, contact_phone, created_at, updated_at)
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, coalesce(h.room, ''), p.phone, ?, ? FROM people p LEFT JOIN households h ON h.id = p.household_id WHERE p.id = ?
             RETURNING id",
        )
        .bind(person)
        .bind(account)
        .bind(section)
        .bind(title)
        .bind(description)
        .bind(urgency)
        .bind(micro)
        .bind(building)
        .bind(created)
        .bind(created)
        .bind(person)
        .fetch_one(&mut *self.conn)
        .await?;
        sqlx::query("INSERT INTO order_events (order_id, to_status, actor_id, at) VALUES (?, 'open', ?, ?)")
            .bind(id)
            .bind(account)
            .bind(created)
            .execute(&mut *self.conn)
            .await?;
        Ok(id)
    }

    /// An election over `e.scope` with every volunteer serving there approved as a candidate.
    async fn election(&mut self, e: &ElectionSeed, t0: i64) -> Result<(), SeedError> {
        let scope = self.node(&e.scope)?;
        let day = 86_400;
        let voting_start = t0 - e.voting_started_days_ago * day;
        let voting_end = voting_start + e.voting_days * day;
        let id: i64 = sqlx::query_scalar(
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

    async fn sentiment(&mut self, items: &[SentimentSeed], t0: i64) -> Result<(), SeedError> {
        for (i, item) in items.iter().enumerate() {
            let micro = self
                .micro_grids
                .get(&item.micro_grid)
                .map(|m| m.id)
                .ok_or_else(|| SeedError::UnknownPlace(item.micro_grid.clone()))?;
            let building = self.buildings.get(&item.building).map(|b| b.0);
            let reporter: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = ?")
                .bind(&item.reporter)
                .fetch_optional(&mut *self.conn)
                .await?;
            let days = item.days_ago.unwrap_or(i as f64 + 1.0);
            let spec = ItemSpec {
                kind: &item.kind,
                category: &item.category,
                micro_grid: micro,
                building,
                place_note: &item.place_note,
                description: &item.description,
                reporter,
                stage: &item.stage,
                warning: item.warning_level.as_deref(),
                handler: item.handler.as_ref().map(|(k, n)| (k.as_str(), n.as_str())),
                resolved: item.resolved,
                rating: item.resolved.map(|r| if r { 5 } else { 2 }),
                rework: false,
                created: t0 - (days * 86_400.0) as i64,
                now: t0,
            };
            let id = self.seed_item(&spec).await?;
            for party in &item.parties {
                let (name, contact) = match party.split_once(' ') {
                    Some((n, c)) => (n, Some(c)),
                    None => (party.as_str(), None),
                };
                sqlx::query("INSERT INTO dispute_parties (item_id, name, contact) VALUES (?, ?, ?)")
                    .bind(id)
                    .bind(name)
                    .bind(contact)
                    .execute(&mut *self.conn)
                    .await?;
            }
            for check in &item.checks {
                sqlx::query("INSERT INTO inspection_checks (item_id, label) VALUES (?, ?)")
                    .bind(id)
                    .bind(check)
                    .execute(&mut *self.conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Twelve weeks of 民情 in the micro-grids that have staff, most closed, some
    /// confirmed by residents and some not, a few voided or still open, so the
    /// command centre's charts have shape.
    async fn sentiment_history(&mut self, t0: i64) -> Result<(), SeedError> {
        const TEMPLATES: [(&str, &str); 12] = [
            ("facility", "楼道灯不亮"),
            ("facility", "单元门禁损坏"),
            ("sanitation", "垃圾桶满溢，气味大"),
            ("safety", "电动车在楼道充电"),
            ("facility", "电梯按钮失灵"),
            ("sanitation", "绿化带里有建筑垃圾"),
            ("safety", "消防通道堆放杂物"),
            ("other", "流浪猫较多，有居民担心"),
            ("illegal_building", "一楼私搭雨棚"),
            ("facility", "屋顶渗水"),
            ("sanitation", "楼道小广告多"),
            ("dispute", "楼上楼下噪音纠纷"),
        ];
        let places: Vec<(i64, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT m.id, b.id, b.name,
                    (SELECT r.account_id FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
                     WHERE r.role IN ('micro_grid_member', 'grid_leader') AND substr(m.code, 1, length(n.code)) = n.code
                     ORDER BY r.role DESC LIMIT 1)
             FROM grid_nodes m JOIN grid_nodes b ON b.parent_id = m.id AND b.level = 'building'
             WHERE m.level = 'micro_grid' ORDER BY b.code",
        )
        .fetch_all(&mut *self.conn)
        .await?;
        let places: Vec<_> = places.into_iter().filter(|p| p.3.is_some()).collect();
        let mut n = 0usize;
        for week in 0..12i64 {
            for (k, (micro, building, name, staff)) in places.iter().enumerate() {
                if (k + week as usize) % 3 == 2 {
                    continue;
                }
                n += 1;
                let (category, what) = TEMPLATES[n % TEMPLATES.len()];
                let created = t0 - week * 7 * 86_400 - ((n * 7919) % (6 * 86_400)) as i64 - 86_400;
                let age_days = (t0 - created) / 86_400;
                let stage = match (age_days, n % 10) {
                    (_, 9) => "voided",
                    (0..=2, 0..=3) => "reported",
                    (0..=2, _) => "accepted",
                    (3..=6, 0..=2) => "dispatched",
                    (3..=6, 3) => "handled",
                    _ => "closed",
                };
                let resolved = (stage == "closed").then_some(!n.is_multiple_of(6)).filter(|_| !n.is_multiple_of(5));
                let description = format!("{name}{what}");
                let spec = ItemSpec {
                    kind: if category == "dispute" { "dispute" } else { "report" },
                    category,
                    micro_grid: *micro,
                    building: Some(*building),
                    place_note: "",
                    description: &description,
                    reporter: *staff,
                    stage,
                    warning: (category == "dispute").then_some(if n.is_multiple_of(4) { "yellow" } else { "green" }),
                    handler: Some(if n.is_multiple_of(3) {
                        ("department", "城管中队")
                    } else {
                        ("property", "物业服务中心")
                    }),
                    resolved,
                    rating: resolved.map(|r| if r { 4 + (n % 2) as i64 } else { 2 }),
                    rework: n.is_multiple_of(7),
                    created,
                    now: t0,
                };
                self.seed_item(&spec).await?;
            }
        }
        Ok(())
    }

    /// One item walked through the loop up to its stage, each step timed and signed:
    /// the reporter collects and reports, the grid leader accepts and dispatches, the
    /// handler's feedback comes a day later, a member verifies and closes. A dispatched
    /// item past its deadline carries the 督办 the server would have made.
    async fn seed_item(&mut self, it: &ItemSpec<'_>) -> Result<i64, SeedError> {
        const PATH: [&str; 7] = ["collected", "reported", "accepted", "dispatched", "handled", "verified", "closed"];
        const OFFSETS: [i64; 7] = [0, 3600, 3 * 3600, 5 * 3600, 29 * 3600, 33 * 3600, 35 * 3600];
        let code: String = sqlx::query_scalar("SELECT code FROM grid_nodes WHERE id = ?")
            .bind(it.micro_grid)
            .fetch_one(&mut *self.conn)
            .await?;
        let leader: Option<i64> = sqlx::query_scalar(
            "SELECT r.account_id FROM role_assignments r JOIN grid_nodes n ON n.id = r.node_id
             WHERE r.role IN ('grid_leader', 'community_admin') AND substr(?, 1, length(n.code)) = n.code
             ORDER BY r.role DESC LIMIT 1",
        )
        .bind(&code)
        .fetch_optional(&mut *self.conn)
        .await?;
        let leader = leader.or(it.reporter);
        let (reached, tail) = match it.stage {
            "voided" => (1, Some("voided")),
            "parked" => (2, Some("parked")),
            s => (PATH.iter().position(|p| *p == s).ok_or_else(|| SeedError::Bad(format!("stage {s}")))?, None),
        };
        let at = |step: usize| (it.created + OFFSETS[step]).min(it.now - 60);
        let dispatched = (reached >= 3 && tail.is_none()).then(|| at(3));
        let deadline = dispatched.map(|d| d + 3 * 86_400);
        let handled = (reached >= 4 && tail.is_none()).then(|| at(4));
        let closed = (reached == 6).then(|| at(6));
        let level = match (reached, deadline) {
            (3, Some(d)) if it.now > d + 2 * 86_400 => 2,
            (3, Some(d)) if it.now > d => 1,
            _ => 0,
        };
        let (handler_kind, handler_name) = match (dispatched, it.handler) {
            (Some(_), Some((k, n))) => (Some(k), Some(n)),
            (Some(_), None) => (Some("property"), Some("物业服务中心")),
            _ => (None, None),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sentiment_items (kind, category, micro_grid_id, building_id, place_note, description, reporter_id,
                 stage, handler_kind, handler_name, deadline, escalation_level, escalated_at, warning_level, handled_at,
                 closed_at, rework_count, resident_confirmed_at, resident_resolved, resident_rating, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(it.kind)
        .bind(it.category)
        .bind(it.micro_grid)
        .bind(it.building)
        .bind(it.place_note)
        .bind(it.description)
        .bind(it.reporter)
        .bind(tail.unwrap_or(PATH[reached]))
        .bind(handler_kind)
        .bind(handler_name)
        .bind(deadline)
        .bind(level)
        .bind((level > 0).then(|| deadline.unwrap_or(0) + 60))
        .bind(it.warning)
        .bind(handled)
        .bind(closed)
        .bind(i64::from(it.rework && reached >= 4))
        .bind(closed.filter(|_| it.resolved.is_some()).map(|c| (c + 86_400).min(it.now - 30)))
        .bind(it.resolved.filter(|_| closed.is_some()))
        .bind(it.rating.filter(|_| closed.is_some() && it.resolved.is_some()))
        .bind(it.created)
        .bind(closed.or(handled).or(dispatched).unwrap_or(it.created))
        .fetch_one(&mut *self.conn)
        .await?;
        let mut lines: Vec<SeedLine> = Vec::new();
        for (step, stage) in PATH.iter().enumerate().take(reached + 1) {
            let actor = if matches!(step, 2 | 3) { leader } else { it.reporter };
            let note = match step {
                3 => format!(
                    "{} · {}",
                    handler_name.unwrap_or(""),
                    crate::domain::time::format_local_date(deadline.unwrap_or(0))
                ),
                4 => "已处理完毕".to_string(),
                _ => String::new(),
            };
            lines.push((step.checked_sub(1).map(|p| PATH[p]), stage, actor, note, "stage", at(step)));
        }
        if let Some(tail) = tail {
            let note = if tail == "voided" { "重复上报" } else { "等待维修资金审批" };
            lines.push((Some(PATH[reached]), tail, leader, note.into(), "stage", at(reached + 1)));
        }
        if level > 0 {
            let d = deadline.unwrap_or(0);
            lines.push((None, "dispatched", None, "督办：已超期，提交网格长".into(), "escalation", d + 60));
            if level > 1 {
                lines.push((
                    None,
                    "dispatched",
                    None,
                    "督办：超期两天以上，提交社区".into(),
                    "escalation",
                    d + 2 * 86_400 + 60,
                ));
            }
        }
        if let (Some(c), Some(resolved)) = (closed, it.resolved) {
            let note = if resolved { "修好了，谢谢" } else { "过几天又坏了" };
            lines.push((None, "closed", it.reporter, note.into(), "confirm", (c + 86_400).min(it.now - 30)));
        }
        for (from, to, actor, note, kind, at) in lines {
            sqlx::query(
                "INSERT INTO sentiment_stages (item_id, from_stage, to_stage, actor_id, note, kind, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(from)
            .bind(to)
            .bind(actor)
            .bind(note)
            .bind(kind)
            .bind(at)
            .execute(&mut *self.conn)
            .await?;
        }
        Ok(id)
    }

    /// Elders living alone in 朝晖社区 and 祖望社区 (the register grows to at least four
    /// per community from its residents over sixty), with twelve weeks of visits by
    /// the grid's staff; every third elder's last visit is overdue.
    async fn elder_visits(&mut self, t0: i64) -> Result<(), SeedError> {
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
        let elders: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT e.person_id, m.code, v.every_days FROM elder_profiles e
             JOIN grid_nodes m ON m.id = e.micro_grid_id JOIN visit_plans v ON v.elder_id = e.person_id
             ORDER BY e.person_id",
        )
        .fetch_all(&mut *self.conn)
        .await?;
        for (i, (elder, code, every)) in elders.into_iter().enumerate() {
            let visitor: Option<i64> = sqlx::query_scalar(
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

/// One line of a seeded item's timeline: (from, to, actor, note, kind, at).
type SeedLine<'a> = (Option<&'a str>, &'a str, Option<i64>, String, &'a str, i64);

/// One seeded 民情 item.
struct ItemSpec<'a> {
    kind: &'a str,
    category: &'a str,
    micro_grid: i64,
    building: Option<i64>,
    place_note: &'a str,
    description: &'a str,
    reporter: Option<i64>,
    stage: &'a str,
    warning: Option<&'a str>,
    handler: Option<(&'a str, &'a str)>,
    resolved: Option<bool>,
    rating: Option<i64>,
    rework: bool,
    created: i64,
    now: i64,
}

async fn account_of(conn: &mut SqliteConnection, person: i64) -> Result<i64, sqlx::Error> {
    super::accounts_repo::account_of(conn, person).await?.ok_or(sqlx::Error::RowNotFound)
}
