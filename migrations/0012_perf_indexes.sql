-- Indexes the query plans asked for on a loaded city (server/examples/suite.rs: 189,000
-- residents, 60,000 orders, 52,000 votes), checked with EXPLAIN QUERY PLAN.

-- The tally: each candidate's vote count (`stars_repo::candidates`, `nominations`,
-- `close_due`) counts by nomination alone, which star_votes_tally (election_id,
-- nomination_id) cannot serve without statistics: every candidate scanned all votes of
-- every election (200 candidates: 185–456 ms, now 7 ms).
CREATE INDEX star_votes_nomination ON star_votes(nomination_id);

-- The dashboard: every order figure of an area walks its micro-grids and reads their
-- orders by (micro_grid_id, status); with the columns the figures use in the index the
-- orders table itself is never read (a subdistrict of 60,000 orders: order counts,
-- take medians and the weekly series about twice as fast).
CREATE INDEX service_orders_dashboard
    ON service_orders(micro_grid_id, status, created_at, taken_at, confirmed_at, rating, escalated_at);
