//! /board: open needs of the viewer's area by section and urgency, live; 我需要; 适合我;
//! a plain-text copy for the WeChat group. Server HTML: the filters are links, 接受/婉拒 are
//! plain forms, and the lists follow live events (`islands::LiveRefresh`).
use crate::components::{ErrorNotice, Loading, OrderCardView, TextArea};
use crate::domain::ids::NodeId;
use crate::domain::order::{ServiceSection, Urgency};
use crate::i18n::{section_label, Msg};
use crate::islands::{CopyButton, LiveDot, LiveRefresh};
use crate::server_fns::board::board_data;
use crate::server_fns::dispatch::{my_dispatches, RespondDispatch};
use crate::{tr, use_viewer};
use leptos::prelude::*;

/// The board's filters, as the query string carries them.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    section: Option<String>,
    urgency: Option<String>,
    grid: Option<NodeId>,
    page: u32,
}

/// `/board` with the given filters.
fn board_href(f: &Filters) -> String {
    let page = (f.page > 0).then(|| f.page.to_string());
    let grid = f.grid.map(|g| g.to_string());
    let params: Vec<String> = [
        ("section", f.section.as_deref()),
        ("urgency", f.urgency.as_deref()),
        ("grid", grid.as_deref()),
        ("page", page.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
    .collect();
    if params.is_empty() {
        "/board".into()
    } else {
        format!("/board?{}", params.join("&"))
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let signed_in = use_viewer().user.is_some();
    let query = crate::components::use_query();
    let filters = Memo::new(move |_| {
        let q = query.read();
        Filters {
            section: q.get("section").filter(|s| ServiceSection::parse(s).is_some()),
            urgency: q.get("urgency").filter(|s| Urgency::parse(s).is_some()),
            grid: q.get("grid").and_then(|g| g.parse::<NodeId>().ok()),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
        }
    });
    // A live refresh asks for data at least as new as the event it reacts to.
    let seen = Memo::new(move |_| query.read().get("seen").and_then(|s| s.parse::<u64>().ok()).filter(|s| *s > 0));
    let data = Resource::new(
        move || (filters.get(), seen.get()),
        move |(f, seen)| board_data(f.section, f.urgency, f.grid, Some(f.page), seen),
    );
    view! {
        <header class="page-head">
            <h1>{tr(Msg::TabBoard)}</h1>
            <LiveDot label=tr(Msg::LiveUpdating).to_string()/>
        </header>
        <p class="two-areas">
            <a href=if signed_in { "/board/new" } else { "/login" } class="btn primary big">{tr(Msg::INeed)}</a>
            <a href="/offers" class="btn big">{tr(Msg::ICanHelp)}</a>
        </p>
        <div id="live-dispatches" data-live="orders"><DispatchedToMe/></div>
        <div id="live-board" data-live="orders">
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(board) => {
                        let total: i64 = board.counts.iter().map(|(_, n)| n).sum();
                        let f = filters.get_untracked();
                        let with = |change: &dyn Fn(&mut Filters)| {
                            let mut next = f.clone();
                            next.page = 0;
                            change(&mut next);
                            board_href(&next)
                        };
                        let chip = |active: bool| if active { "chip active" } else { "chip" };
                        let all_grids = (with(&|n| n.grid = None), chip(f.grid.is_none()));
                        let grid_chips: Vec<(String, &'static str, String, i64)> = board
                            .grids
                            .iter()
                            .map(|(id, name, n)| {
                                let class = chip(f.grid == Some(*id));
                                (with(&|x| x.grid = Some(*id)), class, name.clone(), *n)
                            })
                            .collect();
                        view! {
                            {(!board.suits_me.is_empty()).then(|| view! {
                                <section class="card suits-me">
                                    <h2>{tr(Msg::SuitsMe)}</h2>
                                    <ul class="orders">{board.suits_me.into_iter().map(|o| view! { <OrderCardView order=o/> }).collect_view()}</ul>
                                </section>
                            })}
                            <nav class="chips" aria-label=tr(Msg::Section)>
                                <a href=with(&|n| n.section = None) class=chip(f.section.is_none())>
                                    {tr(Msg::AllSections)} " " <span class="count">{total}</span>
                                </a>
                                {board.counts.into_iter().map(|(s, n)| {
                                    let active = f.section.as_deref() == Some(s.as_str());
                                    view! {
                                        <a href=with(&|n| n.section = Some(s.as_str().to_string())) class=chip(active)>
                                            {tr(section_label(s))} " " <span class="count">{n}</span>
                                        </a>
                                    }
                                }).collect_view()}
                            </nav>
                            <nav class="chips" aria-label=tr(Msg::UrgencyFilter)>
                                <a href=with(&|n| n.urgency = None) class=chip(f.urgency.is_none())>{tr(Msg::AllUrgencies)}</a>
                                <a href=with(&|n| n.urgency = Some("urgent".into())) class=chip(f.urgency.as_deref() == Some("urgent"))>{tr(Msg::UrgencyUrgent)}</a>
                                <a href=with(&|n| n.urgency = Some("normal".into())) class=chip(f.urgency.as_deref() == Some("normal"))>{tr(Msg::UrgencyNormal)}</a>
                            </nav>
                            {(grid_chips.len() > 1).then(move || view! {
                                <nav class="chips" aria-label=tr(Msg::LevelMicroGrid)>
                                    <a href=all_grids.0 class=all_grids.1>{tr(Msg::AllGrids)}</a>
                                    {grid_chips.into_iter().map(|(href, class, name, n)| view! {
                                        <a href=href class=class>{name} " " <span class="count">{n}</span></a>
                                    }).collect_view()}
                                </nav>
                            })}
                            {if board.orders.is_empty() {
                                view! { <p class="card muted">{tr(Msg::NoOpenOrders)}</p> }.into_any()
                            } else {
                                view! { <ul class="orders" aria-label=tr(Msg::TabBoard)>{board.orders.into_iter().map(|o| view! { <OrderCardView order=o/> }).collect_view()}</ul> }.into_any()
                            }}
                            <p class="pager">
                                {(f.page > 0).then(|| view! { <a href=with(&|n| n.page = f.page - 1) class="btn">{tr(Msg::Previous)}</a> })}
                                {board.more.then(|| view! { <a href=with(&|n| n.page = f.page + 1) class="btn">{tr(Msg::More)}</a> })}
                            </p>
                            <details class="card copy">
                                <summary>{tr(Msg::CopyList)}</summary>
                                <CopyButton source="copy-text".to_string() label=tr(Msg::CopyList).to_string() done=tr(Msg::Copied).to_string()/>
                                <label for="copy-text">{tr(Msg::CopyHint)}</label>
                                <TextArea text=board.copy_text attr:id="copy-text" attr:readonly=true attr:rows="8"/>
                            </details>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
        </div>
        <LiveRefresh seq=crate::live::rendered_seq()/>
    }
}

/// 指派给我: orders a grid leader sent to the viewer, each with 接受 and 婉拒 (plain forms,
/// so they work before and without WASM). On the board and on 首页; nothing for others.
#[component]
pub fn DispatchedToMe() -> impl IntoView {
    let volunteer = use_viewer().user.is_some_and(|u| u.has_role(crate::domain::role::Role::Volunteer));
    let respond = ServerAction::<RespondDispatch>::new();
    let respond_error = crate::components::action_error(respond);
    let dispatches = Resource::new(
        || (),
        move |_| async move {
            if volunteer {
                my_dispatches().await
            } else {
                Ok(Vec::new())
            }
        },
    );
    view! {
        <crate::components::FormMsg error=respond_error/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = dispatches.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="card dispatched">
                        <h2>{tr(Msg::DispatchedToMe)}</h2>
                        <ul class="orders">
                            {list.into_iter().map(|d| {
                                let accept_id = d.dispatch_id.to_string();
                                let decline_id = accept_id.clone();
                                view! {
                                    <OrderCardView order=d.order/>
                                    <li class="respond">
                                        <ActionForm action=respond>
                                            <input type="hidden" name="dispatch" value=accept_id/>
                                            <input type="hidden" name="accept" value="1"/>
                                            <button type="submit" class="btn primary">{tr(Msg::Accept)}</button>
                                        </ActionForm>
                                        <ActionForm action=respond>
                                            <input type="hidden" name="dispatch" value=decline_id/>
                                            <input type="hidden" name="accept" value="0"/>
                                            <button type="submit" class="btn">{tr(Msg::Decline)}</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}
