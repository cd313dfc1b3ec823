-- Governed data sharing (issue #20): who owns each dataset, who asked for what, what was granted, and the exchange
-- ledger that records every cross-department read and every decision.

-- A dataset is one entity type of a tenant, owned by one department: its owner reads and writes it freely, others
-- read it through grants. Types no dataset names belong to the operators.
CREATE TABLE dataset (
    tenant           text        NOT NULL,
    entity_type      text        NOT NULL,
    owner            text        NOT NULL,
    title            text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    update_frequency text        NOT NULL DEFAULT '',
    published        boolean     NOT NULL DEFAULT false,
    -- What anyone may read when published: attributes dropped, locations rounded to a grid.
    open_drop        text[]      NOT NULL DEFAULT '{}',
    open_grid_meters int,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, entity_type)
);

-- A department's request to read another's dataset: which attributes (null: all), why, until when.
CREATE TABLE share_request (
    id           uuid        PRIMARY KEY,
    tenant       text        NOT NULL,
    entity_type  text        NOT NULL,
    requester    text        NOT NULL,
    attributes   text[],
    purpose      text        NOT NULL,
    wanted_until timestamptz NOT NULL,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'refused', 'withdrawn')),
    reason       text        NOT NULL DEFAULT '',
    requested_by text        NOT NULL,
    decided_by   text,
    decided_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_request_tenant ON share_request (tenant, status);

-- What a department may read of another's dataset, until when; revoked grants stop at once.
CREATE TABLE share_grant (
    id          uuid        PRIMARY KEY,
    tenant      text        NOT NULL,
    entity_type text        NOT NULL,
    grantee     text        NOT NULL,
    attributes  text[],
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    request_id  uuid        REFERENCES share_request (id),
    granted_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_grant_grantee ON share_grant (tenant, grantee) WHERE revoked_at IS NULL;

-- The exchange ledger: append-only, each entry carrying the hash of the one before (a hash chain), so an edit, a
-- deletion or a reordering of rows is detected and located by recomputing it. The head row names the last entry, so
-- cutting entries off the end is detected too; auditors anchor it by recording the head hash outside the platform.
CREATE TABLE exchange_ledger (
    seq           bigint      PRIMARY KEY,
    tenant        text        NOT NULL,
    recorded_at   timestamptz NOT NULL,
    actor         text        NOT NULL,
    kind          text        NOT NULL,
    grant_id      uuid,
    entity_count  int         NOT NULL DEFAULT 0,
    detail        text        NOT NULL,
    previous_hash bytea       NOT NULL,
    hash          bytea       NOT NULL
);
CREATE INDEX exchange_ledger_tenant ON exchange_ledger (tenant, seq);

CREATE TABLE exchange_ledger_head (
    id    int    PRIMARY KEY CHECK (id = 1),
    seq   bigint NOT NULL,
    hash  bytea  NOT NULL
);
INSERT INTO exchange_ledger_head (id, seq, hash) VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');
