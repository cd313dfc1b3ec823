-- A city-wide trend (one attribute across every entity of a type, hour by hour: the operations centre's indicators)
-- starts from the attribute's series; without this index it read every series of the tenant to find them.
CREATE INDEX attribute_series_by_attribute ON attribute_series (tenant, attribute, entity_id);
