-- 民情: items in the closed loop, disputes and inspections share the table.
CREATE TABLE sentiment_items (
    id                     INTEGER PRIMARY KEY,
    kind                   TEXT    NOT NULL DEFAULT 'report' CHECK (kind IN ('report','dispute','inspection')),
    category               TEXT    NOT NULL CHECK (category IN
                             ('facility','safety','sanitation','dispute','illegal_building','other')),
    micro_grid_id          INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    building_id            INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    unit_id                INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    place_note             TEXT    NOT NULL DEFAULT '' CHECK (length(place_note) <= 100),
    description            TEXT    NOT NULL CHECK (length(description) BETWEEN 2 AND 2000),
    reporter_id            INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    stage                  TEXT    NOT NULL DEFAULT 'collected' CHECK (stage IN
                             ('collected','reported','accepted','dispatched','handled','verified',
                              'closed','voided','parked')),
    handler_kind           TEXT    CHECK (handler_kind IN ('volunteer','property','department')),
    handler_name           TEXT    CHECK (handler_name IS NULL OR length(handler_name) <= 80),
    deadline               INTEGER,
    escalation_level       INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
    warning_level          TEXT    CHECK (warning_level IN ('green','yellow','red')),
    recheck_due_at         INTEGER,
    closed_at              INTEGER,
    resident_confirmed_at  INTEGER,
    resident_rating        INTEGER CHECK (resident_rating IS NULL OR resident_rating BETWEEN 1 AND 5),
    order_id               INTEGER REFERENCES service_orders(id) ON DELETE SET NULL,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at             INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX sentiment_items_grid ON sentiment_items(micro_grid_id, stage);
CREATE INDEX sentiment_items_deadline ON sentiment_items(stage, deadline);

CREATE TABLE sentiment_stages (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES sentiment_items(id) ON DELETE CASCADE,
    from_stage  TEXT,
    to_stage    TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    note        TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    at          INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX sentiment_stages_item ON sentiment_stages(item_id, at);

CREATE TABLE sentiment_photos (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES sentiment_items(id) ON DELETE CASCADE,
    mime        TEXT    NOT NULL CHECK (mime IN ('image/jpeg','image/png','image/webp')),
    width       INTEGER NOT NULL CHECK (width > 0),
    height      INTEGER NOT NULL CHECK (height > 0),
    bytes       BLOB    NOT NULL CHECK (length(bytes) <= 2000000),
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TABLE dispute_parties (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES sentiment_items(id) ON DELETE CASCADE,
    name     TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    contact  TEXT    CHECK (contact IS NULL OR length(contact) <= 40)
);

CREATE TABLE inspection_checks (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES sentiment_items(id) ON DELETE CASCADE,
    label    TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    passed   INTEGER CHECK (passed IN (0, 1))
);
