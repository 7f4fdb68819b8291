//! Data that crosses the wire between server functions and pages.
use serde::{Deserialize, Serialize};

/// One node with the sums of its subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AreaSummary {
    pub id: i64,
    pub level: String,
    pub code: String,
    pub name: String,
    pub households: i64,
    pub residents: i64,
    pub over_sixty: i64,
    pub living_alone: i64,
    pub open_orders: i64,
    pub leaders: Option<String>,
    pub station: Option<String>,
}

/// The numbers on the home page for an area.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AreaNumbers {
    pub open_orders: i64,
    pub volunteers: i64,
    pub service_minutes: i64,
    pub completed: i64,
}

/// A station (驿站) as the home page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationCard {
    pub name: String,
    pub address: String,
    pub open_hours: String,
}

/// An open order on the public board: masked name and building only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCard {
    pub id: i64,
    pub section: crate::domain::order::ServiceSection,
    pub urgency: crate::domain::order::Urgency,
    pub title: String,
    pub age_secs: i64,
    pub building: Option<String>,
    pub requester_masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedItem {
    pub id: i64,
    pub kind: String,
    pub body: String,
    pub age_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeView {
    pub area_name: String,
    pub station: Option<StationCard>,
    pub numbers: AreaNumbers,
    pub latest: Vec<OrderCard>,
    pub feed: Vec<FeedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardView {
    pub area_name: String,
    pub counts: Vec<(crate::domain::order::ServiceSection, i64)>,
    pub orders: Vec<OrderCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateCard {
    pub nomination_id: i64,
    pub name: String,
    pub intro: String,
    pub micro_grid: Option<String>,
    pub service_hours: f64,
    pub orders_completed: i64,
    pub avg_rating: Option<f64>,
    pub sections: Vec<crate::domain::order::ServiceSection>,
    /// Shown only when the election's tally is live.
    pub votes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElectionView {
    pub id: i64,
    pub title: String,
    pub scope_name: String,
    pub stars: i64,
    pub votes_per_voter: i64,
    pub voting_start: i64,
    pub voting_end: i64,
    pub candidates: Vec<CandidateCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeView {
    pub name: String,
    /// The owner's own full phone number.
    pub phone: String,
    pub building: Option<String>,
    pub micro_grid: Option<String>,
    pub community: Option<String>,
    pub service_minutes: i64,
    pub orders_completed: i64,
    pub orders_placed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    pub node: AreaSummary,
    pub children: Vec<AreaSummary>,
}
