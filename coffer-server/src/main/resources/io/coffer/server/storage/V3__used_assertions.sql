-- Coffer schema 3: client-assertion ids already redeemed, until their assertion expires. In the
-- database rather than in memory so a captured assertion replays on no node, nor after a restart.
CREATE TABLE used_assertions (
  id       TEXT PRIMARY KEY,
  expires  INTEGER NOT NULL
);
CREATE INDEX used_assertions_by_expiry ON used_assertions(expires);
