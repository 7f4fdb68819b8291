//! The demo city's 我帮忙 offers and orders in every state.
use super::*;
use crate::domain::ids::OrderId;

impl Seeder<'_> {
    pub(super) async fn offers(
        &mut self,
        offers: &[OfferSeed],
        volunteers: &[(PersonId, NodeId)],
    ) -> Result<(), SeedError> {
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

    pub(super) async fn orders(
        &mut self,
        city: &City,
        residents: &[ResidentSeat],
        volunteers: &[(PersonId, NodeId)],
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
        let zuwang: Vec<ResidentSeat> =
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
        let leader: AccountId = sqlx::query_scalar("SELECT id FROM accounts WHERE phone = '13800000003'")
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
                let id: OrderId = sqlx::query_scalar(
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
    pub(super) fn community_of(&self, micro_id: NodeId) -> String {
        self.micro_grids
            .iter()
            .find(|(_, m)| m.id == micro_id)
            .map(|(path, _)| path.split('/').take(2).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }

    /// (person, micro-grid, building) of a seeded phone.
    pub(super) async fn person_by_phone(&mut self, phone: &str) -> Result<ResidentSeat, SeedError> {
        sqlx::query_as("SELECT id, micro_grid_id, building_id FROM people WHERE phone = ?")
            .bind(phone)
            .fetch_optional(&mut *self.conn)
            .await?
            .ok_or_else(|| SeedError::UnknownPlace(phone.into()))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn open_order(
        &mut self,
        person: PersonId,
        micro: NodeId,
        building: NodeId,
        section: &str,
        title: &str,
        description: &str,
        urgency: &str,
        created: i64,
    ) -> Result<OrderId, SeedError> {
        let account = account_of(&mut *self.conn, person).await?;
        let id: OrderId = sqlx::query_scalar(
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
}
