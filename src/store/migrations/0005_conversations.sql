-- Schema 5: what happens after an accept. The contact log of each lead (the customer's request
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
-- Each side's contacts of a lead, in time order: counts, first and last, from the index alone.
CREATE INDEX messages_by_lead_sender ON messages (lead_id, sender, at);
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

-- What the follow-up views need of each lead's log — how many contacts each side made, and when
-- — kept by triggers in the same transaction as every change to messages, so a report over
-- 10,000 conversations reads 10,000 rows, not every message (as lead_counts does for the rate).
CREATE TABLE message_summary (
    lead_id       TEXT    PRIMARY KEY NOT NULL,
    from_customer INTEGER NOT NULL,
    customer_last INTEGER,
    from_pro      INTEGER NOT NULL,
    pro_first     INTEGER,
    pro_last      INTEGER
) STRICT, WITHOUT ROWID;

CREATE TRIGGER message_summary_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_summary (lead_id, from_customer, customer_last, from_pro, pro_first, pro_last)
    VALUES (NEW.lead_id, NEW.sender = 'customer',
            CASE WHEN NEW.sender = 'customer' THEN NEW.at END,
            NEW.sender = 'pro',
            CASE WHEN NEW.sender = 'pro' THEN NEW.at END,
            CASE WHEN NEW.sender = 'pro' THEN NEW.at END)
    ON CONFLICT (lead_id) DO UPDATE SET
        from_customer = from_customer + (NEW.sender = 'customer'),
        customer_last = CASE WHEN NEW.sender = 'customer'
                             THEN max(coalesce(customer_last, NEW.at), NEW.at) ELSE customer_last END,
        from_pro = from_pro + (NEW.sender = 'pro'),
        pro_first = CASE WHEN NEW.sender = 'pro'
                         THEN min(coalesce(pro_first, NEW.at), NEW.at) ELSE pro_first END,
        pro_last = CASE WHEN NEW.sender = 'pro'
                        THEN max(coalesce(pro_last, NEW.at), NEW.at) ELSE pro_last END;
END;

-- A message removed (one the platform refused, or its lead deleted) or moved is rare: that lead
-- is counted again from its messages. No row is left for a lead without messages.
CREATE TRIGGER message_summary_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_summary WHERE lead_id = OLD.lead_id;
    INSERT INTO message_summary
    SELECT lead_id, COUNT(*) FILTER (WHERE sender = 'customer'),
           MAX(at) FILTER (WHERE sender = 'customer'),
           COUNT(*) FILTER (WHERE sender = 'pro'),
           MIN(at) FILTER (WHERE sender = 'pro'), MAX(at) FILTER (WHERE sender = 'pro')
    FROM messages WHERE lead_id = OLD.lead_id GROUP BY lead_id;
END;

CREATE TRIGGER message_summary_update AFTER UPDATE OF lead_id, sender, at ON messages BEGIN
    DELETE FROM message_summary WHERE lead_id IN (OLD.lead_id, NEW.lead_id);
    INSERT INTO message_summary
    SELECT lead_id, COUNT(*) FILTER (WHERE sender = 'customer'),
           MAX(at) FILTER (WHERE sender = 'customer'),
           COUNT(*) FILTER (WHERE sender = 'pro'),
           MIN(at) FILTER (WHERE sender = 'pro'), MAX(at) FILTER (WHERE sender = 'pro')
    FROM messages WHERE lead_id IN (OLD.lead_id, NEW.lead_id) GROUP BY lead_id;
END;
