-- 议事会 minutes, one per topic discussed: the motion, the show of hands, the decision, who
-- carries it out and by when. The secretary writes them; a chair who is someone else signs
-- them, and signing moves the topic to 已协商. Signed minutes are not rewritten.
CREATE TABLE council_minutes (
    topic_id       INTEGER PRIMARY KEY REFERENCES council_topics(id) ON DELETE RESTRICT,
    motion         TEXT    NOT NULL CHECK (length(motion) BETWEEN 1 AND 500),
    votes_for      INTEGER NOT NULL CHECK (votes_for >= 0),
    votes_against  INTEGER NOT NULL CHECK (votes_against >= 0),
    abstaining     INTEGER NOT NULL CHECK (abstaining >= 0),
    decision       TEXT    NOT NULL CHECK (length(decision) BETWEEN 1 AND 1000),
    owner          TEXT    NOT NULL CHECK (length(owner) BETWEEN 1 AND 40),
    deadline       INTEGER NOT NULL,
    secretary_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
    written_at     INTEGER NOT NULL,
    chair_id       INTEGER REFERENCES accounts(id) ON DELETE RESTRICT,
    signed_at      INTEGER,
    CHECK ((chair_id IS NULL) = (signed_at IS NULL)),
    CHECK (chair_id IS NULL OR chair_id <> secretary_id)
);
