-- A contact request remembers the Idempotency-Key it was made with, unique per seller like messages (per sender)
-- and reports (per reporter): a retry with the same key answers the first request and stores nothing. Requests
-- made without a key hold NULL, which the unique index does not compare.

ALTER TABLE contact_requests ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX contact_requests_idempotency ON contact_requests (seller_id, idempotency_key);
