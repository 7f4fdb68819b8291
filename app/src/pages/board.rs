//! /board: open needs of the viewer's area by section and urgency, live; 我需要; 适合我;
//! a plain-text copy for the WeChat group. The filters are links and 接受/婉拒 plain forms,
//! so all of it works without JavaScript; the list, the counts, 适合我 and the copy text are
//! one island ([`BoardLive`]) that applies the order frames of the live stream in place.
// Lazy islands declare their split-out code with `unsafe extern` blocks (generated).
#![allow(unsafe_code)]
use crate::components::{ErrorNotice, LiveRows, Loading, OrderCardView};
use crate::domain::ids::NodeId;
use crate::domain::order::{ServiceSection, Urgency};
use crate::dto::{copy_text, BoardView, DispatchCard, OrderCard};
use crate::i18n::{section_label, Msg};
use crate::islands::{CopyTo, LiveDot};
use crate::live::Topic;
use crate::server_fns::board::board_data;
use crate::server_fns::dispatch::{my_dispatches, RespondDispatch};
#[cfg(feature = "hydrate")]
use crate::{domain::ids::OrderId, live::Frame};
use crate::{tr, use_viewer};
use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The board's filters, as the query string carries them.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    section: Option<String>,
    urgency: Option<String>,
    grid: Option<NodeId>,
    page: u32,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl Filters {
    /// Whether an open order of `section`, `urgency` and micro-grid `grid` belongs on this
    /// page of the board (only the first page takes new orders: the others are a window
    /// that new ones push along).
    fn takes(&self, card: &OrderCard, grid: NodeId) -> bool {
        self.page == 0
            && self.section.as_deref().is_none_or(|s| s == card.section.as_str())
            && self.urgency.as_deref().is_none_or(|u| u == card.urgency.as_str())
            && self.grid.is_none_or(|g| g == grid)
    }
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

/// Cards per board page, as the server pages them.
#[cfg(feature = "hydrate")]
const PAGE: usize = 30;

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
    let data =
        Resource::new(move || filters.get(), move |f| board_data(f.section, f.urgency, f.grid, Some(f.page), None));
    view! {
        <leptos_meta::Title text=crate::page_title(Msg::TabBoard)/>
        <header class="page-head">
            <h1>{tr(Msg::TabBoard)}</h1>
            <LiveDot label=tr(Msg::LiveUpdating).to_string()/>
        </header>
        <p class="two-areas">
            <a href=if signed_in { "/board/new" } else { "/login" } class="btn primary big">{tr(Msg::INeed)}</a>
            <a href="/offers" class="btn big">{tr(Msg::ICanHelp)}</a>
        </p>
        <DispatchedToMe/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(board) => view! { <BoardLive board filters=filters.get_untracked() compact=false/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The board as it changes: 适合我, the chips with their counts, the cards and the copy
/// text, from the server's first render on kept current by the order frames. A frame's
/// card is inserted at its place in the board's order (urgent first, then newest), a card
/// that left the board is removed, the counts are replaced; only those nodes change, so
/// focus, scroll, an open `<details>` and a selection stay as they were. A reset, a frame
/// without a card (a bulk change) or a first page that runs short loads the board again as
/// JSON, never the page. `compact` (首页): only the three newest cards and a link to the
/// board.
#[island]
pub fn BoardLive(board: BoardView, filters: Filters, compact: bool) -> impl IntoView {
    crate::live::while_shown(move || board_live(board, filters, compact))
}

/// [`BoardLive`]'s content.
fn board_live(board: BoardView, filters: Filters, compact: bool) -> impl IntoView {
    let locale = use_viewer().locale;
    let cards = RwSignal::new(board.orders.into_iter().map(|o| (0, o)).collect::<Vec<(i64, OrderCard)>>());
    let suits = RwSignal::new(board.suits_me);
    let counts = RwSignal::new(board.counts);
    let grid_counts = RwSignal::new(board.grids.iter().map(|(id, _, n)| (*id, *n)).collect::<Vec<_>>());
    let more = RwSignal::new(board.more);
    #[cfg(feature = "hydrate")]
    {
        let state = Live {
            cards,
            suits,
            counts,
            grid_counts,
            more,
            community: board.community,
            filters: filters.clone(),
            pending: Default::default(),
        };
        crate::live::on_frame(board.seq, move |frame| state.apply(frame));
    }

    let empty = move || cards.read().is_empty();
    // One list for both forms (one keyed `For` in the code the phone loads): 首页 shows the
    // three newest.
    let shown = if compact { 3 } else { usize::MAX };
    let list = view! {
        <ul class="orders" aria-label=tr(Msg::TabBoard) hidden=empty>
            <LiveRows each=move || cards.get().into_iter().take(shown) key=|(v, o)| (o.id, *v) let:((_, o))>
                <OrderCardView order=o/>
            </LiveRows>
        </ul>
    };
    // Static branches (`Either`), not `AnyView`: a type-erased view keeps its server-side
    // rendering code reachable, which would ship it to every phone.
    if compact {
        return Either::Left(view! {
            <section class="card">
                <h2>{tr(Msg::OpenOrdersNearby)}</h2>
                <p class="muted" hidden=move || !empty()>{tr(Msg::NoOpenOrders)}</p>
                {list}
                <p><a href="/board" class="btn primary" data-nav="">{tr(Msg::GoToBoard)}</a></p>
            </section>
        });
    }
    let total = move || counts.read().iter().map(|(_, n)| n).sum::<i64>();
    let count_of =
        move |s: ServiceSection| move || counts.read().iter().find(|(x, _)| *x == s).map(|(_, n)| *n).unwrap_or(0);
    let grid_count =
        move |g: NodeId| move || grid_counts.read().iter().find(|(x, _)| *x == g).map(|(_, n)| *n).unwrap_or(0);
    let f = filters;
    let with = |change: &dyn Fn(&mut Filters)| {
        let mut next = f.clone();
        next.page = 0;
        change(&mut next);
        board_href(&next)
    };
    let chip = |active: bool| if active { "chip active" } else { "chip" };
    let grid_chips = (board.grids.len() > 1).then(|| {
        let chips = board
            .grids
            .into_iter()
            .map(|(id, name, _)| {
                view! { <a href=with(&|x| x.grid = Some(id)) class=chip(f.grid == Some(id)) data-nav="">{name} " " <span class="count">{grid_count(id)}</span></a> }
            })
            .collect_view();
        view! {
            <nav class="chips" aria-label=tr(Msg::LevelMicroGrid)>
                <a href=with(&|n| n.grid = None) class=chip(f.grid.is_none()) data-nav="">{tr(Msg::AllGrids)}</a>
                {chips}
            </nav>
        }
    });
    let section_chips = ServiceSection::ALL
        .into_iter()
        .map(|s| {
            let active = f.section.as_deref() == Some(s.as_str());
            view! {
                <a href=with(&|n| n.section = Some(s.as_str().to_string())) class=chip(active) data-nav="">
                    {tr(section_label(s))} " " <span class="count">{count_of(s)}</span>
                </a>
            }
        })
        .collect_view();
    let page = f.page;
    let next_page = with(&|n| n.page = page + 1);
    let previous = (page > 0)
        .then(|| view! { <a href=with(&|n| n.page = page - 1) class="btn" data-nav="">{tr(Msg::Previous)}</a> });
    // The copy text follows the cards; the text area is read-only, so its shown value is its
    // text content.
    #[cfg(feature = "hydrate")]
    Effect::new(move |first: Option<()>| {
        let text = copy_text(locale, &cards.read().iter().map(|(_, o)| o.clone()).collect::<Vec<_>>());
        if first.is_some() {
            if let Some(area) = document().get_element_by_id("copy-text") {
                area.set_text_content(Some(&text));
            }
        }
    });
    let initial_copy = copy_text(locale, &cards.read_untracked().iter().map(|(_, o)| o.clone()).collect::<Vec<_>>());
    let has_suits = Memo::new(move |_| suits.read().as_ref().is_some_and(|s| s.shown().next().is_some()));
    let shown_suits = move || suits.read().iter().flat_map(|s| s.shown()).cloned().collect::<Vec<_>>();
    Either::Right(view! {
        {move || has_suits.get().then(|| view! {
            <section class="card suits-me">
                <h2>{tr(Msg::SuitsMe)}</h2>
                <ul class="orders">
                    <LiveRows each=shown_suits key=|o| o.id let:o>
                        <OrderCardView order=o/>
                    </LiveRows>
                </ul>
            </section>
        })}
        <nav class="chips" aria-label=tr(Msg::Section)>
            <a href=with(&|n| n.section = None) class=chip(f.section.is_none()) data-nav="">
                {tr(Msg::AllSections)} " " <span class="count">{total}</span>
            </a>
            {section_chips}
        </nav>
        <nav class="chips" aria-label=tr(Msg::UrgencyFilter)>
            <a href=with(&|n| n.urgency = None) class=chip(f.urgency.is_none()) data-nav="">{tr(Msg::AllUrgencies)}</a>
            <a href=with(&|n| n.urgency = Some("urgent".into())) class=chip(f.urgency.as_deref() == Some("urgent")) data-nav="">{tr(Msg::UrgencyUrgent)}</a>
            <a href=with(&|n| n.urgency = Some("normal".into())) class=chip(f.urgency.as_deref() == Some("normal")) data-nav="">{tr(Msg::UrgencyNormal)}</a>
        </nav>
        {grid_chips}
        <p class="card muted" hidden=move || !empty()>{tr(Msg::NoOpenOrders)}</p>
        {list}
        <p class="pager">
            {previous}
            <a href=next_page class="btn" data-nav="" hidden=move || !more.get()>{tr(Msg::More)}</a>
        </p>
        <details class="card copy">
            <summary>{tr(Msg::CopyList)}</summary>
            <CopyTo source="copy-text" label=tr(Msg::CopyList) done=tr(Msg::Copied)/>
            <label for="copy-text">{tr(Msg::CopyHint)}</label>
            <crate::components::TextArea text=initial_copy attr:id="copy-text" attr:readonly=true attr:rows="8"/>
        </details>
    })
}

/// The board island's state, as the frames change it.
#[cfg(feature = "hydrate")]
#[derive(Clone)]
struct Live {
    cards: RwSignal<Vec<(i64, OrderCard)>>,
    suits: RwSignal<Option<crate::dto::SuitsMe>>,
    counts: RwSignal<Vec<(ServiceSection, i64)>>,
    grid_counts: RwSignal<Vec<(NodeId, i64)>>,
    more: RwSignal<bool>,
    community: bool,
    filters: Filters,
    /// While the board loads again: the frames that arrived meanwhile.
    pending: std::rc::Rc<std::cell::RefCell<Option<Vec<Frame>>>>,
}

#[cfg(feature = "hydrate")]
impl Live {
    fn apply(&self, frame: &Frame) {
        use crate::live::Topic;
        if let Some(during) = self.pending.borrow_mut().as_mut() {
            during.push(frame.clone());
        }
        if frame.reset {
            return self.reload(frame.seq);
        }
        if frame.topic != Some(Topic::Orders) {
            return;
        }
        let (Some(change), Some(id)) = (&frame.board, frame.id.map(OrderId)) else {
            // An order change without its card (a job's bulk change): load the board again.
            return self.reload(frame.seq);
        };
        // A card older than the one shown (a replay) changes nothing.
        if self.cards.read_untracked().iter().any(|(v, o)| o.id == id && *v >= change.v) {
            return;
        }
        let known = self.grid_counts.read_untracked().iter().any(|(g, _)| *g == change.grid);
        if !self.community {
            // A board wider or narrower than one community cannot use the community's
            // counts: it loads itself again when one of its orders changed.
            if known || self.cards.read_untracked().iter().any(|(_, o)| o.id == id) {
                self.reload(frame.seq);
            }
            return;
        }
        if let Some(suits) = self.suits.write().as_mut() {
            suits.apply(id, change.card.as_ref().zip(change.needs.as_ref()));
        }
        let mut short = false;
        self.cards.update(|list| {
            let before = list.len();
            list.retain(|(_, o)| o.id != id);
            match &change.card {
                Some(card) if self.filters.takes(card, change.grid) => {
                    let rank = |o: &OrderCard| {
                        (
                            std::cmp::Reverse(o.urgency == Urgency::Urgent),
                            std::cmp::Reverse(o.created_at),
                            std::cmp::Reverse(o.id),
                        )
                    };
                    let at = list.partition_point(|(_, o)| rank(o) < rank(card));
                    list.insert(at, (change.v, card.clone()));
                    if list.len() > PAGE {
                        list.truncate(PAGE);
                        self.more.set(true);
                    }
                }
                // Gone from a full first page: the next card is on the server.
                _ => short = list.len() < before && self.more.get_untracked(),
            }
        });
        self.counts.update(|counts| {
            for ((_, n), new) in counts.iter_mut().zip(&change.counts) {
                *n = *new;
            }
        });
        self.grid_counts.update(|grids| {
            if let Some((_, n)) = grids.iter_mut().find(|(g, _)| *g == change.grid) {
                *n = change.grid_count;
            }
        });
        if short {
            self.reload(frame.seq);
        }
    }

    /// Loads the board again as JSON (the server function the page itself uses), at least
    /// as new as event `seen`, and takes it whole.
    fn reload(&self, seen: u64) {
        let state = self.clone();
        leptos::task::spawn_local(async move {
            let f = &state.filters;
            let grid = f.grid.map(|g| g.to_string());
            let (page, seen_text) = (f.page.to_string(), seen.to_string());
            let form: Vec<(&str, &str)> = [
                ("section", f.section.as_deref()),
                ("urgency", f.urgency.as_deref()),
                ("grid", grid.as_deref()),
                ("page", Some(page.as_str())),
                ("seen", Some(seen_text.as_str())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
            state.pending.borrow_mut().get_or_insert_with(Vec::new);
            let board = crate::live::fetch_json::<BoardView>("/api/board_data", Some(seen), &form).await;
            let during = state.pending.borrow_mut().take().unwrap_or_default();
            let Some(board) = board else { return };
            state.cards.set(board.orders.into_iter().map(|o| (0, o)).collect());
            state.suits.set(board.suits_me);
            state.counts.set(board.counts);
            state.grid_counts.set(board.grids.iter().map(|(id, _, n)| (*id, *n)).collect());
            state.more.set(board.more);
            // What arrived while the board loaded may be newer than it: apply it again.
            for frame in during.iter().filter(|f| f.seq > board.seq && !f.reset) {
                state.apply(frame);
            }
        });
    }
}

/// 指派给我: orders a grid leader sent to the viewer, each with 接受 and 婉拒 (plain forms: the
/// server answers an accept with the order's page, a refusal with this page and its
/// message). On the board and on 首页; nothing for others.
#[component]
pub fn DispatchedToMe() -> impl IntoView {
    let volunteer = use_viewer().user.is_some_and(|u| u.has_role(crate::domain::role::Role::Volunteer));
    let respond = ServerAction::<RespondDispatch>::new();
    let respond_error = crate::components::action_error(respond);
    // Read before the list is, so the list is at least as new as it.
    let seq = crate::live::rendered_seq();
    let dispatches = Resource::new(
        || (),
        move |_| async move {
            if volunteer {
                my_dispatches().await.ok()
            } else {
                None
            }
        },
    );
    view! {
        <crate::components::FormMsg error=respond_error/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                dispatches.await.map(|list| view! { <DispatchesLive list seq/> })
            })}
        </Suspense>
    }
}

/// The dispatches as they change: the viewer's own frames (one sent to them, one answered
/// or withdrawn) load the list again as JSON.
#[island(lazy)]
fn DispatchesLive(list: Vec<DispatchCard>, seq: u64) -> impl IntoView {
    crate::live::while_shown(move || {
        let list = crate::live::refreshed(list, seq, Topic::Mine, "/api/my_dispatches");
        move || {
            let list = list.get();
            (!list.is_empty()).then(|| {
                view! {
                    <section class="card dispatched">
                        <h2>{tr(Msg::DispatchedToMe)}</h2>
                        <ul class="orders">
                            {list.into_iter().map(|d| {
                                let accept_id = d.dispatch_id.to_string();
                                let decline_id = accept_id.clone();
                                view! {
                                    <OrderCardView order=d.order/>
                                    <li class="respond">
                                        <form method="post" action="/api/respond_dispatch">
                                            <input type="hidden" name="dispatch" value=accept_id/>
                                            <input type="hidden" name="accept" value="1"/>
                                            <button type="submit" class="btn primary">{tr(Msg::Accept)}</button>
                                        </form>
                                        <form method="post" action="/api/respond_dispatch">
                                            <input type="hidden" name="dispatch" value=decline_id/>
                                            <input type="hidden" name="accept" value="0"/>
                                            <button type="submit" class="btn">{tr(Msg::Decline)}</button>
                                        </form>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })
        }
    })
}
