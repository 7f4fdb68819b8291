//! 志愿服务之星: the rules a vote must pass, checked inside the vote's transaction.

/// Why a vote was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteRefusal {
    NotVoting,
    NotApproved,
    OutOfScope,
    /// The voter's account was not matched by grid staff to a household of the area.
    Unverified,
    AlreadyVoted,
    QuotaUsed,
}

/// The facts about one attempted vote.
#[derive(Debug, Clone, Copy)]
pub struct VoteAttempt {
    pub now: i64,
    pub voting_start: i64,
    pub voting_end: i64,
    pub approved: bool,
    pub in_scope: bool,
    /// Grid staff matched the voter to a household: a sign-up alone does not make a voter,
    /// or twenty throwaway accounts would be twenty votes.
    pub verified: bool,
    /// The voter already voted for this candidate.
    pub already_voted: bool,
    pub used: i64,
    pub quota: i64,
}

pub fn check_vote(a: VoteAttempt) -> Result<(), VoteRefusal> {
    if a.now < a.voting_start || a.now >= a.voting_end {
        return Err(VoteRefusal::NotVoting);
    }
    if !a.in_scope {
        return Err(VoteRefusal::OutOfScope);
    }
    if !a.verified {
        return Err(VoteRefusal::Unverified);
    }
    if !a.approved {
        return Err(VoteRefusal::NotApproved);
    }
    // A repeat is named as such even when the quota is used up.
    if a.already_voted {
        return Err(VoteRefusal::AlreadyVoted);
    }
    if a.used >= a.quota {
        return Err(VoteRefusal::QuotaUsed);
    }
    Ok(())
}

/// Why an election definition was refused, per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftProblem {
    Title,
    /// A control character (a NUL...) in the title.
    Control,
    Stars,
    VotesPerVoter,
    MinHours,
    Date,
    /// Nomination, voting and notice periods must follow each other.
    Order,
}

/// A validated election definition (unix seconds; each period ends at 00:00 after its last day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionDraft {
    pub title: String,
    pub stars: i64,
    pub votes_per_voter: i64,
    pub nomination_start: i64,
    pub nomination_end: i64,
    pub voting_start: i64,
    pub voting_end: i64,
    pub notice_end: i64,
    pub live_tally: bool,
    pub min_service_hours: i64,
}

/// The form as sent: numbers as text, dates as `2026-12-01` (China time), last days inclusive.
#[derive(Debug, Clone, Default)]
pub struct DraftInput<'a> {
    pub title: &'a str,
    pub stars: &'a str,
    pub votes_per_voter: &'a str,
    pub nomination_from: &'a str,
    pub nomination_to: &'a str,
    pub voting_from: &'a str,
    pub voting_to: &'a str,
    pub notice_to: &'a str,
    pub live_tally: bool,
    pub min_service_hours: &'a str,
}

pub fn validate_draft(input: &DraftInput<'_>) -> Result<ElectionDraft, Vec<(&'static str, DraftProblem)>> {
    use crate::domain::time::parse_local_date;
    const DAY: i64 = 86_400;
    let mut problems = Vec::new();
    let title = crate::domain::text::FreeText::field(input.title, 2..=60, DraftProblem::Title, DraftProblem::Control)
        .unwrap_or_else(|problem| {
            problems.push(("title", problem));
            String::new()
        });
    let number = |text: &str, range: std::ops::RangeInclusive<i64>| {
        text.trim().parse::<i64>().ok().filter(|n| range.contains(n))
    };
    let stars = number(input.stars, 1..=100);
    if stars.is_none() {
        problems.push(("stars", DraftProblem::Stars));
    }
    let votes = number(input.votes_per_voter, 1..=100);
    if votes.is_none() {
        problems.push(("votes_per_voter", DraftProblem::VotesPerVoter));
    }
    let min_hours = number(input.min_service_hours, 0..=10_000);
    if min_hours.is_none() {
        problems.push(("min_service_hours", DraftProblem::MinHours));
    }
    let mut date = |field: &'static str, text: &str, end: bool| {
        let t = parse_local_date(text).map(|t| if end { t + DAY } else { t });
        if t.is_none() {
            problems.push((field, DraftProblem::Date));
        }
        t
    };
    let dates = [
        date("nomination_from", input.nomination_from, false),
        date("nomination_to", input.nomination_to, true),
        date("voting_from", input.voting_from, false),
        date("voting_to", input.voting_to, true),
        date("notice_to", input.notice_to, true),
    ];
    let [Some(ns), Some(ne), Some(vs), Some(ve), Some(pe)] = dates else { return Err(problems) };
    if !(ns < ne && ne <= vs && vs < ve && ve <= pe) {
        problems.push(("voting_from", DraftProblem::Order));
    }
    match (stars, votes, min_hours, problems.is_empty()) {
        (Some(stars), Some(votes_per_voter), Some(min_service_hours), true) => Ok(ElectionDraft {
            title,
            stars,
            votes_per_voter,
            nomination_start: ns,
            nomination_end: ne,
            voting_start: vs,
            voting_end: ve,
            notice_end: pe,
            live_tally: input.live_tally,
            min_service_hours,
        }),
        _ => Err(problems),
    }
}

/// Where an election stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    Upcoming,
    Nominating,
    /// Between the nomination period and voting.
    Preparing,
    Voting,
    /// 公示: the stars are shown for objections.
    Notice,
    Published,
}

pub fn phase(
    now: i64,
    nomination_start: i64,
    nomination_end: i64,
    voting_start: i64,
    voting_end: i64,
    notice_end: i64,
) -> Phase {
    if now < nomination_start {
        Phase::Upcoming
    } else if now < nomination_end {
        Phase::Nominating
    } else if now < voting_start {
        Phase::Preparing
    } else if now < voting_end {
        Phase::Voting
    } else if now < notice_end {
        Phase::Notice
    } else {
        Phase::Published
    }
}

/// Whether an election's vote counts may be shown in `phase`: all along when it shows its
/// tally live, otherwise only once voting has closed (by the calendar, or `fixed`: its
/// result is already fixed), so a hidden tally cannot steer the votes still to come.
pub fn tally_shown(live_tally: bool, phase: Phase, fixed: bool) -> bool {
    live_tally || fixed || matches!(phase, Phase::Notice | Phase::Published)
}

/// A new close for the voting: only later than the current one, and only before the close.
pub fn may_extend(now: i64, voting_end: i64, new_end: i64) -> bool {
    now < voting_end && new_end > voting_end
}

/// One candidate's standing when voting closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub nomination_id: i64,
    pub votes: i64,
    pub service_minutes: i64,
    pub nominated_at: i64,
}

/// The order of the result, written on the results page: more votes first; on a tie,
/// more confirmed service hours first, then the earlier nomination.
pub fn rank(mut standings: Vec<Standing>) -> Vec<Standing> {
    standings.sort_by_key(|s| {
        (std::cmp::Reverse(s.votes), std::cmp::Reverse(s.service_minutes), s.nominated_at, s.nomination_id)
    });
    standings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> VoteAttempt {
        VoteAttempt {
            now: 100,
            voting_start: 50,
            voting_end: 200,
            approved: true,
            in_scope: true,
            verified: true,
            already_voted: false,
            used: 3,
            quota: 10,
        }
    }

    #[test]
    fn a_vote_inside_the_window_within_quota_passes() {
        assert_eq!(check_vote(ok()), Ok(()));
    }

    #[test]
    fn votes_outside_the_window_are_refused_at_both_ends() {
        assert_eq!(check_vote(VoteAttempt { now: 49, ..ok() }), Err(VoteRefusal::NotVoting));
        assert_eq!(check_vote(VoteAttempt { now: 200, ..ok() }), Err(VoteRefusal::NotVoting));
        assert_eq!(check_vote(VoteAttempt { now: 50, ..ok() }), Ok(()));
    }

    #[test]
    fn scope_approval_and_quota_are_each_enforced() {
        assert_eq!(check_vote(VoteAttempt { in_scope: false, ..ok() }), Err(VoteRefusal::OutOfScope));
        assert_eq!(check_vote(VoteAttempt { approved: false, ..ok() }), Err(VoteRefusal::NotApproved));
        assert_eq!(check_vote(VoteAttempt { verified: false, ..ok() }), Err(VoteRefusal::Unverified));
        assert_eq!(check_vote(VoteAttempt { verified: false, in_scope: false, ..ok() }), Err(VoteRefusal::OutOfScope));
        assert_eq!(check_vote(VoteAttempt { used: 10, ..ok() }), Err(VoteRefusal::QuotaUsed));
        assert_eq!(check_vote(VoteAttempt { used: 9, ..ok() }), Ok(()));
        assert_eq!(check_vote(VoteAttempt { already_voted: true, used: 10, ..ok() }), Err(VoteRefusal::AlreadyVoted));
    }

    fn draft() -> DraftInput<'static> {
        DraftInput {
            title: "2027年度志愿服务之星",
            stars: "10",
            votes_per_voter: "10",
            nomination_from: "2027-01-01",
            nomination_to: "2027-01-10",
            voting_from: "2027-01-11",
            voting_to: "2027-01-20",
            notice_to: "2027-01-27",
            live_tally: true,
            min_service_hours: "20",
        }
    }

    #[test]
    fn a_complete_draft_becomes_periods_that_end_after_their_last_day() {
        let d = validate_draft(&draft()).expect("valid");
        assert_eq!(d.nomination_end, d.voting_start, "nominations close at midnight before voting opens");
        assert_eq!(d.voting_end - d.voting_start, 10 * 86_400);
        assert_eq!((d.stars, d.votes_per_voter, d.min_service_hours), (10, 10, 20));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = DraftInput { title: " x ", stars: "0", votes_per_voter: "-1", min_service_hours: "lots", ..draft() };
        let fields: Vec<_> = validate_draft(&bad).expect_err("refused").into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["title", "stars", "votes_per_voter", "min_service_hours"]);
        let unordered = DraftInput { voting_from: "2027-01-05", ..draft() };
        assert_eq!(validate_draft(&unordered).expect_err("refused"), [("voting_from", DraftProblem::Order)]);
        let no_date = DraftInput { notice_to: "2027-02-30", ..draft() };
        assert_eq!(validate_draft(&no_date).expect_err("refused"), [("notice_to", DraftProblem::Date)]);
    }

    #[test]
    fn phases_follow_the_calendar_and_only_a_later_close_is_allowed_before_it() {
        let p = |now| phase(now, 10, 20, 30, 40, 50);
        assert_eq!(
            [p(5), p(10), p(25), p(30), p(40), p(50)],
            [Phase::Upcoming, Phase::Nominating, Phase::Preparing, Phase::Voting, Phase::Notice, Phase::Published]
        );
        assert!(may_extend(35, 40, 45));
        assert!(!may_extend(35, 40, 39), "a close is never brought forward");
        assert!(!may_extend(40, 40, 60), "not after the close");
    }

    #[test]
    fn a_hidden_tally_is_shown_only_once_voting_has_closed() {
        for phase in [Phase::Upcoming, Phase::Nominating, Phase::Preparing, Phase::Voting] {
            assert!(tally_shown(true, phase, false), "a live tally in {phase:?}");
            assert!(!tally_shown(false, phase, false), "a hidden tally in {phase:?}");
            assert!(tally_shown(false, phase, true), "a fixed result in {phase:?}");
        }
        assert!(tally_shown(false, Phase::Notice, false) && tally_shown(false, Phase::Published, false));
    }

    #[test]
    fn ties_go_to_more_service_hours_then_the_earlier_nomination() {
        let s =
            |id, votes, minutes, at| Standing { nomination_id: id, votes, service_minutes: minutes, nominated_at: at };
        let ranked = rank(vec![s(1, 5, 100, 1), s(2, 9, 0, 1), s(3, 5, 300, 2), s(4, 5, 300, 1)]);
        assert_eq!(ranked.iter().map(|s| s.nomination_id).collect::<Vec<_>>(), [2, 4, 3, 1]);
    }
}
