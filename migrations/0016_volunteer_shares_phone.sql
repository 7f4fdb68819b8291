-- A volunteer may agree to show their mobile number to the residents whose orders they
-- take, so a resident can call the person coming to their door. Off unless they say so;
-- otherwise the resident calls the station.
ALTER TABLE volunteer_profiles ADD COLUMN shares_phone INTEGER NOT NULL DEFAULT 0 CHECK (shares_phone IN (0, 1));
