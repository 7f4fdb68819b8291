//! /stars, the ballot: the 志愿服务之星 election of the viewer's area: candidates with their real
//! records, 投票, self-nomination while nominations are open, and the elected after the close.
//! Server HTML: 报名 and the search are plain forms. Each candidate's count and 投票 button
//! is an island ([`CandidateVote`]), as is 还可投 N 票 ([`VotesLeft`]): the election's tally
//! frames change the counts in place, and a vote is cast without a page load (a plain form
//! post without JavaScript), so nothing else on the page is ever redrawn: typed text, focus
//! and open sections stay.
use crate::components::{action_error, ErrorNotice, FieldMsg, FormMsg, Loading};
use crate::domain::election::Phase;
use crate::domain::ids::ElectionId;
use crate::domain::time::format_local_date;
use crate::dto::{CandidateCard, ElectionView};
use crate::i18n::{count_text, phase_label, section_label, Msg};
use crate::server_fns::elections::{stars_data, CastVote, Nominate};
use crate::{tr, use_viewer};
use leptos::either::EitherOf3;
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
        <leptos_meta::Title text=crate::page_title(Msg::TabStars)/>
        <header class="page-head"><h1>{tr(Msg::StarsTitle)}</h1></header>
        <FormMsg error/>
        {nominated.then(|| view! { <p class="card ok" role="status">{tr(Msg::NominationReceived)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(e)) => view! { <Election e nominate nominate_error/> }.into_any(),
                    Ok(None) => view! { <p class="card muted">{tr(Msg::NoElection)}</p> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Election(
    e: ElectionView,
    nominate: ServerAction<Nominate>,
    nominate_error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let phase = e.phase;
    let locale = use_viewer().locale;
    let mine = e.my_votes.clone();
    let id = e.id;
    let closed = matches!(e.phase, Phase::Notice | Phase::Published);
    // The ballot's islands apply the frames after the event the counts are as new as.
    let seq = e.seq;
    view! {
        {e.nominating_elsewhere.clone().map(|(other, title, until)| view! {
            <p class="card note nominating-elsewhere">
                <strong>{title}</strong> " " {tr(Msg::NominationsOpenUntil)} " " {until} " "
                <a class="btn primary" href=format!("/stars?election={other}#nominate")>{tr(Msg::NominateSelf)}</a>
            </p>
        })}
        <section class="card">
            <p class="muted">{e.scope_name.clone()} " · " <PhaseTag election=id phase=e.phase remaining=e.remaining seq/></p>
            <h2>{e.title.clone()}</h2>
            <dl class="facts">
                <dt>{tr(Msg::StarsToElect)}</dt><dd>{e.stars}</dd>
                <dt>{tr(Msg::NominationPeriod)}</dt><dd>{e.nomination_from.clone()} " – " {e.nomination_to.clone()}</dd>
                <dt>{tr(Msg::VotesPerVoter)}</dt><dd>{count_text(locale, e.votes_per_voter, Msg::Votes)}</dd>
                <dt>{tr(Msg::VotingPeriod)}</dt>
                <dd>{format_local_date(e.voting_start)} " – " {format_local_date(e.voting_end - 1)}</dd>
            </dl>
            {e.may_vote.then(|| view! { <VotesLeft election=id phase=e.phase remaining=e.remaining seq/> })}
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
                view! { <Candidate c election=id voted may_vote=e.may_vote phase remaining=e.remaining seq/> }
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
fn Candidate(
    c: CandidateCard,
    election: ElectionId,
    voted: bool,
    may_vote: bool,
    phase: Phase,
    remaining: i64,
    seq: u64,
) -> impl IntoView {
    view! {
        <li class="card candidate" id=format!("candidate-{}", c.nomination_id) data-nomination=c.nomination_id.to_string()>
            <div class="candidate-head">
                <h3>{c.name}</h3>
                {c.party_member.then(|| view! { <span class="badge party">{crate::words(crate::i18n::ServerMsg::PartyMember)}</span> })}
            </div>
            <p class="muted">{c.micro_grid.unwrap_or_default()}</p>
            <p>{c.intro}</p>
            <p class="record">
                <span>{format!("{:.1}", c.service_hours)} " " {tr(Msg::Hours)}</span>
                <span>{count_text(use_viewer().locale, c.orders_completed, Msg::Orders)}</span>
                {c.avg_rating.map(|r| view! { <span>{tr(Msg::Rating)} " " {format!("{r:.1}")}</span> })}
            </p>
            <p class="tags">{c.sections.into_iter().map(|s| view! { <span class="tag">{tr(section_label(s))}</span> }).collect_view()}</p>
            <CandidateVote election nomination=c.nomination_id votes=c.votes voted may_vote phase remaining seq/>
        </li>
    }
}

/// The ballot as the browser holds it, one for the page, shared by its islands (they
/// hydrate separately): the election's phase, the votes the viewer has left, the
/// nominations they voted for and each nomination's count (`None` while the tally is
/// hidden). On the server every island gets a fresh one from its own props.
#[derive(Clone, Copy)]
struct Ballot {
    phase: RwSignal<Phase>,
    remaining: RwSignal<i64>,
    mine: RwSignal<Vec<i64>>,
    tally: RwSignal<Vec<(i64, Option<i64>)>>,
}

impl Ballot {
    fn new(phase: Phase, remaining: i64) -> Ballot {
        Ballot {
            phase: RwSignal::new(phase),
            remaining: RwSignal::new(remaining),
            mine: RwSignal::new(Vec::new()),
            tally: RwSignal::new(Vec::new()),
        }
    }

    /// Takes an election's counts: from a tally frame, or from the election loaded again.
    /// A frame carries counts only while they may be shown, so a hidden tally revealed at
    /// the close shows from its first frame on.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn take_counts(&self, counts: &[(i64, i64)]) {
        self.tally.update(|tally| {
            for (nomination, shown) in tally.iter_mut() {
                *shown = Some(counts.iter().find(|(n, _)| n == nomination).map_or(0, |(_, votes)| *votes));
            }
        });
    }

    /// Whether the viewer may cast a vote now.
    fn open(&self) -> bool {
        self.phase.get() == Phase::Voting && self.remaining.get() > 0
    }
}

/// The page's ballot (see [`Ballot`]); in the browser the first island makes it and hears
/// the election's frames for all of them.
fn use_ballot(election: ElectionId, phase: Phase, remaining: i64, seq: u64) -> Ballot {
    #[cfg(feature = "hydrate")]
    {
        thread_local! {
            /// The page's ballot, with the page it belongs to ([`crate::live::page`]).
            static BALLOT: std::cell::RefCell<Option<(u64, Owner, Ballot)>> = const { std::cell::RefCell::new(None) };
        }
        let page = crate::live::page();
        if let Some(ballot) = BALLOT.with(|cell| cell.borrow().as_ref().filter(|(p, ..)| *p == page).map(|(.., b)| *b))
        {
            return ballot;
        }
        // A root of its own, kept for the page's life (as the live versions' one).
        let root = || Owner::new_root(None);
        let owner = Owner::current().map(|current| current.with(root)).unwrap_or_else(root);
        let ballot = owner.with(|| Ballot::new(phase, remaining));
        crate::live::on_frame(seq, move |frame| {
            if frame.reset {
                reload(ballot, election, frame.seq);
            } else if frame.topic == Some(crate::live::Topic::Election) && frame.id == Some(election.get()) {
                if let Some(counts) = &frame.tally {
                    ballot.take_counts(counts);
                }
                // Voting opened or closed: what the viewer may do follows from the election.
                if frame.phase.is_some_and(|p| p != ballot.phase.get_untracked()) {
                    reload(ballot, election, frame.seq);
                }
            }
        });
        BALLOT.with(|cell| *cell.borrow_mut() = Some((page, owner, ballot)));
        ballot
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (election, seq);
        Ballot::new(phase, remaining)
    }
}

/// Loads the election again as JSON after a reset or a change of phase and takes its
/// phase, counts and the viewer's votes.
#[cfg(feature = "hydrate")]
fn reload(ballot: Ballot, election: ElectionId, seen: u64) {
    leptos::task::spawn_local(async move {
        let id = election.to_string();
        let Some(Some(e)) =
            crate::live::fetch_json::<Option<ElectionView>>("/api/stars_data", Some(seen), &[("election", &id)]).await
        else {
            return;
        };
        let counts: Vec<(i64, i64)> = e.candidates.iter().filter_map(|c| Some((c.nomination_id, c.votes?))).collect();
        if !counts.is_empty() {
            ballot.take_counts(&counts);
        }
        ballot.phase.set(e.phase);
        ballot.remaining.set(e.remaining);
        ballot.mine.set(e.my_votes);
    });
}

/// The election's phase (投票中, 公示中, …), as frames change it.
#[island]
pub fn PhaseTag(election: ElectionId, phase: Phase, remaining: i64, seq: u64) -> impl IntoView {
    crate::live::while_shown(move || {
        let ballot = use_ballot(election, phase, remaining, seq);
        view! { <span class="tag">{move || tr(phase_label(ballot.phase.get()))}</span> }
    })
}

/// 还可投 N 票 while voting is open, as the viewer's votes change it.
#[island]
pub fn VotesLeft(election: ElectionId, phase: Phase, remaining: i64, seq: u64) -> impl IntoView {
    crate::live::while_shown(move || {
        let locale = use_viewer().locale;
        let ballot = use_ballot(election, phase, remaining, seq);
        view! {
            <p class="remaining" role="status" hidden=move || ballot.phase.get() != Phase::Voting>
                {tr(Msg::VotesLeft)} " " {move || count_text(locale, ballot.remaining.get(), Msg::Votes)}
            </p>
        }
    })
}

/// A candidate's count (when the tally is shown) and 投票 button, or ✓已投. Voting posts the
/// form without leaving the page; a refusal (quota, closed, limit) posts it the plain way,
/// so the page comes back with the server's message, as without JavaScript.
#[island]
pub fn CandidateVote(
    election: ElectionId,
    nomination: i64,
    votes: Option<i64>,
    voted: bool,
    may_vote: bool,
    phase: Phase,
    remaining: i64,
    seq: u64,
) -> impl IntoView {
    crate::live::while_shown(move || {
        let locale = use_viewer().locale;
        let ballot = use_ballot(election, phase, remaining, seq);
        ballot.tally.update_untracked(|tally| tally.push((nomination, votes)));
        if voted {
            ballot.mine.update_untracked(|mine| mine.push(nomination));
        }
        let count =
            Memo::new(move |_| ballot.tally.read().iter().find(|(n, _)| *n == nomination).and_then(|(_, v)| *v));
        let is_mine = Memo::new(move |_| ballot.mine.read().contains(&nomination));
        let form = NodeRef::<leptos::html::Form>::new();
        let cast = move |ev: leptos::ev::SubmitEvent| {
            #[cfg(feature = "hydrate")]
            {
                ev.prevent_default();
                leptos::task::spawn_local(async move {
                    let id = nomination.to_string();
                    match crate::live::fetch_json::<()>("/api/cast_vote", None, &[("nomination", &id)]).await {
                        Some(()) => {
                            ballot.mine.update(|mine| mine.push(nomination));
                            ballot.remaining.update(|n| *n = (*n - 1).max(0));
                            ballot.tally.update(|tally| {
                                if let Some((_, Some(votes))) = tally.iter_mut().find(|(n, _)| *n == nomination) {
                                    *votes += 1;
                                }
                            });
                        }
                        None => {
                            if let Some(form) = form.get_untracked() {
                                let _ = form.submit();
                            }
                        }
                    }
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = ev;
        };
        view! {
            <div class="candidate-vote">
                {move || count.get().map(|v| view! { <span class="votes">{count_text(locale, v, Msg::Votes)}</span> })}
                // Static branches, not `AnyView` (which would ship server rendering code).
                {move || if is_mine.get() {
                    EitherOf3::A(view! { <p class="voted">"✓ " {tr(Msg::Voted)}</p> })
                } else if may_vote && ballot.open() {
                    EitherOf3::B(view! {
                        <form method="post" action="/api/cast_vote" node_ref=form on:submit=cast>
                            <input type="hidden" name="nomination" value=nomination.to_string()/>
                            <button type="submit" class="btn primary">{tr(Msg::Vote)}</button>
                        </form>
                    })
                } else {
                    EitherOf3::C(())
                }}
            </div>
        }
    })
}
