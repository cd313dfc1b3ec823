-- The roll-up of the hours still being written. Every measurement updates its series' row of the current hour; in
-- attribute_hourly that update cannot be HOT (its figures ride in the covering index aggregation reads), so each one
-- added an index entry and a dead row. Here the index holds the key only and pages keep room, so the update stays in
-- its page. A background job folds the hours that closed into attribute_hourly; readers add the two.
-- The same columns (LIKE copies them and their NOT NULLs, not the covering key), a key of its own.
CREATE TABLE attribute_hourly_open (LIKE attribute_hourly) WITH (fillfactor = 50);
ALTER TABLE attribute_hourly_open ADD PRIMARY KEY (tenant, series_id, hour);

-- The fold finds the closed hours without reading the whole table (a city's open hours are a row per series). The hour
-- never changes once a row exists, so this index keeps the updates in their page.
CREATE INDEX attribute_hourly_open_hour_idx ON attribute_hourly_open (hour);
