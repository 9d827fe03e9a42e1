-- API: accounts and roles, sessions, the audit log, the managed lists of
-- disposition codes and away reasons, login throttling, and what an agent
-- writes about an interaction (notes saved as typed, the disposition).
CREATE TABLE accounts (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('agent', 'team_leader',
		'supervisor', 'quality_analyst', 'admin')),
	agent_id INTEGER,              -- the agent this login works as
	pw_hash TEXT NOT NULL,         -- argon2id, crypto_pwhash_str format
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL    -- ms since the epoch
);
CREATE UNIQUE INDEX accounts_agent ON accounts(agent_id)
	WHERE agent_id IS NOT NULL;

-- A session token is 256 random bits given to the client once; only its
-- SHA-256 is kept.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,   -- hex sha256 of the token
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0,
	peer TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	account_id INTEGER,
	username TEXT,
	action TEXT NOT NULL,          -- e.g. agent.create, queue.delete
	object TEXT,                   -- e.g. agent/1005
	detail TEXT                    -- JSON
);

-- Failed logins per user name (known or not): slow down, then lock.
CREATE TABLE login_throttle (
	username TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	last_at INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE disposition_codes (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	label TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO disposition_codes (code, label) VALUES
	('resolved', 'Resolved'), ('follow_up', 'Follow-up needed'),
	('escalated', 'Escalated'), ('sale', 'Sale'),
	('wrong_number', 'Wrong number');

CREATE TABLE away_reasons (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	label TEXT NOT NULL,
	active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO away_reasons (code, label) VALUES
	('break', 'Break'), ('lunch', 'Lunch'), ('training', 'Training'),
	('meeting', 'Meeting'), ('admin', 'Administrative work');

-- What the agent writes: notes saved every few seconds while typing, then
-- the disposition at wrap-up.
CREATE TABLE interaction_notes (
	interaction_id INTEGER PRIMARY KEY,
	agent_id INTEGER,
	notes TEXT NOT NULL DEFAULT '',
	disposition TEXT,
	updated_at INTEGER NOT NULL
);
