-- 民情 closed loop, elder care and Open311: what the first schema did not yet hold.

-- The handler with an account (a volunteer), when the handler is a person on the platform.
ALTER TABLE sentiment_items ADD COLUMN handler_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL;
-- When the handler reported the work done (on-time rate = handled_at <= deadline).
ALTER TABLE sentiment_items ADD COLUMN handled_at INTEGER;
-- How often verification sent the item back (返工).
ALTER TABLE sentiment_items ADD COLUMN rework_count INTEGER NOT NULL DEFAULT 0 CHECK (rework_count >= 0);
-- When the item was last escalated (督办), with escalation_level saying to whom.
ALTER TABLE sentiment_items ADD COLUMN escalated_at INTEGER;
-- The reporter's own verdict after closure: 1 resolved, 0 not resolved. "Closed" is not "fixed".
ALTER TABLE sentiment_items ADD COLUMN resident_resolved INTEGER CHECK (resident_resolved IN (0, 1));
-- 回头看: when the re-check of an inspection was done (recheck_due_at says when it is due).
ALTER TABLE sentiment_items ADD COLUMN recheck_done_at INTEGER;
-- Where the item came from: the app, or an Open311 client.
ALTER TABLE sentiment_items ADD COLUMN source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'open311'));
CREATE INDEX sentiment_items_reporter ON sentiment_items(reporter_id);
CREATE INDEX sentiment_items_created ON sentiment_items(created_at);

-- Stage rows also carry follow-ups (dispute visits), warning changes, escalations,
-- re-checks and the resident's confirmation, in the same timeline.
ALTER TABLE sentiment_stages ADD COLUMN kind TEXT NOT NULL DEFAULT 'stage'
    CHECK (kind IN ('stage', 'follow_up', 'warning', 'escalation', 'recheck', 'confirm', 'order'));

-- Welfare checks: who took it and what they found.
ALTER TABLE welfare_checks ADD COLUMN handled_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL;
ALTER TABLE welfare_checks ADD COLUMN outcome_note TEXT NOT NULL DEFAULT '' CHECK (length(outcome_note) <= 500);
ALTER TABLE welfare_checks ADD COLUMN updated_at INTEGER;
CREATE INDEX welfare_checks_grid ON welfare_checks(micro_grid_id, status);

CREATE INDEX visit_logs_time ON visit_logs(visited_at);

-- Open311 GeoReport v2 keys, issued by an admin for an area; only the hash is kept.
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE CASCADE,
    label       TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
    key_hash    TEXT    NOT NULL UNIQUE,
    created_by  INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    revoked_at  INTEGER
);
