//! /stars, the ballot: the 志愿服务之星 election of the viewer's area: candidates with their real
//! records, 投票, self-nomination while nominations are open, and the elected after the close.
//! Server HTML: 投票 and 报名 are plain forms that come back to the page, and the election
//! follows live events (`islands::LiveRefresh`), so a watcher sees the tally move.
use crate::components::{action_error, ErrorNotice, FieldMsg, FormMsg, Loading};
use crate::domain::election::Phase;
use crate::domain::ids::ElectionId;
use crate::domain::time::format_local_date;
use crate::dto::{CandidateCard, ElectionView};
use crate::i18n::{count_text, phase_label, section_label, Msg};
use crate::islands::LiveRefresh;
use crate::server_fns::elections::{stars_data, CastVote, Nominate};
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[component]
pub fn StarsPage() -> impl IntoView {
    let query = crate::components::use_query();
    let vote = ServerAction::<CastVote>::new();
    let nominate = ServerAction::<Nominate>::new();
    let error = action_error(vote);
    let nominate_error = Signal::derive(move || nominate.value().get().and_then(|r| r.err()));
    // A self-nomination comes back to `?nominated=1`.
    let nominated = query.read_untracked().get("nominated").is_some();
    let data = Resource::new(
        // A self-nomination reloads the election, which then shows it as 待审核.
        move || {
            let q = query.read();
            (q.get("election").and_then(|e| e.parse::<ElectionId>().ok()), q.get("q"), nominate.version().get())
        },
        |(election, q, _)| stars_data(election, q),
    );
    view! {
        <header class="page-head"><h1>{tr(Msg::StarsTitle)}</h1></header>
        <FormMsg error/>
        {nominated.then(|| view! { <p class="card ok" role="status">{tr(Msg::NominationReceived)}</p> })}
        <div id="live-stars" data-live="election">
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(e)) => view! { <Election e vote nominate nominate_error/> }.into_any(),
                    Ok(None) => view! { <p class="card muted">{tr(Msg::NoElection)}</p> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
        </div>
        <LiveRefresh seq=crate::live::rendered_seq()/>
    }
}

#[component]
fn Election(
    e: ElectionView,
    vote: ServerAction<CastVote>,
    nominate: ServerAction<Nominate>,
    nominate_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let can_vote = e.voting_open && e.may_vote && e.remaining > 0;
    let locale = use_viewer().locale;
    let mine = e.my_votes.clone();
    let id = e.id;
    let closed = matches!(e.phase, Phase::Notice | Phase::Published);
    view! {
        {e.nominating_elsewhere.clone().map(|(other, title, until)| view! {
            <p class="card note nominating-elsewhere">
                <strong>{title}</strong> " " {tr(Msg::NominationsOpenUntil)} " " {until} " "
                <a class="btn primary" href=format!("/stars?election={other}#nominate")>{tr(Msg::NominateSelf)}</a>
            </p>
        })}
        <section class="card">
            <p class="muted">{e.scope_name.clone()} " · " <span class="tag">{tr(phase_label(e.phase))}</span></p>
            <h2>{e.title.clone()}</h2>
            <dl class="facts">
                <dt>{tr(Msg::StarsToElect)}</dt><dd>{e.stars}</dd>
                <dt>{tr(Msg::NominationPeriod)}</dt><dd>{e.nomination_from.clone()} " – " {e.nomination_to.clone()}</dd>
                <dt>{tr(Msg::VotesPerVoter)}</dt><dd>{count_text(locale, e.votes_per_voter, Msg::Votes)}</dd>
                <dt>{tr(Msg::VotingPeriod)}</dt>
                <dd>{format_local_date(e.voting_start)} " – " {format_local_date(e.voting_end - 1)}</dd>
            </dl>
            {(e.may_vote && e.voting_open).then(|| view! {
                <p class="remaining" role="status">{tr(Msg::VotesLeft)} " " {count_text(locale, e.remaining, Msg::Votes)}</p>
            })}
            {e.needs_verification.then(|| view! { <p class="note" role="status">{tr(Msg::VoterUnverifiedHint)}</p> })}
            {(e.tally_hidden && !closed).then(|| view! { <p class="muted">{tr(Msg::TallyAfterClose)}</p> })}
            <p class="muted small">{tr(Msg::TieRule)}</p>
        </section>
        {(!e.elected.is_empty()).then(|| view! {
            <section class="card elected">
                <h2>{tr(Msg::ElectedStars)} " · " {tr(phase_label(e.phase))}</h2>
                <ol>
                    {e.elected.iter().map(|s| view! {
                        <li><strong>{s.name.clone()}</strong> " " <span class="muted">{count_text(locale, s.votes, Msg::Votes)}</span></li>
                    }).collect_view()}
                </ol>
            </section>
        })}
        {e.my_nomination.clone().map(|(status, reason)| {
            let (label, class) = match status.as_str() {
                "approved" => (Msg::MyNominationApproved, "card ok"),
                "rejected" => (Msg::MyNominationRejected, "card note"),
                _ => (Msg::MyNominationPending, "card note"),
            };
            view! {
                <section class=class id="my-nomination" role="status">
                    <h2>{tr(Msg::MyNomination)}</h2>
                    <p><span class="tag">{tr(match status.as_str() {
                        "approved" => Msg::StatusApproved,
                        "rejected" => Msg::StatusRejected,
                        _ => Msg::StatusPending,
                    })}</span> " " {tr(label)}</p>
                    {reason.map(|r| view! { <p class="muted">{tr(Msg::Reason)} ": " {r}</p> })}
                </section>
            }
        })}
        {e.may_nominate.then(|| view! {
            <section class="card" id="nominate">
                <h2>{tr(Msg::NominateSelf)}</h2>
                <p class="hint">{tr(Msg::NominationPeriod)} ": " {e.nomination_from.clone()} " – " {e.nomination_to.clone()}</p>
                <ActionForm action=nominate attr:class="form">
                    <input type="hidden" name="election" value=id.to_string()/>
                    <label for="nominate-intro">{tr(Msg::Intro)}</label>
                    <textarea id="nominate-intro" name="intro" maxlength="500" rows="3"></textarea>
                    <FieldMsg error=nominate_error field="intro"/>
                    <FormMsg error=nominate_error/>
                    <button type="submit" class="btn primary">{tr(Msg::NominateSelf)}</button>
                </ActionForm>
            </section>
        })}
        <h2 class="section-title">{tr(Msg::Candidates)} " (" {e.candidates.len()} ")"</h2>
        <form method="get" action="/stars" class="search" role="search">
            <input type="hidden" name="election" value=id.to_string()/>
            <label for="candidate-search" class="visually-hidden">{tr(Msg::SearchCandidates)}</label>
            <input id="candidate-search" type="search" name="q" value=e.query.clone() maxlength="40"
                placeholder=tr(Msg::SearchCandidates)/>
            <button type="submit" class="btn">{tr(Msg::Search)}</button>
        </form>
        <ul class="candidates">
            {e.candidates.into_iter().map(|c| {
                let voted = mine.contains(&c.nomination_id);
                view! { <Candidate c voted can_vote vote/> }
            }).collect_view()}
        </ul>
        {(!e.others.is_empty()).then(|| view! {
            <section class="card">
                <h2>{tr(Msg::PastElections)}</h2>
                <ul>
                    {e.others.into_iter().map(|(other, title)| view! {
                        <li><a href=format!("/stars?election={other}")>{title}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[component]
fn Candidate(c: CandidateCard, voted: bool, can_vote: bool, vote: ServerAction<CastVote>) -> impl IntoView {
    let id = c.nomination_id.to_string();
    view! {
        <li class="card candidate" id=format!("candidate-{}", c.nomination_id) data-nomination=c.nomination_id.to_string()>
            <div class="candidate-head">
                <h3>{c.name}</h3>
                {c.votes.map(|v| view! { <span class="votes">{count_text(use_viewer().locale, v, Msg::Votes)}</span> })}
            </div>
            <p class="muted">{c.micro_grid.unwrap_or_default()}</p>
            <p>{c.intro}</p>
            <p class="record">
                <span>{format!("{:.1}", c.service_hours)} " " {tr(Msg::Hours)}</span>
                <span>{count_text(use_viewer().locale, c.orders_completed, Msg::Orders)}</span>
                {c.avg_rating.map(|r| view! { <span>{tr(Msg::Rating)} " " {format!("{r:.1}")}</span> })}
            </p>
            <p class="tags">{c.sections.into_iter().map(|s| view! { <span class="tag">{tr(section_label(s))}</span> }).collect_view()}</p>
            {if voted {
                view! { <p class="voted">"✓ " {tr(Msg::Voted)}</p> }.into_any()
            } else if can_vote {
                view! {
                    <ActionForm action=vote>
                        <input type="hidden" name="nomination" value=id/>
                        <button type="submit" class="btn primary">{tr(Msg::Vote)}</button>
                    </ActionForm>
                }.into_any()
            } else {
                ().into_any()
            }}
        </li>
    }
}
