-- A test capability's own table (CapabilityContractTest): versions are one sequence across capabilities.
CREATE TABLE test_note (
    entity_id text PRIMARY KEY,
    kind      text NOT NULL
);
