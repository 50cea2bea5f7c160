-- Schema 1 of a team's shared queue on PostgreSQL (`leads serve --database`).
--
-- The same promises as the SQLite store, kept by constraints so that they hold whichever server
-- writes: one decision per lead (decisions' primary key), one charge per lead (charges' UNIQUE),
-- one stored response per idempotency key (its primary key), each message once (its key).
-- Times are timestamptz (milliseconds, as the SQLite store keeps them); money is integer minor
-- units (bigint) plus an ISO 4217 code.

-- A lead as the API contract describes it: the columns that queries and constraints need, and
-- the rest of the platform's object (service, fee, budget, customer, answers...) as `body`,
-- exactly the JSON the API serves, read back with the one deserialiser every lead goes through.
CREATE TABLE leads (
    id         text        PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('new_lead', 'promotion')),
    status     text        NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'expired')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    body       jsonb       NOT NULL,
    updated_at timestamptz NOT NULL
);
-- GET /v1/leads pages oldest first by a (created_at, id) cursor, all leads or one status; the
-- response rate counts a window of arrivals by status.
CREATE INDEX leads_by_created ON leads (created_at, id);
CREATE INDEX leads_by_status_created ON leads (status, created_at, id);
CREATE INDEX leads_by_kind_created ON leads (kind, created_at);

CREATE TABLE decisions (
    lead_id         text        PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
    action          text        NOT NULL CHECK (action IN ('accept', 'reject')),
    decided_at      timestamptz NOT NULL,
    reason          text        CHECK (reason IN ('not_my_service', 'outside_area', 'schedule_conflict',
                                                  'budget_too_low', 'too_busy', 'other')),
    note            text,
    charge_amount   bigint      CHECK (charge_amount >= 0),
    charge_currency text,
    charge_id       text,
    -- 'local': decided through this server; 'import': arrived already decided.
    origin          text        NOT NULL CHECK (origin IN ('local', 'import')),
    CHECK ((action = 'accept') = (charge_amount IS NOT NULL AND charge_currency IS NOT NULL)),
    CHECK ((action = 'reject') = (reason IS NOT NULL))
);

-- The ledger: one charge per accepted lead, whatever the keys and whichever server. Clients see
-- 'ch_' and seq, zero-padded, as from the SQLite store.
CREATE TABLE charges (
    seq        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lead_id    text        NOT NULL UNIQUE REFERENCES leads (id) ON DELETE CASCADE,
    amount     bigint      NOT NULL CHECK (amount >= 0),
    currency   text        NOT NULL,
    created_at timestamptz NOT NULL
);

-- The first response to each idempotency key, written in the transaction of the work it did.
CREATE TABLE idempotency (
    key         text        PRIMARY KEY,
    fingerprint text        NOT NULL,
    status      integer     NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE messages (
    lead_id text        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    id      text        NOT NULL,
    at      timestamptz NOT NULL,
    sender  text        NOT NULL CHECK (sender IN ('customer', 'pro')),
    channel text        NOT NULL CHECK (channel IN ('platform', 'phone', 'email', 'sms', 'visit', 'other')),
    text    text,
    -- import or api.
    origin  text        NOT NULL,
    PRIMARY KEY (lead_id, id)
);
CREATE INDEX messages_by_lead_time ON messages (lead_id, at);

-- An accepted lead's outcome; a later one replaces it, and the one replaced is kept below.
CREATE TABLE outcomes (
    lead_id        text        PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
    result         text        NOT NULL CHECK (result IN ('won', 'lost')),
    at             timestamptz NOT NULL,
    value_amount   bigint      CHECK (value_amount >= 0),
    value_currency text,
    reason         text,
    CHECK ((value_amount IS NULL) = (value_currency IS NULL))
);
CREATE TABLE outcome_changes (
    seq            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lead_id        text        NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    result         text        NOT NULL,
    at             timestamptz NOT NULL,
    value_amount   bigint,
    value_currency text,
    reason         text,
    replaced_at    timestamptz NOT NULL
);
CREATE INDEX outcome_changes_by_lead ON outcome_changes (lead_id, seq);
