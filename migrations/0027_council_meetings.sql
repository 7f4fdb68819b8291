-- A 议事会 meeting is a 议事坊 activity (kind 'council') of the topic's area or one around
-- it: its time, station and check-in are the activity's, so attendance is who checked in.
-- The first topic scheduled to it makes it a meeting, with a quorum and the roles invited;
-- its agenda is the topics scheduled to it (`council_topics.meeting_id`).
CREATE TABLE council_meetings (
    activity_id  INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE RESTRICT,
    quorum       INTEGER NOT NULL CHECK (quorum BETWEEN 1 AND 500),
    set_by       INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    set_at       INTEGER NOT NULL
);

CREATE TABLE council_meeting_invited (
    activity_id  INTEGER NOT NULL REFERENCES council_meetings(activity_id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role IN ('resident_reps', 'grid_staff', 'party_members', 'property',
                                                  'owners_committee')),
    PRIMARY KEY (activity_id, role)
);

ALTER TABLE council_topics ADD COLUMN meeting_id INTEGER REFERENCES council_meetings(activity_id) ON DELETE RESTRICT;
CREATE INDEX council_topics_meeting ON council_topics(meeting_id) WHERE meeting_id IS NOT NULL;
