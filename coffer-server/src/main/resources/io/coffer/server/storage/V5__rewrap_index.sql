-- Coffer schema 5: finding what an older master key still wraps, without a full scan.
CREATE INDEX secret_versions_by_master_key ON secret_versions(master_key_id);
