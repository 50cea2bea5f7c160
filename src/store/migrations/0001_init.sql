-- Schema 1: leads as the API contract describes them, and decisions in their own table.
-- Times are Unix milliseconds (UTC); money is integer minor units plus an ISO 4217 code.

CREATE TABLE leads (
    id              TEXT    PRIMARY KEY NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('new_lead', 'promotion')),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'expired')),
    service         TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,
    fee_amount      INTEGER NOT NULL CHECK (fee_amount >= 0),
    fee_currency    TEXT    NOT NULL,
    budget_min      INTEGER,
    budget_max      INTEGER,
    budget_currency TEXT,
    city            TEXT,
    district        TEXT,
    postcode        TEXT,
    schedule        TEXT,
    customer_name   TEXT    NOT NULL,
    customer_phone  TEXT,
    customer_email  TEXT,
    answers         TEXT    NOT NULL DEFAULT '[]',  -- JSON array of {question, answer}
    message         TEXT,
    updated_at      INTEGER NOT NULL
) STRICT;

-- The triage queue: pending New Leads by stored status.
CREATE INDEX leads_by_status ON leads (status, kind, created_at);
-- The response rate scans New Leads by creation time; covering, so it never reads the table.
CREATE INDEX leads_for_rate ON leads (kind, created_at, status, expires_at);

-- One row per decided lead. The primary key on lead_id is what makes "decided at most once" a
-- property of the store rather than of a check in the code.
CREATE TABLE decisions (
    lead_id         TEXT    PRIMARY KEY NOT NULL REFERENCES leads (id),
    action          TEXT    NOT NULL CHECK (action IN ('accept', 'reject')),
    decided_at      INTEGER NOT NULL,
    reason          TEXT    CHECK (reason IN ('not_my_service', 'outside_area', 'schedule_conflict',
                                              'budget_too_low', 'too_busy', 'other')),
    note            TEXT,
    -- The contact fee charged for an accept; a reject is free and has none.
    charge_amount   INTEGER CHECK (charge_amount >= 0),
    charge_currency TEXT,
    charge_id       TEXT,
    -- One key per decision, made before the first attempt and reused on every retry.
    idempotency_key TEXT    UNIQUE,
    -- 'local': decided with this tool; 'import': arrived already decided.
    origin          TEXT    NOT NULL CHECK (origin IN ('local', 'import')),
    CHECK ((action = 'accept') = (charge_amount IS NOT NULL AND charge_currency IS NOT NULL)),
    CHECK ((action = 'reject') = (reason IS NOT NULL))
) STRICT;

CREATE INDEX decisions_by_time ON decisions (decided_at);
