-- Core schema: the call center's configuration (agents, skills, queues,
-- membership, public numbers, trunks) and its durable record (interactions,
-- their append-only event log, agent state history, interval statistics).
-- Times are milliseconds since the Unix epoch.
CREATE TABLE agents (
	id INTEGER PRIMARY KEY,
	extension TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	sip_password TEXT NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
);
CREATE TABLE skills (
	name TEXT PRIMARY KEY,
	description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE agent_skills (
	agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
	skill TEXT NOT NULL REFERENCES skills(name),
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 10),
	PRIMARY KEY (agent_id, skill)
);
CREATE TABLE queues (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	strategy TEXT NOT NULL DEFAULT 'longest_idle' CHECK (strategy IN
		('longest_idle', 'round_robin', 'fewest_calls',
		 'least_occupied', 'highest_skill', 'ring_all', 'random',
		 'top_down')),
	sl_target_pct INTEGER NOT NULL DEFAULT 80,
	sl_threshold_s INTEGER NOT NULL DEFAULT 20,
	max_wait_s INTEGER NOT NULL DEFAULT 0,      -- 0: no limit
	max_len INTEGER NOT NULL DEFAULT 0,         -- 0: no limit
	overflow_queue TEXT,                        -- where max wait/len lead
	wrapup_s INTEGER NOT NULL DEFAULT 5,
	ring_timeout_s INTEGER NOT NULL DEFAULT 15,
	short_abandon_s INTEGER NOT NULL DEFAULT 5,
	announce_every_s INTEGER NOT NULL DEFAULT 30,
	skill TEXT REFERENCES skills(name),         -- required skill, if any
	min_level INTEGER NOT NULL DEFAULT 1,
	escalations TEXT NOT NULL DEFAULT '[]',     -- JSON list of steps
	created_at INTEGER NOT NULL
);
CREATE TABLE queue_members (
	queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
	agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
	level INTEGER NOT NULL DEFAULT 5 CHECK (level BETWEEN 1 AND 10),
	weight INTEGER NOT NULL DEFAULT 1,
	position INTEGER NOT NULL DEFAULT 0,        -- for top_down
	PRIMARY KEY (queue_id, agent_id)
);
CREATE INDEX queue_members_agent ON queue_members(agent_id);
-- The dial plan: each public number leads to an IVR flow or a queue.
CREATE TABLE numbers (
	number TEXT PRIMARY KEY,
	flow TEXT,
	queue TEXT,
	CHECK ((flow IS NULL) <> (queue IS NULL))
);
CREATE TABLE trunks (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	source_addr TEXT,                           -- IP a trunk sends from
	username TEXT,
	password TEXT
);
CREATE TABLE interactions (
	id INTEGER PRIMARY KEY,
	channel TEXT NOT NULL CHECK (channel IN ('voice', 'chat', 'email',
		'message', 'callback', 'outbound')),
	direction TEXT NOT NULL DEFAULT 'inbound',
	state TEXT NOT NULL DEFAULT 'new',
	from_addr TEXT,
	to_addr TEXT,
	customer_id INTEGER,
	queue TEXT,
	agent_id INTEGER,
	created_at INTEGER NOT NULL,
	entered_queue_at INTEGER,
	offered_at INTEGER,
	answered_at INTEGER,
	ended_at INTEGER,
	wrapup_end_at INTEGER,
	wait_ms INTEGER,
	talk_ms INTEGER,
	hold_ms INTEGER,
	wrapup_ms INTEGER,
	outcome TEXT,        -- answered, abandoned, overflowed, voicemail,
			     -- callback, interrupted, refused
	hung_up_by TEXT,     -- caller, agent, system
	disposition TEXT,
	notes TEXT,
	ivr_path TEXT,       -- JSON
	survey TEXT,         -- JSON
	recording TEXT
);
CREATE INDEX interactions_created ON interactions(created_at);
CREATE INDEX interactions_agent ON interactions(agent_id, created_at);
CREATE INDEX interactions_customer ON interactions(customer_id, created_at);
CREATE INDEX interactions_open ON interactions(state) WHERE state <> 'ended';
CREATE TABLE interaction_events (
	id INTEGER PRIMARY KEY,
	interaction_id INTEGER NOT NULL REFERENCES interactions(id),
	at INTEGER NOT NULL,
	type TEXT NOT NULL,  -- entered_queue, offered, rejected, timeout,
			     -- answered, held, resumed, transferred,
			     -- abandoned, ended, dropout, ...
	agent_id INTEGER,
	queue TEXT,
	detail TEXT          -- JSON
);
CREATE INDEX interaction_events_interaction
	ON interaction_events(interaction_id, id);
CREATE TABLE agent_state_history (
	id INTEGER PRIMARY KEY,
	agent_id INTEGER NOT NULL,
	state TEXT NOT NULL,
	reason TEXT,
	started_at INTEGER NOT NULL,
	ended_at INTEGER,
	duration_ms INTEGER
);
CREATE INDEX agent_state_history_agent
	ON agent_state_history(agent_id, started_at);
CREATE TABLE interval_stats (
	queue TEXT NOT NULL,
	interval_start INTEGER NOT NULL,  -- 15-minute boundary
	offered INTEGER NOT NULL DEFAULT 0,
	answered INTEGER NOT NULL DEFAULT 0,
	abandoned INTEGER NOT NULL DEFAULT 0,
	short_abandoned INTEGER NOT NULL DEFAULT 0,
	answered_in_sl INTEGER NOT NULL DEFAULT 0,
	wait_ms_sum INTEGER NOT NULL DEFAULT 0,
	handle_ms_sum INTEGER NOT NULL DEFAULT 0,
	talk_ms_sum INTEGER NOT NULL DEFAULT 0,
	hold_ms_sum INTEGER NOT NULL DEFAULT 0,
	wrapup_ms_sum INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (queue, interval_start)
);
