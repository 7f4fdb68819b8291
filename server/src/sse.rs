//! `/api/events`: the live channel. Each subscriber gets its own broadcast receiver;
//! one that lags loses events (and is told to refetch), never slows the others.
use app::live::{Bus, LiveEvent, Topic};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};
use tokio_stream::StreamExt;

fn event(hint: &LiveEvent) -> Result<Event, Infallible> {
    Ok(Event::default().data(serde_json::to_string(hint).unwrap_or_default()))
}

/// Subscribes first, then says hello with the current sequence number, so a page that
/// connects after it was rendered refetches whatever changed in between.
pub fn events(bus: &Bus) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = bus.subscribe();
    let hello = LiveEvent { seq: bus.current(), topic: Topic::Orders, id: None };
    let lag_bus = bus.clone();
    let updates = BroadcastStream::new(receiver).map(move |item| match item {
        Ok(hint) => event(&hint),
        // Lagged: tell the client where the count is now; it sees the gap and refetches.
        Err(BroadcastStreamRecvError::Lagged(_)) => {
            event(&LiveEvent { seq: lag_bus.current(), topic: Topic::Orders, id: None })
        }
    });
    let stream = stream::once(async move { event(&hello) }).chain(updates);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}
