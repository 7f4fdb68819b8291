//! Live updates: one model for every page. The write path builds each change's frame once,
//! after the commit, and one SSE endpoint streams the frames of the viewer's areas and of
//! their own account; the database stays the truth.
//!
//! - Each frame belongs to the part of the city it is about (the grid code of the order's
//!   micro-grid, the election's scope, the node edited) or to one account (`Topic::Mine`:
//!   the viewer's own orders and dispatches); a stream carries only its viewer's, so a
//!   resident of one community hears nothing about another.
//! - A frame is a hint (`topic`, `id`) and, where a page applies the change in place, the
//!   change itself: an order's public card or its removal with the counts after it
//!   ([`BoardChange`]), an election's counts (`tally`, coalesced, never while hidden). It is
//!   serialised once and every stream sends the same bytes.
//! - Every frame has an SSE id (its sequence number, in commit order); a client that
//!   reconnects with `Last-Event-ID` is sent what it missed from a bounded buffer, or told to
//!   reset (load its data again) when the buffer no longer reaches back that far.
//!
//! In the browser, islands take frames through [`on_frame`]: the board (`pages::board`)
//! inserts and removes cards and replaces counts, the ballot (`pages::elections::ballot`)
//! replaces counts, each loading its data again as JSON on a reset; no page is rendered for
//! a frame. A page showing one object keys its resource on [`version_of`] (the order page
//! refetches `order_detail` only for frames naming its order; a 民情 item likewise), and the
//! staff pages key theirs on a topic's version ([`LiveVersions`]: the grid editor refetches
//! its node when a grid frame arrives; a stale edit is still refused by its version). Lists
//! that no frame carries (the viewer's own orders and dispatches, 首页's 民情 and welfare
//! checks) are islands given their list as a prop that load it again as JSON when one of
//! their frames arrives ([`refreshed`]).
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Orders,
    Grid,
    Election,
    Sentiment,
    Notices,
    /// Who has which part of the grid editor open (正在编辑).
    Presence,
    /// Something of the viewer's own changed: an order they posted or took, one sent to
    /// them. Only their own stream carries it.
    Mine,
}

impl Topic {
    pub const ALL: [Topic; 7] =
        [Topic::Orders, Topic::Grid, Topic::Election, Topic::Sentiment, Topic::Notices, Topic::Presence, Topic::Mine];

    /// The topic's name, as the event stream and the pages' `data-live` regions spell it.
    pub fn name(self) -> &'static str {
        match self {
            Topic::Orders => "orders",
            Topic::Grid => "grid",
            Topic::Election => "election",
            Topic::Sentiment => "sentiment",
            Topic::Notices => "notices",
            Topic::Presence => "presence",
            Topic::Mine => "mine",
        }
    }
}

/// One hint: something about `topic` (and object `id`) changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub seq: u64,
    pub topic: Topic,
    pub id: Option<i64>,
    /// The grid code of the area the change belongs to; `None`: the whole city. Used by
    /// the server to choose the streams; never sent.
    #[serde(skip)]
    pub area: Option<std::sync::Arc<str>>,
    /// The one account whose streams carry it (its own channel); never sent.
    #[serde(skip)]
    pub to: Option<crate::domain::ids::AccountId>,
    /// The frame as it goes on the wire, serialised once when published: every stream
    /// that carries it sends these same bytes.
    #[serde(skip)]
    pub wire: std::sync::Arc<str>,
}

/// What an order's change looks like on the public board: its card while it is open, none
/// once it left the board (taken, cancelled, expired), with the open counts after the
/// change. It carries what every viewer of the community may see: never a phone, a room
/// or a full name (the card's name is masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardChange {
    /// The order's micro-grid.
    pub grid: crate::domain::ids::NodeId,
    /// The order's version after the change: a card older than one already shown is stale.
    pub v: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<crate::dto::OrderCard>,
    /// With the card: what 适合我 ranks it by (its micro-grid's code, section, time slot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<crate::domain::matching::OrderNeeds>,
    /// The community's open orders per section, in [`ServiceSection::ALL`] order.
    ///
    /// [`ServiceSection::ALL`]: crate::domain::order::ServiceSection::ALL
    pub counts: Vec<i64>,
    /// The micro-grid's open orders.
    pub grid_count: i64,
}

/// A frame as the browser reads it: a hint, with the change itself where an island
/// applies it in place (an order's card, an election's counts), or (`reset`) "you may
/// have missed something: refetch everything", carrying the sequence number to count on
/// from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<BoardChange>,
    /// An election's votes per nomination, `(nomination, votes)`; never sent while the
    /// election hides its tally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Vec<(i64, i64)>>,
    /// An election's phase when the frame was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<crate::domain::election::Phase>,
}

impl Frame {
    /// A hint about `topic` (and object `id`), numbered when published.
    pub fn about(topic: Topic, id: Option<i64>) -> Frame {
        Frame { seq: 0, topic: Some(topic), id, reset: false, board: None, tally: None, phase: None }
    }

    /// A stream's first frame when nothing was missed: subscribed, at number `seq`.
    pub fn hello(seq: u64) -> Frame {
        Frame { seq, topic: None, id: None, reset: false, board: None, tally: None, phase: None }
    }

    pub fn reset(seq: u64) -> Frame {
        Frame { reset: true, ..Frame::hello(seq) }
    }
}

#[cfg(feature = "ssr")]
pub use bus::{Audience, Bus, Subscription};

mod shown;
pub use shown::{while_shown, WhileShown};

#[cfg(feature = "ssr")]
mod bus {
    use super::{Frame, LiveEvent, Topic};
    use crate::domain::grid::{community_prefix, is_within};
    use crate::domain::ids::AccountId;
    use crate::session::SessionUser;
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use tokio::sync::broadcast;

    /// How many recent hints are kept for clients that reconnect.
    pub(super) const REPLAY: usize = 4096;

    /// The broadcast bus. Lagging subscribers lose events (and are told to reset), never
    /// block.
    #[derive(Clone)]
    pub struct Bus {
        sender: broadcast::Sender<LiveEvent>,
        seq: Arc<AtomicU64>,
        /// The latest hints, oldest first. Numbering, keeping and sending happen under
        /// this lock, so events leave in sequence order and a subscriber that reads the
        /// buffer and subscribes under it misses nothing in between.
        recent: Arc<Mutex<VecDeque<LiveEvent>>>,
        /// Held by a write from just before its commit until its events are published, so
        /// events are numbered in commit order (writes commit one at a time, but a task
        /// may be slow to publish after its commit).
        order: Arc<tokio::sync::Mutex<()>>,
    }

    /// A new subscriber's start: the hints after its cursor that it may see (`None` when the
    /// buffer does not reach back that far, or the cursor is from another run of the
    /// server), then the live receiver.
    pub struct Subscription {
        pub missed: Option<Vec<LiveEvent>>,
        pub current: u64,
        pub receiver: broadcast::Receiver<LiveEvent>,
    }

    impl Bus {
        pub fn new(capacity: usize) -> Self {
            let (sender, _) = broadcast::channel(capacity);
            Self {
                sender,
                seq: Arc::new(AtomicU64::new(0)),
                recent: Arc::new(Mutex::new(VecDeque::with_capacity(REPLAY))),
                order: Arc::new(tokio::sync::Mutex::new(())),
            }
        }

        /// Taken before a commit whose events follow it: see [`Bus`]'s `order`.
        pub async fn in_order(&self) -> tokio::sync::MutexGuard<'_, ()> {
            self.order.lock().await
        }

        /// A hint for the whole city.
        pub fn publish(&self, topic: Topic, id: Option<i64>) -> u64 {
            self.publish_in(topic, id, None)
        }

        /// A hint for the streams whose viewer sees the area with grid code `area`.
        pub fn publish_in(&self, topic: Topic, id: Option<i64>, area: Option<&str>) -> u64 {
            self.send(Frame::about(topic, id), area)
        }

        /// Numbers `frame`, serialises it once, keeps it for replay and sends it to the
        /// streams of `area` (all of them for `None`).
        pub fn send(&self, frame: Frame, area: Option<&str>) -> u64 {
            self.deliver(frame, area, None)
        }

        /// Sends `frame` to the streams of one account only.
        pub fn send_to(&self, frame: Frame, account: AccountId) -> u64 {
            self.deliver(frame, None, Some(account))
        }

        fn deliver(&self, mut frame: Frame, area: Option<&str>, to: Option<AccountId>) -> u64 {
            let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
            frame.seq = seq;
            let wire: Arc<str> = serde_json::to_string(&frame).unwrap_or_default().into();
            let topic = frame.topic.unwrap_or(Topic::Notices);
            let event = LiveEvent { seq, topic, id: frame.id, area: area.map(Arc::from), to, wire };
            if recent.len() == REPLAY {
                recent.pop_front();
            }
            recent.push_back(event.clone());
            // No subscribers is fine: nobody is looking.
            let _ = self.sender.send(event);
            seq
        }

        /// The sequence number of the latest event published.
        pub fn current(&self) -> u64 {
            self.seq.load(Ordering::Relaxed)
        }

        pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
            self.sender.subscribe()
        }

        /// Subscribes a client that has seen every event up to `after` (of those meant
        /// for it), with what it missed since.
        pub fn subscribe_after(&self, after: u64, audience: &Audience) -> Subscription {
            let recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let receiver = self.sender.subscribe();
            let current = self.current();
            let oldest_kept = recent.front().map_or(current + 1, |e| e.seq);
            // The buffer must hold every event after the cursor; a cursor past the current
            // number is from before a restart.
            let complete = after <= current && after + 1 >= oldest_kept;
            let missed = complete
                .then(|| recent.iter().filter(|e| e.seq > after && audience.sees(e)).cloned().collect::<Vec<_>>());
            Subscription { missed, current, receiver }
        }
    }

    /// The areas whose hints a viewer's stream carries: the community of each of their
    /// roles (a resident's home, a volunteer's service area, a grid member's micro-grid),
    /// or the whole node for staff above a community.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Audience {
        areas: Vec<String>,
        account: AccountId,
    }

    impl Audience {
        pub fn of(user: &SessionUser) -> Audience {
            let mut areas: Vec<String> =
                user.roles.iter().map(|r| community_prefix(&r.node_code).to_string()).collect();
            areas.sort();
            areas.dedup();
            Audience { areas, account: user.account_id }
        }

        /// Whether the event concerns this viewer: it is for their own account, or it is
        /// for no one account and is about the whole city, about a place
        /// inside one of their areas, or about a node that contains one (an election of
        /// their subdistrict).
        pub fn sees(&self, event: &LiveEvent) -> bool {
            if let Some(to) = event.to {
                return to == self.account;
            }
            match event.area.as_deref() {
                None => true,
                Some(code) => self.areas.iter().any(|area| is_within(code, area) || is_within(area, code)),
            }
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::role::Role;
    use crate::session::SessionUser;

    fn viewer(roles: &[(Role, &str)]) -> Audience {
        Audience::of(&SessionUser::with_roles(roles))
    }

    fn at(area: Option<&str>) -> LiveEvent {
        LiveEvent { seq: 1, topic: Topic::Orders, id: Some(1), area: area.map(Into::into), to: None, wire: "".into() }
    }

    // 320602 county · 001 subdistrict · 003 community · 012 grid · 04 micro-grid.
    const MICRO_GRID: &str = "32060200100301204";
    const OTHER_COMMUNITY_MICRO_GRID: &str = "32060200100401101";

    #[test]
    fn a_viewer_hears_of_their_community_and_what_contains_it_and_nothing_of_another() {
        let resident = viewer(&[(Role::Resident, MICRO_GRID)]);
        assert!(resident.sees(&at(Some("32060200100301101"))), "another micro-grid of the same community");
        assert!(resident.sees(&at(Some("320602001"))), "an election of their subdistrict");
        assert!(resident.sees(&at(None)), "the whole city");
        assert!(!resident.sees(&at(Some(OTHER_COMMUNITY_MICRO_GRID))), "another community");
        assert!(!resident.sees(&at(Some("320602002"))), "another subdistrict");
        let subdistrict_admin = viewer(&[(Role::SubdistrictAdmin, "320602001")]);
        assert!(subdistrict_admin.sees(&at(Some(OTHER_COMMUNITY_MICRO_GRID))), "every community of theirs");
        assert!(!subdistrict_admin.sees(&at(Some("32060200200101101"))));
        let nobody = viewer(&[]);
        assert!(nobody.sees(&at(None)) && !nobody.sees(&at(Some(MICRO_GRID))));
    }

    #[test]
    fn a_subscriber_gets_what_it_missed_of_its_areas_or_nothing_when_the_buffer_is_short() {
        let bus = Bus::new(16);
        let resident = viewer(&[(Role::Resident, MICRO_GRID)]);
        bus.publish_in(Topic::Orders, Some(1), Some(MICRO_GRID));
        bus.publish_in(Topic::Orders, Some(2), Some(OTHER_COMMUNITY_MICRO_GRID));
        bus.publish(Topic::Notices, Some(3));
        let start = bus.subscribe_after(0, &resident);
        let missed: Vec<(u64, Option<i64>)> = start.missed.unwrap_or_default().iter().map(|e| (e.seq, e.id)).collect();
        assert_eq!(missed, [(1, Some(1)), (3, Some(3))]);
        assert_eq!(start.current, 3);
        assert_eq!(bus.subscribe_after(3, &resident).missed.map(|m| m.len()), Some(0));
        assert!(bus.subscribe_after(9, &resident).missed.is_none(), "a cursor from another run");
        for i in 0..super::bus::REPLAY {
            bus.publish(Topic::Grid, Some(i as i64));
        }
        assert!(bus.subscribe_after(2, &resident).missed.is_none(), "older than the buffer");
        let current = bus.current();
        assert_eq!(bus.subscribe_after(current - 1, &resident).missed.map(|m| m.len()), Some(1));
    }
}

/// Per-topic version signals in the browser; pages key their resources on them.
#[derive(Clone, Copy)]
pub struct LiveVersions {
    versions: [RwSignal<u64>; Topic::ALL.len()],
    pub connected: RwSignal<bool>,
    /// The sequence number of the latest event seen, so refetches can ask the server
    /// for data at least that new.
    pub last_seq: RwSignal<u64>,
    /// Whether the browser opened the event stream yet (see [`start`]).
    started: StoredValue<bool>,
}

impl LiveVersions {
    pub fn version(&self, topic: Topic) -> u64 {
        self.versions[Self::index(topic)].get()
    }

    pub fn bump(&self, topic: Topic) {
        self.versions[Self::index(topic)].update(|v| *v += 1);
    }

    pub fn bump_all(&self) {
        for topic in Topic::ALL {
            self.bump(topic);
        }
    }

    fn index(topic: Topic) -> usize {
        Topic::ALL.iter().position(|t| *t == topic).unwrap_or(0)
    }

    fn new() -> Self {
        Self {
            versions: std::array::from_fn(|_| RwSignal::new(0)),
            connected: RwSignal::new(false),
            last_seq: RwSignal::new(0),
            started: StoredValue::new(false),
        }
    }
}

/// Opens the event stream once, for a signed-in viewer, after the page's islands have hydrated (called from the
/// last island, `routes::Interactive`). A live signal that changed before an island
/// hydrated (the stream opened, an event came in) would leave its server-rendered markup
/// behind, because hydration takes the markup as it is.
pub fn start() {
    #[cfg(feature = "hydrate")]
    {
        // The stream is for signed-in viewers only (a visitor would be answered 401).
        if crate::use_viewer().user.is_none() {
            return;
        }
        let live = use_live();
        if !live.started.get_value() {
            live.started.set_value(true);
            client::connect(live);
        }
    }
}

/// Makes the page's stream start no later than event `seq` (the one an island's data is
/// as new as), so the server sends every frame after it: the earliest of the page's
/// numbers wins, and a frame seen twice is harmless (cards carry versions, counts are
/// totals). Once the stream is open, [`on_frame`] replays from the page's own recent
/// frames instead.
pub fn start_from(seq: u64) {
    let live = use_live();
    if live.started.get_value() {
        return;
    }
    let current = live.last_seq.get_untracked();
    // `u64::MAX`: an island whose data is loaded as it hydrates, which needs nothing earlier.
    if seq > 0 && seq != u64::MAX && (current == 0 || seq < current) {
        live.last_seq.set(seq);
    }
}

/// Calls `apply` with every frame after event `since` (the number its data is as new as)
/// that the page's stream delivers, in order, once each (a reset included): how an island
/// applies changes in place. An island that hydrates after the stream opened (on a page
/// reached by a tab) is first given the frames it missed from the page's recent ones, or a
/// reset when those no longer reach back that far. Browser only; the listeners of a page
/// end when another one takes its place ([`new_page`]).
pub fn on_frame(since: u64, apply: impl Fn(&Frame) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        if use_live().started.get_value() {
            client::catch_up(since, &apply);
        } else {
            start_from(since);
        }
        client::LISTENERS.with(|listeners| listeners.borrow_mut().push(Box::new(apply)));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (since, apply);
}

/// Another page's `<main>` replaced this one's (a tab): the old islands' listeners end, and
/// state kept for the page's islands ([`page`]) starts over.
#[cfg(feature = "hydrate")]
pub fn new_page() {
    client::LISTENERS.with(|listeners| listeners.borrow_mut().clear());
    client::PAGE.with(|page| page.set(page.get() + 1));
    shown::page_gone();
}

/// Which page the islands belong to: it changes when a tab swaps the page's `<main>`, so
/// state shared by one page's islands is made again for the next.
#[cfg(feature = "hydrate")]
pub fn page() -> u64 {
    client::PAGE.with(std::cell::Cell::get)
}

/// A counter that moves when the stream says object `id` of `topic` changed: a frame naming
/// it, a frame of the topic naming no object (a bulk change), or a reset. A page showing
/// one object (an order, a 民情 item) keys its data on it, so it loads again for its own
/// object only, not for every change in the community.
pub fn version_of(topic: Topic, id: impl Fn() -> Option<i64> + 'static) -> ReadSignal<u64> {
    let (version, set) = signal(0u64);
    // Its data is loaded when it hydrates: nothing before counts.
    on_frame(u64::MAX, move |frame| {
        if frame.reset || (frame.topic == Some(topic) && (frame.id.is_none() || frame.id == id())) {
            set.update(|v| *v += 1);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = set;
    version
}

/// A value an island was given as a prop (as new as event `since`), kept current: when a
/// frame of `topic` arrives (or a reset), the value is loaded again as JSON from the server
/// function at `path`, at least as new as that frame, and the newest answer replaces it.
/// How lists that no frame carries (the viewer's own orders and dispatches, 首页's 民情 and
/// welfare checks) follow the stream without a page render. A failed load keeps what is
/// shown; the next frame or reset tries again.
pub fn refreshed<T>(initial: T, since: u64, topic: Topic, path: &'static str) -> ReadSignal<T>
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let (value, set) = signal(initial);
    #[cfg(feature = "hydrate")]
    {
        // Which load is the newest: a slower answer to an older frame is dropped.
        let newest = std::rc::Rc::new(std::cell::Cell::new(0u64));
        on_frame(since, move |frame| {
            if !frame.reset && frame.topic != Some(topic) {
                return;
            }
            let ticket = newest.get() + 1;
            newest.set(ticket);
            let (newest, seen) = (newest.clone(), frame.seq);
            leptos::task::spawn_local(async move {
                if let Some(fresh) = fetch_json::<T>(path, Some(seen), &[]).await {
                    if newest.get() == ticket {
                        set.set(fresh);
                    }
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (since, topic, path, set);
    value
}

/// Posts `form` to the server function at `path` and reads its JSON answer: how an island
/// loads its data again after a reset, or casts a vote without a page load. `seen` in the
/// address is not the function's: it marks a live refetch (no activity of the person's, so
/// the idle timeout does not slide) and says how new the data must be.
#[cfg(feature = "hydrate")]
pub async fn fetch_json<T: serde::de::DeserializeOwned>(
    path: &str,
    seen: Option<u64>,
    form: &[(&str, &str)],
) -> Option<T> {
    use wasm_bindgen::{JsCast, JsValue};
    let body: Vec<String> =
        form.iter().map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(v)))).collect();
    let headers = js_sys::Object::new();
    let json = JsValue::from_str("application/json");
    js_sys::Reflect::set(&headers, &"content-type".into(), &"application/x-www-form-urlencoded".into()).ok()?;
    js_sys::Reflect::set(&headers, &"accept".into(), &json).ok()?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body.join("&")));
    init.set_headers(&headers);
    let url = match seen {
        Some(seen) => format!("{path}?seen={seen}"),
        None => path.to_string(),
    };
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window().fetch_with_str_and_init(&url, &init))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    if !response.ok() {
        return None;
    }
    let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

/// The number of the latest event when the page is rendered (0 outside a request).
pub fn rendered_seq() -> u64 {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>().map(|state| state.bus.current()).unwrap_or(0)
    }
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}

/// The live versions. In the browser there is one set for the page, shared by all its
/// islands (they hydrate separately, with no common parent to provide it); on the server
/// every request gets its own, which never change.
pub fn use_live() -> LiveVersions {
    #[cfg(feature = "ssr")]
    {
        use_context::<LiveVersions>().unwrap_or_else(|| {
            let live = LiveVersions::new();
            provide_context(live);
            live
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        thread_local! {
            // Owned by a root of its own, kept for the page's life, so no island's
            // cleanup disposes it.
            static LIVE: (Owner, LiveVersions) = {
                // `new_root` makes itself the current owner; inside `with` the island
                // being hydrated (and its hydration context) is current again afterwards.
                let root = || Owner::new_root(None);
                let owner = Owner::current().map(|current| current.with(root)).unwrap_or_else(root);
                let live = owner.with(LiveVersions::new);
                (owner, live)
            };
        }
        LIVE.with(|(_, live)| *live)
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use super::{Frame, LiveVersions};
    use leptos::prelude::{GetUntracked, Set};
    use std::cell::RefCell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// An island's way of applying a frame.
    type Listener = Box<dyn Fn(&Frame)>;

    thread_local! {
        /// The islands that apply frames themselves ([`super::on_frame`]).
        pub(super) static LISTENERS: RefCell<Vec<Listener>> = const { RefCell::new(Vec::new()) };
        /// The latest frames, oldest first, for islands that arrive after them.
        static RECENT: RefCell<Recent> = RefCell::new(Recent::default());
        /// See [`super::page`].
        pub(super) static PAGE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
        /// The open stream; none while the browser is offline.
        static SOURCE: RefCell<Option<web_sys::EventSource>> = const { RefCell::new(None) };
    }

    /// What the page heard: every frame after `from` (where the stream started, or its
    /// last reset), of which the newest [`KEPT`] are kept; `dropped`: the newest let go.
    #[derive(Default)]
    struct Recent {
        from: u64,
        dropped: u64,
        frames: std::collections::VecDeque<Frame>,
    }

    /// How many recent frames the page keeps for islands that arrive late.
    const KEPT: usize = 256;

    /// Gives `apply` what came after event `since`: the kept frames, or a reset when they
    /// do not reach back that far.
    pub(super) fn catch_up(since: u64, apply: &dyn Fn(&Frame)) {
        RECENT.with(|recent| {
            let recent = recent.borrow();
            let newest = recent.frames.back().map_or(recent.from, |f| f.seq);
            if since >= newest {
                return;
            }
            if since < recent.from || since < recent.dropped {
                return apply(&Frame::reset(newest));
            }
            recent.frames.iter().filter(|f| f.seq > since).for_each(apply);
        });
    }

    /// Keeps `frame` for islands that arrive after it.
    fn keep(frame: Frame) {
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            if frame.reset {
                *recent = Recent { from: frame.seq, ..Recent::default() };
                return;
            }
            if recent.frames.len() == KEPT {
                recent.dropped = recent.frames.pop_front().map_or(0, |f| f.seq);
            }
            recent.frames.push_back(frame);
        });
    }

    pub fn connect(live: LiveVersions) {
        RECENT.with(|recent| recent.borrow_mut().from = live.last_seq.get_untracked());
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else { return };
            let Ok(frame) = serde_json::from_str::<Frame>(&text) else { return };
            match frame.topic {
                // A reset also restarts the count (the server may have restarted).
                _ if frame.reset => {
                    live.last_seq.set(frame.seq);
                    live.bump_all();
                }
                Some(topic) if frame.seq > live.last_seq.get_untracked() => {
                    live.last_seq.set(frame.seq);
                    live.bump(topic);
                }
                _ => return,
            }
            LISTENERS.with(|listeners| listeners.borrow().iter().for_each(|apply| apply(&frame)));
            keep(frame);
        });
        let on_open = Closure::<dyn FnMut()>::new(move || live.connected.set(true));
        let on_error = Closure::<dyn FnMut()>::new(move || live.connected.set(false));
        // Opens the stream from the last frame seen; a page that knows no number (one
        // without live regions) starts over: one reset.
        let open = move || {
            let url = match live.last_seq.get_untracked() {
                0 => "/api/events".to_string(),
                since => format!("/api/events?since={since}"),
            };
            let Ok(source) = web_sys::EventSource::new(&url) else { return };
            source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            SOURCE.with(|current| *current.borrow_mut() = Some(source));
        };
        open();
        // A phone that loses its network can keep a dead connection for minutes, and the
        // stream would not know to come back. When the browser says it is offline the
        // stream is closed; when it is online again one opens from the last frame seen, and
        // the server replays what was missed (or says to reset).
        let on_online = Closure::<dyn FnMut()>::new(move || {
            if SOURCE.with(|current| current.borrow().is_none()) {
                open();
            }
        });
        let on_offline = Closure::<dyn FnMut()>::new(move || {
            if let Some(source) = SOURCE.with(|current| current.borrow_mut().take()) {
                source.close();
            }
            live.connected.set(false);
        });
        let window = leptos::prelude::window();
        let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        let _ = window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        // The page's listeners, for its whole life.
        on_online.forget();
        on_offline.forget();
    }
}
