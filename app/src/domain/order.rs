//! Service orders (需求) of the 2+5+1 board and their life cycle.
use crate::domain::ids::{AccountId, PersonId};
use serde::{Deserialize, Serialize};

pub mod form;

/// The five service sections (五大板块).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; their CHECK admits no other, which would fail to decode.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum ServiceSection {
    /// 生活便民
    DailyLife,
    /// 健康医疗
    Health,
    /// 政策咨询
    #[cfg_attr(feature = "ssr", sqlx(rename = "policy"))]
    PolicyConsultation,
    /// 精准救助
    #[cfg_attr(feature = "ssr", sqlx(rename = "assistance"))]
    TargetedAssistance,
    /// 环境提升
    Environment,
}

impl ServiceSection {
    pub const ALL: [ServiceSection; 5] = [
        ServiceSection::DailyLife,
        ServiceSection::Health,
        ServiceSection::PolicyConsultation,
        ServiceSection::TargetedAssistance,
        ServiceSection::Environment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceSection::DailyLife => "daily_life",
            ServiceSection::Health => "health",
            ServiceSection::PolicyConsultation => "policy",
            ServiceSection::TargetedAssistance => "assistance",
            ServiceSection::Environment => "environment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; their CHECK admits no other, which would fail to decode.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum Urgency {
    /// 普通
    Normal,
    /// 紧急
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Urgency::Normal, Urgency::Urgent].into_iter().find(|x| x.as_str() == s)
    }

    /// Default minutes before an untaken order escalates (set per community).
    pub fn default_escalation_minutes(self) -> i64 {
        match self {
            Urgency::Urgent => 30,
            Urgency::Normal => 24 * 60,
        }
    }
}

/// How an order was taken when not by 接单 on the board (kept on its history line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; their CHECK admits no other, which would fail to decode.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum TakenVia {
    /// A resident booked the volunteer's 我帮忙 offer.
    Offer,
    /// The volunteer accepted a grid leader's 指派.
    Dispatch,
}

impl TakenVia {
    pub fn as_str(self) -> &'static str {
        match self {
            TakenVia::Offer => "offer",
            TakenVia::Dispatch => "dispatch",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [TakenVia::Offer, TakenVia::Dispatch].into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Columns hold the `as_str` spelling; the CHECK on service_orders admits no other, which
// would fail to decode, and the history (order_events) is written from this type alone.
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "TEXT", rename_all = "snake_case"))]
pub enum OrderStatus {
    /// 待接单
    Open,
    /// 已接单
    Taken,
    /// 服务中
    InService,
    /// 待确认
    AwaitingConfirmation,
    /// 已完成
    Completed,
    /// 已取消
    Cancelled,
}

/// What someone does to an order (also the buttons an order page offers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderAction {
    Take,
    Release,
    Start,
    Finish,
    Confirm,
    Dispute,
    Cancel,
}

impl OrderAction {
    pub const ALL: [OrderAction; 7] = [
        OrderAction::Take,
        OrderAction::Release,
        OrderAction::Start,
        OrderAction::Finish,
        OrderAction::Confirm,
        OrderAction::Dispute,
        OrderAction::Cancel,
    ];

    /// The action's name in the audit log: written by hand, so renaming a variant never
    /// changes the log's vocabulary.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Take => "take",
            OrderAction::Release => "release",
            OrderAction::Start => "start",
            OrderAction::Finish => "finish",
            OrderAction::Confirm => "confirm",
            OrderAction::Dispute => "dispute",
            OrderAction::Cancel => "cancel",
        }
    }
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Open,
        OrderStatus::Taken,
        OrderStatus::InService,
        OrderStatus::AwaitingConfirmation,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::Taken => "taken",
            OrderStatus::InService => "in_service",
            OrderStatus::AwaitingConfirmation => "awaiting_confirmation",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state machine: the status after `action`, or `None` when it is not allowed.
    pub fn after(self, action: OrderAction) -> Option<OrderStatus> {
        use OrderAction as A;
        use OrderStatus as S;
        match (self, action) {
            (S::Open, A::Take) => Some(S::Taken),
            (S::Open, A::Cancel) => Some(S::Cancelled),
            // Plans change after a volunteer took it too; the taker is told (with the reason).
            (S::Taken, A::Cancel) => Some(S::Cancelled),
            (S::Taken, A::Release) => Some(S::Open),
            (S::Taken, A::Start) => Some(S::InService),
            (S::InService, A::Finish) => Some(S::AwaitingConfirmation),
            (S::AwaitingConfirmation, A::Confirm) => Some(S::Completed),
            (S::AwaitingConfirmation, A::Dispute) => Some(S::InService),
            _ => None,
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Completed | OrderStatus::Cancelled)
    }
}

/// The last step written in an order's history.
pub type LastStep = super::step::LastStep<OrderStatus>;

impl OrderAction {
    /// Whether `account` doing this now repeats their own step that was just written (a
    /// double tap whose second request arrived after the first committed). Such a repeat
    /// is answered as the success it was, and writes nothing.
    pub fn repeats(self, account: AccountId, status: OrderStatus, last: Option<LastStep>) -> bool {
        last.is_some_and(|l| l.repeated_by(account, status, |from| from.after(self)))
    }

    /// A cancellation after a volunteer took the order says why: they are told.
    pub fn needs_reason(self, status: OrderStatus) -> bool {
        matches!(self, OrderAction::Release | OrderAction::Dispute)
            || (self == OrderAction::Cancel && status != OrderStatus::Open)
    }
}

/// Which side of an order a person is on, for their own list (我的订单).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// 我发布的需求: they asked for it (or staff placed it for them).
    Requester,
    /// 我接的单: they took it.
    Taker,
}

/// What happens next to an order, as its owner's list says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NextStep {
    /// 等待志愿者接单
    AwaitTaker,
    /// 志愿者已接单，等待上门
    AwaitVisit,
    /// 服务进行中
    BeingServed,
    /// 请确认完成并评价
    ConfirmIt,
    /// 请开始服务
    StartIt,
    /// 服务完成后请点完成服务
    FinishIt,
    /// 等待居民确认
    AwaitConfirmation,
    /// 已完成
    Done,
    /// 已取消
    Cancelled,
}

impl NextStep {
    pub fn of(side: Side, status: OrderStatus) -> NextStep {
        use OrderStatus as S;
        match (side, status) {
            (_, S::Completed) => NextStep::Done,
            (_, S::Cancelled) => NextStep::Cancelled,
            (Side::Requester, S::Open) => NextStep::AwaitTaker,
            (Side::Requester, S::Taken) => NextStep::AwaitVisit,
            (Side::Requester, S::InService) => NextStep::BeingServed,
            (Side::Requester, S::AwaitingConfirmation) => NextStep::ConfirmIt,
            // A taker whose order went back to open no longer holds it; listed as waiting.
            (Side::Taker, S::Open) => NextStep::AwaitTaker,
            (Side::Taker, S::Taken) => NextStep::StartIt,
            (Side::Taker, S::InService) => NextStep::FinishIt,
            (Side::Taker, S::AwaitingConfirmation) => NextStep::AwaitConfirmation,
        }
    }

    /// Whether the person themselves has to act (shown first, marked).
    pub fn is_mine_to_do(self) -> bool {
        matches!(self, NextStep::ConfirmIt | NextStep::StartIt | NextStep::FinishIt)
    }
}

/// Service minutes as hours with one decimal, as every record shows them.
pub fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 6.0).round() / 10.0
}

#[cfg(test)]
mod tests;

/// Who is acting on an order, as far as the rules need to know.
#[derive(Debug, Clone)]
pub struct Actor<'a> {
    pub account_id: AccountId,
    pub person_id: PersonId,
    /// (role, scope code) pairs.
    pub roles: &'a [(crate::domain::role::Role, String)],
}

/// The facts about an order that the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub status: OrderStatus,
    pub requester_id: PersonId,
    pub placed_by: AccountId,
    pub taker_id: Option<PersonId>,
    /// When the present taker took it (unix seconds).
    pub taken_at: Option<i64>,
    /// The code of the order's micro-grid.
    pub area_code: String,
}

/// A taker sees the requester's room and phone once they keep the order: from 开始服务, or
/// after holding it this long. Take → read → release, repeated, would otherwise harvest
/// the contacts of every open order in the community.
pub const CONTACT_HOLD_SECS: i64 = 10 * 60;

impl OrderFacts {
    /// Seconds until the taker sees the contact details (0: now; None: no taker holds it).
    pub fn taker_contact_in(&self, now: i64) -> Option<i64> {
        self.taker_id?;
        Some(match self.status {
            OrderStatus::Taken => (self.taken_at.unwrap_or(now) + CONTACT_HOLD_SECS - now).max(0),
            _ => 0,
        })
    }
}

/// 接单 at most this many times an hour.
pub const TAKES_PER_HOUR: i64 = 10;
/// 退单 at most this many times a day; after that the grid leader releases the order.
pub const RELEASES_PER_DAY: i64 = 5;
/// The release that makes this many in a day is reported to the grid leaders.
pub const RELEASES_FLAGGED_AT: i64 = 3;

/// What a taker did lately, counted from the order history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TakerActivity {
    pub takes_last_hour: i64,
    pub releases_last_day: i64,
}

impl TakerActivity {
    /// Whether a volunteer who did this may take one more order now.
    pub fn may_take(&self) -> bool {
        self.takes_last_hour < TAKES_PER_HOUR && self.releases_last_day < RELEASES_PER_DAY
    }

    pub fn may_release(&self) -> bool {
        self.releases_last_day < RELEASES_PER_DAY
    }

    /// Whether the release about to be written should be reported to the grid leaders.
    pub fn release_is_flagged(&self) -> bool {
        self.releases_last_day + 1 == RELEASES_FLAGGED_AT
    }
}

/// Why an action on an order was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The state machine does not allow it now (for 接单: someone else was faster).
    WrongState,
    /// The actor's role or area does not allow it.
    NotAllowed,
    /// A volunteer cannot take their own order.
    OwnOrder,
}

impl<'a> Actor<'a> {
    fn holds(&self, pred: impl Fn(crate::domain::role::Role) -> bool, area_code: &str) -> bool {
        self.roles.iter().any(|(role, scope)| {
            pred(*role)
                && (crate::domain::grid::is_within(area_code, scope) || self.same_community(*role, scope, area_code))
        })
    }

    /// Volunteers and residents serve their whole community, not only their micro-grid.
    fn same_community(&self, role: crate::domain::role::Role, scope: &str, area_code: &str) -> bool {
        use crate::domain::role::Role;
        matches!(role, Role::Volunteer | Role::Resident)
            && crate::domain::grid::community_prefix(scope) == crate::domain::grid::community_prefix(area_code)
    }

    /// Grid staff whose scope covers the order's micro-grid.
    pub fn is_staff_for(&self, area_code: &str) -> bool {
        self.roles.iter().any(|(role, scope)| role.is_staff() && crate::domain::grid::is_within(area_code, scope))
    }

    /// May see the room and phone: the requester, grid staff of the area, and the taker
    /// once they keep the order ([`CONTACT_HOLD_SECS`]).
    pub fn may_see_contact(&self, order: &OrderFacts, now: i64) -> bool {
        order.requester_id == self.person_id
            || order.placed_by == self.account_id
            || self.is_staff_for(&order.area_code)
            || (order.taker_id == Some(self.person_id) && order.taker_contact_in(now) == Some(0))
    }

    fn is_requester_side(&self, order: &OrderFacts) -> bool {
        order.requester_id == self.person_id || order.placed_by == self.account_id
    }

    /// Checks the state machine and the actor's role and area; returns the new status.
    pub fn check(&self, action: OrderAction, order: &OrderFacts) -> Result<OrderStatus, Refusal> {
        use crate::domain::role::Role;
        let allowed = match action {
            OrderAction::Take => {
                let may_take = self.holds(|r| r.can_take_orders(), &order.area_code);
                // Nobody serves an order they asked for or placed for someone (代下单).
                if may_take && (order.requester_id == self.person_id || order.placed_by == self.account_id) {
                    return Err(Refusal::OwnOrder);
                }
                may_take
            }
            OrderAction::Release | OrderAction::Start | OrderAction::Finish => order.taker_id == Some(self.person_id),
            // The taker never confirms or rates their own service.
            OrderAction::Confirm | OrderAction::Dispute => {
                self.is_requester_side(order) && order.taker_id != Some(self.person_id)
            }
            OrderAction::Cancel => {
                self.is_requester_side(order)
                    || self.holds(
                        |r| matches!(r, Role::GridLeader | Role::CommunityAdmin | Role::SubdistrictAdmin),
                        &order.area_code,
                    )
            }
        };
        if !allowed {
            return Err(Refusal::NotAllowed);
        }
        order.status.after(action).ok_or(Refusal::WrongState)
    }
}

#[cfg(test)]
mod rule_tests;
