-- 志愿服务之星 results: fixed when voting closes, so later service records cannot
-- reorder a finished election.
ALTER TABLE star_elections ADD COLUMN closed_at INTEGER;
ALTER TABLE nominations ADD COLUMN final_votes INTEGER;
-- 1..stars for the elected, NULL otherwise.
ALTER TABLE nominations ADD COLUMN star_rank INTEGER CHECK (star_rank IS NULL OR star_rank >= 1);
CREATE INDEX nominations_stars ON nominations(person_id) WHERE star_rank IS NOT NULL;
CREATE INDEX nominations_election ON nominations(election_id, status);
CREATE INDEX star_votes_voter ON star_votes(election_id, voter_id);
