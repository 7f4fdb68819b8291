//! The one way a server function changes state.
//!
//! A server function that writes reads like this ([`super::feed::post_news`]), and only the
//! middle is its own:
//!
//! ```text
//! let (w, user) = Writer::signed_in()?;                                // who (401 when nobody)
//! let scope = user.widest_staff_scope().ok_or(AppError::Forbidden)?;  // 403 before anything is opened
//! let body = ctx::required_text(&body, "body", POST_CHARS)?;           // field errors, nothing opened
//! let area = community_prefix(&scope.node_code).to_string();
//! w.run(Act::new(Action::PostNews, "feed_post"), async |tx, out| {
//!     // Rule checks on rows read under the lock, repo writes:
//!     let id = board_repo::insert_post(tx, &area, user.account_id, "station_news", &body, None)
//!         .await?
//!         .ok_or(AppError::NotFound)?;
//!     out.audit(AuditEntry { object_id: Some(id), ..AuditEntry::of(Action::PostNews, "feed_post") });
//!     out.publish(Topic::Notices, Some(id));
//!     Ok(())
//! })
//! .await
//! ```
//!
//! `run` opens `BEGIN IMMEDIATE` (so rows read in the body cannot change before the write),
//! reads the clock under that lock (`out.now`), runs the body, writes the audit rows the body
//! asked for, reads under the same lock which area each live event is about (the order's
//! micro-grid, the election's scope; [`grid_repo::area_of`]) and what an order's change
//! looks like on the public board, commits, and only then publishes the events to the
//! streams of those areas, numbered in commit order: a page never hears of a change that
//! was rolled back, nor of one in another community. When the body refuses (any error but an internal one), the
//! transaction is rolled back and the refusal gets its own audit row in its own transaction,
//! named by the `Act`; an internal error is only logged, because its cause is ours, not the
//! person's. Nothing else in the server-function layer opens a transaction.
#![cfg(feature = "ssr")]

use crate::domain::audit::Action;
use crate::domain::ids::{AccountId, NodeId, OrderId};
use crate::error::AppError;
use crate::live::{Frame, Topic};
use crate::repo::audit_repo::{self, AuditEntry};
use crate::repo::{begin_immediate, now};
use crate::repo::{grid_repo, orders_repo};
use crate::session::SessionUser;
use crate::state::AppState;
use sqlx::SqliteConnection;

use super::ctx;

/// Who writes: the app's state and the signed-in account (none for the Open311 POST of an
/// API client and for the background jobs, which audit themselves as the system).
pub struct Writer {
    pub state: AppState,
    pub actor: Option<AccountId>,
}

impl Writer {
    /// The signed-in person of this request, and their account as the actor.
    pub fn signed_in() -> Result<(Writer, SessionUser), AppError> {
        let state = ctx::state()?;
        let user = ctx::require_user()?;
        Ok((Writer { state, actor: Some(user.account_id) }, user))
    }

    /// Runs `body` inside one `BEGIN IMMEDIATE` transaction; see the module's text.
    pub async fn run<T>(
        &self,
        act: Act,
        body: impl AsyncFnOnce(&mut SqliteConnection, &mut Outcome) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut tx = begin_immediate(&self.state.pool).await?;
        let mut out = Outcome { now: now(), audits: Vec::new(), events: Vec::new(), refusal: None, refusal_node: None };
        match body(&mut tx, &mut out).await {
            Ok(value) => {
                for mut entry in out.audits {
                    entry.actor_id = entry.actor_id.or(self.actor);
                    audit_repo::record(&mut tx, entry).await?;
                }
                // Each event goes to the streams of the area it is about, read as committed,
                // with the change itself where the pages apply it in place (an order's card
                // and the counts after it), so no page is rendered again for it.
                let mut frames = Vec::with_capacity(out.events.len());
                let mut own = Vec::new();
                for (topic, id) in out.events {
                    let mut frame = Frame::about(topic, id);
                    let area = match id {
                        Some(id) => grid_repo::area_of(&mut tx, topic, id).await?,
                        None => None,
                    };
                    if let (Topic::Orders, Some(id)) = (topic, id) {
                        frame.board = super::board::board_change(&mut tx, OrderId(id), out.now).await?;
                        // The people whose own lists show the order hear of it on their own channel.
                        for account in orders_repo::accounts_concerned(&mut tx, OrderId(id)).await? {
                            own.push((Frame::about(Topic::Mine, Some(id)), account));
                        }
                    }
                    // An election's phase and counts as committed (the close's are the
                    // final ones), the counts only while it may show them.
                    if let (Topic::Election, Some(id)) = (topic, id) {
                        let election = crate::domain::ids::ElectionId(id);
                        super::elections::tally::fill(&mut frame, &mut tx, election, out.now).await?;
                    }
                    frames.push((frame, area));
                }
                let _in_order = self.state.bus.in_order().await;
                tx.commit().await?;
                for (frame, area) in frames {
                    self.state.bus.send(frame, area.as_deref());
                }
                for (frame, account) in own {
                    self.state.bus.send_to(frame, account);
                }
                Ok(value)
            }
            Err(AppError::Internal) => Err(AppError::Internal),
            Err(err) => {
                drop(tx);
                let act = Act { node: out.refusal_node.or(act.node), ..act };
                Err(self.refused(act, out.refusal, err).await)
            }
        }
    }

    /// Refuses before anything was opened (a rule that needs no rows), with the same audit
    /// row a refusal inside the write gets.
    pub async fn refuse(&self, act: Act, err: AppError) -> AppError {
        self.refused(act, None, err).await
    }

    /// The refusal's own audit row, after the request's transaction was rolled back.
    async fn refused(&self, act: Act, detail: Option<String>, err: AppError) -> AppError {
        let entry = AuditEntry {
            actor_id: self.actor,
            object_id: act.id,
            node_id: act.node,
            refused: true,
            detail: detail.unwrap_or_else(|| format!("{:?}", err.msg())),
            ..AuditEntry::of(act.action, act.object)
        };
        ctx::refused_entry(&self.state, entry, err).await
    }
}

/// What a write is, for the audit row of its refusal: the stable action name, the kind of
/// object and, once known, its id and the grid node it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Act {
    pub action: Action,
    pub object: &'static str,
    pub id: Option<i64>,
    pub node: Option<NodeId>,
}

impl Act {
    pub fn new(action: Action, object: &'static str) -> Act {
        Act { action, object, id: None, node: None }
    }

    pub fn on(self, id: i64) -> Act {
        Act { id: Some(id), ..self }
    }

    pub fn at(self, node: NodeId) -> Act {
        Act { node: Some(node), ..self }
    }
}

/// What the body asks of the end of the write: audit rows (written before the commit, with
/// the writer as actor unless the entry names one), live events (published after it), and
/// a detail for the audit row should it refuse.
pub struct Outcome {
    /// The clock, read once the write lock was taken.
    pub now: i64,
    audits: Vec<AuditEntry<'static>>,
    events: Vec<(Topic, Option<i64>)>,
    refusal: Option<String>,
    refusal_node: Option<NodeId>,
}

impl Outcome {
    pub fn audit(&mut self, entry: AuditEntry<'static>) {
        self.audits.push(entry);
    }

    pub fn publish(&mut self, topic: Topic, id: Option<i64>) {
        self.events.push((topic, id));
    }

    /// Says more about the refusal that follows than its message does (counts, states).
    pub fn refusal_detail(&mut self, detail: String) {
        self.refusal = Some(detail);
    }

    /// Files a refusal that follows under the grid node found inside the write (the area
    /// whose admins see it in their audit view), when the `Act` could not name it before.
    pub fn refusal_node(&mut self, node: NodeId) {
        self.refusal_node = Some(node);
    }
}
