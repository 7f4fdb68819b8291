-- 纪要 photos: added by the organiser once the record is written, checked, shrunk and
-- re-encoded by the server as 民情 photos are, and seen by whoever may see the activity.
-- How many a record holds is checked by the insert itself (`activities_repo::add_record_photo`).
CREATE TABLE activity_record_photos (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activity_records(activity_id) ON DELETE CASCADE,
    mime         TEXT    NOT NULL CHECK (mime IN ('image/jpeg','image/png','image/webp')),
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    bytes        BLOB    NOT NULL CHECK (length(bytes) <= 2000000),
    added_by     INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX activity_record_photos_activity ON activity_record_photos(activity_id);
