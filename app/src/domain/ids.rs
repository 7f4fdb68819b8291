//! Ids of the things that are easy to mix up. An order's requester is a person but its
//! placer is an account; a vote's voter is an account but its candidate a person; a grid
//! node, an order and an election are all integers in the database. Each is its own type, so
//! passing one where another is meant does not compile.
//!
//! On the wire and in forms each is its bare number (`serde(transparent)`), in SQL an
//! INTEGER (`sqlx(transparent)`), in text its decimal digits.
use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[cfg_attr(feature = "ssr", sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            /// The number as stored, for arithmetic-free uses such as ordering keys.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

ids! {
    /// A service order (`service_orders.id`).
    OrderId;
    /// A person: resident, volunteer, elder (`people.id`), whether or not they can sign in.
    PersonId;
    /// A sign-in account (`accounts.id`): who acted, who voted, who placed an order.
    AccountId;
    /// A node of the grid tree (`grid_nodes.id`): city down to unit.
    NodeId;
    /// A 志愿服务之星 election (`elections.id`).
    ElectionId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_bare_numbers_on_the_wire_and_in_text() {
        assert_eq!(serde_json::to_string(&OrderId(42)).ok().as_deref(), Some("42"));
        assert_eq!(serde_json::from_str::<PersonId>("7").ok(), Some(PersonId(7)));
        assert_eq!(AccountId(3).to_string(), "3");
        assert_eq!("15".parse::<NodeId>(), Ok(NodeId(15)));
        assert!("x".parse::<ElectionId>().is_err());
    }
}
