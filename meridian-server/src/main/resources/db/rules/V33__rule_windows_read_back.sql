-- A rule's recent readings are no longer saved one row per watched entity with every step: the rules of a department
-- share them in memory, and a restart reads them back from the entities and their temporal history (RuleWindows).
DROP TABLE rule_track;
