-- Schema 2: the ledger and the memory that keep the API's money promises.

-- One charge per accepted lead, whatever the idempotency keys: the UNIQUE on lead_id is what
-- makes "never charged twice" a property of the store. The id shown to clients is
-- 'ch_' followed by seq, zero-padded.
CREATE TABLE charges (
    seq        INTEGER PRIMARY KEY,
    lead_id    TEXT    NOT NULL UNIQUE REFERENCES leads (id),
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    currency   TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- The first response to each idempotency key, written in the same transaction as the decision it
-- made, so a replay returns exactly what the first request got.
CREATE TABLE idempotency (
    key         TEXT    PRIMARY KEY NOT NULL,
    -- What the first request asked: lead, action, reason and note. Another request under the same
    -- key is refused.
    fingerprint TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- Accepts recorded before this schema get their charge now, so the ledger is whole.
INSERT INTO charges (lead_id, amount, currency, created_at)
SELECT lead_id, charge_amount, charge_currency, decided_at FROM decisions
WHERE action = 'accept' ORDER BY decided_at, lead_id;

-- GET /v1/leads pages oldest first by a (created_at, id) cursor, all leads or one status.
CREATE INDEX leads_by_created ON leads (created_at, id);
CREATE INDEX leads_by_status_created ON leads (status, created_at, id);
