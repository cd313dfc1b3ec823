-- Device provisioning (the IoT Agent role). An API key identifies its service group across tenants, because MQTT
-- topics carry only the key: /{apikey}/{device_id}/attrs. Secrets are stored as salted SHA-256 hashes.
CREATE TABLE service_group (
    apikey             text        PRIMARY KEY,
    tenant             text        NOT NULL,
    entity_type        text        NOT NULL,
    attributes         jsonb       NOT NULL,
    static_attributes  jsonb       NOT NULL,
    explicit_attrs     boolean     NOT NULL,
    gateway_secret     text,
    created_at         timestamptz NOT NULL,
    modified_at        timestamptz NOT NULL
);
CREATE INDEX service_group_tenant_idx ON service_group (tenant);

CREATE TABLE device (
    tenant             text        NOT NULL,
    device_id          text        NOT NULL,
    apikey             text        NOT NULL REFERENCES service_group (apikey),
    entity_id          text        NOT NULL,
    entity_type        text        NOT NULL,
    attributes         jsonb       NOT NULL,
    static_attributes  jsonb       NOT NULL,
    explicit_attrs     boolean,
    password           text,
    created_at         timestamptz NOT NULL,
    modified_at        timestamptz NOT NULL,
    -- Counters, flushed from memory every few seconds.
    accepted           bigint      NOT NULL DEFAULT 0,
    rejected           bigint      NOT NULL DEFAULT 0,
    last_measurement   timestamptz,
    last_rejection     timestamptz,
    last_rejection_reason text,
    last_rejection_detail text,
    PRIMARY KEY (tenant, device_id),
    UNIQUE (apikey, device_id)
);
-- MQTT sign-in looks devices up by id alone.
CREATE INDEX device_id_idx ON device (device_id);

-- Measurements with a known API key for a device that is not provisioned: counted by device id and reason. Unknown
-- API keys have no tenant to charge; they are counted in the metrics only.
CREATE TABLE ingest_rejection (
    tenant     text        NOT NULL,
    apikey     text        NOT NULL,
    device_id  text        NOT NULL,
    reason     text        NOT NULL,
    count      bigint      NOT NULL,
    last_at    timestamptz NOT NULL,
    detail     text,
    PRIMARY KEY (tenant, apikey, device_id, reason)
);

-- Bumped by every provisioning change, so each node's cache of devices knows when to reload (one row read per batch).
CREATE TABLE provisioning_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint  NOT NULL
);
INSERT INTO provisioning_version VALUES (true, 0);
