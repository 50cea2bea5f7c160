-- Schema 13: two indexes of leads by arrival, not four.
--
-- Every index of leads is another sort when an import rebuilds them at commit, and another
-- write for every lead a decision changes. Four were in arrival order, alone or after a status
-- or kind: leads_by_status (status, kind, created_at, expires_at), for the triage queue and the
-- edges of the rate window; leads_by_arrival (kind, created_at), for the last arrival;
-- leads_by_status_created (status, created_at, id), for pages of one status; and leads_by_created
-- (created_at, id, schema 2), for pages of all. One index now does the work of the first and the
-- third: by status and arrival, with the kind and expiry along for the reads that check them
-- without the table. The queue and the window's edges read a range of one status and skip the
-- promotions in the index. leads_by_created, read from its end, does the work of the second: it
-- stops at the first New Lead.
DROP INDEX leads_by_status;
DROP INDEX leads_by_arrival;
DROP INDEX leads_by_status_created;
CREATE INDEX leads_by_status_created ON leads (status, created_at, id, kind, expires_at);
