//! How an audit row's before/after JSON reads as a list of changes: one entry per field
//! that was set, changed or removed, with values as plain text (times in China time,
//! references as `#id`). The page turns field names and codes into words.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Declares the audit vocabulary: each action with the name stored in `audit_log.action`,
/// written by hand so that renaming a variant never rewrites the log's vocabulary.
macro_rules! actions {
    ($($variant:ident => $name:literal,)*) => {
        /// What an audit row records: a change, or the refusal of one (`outcome` says which).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($variant,)* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// The action a stored name stands for.
            pub fn parse(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    AccountDisableRefused => "account_disable_refused",
    AccountDisabled => "account_disabled",
    AccountEnabled => "account_enabled",
    AddElder => "add_elder",
    AddPhoto => "add_photo",
    AddRecordPhoto => "add_record_photo",
    ApproveNomination => "approve_nomination",
    AssignStaff => "assign_staff",
    BookOffer => "book_offer",
    CancelActivitySignup => "cancel_activity_signup",
    CheckInActivity => "check_in_activity",
    CheckOutActivity => "check_out_activity",
    ConfirmActivityHours => "confirm_activity_hours",
    CastVote => "cast_vote",
    CloseElections => "close_elections",
    ConfirmItem => "confirm_item",
    ConvertItem => "convert_item",
    CreateElection => "create_election",
    CreateFirstAdmin => "create_first_admin",
    CreateNode => "create_node",
    CreatePairing => "create_pairing",
    CrossSiteRefused => "cross_site_refused",
    DecideNomination => "decide_nomination",
    DeleteNode => "delete_node",
    DispatchAccepted => "dispatch_accepted",
    DispatchDeclined => "dispatch_declined",
    DispatchOrder => "dispatch_order",
    DispatchRefused => "dispatch_refused",
    EditElection => "edit_election",
    EscalateOrders => "escalate_orders",
    ExtendVoting => "extend_voting",
    FinishWelfareCheck => "finish_welfare_check",
    FollowUpItem => "follow_up_item",
    IssueApiKey => "issue_api_key",
    LikePost => "like_post",
    LogVisit => "log_visit",
    Login => "login",
    LoginFailed => "login_failed",
    Logout => "logout",
    MakeUpActivityHours => "make_up_activity_hours",
    MergeNode => "merge_node",
    MoveNode => "move_node",
    Nominate => "nominate",
    NominateSelf => "nominate_self",
    Open311Request => "open311_request",
    OpenVoting => "open_voting",
    OrderRefused => "order_refused",
    OrderTransition => "order_transition",
    PairingSchedule => "pairing_schedule",
    PasswordChangeRefused => "password_change_refused",
    PasswordChanged => "password_changed",
    PlaceOrder => "place_order",
    PlaceOrderOnBehalf => "place_order_on_behalf",
    PostNews => "post_news",
    PostOffer => "post_offer",
    PublishActivity => "publish_activity",
    RaiseTopic => "raise_topic",
    PostThanks => "post_thanks",
    ProposePartyBadge => "propose_party_badge",
    PurgeSessions => "purge_sessions",
    RecheckItem => "recheck_item",
    RecordItem => "record_item",
    RegisterResident => "register_resident",
    RejectNomination => "reject_nomination",
    RemoveStaff => "remove_staff",
    RenameNode => "rename_node",
    RequestRefused => "request_refused",
    RequestWelfareCheck => "request_welfare_check",
    RevokeApiKey => "revoke_api_key",
    SaveVolunteerProfile => "save_volunteer_profile",
    SentimentEscalation => "sentiment_escalation",
    ScreenTopic => "screen_topic",
    ScheduleTopic => "schedule_topic",
    WriteMinutes => "write_minutes",
    SignMinutes => "sign_minutes",
    TopicEscalation => "topic_escalation",
    SentimentStep => "sentiment_step",
    SetElderMode => "set_elder_mode",
    SetHeatAlert => "set_heat_alert",
    SetLocale => "set_locale",
    SetPartyBadge => "set_party_badge",
    SetWarning => "set_warning",
    SignUpActivity => "sign_up_activity",
    Signup => "signup",
    SplitNode => "split_node",
    StartWelfareCheck => "start_welfare_check",
    SupportTopic => "support_topic",
    TakeReleaseFlagged => "take_release_flagged",
    UndoEdit => "undo_edit",
    UpdateElder => "update_elder",
    VerifyResident => "verify_resident",
    WriteActivityRecord => "write_activity_record",
}

/// One field of an audited object: its value before and after (`None`: not there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Fields holding unix seconds.
const TIME_FIELDS: [&str; 5] = ["nomination_start", "nomination_end", "voting_start", "voting_end", "notice_end"];

/// Fields holding the id of another row (shown as `#id`).
const REF_FIELDS: [&str; 16] = [
    "parent",
    "into",
    "new",
    "replaced",
    "assignment",
    "account",
    "order",
    "reopened_as",
    "elder",
    "visit",
    "requester",
    "volunteer",
    "dispatch",
    "offer",
    "person",
    "household",
];

/// The changes between two audit snapshots. Fields equal on both sides are left out, and
/// so is `version` (a counter for conflict checks, meaningless to a reader). Fields come
/// in name order. Text that is
/// not a JSON object (older rows) is one change of the field "".
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let parse = |text: Option<&str>| -> Result<Map<String, Value>, String> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(Map::new()),
            Some(t) => match serde_json::from_str::<Value>(t) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(t.to_string()),
            },
        }
    };
    let (before, after) = match (parse(before), parse(after)) {
        (Ok(b), Ok(a)) => (b, a),
        (b, a) => {
            let raw = |side: Result<Map<String, Value>, String>| match side {
                Err(t) => Some(t),
                Ok(m) if m.is_empty() => None,
                Ok(m) => Some(Value::Object(m).to_string()),
            };
            return vec![Change { field: String::new(), before: raw(b), after: raw(a) }];
        }
    };
    let keys = before.keys().chain(after.keys().filter(|k| !before.contains_key(*k)));
    keys.filter(|k| k.as_str() != "version")
        .filter_map(|k| {
            let (b, a) = (before.get(k).filter(|v| !v.is_null()), after.get(k).filter(|v| !v.is_null()));
            (b != a).then(|| Change { field: k.clone(), before: b.map(|v| text(k, v)), after: a.map(|v| text(k, v)) })
        })
        .collect()
}

fn text(field: &str, value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(t) if TIME_FIELDS.contains(&field) => super::time::format_local_datetime(t),
            Some(id) if REF_FIELDS.contains(&field) => format!("#{id}"),
            _ => n.to_string(),
        },
        Value::Array(items) => items.iter().map(|v| text(field, v)).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_one_stored_snake_case_name_that_reads_back() {
        let mut names: Vec<&str> = super::Action::ALL.iter().map(|a| a.as_str()).collect();
        for (a, name) in super::Action::ALL.iter().zip(&names) {
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{name}");
            assert_eq!(super::Action::parse(name), Some(*a));
        }
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name is used twice");
        // The vocabulary the audit log already holds keeps its spelling.
        for kept in ["order_transition", "order_refused", "sentiment_step", "rename_node", "cast_vote", "login_failed"]
        {
            assert!(super::Action::parse(kept).is_some(), "{kept}");
        }
        assert_eq!(super::Action::parse("OrderTransition"), None);
    }

    fn change(field: &str, before: Option<&str>, after: Option<&str>) -> Change {
        Change { field: field.into(), before: before.map(Into::into), after: after.map(Into::into) }
    }

    #[test]
    fn a_rename_is_one_change_of_the_name_and_the_version_is_left_out() {
        let got = changes(Some(r#"{"name":"红领微网格","version":1}"#), Some(r#"{"name":"红领先锋","version":2}"#));
        assert_eq!(got, vec![change("name", Some("红领微网格"), Some("红领先锋"))]);
    }

    #[test]
    fn a_creation_lists_every_field_and_references_and_times_read_as_such() {
        let got = changes(None, Some(r#"{"parent":12,"voting_end":1764547200,"live_tally":true,"buildings":[3,4]}"#));
        assert_eq!(
            got,
            vec![
                change("buildings", None, Some("3、4")),
                change("live_tally", None, Some("true")),
                change("parent", None, Some("#12")),
                change("voting_end", None, Some("2025-12-01 08:00")),
            ]
        );
    }

    #[test]
    fn unchanged_and_null_fields_are_left_out_and_removed_ones_kept() {
        let got = changes(Some(r#"{"a":1,"b":"x","c":null}"#), Some(r#"{"a":1,"c":null}"#));
        assert_eq!(got, vec![change("b", Some("x"), None)]);
    }

    #[test]
    fn text_that_is_not_an_object_is_shown_as_it_is() {
        assert_eq!(changes(Some("[1]"), None), vec![change("", Some("[1]"), None)]);
        assert!(changes(None, None).is_empty());
    }
}
