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

-- The triage queue and the exact edges of the rate window: by stored status, then arrival.
-- Covering for both (expiry included), so neither reads the table.
CREATE INDEX leads_by_status ON leads (status, kind, created_at, expires_at);
-- "When did the last lead arrive?"
CREATE INDEX leads_by_arrival ON leads (kind, created_at);

-- How many leads of each kind and status arrived in each hour (created_at / 3,600,000).
-- The response rate counts 30 days of leads on every `leads status`; with 100,000 decided leads
-- that is a scan, while summing ~720 hourly rows is not. Kept exact by the triggers below, in
-- the same transaction as the change, so it can never drift from the leads table.
CREATE TABLE lead_counts (
    kind   TEXT    NOT NULL,
    status TEXT    NOT NULL,
    hour   INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (kind, status, hour)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER lead_counts_insert AFTER INSERT ON leads BEGIN
    INSERT INTO lead_counts (kind, status, hour, n)
    VALUES (NEW.kind, NEW.status, NEW.created_at / 3600000, 1)
    ON CONFLICT (kind, status, hour) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER lead_counts_delete AFTER DELETE ON leads BEGIN
    UPDATE lead_counts SET n = n - 1
    WHERE kind = OLD.kind AND status = OLD.status AND hour = OLD.created_at / 3600000;
END;

CREATE TRIGGER lead_counts_update AFTER UPDATE OF kind, status, created_at ON leads
WHEN OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status
     OR OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000
BEGIN
    UPDATE lead_counts SET n = n - 1
    WHERE kind = OLD.kind AND status = OLD.status AND hour = OLD.created_at / 3600000;
    INSERT INTO lead_counts (kind, status, hour, n)
    VALUES (NEW.kind, NEW.status, NEW.created_at / 3600000, 1)
    ON CONFLICT (kind, status, hour) DO UPDATE SET n = n + 1;
END;

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
    -- The lead's arrival and whether it counts in the response rate (a New Lead), copied here
    -- (and kept in step by a trigger) so the median response time walks one index.
    arrived_at      INTEGER NOT NULL,
    counts_in_rate  INTEGER NOT NULL CHECK (counts_in_rate IN (0, 1)),
    CHECK ((action = 'accept') = (charge_amount IS NOT NULL AND charge_currency IS NOT NULL)),
    CHECK ((action = 'reject') = (reason IS NOT NULL))
) STRICT, WITHOUT ROWID;

-- Speed to lead: New Leads' decisions in response-time order, so the median is an index walk
-- that stops half-way (decided_at included so it never reads the table). The walk passes over
-- decisions outside the window too: ~9 ms at 100,000 decisions, far less at everyday volumes.
CREATE INDEX decisions_by_response
    ON decisions (counts_in_rate, decided_at - arrived_at, arrived_at, decided_at);

CREATE TRIGGER decisions_follow_lead AFTER UPDATE OF created_at, kind ON leads
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.kind IS NOT NEW.kind
BEGIN
    UPDATE decisions SET arrived_at = NEW.created_at, counts_in_rate = (NEW.kind = 'new_lead')
    WHERE lead_id = NEW.id;
END;

-- This week's spend; covering, so it never reads the decisions themselves.
CREATE INDEX decisions_by_time ON decisions (decided_at, action, charge_currency, charge_amount);
