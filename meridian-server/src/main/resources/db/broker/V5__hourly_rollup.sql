-- Hourly roll-up of the attribute history by observation time (observedAt, else the time of recording), kept in step
-- with every history write, so aggregations over long periods read one row per attribute and hour instead of every
-- instance. total counts all instances; numeric, sum, sumsq, min and max cover the numeric values.
CREATE TABLE attribute_hourly (
    tenant    text        NOT NULL,
    entity_id text        NOT NULL,
    attribute text        NOT NULL,
    hour      timestamptz NOT NULL,
    total     bigint      NOT NULL,
    numeric   bigint      NOT NULL,
    sum       double precision,
    sumsq     double precision,
    min       double precision,
    max       double precision,
    -- The figures ride in the index, so an aggregation over a page of entities is an index-only scan however the
    -- rows lie in the heap (they are written hour by hour, entity after entity).
    PRIMARY KEY (tenant, entity_id, attribute, hour) INCLUDE (total, numeric, sum, sumsq, min, max)
);

INSERT INTO attribute_hourly
SELECT tenant, entity_id, attribute, date_trunc('hour', coalesce(observed_at, recorded_at), 'UTC'), count(*), count(value_number),
       sum(value_number), sum(value_number * value_number), min(value_number), max(value_number)
FROM attribute_history
GROUP BY 1, 2, 3, 4;
