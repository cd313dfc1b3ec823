-- A rule's recent readings are no longer saved one row per watched entity with every step: the rules of a department
-- share them in memory, and a restart reads them back from the entities and their temporal history (RuleWindows).
-- The table stays for a release, so that a node of the version before can still run beside this one.
COMMENT ON TABLE rule_track IS 'unused since V33 (rule windows are read back from the history); to be dropped';
