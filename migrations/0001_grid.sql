-- The grid tree: 街道 → 社区 → 网格 → 微网格 → 楼栋 → 单元, one table so that moves,
-- lazy expansion and subtree sums stay simple. Households hang off buildings/units.
-- `code` is hierarchical in the style of CJ/T 349: a child's code starts with its
-- parent's, so "inside this area" is a prefix test. `version` guards concurrent edits.
CREATE TABLE grid_nodes (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    level       TEXT    NOT NULL CHECK (level IN
                  ('subdistrict','community','grid','micro_grid','building','unit')),
    code        TEXT    NOT NULL UNIQUE CHECK (length(code) BETWEEN 6 AND 40),
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    CHECK ((level = 'subdistrict') = (parent_id IS NULL))
);
CREATE INDEX grid_nodes_parent ON grid_nodes(parent_id, sort_order);
CREATE INDEX grid_nodes_level ON grid_nodes(level);
CREATE INDEX grid_nodes_name ON grid_nodes(name);

-- A service station (驿站) belongs to a node, usually a micro-grid or a grid.
CREATE TABLE stations (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    address     TEXT    NOT NULL DEFAULT '',
    open_hours  TEXT    NOT NULL DEFAULT '',
    phone       TEXT,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX stations_node ON stations(node_id);

-- One dwelling (户) in a building or unit. `room` is private (PIPL).
CREATE TABLE households (
    id            INTEGER PRIMARY KEY,
    node_id       INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    room          TEXT    NOT NULL CHECK (length(room) BETWEEN 1 AND 20),
    members       INTEGER NOT NULL DEFAULT 1 CHECK (members BETWEEN 0 AND 50),
    over_sixty    INTEGER NOT NULL DEFAULT 0 CHECK (over_sixty BETWEEN 0 AND 50),
    living_alone  INTEGER NOT NULL DEFAULT 0 CHECK (living_alone IN (0, 1)),
    created_at    INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (node_id, room)
);

-- Per-community settings (escalation limits, heat alert).
CREATE TABLE community_settings (
    node_id                 INTEGER PRIMARY KEY REFERENCES grid_nodes(id) ON DELETE CASCADE,
    urgent_limit_minutes    INTEGER NOT NULL DEFAULT 30 CHECK (urgent_limit_minutes > 0),
    normal_limit_minutes    INTEGER NOT NULL DEFAULT 1440 CHECK (normal_limit_minutes > 0),
    heat_alert              INTEGER NOT NULL DEFAULT 0 CHECK (heat_alert IN (0, 1)),
    updated_at              INTEGER NOT NULL DEFAULT (unixepoch())
);
