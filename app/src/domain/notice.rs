//! A notice to one person (派单给您, 民情督办, 紧急探访…): stored as its kind, a stable
//! snake_case name, and its arguments, so that each reader sees it in their own language
//! and a change of wording never rewrites what was stored. The words are in
//! `i18n::notice_text`; the notices are written by `repo::notices_repo`.
use super::ids::OrderId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "args", rename_all = "snake_case")]
pub enum Notice {
    /// A grid leader dispatched an order to the volunteer (指派).
    #[serde(rename = "dispatch")]
    DispatchedToYou { order: OrderId },
    /// A resident booked the volunteer's 我帮忙 offer.
    OfferBooked { order: OrderId },
    /// The resident cancelled an order the volunteer had taken, with their reason.
    OrderCancelled { order: OrderId, reason: String },
    /// A volunteer released a taken order for the third time in a day.
    TakeReleaseFlagged { volunteer: String },
    /// A 民情 item was dispatched to the volunteer.
    SentimentDispatch { item: i64, excerpt: String },
    /// The reporter's item was closed: is it solved?
    SentimentClosed { item: i64, excerpt: String },
    /// An item passed its deadline and went up (督办): level 1 to the grid leader, 2 to the community.
    SentimentEscalation { item: i64, level: i64, excerpt: String },
    /// A visit found an elder living alone in urgent need.
    ElderEmergency,
    /// A relative asked for a welfare check on an elder.
    WelfareCheck,
    /// A place at a 驿站活动 came free and the person, first on its waiting list, has it.
    ActivitySeat { activity: i64, title: String },
    /// The organiser confirmed the volunteer's hours at an activity (`half_hours` halves).
    ActivityHours { activity: i64, title: String, half_hours: i64 },
    /// Staff proposed that the volunteer show the 党员 badge; it shows only if they confirm.
    PartyBadgeProposed,
    /// Staff accepted the 议题 the person raised (已受理).
    TopicAccepted { topic: i64, title: String },
    /// Staff declined it (未采纳); the reason is on the topic's page.
    TopicDeclined { topic: i64, title: String },
    /// Staff sent it into the 民情 loop, as `item`.
    TopicReferred { topic: i64, item: i64, title: String },
    /// A topic the person supported was merged into `topic`, which their household now supports.
    TopicMerged { topic: i64, title: String },
    /// A topic the person supported is on a meeting's agenda.
    TopicScheduled { topic: i64, title: String },
    /// A topic of the staff member's area went unanswered for a week (督办).
    TopicEscalation { topic: i64, title: String },
}

/// Every kind, as stored: the names the notice table and the notice centre rely on.
pub const KINDS: [&str; 18] = [
    "dispatch",
    "offer_booked",
    "order_cancelled",
    "take_release_flagged",
    "sentiment_dispatch",
    "sentiment_closed",
    "sentiment_escalation",
    "elder_emergency",
    "welfare_check",
    "activity_seat",
    "activity_hours",
    "party_badge_proposed",
    "topic_accepted",
    "topic_declined",
    "topic_referred",
    "topic_merged",
    "topic_scheduled",
    "topic_escalation",
];

/// How much of a 民情 item's description a notice quotes.
pub const EXCERPT_CHARS: usize = 40;

/// The start of a description, for a notice.
pub fn excerpt(text: &str) -> String {
    text.chars().take(EXCERPT_CHARS).collect()
}

impl Notice {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::DispatchedToYou { .. } => "dispatch",
            Notice::OfferBooked { .. } => "offer_booked",
            Notice::OrderCancelled { .. } => "order_cancelled",
            Notice::TakeReleaseFlagged { .. } => "take_release_flagged",
            Notice::SentimentDispatch { .. } => "sentiment_dispatch",
            Notice::SentimentClosed { .. } => "sentiment_closed",
            Notice::SentimentEscalation { .. } => "sentiment_escalation",
            Notice::ElderEmergency => "elder_emergency",
            Notice::WelfareCheck => "welfare_check",
            Notice::ActivitySeat { .. } => "activity_seat",
            Notice::ActivityHours { .. } => "activity_hours",
            Notice::PartyBadgeProposed => "party_badge_proposed",
            Notice::TopicAccepted { .. } => "topic_accepted",
            Notice::TopicDeclined { .. } => "topic_declined",
            Notice::TopicReferred { .. } => "topic_referred",
            Notice::TopicMerged { .. } => "topic_merged",
            Notice::TopicScheduled { .. } => "topic_scheduled",
            Notice::TopicEscalation { .. } => "topic_escalation",
        }
    }

    /// The page the notice opens.
    pub fn link(&self) -> String {
        match self {
            Notice::DispatchedToYou { order }
            | Notice::OfferBooked { order }
            | Notice::OrderCancelled { order, .. } => {
                format!("/orders/{order}")
            }
            Notice::TakeReleaseFlagged { .. } => "/admin/audit".into(),
            Notice::SentimentDispatch { item, .. }
            | Notice::SentimentClosed { item, .. }
            | Notice::SentimentEscalation { item, .. } => format!("/sentiment/{item}"),
            Notice::ElderEmergency | Notice::WelfareCheck => "/admin/queue".into(),
            Notice::ActivitySeat { activity, .. } | Notice::ActivityHours { activity, .. } => {
                format!("/activities/{activity}")
            }
            Notice::PartyBadgeProposed => "/me#party-badge".into(),
            Notice::TopicAccepted { topic, .. }
            | Notice::TopicDeclined { topic, .. }
            | Notice::TopicReferred { topic, .. }
            | Notice::TopicMerged { topic, .. }
            | Notice::TopicScheduled { topic, .. }
            | Notice::TopicEscalation { topic, .. } => format!("/council/{topic}"),
        }
    }
}

#[cfg(feature = "ssr")]
impl Notice {
    /// The arguments as stored (a JSON object; `{}` for a notice without any).
    pub fn args_json(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut o)) => {
                o.remove("args").unwrap_or_else(|| serde_json::json!({})).to_string()
            }
            _ => "{}".into(),
        }
    }

    /// A stored notice read back; `None` for a kind or arguments this version does not know.
    pub fn parse(kind: &str, args_json: &str) -> Option<Notice> {
        let args: serde_json::Value = serde_json::from_str(args_json).ok()?;
        let value = match args {
            serde_json::Value::Object(o) if o.is_empty() => serde_json::json!({ "kind": kind }),
            args => serde_json::json!({ "kind": kind, "args": args }),
        };
        serde_json::from_value(value).ok()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{excerpt, Notice, OrderId, KINDS};

    fn every_kind() -> Vec<Notice> {
        vec![
            Notice::DispatchedToYou { order: OrderId(7) },
            Notice::OfferBooked { order: OrderId(8) },
            Notice::OrderCancelled { order: OrderId(9), reason: "不用了，谢谢".into() },
            Notice::TakeReleaseFlagged { volunteer: "张伟".into() },
            Notice::SentimentDispatch { item: 3, excerpt: "楼道灯坏了".into() },
            Notice::SentimentClosed { item: 3, excerpt: "楼道灯坏了".into() },
            Notice::SentimentEscalation { item: 3, level: 2, excerpt: "消防栓漏水".into() },
            Notice::ElderEmergency,
            Notice::WelfareCheck,
            Notice::ActivitySeat { activity: 4, title: "E网情深".into() },
            Notice::ActivityHours { activity: 4, title: "E网情深".into(), half_hours: 3 },
            Notice::PartyBadgeProposed,
            Notice::TopicAccepted { topic: 5, title: "加装电梯".into() },
            Notice::TopicDeclined { topic: 5, title: "加装电梯".into() },
            Notice::TopicReferred { topic: 5, item: 3, title: "路灯不亮".into() },
            Notice::TopicMerged { topic: 6, title: "停车难".into() },
            Notice::TopicScheduled { topic: 6, title: "停车难".into() },
            Notice::TopicEscalation { topic: 5, title: "加装电梯".into() },
        ]
    }

    #[test]
    fn every_kind_is_listed_once_in_snake_case_and_reads_back_as_stored() {
        let notices = every_kind();
        assert_eq!(notices.iter().map(Notice::kind).collect::<Vec<_>>(), KINDS);
        for n in notices {
            let kind = n.kind();
            assert!(kind.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{kind}");
            assert_eq!(Notice::parse(kind, &n.args_json()), Some(n.clone()), "{kind}");
            assert!(n.link().starts_with('/'), "{kind}");
        }
        assert_eq!(Notice::ElderEmergency.args_json(), "{}");
    }

    #[test]
    fn unknown_or_broken_notices_are_not_guessed() {
        assert_eq!(Notice::parse("dispatch", r#"{"order":"x"}"#), None);
        assert_eq!(Notice::parse("no_such_kind", "{}"), None);
        assert_eq!(Notice::parse("order_cancelled", "not json"), None);
        assert_eq!(excerpt(&"长".repeat(100)).chars().count(), 40);
    }
}
