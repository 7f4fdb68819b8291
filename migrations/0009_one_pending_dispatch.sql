-- A double tap on 指派 names the volunteer once: one pending dispatch per order and volunteer.
CREATE UNIQUE INDEX order_dispatches_pending ON order_dispatches(order_id, volunteer_id) WHERE response IS NULL;
