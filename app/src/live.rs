//! Live updates: the server publishes small invalidation hints on a broadcast bus,
//! one SSE endpoint streams them, and the browser bumps a version signal per topic
//! that resources key on. The database stays the truth.
//!
//! Each hint belongs to the part of the city it is about (the grid code of the order's
//! micro-grid, the election's scope, the node edited); a stream carries only the hints of
//! its viewer's areas, so a resident of one community hears nothing about another. Every
//! frame has an SSE id (its sequence number); a client that reconnects with
//! `Last-Event-ID` is sent what it missed from a bounded buffer, or told to reset
//! (refetch everything) when the buffer no longer reaches back that far.
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
}

impl Topic {
    pub const ALL: [Topic; 6] =
        [Topic::Orders, Topic::Grid, Topic::Election, Topic::Sentiment, Topic::Notices, Topic::Presence];

    /// The topic's name, as the event stream and the pages' `data-live` regions spell it.
    pub fn name(self) -> &'static str {
        match self {
            Topic::Orders => "orders",
            Topic::Grid => "grid",
            Topic::Election => "election",
            Topic::Sentiment => "sentiment",
            Topic::Notices => "notices",
            Topic::Presence => "presence",
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
}

/// A frame as the browser reads it: a hint, or (`reset`) "you may have missed something:
/// refetch everything", carrying the sequence number to count on from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
}

impl Frame {
    pub fn hint(event: &LiveEvent) -> Frame {
        Frame { seq: event.seq, topic: Some(event.topic), id: event.id, reset: false }
    }

    /// A stream's first frame when nothing was missed: subscribed, at number `seq`.
    pub fn hello(seq: u64) -> Frame {
        Frame { seq, topic: None, id: None, reset: false }
    }

    pub fn reset(seq: u64) -> Frame {
        Frame { seq, topic: None, id: None, reset: true }
    }
}

#[cfg(feature = "ssr")]
pub use bus::{Audience, Bus, Subscription};

#[cfg(feature = "ssr")]
mod bus {
    use super::{LiveEvent, Topic};
    use crate::domain::grid::{community_prefix, is_within};
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
            }
        }

        /// A hint for the whole city.
        pub fn publish(&self, topic: Topic, id: Option<i64>) -> u64 {
            self.publish_in(topic, id, None)
        }

        /// A hint for the streams whose viewer sees the area with grid code `area`.
        pub fn publish_in(&self, topic: Topic, id: Option<i64>, area: Option<&str>) -> u64 {
            let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
            let event = LiveEvent { seq, topic, id, area: area.map(Arc::from) };
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
    }

    impl Audience {
        pub fn of(user: &SessionUser) -> Audience {
            let mut areas: Vec<String> =
                user.roles.iter().map(|r| community_prefix(&r.node_code).to_string()).collect();
            areas.sort();
            areas.dedup();
            Audience { areas }
        }

        /// Whether the event concerns this viewer: it is about the whole city, about a place
        /// inside one of their areas, or about a node that contains one (an election of
        /// their subdistrict).
        pub fn sees(&self, event: &LiveEvent) -> bool {
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
        LiveEvent { seq: 1, topic: Topic::Orders, id: Some(1), area: area.map(Into::into) }
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
    versions: [RwSignal<u64>; 6],
    pub connected: RwSignal<bool>,
    /// The sequence number of the latest event seen, so refetches can ask the server
    /// for data at least that new.
    pub last_seq: RwSignal<u64>,
    /// Whether the browser opened the event stream yet (see [`start`]).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
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
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// Opens `/api/events` from the event the page was rendered at (`islands::LiveRefresh`
    /// set it), so the server sends what happened in between, and nothing more. EventSource reconnects by
    /// itself with `Last-Event-ID`; the server then sends what was missed, or a reset.
    pub fn connect(live: LiveVersions) {
        // A page that knows no number (one without live regions) starts over: one reset.
        let url = match live.last_seq.get_untracked() {
            0 => "/api/events".to_string(),
            since => format!("/api/events?since={since}"),
        };
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
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
                _ => {}
            }
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        let on_open = Closure::<dyn FnMut()>::new(move || live.connected.set(true));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();

        let on_error = Closure::<dyn FnMut()>::new(move || live.connected.set(false));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
    }
}
