-- Phone-contact requests, the grants the buyer approves, the relay numbers they lease and the interactions
-- relayed (never their content), and pressure recorded against a request. Same portable conventions as 0001:
-- TEXT ids and times, BIGINT numbers and 0/1 flags, JSON as text.
--
-- Personal data: contact_grants.buyer_phone_enc and seller_phone_enc hold the parties' real numbers encrypted
-- (ChaCha20-Poly1305) under the grant's own key; wrapped_key holds that key encrypted under the server's key.
-- When a grant ends all three are set to NULL, which erases the numbers.

CREATE TABLE contact_requests (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL,
    seller_id       TEXT NOT NULL,
    buyer_id        TEXT,
    purpose         TEXT NOT NULL,
    justification   TEXT NOT NULL,
    channel         TEXT NOT NULL,
    -- refused, pending, approved, declined, revoked, expired
    status          TEXT NOT NULL,
    reasons         TEXT NOT NULL,
    review_flags    TEXT NOT NULL,
    policy_version  TEXT NOT NULL,
    grant_id        TEXT,
    created_at      TEXT NOT NULL,
    decided_at      TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX contact_requests_seller_time ON contact_requests (seller_id, created_at);
CREATE INDEX contact_requests_order ON contact_requests (order_id, seller_id);
CREATE INDEX contact_requests_pair ON contact_requests (buyer_id, seller_id, created_at);

CREATE TABLE contact_grants (
    id                  TEXT PRIMARY KEY,
    request_id          TEXT NOT NULL UNIQUE REFERENCES contact_requests (id),
    order_id            TEXT NOT NULL,
    buyer_id            TEXT NOT NULL,
    seller_id           TEXT NOT NULL,
    channel             TEXT NOT NULL,
    relay_number        TEXT NOT NULL,
    -- active, revoked, expired
    status              TEXT NOT NULL,
    wrapped_key         TEXT,
    buyer_phone_enc     TEXT,
    seller_phone_enc    TEXT,
    expires_at          TEXT NOT NULL,
    extensions          BIGINT NOT NULL,
    created_at          TEXT NOT NULL,
    ended_at            TEXT,
    end_reason          TEXT
);
CREATE INDEX contact_grants_pair ON contact_grants (buyer_id, seller_id, status);
CREATE INDEX contact_grants_due ON contact_grants (status, expires_at);
CREATE INDEX contact_grants_relay ON contact_grants (relay_number, status);

-- While a grant is active, each of its two parties holds its relay number: one party per number at a time, so a
-- caller and the number called name exactly one grant. Deleted when the grant ends.
CREATE TABLE relay_leases (
    relay_number    TEXT NOT NULL,
    party_id        TEXT NOT NULL,
    grant_id        TEXT NOT NULL REFERENCES contact_grants (id),
    PRIMARY KEY (relay_number, party_id)
);

-- One row per relayed (or refused) call or text: never the content, never the caller's number.
CREATE TABLE relay_interactions (
    id              TEXT PRIMARY KEY,
    grant_id        TEXT REFERENCES contact_grants (id),
    relay_number    TEXT NOT NULL,
    kind            TEXT NOT NULL,
    direction       TEXT,
    outcome         TEXT NOT NULL,
    refusal_code    TEXT,
    provider_ref    TEXT,
    duration_secs   BIGINT,
    created_at      TEXT NOT NULL,
    ended_at        TEXT
);
CREATE INDEX relay_interactions_grant ON relay_interactions (grant_id, created_at);
CREATE INDEX relay_interactions_ref ON relay_interactions (provider_ref);

-- A seller's message that pressured the buyer for a phone contact while a request was pending, declined or
-- revoked; the strike it added names the request too.
CREATE TABLE contact_violations (
    id              TEXT PRIMARY KEY,
    request_id      TEXT NOT NULL REFERENCES contact_requests (id),
    message_id      TEXT NOT NULL REFERENCES messages (id),
    user_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    strike_id       TEXT REFERENCES strikes (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX contact_violations_request ON contact_violations (request_id);

ALTER TABLE strikes ADD COLUMN contact_request_id TEXT REFERENCES contact_requests (id);
