-- Schema 9: the open conversations counted by ten-minute slot of last activity, kept on write.
--
-- `leads status` says how many customers are owed a reply, the oldest of them, how many
-- conversations want a nudge and how many are going cold. Counted row by row from
-- conversation_state, that read every conversation active in the last `followups.cold_after`
-- (19,000 of them in a store taking 30,000 leads a day): the cost grew with the business. Here
-- the same counts sit in one row per ten minutes of last activity (and of the PRO's last message,
-- which the nudge depends on), so status sums a few hundred rows and counts row by row only the
-- slots its thresholds fall inside. The counts stay exact: see `store::conversations::waits`.

-- Each open (unsettled) conversation with the two facts its counts are split by: since when the
-- customer has been waiting (their request, or their last message), and whether the PRO owes
-- them a reply (they wrote after the PRO did, or the PRO never wrote). The same rules as
-- `domain::conversation`'s standing; a test holds them equal. A view, not generated columns of
-- conversation_state: with those, SQLite stops answering from its activity index alone.
CREATE VIEW open_conversations (lead_id, last_activity, pro_last, customer_since, owed) AS
    SELECT lead_id, last_activity, pro_last, customer_since,
           pro_last IS NULL OR customer_since > pro_last
    FROM (SELECT lead_id, last_activity, pro_last,
                 max(requested_at, coalesce(customer_last, requested_at)) AS customer_since
          FROM conversation_state WHERE settled = 0);

CREATE TABLE open_conversation_slots (
    -- last_activity / 600,000: the ten minutes the conversation was last active in.
    slot        INTEGER NOT NULL,
    owed        INTEGER NOT NULL CHECK (owed IN (0, 1)),
    -- pro_last / 600,000 when the customer is not owed a reply (the PRO wrote last); -1 when
    -- they are, as the nudge counts only the former.
    pro_slot    INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    -- The earliest customer_since of the owed ones: the customer waiting longest.
    oldest_owed INTEGER,
    PRIMARY KEY (slot, owed, pro_slot)
) STRICT, WITHOUT ROWID;

-- conversation_state changes by delete and insert (its refresh trigger); a row is counted while
-- it is in the view, read by its key. A leaving row is taken off before it goes, and the oldest
-- of its slot looked up again (one slot's run of the activity index) only when it was that.
CREATE TRIGGER open_conversation_slots_insert AFTER INSERT ON conversation_state
WHEN NEW.settled = 0
BEGIN
    INSERT INTO open_conversation_slots (slot, owed, pro_slot, n, oldest_owed)
    SELECT last_activity / 600000, owed, CASE WHEN owed THEN -1 ELSE pro_last / 600000 END, 1,
           CASE WHEN owed THEN customer_since END
    FROM open_conversations WHERE lead_id = NEW.lead_id
    ON CONFLICT (slot, owed, pro_slot) DO UPDATE SET n = n + 1,
        oldest_owed = min(coalesce(oldest_owed, excluded.oldest_owed), excluded.oldest_owed);
END;
CREATE TRIGGER open_conversation_slots_delete BEFORE DELETE ON conversation_state
WHEN OLD.settled = 0
BEGIN
    UPDATE open_conversation_slots SET n = n - 1,
        oldest_owed = CASE WHEN o.owed AND o.customer_since <= oldest_owed THEN
            (SELECT min(c.customer_since) FROM open_conversations c
             WHERE c.last_activity >= o.slot * 600000 AND c.last_activity < (o.slot + 1) * 600000
               AND c.owed AND c.lead_id <> OLD.lead_id)
            ELSE oldest_owed END
    FROM (SELECT last_activity / 600000 AS slot, owed,
                 CASE WHEN owed THEN -1 ELSE pro_last / 600000 END AS pro_slot, customer_since
          FROM open_conversations WHERE lead_id = OLD.lead_id) AS o
    WHERE open_conversation_slots.slot = o.slot AND open_conversation_slots.owed = o.owed
      AND open_conversation_slots.pro_slot = o.pro_slot;
END;
-- Nothing updates a row in place; should anything, it must go as a delete and an insert.
CREATE TRIGGER open_conversation_slots_update BEFORE UPDATE ON conversation_state BEGIN
    SELECT RAISE(ABORT, 'conversation_state rows are replaced, not updated');
END;

-- A store from before this schema: its open conversations counted once.
INSERT INTO open_conversation_slots (slot, owed, pro_slot, n, oldest_owed)
SELECT last_activity / 600000, owed, CASE WHEN owed THEN -1 ELSE pro_last / 600000 END,
       count(*), min(CASE WHEN owed THEN customer_since END)
FROM open_conversations
GROUP BY 1, 2, 3;
