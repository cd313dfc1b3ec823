-- The streams a change-stream row holds events of, so a consumer of one rare stream (the alarms) is not sent every
-- batch of measurements to skip: PostgreSQL decompressed and sent each row's few hundred kilobytes to that consumer,
-- about half of the stream's reads under 10,000 measurements/s (pg_stat_statements). Null on rows written
-- before: they are sent and checked as before.
ALTER TABLE event_log ADD COLUMN streams text[];
