-- Schema 4: what happens after an accept. The contact log of each lead (the customer's request
-- itself is the lead row and is not repeated here), and what became of it.

-- Every contact with the customer after the request. `id` is the platform's message id, or one
-- made here for a contact logged by hand; a message pulled or imported twice is stored once.
CREATE TABLE messages (
    lead_id TEXT    NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    id      TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    sender  TEXT    NOT NULL CHECK (sender IN ('customer', 'pro')),
    channel TEXT    NOT NULL CHECK (channel IN ('platform', 'phone', 'email', 'sms', 'visit', 'other')),
    text    TEXT,
    -- import, here (logged with `leads contact` or `leads reply`), or remote (pulled).
    origin  TEXT    NOT NULL,
    PRIMARY KEY (lead_id, id)
) STRICT;
CREATE INDEX messages_by_lead_time ON messages (lead_id, at);
-- "Who was in touch lately?": the follow-up views start from recent contacts.
CREATE INDEX messages_by_time ON messages (at, lead_id);

-- The outcome of an accepted lead. A later outcome replaces an earlier one; the one replaced is
-- kept in outcome_changes with the time it was replaced, so history can say when it changed.
CREATE TABLE outcomes (
    lead_id        TEXT    PRIMARY KEY NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    result         TEXT    NOT NULL CHECK (result IN ('won', 'lost')),
    at             INTEGER NOT NULL,
    value_amount   INTEGER CHECK (value_amount >= 0),
    value_currency TEXT,
    reason         TEXT,
    CHECK ((value_amount IS NULL) = (value_currency IS NULL))
) STRICT;

CREATE TABLE outcome_changes (
    seq            INTEGER PRIMARY KEY,
    lead_id        TEXT    NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    result         TEXT    NOT NULL,
    at             INTEGER NOT NULL,
    value_amount   INTEGER,
    value_currency TEXT,
    reason         TEXT,
    replaced_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX outcome_changes_by_lead ON outcome_changes (lead_id, seq);
