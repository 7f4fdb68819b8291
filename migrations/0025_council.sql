-- 议事会: a 议题 a resident raises for their micro-grid, grid or community (`node_id`), the
-- households that support it (附议: the primary key lets a household support once, whoever
-- of it taps), and staff's screening. A topic is never deleted: one that missed its window
-- stays, labelled 未达附议, and staff may still accept it.
CREATE TABLE council_topics (
    id             INTEGER PRIMARY KEY,
    node_id        INTEGER NOT NULL REFERENCES grid_nodes(id) ON DELETE RESTRICT,
    audience       TEXT    NOT NULL CHECK (audience IN ('micro_grid', 'grid', 'community')),
    title          TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
    body           TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    raised_by      INTEGER REFERENCES people(id) ON DELETE SET NULL,
    raised_at      INTEGER NOT NULL,
    support_until  INTEGER NOT NULL CHECK (support_until > raised_at),
    -- Households needed, fixed when it is raised from how many live in scope.
    threshold      INTEGER NOT NULL CHECK (threshold >= 1),
    stage          TEXT    NOT NULL DEFAULT 'collecting'
                   CHECK (stage IN ('collecting', 'accepted', 'scheduled', 'deliberated', 'publicised',
                                    'implementing', 'reviewed', 'declined')),
    -- Why it was not taken up: public, and required for 未采纳.
    reason         TEXT    CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
    screened_by    INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    screened_at    INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (stage <> 'declined' OR reason IS NOT NULL)
);
CREATE INDEX council_topics_node ON council_topics(node_id, raised_at);

CREATE TABLE council_supports (
    topic_id      INTEGER NOT NULL REFERENCES council_topics(id) ON DELETE CASCADE,
    household_id  INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    person_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    at            INTEGER NOT NULL,
    PRIMARY KEY (topic_id, household_id)
);
