//! 志愿服务之星 elections. `admin`: community and subdistrict admins define an election,
//! open voting, extend the close, review nominations and export the tally. `ballot`: the
//! voters' and candidates' side at /stars: the election with its candidates, standing, 投票.
//! `vote_writer`: the group commit every vote goes through; `tally`: the live counts it
//! sends, coalesced. Every change is audited; the result is fixed at the close.
mod admin;
mod ballot;
#[cfg(feature = "ssr")]
pub mod tally;
#[cfg(feature = "ssr")]
pub mod vote_writer;

#[cfg(feature = "ssr")]
pub use admin::tally_csv;
pub use admin::{
    create_election, decide_nomination, edit_election, elections_admin, extend_voting, open_voting, CreateElection,
    DecideNomination, EditElection, ElectionsAdmin, ExtendVoting, OpenVoting,
};
pub use ballot::{cast_vote, nominate, stars_data, CastVote, Nominate, StarsData};

#[cfg(feature = "ssr")]
use {
    crate::domain::election::{phase, Phase},
    crate::repo::elections_repo::ElectionFull,
};

/// Where an election stands at `now`, by its dates.
#[cfg(feature = "ssr")]
fn phase_of(e: &ElectionFull, now: i64) -> Phase {
    phase(now, e.nomination_start, e.nomination_end, e.voting_start, e.voting_end, e.notice_end)
}
