//! The live tally of 志愿服务之星 elections: about two frames a second per election at most,
//! however fast the votes come. After each batch the vote writer marks the elections that
//! counted votes; the first mark after a quiet spell is sent at once, and the marks within
//! the interval after a send collapse into one frame sent when the interval has passed, so
//! the last frame always carries the final counts. A frame reads the counts once and
//! carries them only while the election may show them ([`tally_shown`]): a hidden tally is
//! a bare hint until the close.
use super::phase_of;
use crate::domain::election::tally_shown;
use crate::domain::ids::ElectionId;
use crate::live::{Bus, Frame, Topic};
use crate::repo::{elections_repo, grid_repo};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Puts on `frame` what a frame about `election` carries at `now`: the election's phase (a
/// ballot that sees it change loads the election again) and its votes per approved
/// nomination while the tally is shown, none while it is hidden. Every election frame is
/// filled here, the vote writer's and [`Writer::run`]'s.
///
/// [`Writer::run`]: crate::server_fns::write::Writer::run
pub async fn fill(
    frame: &mut Frame,
    conn: &mut SqliteConnection,
    election: ElectionId,
    now: i64,
) -> Result<(), sqlx::Error> {
    let Some(e) = elections_repo::election(&mut *conn, election).await? else { return Ok(()) };
    let phase = phase_of(&e, now);
    frame.phase = Some(phase);
    if tally_shown(e.live_tally, phase, e.closed_at.is_some()) {
        frame.tally = Some(elections_repo::tally(&mut *conn, election).await?);
    }
    Ok(())
}

/// The vote writer's side: it marks, a task of its own reads and sends, so no vote waits
/// for a tally.
pub struct Tally {
    marks: mpsc::UnboundedSender<ElectionId>,
}

impl Tally {
    /// Starts the task that sends the elections' frames on `bus`, one per `interval` at most
    /// after the first.
    pub fn spawn(pool: SqlitePool, bus: Bus, interval: Duration) -> Tally {
        // Unbounded, yet small: at most one mark per election per committed batch, taken
        // off as fast as they come.
        let (marks, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, bus, interval, receiver));
        Tally { marks }
    }

    /// `election` counted new votes, committed.
    pub fn mark(&self, election: ElectionId) {
        // The task ends only when this handle is dropped.
        let _ = self.marks.send(election);
    }
}

async fn run(pool: SqlitePool, bus: Bus, interval: Duration, mut marks: mpsc::UnboundedReceiver<ElectionId>) {
    let mut pending = Coalescer::new(interval);
    loop {
        let next = pending.next_due();
        let wait = async {
            match next {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            mark = marks.recv() => match mark {
                Some(election) => {
                    if pending.mark(election, Instant::now()) {
                        send(&pool, &bus, election).await;
                    }
                }
                // The vote writer is gone with the server: nobody is left to tell.
                None => break,
            },
            () = wait => {
                for election in pending.take_due(Instant::now()) {
                    send(&pool, &bus, election).await;
                }
            }
        }
    }
}

/// Sends `election`'s frame to the streams of its area, with the counts as of now when they
/// may be shown.
async fn send(pool: &SqlitePool, bus: &Bus, election: ElectionId) {
    let read = async {
        let mut conn = pool.acquire().await?;
        let area = grid_repo::area_of(&mut conn, Topic::Election, election.get()).await?;
        let mut frame = Frame::about(Topic::Election, Some(election.get()));
        fill(&mut frame, &mut conn, election, crate::repo::now()).await?;
        Ok::<_, sqlx::Error>((area, frame))
    };
    // Should the read fail: a bare hint to everyone (one too many, never a count).
    let (area, frame) = read.await.unwrap_or_else(|error| {
        tracing::warn!(%error, election = election.get(), "tally not read");
        (None, Frame::about(Topic::Election, Some(election.get())))
    });
    bus.send(frame, area.as_deref());
}

/// When each election's frames go out: per election, when the last one was sent and
/// whether votes came in since. Pure, the clock is the caller's.
struct Coalescer {
    interval: Duration,
    elections: HashMap<ElectionId, Sent>,
}

#[derive(Debug, Clone, Copy)]
struct Sent {
    at: Instant,
    /// Votes counted since `at`, waiting for the interval to pass.
    waiting: bool,
}

impl Coalescer {
    fn new(interval: Duration) -> Self {
        Self { interval, elections: HashMap::new() }
    }

    /// Notes votes counted in `election` at `now`: true when its frame goes out now (the
    /// first mark after a quiet spell), false when it waits for [`Self::take_due`].
    fn mark(&mut self, election: ElectionId, now: Instant) -> bool {
        match self.elections.get_mut(&election) {
            Some(sent) if now < sent.at + self.interval => {
                sent.waiting = true;
                false
            }
            _ => {
                self.elections.insert(election, Sent { at: now, waiting: false });
                true
            }
        }
    }

    /// When the first waiting frame is due.
    fn next_due(&self) -> Option<Instant> {
        self.elections.values().filter(|s| s.waiting).map(|s| s.at + self.interval).min()
    }

    /// The elections whose waiting frame is due at `now`, taken as sent now; those quiet
    /// for a whole interval are forgotten (their next mark is sent at once).
    fn take_due(&mut self, now: Instant) -> Vec<ElectionId> {
        let mut due = Vec::new();
        self.elections.retain(|&election, sent| {
            if now < sent.at + self.interval {
                true
            } else if sent.waiting {
                *sent = Sent { at: now, waiting: false };
                due.push(election);
                true
            } else {
                false
            }
        });
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const I: Duration = Duration::from_millis(500);
    const A: ElectionId = ElectionId(1);
    const B: ElectionId = ElectionId(2);

    #[test]
    fn the_first_mark_goes_at_once_and_the_rest_of_the_interval_collapses_into_one_frame_at_its_end() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut c = Coalescer::new(I);
        assert!(c.mark(A, t0), "leading edge");
        assert_eq!(c.next_due(), None, "nothing waits");
        assert!(!c.mark(A, ms(10)) && !c.mark(A, ms(200)) && !c.mark(A, ms(499)));
        assert_eq!(c.next_due(), Some(ms(500)), "one frame, an interval after the last sent");
        assert!(c.take_due(ms(499)).is_empty(), "not before");
        assert_eq!(c.take_due(ms(501)), [A]);
        assert_eq!(c.next_due(), None);
        // Votes keep coming: one frame per interval, counted from the trailing send.
        assert!(!c.mark(A, ms(700)));
        assert_eq!(c.next_due(), Some(ms(1001)));
        assert_eq!(c.take_due(ms(1001)), [A]);
        // Quiet for an interval: forgotten, and the next mark goes at once again.
        assert!(c.take_due(ms(1600)).is_empty());
        assert!(c.elections.is_empty());
        assert!(c.mark(A, ms(1700)));
    }

    #[test]
    fn elections_are_coalesced_each_on_its_own_clock() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut c = Coalescer::new(I);
        assert!(c.mark(A, t0));
        assert!(c.mark(B, ms(300)), "another election's first mark is not held back");
        assert!(!c.mark(A, ms(310)) && !c.mark(B, ms(320)));
        assert_eq!(c.next_due(), Some(ms(500)));
        assert_eq!(c.take_due(ms(500)), [A]);
        assert_eq!(c.next_due(), Some(ms(800)));
        assert_eq!(c.take_due(ms(800)), [B]);
    }

    #[test]
    fn a_steady_stream_of_marks_sends_one_frame_per_interval_and_the_last_after_the_last_mark() {
        let t0 = Instant::now();
        let mut c = Coalescer::new(I);
        let mut sent = Vec::new();
        // A mark every 20 ms for 3 s, the clock checked every 10 ms as the task would.
        for tick in 0..=300u64 {
            let now = t0 + Duration::from_millis(tick * 10);
            if c.next_due().is_some_and(|at| at <= now) {
                sent.extend(c.take_due(now).into_iter().map(|_| now));
            }
            if tick % 2 == 0 && c.mark(A, now) {
                sent.push(now);
            }
        }
        let last_mark = t0 + Duration::from_millis(3000);
        let end = last_mark + I;
        sent.extend(c.take_due(end).into_iter().map(|_| end));
        assert!(sent.len() <= 3000 / 500 + 2, "{} frames", sent.len());
        assert!(sent.windows(2).all(|w| w[1] - w[0] >= I), "never two within an interval");
        assert!(*sent.last().expect("sent") >= last_mark, "the last frame follows the last mark");
    }
}
