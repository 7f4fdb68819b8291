//! A volunteer's star level from their confirmed service hours, as volunteer services
//! in China rate it (一星 100 hours … 五星 1,500 hours).

/// Confirmed hours needed for one to five stars.
pub const STAR_HOURS: [u32; 5] = [100, 300, 600, 1000, 1500];

/// The stars reached with `hours` (0 to 5).
pub fn stars(hours: f64) -> u8 {
    STAR_HOURS.iter().filter(|h| hours >= f64::from(**h)).count() as u8
}

/// The next star and the hours still missing for it; `None` at five stars.
pub fn to_next_star(hours: f64) -> Option<(u8, f64)> {
    let next = stars(hours);
    STAR_HOURS.get(usize::from(next)).map(|h| (next + 1, ((f64::from(*h) - hours) * 10.0).ceil() / 10.0))
}

/// 党员亮身份 as a person's own profile holds it. Only the person turns it on or off;
/// staff may propose it, and a proposal shows nothing until the person confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PartyBadge {
    Off,
    /// Staff proposed it; the person has not answered.
    Proposed,
    Shown,
}

impl PartyBadge {
    /// From the stored flag and whether a proposal waits.
    pub fn of(shown: bool, proposed: bool) -> Self {
        match (shown, proposed) {
            (true, _) => Self::Shown,
            (false, true) => Self::Proposed,
            (false, false) => Self::Off,
        }
    }

    /// Whether staff may propose it now: not while it is shown or a proposal waits (a
    /// person who declined may be asked again later).
    pub fn may_propose(self) -> bool {
        self == Self::Off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_shows_nothing_until_the_person_confirms() {
        assert_eq!(PartyBadge::of(false, false), PartyBadge::Off);
        assert_eq!(PartyBadge::of(false, true), PartyBadge::Proposed);
        assert_eq!(PartyBadge::of(true, false), PartyBadge::Shown);
        assert_eq!(PartyBadge::of(true, true), PartyBadge::Shown);
        assert!(PartyBadge::Off.may_propose());
        assert!(!PartyBadge::Proposed.may_propose());
        assert!(!PartyBadge::Shown.may_propose());
    }

    #[test]
    fn stars_follow_confirmed_hours() {
        assert_eq!(stars(0.0), 0);
        assert_eq!(stars(99.9), 0);
        assert_eq!(stars(100.0), 1);
        assert_eq!(stars(720.0), 3);
        assert_eq!(stars(5000.0), 5);
    }

    #[test]
    fn the_next_star_says_what_is_missing() {
        assert_eq!(to_next_star(12.5), Some((1, 87.5)));
        assert_eq!(to_next_star(720.0), Some((4, 280.0)));
        assert_eq!(to_next_star(999.95), Some((4, 0.1)));
        assert_eq!(to_next_star(1500.0), None);
    }
}
