-- IVR flows, versioned: every definition ever saved through the API is a
-- row here; flows.definition holds the active one (the highest version
-- that passed the validator). A flow that fails the check is never stored.
CREATE TABLE flow_versions (
	name TEXT NOT NULL,
	version INTEGER NOT NULL,
	definition TEXT NOT NULL CHECK (json_valid(definition)),
	created_at INTEGER NOT NULL,
	created_by TEXT,
	PRIMARY KEY (name, version)
);
INSERT INTO flow_versions(name, version, definition, created_at, created_by)
	SELECT name, 1, definition, updated_at, 'migration' FROM flows;
-- A flow written straight into flows (the demo seed, older tools) becomes
-- its version 1, so that every active definition has a version.
CREATE TRIGGER flows_first_version AFTER INSERT ON flows
	WHEN NOT EXISTS (SELECT 1 FROM flow_versions WHERE name = NEW.name)
BEGIN
	INSERT INTO flow_versions(name, version, definition, created_at,
				  created_by)
	VALUES (NEW.name, 1, NEW.definition, NEW.updated_at, 'seed');
END;
