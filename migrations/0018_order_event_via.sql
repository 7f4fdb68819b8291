-- How an order came to be taken when it was not 接单 from the board: booked from a
-- volunteer's 我帮忙 offer, or a dispatch the volunteer accepted. Kept apart from the note
-- (which is the person's own words) so the page can say it in the reader's language.
ALTER TABLE order_events ADD COLUMN via TEXT CHECK (via IN ('offer', 'dispatch'));

UPDATE order_events SET via = 'dispatch', note = '' WHERE to_status = 'taken' AND note = '指派';
-- A booking was recorded as the resident's step; the order was taken by the offer's volunteer.
UPDATE order_events SET via = 'offer', note = '',
    actor_id = coalesce((SELECT a.id FROM service_orders o JOIN accounts a ON a.person_id = o.taker_id
                         WHERE o.id = order_events.order_id), actor_id)
 WHERE to_status = 'taken' AND note = '我帮忙';
