-- A rule's state in two parts: a small header (watermark, counters, open episodes), written with every step, and one
-- row per watched entity, written only when that entity's recent readings changed. Saving a whole state of 10,000
-- entities with every step cost its full size each time.
ALTER TABLE rule_state ADD COLUMN revision bigint NOT NULL DEFAULT 0;

CREATE TABLE rule_track (
    tenant  text  NOT NULL,
    rule_id text  NOT NULL,
    entity  text  NOT NULL,
    track   jsonb NOT NULL,
    PRIMARY KEY (tenant, rule_id, entity)
);
