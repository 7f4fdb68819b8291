-- 纪要: what the organiser writes once an occurrence is over, one per occurrence (the
-- primary key makes a second impossible), with how many had checked in when it was
-- written, and the 民情 items and orders the activity raised. It is posted to the
-- community's 朋友圈 as station news (`post_id`).
CREATE TABLE activity_records (
    activity_id  INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    body         TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 800),
    attended     INTEGER NOT NULL CHECK (attended >= 0),
    written_by   INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    written_at   INTEGER NOT NULL,
    post_id      INTEGER REFERENCES feed_posts(id) ON DELETE SET NULL
);

CREATE TABLE activity_record_links (
    activity_id  INTEGER NOT NULL REFERENCES activity_records(activity_id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('sentiment', 'order')),
    target_id    INTEGER NOT NULL,
    PRIMARY KEY (activity_id, kind, target_id)
);
