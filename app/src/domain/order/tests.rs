use super::*;
use crate::domain::ids::AccountId;
use OrderAction as A;
use OrderStatus as S;

#[test]
fn the_happy_path_runs_from_open_to_completed() {
    let mut status = S::Open;
    for action in [A::Take, A::Start, A::Finish, A::Confirm] {
        status = status.after(action).expect("allowed");
    }
    assert_eq!(status, S::Completed);
}

#[test]
fn only_an_open_order_can_be_taken_and_only_before_the_service_starts_cancelled() {
    for status in S::ALL {
        assert_eq!(status.after(A::Take).is_some(), status == S::Open, "{status:?}");
        assert_eq!(status.after(A::Cancel).is_some(), matches!(status, S::Open | S::Taken), "{status:?}");
    }
}

#[test]
fn a_repeat_of_ones_own_step_is_recognised_and_nothing_else_is() {
    let took = LastStep { from: Some(S::Open), to: S::Taken, actor: AccountId(7) };
    assert!(A::Take.repeats(AccountId(7), S::Taken, Some(took)));
    // Someone else's take is no repeat of mine: they were faster.
    assert!(!A::Take.repeats(AccountId(8), S::Taken, Some(took)));
    // The order moved on since: not a repeat either.
    assert!(!A::Take.repeats(AccountId(7), S::InService, Some(took)));
    // Taken and released by me, then 接单 again: a new take, not a repeat.
    let released = LastStep { from: Some(S::Taken), to: S::Open, actor: AccountId(7) };
    assert!(!A::Take.repeats(AccountId(7), S::Open, Some(released)));
    assert!(A::Release.repeats(AccountId(7), S::Open, Some(released)));
    let confirmed = LastStep { from: Some(S::AwaitingConfirmation), to: S::Completed, actor: AccountId(1) };
    assert!(A::Confirm.repeats(AccountId(1), S::Completed, Some(confirmed)));
    assert!(!A::Dispute.repeats(AccountId(1), S::Completed, Some(confirmed)));
    let placed = LastStep { from: None, to: S::Open, actor: AccountId(1) };
    assert!(!A::Cancel.repeats(AccountId(1), S::Open, Some(placed)));
    assert!(!A::Take.repeats(AccountId(1), S::Open, None));
}

#[test]
fn cancelling_a_taken_order_and_every_release_or_dispute_need_a_reason() {
    assert!(!A::Cancel.needs_reason(S::Open));
    assert!(A::Cancel.needs_reason(S::Taken));
    assert!(A::Release.needs_reason(S::Taken) && A::Dispute.needs_reason(S::AwaitingConfirmation));
    assert!(!A::Take.needs_reason(S::Open));
}

#[test]
fn the_next_step_names_who_acts() {
    assert_eq!(NextStep::of(Side::Requester, S::AwaitingConfirmation), NextStep::ConfirmIt);
    assert_eq!(NextStep::of(Side::Taker, S::Taken), NextStep::StartIt);
    assert_eq!(NextStep::of(Side::Taker, S::InService), NextStep::FinishIt);
    assert_eq!(NextStep::of(Side::Requester, S::Taken), NextStep::AwaitVisit);
    for side in [Side::Requester, Side::Taker] {
        for status in S::ALL {
            let step = NextStep::of(side, status);
            assert_eq!(
                step.is_mine_to_do(),
                matches!(
                    (side, status),
                    (Side::Requester, S::AwaitingConfirmation) | (Side::Taker, S::Taken | S::InService)
                )
            );
        }
    }
}

#[test]
fn final_states_allow_nothing() {
    let actions = [A::Take, A::Release, A::Start, A::Finish, A::Confirm, A::Dispute, A::Cancel];
    for status in S::ALL.into_iter().filter(|s| s.is_final()) {
        assert!(actions.iter().all(|a| status.after(*a).is_none()));
    }
}

/// Every status against every action: exactly these moves are allowed.
#[test]
fn the_state_machine_allows_exactly_these_moves() {
    let actions = [A::Take, A::Release, A::Start, A::Finish, A::Confirm, A::Dispute, A::Cancel];
    let allowed = [
        (S::Open, A::Take, S::Taken),
        (S::Open, A::Cancel, S::Cancelled),
        (S::Taken, A::Cancel, S::Cancelled),
        (S::Taken, A::Release, S::Open),
        (S::Taken, A::Start, S::InService),
        (S::InService, A::Finish, S::AwaitingConfirmation),
        (S::AwaitingConfirmation, A::Confirm, S::Completed),
        (S::AwaitingConfirmation, A::Dispute, S::InService),
    ];
    for status in S::ALL {
        for action in actions {
            let expected = allowed.iter().find(|(s, a, _)| *s == status && *a == action).map(|(_, _, to)| *to);
            assert_eq!(status.after(action), expected, "{status:?} + {action:?}");
        }
    }
}

#[test]
fn a_dispute_sends_the_order_back_to_the_taker() {
    assert_eq!(S::AwaitingConfirmation.after(A::Dispute), Some(S::InService));
    assert_eq!(S::Taken.after(A::Release), Some(S::Open));
}

#[test]
fn stored_names_round_trip() {
    for s in S::ALL {
        assert_eq!(S::parse(s.as_str()), Some(s));
    }
    for s in ServiceSection::ALL {
        assert_eq!(ServiceSection::parse(s.as_str()), Some(s));
    }
    assert_eq!(Urgency::parse("urgent"), Some(Urgency::Urgent));
}
