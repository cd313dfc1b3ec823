-- The change stream (platform.bus): every committed change, in the order consumers must see it. One row per writing
-- transaction, holding its events in order (a batch of 1,000 measurements is one row, not 1,000). A writer appends
-- after it has locked what it changed, so two changes of one entity get positions in the order they happened. The
-- identity caches one value (the default): a cache per session would hand out positions out of order across sessions.
CREATE TABLE event_log (
    position    bigint      GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    events      text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Where each named consumer stands: the last position it finished. A consumer holds its row locked while it handles
-- a batch, so one node at a time consumes under a name.
CREATE TABLE event_consumer (
    name        text        PRIMARY KEY,
    position    bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
