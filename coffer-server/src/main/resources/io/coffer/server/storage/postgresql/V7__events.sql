-- Coffer schema 7 for PostgreSQL: Event Grid subscriptions per vault, and the deliveries owed to them. A delivery
-- row is made from the change log (or by the expiry scan) in one transaction with the reader's
-- position, so each event is owed exactly once and survives restarts until it is delivered or
-- dead-lettered.
CREATE TABLE event_subscriptions (
  id               TEXT PRIMARY KEY,
  vault_id         TEXT NOT NULL REFERENCES vaults(id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  endpoint         TEXT NOT NULL,
  delivery_schema  TEXT NOT NULL,
  event_types      TEXT NOT NULL,
  subject_prefix   TEXT NOT NULL,
  near_expiry_days INTEGER NOT NULL,
  max_attempts     INTEGER NOT NULL,
  ttl_minutes      INTEGER NOT NULL,
  state            TEXT NOT NULL,
  validation_code  TEXT NOT NULL,
  created          BIGINT NOT NULL,
  after_position   BIGINT NOT NULL,
  UNIQUE (vault_id, name)
);

CREATE TABLE event_deliveries (
  id              BIGSERIAL PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES event_subscriptions(id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  name            TEXT NOT NULL,
  version         TEXT NOT NULL,
  nbf             BIGINT,
  exp             BIGINT,
  detail          TEXT NOT NULL,
  published       BIGINT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt    BIGINT NOT NULL,
  state           TEXT NOT NULL,
  last_outcome    TEXT NOT NULL,
  last_attempt    BIGINT,
  dead_reason     TEXT NOT NULL,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX event_deliveries_due ON event_deliveries(state, next_attempt);
CREATE INDEX secret_versions_by_exp ON secret_versions(vault_id, exp) WHERE exp IS NOT NULL;
