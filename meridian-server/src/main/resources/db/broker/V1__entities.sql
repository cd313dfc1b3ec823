-- Tenants come into being with their first write (NGSI-LD clause 4.14); reads of an unknown tenant are 404.
CREATE TABLE tenant (
    name       text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per entity. The tenant leads the primary key so the table can be distributed by tenant (Citus).
-- attrs holds expanded attribute IRI -> array of instances; location_box indexes the 'location' GeoProperty.
CREATE TABLE entity (
    tenant       text        NOT NULL,
    id           text        NOT NULL,
    types        text[]      NOT NULL,
    scopes       text[]      NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL,
    modified_at  timestamptz NOT NULL,
    attrs        jsonb       NOT NULL,
    location_box box,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX entity_types_idx ON entity USING gin (types);
CREATE INDEX entity_location_idx ON entity USING gist (location_box);

-- The @context store (clause 5.13): hosted contexts uploaded by operators, cached copies of well-known ones.
CREATE TABLE jsonld_context (
    local_id       text PRIMARY KEY,
    url            text        NOT NULL UNIQUE,
    kind           text        NOT NULL CHECK (kind IN ('Hosted', 'Cached', 'ImplicitlyCreated')),
    body           jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_usage     timestamptz,
    number_of_hits bigint      NOT NULL DEFAULT 0
);
