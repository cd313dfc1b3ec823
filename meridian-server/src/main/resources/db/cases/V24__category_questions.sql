-- What a category asks the reporter besides the description (Open311: the service's attributes), e.g.
-- [{"code": "depth", "datatype": "number", "required": false, "description": "How deep, in cm", "order": 1, "choices": []}].
ALTER TABLE case_category ADD COLUMN questions jsonb NOT NULL DEFAULT '[]';

-- The public's lists (Open311's requests, the citizens' pages) are newest report first, by report time.
CREATE INDEX case_record_created ON case_record (tenant, created_at);

-- A tenant's working hours when they are not the civil service's (09:00–12:00, 13:30–17:30, Saturday and Sunday off):
-- a 12345 hotline works around the clock, e.g. {"windows": [["00:00", "24:00"]], "weekend": []}.
CREATE TABLE case_working_hours (
    tenant  text   PRIMARY KEY,
    windows jsonb  NOT NULL,
    weekend text[] NOT NULL DEFAULT '{}'
);

-- The version of each case its NGSI-LD entity shows: a case committed but not yet written as an entity (the node
-- stopped between the two) is behind, and is written again by the next node to look.
ALTER TABLE case_record ADD COLUMN published_version bigint NOT NULL DEFAULT 0;
CREATE INDEX case_record_unpublished ON case_record (updated_at) WHERE published_version < version;

-- What each case contributes to the indicators, each at its moment (CaseKpis.Fact: reported, dispatched and whether
-- accepted in time, closed and whether on time or after rework, hours in each stage, rated), replaced with each event
-- that changes them: the indicators of a period are a sum over its facts. Cases from before are given theirs by the
-- case watch (their published_version is 0).
CREATE TABLE case_fact (
    tenant   text        NOT NULL,
    case_id  text        NOT NULL,
    lead     text,
    district text,
    kind     text        NOT NULL,
    at       timestamptz NOT NULL,
    stage    text        NOT NULL DEFAULT '',
    hours    float8      NOT NULL DEFAULT 0,
    yes      boolean     NOT NULL DEFAULT false,
    also     boolean     NOT NULL DEFAULT false
);
CREATE INDEX case_fact_case ON case_fact (tenant, case_id);
CREATE INDEX case_fact_time ON case_fact (tenant, at);
CREATE INDEX case_fact_lead ON case_fact (tenant, lead, at);

-- When the clock next has something to do for a case (a reminder, a supervision, an escalation), kept with each
-- event: the watch reads only cases whose moment has come, however many are open or long overdue.
ALTER TABLE case_record ADD COLUMN watch_at timestamptz;
CREATE INDEX case_record_watch ON case_record (watch_at) WHERE watch_at IS NOT NULL;
-- Cases from before: the watch looks at each open one once, and from then on when each says.
UPDATE case_record SET watch_at = now() WHERE deadline IS NOT NULL AND state NOT IN ('closed', 'rejected', 'merged', 'suspended');

-- Photos and documents of cases, checked by content (JPEG, PNG, PDF), kept in the database beside the case (every node
-- serves them; never under a web root), with a JPEG thumbnail of each photo. An id is the content's SHA-256 prefix.
CREATE TABLE case_attachment (
    tenant     text        NOT NULL,
    case_id    text        NOT NULL,
    id         text        NOT NULL,
    name       text        NOT NULL,
    media_type text        NOT NULL,
    size       integer     NOT NULL,
    content    bytea       NOT NULL,
    thumbnail  bytea,
    actor      text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, case_id, id)
);
