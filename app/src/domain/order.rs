//! Service orders (需求) of the 2+5+1 board and their life cycle.
use serde::{Deserialize, Serialize};

/// The five service sections (五大板块).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceSection {
    /// 生活便民
    DailyLife,
    /// 健康医疗
    Health,
    /// 政策咨询
    PolicyConsultation,
    /// 精准救助
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// What someone does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    Take,
    Release,
    Start,
    Finish,
    Confirm,
    Dispute,
    Cancel,
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

#[cfg(test)]
mod tests {
    use super::*;
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
    fn only_an_open_order_can_be_taken_or_cancelled() {
        for status in S::ALL {
            assert_eq!(status.after(A::Take).is_some(), status == S::Open, "{status:?}");
            assert_eq!(status.after(A::Cancel).is_some(), status == S::Open, "{status:?}");
        }
    }

    #[test]
    fn final_states_allow_nothing() {
        let actions = [A::Take, A::Release, A::Start, A::Finish, A::Confirm, A::Dispute, A::Cancel];
        for status in S::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(actions.iter().all(|a| status.after(*a).is_none()));
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
}
