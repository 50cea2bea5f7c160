-- Schema 8: webhooks from marketplaces (Thumbtack, Yelp), kept until processed.
--
-- `leads serve` writes a row in the same transaction that decides its answer, before it answers
-- 2xx, so a delivery the platform counts as done is never lost, even if the process dies the
-- next moment. UNIQUE (account, event_id) makes a retried delivery a no-op: the platform may send
-- an event again whenever it did not see our answer. Processing (fetching the full lead from the
-- platform's API) happens after, and may fail: the row stays, with its error and the time of the
-- next try, until it is done. `body` is the platform's JSON exactly as received, so processing
-- reads what the platform said, not our reading of it at the time.
CREATE TABLE webhook_events (
    seq          INTEGER PRIMARY KEY,
    account      TEXT    NOT NULL,
    event_id     TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- Not before this time (ms): a failure waits a little longer each time.
    next_at      INTEGER NOT NULL,
    last_error   TEXT,
    processed_at INTEGER,
    UNIQUE (account, event_id)
) STRICT;
CREATE INDEX webhook_events_queued ON webhook_events (account, next_at) WHERE processed_at IS NULL;
