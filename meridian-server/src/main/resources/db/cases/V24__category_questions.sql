-- What a category asks the reporter besides the description (Open311: the service's attributes), e.g.
-- [{"code": "depth", "datatype": "number", "required": false, "description": "How deep, in cm", "order": 1, "choices": []}].
ALTER TABLE case_category ADD COLUMN questions jsonb NOT NULL DEFAULT '[]';

-- The public's lists (Open311's requests, the citizens' pages) are newest report first, by report time.
CREATE INDEX case_record_created ON case_record (tenant, created_at);
