use super::*;
use crate::domain::ids::{AccountId, PersonId};
use crate::domain::role::Role;

const GRID_A: &str = "32060200100101201"; // a micro-grid of community 320602001001
const GRID_B: &str = "32060200100101202"; // same community
const OTHER: &str = "32060200200101201"; // another community

fn order(status: OrderStatus, taker: Option<i64>) -> OrderFacts {
    OrderFacts {
        status,
        requester_id: PersonId(1),
        placed_by: AccountId(101),
        taker_id: taker.map(PersonId),
        taken_at: taker.map(|_| 0),
        area_code: GRID_A.into(),
    }
}

fn actor(person: i64, roles: &[(Role, String)]) -> Actor<'_> {
    Actor { account_id: AccountId(person + 100), person_id: PersonId(person), roles }
}

#[test]
fn a_volunteer_of_the_same_community_may_take_an_open_order() {
    let roles = [(Role::Volunteer, GRID_B.to_string())];
    assert_eq!(actor(2, &roles).check(OrderAction::Take, &order(OrderStatus::Open, None)), Ok(OrderStatus::Taken));
}

#[test]
fn a_volunteer_of_another_community_may_not() {
    let roles = [(Role::Volunteer, OTHER.to_string())];
    assert_eq!(actor(2, &roles).check(OrderAction::Take, &order(OrderStatus::Open, None)), Err(Refusal::NotAllowed));
}

#[test]
fn residents_and_members_do_not_take_orders_and_nobody_takes_their_own() {
    let resident = [(Role::Resident, GRID_A.to_string())];
    let member = [(Role::MicroGridMember, GRID_A.to_string())];
    let open = order(OrderStatus::Open, None);
    assert_eq!(actor(2, &resident).check(OrderAction::Take, &open), Err(Refusal::NotAllowed));
    assert_eq!(actor(2, &member).check(OrderAction::Take, &open), Err(Refusal::NotAllowed));
    let volunteer = [(Role::Volunteer, GRID_A.to_string())];
    assert_eq!(actor(1, &volunteer).check(OrderAction::Take, &open), Err(Refusal::OwnOrder));
}

#[test]
fn a_taken_order_cannot_be_taken_again() {
    let roles = [(Role::Volunteer, GRID_A.to_string())];
    assert_eq!(
        actor(3, &roles).check(OrderAction::Take, &order(OrderStatus::Taken, Some(2))),
        Err(Refusal::WrongState)
    );
}

#[test]
fn only_the_taker_moves_the_service_on() {
    let roles = [(Role::Volunteer, GRID_A.to_string())];
    let taken = order(OrderStatus::Taken, Some(2));
    assert_eq!(actor(2, &roles).check(OrderAction::Start, &taken), Ok(OrderStatus::InService));
    assert_eq!(actor(2, &roles).check(OrderAction::Release, &taken), Ok(OrderStatus::Open));
    assert_eq!(actor(3, &roles).check(OrderAction::Start, &taken), Err(Refusal::NotAllowed));
    let serving = order(OrderStatus::InService, Some(2));
    assert_eq!(actor(2, &roles).check(OrderAction::Finish, &serving), Ok(OrderStatus::AwaitingConfirmation));
}

#[test]
fn only_the_requester_side_confirms_or_disputes() {
    let resident = [(Role::Resident, GRID_A.to_string())];
    let done = order(OrderStatus::AwaitingConfirmation, Some(2));
    assert_eq!(actor(1, &resident).check(OrderAction::Confirm, &done), Ok(OrderStatus::Completed));
    assert_eq!(actor(1, &resident).check(OrderAction::Dispute, &done), Ok(OrderStatus::InService));
    assert_eq!(actor(5, &resident).check(OrderAction::Confirm, &done), Err(Refusal::NotAllowed));
    // The staff member who placed it on the resident's behalf (代下单) may confirm for them.
    let member = [(Role::MicroGridMember, GRID_A.to_string())];
    let placer = Actor { account_id: AccountId(101), person_id: PersonId(9), roles: &member };
    assert_eq!(placer.check(OrderAction::Confirm, &done), Ok(OrderStatus::Completed));
}

#[test]
fn staff_never_serve_and_then_confirm_an_order_they_placed() {
    // A grid leader places an order for a resident (代下单): placed_by is the leader's account.
    let leader = [(Role::GridLeader, "320602001001012".to_string())];
    let placed_by_leader = OrderFacts { placed_by: AccountId(107), ..order(OrderStatus::Open, None) };
    let me = Actor { account_id: AccountId(107), person_id: PersonId(7), roles: &leader };
    assert_eq!(me.check(OrderAction::Take, &placed_by_leader), Err(Refusal::OwnOrder));
    // Even if they held it, the taker may not confirm or dispute their own service.
    let served = OrderFacts { placed_by: AccountId(107), ..order(OrderStatus::AwaitingConfirmation, Some(7)) };
    assert_eq!(me.check(OrderAction::Confirm, &served), Err(Refusal::NotAllowed));
    assert_eq!(me.check(OrderAction::Dispute, &served), Err(Refusal::NotAllowed));
}

#[test]
fn cancelling_is_for_the_requester_or_the_area_leaders_and_only_before_the_service_starts() {
    let resident = [(Role::Resident, GRID_A.to_string())];
    assert_eq!(
        actor(1, &resident).check(OrderAction::Cancel, &order(OrderStatus::Open, None)),
        Ok(OrderStatus::Cancelled)
    );
    assert_eq!(
        actor(1, &resident).check(OrderAction::Cancel, &order(OrderStatus::Taken, Some(2))),
        Ok(OrderStatus::Cancelled)
    );
    assert_eq!(
        actor(1, &resident).check(OrderAction::Cancel, &order(OrderStatus::InService, Some(2))),
        Err(Refusal::WrongState)
    );
    // The taker releases; they do not cancel someone else's need.
    let volunteer = [(Role::Volunteer, GRID_A.to_string())];
    assert_eq!(
        actor(2, &volunteer).check(OrderAction::Cancel, &order(OrderStatus::Taken, Some(2))),
        Err(Refusal::NotAllowed)
    );
    let leader = [(Role::GridLeader, "320602001001012".to_string())];
    assert_eq!(
        actor(7, &leader).check(OrderAction::Cancel, &order(OrderStatus::Open, None)),
        Ok(OrderStatus::Cancelled)
    );
    let other_leader = [(Role::GridLeader, "320602002001012".to_string())];
    assert_eq!(
        actor(7, &other_leader).check(OrderAction::Cancel, &order(OrderStatus::Open, None)),
        Err(Refusal::NotAllowed)
    );
}

#[test]
fn contact_details_reach_only_the_requester_the_taker_and_area_staff() {
    // Taken at 0; by now the taker has kept it long enough.
    let now = CONTACT_HOLD_SECS;
    let taken = order(OrderStatus::Taken, Some(2));
    let volunteer = [(Role::Volunteer, GRID_A.to_string())];
    assert!(actor(2, &volunteer).may_see_contact(&taken, now));
    assert!(!actor(3, &volunteer).may_see_contact(&taken, now));
    let member = [(Role::MicroGridMember, GRID_A.to_string())];
    assert!(actor(4, &member).may_see_contact(&taken, 0));
    let member_elsewhere = [(Role::MicroGridMember, GRID_B.to_string())];
    assert!(!actor(4, &member_elsewhere).may_see_contact(&taken, now));
    let resident = [(Role::Resident, GRID_A.to_string())];
    assert!(actor(1, &resident).may_see_contact(&taken, 0));
    assert!(!actor(6, &resident).may_see_contact(&taken, now));
}

#[test]
fn a_taker_sees_the_contact_only_once_they_keep_the_order() {
    let volunteer = [(Role::Volunteer, GRID_A.to_string())];
    let taker = actor(2, &volunteer);
    let taken = OrderFacts { taken_at: Some(1_000), ..order(OrderStatus::Taken, Some(2)) };
    assert!(!taker.may_see_contact(&taken, 1_000));
    assert_eq!(taken.taker_contact_in(1_000), Some(CONTACT_HOLD_SECS));
    assert!(!taker.may_see_contact(&taken, 1_000 + CONTACT_HOLD_SECS - 1));
    assert!(taker.may_see_contact(&taken, 1_000 + CONTACT_HOLD_SECS));
    // 开始服务 commits the taker (an order in service cannot be released): at once.
    let started = OrderFacts { status: OrderStatus::InService, ..taken.clone() };
    assert!(taker.may_see_contact(&started, 1_000));
    assert_eq!(order(OrderStatus::Open, None).taker_contact_in(1_000), None);
}

#[test]
fn takes_and_releases_are_limited_and_repeated_releases_are_flagged() {
    let fresh = TakerActivity::default();
    assert!(fresh.may_take() && fresh.may_release() && !fresh.release_is_flagged());
    let busy = TakerActivity { takes_last_hour: TAKES_PER_HOUR, releases_last_day: 0 };
    assert!(!busy.may_take() && busy.may_release());
    let flagged = TakerActivity { takes_last_hour: 2, releases_last_day: RELEASES_FLAGGED_AT - 1 };
    assert!(flagged.release_is_flagged() && flagged.may_take());
    let stop = TakerActivity { takes_last_hour: 0, releases_last_day: RELEASES_PER_DAY };
    assert!(!stop.may_take() && !stop.may_release() && !stop.release_is_flagged());
}

#[test]
fn the_audit_names_of_order_actions_are_fixed() {
    let names: Vec<&str> = OrderAction::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(names, ["take", "release", "start", "finish", "confirm", "dispute", "cancel"]);
}
