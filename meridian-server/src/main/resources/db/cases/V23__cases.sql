-- Collaborative case handling (issue #21): the categories and routing a tenant's cases follow, its working calendar,
-- and each case as an append-only event log (case_event) with its current state beside it (case_record, written in
-- the same transaction as each event, for lists and counts).

-- Case numbers citizens can read out on the phone: the day, then this sequence.
CREATE SEQUENCE case_number;

-- The catalogue of problems: urban-management components (部件) and events (事件) under the national standard's
-- top-level classes, each with its stage limits in working hours per urgency, e.g.
-- {"normal": {"dispatched": 2, "in-progress": 40}, "urgent": {"dispatched": 0.5, "in-progress": 4}}.
CREATE TABLE case_category (
    tenant      text    NOT NULL,
    code        text    NOT NULL,
    name        text    NOT NULL,
    kind        text    NOT NULL CHECK (kind IN ('component', 'event')),
    parent      text    NOT NULL DEFAULT '',
    description text    NOT NULL DEFAULT '',
    limits      jsonb   NOT NULL DEFAULT '{}',
    public      boolean NOT NULL DEFAULT true,
    PRIMARY KEY (tenant, code)
);

-- Routing as data: category × district ('' = anywhere) → lead department (主办) and co-handlers (协办).
CREATE TABLE case_routing (
    tenant      text   NOT NULL,
    category    text   NOT NULL,
    district    text   NOT NULL DEFAULT '',
    lead        text   NOT NULL,
    co_handlers text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant, category, district)
);

-- The working calendar's exceptions: public holidays (working = false) and make-up working days (调休, true).
CREATE TABLE case_calendar_day (
    tenant  text    NOT NULL,
    day     date    NOT NULL,
    working boolean NOT NULL,
    note    text    NOT NULL DEFAULT '',
    PRIMARY KEY (tenant, day)
);

-- What happened to each case, in order. Never updated or deleted: a case is the fold of its events.
CREATE TABLE case_event (
    tenant     text        NOT NULL,
    case_id    text        NOT NULL,
    seq        bigint      NOT NULL,
    kind       text        NOT NULL,
    at         timestamptz NOT NULL,
    actor      text        NOT NULL,
    department text        NOT NULL DEFAULT '',
    data       jsonb       NOT NULL,
    PRIMARY KEY (tenant, case_id, seq)
);
CREATE INDEX case_event_time ON case_event (tenant, at);

-- Each case as its events make it now: what lists, filters and counts need.
CREATE TABLE case_record (
    tenant      text        NOT NULL,
    id          text        NOT NULL,
    category    text        NOT NULL,
    urgency     text        NOT NULL,
    state       text        NOT NULL,
    district    text,
    lead        text,
    co_handlers text[]      NOT NULL DEFAULT '{}',
    reporters   text[]      NOT NULL DEFAULT '{}',
    description text        NOT NULL,
    longitude   float8      NOT NULL,
    latitude    float8      NOT NULL,
    deadline    timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    closed_at   timestamptz,
    version     bigint      NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX case_record_state ON case_record (tenant, state, updated_at);
CREATE INDEX case_record_lead ON case_record (tenant, lead) WHERE lead IS NOT NULL;
CREATE INDEX case_record_reporters ON case_record USING gin (reporters);
CREATE INDEX case_record_nearby ON case_record (tenant, category, latitude) WHERE state NOT IN ('closed', 'rejected', 'merged');
