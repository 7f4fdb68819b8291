//! The two pages of 志愿服务之星 elections: /stars, where residents and volunteers see the
//! election of their area, stand and vote (`ballot`), and /admin/elections, where admins
//! run them (`admin`).
mod admin;
mod ballot;

pub use admin::ElectionsPage;
pub use ballot::StarsPage;
