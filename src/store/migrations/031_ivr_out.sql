-- IVR on live calls, part 2: voicemail messages and callbacks.
--
-- Interactions of channel 'voicemail' (a message left in a flow's
-- voicemail node, waiting in the ACD for an agent; recording holds the
-- WAV's path). SQLite cannot alter a CHECK constraint, and rebuilding
-- interactions would break the foreign keys pointing at it and drop
-- columns later migrations of other modules add: the constraint's text
-- is widened in place, which SQLite documents as safe when every existing
-- row satisfies the new constraint (a superset of the old).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
	SET sql = replace(sql, '''callback'', ''outbound''))',
			  '''callback'', ''outbound'', ''voicemail''))')
	WHERE type = 'table' AND name = 'interactions';
PRAGMA writable_schema = RESET;

-- Outbound calls through a trunk (callbacks, the IVR's transfer to an
-- outside number): only trunks with outbound = 1 are ever used. Calls go
-- to sip:NUMBER@outbound_addr, authenticated with username/password when
-- the trunk challenges; caller_id is the From number (the dialled public
-- number when NULL).
ALTER TABLE trunks ADD COLUMN outbound INTEGER NOT NULL DEFAULT 0
	CHECK (outbound IN (0, 1));
ALTER TABLE trunks ADD COLUMN outbound_addr TEXT;  -- "host:port"
ALTER TABLE trunks ADD COLUMN caller_id TEXT;
