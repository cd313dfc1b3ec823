-- The latest instance of each attribute (per datasetId) of an entity known only to the temporal API, and the box of
-- its location: a temporal query selects such entities by q and geo-queries on this state, as it selects live ones by
-- theirs. A deleted entity keeps the state it had when it was deleted.
ALTER TABLE temporal_entity ADD COLUMN attrs jsonb NOT NULL DEFAULT '{}', ADD COLUMN location_box box;
