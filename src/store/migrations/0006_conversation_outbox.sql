-- Schema 6: messages and outcomes recorded here for a remote source, waiting to reach the API.
--
-- Not rows of the decision outbox: that table holds one decision per lead (its UNIQUE lead_id is
-- what makes "queued at most once" a property of the store) and keeps a sent row until the
-- server's rate includes it. A lead has many messages, and a sent message or outcome has nothing
-- left to correct, so these rows go once the API has answered. Like a decision, each row is
-- written in the same transaction as the message or outcome it sends, with its idempotency key,
-- before the first attempt; the same key and body go on every retry, also after a restart, so the
-- platform stores each once. They are sent in `seq` order, after the lead's decision.
CREATE TABLE conversation_outbox (
    seq             INTEGER PRIMARY KEY,
    key             TEXT    NOT NULL UNIQUE,
    lead_id         TEXT    NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('message', 'outcome')),
    -- A message's id here; it takes the platform's id once the platform answers.
    message_id      TEXT,
    -- For an outcome that replaced another: the outcome_changes row keeping the one replaced, put
    -- back if the platform refuses this one.
    replaced_change INTEGER,
    -- The request body, exactly as sent on every attempt.
    body            TEXT    NOT NULL,
    queued_at       INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    CHECK ((kind = 'message') = (message_id IS NOT NULL))
) STRICT;
CREATE INDEX conversation_outbox_by_lead ON conversation_outbox (lead_id, seq);
