-- Schema 3: the remote source's outbox and what it remembers of the server.

-- Decisions made here for a remote source, waiting to reach the API. The row is written in the
-- same transaction as the local decision, with its idempotency key, before the first attempt; the
-- same key is sent on every retry, also after a restart, so the server charges at most once.
-- Once the API has taken it, the row stays (with sent_at) until the server's response rate is
-- fetched again: until then `status` adds it to the server's figure, which cannot include it yet.
CREATE TABLE outbox (
    key        TEXT    PRIMARY KEY NOT NULL,
    lead_id    TEXT    NOT NULL UNIQUE REFERENCES leads (id),
    action     TEXT    NOT NULL CHECK (action IN ('accept', 'reject')),
    reason     TEXT,
    note       TEXT,
    queued_at  INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at    INTEGER
) STRICT;

-- Small facts about the server: when the cache was last pulled, the server's response rate.
CREATE TABLE remote_state (
    name       TEXT    PRIMARY KEY NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
