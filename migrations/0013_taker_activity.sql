-- The take and release limits count a volunteer's recent order events.
CREATE INDEX order_events_actor ON order_events(actor_id, at);
