//! 议事会 (`/council`, `/council/:id`): server HTML with plain forms, so raising,
//! supporting and answering a topic work before the WASM arrives and without JavaScript.
use super::activities::{linked_title, page_title};
use crate::components::{ErrorNotice, FieldMsg, FormMsg, Loading, TextArea};
use crate::domain::activity::Audience;
use crate::domain::council::{Invited, Stage, Support};
use crate::domain::sentiment::Category;
use crate::domain::time::{format_local_date, format_local_datetime};
use crate::dto::{MeetingCard, MinutesView, TopicCard, TopicView};
use crate::error::AppError;
use crate::i18n::{category_label, Msg, ServerMsg};
use crate::server_fns::council::{
    council_data, topic_data, RaiseTopic, ScheduleTopic, ScreenTopic, SignMinutes, SupportTopic, WriteMinutes,
};
use crate::{echoed, tr, words};
use leptos::prelude::*;

fn stage_label(stage: Stage) -> ServerMsg {
    match stage {
        Stage::Collecting => ServerMsg::StageCollecting,
        Stage::Accepted => ServerMsg::StageAccepted,
        Stage::Scheduled => ServerMsg::StageScheduled,
        Stage::Deliberated => ServerMsg::StageDeliberated,
        Stage::Publicised => ServerMsg::StagePublicised,
        Stage::Implementing => ServerMsg::StageImplementing,
        Stage::Reviewed => ServerMsg::StageReviewed,
        Stage::Declined => ServerMsg::StageDeclined,
        Stage::Merged => ServerMsg::StageMerged,
        Stage::Referred => ServerMsg::StageReferred,
    }
}

fn level_label(audience: Audience) -> Msg {
    match audience {
        Audience::MicroGrid => Msg::LevelMicroGrid,
        Audience::Grid => Msg::LevelGrid,
        Audience::Community => Msg::LevelCommunity,
    }
}

/// /council: the topics around the viewer, and the form that raises one.
#[component]
pub fn CouncilPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| council_data());
    let raise = ServerAction::<RaiseTopic>::new();
    let error = Signal::derive(move || raise.value().get().and_then(|r| r.err()));
    view! {
        <leptos_meta::Title text=page_title(ServerMsg::CouncilTitle)/>
        <header class="page-head">
            <h1>{words(ServerMsg::CouncilTitle)}</h1>
        </header>
        <p class="motto">{words(ServerMsg::CouncilMotto)}</p>
        <p class="muted">{words(ServerMsg::CouncilHint)}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! {
                            {if list.raise_for.is_empty() {
                                view! { <p class="card muted">{words(ServerMsg::NoHomeToRaise)}</p> }.into_any()
                            } else {
                                view! {
                                    <section class="card" id="raise">
                                        <h2>{words(ServerMsg::RaiseTopic)}</h2>
                                        <ActionForm action=raise attr:class="form">
                                            <input type="hidden" name="form_key" value=list.form_key.clone()/>
                                            <label for="topic-for">{words(ServerMsg::TopicFor)}</label>
                                            <select id="topic-for" name="audience" required>
                                                {list.raise_for.into_iter().map(|(audience, area)| view! {
                                                    <option value=audience.as_str()>{tr(level_label(audience))} " · " {area}</option>
                                                }).collect_view()}
                                            </select>
                                            <FieldMsg error field="audience"/>
                                            <label for="topic-title">{words(ServerMsg::TopicTitle)}</label>
                                            <input id="topic-title" name="title" maxlength="60" required value=echoed("title").unwrap_or_default()/>
                                            <FieldMsg error field="title"/>
                                            <label for="topic-body">{words(ServerMsg::TopicBody)}</label>
                                            <TextArea text=echoed("body").unwrap_or_default() attr:id="topic-body" attr:name="body" attr:rows="4" attr:maxlength="1000" attr:required=true/>
                                            <FieldMsg error field="body"/>
                                            <FormMsg error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))))/>
                                            <button type="submit" class="btn primary">{words(ServerMsg::RaiseTopic)}</button>
                                        </ActionForm>
                                    </section>
                                }.into_any()
                            }}
                            <p class="card muted" hidden=!list.topics.is_empty()>{words(ServerMsg::NoTopics)}</p>
                            <ul class="orders topics">
                                {list.topics.into_iter().map(|card| view! {
                                    <li class="order-card topic"><TopicFacts card link=true/></li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
        </Suspense>
    }
}

/// A topic's facts: level and area, stage, title, support against its threshold.
#[component]
fn TopicFacts(card: TopicCard, link: bool) -> impl IntoView {
    let title = linked_title(link.then(|| format!("/council/{}", card.id)), card.title);
    let support = match card.support {
        Support::Reached => Some(ServerMsg::SupportReached),
        Support::Missed if card.stage == Stage::Collecting => Some(ServerMsg::SupportMissed),
        _ => None,
    };
    let supporters = words(ServerMsg::Supporters)
        .replace("{n}", &card.supporters.to_string())
        .replace("{m}", &card.threshold.to_string());
    view! {
        <div class="order-meta">
            <span class="tag">{tr(level_label(card.audience))} " · " {card.area}</span>
            <span class=if card.stage.set_aside() { "status muted" } else { "status" }>{words(stage_label(card.stage))}</span>
        </div>
        <p class="order-title">{title}</p>
        <p class="seats">
            {supporters}
            {support.map(|s| view! { " · " <strong>{words(s)}</strong> })}
        </p>
        <p class="muted small">
            <time>{format_local_date(card.raised_at)}</time>
            {(card.stage == Stage::Collecting).then(|| view! {
                " · " {words(ServerMsg::SupportUntil)} " " <time>{format_local_date(card.support_until)}</time>
            })}
        </p>
        {card.overdue.then(|| view! {
            <p class="note warn">{words(if card.escalated { ServerMsg::TopicEscalated } else { ServerMsg::TopicOverdue })}</p>
        })}
    }
}

/// /council/:id: one topic, its support, and for staff of its area the answer.
#[component]
pub fn TopicPage() -> impl IntoView {
    let route_id = crate::components::use_route_id();
    let id = move || route_id.get().and_then(|s| s.parse::<i64>().ok());
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => topic_data(id).await,
            None => Err(AppError::NotFound),
        }
    });
    // Stored text is never written into `<title>`: the page's name is.
    view! {
        <leptos_meta::Title text=page_title(ServerMsg::CouncilTitle)/>
        <p><a href="/council">{words(ServerMsg::CouncilTitle)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <TopicDetail view/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TopicDetail(view: TopicView) -> impl IntoView {
    let support = ServerAction::<SupportTopic>::new();
    let screen = ServerAction::<ScreenTopic>::new();
    let support_error = Signal::derive(move || support.value().get().and_then(|r| r.err()));
    let screen_error = Signal::derive(move || screen.value().get().and_then(|r| r.err()));
    let TopicView {
        card,
        body,
        reason,
        mine,
        may_support,
        may_screen,
        may_schedule,
        version,
        merged_into,
        item,
        merge_targets,
        places,
        meeting,
        meetings,
        minutes,
        may_write_minutes,
        may_sign_minutes,
    } = view;
    let id = card.id.to_string();
    let schedule_form = may_schedule.then(|| view! { <ScheduleForms id=card.id version meetings/> });
    let minutes_card = (minutes.is_some() || may_write_minutes).then(|| {
        view! { <MinutesCard id=card.id version minutes may_write=may_write_minutes may_sign=may_sign_minutes/> }
    });
    let screen_form = may_screen.then(|| {
        view! {
            <ScreenForms id=card.id version screen error=screen_error merge_targets places/>
        }
    });
    view! {
        <section class="card topic">
            <TopicFacts card link=false/>
            <p class="description">{body}</p>
            {reason.map(|r| view! {
                <h2>{words(ServerMsg::DeclineReason)}</h2>
                <p class="description">{r}</p>
            })}
            {merged_into.map(|(into, title)| view! {
                <p class="note">{words(ServerMsg::MergedInto)} <a href=format!("/council/{into}")>{title}</a></p>
            })}
            {meeting.map(|m| view! { <MeetingFacts meeting=m/> })}
            {item.map(|item| view! {
                <p class="note">{words(ServerMsg::ReferredAs)} <a href=format!("/sentiment/{item}")>{words(ServerMsg::ViewItem)}</a></p>
            })}
            <div class="signup" id="support">
                {mine.then(|| view! { <p class="voted" role="status">"✓ " {words(ServerMsg::SupportedByUs)}</p> })}
                <FormMsg error=support_error/>
                {may_support.then(|| view! {
                    <ActionForm action=support>
                        <input type="hidden" name="topic" value=id/>
                        <button type="submit" class="btn primary big">{words(ServerMsg::SupportThis)}</button>
                    </ActionForm>
                })}
            </div>
        </section>
        {minutes_card}
        {screen_form}
        {schedule_form}
    }
}

/// A topic's minutes as written and signed; for staff while unsigned, the form that
/// writes them (again) and, for a chair other than the secretary, the signature.
#[component]
fn MinutesCard(id: i64, version: i64, minutes: Option<MinutesView>, may_write: bool, may_sign: bool) -> impl IntoView {
    let write = ServerAction::<WriteMinutes>::new();
    let sign = ServerAction::<SignMinutes>::new();
    let write_error = Signal::derive(move || write.value().get().and_then(|r| r.err()));
    let sign_error = Signal::derive(move || sign.value().get().and_then(|r| r.err()));
    let fields = ["motion", "votes_for", "votes_against", "abstaining", "decision", "owner", "deadline"];
    let general = Signal::derive(move || write_error.get().filter(|e| fields.iter().all(|f| e.field_msg(f).is_none())));
    let hidden = move || {
        view! {
            <input type="hidden" name="topic" value=id.to_string()/>
            <input type="hidden" name="version" value=version.to_string()/>
        }
    };
    let shown = minutes.clone();
    let prior = move |f: &str| {
        echoed(f)
            .or_else(|| {
                minutes.as_ref().map(|m| match f {
                    "motion" => m.motion.clone(),
                    "decision" => m.decision.clone(),
                    "owner" => m.owner.clone(),
                    "votes_for" => m.votes[0].to_string(),
                    "votes_against" => m.votes[1].to_string(),
                    "abstaining" => m.votes[2].to_string(),
                    _ => format_local_date(m.deadline),
                })
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card" id="minutes">
            <h2>{words(ServerMsg::MinutesTitle)}</h2>
            {shown.map(|m| {
                let votes = words(ServerMsg::MinutesVotes)
                    .replace("{f}", &m.votes[0].to_string())
                    .replace("{a}", &m.votes[1].to_string())
                    .replace("{s}", &m.votes[2].to_string());
                view! {
                    <dl class="facts">
                        <dt>{words(ServerMsg::Motion)}</dt><dd>{m.motion}</dd>
                        <dt>{words(ServerMsg::Decision)}</dt><dd>{m.decision}</dd>
                        <dt>{words(ServerMsg::Votes)}</dt><dd>{votes}</dd>
                        <dt>{words(ServerMsg::DecisionOwner)}</dt><dd>{m.owner}</dd>
                        <dt>{words(ServerMsg::DecisionDeadline)}</dt><dd><time>{format_local_date(m.deadline)}</time></dd>
                    </dl>
                    <p class="muted small">
                        {words(ServerMsg::MinutesBy).replace("{who}", &m.secretary)} " · " <time>{format_local_date(m.written_at)}</time>
                    </p>
                    <p class="small">
                        {match m.chair {
                            Some(chair) => words(ServerMsg::MinutesChair).replace("{who}", &chair),
                            None => words(ServerMsg::MinutesUnsigned).to_string(),
                        }}
                    </p>
                }
            })}
            <FormMsg error=sign_error/>
            {may_sign.then(|| view! {
                <ActionForm action=sign>
                    {hidden()}
                    <button type="submit" class="btn primary">{words(ServerMsg::SignMinutes)}</button>
                </ActionForm>
            })}
            {may_write.then(|| view! {
                <h3>{words(ServerMsg::WriteMinutes)}</h3>
                <p class="muted small">{words(ServerMsg::WriteMinutesHint)}</p>
                <FormMsg error=general/>
                <ActionForm action=write attr:class="form">
                    {hidden()}
                    <label for="motion">{words(ServerMsg::Motion)}</label>
                    <TextArea text=prior("motion") attr:id="motion" attr:name="motion" attr:rows="2" attr:maxlength="500" attr:required=true/>
                    <FieldMsg error=write_error field="motion"/>
                    <div class="votes">
                        {[("votes_for", ServerMsg::VotesFor), ("votes_against", ServerMsg::VotesAgainst), ("abstaining", ServerMsg::Abstaining)]
                            .into_iter()
                            .map(|(f, label)| view! {
                                <label>{words(label)}
                                    <input type="number" name=f min="0" max="500" inputmode="numeric" required value=prior(f)/>
                                </label>
                            })
                            .collect_view()}
                    </div>
                    <FieldMsg error=write_error field="votes_for"/>
                    <label for="decision">{words(ServerMsg::Decision)}</label>
                    <TextArea text=prior("decision") attr:id="decision" attr:name="decision" attr:rows="3" attr:maxlength="1000" attr:required=true/>
                    <FieldMsg error=write_error field="decision"/>
                    <label for="owner">{words(ServerMsg::DecisionOwner)}</label>
                    <input id="owner" name="owner" maxlength="40" required value=prior("owner")/>
                    <FieldMsg error=write_error field="owner"/>
                    <label for="deadline">{words(ServerMsg::DecisionDeadline)}</label>
                    <input id="deadline" type="date" name="deadline" required value=prior("deadline")/>
                    <FieldMsg error=write_error field="deadline"/>
                    <button type="submit" class="btn">{words(ServerMsg::WriteMinutes)}</button>
                </ActionForm>
            })}
        </section>
    }
}

fn invited_label(role: Invited) -> ServerMsg {
    match role {
        Invited::ResidentReps => ServerMsg::InvitedResidentReps,
        Invited::GridStaff => ServerMsg::InvitedGridStaff,
        Invited::PartyMembers => ServerMsg::InvitedPartyMembers,
        Invited::Property => ServerMsg::InvitedProperty,
        Invited::OwnersCommittee => ServerMsg::InvitedOwnersCommittee,
    }
}

/// A meeting: its activity, when and where, and once it has an agenda, its quorum, who is
/// invited and who checked in against the quorum.
#[component]
fn MeetingFacts(meeting: MeetingCard) -> impl IntoView {
    let MeetingCard { activity, title, starts_at, station, quorum, invited, attended, agenda, .. } = meeting;
    let invited = invited.into_iter().map(|r| words(invited_label(r))).collect::<Vec<_>>().join("、");
    view! {
        <div class="meeting">
            <p>
                {words(ServerMsg::StageScheduledAt)}
                <a href=format!("/activities/{activity}")>{title}</a>
            </p>
            <p class="muted small">
                <time>{format_local_datetime(starts_at)}</time> " · " {station}
                {(agenda > 0).then(|| view! { " · " {words(ServerMsg::AgendaCount).replace("{n}", &agenda.to_string())} })}
            </p>
            {quorum.map(|q| view! {
                <p class="small">
                    {words(ServerMsg::MeetingAttendance).replace("{n}", &attended.to_string()).replace("{m}", &q.to_string())}
                    {(attended >= q).then(|| view! { " · " <strong>{words(ServerMsg::QuorumReached)}</strong> })}
                </p>
            })}
            {(!invited.is_empty()).then(|| view! {
                <p class="small">{words(ServerMsg::InvitedRoles)} ": " {invited}</p>
            })}
        </div>
    }
}

/// Staff's scheduling of an accepted topic: one plain form per 议事坊 meeting ahead; a
/// meeting without an agenda yet asks for its quorum and who is invited.
#[component]
fn ScheduleForms(id: i64, version: i64, meetings: Vec<MeetingCard>) -> impl IntoView {
    let schedule = ServerAction::<ScheduleTopic>::new();
    let error = Signal::derive(move || schedule.value().get().and_then(|r| r.err()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_msg("quorum").is_none()));
    view! {
        <section class="card" id="schedule">
            <h2>{words(ServerMsg::ScheduleTitle)}</h2>
            <p class="muted small">{words(ServerMsg::ScheduleHint)}</p>
            <FormMsg error=general/>
            {meetings.is_empty().then(|| view! { <p class="muted">{words(ServerMsg::NoMeetingsAhead)}</p> })}
            {meetings.into_iter().map(|m| {
                let activity = m.activity;
                let new = m.quorum.is_none();
                view! {
                    <ActionForm action=schedule attr:class="form meeting-choice">
                        <input type="hidden" name="topic" value=id.to_string()/>
                        <input type="hidden" name="version" value=version.to_string()/>
                        <input type="hidden" name="meeting" value=activity.to_string()/>
                        <MeetingFacts meeting=m/>
                        {new.then(|| {
                            let quorum_id = format!("quorum-{activity}");
                            view! {
                                <label for=quorum_id.clone()>{words(ServerMsg::Quorum)}</label>
                                <input id=quorum_id type="number" name="quorum" min="1" max="500" inputmode="numeric" required/>
                                <FieldMsg error field="quorum"/>
                                <fieldset class="choice">
                                    <legend>{words(ServerMsg::InvitedRoles)}</legend>
                                    {Invited::ALL.into_iter().map(|r| view! {
                                        <label><input type="checkbox" name="invited[]" value=r.as_str()/> {words(invited_label(r))}</label>
                                    }).collect_view()}
                                </fieldset>
                            }
                        })}
                        <button type="submit" class="btn">{words(ServerMsg::ScheduleHere)}</button>
                    </ActionForm>
                }
            }).collect_view()}
        </section>
    }
}

/// Staff's answers to a topic still collecting: accept or decline it, merge it into
/// another, or send it to the 民情 desk. Three plain forms on one action, so an error
/// shows beside the field it is about.
#[component]
fn ScreenForms(
    id: i64,
    version: i64,
    screen: ServerAction<ScreenTopic>,
    error: Signal<Option<AppError>>,
    merge_targets: Vec<(i64, String)>,
    places: Vec<(crate::domain::ids::NodeId, String)>,
) -> impl IntoView {
    let hidden = move || {
        view! {
            <input type="hidden" name="topic" value=id.to_string()/>
            <input type="hidden" name="version" value=version.to_string()/>
        }
    };
    let general = Signal::derive(move || {
        error.get().filter(|e| ["reason", "into", "place", "category"].iter().all(|f| e.field_msg(f).is_none()))
    });
    view! {
        <section class="card" id="screen">
            <h2>{words(ServerMsg::ScreenTitle)}</h2>
            <FormMsg error=general/>
            <ActionForm action=screen attr:class="form">
                {hidden()}
                <label for="decline-reason">{words(ServerMsg::DeclineReason)}</label>
                <TextArea text=echoed("reason").unwrap_or_default() attr:id="decline-reason" attr:name="reason" attr:rows="3" attr:maxlength="200"/>
                <FieldMsg error field="reason"/>
                <div class="actions">
                    <button type="submit" name="decision" value="accept" class="btn primary">{words(ServerMsg::AcceptTopic)}</button>
                    <button type="submit" name="decision" value="decline" class="btn">{words(ServerMsg::DeclineTopic)}</button>
                </div>
            </ActionForm>
        </section>
        <section class="card" id="merge">
            <h2>{words(ServerMsg::MergeTitle)}</h2>
            <p class="muted small">{words(ServerMsg::MergeHint)}</p>
            {if merge_targets.is_empty() {
                view! { <p class="muted">{words(ServerMsg::NoMergeTargets)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=screen attr:class="form">
                        {hidden()}
                        <label for="merge-into">{words(ServerMsg::MergeInto)}</label>
                        <select id="merge-into" name="into" required>
                            <option value="">{tr(Msg::ErrChooseMergeTopic)}</option>
                            {merge_targets.into_iter().map(|(t, title)| view! {
                                <option value=t.to_string()>"#" {t} " " {title}</option>
                            }).collect_view()}
                        </select>
                        <FieldMsg error field="into"/>
                        <button type="submit" name="decision" value="merge" class="btn">{words(ServerMsg::MergeTopic)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
        <section class="card" id="refer">
            <h2>{words(ServerMsg::ReferTitle)}</h2>
            <p class="muted small">{words(ServerMsg::ReferHint)}</p>
            <ActionForm action=screen attr:class="form">
                {hidden()}
                <label for="refer-category">{tr(Msg::ItemCategory)}</label>
                <select id="refer-category" name="category" required>
                    <option value="">{tr(Msg::ErrChooseCategory)}</option>
                    {Category::ALL.into_iter().filter(|c| *c != Category::Dispute).map(|c| view! {
                        <option value=c.as_str()>{tr(category_label(c))}</option>
                    }).collect_view()}
                </select>
                <FieldMsg error field="category"/>
                <label for="refer-place">{tr(Msg::ItemPlace)}</label>
                <select id="refer-place" name="place" required>
                    <option value="">{tr(Msg::ErrChoosePlace)}</option>
                    {places.into_iter().map(|(p, name)| view! { <option value=p.to_string()>{name}</option> }).collect_view()}
                </select>
                <FieldMsg error field="place"/>
                <button type="submit" name="decision" value="refer" class="btn">{words(ServerMsg::ReferTopic)}</button>
            </ActionForm>
        </section>
    }
}
