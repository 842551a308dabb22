-- Coffer schema 10 for PostgreSQL: the directory's generation. Every transaction that writes
-- tenants, principals, credentials, vaults, role assignments or access policies adds one to it as
-- its last statement, so a node that reads it knows whether what it cached of those may be stale
-- (see ReadBarrier and DirectoryGeneration).
CREATE TABLE directory_generation (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  generation  BIGINT NOT NULL
);
INSERT INTO directory_generation(id, generation) VALUES (1, 0);
