-- 志愿服务之星 elections.
CREATE TABLE star_elections (
    id                 INTEGER PRIMARY KEY,
    title              TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 80),
    scope_node_id      INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    stars              INTEGER NOT NULL DEFAULT 10 CHECK (stars BETWEEN 1 AND 100),
    votes_per_voter    INTEGER NOT NULL DEFAULT 10 CHECK (votes_per_voter BETWEEN 1 AND 100),
    nomination_start   INTEGER NOT NULL,
    nomination_end     INTEGER NOT NULL,
    voting_start       INTEGER NOT NULL,
    voting_end         INTEGER NOT NULL,
    notice_end         INTEGER NOT NULL,
    live_tally         INTEGER NOT NULL DEFAULT 1 CHECK (live_tally IN (0, 1)),
    min_service_hours  INTEGER NOT NULL DEFAULT 0 CHECK (min_service_hours >= 0),
    created_by         INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         INTEGER NOT NULL DEFAULT (unixepoch()),
    CHECK (nomination_start <= nomination_end AND nomination_end <= voting_start
           AND voting_start < voting_end AND voting_end <= notice_end)
);

CREATE TABLE nominations (
    id            INTEGER PRIMARY KEY,
    election_id   INTEGER NOT NULL REFERENCES star_elections(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
    nominated_by  INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    intro         TEXT    NOT NULL DEFAULT '' CHECK (length(intro) <= 500),
    status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
    reason        TEXT    CHECK (reason IS NULL OR length(reason) <= 200),
    decided_by    INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    decided_at    INTEGER,
    created_at    INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (election_id, person_id)
);

-- One row per (election, voter, candidate): a vote cannot be cast twice.
CREATE TABLE star_votes (
    id             INTEGER PRIMARY KEY,
    election_id    INTEGER NOT NULL REFERENCES star_elections(id) ON DELETE RESTRICT,
    voter_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
    nomination_id  INTEGER NOT NULL REFERENCES nominations(id) ON DELETE RESTRICT,
    cast_at        INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (election_id, voter_id, nomination_id)
);
CREATE INDEX star_votes_tally ON star_votes(election_id, nomination_id);
