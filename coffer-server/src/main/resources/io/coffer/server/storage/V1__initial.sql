-- Coffer schema 1: tenants, principals, vaults, role assignments, signing keys, secrets.
-- Names are stored as given and compared through name_key (lower case), as Key Vault compares them.
CREATE TABLE tenants (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL UNIQUE,
  created   INTEGER NOT NULL
);

CREATE TABLE principals (
  object_id    TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  client_id    TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  kind         TEXT NOT NULL,
  enabled      INTEGER NOT NULL,
  created      INTEGER NOT NULL
);

CREATE TABLE client_secrets (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  hash         TEXT NOT NULL,
  hint         TEXT NOT NULL,
  expires      INTEGER NOT NULL,
  created      INTEGER NOT NULL
);
CREATE INDEX client_secrets_by_principal ON client_secrets(principal_id);

CREATE TABLE vaults (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  retention_days   INTEGER NOT NULL,
  purge_protection INTEGER NOT NULL,
  created          INTEGER NOT NULL
);

CREATE TABLE role_assignments (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  role         TEXT NOT NULL,
  vault_id     TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
  secret_key   TEXT NOT NULL,
  created      INTEGER NOT NULL
);
CREATE INDEX role_assignments_by_principal ON role_assignments(principal_id);

CREATE TABLE signing_keys (
  kid            TEXT PRIMARY KEY,
  public_jwk     TEXT NOT NULL,
  private_sealed BLOB NOT NULL,
  wrapped_key    BLOB NOT NULL,
  master_key_id  TEXT NOT NULL,
  created        INTEGER NOT NULL,
  active         INTEGER NOT NULL
);

CREATE TABLE secrets (
  vault_id       TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
  name_key       TEXT NOT NULL,
  name           TEXT NOT NULL,
  deleted        INTEGER,
  purge_after    INTEGER,
  PRIMARY KEY (vault_id, name_key)
);
CREATE INDEX secrets_purge_due ON secrets(purge_after) WHERE purge_after IS NOT NULL;

CREATE TABLE secret_versions (
  vault_id      TEXT NOT NULL,
  name_key      TEXT NOT NULL,
  version       TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  ciphertext    BLOB NOT NULL,
  wrapped_key   BLOB NOT NULL,
  master_key_id TEXT NOT NULL,
  content_type  TEXT,
  tags          TEXT NOT NULL,
  enabled       INTEGER NOT NULL,
  nbf           INTEGER,
  exp           INTEGER,
  created       INTEGER NOT NULL,
  updated       INTEGER NOT NULL,
  PRIMARY KEY (vault_id, name_key, version),
  FOREIGN KEY (vault_id, name_key) REFERENCES secrets(vault_id, name_key) ON DELETE CASCADE
);
CREATE UNIQUE INDEX secret_versions_by_seq ON secret_versions(vault_id, name_key, seq);
