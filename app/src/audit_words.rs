//! The audit log in words, written on the server in the reader's language: "王芳将「红领微网格」改名"
//! with its changes ("名称：红领微网格 → 红领先锋"), for the audit page, its CSV and the grid
//! editor's last edit. The words are `AuditMsg`, which never reaches the WASM.
use crate::domain::audit::Change;
use crate::i18n::{AuditMsg, Locale, Msg};
use crate::repo::audit_repo::AuditRow;

/// An audit row as the pages and the CSV show it.
pub fn line(r: AuditRow, locale: Locale) -> crate::dto::AuditLine {
    let changes = crate::domain::audit::changes(r.before_json.as_deref(), r.after_json.as_deref());
    let node = r.node.unwrap_or_default();
    let refused = r.outcome == "refused";
    crate::dto::AuditLine {
        at: crate::domain::time::format_local_datetime(r.at),
        sentence: sentence(r.actor.as_deref(), &r.action, &node, locale),
        changes: changes.iter().map(|c| change_text(&r.action, c, locale)).collect(),
        note: detail_text(&r.action, &r.detail, refused, locale),
        action: r.action,
        node,
        node_code: r.node_code.unwrap_or_default(),
        refused,
    }
}

/// "王芳将「红领微网格」改名": who did what where, in the reader's language.
pub fn sentence(actor: Option<&str>, action: &str, node: &str, locale: Locale) -> String {
    let who = match actor {
        Some(name) if !name.is_empty() => name,
        _ if action == "request_welfare_check" || action == "signup" => AuditMsg::AuditActorVisitor.text(locale),
        _ => AuditMsg::AuditActorSystem.text(locale),
    };
    match action_msg(action) {
        Some(msg) => msg.text(locale).replace("{who}", who).replace("{node}", node),
        // An action without words yet still says who, where and its code.
        None => format!("{who} · {node} · {action}"),
    }
}

/// "名称：红领微网格 → 红领先锋微网格", "Name: set to …", "… removed".
pub fn change_text(action: &str, change: &Change, locale: Locale) -> String {
    let field = match field_msg(&change.field) {
        Some(msg) => msg.text(locale).to_string(),
        None => change.field.clone(),
    };
    let value = |v: &str| value_text(action, &change.field, v, locale).map_or_else(|| v.to_string(), String::from);
    let colon = if locale == Locale::Zh { "：" } else { ": " };
    match (change.before.as_deref(), change.after.as_deref()) {
        (Some(b), Some(a)) => format!("{field}{colon}{} → {}", value(b), value(a)),
        (None, Some(a)) => format!("{field}{colon}{}", value(a)),
        (Some(b), None) => format!("{field}{colon}{}（{}）", value(b), AuditMsg::AuditRemoved.text(locale)),
        (None, None) => field,
    }
}

/// The row's note in words: a refusal's reason in the reader's language; the step codes of
/// orders and 民情 are already told by the status change, so they are not repeated.
pub fn detail_text(action: &str, detail: &str, refused: bool, locale: Locale) -> Option<String> {
    let detail = detail.trim();
    if detail.is_empty() || ["order_transition", "sentiment_step", "undo_edit"].contains(&action) {
        return None;
    }
    // Refusals store the message key as `Some(ErrX)`.
    let key = detail.strip_prefix("Some(").and_then(|d| d.strip_suffix(')')).unwrap_or(detail);
    match Msg::from_key(key) {
        Some(msg) => Some(msg.text(locale).to_string()),
        None if refused && key == "None" => None,
        None => Some(detail.to_string()),
    }
}

/// The sentence of an action. The match is over every action, so a new one cannot be
/// added without deciding its words; the periodic jobs are never refused, so their
/// names never reach a page.
fn action_msg(action: &str) -> Option<AuditMsg> {
    use crate::domain::audit::Action as A;
    Some(match A::parse(action)? {
        A::RenameNode => AuditMsg::AuditRenameNode,
        A::MoveNode => AuditMsg::AuditMoveNode,
        A::CreateNode => AuditMsg::AuditCreateNode,
        A::DeleteNode => AuditMsg::AuditDeleteNode,
        A::MergeNode => AuditMsg::AuditMergeNode,
        A::SplitNode => AuditMsg::AuditSplitNode,
        A::AssignStaff => AuditMsg::AuditAssignStaff,
        A::RemoveStaff => AuditMsg::AuditRemoveStaff,
        A::UndoEdit => AuditMsg::AuditUndoEdit,
        A::CreateElection => AuditMsg::AuditCreateElection,
        A::EditElection => AuditMsg::AuditEditElection,
        A::OpenVoting => AuditMsg::AuditOpenVoting,
        A::ExtendVoting => AuditMsg::AuditExtendVoting,
        A::Nominate => AuditMsg::AuditNominate,
        A::NominateSelf => AuditMsg::AuditNominateSelf,
        A::ApproveNomination => AuditMsg::AuditApproveNomination,
        A::RejectNomination => AuditMsg::AuditRejectNomination,
        A::DecideNomination => AuditMsg::AuditDecideNomination,
        A::CastVote => AuditMsg::AuditCastVote,
        A::IssueApiKey => AuditMsg::AuditIssueApiKey,
        A::RevokeApiKey => AuditMsg::AuditRevokeApiKey,
        A::Signup => AuditMsg::AuditSignup,
        A::RecordItem => AuditMsg::AuditRecordItem,
        A::SentimentStep => AuditMsg::AuditSentimentStep,
        A::ConfirmItem => AuditMsg::AuditConfirmItem,
        A::SetWarning => AuditMsg::AuditSetWarning,
        A::AddPhoto => AuditMsg::AuditAddPhoto,
        A::AddRecordPhoto => AuditMsg::AuditAddRecordPhoto,
        A::FollowUpItem => AuditMsg::AuditFollowUpItem,
        A::RecheckItem => AuditMsg::AuditRecheckItem,
        A::ConvertItem => AuditMsg::AuditConvertItem,
        A::Open311Request => AuditMsg::AuditOpen311Request,
        A::AddElder => AuditMsg::AuditAddElder,
        A::UpdateElder => AuditMsg::AuditUpdateElder,
        A::LogVisit => AuditMsg::AuditLogVisit,
        A::SetHeatAlert => AuditMsg::AuditSetHeatAlert,
        A::RequestWelfareCheck => AuditMsg::AuditRequestWelfareCheck,
        A::StartWelfareCheck => AuditMsg::AuditStartWelfareCheck,
        A::FinishWelfareCheck => AuditMsg::AuditFinishWelfareCheck,
        A::VerifyResident => AuditMsg::AuditVerifyResident,
        A::PlaceOrder => AuditMsg::AuditPlaceOrder,
        A::PlaceOrderOnBehalf => AuditMsg::AuditPlaceOrderOnBehalf,
        A::OrderTransition | A::OrderRefused => AuditMsg::AuditOrderTransition,
        A::DispatchOrder | A::DispatchRefused => AuditMsg::AuditDispatchOrder,
        A::DispatchAccepted => AuditMsg::AuditDispatchAccepted,
        A::DispatchDeclined => AuditMsg::AuditDispatchDeclined,
        A::BookOffer => AuditMsg::AuditBookOffer,
        A::PostOffer => AuditMsg::AuditPostOffer,
        A::PublishActivity => AuditMsg::AuditPublishActivity,
        A::SignUpActivity => AuditMsg::AuditSignUpActivity,
        A::CancelActivitySignup => AuditMsg::AuditCancelActivitySignup,
        A::CheckInActivity => AuditMsg::AuditCheckInActivity,
        A::CheckOutActivity => AuditMsg::AuditCheckOutActivity,
        A::ConfirmActivityHours => AuditMsg::AuditConfirmActivityHours,
        A::MakeUpActivityHours => AuditMsg::AuditMakeUpActivityHours,
        A::WriteActivityRecord => AuditMsg::AuditWriteActivityRecord,
        A::RaiseTopic => AuditMsg::AuditRaiseTopic,
        A::SupportTopic => AuditMsg::AuditSupportTopic,
        A::ScreenTopic => AuditMsg::AuditScreenTopic,
        A::ScheduleTopic => AuditMsg::AuditScheduleTopic,
        A::WriteMinutes => AuditMsg::AuditWriteMinutes,
        A::SignMinutes => AuditMsg::AuditSignMinutes,
        A::CreatePairing => AuditMsg::AuditCreatePairing,
        A::RegisterResident => AuditMsg::AuditRegisterResident,
        A::PostThanks => AuditMsg::AuditPostThanks,
        A::PostNews => AuditMsg::AuditPostNews,
        A::LikePost => AuditMsg::AuditLikePost,
        A::SaveVolunteerProfile => AuditMsg::AuditSaveVolunteerProfile,
        A::SetPartyBadge => AuditMsg::AuditSetPartyBadge,
        A::ProposePartyBadge => AuditMsg::AuditProposePartyBadge,
        A::TakeReleaseFlagged => AuditMsg::AuditTakeReleaseFlagged,
        A::Login => AuditMsg::AuditLogin,
        A::LoginFailed => AuditMsg::AuditLoginFailed,
        A::Logout => AuditMsg::AuditLogout,
        A::PasswordChanged | A::PasswordChangeRefused => AuditMsg::AuditPasswordChanged,
        A::AccountDisabled | A::AccountDisableRefused => AuditMsg::AuditAccountDisabled,
        A::AccountEnabled => AuditMsg::AuditAccountEnabled,
        A::CreateFirstAdmin => AuditMsg::AuditCreateFirstAdmin,
        A::RequestRefused => AuditMsg::AuditRequestRefused,
        A::CrossSiteRefused => AuditMsg::AuditCrossSiteRefused,
        // Preferences are not audited when kept, and the jobs never refuse.
        A::SetLocale
        | A::SetElderMode
        | A::CloseElections
        | A::EscalateOrders
        | A::PairingSchedule
        | A::PurgeSessions
        | A::SentimentEscalation
        | A::TopicEscalation => return None,
    })
}

fn field_msg(field: &str) -> Option<AuditMsg> {
    Some(match field {
        "name" | "into_name" => AuditMsg::AuditFieldName,
        "parent" => AuditMsg::AuditFieldParent,
        "code" => AuditMsg::AuditFieldCode,
        "level" => AuditMsg::AuditFieldLevel,
        "into" => AuditMsg::AuditFieldInto,
        "new" => AuditMsg::AuditFieldNew,
        "buildings" => AuditMsg::AuditFieldBuildings,
        "replaced" | "assignment" => AuditMsg::AuditFieldAssignment,
        "account" => AuditMsg::AuditFieldAccount,
        "role" => AuditMsg::AuditFieldRole,
        "title" => AuditMsg::AuditFieldTitle,
        "stars" => AuditMsg::AuditFieldStars,
        "votes_per_voter" => AuditMsg::AuditFieldVotesPerVoter,
        "nomination_start" => AuditMsg::AuditFieldNominationStart,
        "nomination_end" => AuditMsg::AuditFieldNominationEnd,
        "voting_start" => AuditMsg::AuditFieldVotingStart,
        "voting_end" => AuditMsg::AuditFieldVotingEnd,
        "notice_end" => AuditMsg::AuditFieldNoticeEnd,
        "live_tally" => AuditMsg::AuditFieldLiveTally,
        "min_service_hours" => AuditMsg::AuditFieldMinHours,
        "status" | "stage" => AuditMsg::AuditFieldStatus,
        "label" => AuditMsg::AuditFieldLabel,
        "area" => AuditMsg::AuditFieldArea,
        "revoked" => AuditMsg::AuditFieldRevoked,
        "kind" => AuditMsg::AuditFieldKind,
        "category" => AuditMsg::AuditFieldCategory,
        "resolved" => AuditMsg::AuditFieldResolved,
        "rating" => AuditMsg::AuditFieldRating,
        "warning" => AuditMsg::AuditFieldWarning,
        "heat_alert" => AuditMsg::AuditFieldHeatAlert,
        "passed" => AuditMsg::AuditFieldPassed,
        "reopened_as" => AuditMsg::AuditFieldReopenedAs,
        "order" => AuditMsg::AuditFieldOrder,
        "photo" => AuditMsg::AuditFieldPhoto,
        "bytes" => AuditMsg::AuditFieldBytes,
        "living_alone" => AuditMsg::AuditFieldLivingAlone,
        "health_notes" => AuditMsg::AuditFieldHealthNotes,
        "contact_name" => AuditMsg::AuditFieldContactName,
        "contact_phone" => AuditMsg::AuditFieldContactPhone,
        "every_days" => AuditMsg::AuditFieldEveryDays,
        "heat_alert_every_days" => AuditMsg::AuditFieldHeatEveryDays,
        "elder" | "requester" | "person" => AuditMsg::AuditFieldResident,
        "outcome" => AuditMsg::AuditFieldOutcome,
        "outcome_note" => AuditMsg::AuditFieldOutcomeNote,
        "leaders_notified" => AuditMsg::AuditFieldLeadersNotified,
        "section" => AuditMsg::AuditFieldSection,
        "urgency" => AuditMsg::AuditFieldUrgency,
        "visit" => AuditMsg::AuditFieldVisit,
        "volunteer" => AuditMsg::AuditFieldVolunteer,
        "dispatch" => AuditMsg::AuditFieldDispatch,
        "offer" => AuditMsg::AuditFieldOffer,
        "household" => AuditMsg::AuditFieldHousehold,
        "unit" => AuditMsg::AuditFieldUnit,
        "room" => AuditMsg::AuditFieldRoom,
        "verified" => AuditMsg::AuditFieldVerified,
        "weekday" => AuditMsg::AuditFieldWeekday,
        "part" => AuditMsg::AuditFieldPart,
        "skills" => AuditMsg::AuditFieldSkills,
        "availability" => AuditMsg::AuditFieldAvailability,
        "shares_phone" => AuditMsg::AuditFieldSharesPhone,
        _ => return None,
    })
}

/// A coded value in words: yes/no, statuses, stages, levels, roles, sections, categories.
fn value_text(action: &str, field: &str, value: &str, locale: Locale) -> Option<&'static str> {
    use crate::domain::{grid::NodeLevel, order, role::Role, sentiment};
    match (field, value) {
        (_, "true") => return Some(AuditMsg::AuditYes.text(locale)),
        (_, "false") => return Some(AuditMsg::AuditNo.text(locale)),
        ("kind", _) => {
            return sentiment::Kind::parse(value).map(|k| {
                match k {
                    sentiment::Kind::Report => AuditMsg::AuditKindReport,
                    sentiment::Kind::Dispute => AuditMsg::AuditKindDispute,
                    sentiment::Kind::Inspection => AuditMsg::AuditKindInspection,
                }
                .text(locale)
            })
        }
        ("status", "done") if action.contains("welfare") => return Some(AuditMsg::AuditWelfareDone.text(locale)),
        _ => {}
    }
    let msg = match field {
        "stage" => sentiment::Stage::parse(value).map(crate::i18n::stage_label),
        "level" => NodeLevel::parse(value).map(crate::i18n::level_label),
        "role" => Role::parse(value).map(crate::i18n::role_label),
        "section" => order::ServiceSection::parse(value).map(crate::i18n::section_label),
        "urgency" => order::Urgency::parse(value).map(|u| {
            if u == order::Urgency::Urgent {
                Msg::UrgencyUrgent
            } else {
                Msg::UrgencyNormal
            }
        }),
        "category" => sentiment::Category::parse(value).map(crate::i18n::category_label),
        "warning" => sentiment::Warning::parse(value).map(crate::i18n::warning_label),
        "outcome" => crate::domain::elder::VisitOutcome::parse(value).map(crate::i18n::outcome_label),
        "status" if action.contains("nomination") => match value {
            "pending" => Some(Msg::StatusPending),
            "approved" => Some(Msg::StatusApproved),
            "rejected" => Some(Msg::StatusRejected),
            _ => None,
        },
        "status" if action.contains("welfare") => match value {
            "open" => Some(Msg::WelfareStatusOpen),
            "in_progress" => Some(Msg::WelfareStatusInProgress),
            _ => None,
        },
        "status" => order::OrderStatus::parse(value).map(crate::i18n::status_label),
        _ => None,
    };
    msg.map(|m| m.text(locale))
}

/// The lines as CSV in the reader's language: when, who, what (as a sentence and as its
/// code, for filtering in a spreadsheet), where, result, changes and note.
pub fn csv(lines: &[crate::dto::AuditLine], locale: Locale) -> String {
    use crate::domain::csv::row;
    let m = |msg: AuditMsg| msg.text(locale);
    let mut out = String::from("\u{feff}");
    out += &row(&[
        m(AuditMsg::AuditCsvAt),
        m(AuditMsg::AuditCsvWhat),
        m(AuditMsg::AuditCsvCode),
        Msg::Node.text(locale),
        m(AuditMsg::AuditFieldCode),
        m(AuditMsg::AuditCsvResult),
        m(AuditMsg::AuditCsvChanges),
        m(AuditMsg::AuditCsvNote),
    ]);
    for l in lines {
        out += &row(&[
            l.at.as_str(),
            l.sentence.as_str(),
            l.action.as_str(),
            l.node.as_str(),
            l.node_code.as_str(),
            if l.refused { Msg::Refused.text(locale) } else { m(AuditMsg::AuditOk) },
            &l.changes.join("; "),
            l.note.as_deref().unwrap_or_default(),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(action: &str, actor: Option<&str>, before: Option<&str>, after: Option<&str>) -> AuditRow {
        AuditRow {
            at: 1_764_547_200,
            actor: actor.map(Into::into),
            action: action.into(),
            node: Some("红领微网格".into()),
            node_code: Some("01".into()),
            outcome: "ok".into(),
            before_json: before.map(Into::into),
            after_json: after.map(Into::into),
            detail: String::new(),
        }
    }

    #[test]
    fn a_rename_reads_as_a_sentence_in_both_languages() {
        let rename = || {
            row(
                "rename_node",
                Some("王芳"),
                Some(r#"{"name":"红领微网格","version":1}"#),
                Some(r#"{"name":"红领先锋","version":2}"#),
            )
        };
        let zh = line(rename(), Locale::Zh);
        assert_eq!(zh.sentence, "王芳将「红领微网格」改名");
        assert_eq!(zh.changes, ["名称：红领微网格 → 红领先锋"]);
        let en = line(rename(), Locale::En);
        assert_eq!(en.sentence, "王芳 renamed “红领微网格”");
        assert_eq!(en.changes, ["Name: 红领微网格 → 红领先锋"]);
    }

    #[test]
    fn coded_values_and_missing_actors_are_words() {
        let l = line(row("request_welfare_check", None, None, None), Locale::Zh);
        assert_eq!(l.sentence, "未登录的访客请求上门查看「红领微网格」的一位老人");
        let l = line(
            row("order_transition", Some("李强"), Some(r#"{"status":"open"}"#), Some(r#"{"status":"taken"}"#)),
            Locale::Zh,
        );
        assert_eq!(l.changes, ["状态：待接单 → 已接单"]);
        let l = line(
            row("set_heat_alert", Some("李强"), Some(r#"{"heat_alert":false}"#), Some(r#"{"heat_alert":true}"#)),
            Locale::En,
        );
        assert_eq!(l.changes, ["Heat alert: no → yes"]);
    }

    #[test]
    fn a_refusal_names_its_reason_in_the_readers_language() {
        let mut r = row("merge_node", Some("王芳"), None, None);
        r.outcome = "refused".into();
        r.detail = "Some(ErrForbidden)".into();
        let l = line(r, Locale::Zh);
        assert!(l.refused);
        assert_eq!(l.note.as_deref(), Some("没有权限"));
    }
}
