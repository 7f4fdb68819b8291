//! Group commit for 志愿服务之星 votes. One writer task takes the votes that arrive within
//! a short window, checks and records them in one `BEGIN IMMEDIATE` transaction, in arrival
//! order, and answers each voter only after the commit (synchronous=FULL: on disk). A
//! durable commit costs the same for one vote as for hundreds, so batching is what lets
//! the server keep up with a whole street voting at once.
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
use crate::domain::election::{check_vote, VoteAttempt, VoteRefusal};
use crate::domain::ids::{AccountId, ElectionId};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::live::Bus;
use crate::repo::{audit_repo, audit_repo::AuditEntry, begin_immediate, elections_repo};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::tally::Tally;

/// One vote as the server function hands it over, with who is voting and from where.
#[derive(Debug, Clone)]
pub struct VoteRequest {
    pub voter: AccountId,
    pub nomination: i64,
    /// Codes of the areas where the voter is registered as a resident or volunteer.
    pub voter_areas: Vec<String>,
    pub ip: String,
}

/// How the writer batches: at most `max_batch` votes per transaction, waiting at most
/// `window` after the first vote of a batch for others. `max_batch = 1` is one vote per
/// transaction (the benchmark's baseline). An election's live tally is sent at most once
/// per `tally_interval` after the first frame ([`Tally`]).
#[derive(Debug, Clone, Copy)]
pub struct BatchConfig {
    pub max_batch: usize,
    pub window: Duration,
    pub tally_interval: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self { max_batch: 512, window: Duration::from_millis(2), tally_interval: Duration::from_millis(500) }
    }
}

type Reply = oneshot::Sender<Result<(), AppError>>;

/// The handle the server functions use; the task starts with the first vote.
pub struct VoteWriter {
    pool: SqlitePool,
    bus: Bus,
    config: BatchConfig,
    sender: OnceLock<mpsc::Sender<(VoteRequest, Reply)>>,
}

impl VoteWriter {
    pub fn new(pool: SqlitePool, bus: Bus, config: BatchConfig) -> Self {
        Self { pool, bus, config, sender: OnceLock::new() }
    }

    /// Records the vote (or refuses it) and returns once the outcome is durable.
    pub async fn submit(&self, vote: VoteRequest) -> Result<(), AppError> {
        let sender = self.sender.get_or_init(|| {
            // Bounded: under overload voters wait for room instead of memory growing.
            let (sender, receiver) = mpsc::channel(8192);
            tokio::spawn(run(self.pool.clone(), self.bus.clone(), self.config, receiver));
            sender
        });
        let (reply, answer) = oneshot::channel();
        sender.send((vote, reply)).await.map_err(|_| AppError::Internal)?;
        answer.await.map_err(|_| AppError::Internal)?
    }
}

async fn run(pool: SqlitePool, bus: Bus, config: BatchConfig, mut receiver: mpsc::Receiver<(VoteRequest, Reply)>) {
    let max = config.max_batch.max(1);
    let tally = Tally::spawn(pool.clone(), bus, config.tally_interval);
    let mut batch = Vec::with_capacity(max);
    while let Some(first) = receiver.recv().await {
        batch.push(first);
        let deadline = tokio::time::Instant::now() + config.window;
        while batch.len() < max {
            match receiver.try_recv() {
                Ok(next) => batch.push(next),
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {
                    match tokio::time::timeout_at(deadline, receiver.recv()).await {
                        Ok(Some(next)) => batch.push(next),
                        Ok(None) | Err(_) => break,
                    }
                }
            }
        }
        let votes: Vec<VoteRequest> = batch.iter().map(|(v, _)| v.clone()).collect();
        let outcomes = match write_batch(&pool, &votes).await {
            Ok(outcomes) => outcomes,
            // The database could not even be locked (busy past the timeout): retrying vote
            // by vote would wait that long again for each; answer the batch at once.
            Err(BatchError::Begin(e)) => {
                tracing::error!(error = %e, votes = votes.len(), "vote batch could not start");
                vec![Outcome::Failed; votes.len()]
            }
            // A database error inside rolls the whole batch back; then each vote gets its
            // own transaction so one bad vote cannot fail its neighbours.
            Err(BatchError::Write(e)) => {
                tracing::warn!(error = %e, votes = votes.len(), "vote batch rolled back; retrying one by one");
                let mut each = Vec::with_capacity(votes.len());
                for vote in &votes {
                    each.push(match write_batch(&pool, std::slice::from_ref(vote)).await {
                        Ok(mut one) => one.pop().unwrap_or(Outcome::Failed),
                        Err(BatchError::Begin(e) | BatchError::Write(e)) => {
                            tracing::error!(error = %e, "a vote could not be written");
                            Outcome::Failed
                        }
                    });
                }
                each
            }
        };
        let mut elections = BTreeSet::new();
        for ((_, reply), outcome) in batch.drain(..).zip(outcomes) {
            let answer = match outcome {
                Outcome::Counted(election) => {
                    elections.insert(election);
                    Ok(())
                }
                Outcome::Refused(msg) => Err(AppError::Conflict(msg)),
                Outcome::Unknown => Err(AppError::NotFound),
                Outcome::Failed => Err(AppError::Internal),
            };
            // The voter may have gone away; the vote stands either way.
            let _ = reply.send(answer);
        }
        // The counts go out coalesced, not once per batch: see `Tally`.
        for election in elections {
            tally.mark(election);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Counted(ElectionId),
    Refused(Msg),
    Unknown,
    Failed,
}

/// The facts of one nomination a vote needs, looked up once per batch.
type Facts = Option<elections_repo::VoteFacts>;

/// What the batch knows about one voter in one election: the candidates voted for so far.
type Voted = HashMap<(ElectionId, AccountId), HashSet<i64>>;

/// Checks `votes` in order against the database and the votes before them in the batch,
/// then records the accepted votes and every attempt's audit row with a few multi-row
/// statements, and commits before returning.
async fn write_batch(pool: &SqlitePool, votes: &[VoteRequest]) -> Result<Vec<Outcome>, BatchError> {
    let mut tx = begin_immediate(pool).await.map_err(BatchError::Begin)?;
    let outcomes = write_in(&mut tx, votes).await.map_err(BatchError::Write)?;
    tx.commit().await.map_err(BatchError::Write)?;
    Ok(outcomes)
}

/// Why a batch failed: the write lock could not be taken, or a statement or the commit failed.
enum BatchError {
    Begin(sqlx::Error),
    Write(sqlx::Error),
}

async fn write_in(tx: &mut SqliteConnection, votes: &[VoteRequest]) -> Result<Vec<Outcome>, sqlx::Error> {
    // The clock is read under the write lock: a vote written after the close is refused
    // even if it was sent before, so the result fixed at the close stays complete.
    let now = crate::repo::now();
    let mut facts: HashMap<i64, Facts> = HashMap::new();
    let mut voted: Voted = HashMap::new();
    let mut verified: HashMap<AccountId, bool> = HashMap::new();
    let mut accepted = Vec::new();
    let mut audits = Vec::with_capacity(votes.len());
    let mut outcomes = Vec::with_capacity(votes.len());
    for vote in votes {
        let (outcome, election) = check_one(&mut *tx, vote, now, &mut facts, &mut voted, &mut verified).await?;
        if let Outcome::Counted(election) = outcome {
            accepted.push((election, vote.voter, vote.nomination));
        }
        // The audit row names the election, never the candidate: nobody can list who voted for whom.
        audits.push(AuditEntry {
            actor_id: Some(vote.voter),
            object_id: election.map(ElectionId::get),
            refused: !matches!(outcome, Outcome::Counted(_)),
            detail: match outcome {
                Outcome::Refused(msg) => format!("{msg:?}"),
                Outcome::Unknown => "NotFound".into(),
                _ => String::new(),
            },
            ip: Some(vote.ip.clone()),
            ..AuditEntry::of(Action::CastVote, "star_election")
        });
        outcomes.push(outcome);
    }
    elections_repo::insert_votes(&mut *tx, &accepted, now).await?;
    audit_repo::record_many(&mut *tx, &audits).await?;
    Ok(outcomes)
}

/// The outcome of one vote and the election it was for.
async fn check_one(
    conn: &mut SqliteConnection,
    vote: &VoteRequest,
    now: i64,
    facts: &mut HashMap<i64, Facts>,
    voted: &mut Voted,
    verified: &mut HashMap<AccountId, bool>,
) -> Result<(Outcome, Option<ElectionId>), sqlx::Error> {
    let f = match facts.get(&vote.nomination) {
        Some(f) => f.clone(),
        None => {
            let f = elections_repo::vote_facts(&mut *conn, vote.nomination).await?;
            facts.insert(vote.nomination, f.clone());
            f
        }
    };
    let Some(f) = f else { return Ok((Outcome::Unknown, None)) };
    let key = (f.election_id, vote.voter);
    let mine = match voted.entry(key) {
        Entry::Occupied(known) => known.into_mut(),
        Entry::Vacant(new) => {
            new.insert(elections_repo::voted_for(&mut *conn, f.election_id, vote.voter).await?.into_iter().collect())
        }
    };
    let voter_verified = match verified.get(&vote.voter) {
        Some(v) => *v,
        None => {
            let v = elections_repo::voter_verified(&mut *conn, vote.voter).await?;
            verified.insert(vote.voter, v);
            v
        }
    };
    let attempt = VoteAttempt {
        now,
        voting_start: f.voting_start,
        voting_end: f.voting_end,
        approved: f.approved,
        in_scope: vote.voter_areas.iter().any(|a| crate::domain::grid::is_within(a, &f.scope_code)),
        verified: voter_verified,
        already_voted: mine.contains(&vote.nomination),
        used: mine.len() as i64,
        quota: f.votes_per_voter,
    };
    let outcome = match check_vote(attempt) {
        Ok(()) => {
            mine.insert(vote.nomination);
            Outcome::Counted(f.election_id)
        }
        Err(VoteRefusal::NotVoting) => Outcome::Refused(Msg::ErrNotVoting),
        Err(VoteRefusal::NotApproved) => Outcome::Refused(Msg::ErrNotApproved),
        Err(VoteRefusal::OutOfScope) => Outcome::Refused(Msg::ErrOutOfScope),
        Err(VoteRefusal::Unverified) => Outcome::Refused(Msg::ErrVoterUnverified),
        Err(VoteRefusal::AlreadyVoted) => Outcome::Refused(Msg::ErrAlreadyVoted),
        Err(VoteRefusal::QuotaUsed) => Outcome::Refused(Msg::ErrQuotaUsed),
    };
    Ok((outcome, Some(f.election_id)))
}
