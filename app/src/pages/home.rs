//! /: the viewer's station, the numbers of their area, the newest needs and the feed.
//! Server HTML; the newest needs are the board's island in its short form ([`BoardLive`]);
//! the viewer's own orders, dispatches to them, 民情 and (staff) welfare checks are islands
//! that load their list again as JSON when a frame of theirs arrives (`live::refreshed`).
use crate::components::{ErrorNotice, Loading};
use crate::i18n::{age_text, Msg};
use crate::islands::MyOrdersLive;
use crate::pages::board::{BoardLive, Filters};
use crate::server_fns::home::home_data;
use crate::{tr, use_viewer};
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = use_viewer();
    // Read before the page's data is, so the data is at least as new as it.
    let seq = crate::live::rendered_seq();
    let data = Resource::new(|| (), |_| home_data());
    let greeting = match &viewer.user {
        Some(user) => format!("{}{}{}", tr(Msg::Hello), tr(Msg::GreetingComma), user.name),
        None => tr(Msg::Welcome).to_string(),
    };
    view! {
        <leptos_meta::Title text=crate::page_title(Msg::TabHome)/>
        <header class="hero">
            <p class="brand">{tr(Msg::AppName)}</p>
            <h1>{greeting}</h1>
            <p class="tagline">{tr(Msg::Tagline)}</p>
            {viewer.user.is_none().then(|| view! {
                <p class="hero-actions">
                    <a href="/login" class="btn">{tr(Msg::SignIn)}</a>
                    " "
                    <a href="/signup" class="btn">{tr(Msg::SignUp)}</a>
                </p>
            })}
        </header>
        <p class="welfare-link"><a href="/welfare">{tr(Msg::WelfareLink)}</a></p>
        {viewer.user.is_some().then(|| view! {
            <crate::pages::sentiment::SentimentHomeSection/>
        })}
        {viewer.user.as_ref().is_some_and(|u| u.is_staff()).then(|| view! {
            <crate::pages::elders::WelfareHomeSection/>
            <crate::pages::elders::OverdueVisitsSection/>
        })}
        {viewer.user.is_some().then(|| view! {
            <crate::pages::board::DispatchedToMe/>
        })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(home) => {
                        let locale = use_viewer().locale;
                        view! {
                            {home.station.map(|s| view! {
                                <section class="card station">
                                    <h2>{tr(Msg::MyStation)}</h2>
                                    <p class="station-name">{s.name}</p>
                                    <p class="muted">{s.address}</p>
                                    <p class="muted">{tr(Msg::OpenHours)} ": " {s.open_hours}</p>
                                    <p>
                                        <a href="/activities" class="btn">{crate::words(crate::i18n::ServerMsg::ActivitiesTitle)}</a>
                                        " "
                                        <a href="/council" class="btn">{crate::words(crate::i18n::ServerMsg::CouncilTitle)}</a>
                                    </p>
                                </section>
                            })}
                            {home.mine.map(|mine| view! { <MyOrdersLive mine seq compact=true/> })}
                            // Figures are of the viewer's own area (a member's micro-grid, a
                            // resident's community), so the page says which.
                            <p class="muted small figures-of">
                                {tr(Msg::FiguresOf)}
                                {if home.area_name.is_empty() { tr(Msg::WholeCity).to_string() } else { home.area_name.clone() }}
                            </p>
                            <section class="stats" aria-label=home.area_name.clone()>
                                <div class="stat"><strong>{home.numbers.open_orders}</strong><span>{tr(Msg::OpenOrdersNearby)}</span></div>
                                <div class="stat"><strong>{home.numbers.volunteers}</strong><span>{tr(Msg::VolunteersNearby)}</span></div>
                                <div class="stat"><strong>{home.numbers.service_minutes / 60}</strong><span>{tr(Msg::ServiceHoursTotal)}</span></div>
                            </section>
                            {if let Some(board) = home.board {
                                view! {
                                    <BoardLive board filters=Filters::default() compact=true/>
                                    <section class="card">
                                        <h2>{tr(Msg::CommunityFeed)} " " <a href="/feed" class="more">{tr(Msg::SeeAll)}</a></h2>
                                        <ul class="feed">
                                            {home.feed.into_iter().map(|f| view! {
                                                <li><p>{f.body}</p><p class="muted">{age_text(locale, f.age_secs)}</p></li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                }.into_any()
                            } else {
                                // Visitors see no one's needs: they are asked to sign in, not
                                // sent to a board that would answer 401.
                                view! {
                                    <section class="card">
                                        <p>{tr(Msg::NotSignedInHint)}</p>
                                        <p><a href="/login" class="btn primary">{tr(Msg::SignIn)}</a></p>
                                    </section>
                                }.into_any()
                            }}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
