-- A notice is stored as its kind (a stable snake_case name) and its arguments as a JSON
-- object, and put into words in the reader's language when it is shown, instead of a
-- sentence written in Chinese at the time. Notices written before keep their sentence as
-- the argument `text`, which is shown as it was written.
CREATE TABLE notifications_new (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    args_json   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(args_json) AND length(args_json) <= 2000),
    link        TEXT    NOT NULL DEFAULT '' CHECK (length(link) <= 200),
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    read_at     INTEGER
);
INSERT INTO notifications_new (id, account_id, kind, args_json, link, created_at, read_at)
    SELECT id, account_id, kind, json_object('text', body), link, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_account ON notifications(account_id, read_at, created_at);
