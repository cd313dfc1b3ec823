-- Each node keeps its tenants' subscriptions parsed and indexed for matching, and reloads them when they change. It
-- used to learn of a change from an aggregate over all the tenant's subscriptions, read for every batch of changes;
-- this counter, moved by a trigger whatever changes a subscription, makes that one primary-key read.
CREATE TABLE subscription_version (
    tenant  text   PRIMARY KEY,
    version bigint NOT NULL
);

INSERT INTO subscription_version (tenant, version) SELECT DISTINCT tenant, 1 FROM subscription;

CREATE FUNCTION subscription_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed_tenant text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed_tenant := OLD.tenant;
    ELSE
        changed_tenant := NEW.tenant;
    END IF;
    INSERT INTO subscription_version AS v (tenant, version) VALUES (changed_tenant, 1)
        ON CONFLICT (tenant) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END
$$;

-- Delivery statistics (times_sent, last_success…) change with every notification and leave the version alone.
CREATE TRIGGER subscription_changed
    AFTER INSERT OR DELETE OR UPDATE OF tenant, id, body, context, active, expires_at, status, modified_at ON subscription
    FOR EACH ROW EXECUTE FUNCTION subscription_changed();

-- Payloads are rendered by the server and only ever sent back as they are: text costs PostgreSQL no jsonb
-- conversion on the way in or out, and keeps the notification byte for byte as rendered.
ALTER TABLE notification ALTER COLUMN payload TYPE text USING payload::text;
