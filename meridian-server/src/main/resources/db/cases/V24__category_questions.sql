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
