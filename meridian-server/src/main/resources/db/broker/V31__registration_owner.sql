-- Who made a context source registration: only they (or an operator) may change or delete it, so one child node cannot
-- redirect another's registration at its parent. Registrations made before this version are the operators' to change.
ALTER TABLE csource_registration ADD COLUMN owner text NOT NULL DEFAULT '';
