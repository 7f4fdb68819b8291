//! `/api/events`: the live channel. Each subscriber gets its own broadcast receiver;
//! one that lags loses events (and is told to refetch), never slows the others.
use app::live::{Bus, LiveEvent, Topic};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::Stream;
use std::convert::Infallible;
use std::time::Duration;
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};
use tokio_stream::StreamExt;

pub fn events(bus: &Bus) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(bus.subscribe()).map(|item| {
        let event = match item {
            Ok(event) => event,
            // Lagged: send a hint with seq 0 for every topic; the client sees a gap and refetches.
            Err(BroadcastStreamRecvError::Lagged(_)) => LiveEvent { seq: 0, topic: Topic::Orders, id: None },
        };
        Ok(Event::default().data(serde_json::to_string(&event).unwrap_or_default()))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}
