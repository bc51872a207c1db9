-- Messaging: the marketplace's users, listings and orders (mirrored), conversations, messages, strikes,
-- enforcement steps, appeals and policy versions. Same portable conventions as 0001: UUID v7 text ids for our own
-- objects (the marketplace's ids are opaque text), RFC 3339 UTC text times, BIGINT numbers and 0/1 flags, JSON as
-- text. Personal data sits in columns named for it: users.email, users.phone, orders.ship_to_address.

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    role                TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    country             TEXT NOT NULL,
    locale              TEXT,
    status              TEXT NOT NULL,
    restricted_until    TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE listings (
    id              TEXT PRIMARY KEY,
    seller_id       TEXT NOT NULL REFERENCES users (id),
    title           TEXT NOT NULL,
    category        TEXT NOT NULL,
    made_to_order   BIGINT NOT NULL,
    bulky           BIGINT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE orders (
    id                  TEXT PRIMARY KEY,
    buyer_id            TEXT NOT NULL REFERENCES users (id),
    seller_id           TEXT NOT NULL REFERENCES users (id),
    listing_id          TEXT REFERENCES listings (id),
    amount_minor        BIGINT NOT NULL,
    currency            TEXT NOT NULL,
    ship_to_address     TEXT NOT NULL,
    status              TEXT NOT NULL,
    delivery_date       TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- One conversation per order, or per (listing, buyer) for a pre-sale inquiry: `subject_key` says which.
CREATE TABLE conversations (
    id              TEXT PRIMARY KEY,
    subject_key     TEXT NOT NULL UNIQUE,
    order_id        TEXT REFERENCES orders (id),
    listing_id      TEXT REFERENCES listings (id),
    buyer_id        TEXT NOT NULL REFERENCES users (id),
    seller_id       TEXT NOT NULL REFERENCES users (id),
    buyer_alias     TEXT NOT NULL,
    seller_alias    TEXT NOT NULL,
    opened_by       TEXT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX conversations_opened_by ON conversations (opened_by, created_at);

-- Immutable once written: no statement updates or deletes a message.
CREATE TABLE messages (
    id                      TEXT PRIMARY KEY,
    conversation_id         TEXT NOT NULL REFERENCES conversations (id),
    sender_id               TEXT NOT NULL REFERENCES users (id),
    sender_role             TEXT NOT NULL,
    original_text           TEXT NOT NULL,
    delivered_text          TEXT,
    action                  TEXT NOT NULL,
    findings                TEXT NOT NULL,
    contact_grant           BIGINT NOT NULL,
    policy_version          TEXT NOT NULL,
    rule                    TEXT NOT NULL,
    notice_to_sender        TEXT,
    notice_to_recipient     TEXT,
    idempotency_key         TEXT,
    created_at              TEXT NOT NULL,
    UNIQUE (sender_id, idempotency_key)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_sender_time ON messages (sender_id, created_at);

CREATE TABLE strikes (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    message_id      TEXT REFERENCES messages (id),
    category        TEXT NOT NULL,
    weight          BIGINT NOT NULL,
    policy_version  TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    voided_at       TEXT
);
CREATE INDEX strikes_user_time ON strikes (user_id, created_at);

-- `decided_by` is `policy:<version>` or `investigator:<name>`; a reversal is a step of level `reinstated` whose
-- `reverses_step_id` names the step it undid, and that step's `reversed_by` names it back.
CREATE TABLE enforcement_steps (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id),
    level               TEXT NOT NULL,
    rung                BIGINT,
    until               TEXT,
    reason              TEXT NOT NULL,
    notice              TEXT NOT NULL,
    decided_by          TEXT NOT NULL,
    strike_id           TEXT REFERENCES strikes (id),
    case_id             TEXT,
    reverses_step_id    TEXT REFERENCES enforcement_steps (id),
    reversed_by         TEXT REFERENCES enforcement_steps (id),
    created_at          TEXT NOT NULL
);
CREATE INDEX enforcement_steps_user ON enforcement_steps (user_id, created_at);

CREATE TABLE appeals (
    id          TEXT PRIMARY KEY,
    step_id     TEXT NOT NULL REFERENCES enforcement_steps (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    text        TEXT NOT NULL,
    status      TEXT NOT NULL,
    case_id     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX appeals_step ON appeals (step_id);

CREATE TABLE policy_versions (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    version         TEXT NOT NULL,
    content         TEXT NOT NULL,
    content_sha256  TEXT NOT NULL,
    activated_at    TEXT NOT NULL,
    activated_by    TEXT NOT NULL
);
CREATE INDEX policy_versions_kind ON policy_versions (kind, activated_at);
