//! Live updates: the server publishes small invalidation hints on a broadcast bus,
//! one SSE endpoint streams them, and the browser bumps a version signal per topic
//! that resources key on. The database stays the truth.
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
}

#[cfg(feature = "ssr")]
pub use bus::Bus;

#[cfg(feature = "ssr")]
mod bus {
    use super::{LiveEvent, Topic};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use tokio::sync::broadcast;

    /// The broadcast bus. Lagging subscribers lose events (and refetch), never block.
    #[derive(Clone)]
    pub struct Bus {
        sender: broadcast::Sender<LiveEvent>,
        seq: Arc<AtomicU64>,
        /// Numbering and sending happen together, so events leave in sequence order.
        order: Arc<std::sync::Mutex<()>>,
    }

    impl Bus {
        pub fn new(capacity: usize) -> Self {
            let (sender, _) = broadcast::channel(capacity);
            Self { sender, seq: Arc::new(AtomicU64::new(0)), order: Arc::new(std::sync::Mutex::new(())) }
        }

        pub fn publish(&self, topic: Topic, id: Option<i64>) -> u64 {
            let _in_order = self.order.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
            // No subscribers is fine: nobody is looking.
            let _ = self.sender.send(LiveEvent { seq, topic, id });
            seq
        }

        /// The sequence number of the latest event published.
        pub fn current(&self) -> u64 {
            self.seq.load(Ordering::Relaxed)
        }

        pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
            self.sender.subscribe()
        }
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
    use super::{LiveEvent, LiveVersions};
    use leptos::prelude::{GetUntracked, Set};
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// Opens `/api/events`. EventSource reconnects by itself; after an error or a gap
    /// in sequence numbers every topic is bumped so pages refetch what they missed.
    pub fn connect(live: LiveVersions) {
        let Ok(source) = web_sys::EventSource::new("/api/events") else {
            return;
        };
        // A page that was rendered at event N starts there (`islands::LiveRefresh`), so
        // the hello finds nothing missed unless something happened since.
        let last_seq = Rc::new(Cell::new(live.last_seq.get_untracked()));

        // The server opens every stream with a hello carrying its current sequence number
        // (and answers a lag with it too). After a fresh connection or a gap, every topic
        // refetches, asking for data at least that new; otherwise only the topic named.
        let on_message = {
            let last_seq = last_seq.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else { return };
                let Ok(hint) = serde_json::from_str::<LiveEvent>(&text) else { return };
                let previous = last_seq.get();
                let newest = previous.max(hint.seq);
                last_seq.set(newest);
                live.last_seq.set(newest);
                if previous == 0 || hint.seq > previous + 1 {
                    live.bump_all();
                } else if hint.seq > previous {
                    live.bump(hint.topic);
                }
            })
        };
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        let on_open = Closure::<dyn FnMut()>::new(move || live.connected.set(true));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();

        let on_error = Closure::<dyn FnMut()>::new(move || {
            live.connected.set(false);
            // The next hello starts a fresh count and refetches everything.
            last_seq.set(0);
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
    }
}
