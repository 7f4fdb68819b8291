//! 民情 items and their closed loop: 采集 → 上报 → 立案 → 派遣 → 处置 → 核验 → 办结.
use serde::{Deserialize, Serialize};

pub mod form;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; the CHECK on sentiment_items admits no other, which
// would fail to decode, and the timeline (sentiment_stages) is written from this type alone.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// The reporter says the closed item is not fixed: back to 上报.
    Reopen,
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
            (S::Closed, A::Reopen) => Some(S::Reported),
            (S::Closed | S::Voided, _) => None,
            (_, A::Void) => Some(S::Voided),
            (S::Parked, A::Resume) => Some(S::Accepted),
            (S::Parked, _) => None,
            (_, A::Park) => Some(S::Parked),
            _ => None,
        }
    }
}

impl StageAction {
    pub const ALL: [StageAction; 11] = [
        StageAction::Report,
        StageAction::Accept,
        StageAction::Dispatch,
        StageAction::Handle,
        StageAction::Verify,
        StageAction::Rework,
        StageAction::Close,
        StageAction::Void,
        StageAction::Park,
        StageAction::Resume,
        StageAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StageAction::Report => "report",
            StageAction::Accept => "accept",
            StageAction::Dispatch => "dispatch",
            StageAction::Handle => "handle",
            StageAction::Verify => "verify",
            StageAction::Rework => "rework",
            StageAction::Close => "close",
            StageAction::Void => "void",
            StageAction::Park => "park",
            StageAction::Resume => "resume",
            StageAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Who may take this step (besides the handler's own 处置 and the reporter's 上报).
    pub fn needs(self) -> Standing {
        match self {
            StageAction::Report
            | StageAction::Handle
            | StageAction::Verify
            | StageAction::Rework
            | StageAction::Close => Standing::Member,
            StageAction::Accept
            | StageAction::Dispatch
            | StageAction::Void
            | StageAction::Park
            | StageAction::Resume => Standing::Leader,
            // Only the reporter (checked in `ItemFacts::check`); no staff standing does.
            StageAction::Reopen => Standing::None,
        }
    }

    /// Steps that must say why (返工, 作废, 挂账) or what was done (处置).
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            StageAction::Handle | StageAction::Rework | StageAction::Void | StageAction::Park | StageAction::Reopen
        )
    }
}

/// 设施故障, 安全隐患, 环境卫生, 矛盾纠纷, 违章搭建, 其他.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; their CHECK admits no other, which would fail to decode.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum Category {
    Facility,
    Safety,
    Sanitation,
    Dispute,
    IllegalBuilding,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Facility,
        Category::Safety,
        Category::Sanitation,
        Category::Dispute,
        Category::IllegalBuilding,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Facility => "facility",
            Category::Safety => "safety",
            Category::Sanitation => "sanitation",
            Category::Dispute => "dispute",
            Category::IllegalBuilding => "illegal_building",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The board section an item goes to when a volunteer can help.
    pub fn section(self) -> super::order::ServiceSection {
        use super::order::ServiceSection as S;
        match self {
            Category::Facility | Category::Other => S::DailyLife,
            Category::Safety | Category::Dispute => S::TargetedAssistance,
            Category::Sanitation | Category::IllegalBuilding => S::Environment,
        }
    }
}

/// A report, a dispute (矛盾纠纷, with parties and a warning level) or an inspection
/// (with a checklist and a re-check, 回头看).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; their CHECK admits no other, which would fail to decode.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum Kind {
    Report,
    Dispute,
    Inspection,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Report, Kind::Dispute, Kind::Inspection];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Dispute => "dispute",
            Kind::Inspection => "inspection",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A dispute's early-warning level (预警): 绿 / 黄 / 红.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; their CHECK admits no other, which would fail to decode.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum Warning {
    Green,
    Yellow,
    Red,
}

impl Warning {
    pub const ALL: [Warning; 3] = [Warning::Green, Warning::Yellow, Warning::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            Warning::Green => "green",
            Warning::Yellow => "yellow",
            Warning::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Who handles a dispatched item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; their CHECK admits no other, which would fail to decode.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum HandlerKind {
    /// A volunteer with an account, who records 处置 themselves.
    Volunteer,
    /// 物业: the property company; staff record its feedback.
    Property,
    /// A government department (城管, 住建...).
    Department,
}

impl HandlerKind {
    pub const ALL: [HandlerKind; 3] = [HandlerKind::Volunteer, HandlerKind::Property, HandlerKind::Department];

    pub fn as_str(self) -> &'static str {
        match self {
            HandlerKind::Volunteer => "volunteer",
            HandlerKind::Property => "property",
            HandlerKind::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// How far the viewer's roles reach over an item's micro-grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Standing {
    /// No staff role over the item.
    None,
    /// 微网格员 of the item's micro-grid (or a wider member scope).
    Member,
    /// 网格长 of its grid, or an admin of its community or subdistrict.
    Leader,
}

/// The facts about an item that decide who may do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub stage: Stage,
    pub kind: Kind,
    pub is_reporter: bool,
    pub is_handler: bool,
    /// The viewer recorded the latest 处置 (for a property company or department).
    pub recorded_handling: bool,
    pub standing: Standing,
    pub resident_confirmed: bool,
    pub has_order: bool,
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRefusal {
    /// The item is not at a stage where this step applies (someone moved it first).
    WrongStage,
    /// The viewer's role does not allow this step here.
    NotAllowed,
    /// The handler cannot verify their own work.
    OwnWork,
}

impl ItemFacts {
    /// Checks one step of the loop and gives the stage it leads to.
    pub fn check(&self, action: StageAction) -> Result<Stage, ItemRefusal> {
        let allowed = match action {
            StageAction::Report => self.is_reporter || self.standing >= Standing::Member,
            StageAction::Handle => self.is_handler || self.standing >= Standing::Member,
            StageAction::Reopen => self.is_reporter,
            other => self.standing >= other.needs(),
        };
        if !allowed {
            return Err(ItemRefusal::NotAllowed);
        }
        if matches!(action, StageAction::Verify | StageAction::Rework) && (self.is_handler || self.recorded_handling) {
            return Err(ItemRefusal::OwnWork);
        }
        self.stage.after(action).ok_or(ItemRefusal::WrongStage)
    }

    /// The steps offered to the viewer as buttons: those [`check`](Self::check) allows, except
    /// that while the reporter's verdict is asked for ([`may_confirm`](Self::may_confirm)) it is
    /// the one way to say "not fixed"; once given (and kept, as closed is not resolved),
    /// 没修好，重新反映 sends the item back.
    pub fn offered_steps(&self) -> Vec<StageAction> {
        StageAction::ALL
            .into_iter()
            .filter(|a| self.check(*a).is_ok() && !(*a == StageAction::Reopen && self.may_confirm()))
            .collect()
    }

    /// The reporter confirms (or not) that the closed item is really fixed, once.
    pub fn may_confirm(&self) -> bool {
        self.is_reporter && self.stage == Stage::Closed && !self.resident_confirmed
    }

    /// Staff turn an open item into a service order when a volunteer can help, once.
    pub fn may_convert(&self) -> bool {
        self.standing >= Standing::Member && !self.has_order && !matches!(self.stage, Stage::Closed | Stage::Voided)
    }

    /// Disputes: the grid leader sets the warning level; staff add follow-ups.
    pub fn may_set_warning(&self) -> bool {
        self.kind == Kind::Dispute && self.standing >= Standing::Leader && !self.stage.is_final()
    }

    pub fn may_follow_up(&self) -> bool {
        self.standing >= Standing::Member && !self.stage.is_final()
    }
}

impl Stage {
    /// 办结 and 作废: nothing moves an item on from here.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Closed | Stage::Voided)
    }

    /// Stages in which an item waits on someone with a deadline running.
    pub fn is_open(self) -> bool {
        matches!(self, Stage::Reported | Stage::Accepted | Stage::Dispatched)
    }
}

/// How long after the deadline a 督办 to the grid leader goes on to the community.
pub const SECOND_ESCALATION_SECS: i64 = 2 * 86_400;

/// The escalation level an item should have at `now` (督办): 1, the grid leader, once the
/// deadline has passed; 2, the community, two days later. Only ever rises, and only for
/// items still waiting on their handler.
pub fn escalation_due(stage: Stage, deadline: Option<i64>, level: i64, now: i64) -> Option<i64> {
    let deadline = deadline?;
    if !stage.is_open() || now <= deadline {
        return None;
    }
    let due = if now > deadline + SECOND_ESCALATION_SECS { 2 } else { 1 };
    (due > level).then_some(due)
}

/// Days a handler may be given: at least today, at most a quarter.
pub fn valid_deadline_days(days: i64) -> bool {
    (1..=90).contains(&days)
}

/// A reported item waits this long to be accepted (立案) before 督办 starts.
pub const ACCEPT_WITHIN_SECS: i64 = 2 * 86_400;

/// 回头看: an inspection is re-checked this long after its rectification deadline.
pub const RECHECK_AFTER_SECS: i64 = 7 * 86_400;

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

    fn facts(stage: Stage, standing: Standing) -> ItemFacts {
        ItemFacts {
            stage,
            kind: Kind::Report,
            is_reporter: false,
            is_handler: false,
            recorded_handling: false,
            standing,
            resident_confirmed: false,
            has_order: false,
        }
    }

    #[test]
    fn every_action_from_every_stage_is_either_a_listed_move_or_refused() {
        let allowed: &[(S, A, S)] = &[
            (S::Collected, A::Report, S::Reported),
            (S::Reported, A::Accept, S::Accepted),
            (S::Accepted, A::Dispatch, S::Dispatched),
            (S::Dispatched, A::Handle, S::Handled),
            (S::Handled, A::Verify, S::Verified),
            (S::Handled, A::Rework, S::Dispatched),
            (S::Verified, A::Close, S::Closed),
            (S::Parked, A::Resume, S::Accepted),
            (S::Parked, A::Void, S::Voided),
            (S::Closed, A::Reopen, S::Reported),
        ];
        let mut moves = 0;
        for stage in S::ALL {
            for action in A::ALL {
                let expected = allowed.iter().find(|(s, a, _)| *s == stage && *a == action).map(|(_, _, to)| *to);
                let expected = expected.or(match action {
                    A::Void if !stage.is_final() => Some(S::Voided),
                    A::Park if !stage.is_final() && stage != S::Parked => Some(S::Parked),
                    _ => None,
                });
                assert_eq!(stage.after(action), expected, "{stage:?} + {action:?}");
                moves += usize::from(expected.is_some());
            }
        }
        // 7 forward/rework moves + resume + reopen + 7 voids + 6 parks.
        assert_eq!(moves, 9 + 7 + 6);
    }

    #[test]
    fn members_record_and_verify_leaders_accept_dispatch_void_and_park() {
        for action in A::ALL.into_iter().filter(|a| *a != A::Reopen) {
            let stage = S::ALL.into_iter().find(|s| s.after(action).is_some()).expect("some stage allows it");
            let none = facts(stage, Standing::None).check(action);
            let member = facts(stage, Standing::Member).check(action);
            let leader = facts(stage, Standing::Leader).check(action);
            assert_eq!(none, Err(ItemRefusal::NotAllowed), "{action:?}");
            assert!(leader.is_ok(), "{action:?}");
            assert_eq!(member.is_ok(), action.needs() == Standing::Member, "{action:?}");
        }
    }

    #[test]
    fn the_reporter_reports_and_the_handler_handles_but_cannot_verify_their_own_work() {
        let mut f = facts(S::Collected, Standing::None);
        f.is_reporter = true;
        assert_eq!(f.check(A::Report), Ok(S::Reported));
        assert_eq!(f.check(A::Accept), Err(ItemRefusal::NotAllowed));
        let mut h = facts(S::Dispatched, Standing::None);
        h.is_handler = true;
        assert_eq!(h.check(A::Handle), Ok(S::Handled));
        let mut own = facts(S::Handled, Standing::Leader);
        own.is_handler = true;
        assert_eq!(own.check(A::Verify), Err(ItemRefusal::OwnWork));
        assert_eq!(own.check(A::Rework), Err(ItemRefusal::OwnWork));
        // A member who recorded a property company's 处置 cannot verify it either.
        let mut recorder = facts(S::Handled, Standing::Member);
        recorder.recorded_handling = true;
        assert_eq!(recorder.check(A::Verify), Err(ItemRefusal::OwnWork));
        assert_eq!(facts(S::Handled, Standing::Member).check(A::Verify), Ok(S::Verified));
        assert_eq!(facts(S::Handled, Standing::Member).check(A::Accept), Err(ItemRefusal::NotAllowed));
        assert_eq!(facts(S::Closed, Standing::Leader).check(A::Void), Err(ItemRefusal::WrongStage));
    }

    #[test]
    fn only_the_reporter_reopens_a_closed_item() {
        let mut f = facts(S::Closed, Standing::Leader);
        assert_eq!(f.check(A::Reopen), Err(ItemRefusal::NotAllowed));
        f.is_reporter = true;
        assert_eq!(f.check(A::Reopen), Ok(S::Reported));
        let mut open = facts(S::Handled, Standing::None);
        open.is_reporter = true;
        assert_eq!(open.check(A::Reopen), Err(ItemRefusal::WrongStage));
    }

    #[test]
    fn the_reporter_is_offered_reopen_only_after_giving_their_verdict() {
        let mut f = facts(S::Closed, Standing::None);
        f.is_reporter = true;
        // Verdict still asked for: 没修好 goes through the verdict, not a reopen button.
        assert!(f.may_confirm());
        assert_eq!(f.check(A::Reopen), Ok(S::Reported));
        assert!(!f.offered_steps().contains(&A::Reopen));
        f.resident_confirmed = true;
        assert_eq!(f.offered_steps(), vec![A::Reopen]);
        // Everything else offered is exactly what check allows.
        let leader = facts(S::Handled, Standing::Leader);
        let allowed: Vec<A> = A::ALL.into_iter().filter(|a| leader.check(*a).is_ok()).collect();
        assert_eq!(leader.offered_steps(), allowed);
    }

    #[test]
    fn only_the_reporter_confirms_a_closed_item_and_only_once() {
        let mut f = facts(S::Closed, Standing::Leader);
        assert!(!f.may_confirm());
        f.is_reporter = true;
        assert!(f.may_confirm());
        f.resident_confirmed = true;
        assert!(!f.may_confirm());
        let mut open = facts(S::Handled, Standing::None);
        open.is_reporter = true;
        assert!(!open.may_confirm());
    }

    #[test]
    fn warnings_are_for_disputes_set_by_leaders() {
        let mut f = facts(S::Accepted, Standing::Leader);
        assert!(!f.may_set_warning());
        f.kind = Kind::Dispute;
        assert!(f.may_set_warning());
        f.standing = Standing::Member;
        assert!(!f.may_set_warning());
        assert!(f.may_follow_up());
    }

    #[test]
    fn overdue_items_escalate_to_the_leader_then_the_community_and_never_back() {
        let deadline = 1_000_000;
        assert_eq!(escalation_due(S::Dispatched, Some(deadline), 0, deadline), None);
        assert_eq!(escalation_due(S::Dispatched, Some(deadline), 0, deadline + 1), Some(1));
        assert_eq!(escalation_due(S::Dispatched, Some(deadline), 1, deadline + 1), None);
        assert_eq!(escalation_due(S::Dispatched, Some(deadline), 1, deadline + SECOND_ESCALATION_SECS + 1), Some(2));
        assert_eq!(escalation_due(S::Dispatched, Some(deadline), 0, deadline + SECOND_ESCALATION_SECS + 1), Some(2));
        assert_eq!(escalation_due(S::Dispatched, Some(deadline), 2, deadline * 2), None);
        assert_eq!(escalation_due(S::Handled, Some(deadline), 0, deadline * 2), None);
        assert_eq!(escalation_due(S::Closed, Some(deadline), 0, deadline * 2), None);
        assert_eq!(escalation_due(S::Dispatched, None, 0, deadline * 2), None);
    }

    #[test]
    fn names_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        for a in A::ALL {
            assert_eq!(A::parse(a.as_str()), Some(a));
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("x"), None);
    }
}
