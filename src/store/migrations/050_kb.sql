-- Knowledge base: articles with their versions (every saved edit is a
-- version; publishing points the article at one of them), the full-text
-- index of what is published, feedback from agents, and mail-outs (an
-- article pushed to agents as a required read, with each agent's
-- acknowledgement). Times are ms since the epoch. Owned by src/kb.
CREATE TABLE kb_articles (
	id INTEGER PRIMARY KEY,
	audience TEXT NOT NULL DEFAULT 'internal' CHECK (audience IN
		('internal', 'customer')),
	owner_id INTEGER,              -- accounts.id of the writer in charge
	review_date TEXT,              -- YYYY-MM-DD: due for review then
	version INTEGER NOT NULL,      -- the latest saved version (the draft)
	published_version INTEGER,     -- NULL: not published
	published_at INTEGER,
	published_by TEXT,
	created_at INTEGER NOT NULL,
	created_by TEXT,
	updated_at INTEGER NOT NULL
);
CREATE INDEX kb_articles_owner ON kb_articles(owner_id);

CREATE TABLE kb_versions (
	article_id INTEGER NOT NULL REFERENCES kb_articles(id)
		ON DELETE CASCADE,
	version INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,            -- Markdown as the writer typed it
	tags TEXT NOT NULL DEFAULT '[]', -- JSON array of lower-case tags
	created_at INTEGER NOT NULL,
	created_by TEXT,
	PRIMARY KEY (article_id, version)
) WITHOUT ROWID;

-- What agents search: the published version of each published article,
-- body as plain text (the Markdown rendered and stripped), tags space
-- separated. rowid = kb_articles.id. Title weighs 10, tags 4, body 1.
CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, tags,
	audience UNINDEXED, tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3 4');
INSERT INTO kb_fts (kb_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0)');
-- The words indexed, for typo tolerance (the known words nearest to a
-- query term). Not an fts5vocab table: that computes each word's counts
-- by reading its whole posting list, far too slow at 50,000 articles.
CREATE TABLE kb_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TABLE kb_feedback (
	id INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES kb_articles(id)
		ON DELETE CASCADE,
	version INTEGER NOT NULL,      -- the version the agent read
	account_id INTEGER NOT NULL,
	username TEXT,
	kind TEXT NOT NULL CHECK (kind IN ('helpful', 'outdated')),
	comment TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL,
	resolved_at INTEGER            -- outdated: when the owner dealt with it
);
CREATE INDEX kb_feedback_article ON kb_feedback(article_id, kind);
-- One mark of each kind per reader while it stands.
CREATE UNIQUE INDEX kb_feedback_once ON kb_feedback(article_id, account_id,
	kind) WHERE resolved_at IS NULL;

CREATE TABLE kb_mailouts (
	id INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES kb_articles(id)
		ON DELETE CASCADE,
	version INTEGER NOT NULL,      -- the published version pushed
	note TEXT NOT NULL DEFAULT '',
	target TEXT NOT NULL,          -- JSON: {"queue": ...} / {"agents": ...}
	created_at INTEGER NOT NULL,
	created_by TEXT
);

CREATE TABLE kb_mailout_recipients (
	mailout_id INTEGER NOT NULL REFERENCES kb_mailouts(id)
		ON DELETE CASCADE,
	agent_id INTEGER NOT NULL,
	acknowledged_at INTEGER,       -- NULL: not read yet
	PRIMARY KEY (mailout_id, agent_id)
) WITHOUT ROWID;
CREATE INDEX kb_mailout_pending ON kb_mailout_recipients(agent_id)
	WHERE acknowledged_at IS NULL;
