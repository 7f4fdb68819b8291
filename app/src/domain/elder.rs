//! Visiting elders who live alone: the outcome of a visit, the visit period in force
//! (shorter in a heat alert) and when a visit is overdue.
use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The outcome of a visit: 平安, 需要帮助, 紧急.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VisitOutcome {
    Safe,
    NeedsHelp,
    Emergency,
}

impl VisitOutcome {
    pub const ALL: [VisitOutcome; 3] = [VisitOutcome::Safe, VisitOutcome::NeedsHelp, VisitOutcome::Emergency];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitOutcome::Safe => "safe",
            VisitOutcome::NeedsHelp => "needs_help",
            VisitOutcome::Emergency => "emergency",
        }
    }

    pub fn parse(s: &str) -> Option<VisitOutcome> {
        VisitOutcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// The visit period in force: the heat-alert period while the community's alert is on.
pub fn visit_period_days(every_days: i64, heat_alert_every_days: i64, heat_alert: bool) -> i64 {
    if heat_alert {
        heat_alert_every_days.min(every_days).max(1)
    } else {
        every_days.max(1)
    }
}

/// An elder is overdue when the last visit is older than the period; never visited is overdue.
pub fn is_overdue(last_visit: Option<i64>, now: i64, period_days: i64) -> bool {
    match last_visit {
        None => true,
        Some(at) => now - at > period_days * DAY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_visited_is_overdue() {
        assert!(is_overdue(None, 1_000_000, 7));
    }

    #[test]
    fn a_visit_older_than_the_period_is_overdue() {
        let now = 100 * DAY;
        assert!(!is_overdue(Some(now - 7 * DAY), now, 7));
        assert!(is_overdue(Some(now - 7 * DAY - 1), now, 7));
        assert!(!is_overdue(Some(now - 3 * DAY), now, 7));
    }

    #[test]
    fn a_heat_alert_shortens_the_period() {
        assert_eq!(visit_period_days(7, 1, false), 7);
        assert_eq!(visit_period_days(7, 1, true), 1);
        // A heat-alert period longer than the usual one never lengthens it.
        assert_eq!(visit_period_days(3, 5, true), 3);
        assert!(is_overdue(Some(100 * DAY - 3 * DAY), 100 * DAY, visit_period_days(7, 1, true)));
    }

    #[test]
    fn outcomes_round_trip_through_their_stored_names() {
        for o in VisitOutcome::ALL {
            assert_eq!(VisitOutcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(VisitOutcome::parse("fine"), None);
    }
}
