//! `/api/events`: the live channel, for signed-in viewers only. Each subscriber gets its
//! own broadcast receiver; one that lags loses events (and is told to refetch), never
//! slows the others. Streams are capped over the server and per account, do not slide
//! the session's idle timeout, and end within a minute of the session ending (sign-out,
//! idle timeout, a disabled account).
use app::domain::ids::AccountId;
use app::error::AppError;
use app::live::{Bus, LiveEvent, Topic};
use app::state::AppState;
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};
use tokio_stream::StreamExt;

/// How often an open stream checks that its session is still live.
const SESSION_CHECK: Duration = Duration::from_secs(30);

fn event(hint: &LiveEvent) -> Result<Event, Infallible> {
    Ok(Event::default().data(serde_json::to_string(hint).unwrap_or_default()))
}

/// The open streams, counted over the server and per account.
#[derive(Debug)]
pub struct Streams {
    per_account: Mutex<HashMap<AccountId, usize>>,
    max: usize,
    max_per_account: usize,
}

/// One open stream's place in [`Streams`]; given back when the stream is dropped.
pub struct Slot {
    streams: Arc<Streams>,
    account: AccountId,
}

impl Streams {
    pub fn new(max: usize, max_per_account: usize) -> Arc<Self> {
        Arc::new(Self { per_account: Mutex::new(HashMap::new()), max, max_per_account })
    }

    fn take(self: &Arc<Self>, account: AccountId) -> Option<Slot> {
        let mut open = self.per_account.lock().unwrap_or_else(|p| p.into_inner());
        let total: usize = open.values().sum();
        let mine = open.get(&account).copied().unwrap_or(0);
        if total >= self.max || mine >= self.max_per_account {
            return None;
        }
        open.insert(account, mine + 1);
        Some(Slot { streams: self.clone(), account })
    }

    /// Streams open now (for the tests and the log).
    pub fn open(&self) -> usize {
        self.per_account.lock().unwrap_or_else(|p| p.into_inner()).values().sum()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.streams.per_account.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.account) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.account);
            }
        }
    }
}

/// `GET /api/events`: 401 without a live session, 429 past the caps, else the stream.
pub async fn subscribe(state: AppState, streams: Arc<Streams>, parts: Parts) -> Response {
    let session = match app::auth::live_session(&state, &parts).await {
        Ok(Some(session)) => session,
        Ok(None) => return crate::guard::refusal(&parts.headers, AppError::Unauthorized),
        Err(err) => return crate::guard::refusal(&parts.headers, err),
    };
    let Some(slot) = streams.take(session.account_id) else {
        tracing::warn!(account = session.account_id.get(), open = streams.open(), "live stream refused: too many open");
        return crate::guard::refusal(&parts.headers, AppError::RateLimited);
    };
    let ended = session_ended(state.clone(), session.token_hash);
    events(&state.bus, slot, ended).into_response()
}

/// Resolves once the session with `hash` is no longer live (checked every half minute).
async fn session_ended(state: AppState, hash: String) {
    loop {
        tokio::time::sleep(SESSION_CHECK).await;
        match app::auth::session_by_hash(&state, &hash).await {
            Ok(Some(_)) => {}
            Ok(None) => return,
            // The database being busy is not the session ending.
            Err(err) => tracing::debug!(?err, "checking a live stream's session failed"),
        }
    }
}

/// Subscribes first, then says hello with the current sequence number, so a page that
/// connects after it was rendered refetches whatever changed in between. The stream
/// holds `slot` and ends when `ended` resolves.
fn events(
    bus: &Bus,
    slot: Slot,
    ended: impl std::future::Future<Output = ()> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = bus.subscribe();
    let hello = LiveEvent { seq: bus.current(), topic: Topic::Orders, id: None };
    let lag_bus = bus.clone();
    let updates = BroadcastStream::new(receiver).map(move |item| {
        let _held = &slot;
        match item {
            Ok(hint) => event(&hint),
            // Lagged: tell the client where the count is now; it sees the gap and refetches.
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                event(&LiveEvent { seq: lag_bus.current(), topic: Topic::Orders, id: None })
            }
        }
    });
    let stream = stream::once(async move { event(&hello) }).chain(updates);
    let stream = futures::StreamExt::take_until(stream, Box::pin(ended));
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_capped_per_account_and_overall_and_given_back_on_drop() {
        let streams = Streams::new(3, 2);
        let [a, b, c] = [1, 2, 3].map(AccountId);
        let a1 = streams.take(a).expect("first");
        let _a2 = streams.take(a).expect("second");
        assert!(streams.take(a).is_none(), "two per account");
        let b1 = streams.take(b).expect("another account");
        assert!(streams.take(c).is_none(), "three in all");
        drop(a1);
        assert_eq!(streams.open(), 2);
        let _c1 = streams.take(c).expect("a place was given back");
        drop(b1);
        assert_eq!(streams.open(), 2);
    }
}
