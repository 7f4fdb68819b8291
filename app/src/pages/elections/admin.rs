//! /admin/elections: community and subdistrict admins run 志愿服务之星 elections: define
//! one, open voting, extend the close, nominate and review candidates, see counts (never
//! who voted for whom) and export the tally.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, ErrorPage, FieldMsg, FormMsg, Loading};
use crate::domain::election::Phase;
use crate::dto::ElectionAdminCard;
use crate::i18n::phase_label;
use crate::i18n::Msg;
use crate::live::{use_live, Topic};
use crate::server_fns::elections::{
    elections_admin, CreateElection, DecideNomination, EditElection, ExtendVoting, Nominate, OpenVoting,
};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[island(lazy)]
pub fn ElectionsPage() -> impl IntoView {
    match use_viewer().user {
        None => view! { <ErrorPage status=401/> }.into_any(),
        Some(user) if !user.is_area_admin() => view! { <ErrorPage status=403/> }.into_any(),
        Some(_) => view! { <Elections/> }.into_any(),
    }
}

/// After a successful run of `action`, bumps `refresh` so the page refetches (live
/// events do the same; this covers a browser whose event stream is down).
fn refresh_on_success<S>(action: ServerAction<S>, refresh: RwSignal<u64>)
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            refresh.update(|n| *n += 1);
        }
    });
}

/// The error of an action's last run, whatever it returns.
fn error_of<S>(action: ServerAction<S>) -> Signal<Option<crate::error::AppError>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[component]
fn Elections() -> impl IntoView {
    let live = use_live();
    let create = ServerAction::<CreateElection>::new();
    let refresh = RwSignal::new(0u64);
    let create_error = error_of(create);
    let data = Resource::new(
        move || (live.version(Topic::Election), create.version().get(), refresh.get()),
        |_| elections_admin(),
    );
    view! {
        <header class="page-head"><h1>{tr(Msg::ElectionsAdmin)}</h1></header>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! {
                        <ul class="elections">
                            {view.elections.into_iter().map(|e| view! { <ElectionAdmin e refresh/> }).collect_view()}
                        </ul>
                        <section class="card">
                            <h2>{tr(Msg::NewElection)}</h2>
                            <ActionForm action=create attr:class="form">
                                <label for="el-scope">{tr(Msg::ElectionScope)}</label>
                                <select id="el-scope" name="scope">
                                    {view.scopes.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select>
                                <ElectionFields prefix="el".to_string() values=None error=create_error/>
                                <FormMsg error=create_error/>
                                <button type="submit" class="btn primary">{tr(Msg::NewElection)}</button>
                            </ActionForm>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The fields of an election's definition, empty (new) or filled from `values` (edit).
#[component]
fn ElectionFields(
    prefix: String,
    values: Option<ElectionAdminCard>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let v = values.as_ref();
    let text = |f: fn(&ElectionAdminCard) -> String, default: &str| v.map(f).unwrap_or_else(|| default.to_string());
    let id = |name: &str| format!("{prefix}-{name}");
    let number = |name: &'static str, label: Msg, value: String, min: &'static str| {
        view! {
            <label for=id(name)>{tr(label)}</label>
            <input id=id(name) name=name type="number" min=min max="10000" value=value required/>
            <FieldMsg error field=name/>
        }
    };
    let date = |name: &'static str, label: Msg, value: String| {
        view! {
            <label for=id(name)>{tr(label)}</label>
            <input id=id(name) name=name type="date" value=value required/>
            <FieldMsg error field=name/>
        }
    };
    view! {
        <label for=id("title")>{tr(Msg::ElectionTitle)}</label>
        <input id=id("title") name="title" required minlength="2" maxlength="60" value=text(|e| e.title.clone(), "")/>
        <FieldMsg error field="title"/>
        {number("stars", Msg::StarsCount, text(|e| e.stars.to_string(), "10"), "1")}
        {number("votes_per_voter", Msg::VotesPerVoter, text(|e| e.votes_per_voter.to_string(), "10"), "1")}
        {date("nomination_from", Msg::NominationFrom, text(|e| e.nomination_from.clone(), ""))}
        {date("nomination_to", Msg::NominationTo, text(|e| e.nomination_to.clone(), ""))}
        {date("voting_from", Msg::VotingFrom, text(|e| e.voting_from.clone(), ""))}
        {date("voting_to", Msg::VotingTo, text(|e| e.voting_to.clone(), ""))}
        {date("notice_to", Msg::NoticeTo, text(|e| e.notice_to.clone(), ""))}
        {number("min_service_hours", Msg::MinHours, text(|e| e.min_service_hours.to_string(), "0"), "0")}
        <label class="check">
            <input type="checkbox" name="live_tally" value="on" checked=v.is_none_or(|e| e.live_tally)/>
            {tr(Msg::LiveTally)}
        </label>
    }
}

/// The actions of one election card.
#[derive(Clone, Copy)]
struct Actions {
    open: ServerAction<OpenVoting>,
    extend: ServerAction<ExtendVoting>,
    nominate: ServerAction<Nominate>,
    approve: ServerAction<DecideNomination>,
    reject: ServerAction<DecideNomination>,
    edit: ServerAction<EditElection>,
}

#[component]
fn ElectionAdmin(e: ElectionAdminCard, refresh: RwSignal<u64>) -> impl IntoView {
    // Each card has its own actions, so an error shows on the card it belongs to.
    let actions = Actions {
        open: ServerAction::new(),
        extend: ServerAction::new(),
        nominate: ServerAction::new(),
        approve: ServerAction::new(),
        reject: ServerAction::new(),
        edit: ServerAction::new(),
    };
    refresh_on_success(actions.open, refresh);
    refresh_on_success(actions.extend, refresh);
    refresh_on_success(actions.nominate, refresh);
    refresh_on_success(actions.approve, refresh);
    refresh_on_success(actions.reject, refresh);
    refresh_on_success(actions.edit, refresh);
    let (open_error, extend_error, nominate_error) =
        (error_of(actions.open), error_of(actions.extend), error_of(actions.nominate));
    let (approve_error, reject_error, edit_error) =
        (error_of(actions.approve), error_of(actions.reject), error_of(actions.edit));
    let id = e.id.to_string();
    let version = e.version.to_string();
    let (open_id, open_version, nominate_id) = (id.clone(), version.clone(), id.clone());
    let (edit_id, edit_version, values) = (id.clone(), version.clone(), e.clone());
    let before_voting = matches!(e.phase, Phase::Upcoming | Phase::Nominating | Phase::Preparing);
    let voting = e.phase == Phase::Voting;
    let pending = e.nominations.iter().filter(|n| n.status == "pending").count();
    view! {
        <li class="card election" data-election=e.id.to_string()>
            <p class="muted">{e.scope_name.clone()} " · " <span class="tag">{tr(phase_label(e.phase))}</span></p>
            <h2>{e.title.clone()}</h2>
            <dl class="facts">
                <dt>{tr(Msg::StarsCount)}</dt><dd>{e.stars}</dd>
                <dt>{tr(Msg::VotesPerVoter)}</dt><dd>{e.votes_per_voter}</dd>
                <dt>{tr(Msg::MinHours)}</dt><dd>{e.min_service_hours}</dd>
                <dt>{tr(Msg::NominationFrom)}</dt><dd>{e.nomination_from.clone()} " – " {e.nomination_to.clone()}</dd>
                <dt>{tr(Msg::VotingPeriod)}</dt><dd>{e.voting_from.clone()} " – " {e.voting_to.clone()}</dd>
                <dt>{tr(Msg::NoticeTo)}</dt><dd>{e.notice_to.clone()}</dd>
                <dt>{tr(Msg::VotesCast)}</dt><dd class="votes-cast">{e.votes_cast}</dd>
                <dt>{tr(Msg::Voters)}</dt><dd>{e.voters}</dd>
            </dl>
            // A div: a <p> cannot hold the sheet's <details> and form (the parser would close it
            // early, and the island would not hydrate against that DOM).
            <div class="actions">
                <a class="btn" href=format!("/admin/elections/{}/csv", e.id) download>{tr(Msg::ExportCsv)}</a>
                // Opening is irreversible (settings freeze, nominations close): it asks
                // first, and says how many nominations still wait for a decision.
                {before_voting.then(|| view! {
                    <details class="action-sheet open-voting">
                        <summary class="btn primary">{tr(Msg::OpenVotingNow)}</summary>
                        <ActionForm action=actions.open attr:class="form">
                            <input type="hidden" name="id" value=open_id/>
                            <input type="hidden" name="version" value=open_version/>
                            {(pending > 0).then(|| view! {
                                <p class="warning" role="alert">{tr(Msg::PendingBeforeVoting).replace("{n}", &pending.to_string())}</p>
                            })}
                            <p class="hint">{tr(Msg::OpenVotingHint)}</p>
                            <button type="submit" class="btn primary">{tr(Msg::ConfirmOpenVoting)}</button>
                        </ActionForm>
                    </details>
                })}
            </div>
            <FormMsg error=open_error/>
            {before_voting.then(|| view! {
                <details class="edit">
                    <summary>{tr(Msg::EditElection)}</summary>
                    <ActionForm action=actions.edit attr:class="form">
                        <input type="hidden" name="id" value=edit_id/>
                        <input type="hidden" name="version" value=edit_version/>
                        <ElectionFields prefix=format!("edit-{}", e.id) values=Some(values) error=edit_error/>
                        <FormMsg error=edit_error/>
                        <button type="submit" class="btn primary">{tr(Msg::Save)}</button>
                    </ActionForm>
                </details>
            })}
            {voting.then(|| view! {
                <ActionForm action=actions.extend attr:class="form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="version" value=version/>
                    <label for=format!("extend-{}", e.id)>{tr(Msg::NewClose)}</label>
                    <input id=format!("extend-{}", e.id) name="voting_to" type="date" required/>
                    <FieldMsg error=extend_error field="voting_to"/>
                    <FormMsg error=extend_error/>
                    <button type="submit" class="btn">{tr(Msg::ExtendVoting)}</button>
                </ActionForm>
            })}
            <h3>{tr(Msg::Nominations)} " (" {e.nominations.len()} ")"</h3>
            <ul class="nominations">
                {e.nominations.into_iter().map(|n| {
                    let nid = n.id.to_string();
                    let (approve_id, reject_id, reason_id) = (nid.clone(), nid.clone(), format!("reason-{nid}"));
                    let pending = n.status == "pending";
                    let status = match n.status.as_str() {
                        "approved" => Msg::StatusApproved,
                        "rejected" => Msg::StatusRejected,
                        _ => Msg::StatusPending,
                    };
                    view! {
                        <li class="nomination">
                            <strong>{n.name}</strong> " · " {format!("{:.1}", n.service_hours)} " " {tr(Msg::Hours)}
                            " · " <span class="tag">{tr(status)}</span>
                            {(n.status == "approved").then(|| view! { " · " <span class="votes">{crate::i18n::count_text(use_viewer().locale, n.votes, Msg::Votes)}</span> })}
                            {n.reason.map(|r| view! { <span class="muted">" · " {r}</span> })}
                            {(!n.intro.is_empty()).then(|| view! { <p class="muted">{n.intro}</p> })}
                            {pending.then(|| view! {
                                // Two forms: Enter in the reason box can only reject.
                                <div class="decide">
                                    <ActionForm action=actions.approve attr:class="inline">
                                        <input type="hidden" name="id" value=approve_id/>
                                        <input type="hidden" name="decision" value="approve"/>
                                        <button type="submit" class="btn primary">{tr(Msg::Approve)}</button>
                                    </ActionForm>
                                    <ActionForm action=actions.reject attr:class="inline">
                                        <input type="hidden" name="id" value=reject_id/>
                                        <input type="hidden" name="decision" value="reject"/>
                                        <label class="visually-hidden" for=reason_id.clone()>{tr(Msg::Reason)}</label>
                                        <input id=reason_id name="reason" maxlength="200" required placeholder=tr(Msg::Reason)/>
                                        <button type="submit" class="btn">{tr(Msg::Reject)}</button>
                                    </ActionForm>
                                </div>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FormMsg error=approve_error/>
            <FieldMsg error=reject_error field="reason"/>
            <FormMsg error=reject_error/>
            {before_voting.then(|| view! {
                <ActionForm action=actions.nominate attr:class="form">
                    <input type="hidden" name="election" value=nominate_id/>
                    <label for=format!("nominate-{}", e.id)>{tr(Msg::CandidatePhone)}</label>
                    <input id=format!("nominate-{}", e.id) name="phone" type="tel" inputmode="numeric" maxlength="20" required/>
                    <FieldMsg error=nominate_error field="phone"/>
                    <label for=format!("nominate-intro-{}", e.id)>{tr(Msg::Intro)}</label>
                    <input id=format!("nominate-intro-{}", e.id) name="intro" maxlength="500"/>
                    <FieldMsg error=nominate_error field="intro"/>
                    <FormMsg error=nominate_error/>
                    <button type="submit" class="btn">{tr(Msg::Nominate)}</button>
                </ActionForm>
            })}
        </li>
    }
}
