-- Coffer schema 10: the directory's generation, which nodes sharing a PostgreSQL read to know
-- whether what they cached of the directory may be stale. A SQLite database has one node, which
-- never reads it; the table is here so both dialects keep one schema.
CREATE TABLE directory_generation (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  generation  BIGINT NOT NULL
);
INSERT INTO directory_generation(id, generation) VALUES (1, 0);
