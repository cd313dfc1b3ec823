-- Writes now match their changes against the subscriptions and queue the notifications in their own transaction
-- (the queue is the subscriptions' outbox). A foreign key from the queue to the subscription would make every write
-- lock the rows of the subscriptions it notifies, and fail when one is deleted meanwhile: the queue goes without it,
-- deleting a subscription deletes its queue, and the sender sweeps what a write queued for a subscription deleted
-- while it ran.
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN SELECT conname FROM pg_constraint WHERE conrelid = 'notification'::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE notification DROP CONSTRAINT %I', name);
    END LOOP;
END $$;
