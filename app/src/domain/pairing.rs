//! 1+1 pairings (结对): a volunteer serves a household on a weekly slot.
use crate::domain::order::ServiceSection;
use crate::domain::phone::PhoneNumber;
use crate::domain::text::FreeText;

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

/// The 结对 form as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairingInput<'a> {
    pub volunteer_phone: &'a str,
    pub resident_phone: &'a str,
    pub section: &'a str,
    pub title: &'a str,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: &'a str,
    /// 0 morning, 1 afternoon, 2 evening.
    pub part: &'a str,
}

/// A pairing to make, parsed from [`PairingInput`]: who are still to be found by their numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPairing {
    pub volunteer_phone: PhoneNumber,
    pub resident_phone: PhoneNumber,
    pub section: ServiceSection,
    pub title: String,
    pub weekday: i64,
    pub part: i64,
}

/// Why a field of the 结对 form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingProblem {
    /// No mobile number (an empty field included).
    Phone,
    /// Not one of the five sections.
    Section,
    /// The title is not 2–60 characters.
    TitleLength,
    /// A control character (a NUL...) in the title.
    Control,
    /// No weekday 0–6 or no part of the day 0–2: named once, on `weekday`.
    Slot,
}

impl NewPairing {
    pub fn parse(form: &PairingInput<'_>) -> Result<NewPairing, Vec<(&'static str, PairingProblem)>> {
        let phone = |text: &str| PhoneNumber::parse(text).map_err(|_| PairingProblem::Phone);
        let volunteer_phone = phone(form.volunteer_phone);
        let resident_phone = phone(form.resident_phone);
        let section = ServiceSection::parse(form.section).ok_or(PairingProblem::Section);
        let title = FreeText::field(form.title, 2..=60, PairingProblem::TitleLength, PairingProblem::Control);
        let weekday = form.weekday.parse::<i64>().ok().filter(|d| (0..=6).contains(d));
        let part = form.part.parse::<i64>().ok().filter(|p| (0..=2).contains(p));
        let slot = weekday.zip(part).ok_or(PairingProblem::Slot);
        let problems = [
            ("volunteer_phone", volunteer_phone.as_ref().err().copied()),
            ("resident_phone", resident_phone.as_ref().err().copied()),
            ("section", section.err()),
            ("title", title.as_ref().err().copied()),
            ("weekday", slot.err()),
        ];
        match (volunteer_phone, resident_phone, section, title, slot) {
            (Ok(volunteer_phone), Ok(resident_phone), Ok(section), Ok(title), Ok((weekday, part))) => {
                Ok(NewPairing { volunteer_phone, resident_phone, section, title, weekday, part })
            }
            _ => Err(problems.into_iter().filter_map(|(field, problem)| Some((field, problem?))).collect()),
        }
    }
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

    fn form() -> PairingInput<'static> {
        PairingInput {
            volunteer_phone: "13800138000",
            resident_phone: "+86 139-0013-9000",
            section: "daily_life",
            title: "每周买菜",
            weekday: "5",
            part: "0",
        }
    }

    fn problems(form: PairingInput<'_>) -> Vec<(&'static str, PairingProblem)> {
        NewPairing::parse(&form).err().unwrap_or_default()
    }

    #[test]
    fn a_good_pairing_form_is_parsed() {
        let pairing = NewPairing::parse(&form()).expect("parsed");
        assert_eq!(pairing.volunteer_phone.as_str(), "13800138000");
        assert_eq!(pairing.resident_phone.as_str(), "13900139000");
        assert_eq!((pairing.section, pairing.title.as_str()), (ServiceSection::DailyLife, "每周买菜"));
        assert_eq!((pairing.weekday, pairing.part), (5, 0));
    }

    #[test]
    fn every_bad_field_is_answered_at_once_in_the_forms_order() {
        let bad = PairingInput {
            volunteer_phone: "",
            resident_phone: "1234",
            section: "x",
            title: "买",
            weekday: "7",
            part: "3",
        };
        assert_eq!(
            problems(bad),
            vec![
                ("volunteer_phone", PairingProblem::Phone),
                ("resident_phone", PairingProblem::Phone),
                ("section", PairingProblem::Section),
                ("title", PairingProblem::TitleLength),
                ("weekday", PairingProblem::Slot),
            ]
        );
    }

    #[test]
    fn a_title_has_two_to_sixty_characters_and_no_control_characters() {
        for ok in ["买菜".to_string(), "买".repeat(60)] {
            assert!(NewPairing::parse(&PairingInput { title: &ok, ..form() }).is_ok(), "{ok:?}");
        }
        for bad in ["买".to_string(), "买".repeat(61)] {
            assert_eq!(problems(PairingInput { title: &bad, ..form() }), vec![("title", PairingProblem::TitleLength)]);
        }
        assert_eq!(problems(PairingInput { title: "买\u{0}菜", ..form() }), vec![("title", PairingProblem::Control)]);
    }

    #[test]
    fn a_slot_is_a_weekday_from_monday_to_sunday_and_one_of_three_parts() {
        let slot =
            |weekday, part| NewPairing::parse(&PairingInput { weekday, part, ..form() }).map(|p| (p.weekday, p.part));
        assert_eq!(slot("0", "0"), Ok((0, 0)));
        assert_eq!(slot("6", "2"), Ok((6, 2)));
        for (weekday, part) in [("7", "0"), ("-1", "0"), ("0", "3"), ("0", "-1"), ("", "0"), ("周一", "0"), ("1", "")]
        {
            assert_eq!(slot(weekday, part), Err(vec![("weekday", PairingProblem::Slot)]), "{weekday:?} {part:?}");
        }
    }
}
