-- Accounts (issue #20). A person signs in once and acts in the tenants and departments their roles name.
CREATE TABLE account (
    id            uuid        PRIMARY KEY,
    username      text        NOT NULL UNIQUE,
    password_hash text        NOT NULL,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- What an account may do: a role in a tenant, within one department or (department '') the whole tenant.
-- Tenant '*' is every tenant (the platform's operators).
CREATE TABLE account_role (
    account_id  uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    tenant      text NOT NULL,
    department  text NOT NULL DEFAULT '',
    role        text NOT NULL,
    PRIMARY KEY (account_id, tenant, department, role)
);

-- The key access tokens are signed with: one per platform, shared by every node through the database, made at the
-- first start. Tokens are verified by the nodes alone, so a symmetric key serves (and HS256 is the only algorithm
-- accepted: a token naming another is refused).
CREATE TABLE signing_key (
    id          int         PRIMARY KEY CHECK (id = 1),
    secret      bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
