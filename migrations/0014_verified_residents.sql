-- A 志愿服务之星 vote comes from a verified resident: an account whose person grid staff
-- matched to a household of the area. Sign-up alone leaves an account unverified.
ALTER TABLE accounts ADD COLUMN verified_at INTEGER;
ALTER TABLE accounts ADD COLUMN verified_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL;
-- People already placed in a household were placed there by grid staff (sign-up sets none).
UPDATE accounts SET verified_at = unixepoch()
 WHERE person_id IN (SELECT id FROM people WHERE household_id IS NOT NULL);
