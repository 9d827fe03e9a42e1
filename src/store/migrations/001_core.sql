-- Core schema: filled in by the store module (issue 2).
CREATE TABLE schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
