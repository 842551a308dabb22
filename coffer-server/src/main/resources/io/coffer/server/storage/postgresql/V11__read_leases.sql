-- Coffer schema 11 for PostgreSQL: the read leases of the nodes that answer reads from memory. A
-- node holding an unexpired lease promises to have applied every change up to its position and
-- directory generation before it reports them; a write is acknowledged only once every such node
-- has reached it, or its lease expired (see ReadLease). Times are PostgreSQL's own clock.
CREATE TABLE read_leases (
  node_id     TEXT PRIMARY KEY,
  expires_at  TIMESTAMPTZ NOT NULL,
  position    BIGINT NOT NULL,
  generation  BIGINT NOT NULL
);
