//! 议事会: residents raise 议题 for where they live, households support them (附议, one
//! each), and staff of the area screen them: accept them for deliberation, decline them
//! with a reason everyone can read, merge them or send a repair to the 民情 desk. Accepted
//! topics go on a 议事坊 meeting's agenda; after it, minutes are written and signed.
// `screen_topic` and `write_minutes` take one argument per form field.
#![allow(clippy::too_many_arguments)]
use crate::dto::{CouncilView, TopicView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::activities::may_see,
    super::ctx,
    super::write::{Act, Writer},
    crate::domain::activity::Audience,
    crate::domain::audit::Action,
    crate::domain::council::{self, Invited, MinutesRefusal, Screening, Stage},
    crate::domain::grid::{ancestor_code, is_within},
    crate::domain::ids::NodeId,
    crate::domain::notice::Notice,
    crate::domain::sentiment::{Category, Kind, Stage as SentimentStage},
    crate::dto::{MeetingCard, MinutesView, TopicCard},
    crate::i18n::Msg,
    crate::live::Topic,
    crate::repo::{
        accounts_repo, audit_repo::AuditEntry, council_repo, form_keys_repo, grid_repo, notices_repo, sentiment_repo,
    },
    crate::session::SessionUser,
};

/// How many topics the list shows.
#[cfg(feature = "ssr")]
const LISTED: i64 = 100;

#[cfg(feature = "ssr")]
fn card(row: &council_repo::TopicRow, now: i64) -> TopicCard {
    let stage = Stage::parse(&row.stage).unwrap_or(Stage::Collecting);
    TopicCard {
        id: row.id,
        audience: Audience::parse(&row.audience).unwrap_or(Audience::Community),
        area: row.area.clone(),
        title: row.title.clone(),
        stage,
        support: council::support(row.supporters, row.threshold, row.support_until, now),
        supporters: row.supporters,
        threshold: row.threshold,
        raised_at: row.raised_at,
        support_until: row.support_until,
        overdue: council::overdue(stage, row.raised_at, now),
        escalated: row.escalated_at.is_some() && stage == Stage::Collecting,
    }
}

/// How many topics and places the screening form offers.
#[cfg(feature = "ssr")]
const CHOICES: i64 = 200;

/// The user's household and home micro-grid's code, when they have them.
#[cfg(feature = "ssr")]
async fn home_of(
    conn: &mut sqlx::SqliteConnection,
    user: &SessionUser,
) -> Result<(Option<i64>, Option<String>), AppError> {
    Ok(match council_repo::home_of(conn, user.person_id).await? {
        Some((household, code)) => (household, Some(code)),
        None => (None, None),
    })
}

/// 议事会: the topics around where the viewer lives and inside the area they work for, and
/// the areas they may raise one for.
#[server(endpoint = "council_data")]
pub async fn council_data() -> Result<CouncilView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut conn = state.pool.acquire().await?;
    let (household, home) = home_of(&mut conn, &user).await?;
    let scope = user.widest_staff_scope().map(|r| r.node_code.clone());
    let rows = council_repo::topics_for(&state.pool, household, home.as_deref(), scope.as_deref(), LISTED).await?;
    let now = crate::repo::now();
    let mut raise_for = Vec::new();
    if let Some(home) = home.as_deref() {
        for audience in Audience::ALL {
            if let Some(code) = ancestor_code(home, audience.level()) {
                if let Some((_, name)) = grid_repo::node_by_code(&mut conn, code).await? {
                    raise_for.push((audience, name));
                }
            }
        }
    }
    Ok(CouncilView { topics: rows.iter().map(|r| card(r, now)).collect(), raise_for, form_key: ctx::new_form_key() })
}

/// One topic. One outside the viewer's reach is not found, as one that does not exist.
#[server(endpoint = "topic_data")]
pub async fn topic_data(id: i64) -> Result<TopicView, AppError> {
    let state = ctx::state()?;
    let user = ctx::require_user()?;
    let mut conn = state.pool.acquire().await?;
    let (household, home) = home_of(&mut conn, &user).await?;
    let row = council_repo::topic(&mut conn, household, id).await?.ok_or(AppError::NotFound)?;
    if !may_see(&user, home.as_deref(), &row.code) {
        return Err(AppError::NotFound);
    }
    let now = crate::repo::now();
    let card = card(&row, now);
    let lives_there = home.as_deref().is_some_and(|h| is_within(h, &row.code));
    let may_screen = user.staff_scope_covers(&row.code) && card.stage == Stage::Collecting;
    let merged_into = match row.merged_into {
        Some(into) => council_repo::topic(&mut conn, None, into).await?.map(|t| (t.id, t.title)),
        None => None,
    };
    let meeting = match row.meeting_id {
        Some(activity) => council_repo::meeting(&mut conn, activity).await?.map(meeting_card),
        None => None,
    };
    let may_schedule = user.staff_scope_covers(&row.code) && card.stage == Stage::Accepted;
    let meetings = if may_schedule {
        let ahead = council_repo::meetings_ahead(&state.pool, &row.code, now, MEETINGS_AHEAD).await?;
        ahead.into_iter().map(meeting_card).collect()
    } else {
        Vec::new()
    };
    // Only a topic put on a meeting has minutes.
    let minutes_row = match row.meeting_id {
        Some(_) => council_repo::minutes(&mut conn, row.id).await?,
        None => None,
    };
    let staff_while_scheduled = user.staff_scope_covers(&row.code) && card.stage == Stage::Scheduled;
    let may_write_minutes = staff_while_scheduled && minutes_row.as_ref().is_none_or(|m| m.signed_at.is_none());
    let may_sign_minutes = staff_while_scheduled
        && minutes_row.as_ref().is_some_and(|m| m.signed_at.is_none() && m.secretary_id != user.account_id);
    let minutes = minutes_row.map(|m| MinutesView {
        motion: m.motion,
        votes: [m.votes_for, m.votes_against, m.abstaining],
        decision: m.decision,
        owner: m.owner,
        deadline: m.deadline,
        secretary: m.secretary,
        written_at: m.written_at,
        chair: m.chair,
        signed_at: m.signed_at,
    });
    let (merge_targets, places) = if may_screen {
        (
            council_repo::merge_targets(&state.pool, &row.code, row.id, CHOICES).await?,
            sentiment_repo::places_in(&state.pool, &row.code, CHOICES).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(TopicView {
        body: row.body.clone(),
        reason: row.reason.clone(),
        mine: row.mine,
        may_support: lives_there
            && household.is_some()
            && !row.mine
            && council::may_support(card.stage, row.support_until, now),
        may_screen,
        may_schedule,
        version: row.version,
        merged_into,
        item: row.item_id,
        merge_targets,
        places,
        meeting,
        meetings,
        minutes,
        may_write_minutes,
        may_sign_minutes,
        card,
    })
}

/// How many meetings ahead the scheduling form offers.
#[cfg(feature = "ssr")]
const MEETINGS_AHEAD: i64 = 6;

#[cfg(feature = "ssr")]
fn meeting_card(m: council_repo::MeetingRow) -> MeetingCard {
    MeetingCard {
        activity: m.activity_id,
        title: m.title,
        starts_at: m.starts_at,
        station: m.station,
        quorum: m.quorum,
        invited: m.invited.as_deref().unwrap_or_default().split(',').filter_map(Invited::parse).collect(),
        attended: m.attended,
        agenda: m.agenda,
    }
}

/// Raises a topic for the raiser's micro-grid, grid or community (`audience`); their own
/// household supports it at once. Its threshold is fixed from how many households live
/// there. A form sent twice (`form_key`) raises one topic.
#[server(endpoint = "raise_topic")]
pub async fn raise_topic(
    audience: String,
    title: String,
    body: String,
    #[server(default)] form_key: String,
) -> Result<i64, AppError> {
    let (w, user) = Writer::signed_in()?;
    let audience = Audience::parse(&audience).ok_or_else(|| AppError::field("audience", Msg::ErrActivityAudience));
    let title = ctx::required_text(&title, "title", council::TITLE_CHARS);
    let body = ctx::required_text(&body, "body", council::BODY_CHARS);
    let mut problems = AppError::field_errors(&[&title, &body]);
    problems.extend(AppError::field_errors(&[&audience]));
    let (Ok(audience), Ok(title), Ok(body)) = (audience, title, body) else {
        return Err(AppError::Invalid(problems));
    };
    let form_key = ctx::form_key(&form_key)?;
    let id = w
        .run(Act::new(Action::RaiseTopic, "council_topic"), async |tx, out| {
            if let Some(id) = form_keys_repo::seen(tx, "raise_topic", user.account_id, form_key.as_ref()).await? {
                return Ok(id);
            }
            // Only where one lives: someone with no home has nowhere to raise one for.
            let (household, home) = council_repo::home_of(tx, user.person_id).await?.ok_or(AppError::Forbidden)?;
            let code = ancestor_code(&home, audience.level()).ok_or(AppError::Forbidden)?.to_string();
            let (node, _) = grid_repo::node_by_code(tx, &code).await?.ok_or(AppError::NotFound)?;
            let households = council_repo::households_in(tx, &code).await?;
            let topic = council_repo::NewTopic {
                node,
                audience: audience.as_str(),
                title: &title,
                body: &body,
                raised_by: user.person_id,
                raised_at: out.now,
                support_until: out.now + council::SUPPORT_DAYS * 86_400,
                threshold: council::threshold(audience, households),
            };
            let id = council_repo::insert_topic(tx, &topic).await?;
            if let Some(household) = household {
                council_repo::support(tx, id, household, user.person_id, out.now).await?;
            }
            form_keys_repo::remember(tx, "raise_topic", user.account_id, form_key.as_ref(), id, out.now).await?;
            out.audit(AuditEntry {
                object_id: Some(id),
                node_id: Some(node),
                after_json: Some(
                    serde_json::json!({ "title": title, "audience": audience.as_str(), "threshold": topic.threshold })
                        .to_string(),
                ),
                ..AuditEntry::of(Action::RaiseTopic, "council_topic")
            });
            Ok(id)
        })
        .await?;
    ctx::redirect_form(&format!("/council/{id}"));
    Ok(id)
}

/// 附议: the viewer's household supports a topic of where they live, once, while it
/// collects. Another of the household supporting it too is told it already counts.
#[server(endpoint = "support_topic")]
pub async fn support_topic(topic: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::SupportTopic, "council_topic").on(topic), async |tx, out| {
        let (household, home) = home_of(tx, &user).await?;
        let row = council_repo::topic(tx, household, topic).await?.ok_or(AppError::NotFound)?;
        if !may_see(&user, home.as_deref(), &row.code) {
            return Err(AppError::NotFound);
        }
        // Staff who work there but live elsewhere have no household there to count.
        if !home.as_deref().is_some_and(|h| is_within(h, &row.code)) {
            return Err(AppError::Forbidden);
        }
        let household = household.ok_or(AppError::Conflict(Msg::ErrSupportUnverified))?;
        let stage = Stage::parse(&row.stage).unwrap_or(Stage::Collecting);
        if !council::may_support(stage, row.support_until, out.now) {
            return Err(AppError::Conflict(Msg::ErrSupportClosed));
        }
        if !council_repo::support(tx, topic, household, user.person_id, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrAlreadySupported));
        }
        out.audit(AuditEntry {
            object_id: Some(topic),
            node_id: Some(row.node_id),
            after_json: Some(serde_json::json!({ "household": household }).to_string()),
            ..AuditEntry::of(Action::SupportTopic, "council_topic")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("support", None);
    Ok(())
}

/// Staff of the topic's area answer it, on the version they saw, once: `accept` (已受理);
/// `decline` (未采纳) with a reason everyone can read; `merge` it `into` another topic of its
/// area or one around it, whose support its households then count toward; or `refer` it
/// into the 民情 loop as an item of `category` at `place`, reported by the raiser. The
/// raiser is told the answer, and a merged topic's supporters where their support went.
#[server(endpoint = "screen_topic")]
pub async fn screen_topic(
    topic: i64,
    decision: String,
    #[server(default)] reason: String,
    version: i64,
    #[server(default)] into: i64,
    #[server(default)] place: i64,
    #[server(default)] category: String,
) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let decision = Screening::parse(&decision).ok_or(AppError::BadRequest)?;
    let reason = match decision {
        Screening::Decline if reason.trim().is_empty() => {
            return Err(AppError::field("reason", Msg::ErrReasonRequired));
        }
        Screening::Decline => Some(ctx::required_text(&reason, "reason", council::REASON_CHARS)?),
        _ => None,
    };
    let category = match decision {
        // A dispute between neighbours is recorded with its parties on the 民情 form.
        Screening::Refer => Some(
            Category::parse(&category)
                .filter(|c| *c != Category::Dispute)
                .ok_or_else(|| AppError::field("category", Msg::ErrChooseCategory))?,
        ),
        _ => None,
    };
    if decision == Screening::Merge && into <= 0 {
        return Err(AppError::field("into", Msg::ErrChooseMergeTopic));
    }
    if decision == Screening::Refer && place <= 0 {
        return Err(AppError::field("place", Msg::ErrChoosePlace));
    }
    w.run(Act::new(Action::ScreenTopic, "council_topic").on(topic), async |tx, out| {
        let row = council_repo::topic(tx, None, topic).await?.ok_or(AppError::NotFound)?;
        if !user.staff_scope_covers(&row.code) {
            return Err(AppError::Forbidden);
        }
        let stage = decision.stage();
        let merged_into = match decision {
            Screening::Merge => {
                let target = council_repo::topic(tx, None, into).await?;
                let fits = target.as_ref().is_some_and(|t| {
                    let target_stage = Stage::parse(&t.stage).unwrap_or(Stage::Declined);
                    council::may_merge(topic, &row.code, t.id, &t.code, target_stage)
                });
                if !fits {
                    return Err(AppError::field("into", Msg::ErrChooseMergeTopic));
                }
                Some(into)
            }
            _ => None,
        };
        let item = match category {
            Some(category) => Some(refer(tx, &user, &row, category, NodeId(place), out.now).await?),
            None => None,
        };
        let answer = council_repo::Answer { stage: stage.as_str(), reason: reason.as_deref(), merged_into, item };
        if !council_repo::screen(tx, topic, version, answer, user.account_id, out.now).await? {
            return Err(AppError::Conflict(Msg::ErrTopicChanged));
        }
        let title = row.title.clone();
        let to_raiser = match decision {
            Screening::Accept => Some(Notice::TopicAccepted { topic, title }),
            Screening::Decline => Some(Notice::TopicDeclined { topic, title }),
            Screening::Refer => item.map(|item| Notice::TopicReferred { topic, item, title }),
            // Its supporters, the raiser's household among them, are told below.
            Screening::Merge => None,
        };
        if let (Some(notice), Some(raiser)) = (to_raiser, row.raised_by) {
            notices_repo::notify_person(tx, raiser, &notice).await?;
        }
        let mut moved = None;
        if let Some(into) = merged_into {
            moved = Some(council_repo::move_supports(tx, topic, into).await?);
            let notice = Notice::TopicMerged { topic: into, title: row.title.clone() };
            let supporters = council_repo::supporter_accounts(tx, topic).await?;
            notices_repo::notify(tx, &supporters, &notice).await?;
        }
        if let Some(item) = item {
            out.publish(Topic::Sentiment, Some(item));
        }
        out.audit(AuditEntry {
            object_id: Some(topic),
            node_id: Some(row.node_id),
            before_json: Some(serde_json::json!({ "stage": row.stage }).to_string()),
            after_json: Some(
                serde_json::json!({
                    "stage": stage.as_str(), "reason": reason, "merged_into": merged_into,
                    "households_moved": moved, "item": item,
                })
                .to_string(),
            ),
            ..AuditEntry::of(Action::ScreenTopic, "council_topic")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("screen", None);
    Ok(())
}

/// 安排议事: staff of its area put an accepted topic on the agenda of a 议事坊 meeting ahead
/// (`meeting`, an activity of kind 议事 of its area or one around it), on the version they
/// saw. The first topic scheduled to a meeting sets its `quorum` and the roles `invited`;
/// later ones join the agenda as it is. The topic's supporters are told.
#[server(endpoint = "schedule_topic")]
pub async fn schedule_topic(
    topic: i64,
    version: i64,
    meeting: i64,
    #[server(default)] quorum: String,
    #[server(default)] invited: Vec<String>,
) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    if invited.len() > Invited::ALL.len() {
        return Err(AppError::BadRequest);
    }
    let invited =
        invited.iter().map(|r| Invited::parse(r).ok_or(AppError::BadRequest)).collect::<Result<Vec<_>, _>>()?;
    let invited: Vec<&str> = invited.into_iter().map(Invited::as_str).collect();
    // Read only when the meeting is new; a wrong one then is named beside its field.
    let quorum = quorum.trim().parse::<i64>().ok().filter(|q| (1..=council::MAX_QUORUM).contains(q));
    w.run(Act::new(Action::ScheduleTopic, "council_topic").on(topic), async |tx, out| {
        let row = council_repo::topic(tx, None, topic).await?.ok_or(AppError::NotFound)?;
        if !user.staff_scope_covers(&row.code) {
            return Err(AppError::Forbidden);
        }
        let found = council_repo::meeting(tx, meeting)
            .await?
            .filter(|m| is_within(&row.code, &m.code) && m.starts_at > out.now)
            .ok_or_else(|| AppError::field("meeting", Msg::ErrChooseMeeting))?;
        let stage = Stage::parse(&row.stage).unwrap_or(Stage::Collecting);
        if !council::may_schedule(stage, found.starts_at, out.now) {
            return Err(AppError::Conflict(Msg::ErrTopicChanged));
        }
        if found.quorum.is_none() {
            let quorum = quorum.ok_or_else(|| AppError::field("quorum", Msg::ErrQuorum))?;
            council_repo::make_meeting(tx, meeting, quorum, &invited, user.account_id, out.now).await?;
        }
        if !council_repo::schedule(tx, topic, version, meeting).await? {
            return Err(AppError::Conflict(Msg::ErrTopicChanged));
        }
        let notice = Notice::TopicScheduled { topic, title: row.title.clone() };
        let supporters = council_repo::supporter_accounts(tx, topic).await?;
        notices_repo::notify(tx, &supporters, &notice).await?;
        out.audit(AuditEntry {
            object_id: Some(topic),
            node_id: Some(row.node_id),
            before_json: Some(serde_json::json!({ "stage": row.stage }).to_string()),
            after_json: Some(
                serde_json::json!({ "stage": "scheduled", "meeting": meeting, "meeting_area": found.code }).to_string(),
            ),
            ..AuditEntry::of(Action::ScheduleTopic, "council_topic")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("schedule", None);
    Ok(())
}

/// 会议纪要: after the meeting, the secretary (staff of the topic's area) writes a scheduled
/// topic's minutes: the motion, the hands for, against and abstaining, the decision, who
/// carries it out and by when (`deadline`, a date). Only once its meeting has begun and the
/// quorum checked in, with no more hands than were there; on the version they saw. Unsigned
/// minutes may be written again.
#[server(endpoint = "write_minutes")]
pub async fn write_minutes(
    topic: i64,
    version: i64,
    motion: String,
    votes_for: String,
    votes_against: String,
    abstaining: String,
    decision: String,
    owner: String,
    deadline: String,
) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    let count = |text: &str, field: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=council::MAX_QUORUM).contains(n))
            .ok_or_else(|| AppError::field(field, Msg::ErrNumberRange))
    };
    let (votes_for, votes_against, abstaining) =
        (count(&votes_for, "votes_for"), count(&votes_against, "votes_against"), count(&abstaining, "abstaining"));
    let motion = ctx::required_text(&motion, "motion", council::MOTION_CHARS);
    let decision = ctx::required_text(&decision, "decision", council::DECISION_CHARS);
    let owner = ctx::required_text(&owner, "owner", council::OWNER_CHARS);
    let deadline = crate::domain::time::parse_local_date(deadline.trim())
        .ok_or_else(|| AppError::field("deadline", Msg::ErrBadDate));
    let mut problems = AppError::field_errors(&[&motion, &decision, &owner]);
    problems.extend(AppError::field_errors(&[&votes_for, &votes_against, &abstaining, &deadline]));
    let (Ok(motion), Ok(decision), Ok(owner), Ok(votes_for), Ok(votes_against), Ok(abstaining), Ok(deadline)) =
        (motion, decision, owner, votes_for, votes_against, abstaining, deadline)
    else {
        return Err(AppError::Invalid(problems));
    };
    let votes = [votes_for, votes_against, abstaining];
    w.run(Act::new(Action::WriteMinutes, "council_topic").on(topic), async |tx, out| {
        let row = council_repo::topic(tx, None, topic).await?.ok_or(AppError::NotFound)?;
        if !user.staff_scope_covers(&row.code) {
            return Err(AppError::Forbidden);
        }
        let meeting = match (Stage::parse(&row.stage), row.meeting_id) {
            (Some(Stage::Scheduled), Some(meeting)) => council_repo::meeting(tx, meeting).await?,
            _ => None,
        };
        let meeting = meeting.ok_or(AppError::Conflict(Msg::ErrTopicChanged))?;
        let quorum = meeting.quorum.unwrap_or(1);
        match council::minutes_refusal(meeting.starts_at, out.now, meeting.attended, quorum, votes) {
            Some(MinutesRefusal::NotBegun) => return Err(AppError::Conflict(Msg::ErrMeetingNotBegun)),
            Some(MinutesRefusal::NoQuorum) => return Err(AppError::Conflict(Msg::ErrNoQuorum)),
            Some(MinutesRefusal::TooManyVotes) => return Err(AppError::field("votes_for", Msg::ErrTooManyVotes)),
            None => {}
        }
        let minutes = council_repo::NewMinutes { motion: &motion, votes, decision: &decision, owner: &owner, deadline };
        if !council_repo::advance(tx, topic, version, "scheduled", "scheduled").await?
            || !council_repo::write_minutes(tx, topic, &minutes, user.account_id, out.now).await?
        {
            return Err(AppError::Conflict(Msg::ErrTopicChanged));
        }
        out.audit(AuditEntry {
            object_id: Some(topic),
            node_id: Some(row.node_id),
            after_json: Some(
                serde_json::json!({
                    "motion": motion, "votes": votes, "decision": decision, "owner": owner, "deadline": deadline,
                })
                .to_string(),
            ),
            ..AuditEntry::of(Action::WriteMinutes, "council_topic")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("minutes", None);
    Ok(())
}

/// The chair (staff of the topic's area other than the secretary) signs its minutes, on
/// the version they read; the topic moves to 已协商 and its minutes are not rewritten.
#[server(endpoint = "sign_minutes")]
pub async fn sign_minutes(topic: i64, version: i64) -> Result<(), AppError> {
    let (w, user) = Writer::signed_in()?;
    w.run(Act::new(Action::SignMinutes, "council_topic").on(topic), async |tx, out| {
        let row = council_repo::topic(tx, None, topic).await?.ok_or(AppError::NotFound)?;
        if !user.staff_scope_covers(&row.code) {
            return Err(AppError::Forbidden);
        }
        let minutes = council_repo::minutes(tx, topic).await?.ok_or(AppError::Conflict(Msg::ErrTopicChanged))?;
        if minutes.secretary_id == user.account_id {
            return Err(AppError::Conflict(Msg::ErrChairNotSecretary));
        }
        if !council_repo::advance(tx, topic, version, "scheduled", "deliberated").await?
            || !council_repo::sign_minutes(tx, topic, user.account_id, out.now).await?
        {
            return Err(AppError::Conflict(Msg::ErrTopicChanged));
        }
        out.audit(AuditEntry {
            object_id: Some(topic),
            node_id: Some(row.node_id),
            before_json: Some(serde_json::json!({ "stage": row.stage }).to_string()),
            after_json: Some(serde_json::json!({ "stage": "deliberated", "signed": true }).to_string()),
            ..AuditEntry::of(Action::SignMinutes, "council_topic")
        });
        Ok(())
    })
    .await?;
    ctx::redirect_back("minutes", None);
    Ok(())
}

/// 转民情: the topic becomes a 民情 item of `category` at `place` (a building or unit of the
/// topic's area), reported by the raiser when they still have an account, so they are
/// asked to confirm the fix; its deadlines start now.
#[cfg(feature = "ssr")]
async fn refer(
    tx: &mut sqlx::SqliteConnection,
    user: &SessionUser,
    row: &council_repo::TopicRow,
    category: Category,
    place: NodeId,
    now: i64,
) -> Result<i64, AppError> {
    let place = sentiment_repo::place(tx, place)
        .await?
        .filter(|p| is_within(&p.micro_grid_code, &row.code))
        .ok_or_else(|| AppError::field("place", Msg::ErrChoosePlace))?;
    let raiser = match row.raised_by {
        Some(person) => accounts_repo::account_of(tx, person).await?,
        None => None,
    };
    let description = format!("{}：{}", row.title, row.body);
    let item = sentiment_repo::NewItem {
        kind: Kind::Report,
        category,
        place: &place,
        place_note: "",
        description: &description,
        reporter_id: Some(raiser.unwrap_or(user.account_id)),
        stage: SentimentStage::Reported,
        source: "app",
        parties: &[],
        checks: &[],
        now,
    };
    Ok(sentiment_repo::insert(tx, &item, Some(user.account_id)).await?)
}
