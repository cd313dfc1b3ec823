-- The temporal instance operations find an instance by its id, which is unique (an identity): an index on the id
-- alone takes every new history row at its right edge, one hot page, where the index it replaces, led by tenant and
-- entity, put each new row on a leaf of its own entity, all over an index as large as the table's primary key.
-- The operations still check tenant, entity and attribute on the row they find.
CREATE INDEX attribute_history_instance_id_idx ON attribute_history (instance_id);
DROP INDEX attribute_history_instance_idx;
