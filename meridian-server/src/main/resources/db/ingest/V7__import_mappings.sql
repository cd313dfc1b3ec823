-- Mappings from departments' files (CSV, GeoJSON) to entities, stored by name so an import is one request.
CREATE TABLE import_mapping (
    tenant      text        NOT NULL,
    name        text        NOT NULL,
    mapping     jsonb       NOT NULL,
    modified_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, name)
);
