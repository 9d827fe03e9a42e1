-- sig: agents' phone registrations (src/sig/sig_db.c), so that a restart
-- or a crash does not log every agent out until their phone registers
-- again (up to an hour). One row per binding, written on every REGISTER
-- that changes it; the unexpired ones are loaded at start.
CREATE TABLE sig_registrations (
	agent_id INTEGER NOT NULL,
	contact TEXT NOT NULL,       -- the Contact URI as registered
	uri TEXT NOT NULL,           -- where calls go: sip:EXT@IP:PORT...
	addr TEXT NOT NULL,          -- IP:PORT of uri (the source when NATed)
	transport TEXT NOT NULL,     -- udp, tcp
	expires_at INTEGER NOT NULL, -- wall-clock ms
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (agent_id, contact)
);
CREATE INDEX sig_registrations_expires ON sig_registrations(expires_at);
-- The agent's last presence (available, away with its reason, logged_out)
-- as the center published it: with --auto-login a restored registration
-- logs its agent back in as they were, not simply available.
CREATE TABLE sig_agent_presence (
	agent_id INTEGER PRIMARY KEY,
	state TEXT NOT NULL,
	reason TEXT,
	updated_at INTEGER NOT NULL
);
