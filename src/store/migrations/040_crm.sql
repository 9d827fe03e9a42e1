-- CRM: customers with their identities (phone numbers in E.164, e-mail
-- addresses, chat and messaging handles, account numbers), tags and custom
-- fields defined by the administrator; merges; cases (tickets) with their
-- linked interactions and comment thread; and every saved version of an
-- interaction's notes. Times are ms since the epoch. Owned by src/crm.
CREATE TABLE customers (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
	company TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
	language TEXT,                 -- BCP 47: en, fr-CA
	tier TEXT NOT NULL DEFAULT 'standard' CHECK (tier IN ('standard',
		'VIP')),
	time_zone TEXT,                -- IANA: Europe/Paris
	custom TEXT NOT NULL DEFAULT '{}', -- JSON {field: value}
	consent_recording INTEGER NOT NULL DEFAULT 0,
	consent_marketing INTEGER NOT NULL DEFAULT 0,
	provisional INTEGER NOT NULL DEFAULT 0, -- made by an unknown contact
	merged_into INTEGER,           -- set on the customer merged away
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX customers_name ON customers(name) WHERE merged_into IS NULL;
CREATE INDEX customers_company ON customers(company)
	WHERE merged_into IS NULL;

-- Search as the agent types: every word of the name and company,
-- lower-cased ("marl" finds Bob Marley by a range on word). Written by
-- src/crm on every path that sets a name or company.
CREATE TABLE customer_words (
	word TEXT NOT NULL,
	customer_id INTEGER NOT NULL REFERENCES customers(id)
		ON DELETE CASCADE,
	PRIMARY KEY (word, customer_id)
) WITHOUT ROWID;
CREATE INDEX customer_words_customer ON customer_words(customer_id, word);

-- How a customer is recognised. value is normalised: phone E.164
-- (+14155550100, or bare digits for short numbers), email lower-case,
-- others as given. Several customers may share one (a family's line).
CREATE TABLE customer_identities (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER NOT NULL REFERENCES customers(id)
		ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'chat',
		'messaging', 'account')),
	value TEXT NOT NULL,
	label TEXT,                    -- mobile, work, whatsapp, ...
	UNIQUE (customer_id, kind, value)
);
CREATE INDEX customer_identities_value ON customer_identities(kind, value);

CREATE TABLE customer_tags (
	customer_id INTEGER NOT NULL REFERENCES customers(id)
		ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (customer_id, tag)
) WITHOUT ROWID;
CREATE INDEX customer_tags_tag ON customer_tags(tag);

-- Custom fields the administrator defines; values live in customers.custom.
CREATE TABLE customer_fields (
	name TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date',
		'choice')),
	choices TEXT,                  -- JSON array for 'choice'
	created_at INTEGER NOT NULL
);

-- A merge keeps the customer merged away (merged_into set, identities
-- moved) and a snapshot of it here.
CREATE TABLE customer_merges (
	id INTEGER PRIMARY KEY,
	from_id INTEGER NOT NULL,
	into_id INTEGER NOT NULL,
	at INTEGER NOT NULL,
	account_id INTEGER,
	username TEXT,
	snapshot TEXT NOT NULL         -- JSON of the customer merged away
);

CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
	subject TEXT NOT NULL COLLATE NOCASE,
	status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open',
		'pending_customer', 'solved', 'closed')),
	priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low',
		'normal', 'high', 'urgent')),
	owner_agent_id INTEGER,
	due_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	created_by TEXT,
	reopened INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_customer ON cases(customer_id, updated_at);
CREATE INDEX cases_status ON cases(status, updated_at);
CREATE INDEX cases_subject ON cases(subject);

CREATE TABLE case_interactions (
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	interaction_id INTEGER NOT NULL,
	linked_at INTEGER NOT NULL,
	PRIMARY KEY (case_id, interaction_id)
) WITHOUT ROWID;
CREATE INDEX case_interactions_interaction
	ON case_interactions(interaction_id);

CREATE TABLE case_comments (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	at INTEGER NOT NULL,
	account_id INTEGER,
	username TEXT,
	body TEXT NOT NULL
);
CREATE INDEX case_comments_case ON case_comments(case_id, id);

-- Every saved text of an interaction's notes (the desktop saves as the
-- agent types): the triggers version what PUT .../notes and wrap-up write
-- to interaction_notes, so no save path can skip it.
CREATE TABLE interaction_note_versions (
	interaction_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	agent_id INTEGER,
	notes TEXT NOT NULL,
	saved_at INTEGER NOT NULL,
	PRIMARY KEY (interaction_id, version)
) WITHOUT ROWID;
INSERT INTO interaction_note_versions
	SELECT interaction_id, 1, agent_id, notes, updated_at
	FROM interaction_notes;
CREATE TRIGGER interaction_notes_v_insert AFTER INSERT ON interaction_notes
BEGIN
	INSERT INTO interaction_note_versions VALUES (NEW.interaction_id,
		(SELECT coalesce(max(version), 0) + 1 FROM
		 interaction_note_versions WHERE interaction_id =
		 NEW.interaction_id), NEW.agent_id, NEW.notes, NEW.updated_at);
END;
CREATE TRIGGER interaction_notes_v_update AFTER UPDATE OF notes
	ON interaction_notes WHEN NEW.notes IS NOT OLD.notes
BEGIN
	INSERT INTO interaction_note_versions VALUES (NEW.interaction_id,
		(SELECT coalesce(max(version), 0) + 1 FROM
		 interaction_note_versions WHERE interaction_id =
		 NEW.interaction_id), NEW.agent_id, NEW.notes, NEW.updated_at);
END;

CREATE TABLE crm_settings (
	key TEXT PRIMARY KEY,
	value TEXT
);
