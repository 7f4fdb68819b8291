//! 议事会: a 议题 (topic) a resident raises for where they live, under 「小事不出户、琐事不出格、
//! 难事有人解、大事聚合力」. Households support it (附议, one each); once enough have, staff
//! screen it within a week: accept it for deliberation, or decline it with a reason everyone
//! can read. A topic that misses its window is labelled, never deleted.
use crate::domain::activity::Audience;

/// Where a topic is in its life. The stages after 已受理 are deliberation's (scheduling a
/// meeting, its minutes, 公示, carrying the decision out and rating it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stage {
    /// 征集中: households may support it.
    Collecting,
    /// 已受理.
    Accepted,
    /// 已排期.
    Scheduled,
    /// 已协商.
    Deliberated,
    /// 公示中.
    Publicised,
    /// 落实中.
    Implementing,
    /// 已评议.
    Reviewed,
    /// 未采纳, with a public reason.
    Declined,
    /// 已并入: merged into another topic, which its supporters now support.
    Merged,
    /// 转民情: sent into the 民情 loop, where a repair belongs.
    Referred,
}

impl Stage {
    pub const ALL: [Stage; 10] = [
        Stage::Collecting,
        Stage::Accepted,
        Stage::Scheduled,
        Stage::Deliberated,
        Stage::Publicised,
        Stage::Implementing,
        Stage::Reviewed,
        Stage::Declined,
        Stage::Merged,
        Stage::Referred,
    ];

    /// The stored name (the schema's CHECK lists the same).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Collecting => "collecting",
            Stage::Accepted => "accepted",
            Stage::Scheduled => "scheduled",
            Stage::Deliberated => "deliberated",
            Stage::Publicised => "publicised",
            Stage::Implementing => "implementing",
            Stage::Reviewed => "reviewed",
            Stage::Declined => "declined",
            Stage::Merged => "merged",
            Stage::Referred => "referred",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the topic ended here without deliberation: declined, merged or referred.
    pub fn set_aside(self) -> bool {
        matches!(self, Stage::Declined | Stage::Merged | Stage::Referred)
    }

    /// Whether another topic may be merged into this one: one still alive and not yet
    /// decided on (collecting or accepted).
    pub fn takes_merges(self) -> bool {
        matches!(self, Stage::Collecting | Stage::Accepted)
    }
}

/// How long households may support a topic, and how long staff have to screen it.
pub const SUPPORT_DAYS: i64 = 30;
pub const SCREEN_DAYS: i64 = 7;
pub const TITLE_CHARS: usize = 60;
pub const BODY_CHARS: usize = 1000;
pub const REASON_CHARS: usize = 200;

/// Households a topic needs: five for a micro-grid; for a grid 3 % of its households and at
/// least five, for a community 3 % and at least ten; never more than live there.
pub fn threshold(audience: Audience, households: i64) -> i64 {
    let share = (households * 3 + 99) / 100;
    let needed = match audience {
        Audience::MicroGrid => 5,
        Audience::Grid => share.max(5),
        Audience::Community => share.max(10),
    };
    needed.min(households).max(1)
}

/// How a topic's support stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Support {
    /// Still collecting, short of the threshold.
    Open,
    /// Enough households support it.
    Reached,
    /// The window closed short of the threshold (未达附议).
    Missed,
}

pub fn support(supporters: i64, threshold: i64, support_until: i64, now: i64) -> Support {
    if supporters >= threshold {
        Support::Reached
    } else if now >= support_until {
        Support::Missed
    } else {
        Support::Open
    }
}

/// Whether a household may still support it: while it collects, inside its window.
pub fn may_support(stage: Stage, support_until: i64, now: i64) -> bool {
    stage == Stage::Collecting && now < support_until
}

/// Staff's first answer to a topic: accept it, decline it with a reason, merge it into
/// another, or send it into the 民情 loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screening {
    Accept,
    Decline,
    Merge,
    Refer,
}

impl Screening {
    pub fn parse(s: &str) -> Option<Screening> {
        match s {
            "accept" => Some(Screening::Accept),
            "decline" => Some(Screening::Decline),
            "merge" => Some(Screening::Merge),
            "refer" => Some(Screening::Refer),
            _ => None,
        }
    }

    pub fn stage(self) -> Stage {
        match self {
            Screening::Accept => Stage::Accepted,
            Screening::Decline => Stage::Declined,
            Screening::Merge => Stage::Merged,
            Screening::Refer => Stage::Referred,
        }
    }
}

/// Whether staff owe the topic an answer and are late: raised more than a week ago and not
/// screened yet. The job sends such a topic up (督办) once.
pub fn overdue(stage: Stage, raised_at: i64, now: i64) -> bool {
    stage == Stage::Collecting && now - raised_at > SCREEN_DAYS * 86_400
}

/// Whether `into` may take a merge of `topic`: another topic, alive and not yet decided on,
/// of the same area or one around it (so every supporter lives in its scope too).
pub fn may_merge(topic: i64, code: &str, into: i64, into_code: &str, into_stage: Stage) -> bool {
    topic != into && into_stage.takes_merges() && crate::domain::grid::is_within(code, into_code)
}

/// Who a meeting invites, besides the topic's supporters: the roles the reports name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Invited {
    /// 居民代表.
    ResidentReps,
    /// 网格工作人员.
    GridStaff,
    /// 党员.
    PartyMembers,
    /// 物业.
    Property,
    /// 业委会.
    OwnersCommittee,
}

impl Invited {
    pub const ALL: [Invited; 5] =
        [Invited::ResidentReps, Invited::GridStaff, Invited::PartyMembers, Invited::Property, Invited::OwnersCommittee];

    /// The stored name (the schema's CHECK lists the same).
    pub fn as_str(self) -> &'static str {
        match self {
            Invited::ResidentReps => "resident_reps",
            Invited::GridStaff => "grid_staff",
            Invited::PartyMembers => "party_members",
            Invited::Property => "property",
            Invited::OwnersCommittee => "owners_committee",
        }
    }

    pub fn parse(s: &str) -> Option<Invited> {
        Invited::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The largest quorum a meeting may ask for (an activity seats at most 500).
pub const MAX_QUORUM: i64 = 500;

/// Whether a topic may be put on a meeting's agenda: accepted, and the meeting still ahead.
pub fn may_schedule(stage: Stage, meeting_starts_at: i64, now: i64) -> bool {
    stage == Stage::Accepted && meeting_starts_at > now
}

/// How long a motion, a decision and its owner's name may be.
pub const MOTION_CHARS: usize = 500;
pub const DECISION_CHARS: usize = 1000;
pub const OWNER_CHARS: usize = 40;

/// Why minutes cannot be written now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinutesRefusal {
    /// The meeting has not begun.
    NotBegun,
    /// Fewer checked in than its quorum: no decision can be taken.
    NoQuorum,
    /// More hands than people who checked in.
    TooManyVotes,
}

/// Whether a scheduled topic's minutes may be written: its meeting has begun, enough
/// people checked in, and no more hands were counted than were there.
pub fn minutes_refusal(
    starts_at: i64,
    now: i64,
    attended: i64,
    quorum: i64,
    votes: [i64; 3],
) -> Option<MinutesRefusal> {
    if now < starts_at {
        Some(MinutesRefusal::NotBegun)
    } else if attended < quorum {
        Some(MinutesRefusal::NoQuorum)
    } else if votes.iter().sum::<i64>() > attended {
        Some(MinutesRefusal::TooManyVotes)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_five_households_or_three_percent_and_never_more_than_live_there() {
        assert_eq!(threshold(Audience::MicroGrid, 120), 5);
        assert_eq!(threshold(Audience::MicroGrid, 3), 3);
        assert_eq!(threshold(Audience::Grid, 100), 5);
        assert_eq!(threshold(Audience::Grid, 400), 12);
        assert_eq!(threshold(Audience::Community, 200), 10);
        assert_eq!(threshold(Audience::Community, 1000), 30);
        assert_eq!(threshold(Audience::Community, 0), 1);
    }

    #[test]
    fn support_is_reached_open_or_missed_and_only_while_collecting_in_its_window() {
        assert_eq!(support(5, 5, 100, 200), Support::Reached);
        assert_eq!(support(4, 5, 100, 50), Support::Open);
        assert_eq!(support(4, 5, 100, 100), Support::Missed);
        assert!(may_support(Stage::Collecting, 100, 99));
        assert!(!may_support(Stage::Collecting, 100, 100));
        assert!(!may_support(Stage::Accepted, 100, 0));
    }

    #[test]
    fn stages_round_trip_and_screening_moves_to_accepted_or_declined() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        assert_eq!(Screening::parse("accept").map(Screening::stage), Some(Stage::Accepted));
        assert_eq!(Screening::parse("decline").map(Screening::stage), Some(Stage::Declined));
        assert_eq!(Screening::parse("merge").map(Screening::stage), Some(Stage::Merged));
        assert_eq!(Screening::parse("refer").map(Screening::stage), Some(Stage::Referred));
        assert_eq!(Screening::parse("postpone"), None);
        assert!(overdue(Stage::Collecting, 0, 8 * 86_400));
        assert!(!overdue(Stage::Accepted, 0, 8 * 86_400));
    }

    #[test]
    fn only_an_accepted_topic_goes_on_the_agenda_of_a_meeting_ahead() {
        assert!(may_schedule(Stage::Accepted, 200, 100));
        assert!(!may_schedule(Stage::Accepted, 100, 100));
        assert!(!may_schedule(Stage::Collecting, 200, 100));
        assert!(!may_schedule(Stage::Scheduled, 200, 100));
        for i in Invited::ALL {
            assert_eq!(Invited::parse(i.as_str()), Some(i));
        }
        assert_eq!(Invited::parse("everyone"), None);
    }

    #[test]
    fn minutes_need_the_meeting_begun_its_quorum_and_no_more_hands_than_people() {
        assert_eq!(minutes_refusal(100, 99, 10, 5, [3, 1, 1]), Some(MinutesRefusal::NotBegun));
        assert_eq!(minutes_refusal(100, 100, 4, 5, [3, 1, 0]), Some(MinutesRefusal::NoQuorum));
        assert_eq!(minutes_refusal(100, 100, 5, 5, [3, 2, 1]), Some(MinutesRefusal::TooManyVotes));
        assert_eq!(minutes_refusal(100, 100, 5, 5, [3, 1, 1]), None);
    }

    #[test]
    fn a_topic_merges_into_another_alive_one_of_its_area_or_around_it() {
        assert!(may_merge(1, "A:1:2", 2, "A:1", Stage::Collecting));
        assert!(may_merge(1, "A:1:2", 2, "A:1:2", Stage::Accepted));
        assert!(!may_merge(1, "A:1", 2, "A:1:2", Stage::Collecting), "a narrower topic leaves supporters out");
        assert!(!may_merge(1, "A:1", 1, "A:1", Stage::Collecting), "not into itself");
        assert!(!may_merge(1, "A:1", 2, "A:1", Stage::Declined));
        assert!(!may_merge(1, "A:1", 2, "A:1", Stage::Merged));
    }
}
