//! 民情 items and their closed loop: 采集 → 上报 → 立案 → 派遣 → 处置 → 核验 → 办结.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stage {
    Collected,
    Reported,
    Accepted,
    Dispatched,
    Handled,
    Verified,
    Closed,
    Voided,
    Parked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageAction {
    Report,
    Accept,
    Dispatch,
    Handle,
    Verify,
    /// 返工: verification failed, back to the handler.
    Rework,
    Close,
    Void,
    Park,
    Resume,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Collected,
        Stage::Reported,
        Stage::Accepted,
        Stage::Dispatched,
        Stage::Handled,
        Stage::Verified,
        Stage::Closed,
        Stage::Voided,
        Stage::Parked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Collected => "collected",
            Stage::Reported => "reported",
            Stage::Accepted => "accepted",
            Stage::Dispatched => "dispatched",
            Stage::Handled => "handled",
            Stage::Verified => "verified",
            Stage::Closed => "closed",
            Stage::Voided => "voided",
            Stage::Parked => "parked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn after(self, action: StageAction) -> Option<Stage> {
        use Stage as S;
        use StageAction as A;
        match (self, action) {
            (S::Collected, A::Report) => Some(S::Reported),
            (S::Reported, A::Accept) => Some(S::Accepted),
            (S::Accepted, A::Dispatch) => Some(S::Dispatched),
            (S::Dispatched, A::Handle) => Some(S::Handled),
            (S::Handled, A::Verify) => Some(S::Verified),
            (S::Handled, A::Rework) => Some(S::Dispatched),
            (S::Verified, A::Close) => Some(S::Closed),
            (S::Closed | S::Voided, _) => None,
            (_, A::Void) => Some(S::Voided),
            (S::Parked, A::Resume) => Some(S::Accepted),
            (S::Parked, _) => None,
            (_, A::Park) => Some(S::Parked),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage as S;
    use StageAction as A;

    #[test]
    fn the_loop_runs_from_collected_to_closed() {
        let mut stage = S::Collected;
        for action in [A::Report, A::Accept, A::Dispatch, A::Handle, A::Verify, A::Close] {
            stage = stage.after(action).expect("allowed");
        }
        assert_eq!(stage, S::Closed);
    }

    #[test]
    fn failed_verification_goes_back_to_the_handler() {
        assert_eq!(S::Handled.after(A::Rework), Some(S::Dispatched));
    }

    #[test]
    fn closed_and_voided_items_stay_put() {
        for action in [A::Report, A::Void, A::Park, A::Resume, A::Rework] {
            assert_eq!(S::Closed.after(action), None);
            assert_eq!(S::Voided.after(action), None);
        }
    }

    #[test]
    fn a_parked_item_only_resumes_or_is_voided() {
        assert_eq!(S::Parked.after(A::Resume), Some(S::Accepted));
        assert_eq!(S::Parked.after(A::Void), Some(S::Voided));
        assert_eq!(S::Parked.after(A::Handle), None);
    }
}
