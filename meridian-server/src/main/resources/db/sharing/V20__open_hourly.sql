-- Open data may be published as hourly averages only (issue #20): anyone sees each numeric value as its mean over
-- the last complete hour, never a live reading.
ALTER TABLE dataset ADD COLUMN open_hourly boolean NOT NULL DEFAULT false;
