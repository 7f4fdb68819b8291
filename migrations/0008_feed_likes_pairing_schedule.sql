-- 朋友圈 likes: one per account and post.
CREATE TABLE feed_likes (
    post_id     INTEGER NOT NULL REFERENCES feed_posts(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (post_id, account_id)
) WITHOUT ROWID;

-- One thank-you post per order.
CREATE UNIQUE INDEX feed_posts_order ON feed_posts(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX feed_posts_id_node ON feed_posts(node_id, id);

-- 1+1 pairings repeat weekly: a weekday (0 = Monday) and part of the day (0 morning,
-- 1 afternoon, 2 evening); each run creates one paired order, at most once per date.
ALTER TABLE pairings ADD COLUMN weekday INTEGER NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 6);
ALTER TABLE pairings ADD COLUMN part INTEGER NOT NULL DEFAULT 0 CHECK (part BETWEEN 0 AND 2);
ALTER TABLE pairings ADD COLUMN title TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 60);
ALTER TABLE pairings ADD COLUMN created_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL;
ALTER TABLE service_orders ADD COLUMN pairing_id INTEGER REFERENCES pairings(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX service_orders_pairing_slot ON service_orders(pairing_id, window_start) WHERE pairing_id IS NOT NULL;
