-- Schema 10: the pending queue as `leads list` reads it, in an index of its own.
--
-- A list of the pending leads read each one's row through leads_by_status_created: an index
-- entry, then a lookup of the row in the table (a fifth of `leads list` over 10,000 pending
-- leads), through pages that also hold every lead's answers and message. This partial index
-- holds only the pending leads, and every column a row of the list shows and the filter and the
-- working conditions judge by (the store's LISTING_COLUMNS), so the list is one run of it. SQLite
-- keeps it in the same statement as every change to leads; a decided lead leaves it. A long
-- import drops it with the other indexes and builds it again at commit.
CREATE INDEX leads_pending_listing ON leads (status, id, kind, service, category, created_at,
    expires_at, fee_amount, fee_currency, budget_min, budget_max, budget_currency, city, district,
    postcode, schedule) WHERE status = 'pending';
