-- Check-in at a station's activity, and the hours volunteers earn there.

-- The key of an occurrence's rotating check-in code (hex). It never leaves the server: the
-- code shown on the organiser's phone is derived from it and the current 30-second step.
ALTER TABLE activities ADD COLUMN checkin_secret TEXT;
UPDATE activities SET checkin_secret = lower(hex(randomblob(16))) WHERE checkin_secret IS NULL;

-- One row per person and occurrence: who came (`via` the QR code, the 6-digit code, or
-- the organiser), when they came and left, and for volunteers the hours earned, pending
-- until the organiser confirms them. A make-up entry (补录) has no check-in, carries the
-- organiser's reason and is confirmed as it is written.
CREATE TABLE activity_attendance (
    id              INTEGER PRIMARY KEY,
    activity_id     INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    via             TEXT    NOT NULL CHECK (via IN ('qr', 'code', 'organiser', 'makeup')),
    checked_in_at   INTEGER CHECK ((via = 'makeup') = (checked_in_at IS NULL)),
    checked_out_at  INTEGER CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at),
    hours_status    TEXT    NOT NULL CHECK (hours_status IN ('none', 'pending', 'confirmed')),
    half_hours      INTEGER CHECK (half_hours IS NULL OR half_hours BETWEEN 0 AND 24),
    makeup_reason   TEXT    CHECK ((via = 'makeup') = (makeup_reason IS NOT NULL) AND length(makeup_reason) <= 200),
    confirmed_by    INTEGER REFERENCES accounts(id) ON DELETE RESTRICT,
    confirmed_at    INTEGER,
    CHECK ((hours_status = 'confirmed') = (half_hours IS NOT NULL AND confirmed_by IS NOT NULL)),
    UNIQUE (activity_id, person_id)
);
CREATE INDEX activity_attendance_person ON activity_attendance(person_id, hours_status);

-- A volunteer's service time, wherever it was earned: the minutes of completed orders they
-- took, and the confirmed hours of station activities. Every service record, level, star
-- eligibility and tie rule reads this one definition.
CREATE VIEW service_time AS
    SELECT o.taker_id AS person_id, o.minutes_spent AS minutes, o.micro_grid_id AS node_id, 'order' AS source
      FROM service_orders o
     WHERE o.status = 'completed' AND o.taker_id IS NOT NULL AND o.minutes_spent IS NOT NULL
    UNION ALL
    SELECT t.person_id, t.half_hours * 30, a.node_id, 'activity'
      FROM activity_attendance t JOIN activities a ON a.id = t.activity_id
     WHERE t.hours_status = 'confirmed';
