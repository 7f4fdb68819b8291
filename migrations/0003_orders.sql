-- 我帮忙: a volunteer's standing offer.
CREATE TABLE offers (
    id            INTEGER PRIMARY KEY,
    volunteer_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    section       TEXT    NOT NULL CHECK (section IN ('daily_life','health','policy','assistance','environment')),
    title         TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 60),
    description   TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    schedule      TEXT    NOT NULL DEFAULT '' CHECK (length(schedule) <= 100),
    node_id       INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX offers_node ON offers(node_id, active);

-- 我需要: a service order. room and contact_phone are private (taker and staff only).
CREATE TABLE service_orders (
    id                 INTEGER PRIMARY KEY,
    requester_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
    placed_by          INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
    on_behalf          INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0, 1)),
    idempotency_key    TEXT    CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 8 AND 64),
    section            TEXT    NOT NULL CHECK (section IN ('daily_life','health','policy','assistance','environment')),
    title              TEXT    NOT NULL CHECK (length(title) BETWEEN 2 AND 60),
    description        TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    urgency            TEXT    NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal','urgent')),
    window_start       INTEGER,
    window_end         INTEGER,
    micro_grid_id      INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    building_id        INTEGER REFERENCES grid_nodes(id) ON DELETE SET NULL,
    room               TEXT    NOT NULL DEFAULT '' CHECK (length(room) <= 20),
    contact_phone      TEXT    CHECK (contact_phone IS NULL OR length(contact_phone) = 11),
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN
                         ('open','taken','in_service','awaiting_confirmation','completed','cancelled')),
    taker_id           INTEGER REFERENCES people(id) ON DELETE RESTRICT,
    offer_id           INTEGER REFERENCES offers(id) ON DELETE SET NULL,
    minutes_spent      INTEGER CHECK (minutes_spent IS NULL OR minutes_spent BETWEEN 1 AND 1440),
    rating             INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rating_comment     TEXT    CHECK (rating_comment IS NULL OR length(rating_comment) <= 500),
    disputed           INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
    escalated_at       INTEGER,
    escalation_reason  TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         INTEGER NOT NULL DEFAULT (unixepoch()),
    taken_at           INTEGER,
    started_at         INTEGER,
    finished_at        INTEGER,
    confirmed_at       INTEGER,
    cancelled_at       INTEGER,
    updated_at         INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (placed_by, idempotency_key),
    CHECK ((status = 'open' OR status = 'cancelled') OR taker_id IS NOT NULL),
    CHECK (window_end IS NULL OR window_start IS NULL OR window_end >= window_start)
);
CREATE INDEX service_orders_board ON service_orders(status, micro_grid_id, urgency, created_at);
CREATE INDEX service_orders_taker ON service_orders(taker_id, status);
CREATE INDEX service_orders_requester ON service_orders(requester_id, status);

-- Every transition of an order, with its actor and time.
CREATE TABLE order_events (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES service_orders(id) ON DELETE CASCADE,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    actor_id     INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    note         TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    at           INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX order_events_order ON order_events(order_id, at);

-- 指派: a grid leader dispatches an order to a named volunteer, who accepts or declines.
CREATE TABLE order_dispatches (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES service_orders(id) ON DELETE CASCADE,
    volunteer_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    dispatched_by  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
    response       TEXT    CHECK (response IN ('accepted','declined')),
    created_at     INTEGER NOT NULL DEFAULT (unixepoch()),
    responded_at   INTEGER
);
CREATE INDEX order_dispatches_volunteer ON order_dispatches(volunteer_id, response);

-- Long-term 1+1 pairings of a volunteer with a household, repeated on a schedule.
CREATE TABLE pairings (
    id            INTEGER PRIMARY KEY,
    volunteer_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    section       TEXT    NOT NULL CHECK (section IN ('daily_life','health','policy','assistance','environment')),
    schedule      TEXT    NOT NULL DEFAULT '' CHECK (length(schedule) <= 100),
    started_on    INTEGER NOT NULL DEFAULT (unixepoch()),
    ended_on      INTEGER,
    UNIQUE (volunteer_id, person_id, section)
);

-- The shared 朋友圈: thanks, finished services, station news.
CREATE TABLE feed_posts (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('thanks','service_done','station_news')),
    body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    order_id    INTEGER REFERENCES service_orders(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX feed_posts_node ON feed_posts(node_id, created_at);
