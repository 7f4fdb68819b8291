//! The periodic tasks the server runs every 30 seconds. Each first asks, with a read, whether
//! anything is due (an idle tick stops there and never takes the write lock); then it is one
//! write through the same spine as a server function ([`Writer::run`]: `BEGIN IMMEDIATE`,
//! repo calls, commit, then the live event), with the system as the actor, in which the rows
//! read under the lock decide, and answers how many things it changed. Each is idempotent:
//! running one twice, or on two ticks that overlap a slow disk, changes nothing the first
//! run did not.
#![cfg(feature = "ssr")]

use crate::domain::audit::Action;
use crate::domain::notice::{excerpt, Notice};
use crate::domain::pairing::next_occurrence;
use crate::domain::sentiment::escalation_due;
use crate::error::AppError;
use crate::live::Topic;
use crate::repo::{
    council_repo, elections_repo, notices_repo, orders_repo, pairings_repo, sentiment_repo, sessions_repo,
};
use crate::server_fns::write::{Act, Writer};
use crate::state::AppState;
use sqlx::SqliteConnection;

/// Runs every job once per `period`, for as long as the server runs.
pub async fn every(state: AppState, period: std::time::Duration) {
    let mut tick = tokio::time::interval(period);
    loop {
        tick.tick().await;
        run_all(&state, crate::repo::now()).await;
    }
}

/// Runs every job once as of `at`; a failing job is logged and the others still run.
/// Paired orders are created before overdue orders are escalated, so a new slot order is
/// never escalated on the tick that made it.
pub async fn run_all(state: &AppState, at: i64) {
    report("pairing schedules", run_schedules(state, at).await);
    report("closing elections", close_elections(state, at).await);
    report("民情 escalation (督办)", escalate_items(state, at).await);
    report("议事会 escalation (督办)", escalate_topics(state, at).await);
    report("purging ended sessions", purge_sessions(state, at).await);
    report("order escalation", escalate_orders(state, at).await);
}

fn report(job: &str, result: Result<u64, AppError>) {
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(job, changed = n, "periodic job"),
        Err(err) => tracing::error!(job, %err, "periodic job failed"),
    }
}

fn system(state: &AppState) -> Writer {
    Writer { state: state.clone(), actor: None }
}

/// Whether the read `due`, outside any transaction, finds something to do. Only a hint: the
/// write that follows reads its rows again under the lock.
async fn anything_due(
    state: &AppState,
    due: impl AsyncFnOnce(&mut SqliteConnection) -> Result<bool, sqlx::Error>,
) -> Result<bool, AppError> {
    let mut conn = state.pool.acquire().await?;
    Ok(due(&mut conn).await?)
}

/// Creates this week's orders of the standing pairings (结对帮扶) that are due.
pub async fn run_schedules(state: &AppState, at: i64) -> Result<u64, AppError> {
    let due = anything_due(state, async |conn| {
        for pairing in pairings_repo::active(conn).await? {
            let Some(start) = next_occurrence(at, pairing.weekday as u32, pairing.part as u32) else { continue };
            if pairings_repo::slot_missing(conn, &pairing, start).await? {
                return Ok(true);
            }
        }
        Ok(false)
    });
    if !due.await? {
        return Ok(0);
    }
    system(state)
        .run(Act::new(Action::PairingSchedule, "pairing"), async |tx, out| {
            let mut created = 0;
            for pairing in pairings_repo::active(tx).await? {
                let Some(start) = next_occurrence(at, pairing.weekday as u32, pairing.part as u32) else { continue };
                if pairings_repo::create_slot_order(tx, &pairing, start, at).await?.is_some() {
                    created += 1;
                }
            }
            if created > 0 {
                out.publish(Topic::Orders, None);
            }
            Ok(created)
        })
        .await
}

/// Fixes the results of elections whose voting has closed; also run before a closed
/// election is shown, so nobody sees a tally the job has not fixed yet.
pub async fn close_elections(state: &AppState, at: i64) -> Result<u64, AppError> {
    if !anything_due(state, async |conn| elections_repo::any_close_due(conn, at).await).await? {
        return Ok(0);
    }
    system(state)
        .run(Act::new(Action::CloseElections, "star_election"), async |tx, out| {
            let closed = elections_repo::close_due(tx, at).await?;
            for &id in &closed {
                tracing::info!(election = id.get(), "election closed; stars fixed");
                out.publish(Topic::Election, Some(id.get()));
            }
            Ok(closed.len() as u64)
        })
        .await
}

/// Sends 民情 items past their deadline up to the grid leader, then to the community (督办).
pub async fn escalate_items(state: &AppState, at: i64) -> Result<u64, AppError> {
    let due = anything_due(state, async |conn| {
        let rows = sentiment_repo::overdue(conn, at).await?;
        Ok(rows.iter().any(|r| escalation_due(r.stage, r.deadline, r.escalation_level, at).is_some()))
    });
    if !due.await? {
        return Ok(0);
    }
    system(state)
        .run(Act::new(Action::SentimentEscalation, "sentiment_item"), async |tx, out| {
            let mut n = 0;
            for row in sentiment_repo::overdue(tx, at).await? {
                let Some(level) = escalation_due(row.stage, row.deadline, row.escalation_level, at) else { continue };
                if !sentiment_repo::escalate(tx, row.id, row.version, level, at).await? {
                    continue;
                }
                let roles: &[&str] = if level == 1 { &["grid_leader"] } else { &["community_admin"] };
                let note = if level == 1 {
                    "督办：已超期，提交网格长"
                } else {
                    "督办：超期两天以上，提交社区"
                };
                sentiment_repo::add_line(tx, row.id, None, row.stage, None, note, "escalation", at).await?;
                let staff = sentiment_repo::staff_over(tx, &row.micro_grid_code, roles).await?;
                let notice = Notice::SentimentEscalation { item: row.id, level, excerpt: excerpt(&row.description) };
                notices_repo::notify(tx, &staff, &notice).await?;
                n += 1;
            }
            if n > 0 {
                out.publish(Topic::Sentiment, None);
            }
            Ok(n)
        })
        .await
}

/// Sends 议题 unanswered a week after they were raised up (督办), once each: to the
/// community for a micro-grid's or grid's topic, to the subdistrict for a community's.
pub async fn escalate_topics(state: &AppState, at: i64) -> Result<u64, AppError> {
    use crate::domain::council::SCREEN_DAYS;
    // Unanswered past the week `council::overdue` shows on the topic.
    let before = at - SCREEN_DAYS * 86_400;
    if !anything_due(state, async |conn| Ok(!council_repo::unanswered(conn, before).await?.is_empty())).await? {
        return Ok(0);
    }
    system(state)
        .run(Act::new(Action::TopicEscalation, "council_topic"), async |tx, _| {
            let mut n = 0;
            for row in council_repo::unanswered(tx, before).await? {
                if !council_repo::escalate(tx, row.id, at).await? {
                    continue;
                }
                let roles: &[&str] =
                    if row.audience == "community" { &["subdistrict_admin"] } else { &["community_admin"] };
                let staff = sentiment_repo::staff_over(tx, &row.code, roles).await?;
                notices_repo::notify(tx, &staff, &Notice::TopicEscalation { topic: row.id, title: row.title }).await?;
                n += 1;
            }
            Ok(n)
        })
        .await
}

/// Deletes sessions past their idle or absolute limit (they are refused anyway).
pub async fn purge_sessions(state: &AppState, at: i64) -> Result<u64, AppError> {
    let idle = state.settings.session_idle.as_secs() as i64;
    if !anything_due(state, async |conn| sessions_repo::any_expired(conn, at, idle).await).await? {
        return Ok(0);
    }
    system(state)
        .run(Act::new(Action::PurgeSessions, "session"), async |tx, _| {
            Ok(sessions_repo::delete_expired(tx, at, idle).await?)
        })
        .await
}

/// Marks open orders that nobody took within their community's limit as escalated, so
/// they appear in the grid leader's queue, and tells every open board.
pub async fn escalate_orders(state: &AppState, at: i64) -> Result<u64, AppError> {
    if !anything_due(state, async |conn| orders_repo::any_overdue(conn, at).await).await? {
        return Ok(0);
    }
    system(state)
        .run(Act::new(Action::EscalateOrders, "service_order"), async |tx, out| {
            let n = orders_repo::escalate_overdue(tx, at).await?;
            if n > 0 {
                out.publish(Topic::Orders, None);
            }
            Ok(n)
        })
        .await
}
