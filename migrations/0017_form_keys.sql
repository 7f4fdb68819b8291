-- The object each submitted create form made, by the form's key: a double tap, a resent
-- form or a retry finds its first submission's object instead of creating a second one.
-- `actor` is the account that sent it (0 for a visitor's public form).
CREATE TABLE form_keys (
    form        TEXT    NOT NULL CHECK (length(form) BETWEEN 1 AND 40),
    actor       INTEGER NOT NULL,
    key         TEXT    NOT NULL CHECK (length(key) BETWEEN 8 AND 64),
    object_id   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (form, actor, key)
) WITHOUT ROWID;
