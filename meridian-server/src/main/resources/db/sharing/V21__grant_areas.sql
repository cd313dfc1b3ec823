-- Requests and grants may be limited to an area (issue #20): a bounding box {west, south, east, north} in WGS84
-- degrees; the grantee sees only the entities located inside it. Null: wherever they are.
ALTER TABLE share_request ADD COLUMN area float8[];
ALTER TABLE share_grant ADD COLUMN area float8[];
