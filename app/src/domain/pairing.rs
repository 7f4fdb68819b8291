//! 1+1 pairings (结对): a volunteer serves a household on a weekly slot.

/// Start hour (China Standard Time) of each part of the day.
pub const PART_START_HOURS: [i64; 3] = [9, 14, 19];

/// The start of the next weekly slot at or after `now` (Unix seconds): `weekday` 0 =
/// Monday, `part` 0 morning, 1 afternoon, 2 evening, in China Standard Time.
pub fn next_occurrence(now: i64, weekday: u32, part: u32) -> Option<i64> {
    if weekday > 6 || part > 2 {
        return None;
    }
    const CST: i64 = 8 * 3600;
    let local = now + CST;
    let day = local.div_euclid(86_400);
    let today_weekday = (day + 3).rem_euclid(7); // 1970-01-01 was a Thursday
    let mut days_ahead = (weekday as i64 - today_weekday).rem_euclid(7);
    let start_of = |d: i64| d * 86_400 + PART_START_HOURS[part as usize] * 3600 - CST;
    if days_ahead == 0 && start_of(day) < now {
        days_ahead = 7;
    }
    Some(start_of(day + days_ahead))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-23 was a Monday; 01:00 UTC is 09:00 CST.
    const MONDAY_9AM: i64 = 1_795_395_600;

    #[test]
    fn the_next_tuesday_morning_follows_a_monday() {
        assert_eq!(next_occurrence(MONDAY_9AM, 1, 0), Some(MONDAY_9AM + 86_400));
    }

    #[test]
    fn a_slot_that_already_began_today_moves_a_week_on() {
        assert_eq!(next_occurrence(MONDAY_9AM + 60, 0, 0), Some(MONDAY_9AM + 7 * 86_400));
        assert_eq!(next_occurrence(MONDAY_9AM, 0, 0), Some(MONDAY_9AM), "exactly at the start is still today");
        assert_eq!(next_occurrence(MONDAY_9AM + 60, 0, 2), Some(MONDAY_9AM + 10 * 3600), "this evening");
    }

    #[test]
    fn sunday_wraps_around_the_week() {
        assert_eq!(next_occurrence(MONDAY_9AM, 6, 1), Some(MONDAY_9AM + 6 * 86_400 + 5 * 3600));
    }

    #[test]
    fn bad_slots_are_refused() {
        assert_eq!(next_occurrence(MONDAY_9AM, 7, 0), None);
        assert_eq!(next_occurrence(MONDAY_9AM, 0, 3), None);
    }
}
