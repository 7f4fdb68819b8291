//! The last step of a history (an order's, a 民情 item's). A double tap sends the same step
//! twice; when the second request arrives after the first committed, it finds the object
//! already moved by the same person. That repeat is answered as the success it was.
use crate::domain::ids::AccountId;

/// The newest step of an object's history: from which state to which, by which account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastStep<S> {
    pub from: Option<S>,
    pub to: S,
    pub actor: AccountId,
}

impl<S: Copy + PartialEq> LastStep<S> {
    /// Whether `account` doing the step that `after` describes (the state it leads to
    /// from a given state) repeats this one, on an object now in `current`.
    pub fn repeated_by(&self, account: AccountId, current: S, after: impl Fn(S) -> Option<S>) -> bool {
        self.actor == account && self.to == current && self.from.and_then(after) == Some(self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::LastStep;
    use crate::domain::ids::AccountId;

    /// A toy machine: 0 → 1 → 2.
    fn next(s: u8) -> Option<u8> {
        (s < 2).then_some(s + 1)
    }

    #[test]
    fn only_the_same_person_repeating_the_same_step_on_an_unchanged_object_is_a_repeat() {
        let step = LastStep { from: Some(0), to: 1, actor: AccountId(7) };
        assert!(step.repeated_by(AccountId(7), 1, next));
        assert!(!step.repeated_by(AccountId(8), 1, next), "someone else's step");
        assert!(!step.repeated_by(AccountId(7), 2, next), "the object moved on since");
        assert!(!step.repeated_by(AccountId(7), 1, |_| None), "another kind of step");
        let created = LastStep { from: None, to: 0, actor: AccountId(7) };
        assert!(!created.repeated_by(AccountId(7), 0, next), "creation is no step of this kind");
    }
}
