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

-- Delivery statistics (times_sent, last_success…) change with every notification and leave the version alone; so does
-- recording a failure that leaves the status as it was.
CREATE TRIGGER subscription_added_or_removed
    AFTER INSERT OR DELETE ON subscription
    FOR EACH ROW EXECUTE FUNCTION subscription_changed();
CREATE TRIGGER subscription_changed
    AFTER UPDATE ON subscription
    FOR EACH ROW
    WHEN (OLD.body IS DISTINCT FROM NEW.body OR OLD.context IS DISTINCT FROM NEW.context
          OR OLD.active IS DISTINCT FROM NEW.active OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
          OR OLD.status IS DISTINCT FROM NEW.status OR OLD.modified_at IS DISTINCT FROM NEW.modified_at)
    EXECUTE FUNCTION subscription_changed();

-- Throttling holds a subscription's whole queue, including notifications queued after the hold began.
ALTER TABLE subscription ADD COLUMN hold_until timestamptz;

-- Payloads are rendered by the server and only ever sent back as they are: text costs PostgreSQL no jsonb
-- conversion on the way in or out, and keeps the notification byte for byte as rendered.
ALTER TABLE notification ALTER COLUMN payload TYPE text USING payload::text;
