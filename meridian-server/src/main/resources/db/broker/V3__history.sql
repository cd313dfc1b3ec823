-- Temporal history (NGSI-LD clause 5.5.? temporal representation): one row per attribute instance written, kept in
-- monthly partitions of the time it was recorded, so old months can be dropped without touching current data.
-- value_number duplicates numeric values so aggregations run in SQL without parsing JSON.
CREATE TABLE attribute_history (
    tenant       text        NOT NULL,
    entity_id    text        NOT NULL,
    attribute    text        NOT NULL,
    dataset_id   text        NOT NULL DEFAULT '',
    instance_id  bigint      GENERATED ALWAYS AS IDENTITY,
    recorded_at  timestamptz NOT NULL,
    observed_at  timestamptz,
    value_number double precision,
    instance     jsonb       NOT NULL,
    PRIMARY KEY (tenant, entity_id, attribute, recorded_at, instance_id)
) PARTITION BY RANGE (recorded_at);

-- Catches rows outside the monthly partitions the server creates ahead of time, so a write never fails for want of one.
CREATE TABLE attribute_history_default PARTITION OF attribute_history DEFAULT;

-- The temporal API's default time property is observedAt, falling back to the time of recording.
CREATE INDEX attribute_history_observed_idx ON attribute_history (tenant, entity_id, attribute, (coalesce(observed_at, recorded_at)));
