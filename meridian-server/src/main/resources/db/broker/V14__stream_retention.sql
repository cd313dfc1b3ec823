-- Stream (sse:) subscriptions keep their notifications for a while instead of handing each to one client: every
-- client reads from its own position. Older ones are trimmed; this remembers through which queue position, so a
-- client that was behind is told what it missed instead of missing it silently.
ALTER TABLE subscription ADD COLUMN stream_trimmed_through bigint NOT NULL DEFAULT 0;
