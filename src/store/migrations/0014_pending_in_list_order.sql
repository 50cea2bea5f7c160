-- Schema 14: the pending queue's index in the order `leads list` shows it.
--
-- A list of pending leads is ordered by expiry, soonest first, ties by id; schema 12's index
-- kept them by id, so each list sorted all of them, a batch at a time on one thread and the
-- batches merged on the other (10,000 leads: ~6 million instructions, 3 of them after the
-- reading ends, while the list waits). A lead's expiry is its `expires_at`, or its arrival plus
-- the configured shelf life when the platform gave none: the shelf life is the PRO's setting, not
-- the store's, but either way the order within each kind of lead is fixed. Leads with an expiry
-- come first in order of it, then those without in order of arrival, each by id on a tie: two
-- runs already in order, which the list's sort merges at one comparison a lead.
DROP INDEX leads_pending_listing;
CREATE INDEX leads_pending_listing ON leads (status, expires_at IS NULL,
    coalesce(expires_at, created_at), id, listing) WHERE status = 'pending';
