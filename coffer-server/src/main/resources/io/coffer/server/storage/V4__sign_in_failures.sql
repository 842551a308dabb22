-- Coffer schema 4: failed password sign-ins per user name, for the smart lockout. In the database
-- so that every node counts the same failures and a restart does not reset them.
CREATE TABLE sign_in_failures (
  attempt_key   TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL,
  last_failure  INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures(last_failure);
