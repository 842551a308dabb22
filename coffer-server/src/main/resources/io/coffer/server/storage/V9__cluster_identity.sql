-- Coffer schema 6: what every node on one database must share, recorded by the first node
-- to start: the id of the master key that wraps new data keys, and the SHA-256 of the TLS CA. Never
-- a key: a master key's id is a fingerprint, a CA's certificate is public.
CREATE TABLE cluster_identity (
  name         TEXT PRIMARY KEY,
  fingerprint  TEXT NOT NULL,
  recorded     BIGINT NOT NULL,
  recorded_by  TEXT NOT NULL
);
