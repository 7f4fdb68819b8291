-- People are residents, volunteers and staff; not every person has an account
-- (elders without smartphones are served through 代下单).
CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    full_name      TEXT    NOT NULL CHECK (length(full_name) BETWEEN 1 AND 40),
    phone          TEXT    UNIQUE CHECK (phone IS NULL OR (length(phone) = 11 AND phone GLOB '1[3-9][0-9]*')),
    gender         TEXT    CHECK (gender IN ('female','male')),
    birth_year     INTEGER CHECK (birth_year BETWEEN 1900 AND 2100),
    household_id   INTEGER REFERENCES households(id) ON DELETE SET NULL,
    micro_grid_id  INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    building_id    INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    party_member   INTEGER NOT NULL DEFAULT 0 CHECK (party_member IN (0, 1)),
    created_at     INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX people_micro_grid ON people(micro_grid_id);
CREATE INDEX people_household ON people(household_id);

-- One account per mainland mobile number.
CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    person_id            INTEGER NOT NULL UNIQUE REFERENCES people(id) ON DELETE CASCADE,
    phone                TEXT    NOT NULL UNIQUE CHECK (length(phone) = 11 AND phone GLOB '1[3-9][0-9]*'),
    password_hash        TEXT    NOT NULL,
    locale               TEXT    NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN','en')),
    elder_mode           INTEGER NOT NULL DEFAULT 0 CHECK (elder_mode IN (0, 1)),
    disabled_at          INTEGER,
    password_changed_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    created_at           INTEGER NOT NULL DEFAULT (unixepoch())
);

-- A role held over an area: the scope node (a micro-grid for members and leaders,
-- a community or subdistrict for admins, the home micro-grid for residents).
CREATE TABLE role_assignments (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role        TEXT    NOT NULL CHECK (role IN ('resident','volunteer','micro_grid_member',
                  'grid_leader','community_admin','subdistrict_admin')),
    node_id     INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    granted_by  INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (account_id, role, node_id)
);
CREATE INDEX role_assignments_node ON role_assignments(node_id, role);

-- Server-side sessions. Only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY CHECK (length(token_hash) = 64),
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL DEFAULT (unixepoch()),
    last_seen_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    expires_at    INTEGER NOT NULL,
    user_agent    TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions(account_id);

-- Volunteers: skills by section, a service area and weekly availability.
CREATE TABLE volunteer_profiles (
    person_id        INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    service_node_id  INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    -- 7 days x 3 parts of the day (morning, afternoon, evening) as a 21-bit mask.
    availability     INTEGER NOT NULL DEFAULT 0 CHECK (availability BETWEEN 0 AND 2097151),
    intro            TEXT    NOT NULL DEFAULT '' CHECK (length(intro) <= 500),
    created_at       INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at       INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE TABLE volunteer_skills (
    person_id  INTEGER NOT NULL REFERENCES volunteer_profiles(person_id) ON DELETE CASCADE,
    section    TEXT    NOT NULL CHECK (section IN ('daily_life','health','policy','assistance','environment')),
    note       TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 100),
    PRIMARY KEY (person_id, section)
) WITHOUT ROWID;
