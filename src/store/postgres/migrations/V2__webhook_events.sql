-- Schema 2: webhooks from marketplaces (Thumbtack, Yelp), kept until processed, as the SQLite
-- store's schema 8 keeps them (that migration says why each column is there).
--
-- A server stores a delivery in a committed transaction before it answers 2xx, so a delivery
-- the platform counts as done is never lost; UNIQUE (account, event_id) makes a retried one a
-- no-op, whichever server it reaches. Every server processes the queue: each takes an event
-- with `FOR UPDATE SKIP LOCKED` and holds its row lock while it fetches the lead from the
-- platform, imports it and marks the event done, all in one transaction. So two servers never
-- work on one event, and a server that dies mid-way leaves the event queued, its lock released
-- by the database the moment the connection drops.
CREATE TABLE webhook_events (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account      text        NOT NULL,
    event_id     text        NOT NULL,
    body         text        NOT NULL,
    received_at  timestamptz NOT NULL,
    attempts     integer     NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL,
    last_error   text,
    processed_at timestamptz,
    UNIQUE (account, event_id)
);
CREATE INDEX webhook_events_queued ON webhook_events (account, seq) WHERE processed_at IS NULL;

-- What processing remembers per account between rounds (Yelp's event cursor of each lead, by
-- the names the SQLite store's remote_state uses).
CREATE TABLE platform_state (
    name       text        PRIMARY KEY,
    value      text        NOT NULL,
    updated_at timestamptz NOT NULL
);
