-- Schema 11: the CHECKs that list three values or more, written as comparisons.
--
-- SQLite checks `x IN ('a', 'b', 'c')` against a list of more than two constants by building a
-- temporary table of the list, once for every run of the statement. The store's INSERTs and
-- UPDATEs run once per lead, decision or message, so each row written built one or two: of
-- inserting 300,000 rows under two such CHECKs, five sixths of the time. The same values joined
-- by `=` and OR build nothing and allow exactly the same rows (NULL passes both, as before).
--
-- SQLite has no ALTER for a CHECK. A CHECK exchanged for one that every row meets exactly as it
-- met the old one changes nothing on disk, and may be written into the schema itself
-- (https://sqlite.org/lang_altertable.html#otheralter): this runs in the migration's transaction,
-- and the store bumps the schema's version after it, so that other connections read it again.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (status IN (''pending'', ''accepted'', ''rejected'', ''expired''))',
    'CHECK (status = ''pending'' OR status = ''accepted'' OR status = ''rejected'' OR status = ''expired'')')
WHERE type = 'table' AND name = 'leads';

UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (reason IN (''not_my_service'', ''outside_area'', ''schedule_conflict'',' || char(10) || '                                              ''budget_too_low'', ''too_busy'', ''other''))',
    'CHECK (reason = ''not_my_service'' OR reason = ''outside_area'' OR reason = ''schedule_conflict''' || char(10) || '                                              OR reason = ''budget_too_low'' OR reason = ''too_busy'' OR reason = ''other'')')
WHERE type = 'table' AND name = 'decisions';

UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (channel IN (''platform'', ''phone'', ''email'', ''sms'', ''visit'', ''other''))',
    'CHECK (channel = ''platform'' OR channel = ''phone'' OR channel = ''email'' OR channel = ''sms''' || char(10) || '                                      OR channel = ''visit'' OR channel = ''other'')')
WHERE type = 'table' AND name = 'messages';

PRAGMA writable_schema = RESET;
