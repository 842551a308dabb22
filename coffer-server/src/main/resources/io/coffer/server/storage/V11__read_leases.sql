-- Coffer schema 11: the read leases of nodes sharing a PostgreSQL. A SQLite database has one node,
-- which never reads them; the table is here so both dialects keep one schema.
CREATE TABLE read_leases (
  node_id     TEXT PRIMARY KEY,
  expires_at  INTEGER NOT NULL,
  position    BIGINT NOT NULL,
  generation  BIGINT NOT NULL
);
