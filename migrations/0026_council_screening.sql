-- 议事会 screening's other answers: a topic merged into another (its supporters move there)
-- or sent into the 民情 loop (a repair is not a debate), and 督办 for one unanswered for a
-- week. SQLite cannot change a CHECK in place, so the two tables are copied aside, dropped
-- (supports first, so dropping the topics cascades to nothing) and made again.
CREATE TABLE council_topics_old AS SELECT * FROM council_topics;
CREATE TABLE council_supports_old AS SELECT * FROM council_supports;
DROP TABLE council_supports;
DROP TABLE council_topics;

CREATE TABLE council_topics (
    id             INTEGER PRIMARY KEY,
    node_id        INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    audience       TEXT    NOT NULL CHECK (audience IN ('micro_grid', 'grid', 'community')),
    title          TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
    body           TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    raised_by      INTEGER REFERENCES people(id) ON DELETE SET NULL,
    raised_at      INTEGER NOT NULL,
    support_until  INTEGER NOT NULL CHECK (support_until > raised_at),
    threshold      INTEGER NOT NULL CHECK (threshold >= 1),
    stage          TEXT    NOT NULL DEFAULT 'collecting'
                   CHECK (stage IN ('collecting', 'accepted', 'scheduled', 'deliberated', 'publicised',
                                    'implementing', 'reviewed', 'declined', 'merged', 'referred')),
    reason         TEXT    CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
    screened_by    INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    screened_at    INTEGER,
    -- 并入: the topic that carries it on, and its supporters, from now.
    merged_into    INTEGER REFERENCES council_topics(id) ON DELETE RESTRICT,
    -- 转民情: the item that carries it on in the 民情 loop.
    item_id        INTEGER REFERENCES sentiment_items(id) ON DELETE RESTRICT,
    -- 督办: when the job sent it up for being unanswered a week; once.
    escalated_at   INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (stage <> 'declined' OR reason IS NOT NULL),
    CHECK ((stage = 'merged') = (merged_into IS NOT NULL)),
    CHECK ((stage = 'referred') = (item_id IS NOT NULL)),
    CHECK (merged_into IS NULL OR merged_into <> id)
);
CREATE INDEX council_topics_node ON council_topics(node_id, raised_at);
CREATE INDEX council_topics_unanswered ON council_topics(raised_at) WHERE stage = 'collecting' AND escalated_at IS NULL;

CREATE TABLE council_supports (
    topic_id      INTEGER NOT NULL REFERENCES council_topics(id) ON DELETE CASCADE,
    household_id  INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    person_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    at            INTEGER NOT NULL,
    PRIMARY KEY (topic_id, household_id)
);

INSERT INTO council_topics (id, node_id, audience, title, body, raised_by, raised_at, support_until, threshold,
                            stage, reason, screened_by, screened_at, version)
    SELECT id, node_id, audience, title, body, raised_by, raised_at, support_until, threshold,
           stage, reason, screened_by, screened_at, version FROM council_topics_old;
INSERT INTO council_supports (topic_id, household_id, person_id, at)
    SELECT topic_id, household_id, person_id, at FROM council_supports_old;
DROP TABLE council_supports_old;
DROP TABLE council_topics_old;
