-- History rows and roll-up rows name their entity and attribute by a numeric series id instead of the entity id and
-- the attribute IRI, long text repeated in every row and in every entry of their indexes. Measured on the ingest
-- benchmark (400,000 measurements): history 350 → 179 MB, the statement that writes it 16.1–16.9 → 10.8–11.1 s of
-- PostgreSQL time (docs/performance.md).
-- A series row is never deleted, so an id, once read, stays valid for every Meridian instance that caches it; when an
-- entity's history is deleted its series remain (one small row per attribute), and serve it if it is written again.

-- Memory for the index builds below (this migration's transaction only).
SET LOCAL maintenance_work_mem = '256MB';

CREATE TABLE attribute_series (
    tenant    text   NOT NULL,
    entity_id text   NOT NULL,
    attribute text   NOT NULL,
    id        bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (tenant, entity_id, attribute)
);

INSERT INTO attribute_series (tenant, entity_id, attribute)
SELECT tenant, entity_id, attribute FROM attribute_hourly
UNION
SELECT tenant, entity_id, attribute FROM attribute_history
ORDER BY 1, 2, 3;

-- The tables are rebuilt rather than altered: dropping the text columns would leave their bytes in every row.
ALTER TABLE attribute_history RENAME TO attribute_history_v12;
ALTER TABLE attribute_hourly RENAME TO attribute_hourly_v12;
-- Their indexes are not needed to copy them, and free their names (and their partitions' names) for the new ones.
ALTER TABLE attribute_history_v12 DROP CONSTRAINT attribute_history_pkey;
DROP INDEX attribute_history_observed_idx;
DROP INDEX attribute_history_instance_id_idx;
ALTER TABLE attribute_hourly_v12 DROP CONSTRAINT attribute_hourly_pkey;

-- Fixed-width columns first, so rows carry no alignment padding.
CREATE TABLE attribute_history (
    series_id    bigint           NOT NULL,
    instance_id  bigint           GENERATED ALWAYS AS IDENTITY,
    recorded_at  timestamptz      NOT NULL,
    observed_at  timestamptz,
    value_number double precision,
    tenant       text             NOT NULL,
    dataset_id   text             NOT NULL DEFAULT '',
    instance     jsonb            NOT NULL
) PARTITION BY RANGE (recorded_at);

-- The monthly partitions (and the default one) are made again under their names, with their bounds.
DO $$
DECLARE
    partition record;
BEGIN
    FOR partition IN
        SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'attribute_history_v12'::regclass
    LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', partition.name, partition.name || '_v12');
        EXECUTE format('CREATE TABLE %I PARTITION OF attribute_history %s', partition.name, partition.bound);
    END LOOP;
END
$$;

-- Instance ids are kept: clients hold them (instanceId) to modify or delete one instance.
INSERT INTO attribute_history (series_id, instance_id, recorded_at, observed_at, value_number, tenant, dataset_id, instance)
OVERRIDING SYSTEM VALUE
SELECT s.id, h.instance_id, h.recorded_at, h.observed_at, h.value_number, h.tenant, h.dataset_id, h.instance
FROM attribute_history_v12 h JOIN attribute_series s USING (tenant, entity_id, attribute);

SELECT setval(pg_get_serial_sequence('attribute_history', 'instance_id'), coalesce(max(instance_id), 0) + 1, false)
FROM attribute_history;

-- Indexes are built after the copy: sorted once, compact, instead of grown row by row.
ALTER TABLE attribute_history ADD PRIMARY KEY (tenant, series_id, recorded_at, instance_id);
-- The temporal API's default time property is observedAt, falling back to the time of recording.
CREATE INDEX attribute_history_observed_idx ON attribute_history (tenant, series_id, (coalesce(observed_at, recorded_at)));
-- The temporal instance operations find an instance by its id (an identity: each new entry at the index's right edge).
CREATE INDEX attribute_history_instance_id_idx ON attribute_history (instance_id);

CREATE TABLE attribute_hourly (
    series_id bigint           NOT NULL,
    hour      timestamptz      NOT NULL,
    total     bigint           NOT NULL,
    numeric   bigint           NOT NULL,
    sum       double precision,
    sumsq     double precision,
    min       double precision,
    max       double precision,
    tenant    text             NOT NULL
);

INSERT INTO attribute_hourly (series_id, hour, total, numeric, sum, sumsq, min, max, tenant)
SELECT s.id, a.hour, a.total, a.numeric, a.sum, a.sumsq, a.min, a.max, a.tenant
FROM attribute_hourly_v12 a JOIN attribute_series s USING (tenant, entity_id, attribute);

-- The figures ride in the index, so an aggregation over a page of entities is an index-only scan however the rows lie
-- in the heap (they are written hour by hour, entity after entity).
ALTER TABLE attribute_hourly ADD PRIMARY KEY (tenant, series_id, hour) INCLUDE (total, numeric, sum, sumsq, min, max);

DROP TABLE attribute_history_v12;
DROP TABLE attribute_hourly_v12;

-- Statistics for the planner from the first query on; autovacuum sets the visibility map (which index-only scans use)
-- soon after (VACUUM cannot run inside the migration's transaction).
ANALYZE attribute_series;
ANALYZE attribute_history;
ANALYZE attribute_hourly;
