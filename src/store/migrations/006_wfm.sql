-- Workforce planning: the shifts the scheduler assigned, one per agent per
-- day (times in seconds from the day's midnight UTC).
CREATE TABLE wfm_shifts (
	id INTEGER PRIMARY KEY,
	agent_id INTEGER NOT NULL,
	day INTEGER NOT NULL,             -- ms since the epoch, midnight UTC
	start_s INTEGER NOT NULL,
	length_s INTEGER NOT NULL,
	breaks TEXT NOT NULL DEFAULT '[]', -- JSON [[start_s, length_s], ...]
	created_at INTEGER NOT NULL,
	UNIQUE (agent_id, day)
);
