-- Coffer schema 6 for PostgreSQL: the change log. Every secret write (set, update, delete, recover, purge,
-- restore) appends one row in its own transaction, at a position taken from the single counter row
-- as the transaction's last statement, so positions follow commit order (see SqlChangeLog).
CREATE TABLE change_log (
  position  BIGINT PRIMARY KEY,
  vault_id  TEXT NOT NULL,
  name      TEXT NOT NULL,
  version   TEXT NOT NULL,
  kind      TEXT NOT NULL,
  nbf       BIGINT,
  exp       BIGINT,
  at        BIGINT NOT NULL
);
CREATE INDEX change_log_by_time ON change_log(at);

CREATE TABLE change_log_head (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  position  BIGINT NOT NULL
);
INSERT INTO change_log_head(id, position) VALUES (1, 0);

-- How far each durable reader of the log has read; the log is pruned only below all of them.
CREATE TABLE change_log_readers (
  reader    TEXT PRIMARY KEY,
  position  BIGINT NOT NULL
);
