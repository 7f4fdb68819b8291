-- 党员亮身份. `people.party_member` is the badge the person shows, set only by themselves
-- (on their own profile, off by default, removable at any time): it is the one fact about
-- party membership the app keeps. Staff may propose it; the proposal (who made it) waits
-- here until the person confirms or declines it, and is cleared either way.
ALTER TABLE people ADD COLUMN party_badge_proposed_by INTEGER REFERENCES accounts(id);
