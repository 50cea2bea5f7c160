-- Schema 12: a pending lead's row of `leads list` as one value of the index the list reads.
--
-- Through leads_pending_listing (schema 10) a list read no table row, but each index entry's
-- sixteen columns one at a time: SQLite decoding each, rusqlite checking each one's type. That
-- was most of the thread that reads the list (10,000 pending leads: 55 of its 104 million
-- instructions). `listing` holds the same columns, in the order of the store's LISTING_COLUMNS,
-- in one text: each value as its length in bytes, a colon and its text (`7:dm-0001`, integers in
-- decimal), or `~` for NULL. A length before each value, not a separator between them, so any
-- text a marketplace sends reads back as it was. Virtual: the table does not store it; the index
-- does, and SQLite computes it for the index in the statement that changes the lead, as it kept
-- the columns before. The list reads one value an entry (12 million); taking the values apart is
-- store::sqlite::ListingRecords', on whichever of the list's threads is free. The id stays a
-- column of its own, for the account scopes' conditions on it.
ALTER TABLE leads ADD COLUMN listing TEXT GENERATED ALWAYS AS (
    coalesce(octet_length(id) || ':' || id, '~') ||
    coalesce(octet_length(kind) || ':' || kind, '~') ||
    coalesce(octet_length(status) || ':' || status, '~') ||
    coalesce(octet_length(service) || ':' || service, '~') ||
    coalesce(octet_length(category) || ':' || category, '~') ||
    coalesce(octet_length(created_at) || ':' || created_at, '~') ||
    coalesce(octet_length(expires_at) || ':' || expires_at, '~') ||
    coalesce(octet_length(fee_amount) || ':' || fee_amount, '~') ||
    coalesce(octet_length(fee_currency) || ':' || fee_currency, '~') ||
    coalesce(octet_length(budget_min) || ':' || budget_min, '~') ||
    coalesce(octet_length(budget_max) || ':' || budget_max, '~') ||
    coalesce(octet_length(budget_currency) || ':' || budget_currency, '~') ||
    coalesce(octet_length(city) || ':' || city, '~') ||
    coalesce(octet_length(district) || ':' || district, '~') ||
    coalesce(octet_length(postcode) || ':' || postcode, '~') ||
    coalesce(octet_length(schedule) || ':' || schedule, '~')
) VIRTUAL;

DROP INDEX leads_pending_listing;
CREATE INDEX leads_pending_listing ON leads (status, id, listing) WHERE status = 'pending';
