//! /admin/audit: every edit inside the admin's area with who, when, what, before and after;
//! filtered by person, node and dates (a GET form, so it works without JavaScript) and
//! exported as CSV with the same filters.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, Loading};
use crate::domain::audit::Change;
use crate::dto::AuditLine;
use crate::i18n::{Locale, Msg};
use crate::server_fns::grid::audit_data;
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn AuditPage() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_area_admin() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Audit/> }.into_any(),
    }
}

#[component]
fn Audit() -> impl IntoView {
    let query = crate::components::use_query();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    let filters = Memo::new(move |_| (param("person"), param("node"), param("from"), param("to")));
    let data = Resource::new(move || filters.get(), |(p, n, f, t)| audit_data(p, n, f, t));
    let locale = use_viewer().locale;
    let csv = move || {
        let (p, n, f, t) = filters.get();
        let enc = |s: String| js_like_encode(&s);
        format!("/admin/audit/csv?person={}&node={}&from={}&to={}", enc(p), enc(n), enc(f), enc(t))
    };
    view! {
        <header class="page-head"><h1>{tr(Msg::AuditTitle)}</h1></header>
        <form method="get" action="/admin/audit" class="card form">
            <label for="audit-person">{tr(Msg::Person)}</label>
            <input id="audit-person" name="person" maxlength="40" value=move || filters.get().0/>
            <label for="audit-node">{tr(Msg::Node)}</label>
            <input id="audit-node" name="node" maxlength="40" value=move || filters.get().1/>
            <label for="audit-from">{tr(Msg::DateFrom)}</label>
            <input id="audit-from" name="from" type="date" value=move || filters.get().2/>
            <label for="audit-to">{tr(Msg::DateTo)}</label>
            <input id="audit-to" name="to" type="date" value=move || filters.get().3/>
            <button type="submit" class="btn primary">{tr(Msg::Filter)}</button>
        </form>
        <p class="actions"><a class="btn" href=csv download>{tr(Msg::ExportCsv)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(lines) if lines.is_empty() => view! { <p class="card muted">{tr(Msg::NoAuditLines)}</p> }.into_any(),
                    Ok(lines) => view! {
                        <ul class="audit">
                            {lines.into_iter().map(|l| view! {
                                <li class="card" class:refused=l.refused>
                                    <p class="muted small">{l.at.clone()} " · " <span class="small">{l.node_code.clone()}</span>
                                        {l.refused.then(|| view! { " · " <span class="tag">{tr(Msg::Refused)}</span> })}</p>
                                    <p>{sentence(&l, locale)}</p>
                                    {(!l.changes.is_empty()).then(|| view! {
                                        <ul class="audit-changes small">
                                            {l.changes.iter().map(|c| view! { <li>{change_text(&l.action, c, locale)}</li> }).collect_view()}
                                        </ul>
                                    })}
                                    {detail_text(&l, locale).map(|d| view! { <p class="small muted">{d}</p> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn js_like_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// "王芳将「红领微网格」改名": who did what where, in the reader's language.
pub fn sentence(line: &AuditLine, locale: Locale) -> String {
    let who = match &line.actor {
        Some(name) if !name.is_empty() => name.as_str(),
        _ if line.action == "request_welfare_check" || line.action == "signup" => Msg::AuditActorVisitor.text(locale),
        _ => Msg::AuditActorSystem.text(locale),
    };
    match action_msg(&line.action) {
        Some(msg) => msg.text(locale).replace("{who}", who).replace("{node}", &line.node),
        // An action without words yet still says who, where and its code.
        None => format!("{who} · {} · {}", line.node, line.action),
    }
}

/// "名称：红领微网格 → 红领先锋微网格", "Name: set to …", "… removed".
pub fn change_text(action: &str, change: &Change, locale: Locale) -> String {
    let field = match field_msg(&change.field) {
        Some(msg) => msg.text(locale).to_string(),
        None => change.field.clone(),
    };
    let value = |v: &str| value_msg(action, &change.field, v).map_or_else(|| v.to_string(), |m| m.text(locale).into());
    let colon = if locale == Locale::Zh { "：" } else { ": " };
    match (change.before.as_deref(), change.after.as_deref()) {
        (Some(b), Some(a)) => format!("{field}{colon}{} → {}", value(b), value(a)),
        (None, Some(a)) => format!("{field}{colon}{}", value(a)),
        (Some(b), None) => format!("{field}{colon}{}（{}）", value(b), Msg::AuditRemoved.text(locale)),
        (None, None) => field,
    }
}

/// The row's note in words: a refusal's reason in the reader's language; the step codes of
/// orders and 民情 are already told by the status change, so they are not repeated.
pub fn detail_text(line: &AuditLine, locale: Locale) -> Option<String> {
    let detail = line.detail.trim();
    if detail.is_empty() || ["order_transition", "sentiment_step", "undo_edit"].contains(&line.action.as_str()) {
        return None;
    }
    // Refusals store the message key as `Some(ErrX)`.
    let key = detail.strip_prefix("Some(").and_then(|d| d.strip_suffix(')')).unwrap_or(detail);
    match Msg::from_key(key) {
        Some(msg) => Some(msg.text(locale).to_string()),
        None if line.refused && key == "None" => None,
        None => Some(detail.to_string()),
    }
}

fn action_msg(action: &str) -> Option<Msg> {
    Some(match action {
        "rename_node" => Msg::AuditRenameNode,
        "move_node" => Msg::AuditMoveNode,
        "create_node" => Msg::AuditCreateNode,
        "delete_node" => Msg::AuditDeleteNode,
        "merge_node" => Msg::AuditMergeNode,
        "split_node" => Msg::AuditSplitNode,
        "assign_staff" => Msg::AuditAssignStaff,
        "remove_staff" => Msg::AuditRemoveStaff,
        "undo_edit" => Msg::AuditUndoEdit,
        "create_election" => Msg::AuditCreateElection,
        "edit_election" => Msg::AuditEditElection,
        "open_voting" => Msg::AuditOpenVoting,
        "extend_voting" => Msg::AuditExtendVoting,
        "nominate" => Msg::AuditNominate,
        "nominate_self" => Msg::AuditNominateSelf,
        "approve_nomination" => Msg::AuditApproveNomination,
        "reject_nomination" => Msg::AuditRejectNomination,
        "issue_api_key" => Msg::AuditIssueApiKey,
        "revoke_api_key" => Msg::AuditRevokeApiKey,
        "signup" => Msg::AuditSignup,
        "record_item" => Msg::AuditRecordItem,
        "sentiment_step" => Msg::AuditSentimentStep,
        "open311_request" => Msg::AuditOpen311Request,
        "add_elder" => Msg::AuditAddElder,
        "update_elder" => Msg::AuditUpdateElder,
        "log_visit" => Msg::AuditLogVisit,
        "place_order" => Msg::AuditPlaceOrder,
        "place_order_on_behalf" => Msg::AuditPlaceOrderOnBehalf,
        "set_heat_alert" => Msg::AuditSetHeatAlert,
        "request_welfare_check" => Msg::AuditRequestWelfareCheck,
        "start_welfare_check" => Msg::AuditStartWelfareCheck,
        "finish_welfare_check" => Msg::AuditFinishWelfareCheck,
        "verify_resident" => Msg::AuditVerifyResident,
        "order_transition" | "order_refused" => Msg::AuditOrderTransition,
        "dispatch_order" | "dispatch_refused" => Msg::AuditDispatchOrder,
        "dispatch_accepted" => Msg::AuditDispatchAccepted,
        "dispatch_declined" => Msg::AuditDispatchDeclined,
        "book_offer" => Msg::AuditBookOffer,
        "create_pairing" => Msg::AuditCreatePairing,
        "register_resident" => Msg::AuditRegisterResident,
        _ => return None,
    })
}

fn field_msg(field: &str) -> Option<Msg> {
    Some(match field {
        "name" | "into_name" => Msg::AuditFieldName,
        "parent" => Msg::AuditFieldParent,
        "code" => Msg::AuditFieldCode,
        "level" => Msg::AuditFieldLevel,
        "into" => Msg::AuditFieldInto,
        "new" => Msg::AuditFieldNew,
        "buildings" => Msg::AuditFieldBuildings,
        "replaced" | "assignment" => Msg::AuditFieldAssignment,
        "account" => Msg::AuditFieldAccount,
        "role" => Msg::AuditFieldRole,
        "title" => Msg::AuditFieldTitle,
        "stars" => Msg::AuditFieldStars,
        "votes_per_voter" => Msg::AuditFieldVotesPerVoter,
        "nomination_start" => Msg::AuditFieldNominationStart,
        "nomination_end" => Msg::AuditFieldNominationEnd,
        "voting_start" => Msg::AuditFieldVotingStart,
        "voting_end" => Msg::AuditFieldVotingEnd,
        "notice_end" => Msg::AuditFieldNoticeEnd,
        "live_tally" => Msg::AuditFieldLiveTally,
        "min_service_hours" => Msg::AuditFieldMinHours,
        "status" | "stage" => Msg::AuditFieldStatus,
        "label" => Msg::AuditFieldLabel,
        "area" => Msg::AuditFieldArea,
        "revoked" => Msg::AuditFieldRevoked,
        "kind" => Msg::AuditFieldKind,
        "category" => Msg::AuditFieldCategory,
        "resolved" => Msg::AuditFieldResolved,
        "rating" => Msg::AuditFieldRating,
        "warning" => Msg::AuditFieldWarning,
        "heat_alert" => Msg::AuditFieldHeatAlert,
        "passed" => Msg::AuditFieldPassed,
        "reopened_as" => Msg::AuditFieldReopenedAs,
        "order" => Msg::AuditFieldOrder,
        "photo" => Msg::AuditFieldPhoto,
        "bytes" => Msg::AuditFieldBytes,
        "living_alone" => Msg::AuditFieldLivingAlone,
        "health_notes" => Msg::AuditFieldHealthNotes,
        "contact_name" => Msg::AuditFieldContactName,
        "contact_phone" => Msg::AuditFieldContactPhone,
        "every_days" => Msg::AuditFieldEveryDays,
        "heat_alert_every_days" => Msg::AuditFieldHeatEveryDays,
        "elder" | "requester" | "person" => Msg::AuditFieldResident,
        "outcome" => Msg::AuditFieldOutcome,
        "outcome_note" => Msg::AuditFieldOutcomeNote,
        "leaders_notified" => Msg::AuditFieldLeadersNotified,
        "section" => Msg::AuditFieldSection,
        "urgency" => Msg::AuditFieldUrgency,
        "visit" => Msg::AuditFieldVisit,
        "volunteer" => Msg::AuditFieldVolunteer,
        "dispatch" => Msg::AuditFieldDispatch,
        "offer" => Msg::AuditFieldOffer,
        "household" => Msg::AuditFieldHousehold,
        "unit" => Msg::AuditFieldUnit,
        "room" => Msg::AuditFieldRoom,
        "verified" => Msg::AuditFieldVerified,
        "weekday" => Msg::AuditFieldWeekday,
        "part" => Msg::AuditFieldPart,
        "skills" => Msg::AuditFieldSkills,
        "availability" => Msg::AuditFieldAvailability,
        "shares_phone" => Msg::AuditFieldSharesPhone,
        _ => return None,
    })
}

/// A coded value in words: yes/no, statuses, stages, levels, roles, sections, categories.
fn value_msg(action: &str, field: &str, value: &str) -> Option<Msg> {
    use crate::domain::{grid::NodeLevel, order, role::Role, sentiment};
    match (field, value) {
        (_, "true") => return Some(Msg::AuditYes),
        (_, "false") => return Some(Msg::AuditNo),
        _ => {}
    }
    match field {
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
        "category" => sentiment::Category::parse(value).map(super::sentiment::category_label),
        "warning" => sentiment::Warning::parse(value).map(super::sentiment::warning_label),
        "kind" => sentiment::Kind::parse(value).map(|k| match k {
            sentiment::Kind::Report => Msg::AuditKindReport,
            sentiment::Kind::Dispute => Msg::AuditKindDispute,
            sentiment::Kind::Inspection => Msg::AuditKindInspection,
        }),
        "outcome" => crate::server_fns::elders::VisitOutcome::parse(value).map(super::elders::outcome_label),
        "status" if action.contains("nomination") => match value {
            "pending" => Some(Msg::StatusPending),
            "approved" => Some(Msg::StatusApproved),
            "rejected" => Some(Msg::StatusRejected),
            _ => None,
        },
        "status" if action.contains("welfare") => match value {
            "open" => Some(Msg::WelfareStatusOpen),
            "in_progress" => Some(Msg::WelfareStatusInProgress),
            "done" => Some(Msg::AuditWelfareDone),
            _ => None,
        },
        "status" => order::OrderStatus::parse(value).map(crate::i18n::status_label),
        _ => None,
    }
}

/// The lines as CSV in the reader's language: when, who, what (as a sentence and as its
/// code, for filtering in a spreadsheet), where, result, changes and note.
#[cfg(feature = "ssr")]
pub fn audit_csv(lines: &[AuditLine], locale: Locale) -> String {
    use crate::domain::csv::row;
    let m = |msg: Msg| msg.text(locale);
    let mut out = String::from("\u{feff}");
    out += &row(&[
        m(Msg::AuditCsvAt),
        m(Msg::AuditCsvWhat),
        m(Msg::AuditCsvCode),
        m(Msg::Node),
        m(Msg::AuditFieldCode),
        m(Msg::AuditCsvResult),
        m(Msg::AuditCsvChanges),
        m(Msg::AuditCsvNote),
    ]);
    for l in lines {
        let changes = l.changes.iter().map(|c| change_text(&l.action, c, locale)).collect::<Vec<_>>().join("; ");
        out += &row(&[
            l.at.as_str(),
            &sentence(l, locale),
            l.action.as_str(),
            l.node.as_str(),
            l.node_code.as_str(),
            if l.refused { m(Msg::Refused) } else { m(Msg::AuditOk) },
            &changes,
            &detail_text(l, locale).unwrap_or_default(),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(action: &str, actor: Option<&str>, before: Option<&str>, after: Option<&str>) -> AuditLine {
        AuditLine {
            at: "2026-12-06 10:00".into(),
            actor: actor.map(Into::into),
            action: action.into(),
            node: "红领微网格".into(),
            node_code: "01".into(),
            refused: false,
            changes: crate::domain::audit::changes(before, after),
            detail: String::new(),
        }
    }

    #[test]
    fn a_rename_reads_as_a_sentence_in_both_languages() {
        let l = line(
            "rename_node",
            Some("王芳"),
            Some(r#"{"name":"红领微网格","version":1}"#),
            Some(r#"{"name":"红领先锋","version":2}"#),
        );
        assert_eq!(sentence(&l, Locale::Zh), "王芳将「红领微网格」改名");
        assert_eq!(sentence(&l, Locale::En), "王芳 renamed “红领微网格”");
        let changes: Vec<_> = l.changes.iter().map(|c| change_text(&l.action, c, Locale::Zh)).collect();
        assert_eq!(changes, ["名称：红领微网格 → 红领先锋"]);
        assert_eq!(change_text(&l.action, &l.changes[0], Locale::En), "Name: 红领微网格 → 红领先锋");
    }

    #[test]
    fn coded_values_and_missing_actors_are_words() {
        let l = line("request_welfare_check", None, None, None);
        assert_eq!(sentence(&l, Locale::Zh), "未登录的访客请求上门查看「红领微网格」的一位老人");
        let l = line("order_transition", Some("李强"), Some(r#"{"status":"open"}"#), Some(r#"{"status":"taken"}"#));
        assert_eq!(change_text(&l.action, &l.changes[0], Locale::Zh), "状态：待接单 → 已接单");
        let l = line("set_heat_alert", Some("李强"), Some(r#"{"heat_alert":false}"#), Some(r#"{"heat_alert":true}"#));
        assert_eq!(change_text(&l.action, &l.changes[0], Locale::En), "Heat alert: no → yes");
    }

    #[test]
    fn a_refusal_names_its_reason_in_the_readers_language() {
        let mut l = line("merge_node", Some("王芳"), None, None);
        l.refused = true;
        l.detail = "Some(ErrForbidden)".into();
        assert_eq!(detail_text(&l, Locale::Zh).as_deref(), Some("没有权限"));
    }
}
