-- Coffer schema 8: rotation policies (a PostgreSQL role's password kept in a secret, changed by
-- Coffer on a schedule, near expiry or on demand) and the record of each run.
CREATE TABLE rotation_policies (
  vault_id         TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
  name_key         TEXT NOT NULL,
  name             TEXT NOT NULL,
  jdbc_url         TEXT NOT NULL,
  role             TEXT NOT NULL,
  admin_secret     TEXT NOT NULL,
  every_seconds    INTEGER NOT NULL,
  grace_seconds    INTEGER NOT NULL,
  near_expiry_days INTEGER NOT NULL,
  next_due         INTEGER NOT NULL,
  last_rotated     INTEGER,
  last_status      TEXT NOT NULL,
  last_error       TEXT NOT NULL,
  PRIMARY KEY (vault_id, name_key)
);

CREATE TABLE rotation_runs (
  id        TEXT PRIMARY KEY,
  vault_id  TEXT NOT NULL,
  name_key  TEXT NOT NULL,
  cause     TEXT NOT NULL,
  started   INTEGER NOT NULL,
  finished  INTEGER NOT NULL,
  status    TEXT NOT NULL,
  version   TEXT NOT NULL,
  login     TEXT NOT NULL,
  error     TEXT NOT NULL
);
CREATE INDEX rotation_runs_by_secret ON rotation_runs(vault_id, name_key, started);
