-- Entities known to the temporal API but absent from the entity table: deleted ones (their history stays readable)
-- and ones created only through POST /temporal/entities (history imported without a current state).
CREATE TABLE temporal_entity (
    tenant      text        NOT NULL,
    id          text        NOT NULL,
    types       text[]      NOT NULL,
    scopes      text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    modified_at timestamptz NOT NULL,
    deleted_at  timestamptz,
    PRIMARY KEY (tenant, id)
);

-- Instance ids are looked up by the temporal instance operations (modify, delete one instance).
CREATE INDEX attribute_history_instance_idx ON attribute_history (tenant, entity_id, instance_id);

