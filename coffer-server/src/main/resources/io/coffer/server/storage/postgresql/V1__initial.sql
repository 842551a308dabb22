-- Coffer schema 1 for PostgreSQL: the same tables as on SQLite. Times are Unix seconds (BIGINT),
-- flags are 0/1 (INTEGER) so both dialects map rows the same way, and name keys compare bytewise
-- (COLLATE "C") so paging orders names exactly as SQLite does.
CREATE TABLE tenants (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  created   BIGINT NOT NULL
);

CREATE TABLE principals (
  object_id    TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  client_id    TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  kind         TEXT NOT NULL,
  enabled      INTEGER NOT NULL,
  created      BIGINT NOT NULL
);
CREATE INDEX principals_by_client_id ON principals(lower(client_id));
CREATE INDEX principals_by_tenant ON principals(tenant_id);

CREATE TABLE client_secrets (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  hash         TEXT NOT NULL,
  hint         TEXT NOT NULL,
  expires      BIGINT NOT NULL,
  created      BIGINT NOT NULL
);
CREATE INDEX client_secrets_by_principal ON client_secrets(principal_id);

CREATE TABLE vaults (
  id               TEXT PRIMARY KEY,
  name             TEXT COLLATE "C" NOT NULL UNIQUE,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  retention_days   INTEGER NOT NULL,
  purge_protection INTEGER NOT NULL,
  created          BIGINT NOT NULL
);

CREATE TABLE role_assignments (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  role         TEXT NOT NULL,
  vault_id     TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
  secret_key   TEXT NOT NULL,
  created      BIGINT NOT NULL
);
CREATE INDEX role_assignments_by_principal ON role_assignments(principal_id);
CREATE INDEX role_assignments_by_vault ON role_assignments(vault_id);

CREATE TABLE signing_keys (
  kid            TEXT PRIMARY KEY,
  public_jwk     TEXT NOT NULL,
  private_sealed BYTEA NOT NULL,
  wrapped_key    BYTEA NOT NULL,
  master_key_id  TEXT NOT NULL,
  created        BIGINT NOT NULL,
  active         INTEGER NOT NULL
);

CREATE TABLE secrets (
  vault_id       TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
  name_key       TEXT COLLATE "C" NOT NULL,
  name           TEXT NOT NULL,
  deleted        BIGINT,
  purge_after    BIGINT,
  PRIMARY KEY (vault_id, name_key)
);
CREATE INDEX secrets_purge_due ON secrets(purge_after) WHERE purge_after IS NOT NULL;

CREATE TABLE secret_versions (
  vault_id      TEXT NOT NULL,
  name_key      TEXT COLLATE "C" NOT NULL,
  version       TEXT NOT NULL,
  seq           BIGINT NOT NULL,
  ciphertext    BYTEA NOT NULL,
  wrapped_key   BYTEA NOT NULL,
  master_key_id TEXT NOT NULL,
  content_type  TEXT,
  tags          TEXT NOT NULL,
  enabled       INTEGER NOT NULL,
  nbf           BIGINT,
  exp           BIGINT,
  created       BIGINT NOT NULL,
  updated       BIGINT NOT NULL,
  PRIMARY KEY (vault_id, name_key, version),
  FOREIGN KEY (vault_id, name_key) REFERENCES secrets(vault_id, name_key) ON DELETE CASCADE
);
-- Two writers can never give one secret the same sequence number: the second insert fails.
CREATE UNIQUE INDEX secret_versions_by_seq ON secret_versions(vault_id, name_key, seq);
