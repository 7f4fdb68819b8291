//! Helpers more than one feature's tests use.
pub use app::domain::ids::{AccountId, NodeId, OrderId, PersonId};
use reqwest::StatusCode;

/// A local date `offset_days` from today, as the forms take it.
pub fn local_day(offset_days: i64) -> String {
    app::domain::time::format_local_date(app::repo::now() + offset_days * 86_400)
}

/// The distinct bodies of a race whose every answer must be 200.
pub fn distinct_ok_bodies(answers: Vec<(StatusCode, String)>) -> std::collections::HashSet<String> {
    answers
        .into_iter()
        .map(|(status, body)| {
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        })
        .collect()
}
