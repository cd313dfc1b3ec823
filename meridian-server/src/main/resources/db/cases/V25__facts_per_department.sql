-- An indicator fact belongs to the department responsible when it happened (the one a dispatch went to, the lead at
-- a closure or a rating), not to whoever leads the case now: a case sent back or reopened keeps its past in the
-- figures of the departments that handled it. The facts are derived again from the logs (republished as behind).
ALTER TABLE case_fact RENAME COLUMN lead TO department;
ALTER INDEX case_fact_lead RENAME TO case_fact_department;
DELETE FROM case_fact;
UPDATE case_record SET published_version = 0;
