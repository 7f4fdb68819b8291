-- The audit log: who, when, what, before and after; refused attempts too. No secrets.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL DEFAULT (unixepoch()),
    actor_id     INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    action       TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 60),
    object_kind  TEXT    NOT NULL DEFAULT '' CHECK (length(object_kind) <= 40),
    object_id    INTEGER,
    node_id      INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    outcome      TEXT    NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok','refused')),
    before_json  TEXT,
    after_json   TEXT,
    detail       TEXT    NOT NULL DEFAULT '' CHECK (length(detail) <= 1000),
    ip           TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE INDEX audit_log_object ON audit_log(object_kind, object_id);

-- In-app notices, grouped into a digest by the reader's page.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
    link        TEXT    NOT NULL DEFAULT '' CHECK (length(link) <= 200),
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    read_at     INTEGER
);
CREATE INDEX notifications_account ON notifications(account_id, read_at, created_at);
