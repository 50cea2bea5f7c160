-- Schema 4: speed to lead from counts kept on write, so `leads status` reads the same amount
-- whatever the history.
--
-- The median response time walked decisions_by_response to its middle, passing over every
-- decision older than the window on the way: 29.5 ms of `leads status` at 1,000,000 answers.
-- Now it reads how many answers took each whole hour, then, for the hour that holds the middle,
-- each minute of it. Both are counted per arrival hour and per arrival day, so a 30-day window is
-- ~29 days plus up to 46 hours at its edges, and only the two partial hours at the very edges
-- are read answer by answer (src/store/sqlite/speed.rs).

-- A response time as the median counts it: whole minutes, rounded down, for answers within three
-- days (longer than any lead stays open); whole days past that, and a year at most, so one row
-- per hour of answers is enough whatever the data says. An answer recorded before its lead
-- arrived (only imported data can say so) counts as 0. speed.rs applies the same rule to the
-- edges, and a test keeps the two in step.
ALTER TABLE decisions ADD COLUMN response_minutes INTEGER GENERATED ALWAYS AS (
    CASE WHEN decided_at < arrived_at THEN 0
         WHEN decided_at - arrived_at < 259200000 THEN (decided_at - arrived_at) / 60000
         ELSE MIN((decided_at - arrived_at) / 86400000, 365) * 1440 END
) VIRTUAL;

-- How many New Leads' answers took `hour` whole hours (response_minutes / 60), by when the lead
-- arrived: `cell` is the arrival hour (arrived_at / 3,600,000) where cell_hours = 1, the arrival
-- day (UTC, arrived_at / 86,400,000) where cell_hours = 24.
CREATE TABLE response_hour_counts (
    cell_hours INTEGER NOT NULL CHECK (cell_hours IN (1, 24)),
    cell       INTEGER NOT NULL,
    hour       INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (cell_hours, cell, hour)
) STRICT, WITHOUT ROWID;

-- The same by minute, keyed by the hour first, so one hour's minutes over a window's cells are
-- one range of the key.
CREATE TABLE response_minute_counts (
    cell_hours INTEGER NOT NULL CHECK (cell_hours IN (1, 24)),
    hour       INTEGER NOT NULL,
    cell       INTEGER NOT NULL,
    minutes    INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (cell_hours, hour, cell, minutes)
) STRICT, WITHOUT ROWID;

-- Kept exact by triggers in the same transaction as the change, as lead_counts is: a decision
-- made or imported, undone (the API refused it) or deleted with its lead, and an import that
-- moves a lead's arrival or changes its kind (decisions_follow_lead copies both here).
CREATE TRIGGER response_counts_insert AFTER INSERT ON decisions WHEN NEW.counts_in_rate = 1
BEGIN
    INSERT INTO response_hour_counts (cell_hours, cell, hour, n)
    VALUES (1, NEW.arrived_at / 3600000, NEW.response_minutes / 60, 1),
           (24, NEW.arrived_at / 86400000, NEW.response_minutes / 60, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO response_minute_counts (cell_hours, hour, cell, minutes, n)
    VALUES (1, NEW.response_minutes / 60, NEW.arrived_at / 3600000, NEW.response_minutes, 1),
           (24, NEW.response_minutes / 60, NEW.arrived_at / 86400000, NEW.response_minutes, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER response_counts_delete AFTER DELETE ON decisions WHEN OLD.counts_in_rate = 1
BEGIN
    UPDATE response_hour_counts SET n = n - 1
    WHERE cell_hours = 1 AND cell = OLD.arrived_at / 3600000 AND hour = OLD.response_minutes / 60;
    UPDATE response_hour_counts SET n = n - 1
    WHERE cell_hours = 24 AND cell = OLD.arrived_at / 86400000 AND hour = OLD.response_minutes / 60;
    UPDATE response_minute_counts SET n = n - 1
    WHERE cell_hours = 1 AND hour = OLD.response_minutes / 60 AND cell = OLD.arrived_at / 3600000
      AND minutes = OLD.response_minutes;
    UPDATE response_minute_counts SET n = n - 1
    WHERE cell_hours = 24 AND hour = OLD.response_minutes / 60 AND cell = OLD.arrived_at / 86400000
      AND minutes = OLD.response_minutes;
END;

-- An update is the old row taken out and the new one put in; each half only where that row
-- counts in the rate.
CREATE TRIGGER response_counts_update AFTER UPDATE OF arrived_at, decided_at, counts_in_rate
ON decisions
WHEN OLD.arrived_at IS NOT NEW.arrived_at OR OLD.decided_at IS NOT NEW.decided_at
     OR OLD.counts_in_rate IS NOT NEW.counts_in_rate
BEGIN
    UPDATE response_hour_counts SET n = n - 1
    WHERE OLD.counts_in_rate = 1
      AND cell_hours = 1 AND cell = OLD.arrived_at / 3600000 AND hour = OLD.response_minutes / 60;
    UPDATE response_hour_counts SET n = n - 1
    WHERE OLD.counts_in_rate = 1
      AND cell_hours = 24 AND cell = OLD.arrived_at / 86400000 AND hour = OLD.response_minutes / 60;
    UPDATE response_minute_counts SET n = n - 1
    WHERE OLD.counts_in_rate = 1
      AND cell_hours = 1 AND hour = OLD.response_minutes / 60 AND cell = OLD.arrived_at / 3600000
      AND minutes = OLD.response_minutes;
    UPDATE response_minute_counts SET n = n - 1
    WHERE OLD.counts_in_rate = 1
      AND cell_hours = 24 AND hour = OLD.response_minutes / 60 AND cell = OLD.arrived_at / 86400000
      AND minutes = OLD.response_minutes;
    INSERT INTO response_hour_counts (cell_hours, cell, hour, n)
    SELECT 1, NEW.arrived_at / 3600000, NEW.response_minutes / 60, 1 WHERE NEW.counts_in_rate = 1
    UNION ALL
    SELECT 24, NEW.arrived_at / 86400000, NEW.response_minutes / 60, 1 WHERE NEW.counts_in_rate = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO response_minute_counts (cell_hours, hour, cell, minutes, n)
    SELECT 1, NEW.response_minutes / 60, NEW.arrived_at / 3600000, NEW.response_minutes, 1
    WHERE NEW.counts_in_rate = 1
    UNION ALL
    SELECT 24, NEW.response_minutes / 60, NEW.arrived_at / 86400000, NEW.response_minutes, 1
    WHERE NEW.counts_in_rate = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- The answers already recorded.
INSERT INTO response_hour_counts (cell_hours, cell, hour, n)
SELECT 1, arrived_at / 3600000, response_minutes / 60, COUNT(*) FROM decisions
WHERE counts_in_rate = 1 GROUP BY 2, 3;
INSERT INTO response_hour_counts (cell_hours, cell, hour, n)
SELECT 24, arrived_at / 86400000, response_minutes / 60, COUNT(*) FROM decisions
WHERE counts_in_rate = 1 GROUP BY 2, 3;
INSERT INTO response_minute_counts (cell_hours, hour, cell, minutes, n)
SELECT 1, response_minutes / 60, arrived_at / 3600000, response_minutes, COUNT(*) FROM decisions
WHERE counts_in_rate = 1 GROUP BY 2, 3, 4;
INSERT INTO response_minute_counts (cell_hours, hour, cell, minutes, n)
SELECT 24, response_minutes / 60, arrived_at / 86400000, response_minutes, COUNT(*) FROM decisions
WHERE counts_in_rate = 1 GROUP BY 2, 3, 4;

-- The walk is gone; the edges are read by arrival (covering: response_minutes is computed from
-- the two times, which SQLite cannot take from an index that holds the generated column).
DROP INDEX decisions_by_response;
CREATE INDEX decisions_by_arrival ON decisions (counts_in_rate, arrived_at, decided_at);
