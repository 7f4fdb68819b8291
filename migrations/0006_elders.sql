-- 独居老人关爱: the register of vulnerable residents, visit plans and logs.
CREATE TABLE elder_profiles (
    person_id                INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    micro_grid_id            INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    living_alone             INTEGER NOT NULL DEFAULT 0 CHECK (living_alone IN (0, 1)),
    health_notes             TEXT    NOT NULL DEFAULT '' CHECK (length(health_notes) <= 1000),
    emergency_contact_name   TEXT    CHECK (emergency_contact_name IS NULL OR length(emergency_contact_name) <= 40),
    emergency_contact_phone  TEXT    CHECK (emergency_contact_phone IS NULL OR length(emergency_contact_phone) = 11),
    created_at               INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at               INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX elder_profiles_grid ON elder_profiles(micro_grid_id);

CREATE TABLE visit_plans (
    id                    INTEGER PRIMARY KEY,
    elder_id              INTEGER NOT NULL UNIQUE REFERENCES elder_profiles(person_id) ON DELETE CASCADE,
    visitor_id            INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    every_days            INTEGER NOT NULL DEFAULT 7 CHECK (every_days BETWEEN 1 AND 90),
    heat_alert_every_days INTEGER NOT NULL DEFAULT 1 CHECK (heat_alert_every_days BETWEEN 1 AND 90),
    created_at            INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TABLE visit_logs (
    id          INTEGER PRIMARY KEY,
    elder_id    INTEGER NOT NULL REFERENCES elder_profiles(person_id) ON DELETE CASCADE,
    visitor_id  INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('safe','needs_help','emergency')),
    note        TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    order_id    INTEGER REFERENCES service_orders(id) ON DELETE SET NULL,
    visited_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX visit_logs_elder ON visit_logs(elder_id, visited_at);

-- A relative asks the grid to check on an elder (public page, no account needed).
CREATE TABLE welfare_checks (
    id               INTEGER PRIMARY KEY,
    micro_grid_id    INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    elder_name       TEXT    NOT NULL CHECK (length(elder_name) BETWEEN 1 AND 40),
    building_note    TEXT    NOT NULL CHECK (length(building_note) BETWEEN 1 AND 100),
    requester_phone  TEXT    NOT NULL CHECK (length(requester_phone) = 11),
    note             TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','done')),
    order_id         INTEGER REFERENCES service_orders(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL DEFAULT (unixepoch())
);
