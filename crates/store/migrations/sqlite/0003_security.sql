-- Account security: console accounts and sessions, marketplace users' second factors, login events and what
-- each user's logins have shown (devices, countries), payout-account changes, the notification outbox and
-- security alerts. Marketplace users are keyed by the marketplace's own id (text); no foreign key to `users`.
-- Same DDL for both backends: TEXT ids and times, BIGINT numbers and 0/1 flags.

CREATE TABLE console_accounts (
    id                      TEXT PRIMARY KEY,
    username                TEXT NOT NULL UNIQUE,
    display_name            TEXT NOT NULL,
    email                   TEXT,
    role                    TEXT NOT NULL,
    password_hash           TEXT NOT NULL,
    totp_secret_enc         TEXT,
    totp_last_step          BIGINT,
    status                  TEXT NOT NULL,
    must_change_password    BIGINT NOT NULL DEFAULT 0,
    created_at              TEXT NOT NULL,
    password_changed_at     TEXT NOT NULL
);

CREATE TABLE console_sessions (
    id                  TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES console_accounts (id),
    token_hash          TEXT NOT NULL UNIQUE,
    device              TEXT NOT NULL,
    ip                  TEXT NOT NULL,
    country             TEXT NOT NULL,
    public_computer     BIGINT NOT NULL,
    created_at          TEXT NOT NULL,
    last_seen_at        TEXT NOT NULL,
    idle_expires_at     TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL,
    revoked_at          TEXT,
    revoked_reason      TEXT
);
CREATE INDEX console_sessions_account ON console_sessions (account_id, created_at);

-- Where to reach a marketplace user with security notifications (personal data: the email column).
CREATE TABLE security_contacts (
    user_id     TEXT PRIMARY KEY,
    email       TEXT,
    updated_at  TEXT NOT NULL
);

CREATE TABLE user_second_factors (
    user_id             TEXT PRIMARY KEY,
    totp_secret_enc     TEXT NOT NULL,
    confirmed_at        TEXT,
    last_used_step      BIGINT,
    last_verified_at    TEXT,
    created_at          TEXT NOT NULL
);

CREATE TABLE user_recovery_codes (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    code_hash   TEXT NOT NULL UNIQUE,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX user_recovery_codes_user ON user_recovery_codes (user_id);

CREATE TABLE login_events (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    success     BIGINT NOT NULL,
    ip          TEXT NOT NULL,
    country     TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    user_agent  TEXT NOT NULL,
    decision    TEXT NOT NULL,
    -- 1 when refused by the throttle before the password mattered: such attempts do not count as failures.
    throttled   BIGINT NOT NULL,
    signals     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX login_events_user ON login_events (user_id, at);
CREATE INDEX login_events_ip ON login_events (ip, at);

-- Devices and countries a user has signed in from (kind `device` or `country`).
CREATE TABLE known_login_sources (
    user_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, value)
);

CREATE TABLE payout_account_changes (
    id                      TEXT PRIMARY KEY,
    user_id                 TEXT NOT NULL,
    fingerprint             TEXT NOT NULL,
    previous_fingerprint    TEXT,
    changed_at              TEXT NOT NULL,
    hold_until              TEXT NOT NULL
);
CREATE INDEX payout_account_changes_user ON payout_account_changes (user_id, changed_at);

CREATE TABLE notifications (
    id                  TEXT PRIMARY KEY,
    recipient_id        TEXT NOT NULL,
    channel             TEXT NOT NULL,
    address             TEXT,
    kind                TEXT NOT NULL,
    subject             TEXT NOT NULL,
    body                TEXT NOT NULL,
    verification_code   TEXT NOT NULL,
    status              TEXT NOT NULL,
    attempts            BIGINT NOT NULL DEFAULT 0,
    last_error          TEXT,
    created_at          TEXT NOT NULL,
    sent_at             TEXT
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at);
CREATE INDEX notifications_code ON notifications (verification_code);
CREATE INDEX notifications_status ON notifications (status, created_at);

CREATE TABLE security_alerts (
    id          TEXT PRIMARY KEY,
    user_id     TEXT,
    kind        TEXT NOT NULL,
    details     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX security_alerts_user ON security_alerts (user_id, at);
