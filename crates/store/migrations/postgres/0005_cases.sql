-- Reports, investigation cases, case notes and the review of held messages. Same portable conventions as 0001.
-- One active case per subject: reports about the same subject join it (the partial unique index makes two
-- concurrent reports agree on one case). A resolved case leaves the index, so a later report opens a new case,
-- unless an appeal reopens the old one.

CREATE TABLE cases (
    id                  TEXT PRIMARY KEY,
    subject_type        TEXT NOT NULL,
    subject_id          TEXT NOT NULL,
    subject_key         TEXT NOT NULL,
    -- the user the case is about (the reported party), when there is one
    user_id             TEXT REFERENCES users (id),
    conversation_id     TEXT REFERENCES conversations (id),
    order_id            TEXT REFERENCES orders (id),
    source              TEXT NOT NULL,
    category            TEXT,
    queue               TEXT NOT NULL,
    priority            BIGINT NOT NULL,
    state               TEXT NOT NULL,
    assignee            TEXT,
    locked_at           TEXT,
    -- after an appeal, the investigator who decided before may not take it again
    excluded_assignee   TEXT,
    due_at              TEXT NOT NULL,
    outcome             TEXT,
    outcome_reason      TEXT,
    resolved_by         TEXT,
    resolved_at         TEXT,
    first_action_at     TEXT,
    policy_version      TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX cases_one_active_per_subject ON cases (subject_key) WHERE state <> 'resolved';
CREATE INDEX cases_queue ON cases (state, priority, due_at);
CREATE INDEX cases_user ON cases (user_id, created_at);
CREATE INDEX cases_created ON cases (created_at);

CREATE TABLE reports (
    id              TEXT PRIMARY KEY,
    reporter_id     TEXT NOT NULL REFERENCES users (id),
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    -- the reported party, resolved from the subject
    reported_user_id TEXT REFERENCES users (id),
    category        TEXT NOT NULL,
    text            TEXT NOT NULL,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    idempotency_key TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (reporter_id, idempotency_key)
);
CREATE INDEX reports_case ON reports (case_id, created_at);
CREATE INDEX reports_reported_user ON reports (reported_user_id, created_at);
CREATE INDEX reports_created ON reports (created_at);

-- Append-only: no statement updates or deletes a note.
CREATE TABLE case_notes (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    author      TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

-- An investigator's decision on a message the policy held: `released` delivers the original, `rejected` blocks it.
-- Messages stay immutable; the views read this table.
CREATE TABLE held_message_reviews (
    message_id  TEXT PRIMARY KEY REFERENCES messages (id),
    case_id     TEXT NOT NULL REFERENCES cases (id),
    decision    TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX appeals_case ON appeals (case_id);
CREATE INDEX enforcement_steps_case ON enforcement_steps (case_id);
