//! One file per route.
pub mod admin;
pub mod audit;
pub mod board;
pub mod elections;
pub mod feed;
pub mod home;
pub mod login;
pub mod me;
pub mod offers;
pub mod order;
pub mod pairings;
pub mod queue;
pub mod stars;
pub mod volunteer;
