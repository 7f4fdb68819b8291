//! /stars: the running 志愿服务之星 election and its candidates' real records.
use crate::components::{action_error, ErrorNotice, FormMsg, Loading};
use crate::i18n::{section_label, Msg};
use crate::live::{use_live, Topic};
use crate::server_fns::pages::stars_data;
use crate::server_fns::votes::CastVote;
use crate::tr;
use leptos::prelude::*;

#[component]
pub fn StarsPage() -> impl IntoView {
    let live = use_live();
    let vote = ServerAction::<CastVote>::new();
    let error = action_error(vote);
    let data = Resource::new(move || (live.version(Topic::Election), vote.version().get()), |_| stars_data());
    view! {
        <header class="page-head"><h1>{tr(Msg::StarsTitle)}</h1></header>
        <FormMsg error/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(e)) => {
                        let can_vote = e.voting_open && e.may_vote && e.remaining > 0;
                        let mine = e.my_votes.clone();
                        view! {
                        <section class="card">
                            <h2>{e.title}</h2>
                            <p class="muted">{e.scope_name}</p>
                            <dl class="facts">
                                <dt>{tr(Msg::StarsToElect)}</dt><dd>{e.stars}</dd>
                                <dt>{tr(Msg::VotesPerVoter)}</dt><dd>{e.votes_per_voter} " " {tr(Msg::Votes)}</dd>
                            </dl>
                            {e.may_vote.then(|| view! { <p class="remaining" role="status">{tr(Msg::VotesLeft)} " " {e.remaining} " " {tr(Msg::Votes)}</p> })}
                        </section>
                        <h2 class="section-title">{tr(Msg::Candidates)} " (" {e.candidates.len()} ")"</h2>
                        <ul class="candidates">
                            {e.candidates.into_iter().map(|c| {
                                let voted = mine.contains(&c.nomination_id);
                                let id = c.nomination_id.to_string();
                                view! {
                                <li class="card candidate">
                                    <div class="candidate-head">
                                        <h3>{c.name}</h3>
                                        {c.votes.map(|v| view! { <span class="votes">{v} " " {tr(Msg::Votes)}</span> })}
                                    </div>
                                    <p class="muted">{c.micro_grid.unwrap_or_default()}</p>
                                    <p>{c.intro}</p>
                                    <p class="record">
                                        <span>{format!("{:.1}", c.service_hours)} " " {tr(Msg::Hours)}</span>
                                        <span>{c.orders_completed} " " {tr(Msg::Orders)}</span>
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
                            }}).collect_view()}
                        </ul>
                        }.into_any()
                    }
                    Ok(None) => view! { <p class="card muted">{tr(Msg::NoElection)}</p> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
