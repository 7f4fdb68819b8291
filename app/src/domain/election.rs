//! 志愿服务之星: the rules a vote must pass, checked inside the vote's transaction.

/// Why a vote was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteRefusal {
    NotVoting,
    NotApproved,
    OutOfScope,
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
    if !a.approved {
        return Err(VoteRefusal::NotApproved);
    }
    if a.used >= a.quota {
        return Err(VoteRefusal::QuotaUsed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> VoteAttempt {
        VoteAttempt { now: 100, voting_start: 50, voting_end: 200, approved: true, in_scope: true, used: 3, quota: 10 }
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
        assert_eq!(check_vote(VoteAttempt { used: 10, ..ok() }), Err(VoteRefusal::QuotaUsed));
        assert_eq!(check_vote(VoteAttempt { used: 9, ..ok() }), Ok(()));
    }
}
