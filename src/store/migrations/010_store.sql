-- Store, second step: IVR flow definitions by name (the dial plan's
-- numbers.flow points here), what calls and reports need beyond 001, and
-- the indexes of the obvious lookups.
CREATE TABLE flows (
	name TEXT PRIMARY KEY,
	definition TEXT NOT NULL CHECK (json_valid(definition)),  -- JSON
	updated_at INTEGER NOT NULL
);
ALTER TABLE interactions ADD COLUMN call_id TEXT;      -- SIP Call-ID
ALTER TABLE interactions ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interactions ADD COLUMN attributes TEXT;   -- JSON: tier, ...
ALTER TABLE interactions ADD COLUMN updated_at INTEGER;
CREATE INDEX interactions_queue ON interactions(queue, created_at);
CREATE INDEX interactions_call_id ON interactions(call_id)
	WHERE call_id IS NOT NULL;
CREATE INDEX interaction_events_type ON interaction_events(type, at);
CREATE INDEX interaction_events_agent ON interaction_events(agent_id, at)
	WHERE agent_id IS NOT NULL;
CREATE INDEX agent_state_history_open ON agent_state_history(agent_id)
	WHERE ended_at IS NULL;
ALTER TABLE interval_stats ADD COLUMN overflowed INTEGER NOT NULL DEFAULT 0;
-- Per agent and 15-minute interval: handled and missed offers, time per
-- state (ms), for occupancy and adherence.
CREATE TABLE agent_interval_stats (
	agent_id INTEGER NOT NULL,
	interval_start INTEGER NOT NULL,
	handled INTEGER NOT NULL DEFAULT 0,
	missed INTEGER NOT NULL DEFAULT 0,
	available_ms INTEGER NOT NULL DEFAULT 0,
	reserved_ms INTEGER NOT NULL DEFAULT 0,
	busy_ms INTEGER NOT NULL DEFAULT 0,
	wrapup_ms INTEGER NOT NULL DEFAULT 0,
	away_ms INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (agent_id, interval_start)
);
