-- 驿站活动: one dated occurrence of an activity a station's staff published. A weekly
-- activity is one row per week, sharing `series_id` (the first occurrence's id). `node_id`
-- is the audience: the station's micro-grid, its grid or its community.
CREATE TABLE activities (
    id                INTEGER PRIMARY KEY,
    series_id         INTEGER REFERENCES activities(id) ON DELETE CASCADE,
    station_id        INTEGER NOT NULL REFERENCES stations(id) ON DELETE RESTRICT,
    node_id           INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    kind              TEXT    NOT NULL CHECK (kind IN ('market','training','neighbours','talk','council','listening','other')),
    title             TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 60),
    description       TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    starts_at         INTEGER NOT NULL,
    ends_at           INTEGER NOT NULL CHECK (ends_at > starts_at AND ends_at - starts_at <= 43200),
    capacity          INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    held_seats        INTEGER NOT NULL DEFAULT 0 CHECK (held_seats BETWEEN 0 AND capacity),
    signup_opens_at   INTEGER NOT NULL,
    signup_closes_at  INTEGER NOT NULL CHECK (signup_closes_at > signup_opens_at AND signup_closes_at <= starts_at),
    status            TEXT    NOT NULL DEFAULT 'published' CHECK (status IN ('published','cancelled')),
    created_by        INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX activities_node_start ON activities(node_id, starts_at);
CREATE INDEX activities_series ON activities(series_id);

-- A person's sign-up to one occurrence: a seat (`in`), a place in the queue (`waiting`,
-- by `queue_no`) or given up. One row per person and occurrence: signing up again after
-- cancelling takes the row back with a new place at the end of the queue. `by_staff`: a
-- 代报名, which may use the held seats.
CREATE TABLE activity_signups (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    status       TEXT    NOT NULL CHECK (status IN ('in','waiting','cancelled')),
    by_staff     INTEGER NOT NULL DEFAULT 0 CHECK (by_staff IN (0, 1)),
    queue_no     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at   INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (activity_id, person_id),
    UNIQUE (activity_id, queue_no)
);
CREATE INDEX activity_signups_queue ON activity_signups(activity_id, status, queue_no);
CREATE INDEX activity_signups_person ON activity_signups(person_id, status);

-- No more seats taken than the occurrence has, whatever writes them: the last word on the
-- capacity is the database's.
CREATE TRIGGER activity_signups_capacity_insert
BEFORE INSERT ON activity_signups
WHEN NEW.status = 'in'
 AND (SELECT count(*) FROM activity_signups WHERE activity_id = NEW.activity_id AND status = 'in')
     >= (SELECT capacity FROM activities WHERE id = NEW.activity_id)
BEGIN
    SELECT RAISE(ABORT, 'activity full');
END;
CREATE TRIGGER activity_signups_capacity_update
BEFORE UPDATE OF status ON activity_signups
WHEN NEW.status = 'in' AND OLD.status <> 'in'
 AND (SELECT count(*) FROM activity_signups WHERE activity_id = NEW.activity_id AND status = 'in')
     >= (SELECT capacity FROM activities WHERE id = NEW.activity_id)
BEGIN
    SELECT RAISE(ABORT, 'activity full');
END;
