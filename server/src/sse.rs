//! `/api/events`: the live channel, for signed-in viewers only, carrying the hints of the
//! viewer's areas ([`Audience`]). Each subscriber gets its own broadcast receiver; one that
//! lags loses events (and is told to reset), never slows the others. A stream starts from
//! the client's cursor (`Last-Event-ID` on a reconnect, `?since=` on the first connect):
//! what it missed, then a hello whose id is the current number. Streams are capped over
//! the server and per account, do not slide the session's idle timeout, and end within a
//! minute of the session ending (sign-out, idle timeout, a disabled account).
use app::domain::ids::AccountId;
use app::error::AppError;
use app::live::{Audience, Bus, Frame, LiveEvent};
use app::state::AppState;
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};
use tokio_stream::StreamExt;

/// A stream's own frame (hello, reset) with its SSE id, the cursor a reconnecting client
/// sends back.
fn event(frame: &Frame) -> Result<Event, Infallible> {
    Ok(Event::default().id(frame.seq.to_string()).data(serde_json::to_string(frame).unwrap_or_default()))
}

/// A published event: the bytes serialised once when it was published, the same for every
/// stream.
fn published(event: &LiveEvent) -> Result<Event, Infallible> {
    Ok(Event::default().id(event.seq.to_string()).data(&*event.wire))
}

/// Where the client's view of the stream stands: the last id it got (on a reconnect) or
/// the event its page was rendered at. Without either, it has seen nothing.
fn cursor(parts: &Parts) -> Option<u64> {
    let header = parts.headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    header.or_else(|| parts.uri.query()?.split('&').find_map(|pair| pair.strip_prefix("since=")?.parse().ok()))
}

/// The open streams: counted over the server and per account, and watched by session, so
/// that one check every half minute ([`Streams::watch_sessions`]) ends the streams of every
/// session that ended, in one statement per 500 sessions however many streams are open.
#[derive(Debug)]
pub struct Streams {
    open: Mutex<Open>,
    max: usize,
    max_per_account: usize,
}

#[derive(Debug, Default)]
struct Open {
    per_account: HashMap<AccountId, usize>,
    /// Per session (the hash of its token): its open streams, and the signal that ends them.
    sessions: HashMap<String, (usize, watch::Sender<bool>)>,
}

/// One open stream's place in [`Streams`]; given back when the stream is dropped.
pub struct Slot {
    streams: Arc<Streams>,
    account: AccountId,
    session: String,
}

impl Streams {
    pub fn new(max: usize, max_per_account: usize) -> Arc<Self> {
        Arc::new(Self { open: Mutex::new(Open::default()), max, max_per_account })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a stream of `account`'s session `session`, and what resolves once that
    /// session ended; none past the caps.
    fn take(self: &Arc<Self>, account: AccountId, session: &str) -> Option<(Slot, watch::Receiver<bool>)> {
        let mut open = self.lock();
        let total: usize = open.per_account.values().sum();
        let mine = open.per_account.get(&account).copied().unwrap_or(0);
        if total >= self.max || mine >= self.max_per_account {
            return None;
        }
        open.per_account.insert(account, mine + 1);
        let (streams, ended) = open.sessions.entry(session.to_string()).or_insert_with(|| (0, watch::channel(false).0));
        *streams += 1;
        let ended = ended.subscribe();
        Some((Slot { streams: self.clone(), account, session: session.to_string() }, ended))
    }

    /// Streams open now (for the tests and the log).
    pub fn open(&self) -> usize {
        self.lock().per_account.values().sum()
    }

    /// Every `every`, ends the streams of the sessions that are no longer live (signed out,
    /// idle too long, past their expiry, the account disabled). Runs for the server's life.
    pub async fn watch_sessions(self: Arc<Self>, state: AppState, every: Duration) {
        loop {
            tokio::time::sleep(every).await;
            let sessions: Vec<String> = self.lock().sessions.keys().cloned().collect();
            if sessions.is_empty() {
                continue;
            }
            crate::metrics::sessions_checked(sessions.len().div_ceil(500) as u64);
            match app::auth::live_among(&state, &sessions).await {
                Ok(live) => {
                    let open = self.lock();
                    for (_, (_, ended)) in open.sessions.iter().filter(|(hash, _)| !live.contains(*hash)) {
                        ended.send_replace(true);
                    }
                }
                // The database being busy is not the sessions ending: the next check decides.
                Err(err) => tracing::debug!(?err, "checking the live streams' sessions failed"),
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.streams.lock();
        if let Some(n) = open.per_account.get_mut(&self.account) {
            *n -= 1;
            if *n == 0 {
                open.per_account.remove(&self.account);
            }
        }
        if let Some((n, _)) = open.sessions.get_mut(&self.session) {
            *n -= 1;
            if *n == 0 {
                open.sessions.remove(&self.session);
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
    let Some((slot, mut ended)) = streams.take(session.account_id, &session.token_hash) else {
        tracing::warn!(account = session.account_id.get(), open = streams.open(), "live stream refused: too many open");
        return crate::guard::refusal(&parts.headers, AppError::RateLimited);
    };
    let audience = match app::repo::accounts_repo::load_user(&state.pool, session.account_id).await {
        Ok(Some(user)) => Audience::of(&user),
        Ok(None) => return crate::guard::refusal(&parts.headers, AppError::Unauthorized),
        Err(err) => return crate::guard::refusal(&parts.headers, err.into()),
    };
    let ended = async move {
        // An error: the server is dropping the watch, and the stream goes with it.
        let _ = ended.wait_for(|ended| *ended).await;
    };
    events(&state.bus, audience, cursor(&parts), slot, ended).into_response()
}

/// Subscribes from the client's cursor: the hints it missed (or a reset when they are no
/// longer kept), a hello at the current number, then the live hints of its areas. The
/// stream holds `slot` and ends when `ended` resolves.
fn events(
    bus: &Bus,
    audience: Audience,
    after: Option<u64>,
    slot: Slot,
    ended: impl std::future::Future<Output = ()> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let start = bus.subscribe_after(after.unwrap_or(0), &audience);
    let opening: Vec<Result<Event, Infallible>> = match (after, start.missed) {
        // The client has seen everything up to its cursor: what it missed, then hello.
        (Some(_), Some(missed)) => missed.iter().map(published).chain([event(&Frame::hello(start.current))]).collect(),
        // No cursor, or one the buffer no longer reaches back to: start over.
        _ => vec![event(&Frame::reset(start.current))],
    };
    let lag_bus = bus.clone();
    let updates = BroadcastStream::new(start.receiver).filter_map(move |item| {
        let _held = &slot;
        match item {
            Ok(hint) if audience.sees(&hint) => Some(published(&hint)),
            Ok(_) => None,
            // Lagged: what was lost is unknown; the client refetches everything.
            Err(BroadcastStreamRecvError::Lagged(_)) => Some(event(&Frame::reset(lag_bus.current()))),
        }
    });
    let stream = stream::iter(opening).chain(updates);
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
        let a1 = streams.take(a, "a1").expect("first");
        let _a2 = streams.take(a, "a2").expect("second");
        assert!(streams.take(a, "a1").is_none(), "two per account");
        let b1 = streams.take(b, "b").expect("another account");
        assert!(streams.take(c, "c").is_none(), "three in all");
        drop(a1);
        assert_eq!(streams.open(), 2);
        assert!(!streams.lock().sessions.contains_key("a1"), "a session without streams is not watched");
        let _c1 = streams.take(c, "c").expect("a place was given back");
        drop(b1);
        assert_eq!(streams.open(), 2);
    }
}
