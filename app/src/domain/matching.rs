//! Matching: rank volunteers for an order. Pure, so it is tested without a database.
use crate::domain::ids::PersonId;
use crate::domain::order::ServiceSection;
use serde::{Deserialize, Serialize};

/// What the ranking knows about a volunteer. The board's island holds the viewer's own,
/// to rank a new order for 适合我 as the server would.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerFacts {
    pub person_id: PersonId,
    /// Code of the volunteer's micro-grid (service area).
    pub area_code: String,
    pub skills: Vec<ServiceSection>,
    /// 21-bit weekly availability: bit (day * 3 + part), day 0 = Monday, parts morning/afternoon/evening.
    pub availability: u32,
    /// Orders taken and not yet finished.
    pub open_load: u32,
    pub avg_rating: Option<f64>,
}

/// What the ranking knows about an order (an order frame carries it with the card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderNeeds {
    pub area_code: String,
    pub section: ServiceSection,
    /// The slot (day * 3 + part) the order asks for, if it names a time.
    pub slot: Option<u32>,
}

/// The slot of a Unix time in China Standard Time (UTC+8).
pub fn slot_of(unix_secs: i64) -> u32 {
    let local = unix_secs + 8 * 3600;
    let days = local.div_euclid(86_400);
    // 1970-01-01 was a Thursday (day 3 when Monday is 0).
    let weekday = (days + 3).rem_euclid(7) as u32;
    let hour = (local.rem_euclid(86_400) / 3600) as u32;
    let part = match hour {
        0..=11 => 0,
        12..=17 => 1,
        _ => 2,
    };
    weekday * 3 + part
}

/// Closeness: same micro-grid 3, same grid 2, same community 1, else 0.
fn closeness(a: &str, b: &str) -> u32 {
    use crate::domain::grid::NodeLevel as L;
    let community = L::Subdistrict.segment_width() + L::Community.segment_width();
    let grid = community + L::Grid.segment_width();
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    if a == b {
        3
    } else if common >= grid {
        2
    } else if common >= community {
        1
    } else {
        0
    }
}

/// How well an order suits a volunteer (higher first), compared in order: closeness,
/// skill match, availability, fewer orders in hand, rating.
pub type Score = (u32, bool, bool, i64, i64);

/// The score used to order candidates: see [`Score`].
pub fn score(v: &VolunteerFacts, order: &OrderNeeds) -> Score {
    let available = order.slot.is_none_or(|slot| v.availability & (1 << slot) != 0);
    (
        closeness(&v.area_code, &order.area_code),
        v.skills.contains(&order.section),
        available,
        -(v.open_load as i64),
        (v.avg_rating.unwrap_or(4.0) * 100.0) as i64,
    )
}

/// Volunteers ranked best first; ties keep the input order.
pub fn rank(volunteers: &[VolunteerFacts], order: &OrderNeeds) -> Vec<VolunteerFacts> {
    let mut ranked = volunteers.to_vec();
    ranked.sort_by_key(|v| std::cmp::Reverse(score(v, order)));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: i64, area: &str, skills: &[ServiceSection], load: u32, rating: f64) -> VolunteerFacts {
        VolunteerFacts {
            person_id: PersonId(id),
            area_code: area.into(),
            skills: skills.to_vec(),
            availability: 0x1F_FFFF,
            open_load: load,
            avg_rating: Some(rating),
        }
    }

    const HERE: &str = "32060200100101201";

    fn needs(section: ServiceSection) -> OrderNeeds {
        OrderNeeds { area_code: HERE.into(), section, slot: None }
    }

    #[test]
    fn nearer_volunteers_come_first() {
        let list = [
            v(1, "32060200200101201", &[], 0, 5.0), // another community
            v(2, "320602001001013", &[], 0, 5.0),   // another grid of the community
            v(3, "32060200100101202", &[], 0, 5.0), // same grid
            v(4, HERE, &[], 0, 5.0),                // same micro-grid
        ];
        let ids: Vec<i64> = rank(&list, &needs(ServiceSection::Health)).iter().map(|v| v.person_id.get()).collect();
        assert_eq!(ids, vec![4, 3, 2, 1]);
    }

    #[test]
    fn at_equal_distance_skills_then_availability_then_load_then_rating_decide() {
        let mut busy_skilled = v(1, HERE, &[ServiceSection::Health], 3, 5.0);
        let unskilled = v(2, HERE, &[ServiceSection::DailyLife], 0, 5.0);
        let free_skilled = v(3, HERE, &[ServiceSection::Health], 0, 4.0);
        let best_rated = v(4, HERE, &[ServiceSection::Health], 0, 4.9);
        let ids: Vec<i64> = rank(
            &[busy_skilled.clone(), unskilled.clone(), free_skilled.clone(), best_rated.clone()],
            &needs(ServiceSection::Health),
        )
        .iter()
        .map(|v| v.person_id.get())
        .collect();
        assert_eq!(ids, vec![4, 3, 1, 2]);

        // When the order names a time, someone unavailable then drops below the available.
        let slot = 5;
        busy_skilled.availability = 1 << slot;
        let mut away = best_rated;
        away.availability = 0;
        let order = OrderNeeds { slot: Some(slot), ..needs(ServiceSection::Health) };
        let ids: Vec<i64> = rank(&[away, busy_skilled], &order).iter().map(|v| v.person_id.get()).collect();
        assert_eq!(ids, vec![1, 4]);
    }

    #[test]
    fn slots_follow_china_standard_time() {
        // 2026-11-23 is a Monday. 09:00 CST = 01:00 UTC.
        let monday_9am_cst = 1_795_395_600;
        assert_eq!(slot_of(monday_9am_cst), 0);
        assert_eq!(slot_of(monday_9am_cst + 6 * 3600), 1); // 15:00
        assert_eq!(slot_of(monday_9am_cst + 11 * 3600), 2); // 20:00
        assert_eq!(slot_of(monday_9am_cst + 6 * 86_400), 18); // Sunday morning
    }
}
