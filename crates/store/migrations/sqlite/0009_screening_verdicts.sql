-- Investigators' verdicts on screening: a finding of a message that was wrong (`finding_wrong`: the message is not
-- that category), or a delivered message that was a violation the engine missed (`violation`: it is that
-- category). `marketguard model train --verdicts` reads them as labels. One verdict per message, kind and
-- category: recording it again answers the first.

CREATE TABLE screening_verdicts (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES messages (id),
    kind            TEXT NOT NULL,
    category        TEXT NOT NULL,
    investigator    TEXT NOT NULL,
    note            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (message_id, kind, category)
);
CREATE INDEX screening_verdicts_time ON screening_verdicts (created_at, id);
