-- Context source registrations (clause 5.9) and subscriptions to them (clause 5.11), as sent, with the @context they
-- were sent with: their names are read by it again, and shown in each reader's terms.
CREATE TABLE csource_registration (
    tenant      text        NOT NULL,
    id          text        NOT NULL,
    body        jsonb       NOT NULL,
    context     jsonb,
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL,
    modified_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE csource_subscription (
    tenant      text        NOT NULL,
    id          text        NOT NULL,
    body        jsonb       NOT NULL,
    context     jsonb,
    active      boolean     NOT NULL,
    expires_at  timestamptz,
    owner       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    modified_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, id)
);

-- This broker's identity as a context source (NGSI-LD clause 5.15): made at the first start and kept, so the nodes it
-- federates with know it by one alias across restarts (and detect a request that loops back to it).
CREATE TABLE source_identity (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    alias     text    NOT NULL
);
