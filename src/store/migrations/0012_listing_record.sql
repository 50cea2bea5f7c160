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
--
-- A value's length in bytes is `length(CAST(x AS BLOB))` (an integer's text, as `||` writes it),
-- not `octet_length(x)`: SQLite before 3.43 has no octet_length, and the sqlite3 shell of those
-- versions (Debian 12's 3.40) crashes reading any row of a table whose generated column calls a
-- function it does not know, which would leave a PRO unable to look into their own store.
ALTER TABLE leads ADD COLUMN listing TEXT GENERATED ALWAYS AS (
    coalesce(length(CAST(id AS BLOB)) || ':' || id, '~') ||
    coalesce(length(CAST(kind AS BLOB)) || ':' || kind, '~') ||
    coalesce(length(CAST(status AS BLOB)) || ':' || status, '~') ||
    coalesce(length(CAST(service AS BLOB)) || ':' || service, '~') ||
    coalesce(length(CAST(category AS BLOB)) || ':' || category, '~') ||
    coalesce(length(CAST(created_at AS BLOB)) || ':' || created_at, '~') ||
    coalesce(length(CAST(expires_at AS BLOB)) || ':' || expires_at, '~') ||
    coalesce(length(CAST(fee_amount AS BLOB)) || ':' || fee_amount, '~') ||
    coalesce(length(CAST(fee_currency AS BLOB)) || ':' || fee_currency, '~') ||
    coalesce(length(CAST(budget_min AS BLOB)) || ':' || budget_min, '~') ||
    coalesce(length(CAST(budget_max AS BLOB)) || ':' || budget_max, '~') ||
    coalesce(length(CAST(budget_currency AS BLOB)) || ':' || budget_currency, '~') ||
    coalesce(length(CAST(city AS BLOB)) || ':' || city, '~') ||
    coalesce(length(CAST(district AS BLOB)) || ':' || district, '~') ||
    coalesce(length(CAST(postcode AS BLOB)) || ':' || postcode, '~') ||
    coalesce(length(CAST(schedule AS BLOB)) || ':' || schedule, '~')
) VIRTUAL;

DROP INDEX leads_pending_listing;
CREATE INDEX leads_pending_listing ON leads (status, id, listing) WHERE status = 'pending';
