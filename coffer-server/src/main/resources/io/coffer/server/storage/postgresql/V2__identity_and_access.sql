-- Coffer schema 2 for PostgreSQL: every credential type, human users, access policies, administrators.

-- Users sign in with a name and a password (slow salted hash); other principals have neither.
ALTER TABLE principals ADD COLUMN user_name TEXT;
ALTER TABLE principals ADD COLUMN password_hash TEXT;
CREATE UNIQUE INDEX principals_by_user_name ON principals(lower(user_name)) WHERE user_name IS NOT NULL;

ALTER TABLE client_secrets ADD COLUMN display_name TEXT NOT NULL DEFAULT '';

-- Public certificates (DER) whose private keys sign client assertions.
CREATE TABLE certificate_credentials (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  thumbprint   TEXT NOT NULL,
  certificate  BYTEA NOT NULL,
  subject      TEXT NOT NULL,
  expires      BIGINT NOT NULL,
  created      BIGINT NOT NULL
);
CREATE INDEX certificate_credentials_by_principal ON certificate_credentials(principal_id);

-- Trust in an external OIDC issuer's tokens for one subject (workload identity federation).
CREATE TABLE federated_credentials (
  id           TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  issuer       TEXT NOT NULL,
  subject      TEXT NOT NULL,
  audience     TEXT NOT NULL,
  jwks         TEXT,
  created      BIGINT NOT NULL,
  UNIQUE (principal_id, name)
);
CREATE INDEX federated_credentials_by_principal ON federated_credentials(principal_id);

-- A vault uses either RBAC (role_assignments) or access policies, as on Azure.
ALTER TABLE vaults ADD COLUMN rbac INTEGER NOT NULL DEFAULT 1;

CREATE TABLE access_policies (
  vault_id    TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
  object_id   TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  permissions TEXT NOT NULL,
  updated     BIGINT NOT NULL,
  PRIMARY KEY (vault_id, object_id)
);
CREATE INDEX access_policies_by_principal ON access_policies(object_id);

-- Principals allowed to use the management API.
CREATE TABLE administrators (
  principal_id TEXT PRIMARY KEY REFERENCES principals(object_id) ON DELETE CASCADE,
  created      BIGINT NOT NULL
);

-- One-time tokens that create the first administrator; stored hashed.
CREATE TABLE bootstrap_tokens (
  hash    TEXT PRIMARY KEY,
  expires BIGINT NOT NULL,
  created BIGINT NOT NULL
);

-- Authorization codes of the interactive (PKCE) flow, hashed and redeemable once.
CREATE TABLE authorization_codes (
  code_hash      TEXT PRIMARY KEY,
  principal_id   TEXT NOT NULL REFERENCES principals(object_id) ON DELETE CASCADE,
  client_id      TEXT NOT NULL,
  redirect_uri   TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  scope          TEXT NOT NULL,
  nonce          TEXT NOT NULL,
  expires        BIGINT NOT NULL
);
