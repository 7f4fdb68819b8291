//! Pure types and rules of the domain: no IO, unit-tested.
pub mod activity;
pub mod audit;
pub mod council;
pub mod csv;
pub mod dashboard;
pub mod elder;
pub mod election;
pub mod form_key;
pub mod grid;
pub mod ids;
pub mod matching;
pub mod notice;
pub mod offer;
pub mod order;
pub mod pairing;
pub mod password;
pub mod phone;
pub mod privacy;
#[cfg(test)]
mod props;
pub mod role;
pub mod sentiment;
pub mod step;
pub mod text;
pub mod time;
pub mod volunteer;
