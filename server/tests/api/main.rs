//! The integration tests, one binary (each test binary links the whole server): the real
//! router on 127.0.0.1:0 with a fresh SQLite file per test, a module per feature. The
//! SIGKILL test stays its own binary (`tests/kill.rs`), since it runs the server as a child.
#[path = "../common/mod.rs"]
mod common;
#[path = "../common/app.rs"]
mod test_app;

mod access;
mod accounts;
mod activities;
mod council;
mod dashboard;
mod elders;
mod elections;
mod form_keys;
mod grid;
mod hardening;
mod inputs;
mod live;
mod open311;
mod orders;
mod party;
mod sentiment;
mod support;
