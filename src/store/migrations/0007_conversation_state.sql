-- Schema 7: where each accepted lead's conversation stands, kept on write.
--
-- `leads status` counts who owes whom a reply every time it runs. Worked out from leads,
-- decisions, message_summary and outcomes, that read four rows in four files' worth of pages per
-- recent conversation (a 3,900-conversation store took 60 ms). Here the same few numbers sit in
-- one row per accepted lead, and the index below holds them in order of last activity, so the
-- recent conversations are one short run of the index, whatever the history holds.

CREATE TABLE conversation_state (
    lead_id       TEXT    PRIMARY KEY NOT NULL,
    -- The customer's request: their first contact.
    requested_at  INTEGER NOT NULL,
    accepted_at   INTEGER,
    from_customer INTEGER NOT NULL,
    customer_last INTEGER,
    from_pro      INTEGER NOT NULL,
    pro_first     INTEGER,
    pro_last      INTEGER,
    -- Won or lost: nobody owes anybody a message any more.
    settled       INTEGER NOT NULL CHECK (settled IN (0, 1)),
    -- The request, the accept or the latest contact, whichever came last: what a conversation
    -- goes cold from.
    last_activity INTEGER GENERATED ALWAYS AS
        (max(requested_at, coalesce(accepted_at, 0), coalesce(customer_last, 0),
             coalesce(pro_last, 0))) VIRTUAL
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_state_by_activity ON conversation_state
    (last_activity, settled, requested_at, accepted_at, from_customer, customer_last, from_pro,
     pro_first, pro_last);

-- What the row of each accepted lead holds, made from what is stored now: the one rule, which the
-- triggers below and a bulk import's rebuild both use. Inserting a lead id into this view makes
-- that lead's row again (or removes it, for a lead no longer accepted), whatever the order in
-- which a lead, its decision and its messages arrive.
CREATE VIEW conversation_rows (lead_id, requested_at, accepted_at, from_customer, customer_last,
                               from_pro, pro_first, pro_last, settled) AS
    SELECT l.id, l.created_at, d.decided_at, coalesce(s.from_customer, 0), s.customer_last,
           coalesce(s.from_pro, 0), s.pro_first, s.pro_last,
           EXISTS (SELECT 1 FROM outcomes o WHERE o.lead_id = l.id)
    FROM leads l
    LEFT JOIN decisions d ON d.lead_id = l.id AND d.action = 'accept'
    LEFT JOIN message_summary s ON s.lead_id = l.id
    WHERE l.status = 'accepted';
CREATE TRIGGER conversation_state_refresh INSTEAD OF INSERT ON conversation_rows BEGIN
    DELETE FROM conversation_state WHERE lead_id = NEW.lead_id;
    INSERT INTO conversation_state (lead_id, requested_at, accepted_at, from_customer,
                                    customer_last, from_pro, pro_first, pro_last, settled)
    SELECT * FROM conversation_rows WHERE lead_id = NEW.lead_id;
END;

CREATE TRIGGER conversation_state_lead_insert AFTER INSERT ON leads
WHEN NEW.status = 'accepted'
BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (NEW.id);
END;
CREATE TRIGGER conversation_state_lead_update AFTER UPDATE OF id, status, created_at ON leads
WHEN (OLD.status = 'accepted' OR NEW.status = 'accepted')
     AND (OLD.id IS NOT NEW.id OR OLD.status IS NOT NEW.status
          OR OLD.created_at IS NOT NEW.created_at)
BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (OLD.id);
    INSERT INTO conversation_rows (lead_id) SELECT NEW.id WHERE NEW.id IS NOT OLD.id;
END;
CREATE TRIGGER conversation_state_lead_delete AFTER DELETE ON leads
WHEN OLD.status = 'accepted'
BEGIN
    DELETE FROM conversation_state WHERE lead_id = OLD.id;
END;

CREATE TRIGGER conversation_state_decision_insert AFTER INSERT ON decisions
WHEN NEW.action = 'accept'
BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (NEW.lead_id);
END;
CREATE TRIGGER conversation_state_decision_update
AFTER UPDATE OF lead_id, action, decided_at ON decisions
BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (OLD.lead_id);
    INSERT INTO conversation_rows (lead_id) SELECT NEW.lead_id WHERE NEW.lead_id IS NOT OLD.lead_id;
END;
CREATE TRIGGER conversation_state_decision_delete AFTER DELETE ON decisions
WHEN OLD.action = 'accept'
BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (OLD.lead_id);
END;

-- message_summary is itself kept by the triggers on messages; its changes carry on here.
CREATE TRIGGER conversation_state_summary_insert AFTER INSERT ON message_summary BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (NEW.lead_id);
END;
CREATE TRIGGER conversation_state_summary_update AFTER UPDATE ON message_summary BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (OLD.lead_id);
    INSERT INTO conversation_rows (lead_id) SELECT NEW.lead_id WHERE NEW.lead_id IS NOT OLD.lead_id;
END;
CREATE TRIGGER conversation_state_summary_delete AFTER DELETE ON message_summary BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (OLD.lead_id);
END;

CREATE TRIGGER conversation_state_outcome_insert AFTER INSERT ON outcomes BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (NEW.lead_id);
END;
CREATE TRIGGER conversation_state_outcome_update AFTER UPDATE OF lead_id ON outcomes BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (OLD.lead_id);
    INSERT INTO conversation_rows (lead_id) VALUES (NEW.lead_id);
END;
CREATE TRIGGER conversation_state_outcome_delete AFTER DELETE ON outcomes BEGIN
    INSERT INTO conversation_rows (lead_id) VALUES (OLD.lead_id);
END;

-- A store from before this schema: every accepted lead's row, once.
INSERT INTO conversation_state (lead_id, requested_at, accepted_at, from_customer, customer_last,
                                from_pro, pro_first, pro_last, settled)
SELECT * FROM conversation_rows;
