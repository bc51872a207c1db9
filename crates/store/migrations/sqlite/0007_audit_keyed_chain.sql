-- The audit chain is keyed: each entry says how its `hash` was made. `sha256` is the original unkeyed chain
-- (SHA-256 of the entry and the previous hash); `hmac-sha256` is HMAC-SHA-256 of the same under a key derived from
-- `security.encryption_key`, which is never in the database. Entries written before this migration, and any
-- written while no key was configured, are `sha256` ("legacy"); once a keyed entry is written, every later entry
-- must be keyed too (`Store::verify_audit_chain` fails on an unkeyed entry after a keyed one).

ALTER TABLE audit_events ADD COLUMN link TEXT NOT NULL DEFAULT 'sha256';
