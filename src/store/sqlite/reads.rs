//! The store as a [`LeadSource`]: what triage, status, history and the follow-up views read,
//! and the contacts and outcomes they record.

use super::*;

impl LeadSource for Store {
    fn select(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Lead>, StoreError> {
        let leads = self.select_whole(filter, now, shelf_life)?;
        Ok(filter.order(leads, now, shelf_life))
    }

    /// Records still to be decoded: the clock and shelf life are for [`Listed::leads`], which
    /// judges them by the filter.
    fn select_listing(
        &self,
        filter: &LeadFilter,
        _now: DateTime<Utc>,
        _shelf_life: TimeDelta,
        each: &mut dyn FnMut(Listed),
    ) -> Result<(), StoreError> {
        self.select_listing_rows(filter, each)
    }

    fn get(&self, id: &str) -> Result<Option<Lead>, StoreError> {
        if !self.scope.contains(id) {
            return Ok(None);
        }
        let sql = format!("SELECT {LEAD_COLUMNS} FROM {WITH_DECISION} WHERE l.id = ?1");
        let lead = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], lead_from_row)
            .optional()
            .map_err(read_error)?;
        let Some(mut lead) = lead else {
            return Ok(None);
        };
        lead.messages = conversations::messages_of(&self.conn, id)?;
        lead.outcome = conversations::outcome_of(&self.conn, id)?;
        Ok(Some(lead))
    }

    fn conversation_facts(&self, since: DateTime<Utc>) -> Result<Vec<Facts>, StoreError> {
        conversations::facts(&self.conn, millis(since), &self.in_scope("lead_id"))
    }

    fn waits(&self, now: DateTime<Utc>, timing: Timing) -> Result<Waits, StoreError> {
        conversations::waits(
            &self.conn,
            now,
            timing,
            &self.in_scope("lead_id"),
            self.scope == Scope::All,
        )
    }

    fn conversations(&self, since: DateTime<Utc>) -> Result<Vec<(Lead, Log)>, StoreError> {
        self.accepted_with_logs(
            "l.status = 'accepted' AND l.created_at >= ?1",
            &millis(since),
        )
    }

    fn leads_with_logs(&self, ids: &[String]) -> Result<Vec<(Lead, Log)>, StoreError> {
        // The ids as one JSON array: one statement for any number of them.
        let ids = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // One read transaction: the leads and their last words from one snapshot, and one lock
        // taken for the thousands of small reads instead of one each.
        let read = self.conn.unchecked_transaction()?;
        let mut out = self.accepted_with_logs("l.id IN (SELECT value FROM json_each(?1))", &ids)?;
        conversations::last_words(&self.conn, &mut out)?;
        read.finish()?;
        Ok(out)
    }

    fn record_contact(
        &self,
        lead_id: &str,
        message: &Message,
        _now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        self.in_write(|w| w.add_contact(lead_id, message, Origin::Here))?;
        Ok(Recorded::Done)
    }

    fn record_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        self.in_write(|w| w.set_outcome(lead_id, outcome, now))?;
        Ok(Recorded::Done)
    }

    fn outcome_changes(&self, lead_id: &str) -> Result<Vec<OutcomeChange>, StoreError> {
        conversations::outcome_changes(&self.conn, lead_id)
    }

    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, StoreError> {
        let (since, now) = (millis(since), millis(now));
        // Signed while counting: an hour's count can come with the leads it holds before
        // `since` taken off again.
        let (mut accepted, mut rejected, mut lapsed) = (0i64, 0i64, 0i64);
        let mut add = |status: &str, n: i64| match status {
            "accepted" => accepted += n,
            "rejected" => rejected += n,
            _ => lapsed += n,
        };
        // The window is every New Lead created after `since` (domain::rate::in_window), those
        // stamped after `now` included. Decided and expired leads never change status again, so
        // they are counted from the hourly counts for every whole hour inside (since, now], and
        // exactly, lead by lead, at the start (the rest of its hour, or, when `since` is early in
        // it, the leads up to `since` taken off: see WholeHours) and from the hour of `now` on.
        // The hourly counts are of the whole store: an account's window is counted lead by lead
        // (a month of one account's leads, a few thousand index entries at most).
        let hours = WholeHours::of(since, now).filter(|_| self.scope == Scope::All);
        if let Some(WholeHours { first, last, .. }) = hours {
            let mut stmt = self.conn.prepare_cached(
                "SELECT status, SUM(n) FROM lead_counts
                 WHERE kind = 'new_lead' AND status IN ('accepted', 'rejected', 'expired')
                   AND hour BETWEEN ?1 AND ?2 GROUP BY status",
            )?;
            let mut rows = stmt.query([first, last])?;
            while let Some(r) = rows.next()? {
                add(&r.get::<_, String>(0)?, r.get(1)?);
            }
        }
        // One range at a time: an OR of two ranges would make SQLite scan every decided lead.
        let sql = format!(
            "SELECT status, COUNT(*) FROM leads
             WHERE status IN ('accepted', 'rejected', 'expired') AND kind = 'new_lead'
               AND created_at >= ?1 AND created_at <= ?2 AND {}
             GROUP BY status",
            self.in_scope("id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ranges = match hours {
            Some(h) => vec![h.start_edge(since), (((h.last + 1) * HOUR, i64::MAX), 1)],
            None => vec![((since + 1, i64::MAX), 1)],
        };
        for ((from, to), sign) in ranges {
            let mut rows = stmt.query([from, to])?;
            while let Some(r) = rows.next()? {
                add(&r.get::<_, String>(0)?, sign * r.get::<_, i64>(1)?);
            }
        }
        let mut tally = Tally {
            accepted: accepted as u64,
            rejected: rejected as u64,
            lapsed: lapsed as u64,
            ..Tally::default()
        };
        // Pending leads lapse with time, so each is judged at `now`: the same rule as
        // domain::freshness::effective_status, kept in step by a test.
        let sql = format!(
            "SELECT COALESCE(SUM(COALESCE(expires_at, created_at + ?3) <= ?2), 0),
                    COALESCE(SUM(COALESCE(expires_at, created_at + ?3) > ?2), 0)
             FROM leads WHERE status = 'pending' AND kind = 'new_lead' AND created_at > ?1
               AND {}",
            self.in_scope("id")
        );
        let (lapsed, pending): (i64, i64) = self.conn.query_row(
            &sql,
            params![since, now, shelf_life.num_milliseconds()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tally.lapsed += lapsed as u64;
        tally.pending = pending as u64;
        Ok(tally)
    }

    fn queue(
        &self,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        urgent: TimeDelta,
    ) -> Result<QueueSummary, StoreError> {
        let args = params![
            shelf_life.num_milliseconds(),
            millis(now),
            urgent.num_milliseconds()
        ];
        // One pass over the pending New Leads: the count, the urgent ones, and the next to
        // lapse. With a single MIN(), SQLite takes the bare `r` from the row holding the
        // minimum, so the next lead comes without a sort.
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(exp <= ?2 + ?3), 0), r, MIN(exp) FROM (
                SELECT rowid AS r, COALESCE(expires_at, created_at + ?1) AS exp FROM leads
                WHERE status = 'pending' AND kind = 'new_lead' AND {}) WHERE exp > ?2",
            self.in_scope("id")
        );
        let (pending, urgent_count, next_row, next_exp): (i64, i64, Option<i64>, Option<i64>) =
            self.conn.query_row(&sql, args, |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        let next = match (next_row, next_exp) {
            (Some(row), Some(exp)) => {
                let id: String =
                    self.conn
                        .query_row("SELECT id FROM leads WHERE rowid = ?1", [row], |r| r.get(0))?;
                Some((id, from_millis(exp).map_err(read_error)?))
            }
            _ => None,
        };
        let last_arrival = self
            .conn
            .query_row(
                &format!(
                    "SELECT MAX(created_at) FROM leads WHERE kind = 'new_lead' AND {}",
                    self.in_scope("id")
                ),
                [],
                |r| r.get::<_, Option<i64>>(0),
            )?
            .map(from_millis)
            .transpose()
            .map_err(read_error)?;
        Ok(QueueSummary {
            pending: pending as u64,
            urgent: urgent_count as u64,
            next,
            last_arrival,
        })
    }

    fn spent_since(&self, since: DateTime<Utc>) -> Result<Vec<Money>, StoreError> {
        let sql = format!(
            "SELECT charge_currency, SUM(charge_amount) FROM decisions
             WHERE action = 'accept' AND decided_at >= ?1 AND {}
             GROUP BY charge_currency ORDER BY charge_currency",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([millis(since)], |r| {
            Ok(Money::new(r.get(1)?, currency(r.get(0)?)?))
        })?;
        match rows.collect::<rusqlite::Result<_>>() {
            // SQLite's SUM refuses to wrap: name the charge no sum can hold, instead of its bare
            // "integer overflow". Only a store written before amounts had a ceiling has one.
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("integer overflow") => {
                let (id, amount, code): (String, i64, String) = self.conn.query_row(
                    &format!(
                        "SELECT lead_id, charge_amount, charge_currency FROM decisions
                         WHERE action = 'accept' AND decided_at >= ?1 AND {}
                         ORDER BY charge_amount DESC LIMIT 1",
                        self.in_scope("lead_id")
                    ),
                    [millis(since)],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                let worst = Money::new(amount, currency(code)?);
                Err(StoreError::Implausible(format!(
                    "the charges recorded this week are too large to add up: lead {id} was charged {worst}, over the ceiling of {}",
                    Money::new(Money::ceiling(worst.currency), worst.currency)
                )))
            }
            other => other.map_err(read_error),
        }
    }

    fn median_response(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        responded: u64,
    ) -> Result<Option<TimeDelta>, StoreError> {
        // Nothing answered in the window, as the tally already knows: nothing to read.
        if responded == 0 {
            return Ok(None);
        }
        // The whole store: from the response counts kept on write, whatever the history.
        if self.scope == Scope::All {
            return speed::median(&self.conn, millis(since), millis(now));
        }
        // One account's leads of a shared store (the counts cover every account): that
        // account's answers in the window, sorted by SQLite, read to the middle. For an even
        // count, the mean of the two middle ones.
        let (offset, take) = if responded % 2 == 1 {
            (responded / 2, 1)
        } else {
            (responded / 2 - 1, 2)
        };
        let sql = format!(
            "SELECT decided_at - arrived_at FROM decisions
             WHERE counts_in_rate = 1 AND arrived_at > ?1 AND {}
             ORDER BY decided_at - arrived_at LIMIT ?2 OFFSET ?3",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let middle: Vec<i64> = stmt
            .query_map(params![millis(since), take, offset as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if middle.is_empty() {
            return Ok(None);
        }
        let ms = middle.iter().sum::<i64>() / middle.len() as i64;
        Ok(Some(TimeDelta::milliseconds(ms)))
    }

    fn decide(
        &self,
        requests: &[DecisionRequest],
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Decided>, StoreError> {
        // Nothing to send: a local decision is the whole decision.
        Ok(self
            .decide_and_queue(requests, now, shelf_life, |_| false)?
            .into_iter()
            .map(|(decided, _)| decided)
            .collect())
    }

    fn history(
        &self,
        query: &HistoryQuery,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<DecisionRecord>, StoreError> {
        let sql = format!(
            "SELECT {LEAD_COLUMNS}, d.charge_amount, d.charge_currency, d.origin
             FROM {WITH_DECISION}
             WHERE d.decided_at >= ?1 AND (?2 IS NULL OR d.action = ?2) AND {}
             ORDER BY d.decided_at DESC, l.id",
            self.in_scope("l.id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let since = query.since.map_or(i64::MIN, millis);
        let mut rows = stmt.query(params![since, query.action.map(Action::as_str)])?;
        let limit = query.filter.limit.unwrap_or(usize::MAX);
        let mut out = Vec::new();
        while out.len() < limit {
            let Some(r) = rows.next()? else { break };
            let lead = lead_from_row(r).map_err(read_error)?;
            if !query.filter.matches(&lead, now, shelf_life) {
                continue;
            }
            let charge = match r.get::<_, Option<String>>(26)? {
                Some(code) => Some(Money::new(r.get(25)?, currency(code).map_err(read_error)?)),
                None => None,
            };
            let Some(decision) = lead.decision.clone() else {
                continue;
            };
            out.push(DecisionRecord {
                lead,
                decision,
                charge,
                origin: r.get(27)?,
            });
        }
        Ok(out)
    }
}

impl Store {
    /// `select`'s leads, whole, in the store's order. The SQL only narrows by stored status (an
    /// index range); the domain filter decides what matches and in which order, so there is one
    /// definition of both. Sorting there moves pointers; an ORDER BY here made SQLite copy every
    /// record through its sorter.
    fn select_whole(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Lead>, StoreError> {
        let statuses = stored_status_in("l.status", filter.status);
        // A pending lead has no decision (a decision and the status change commit together), so
        // the queue skips the join: 10,000 index lookups for nothing.
        let from = if filter.status == StatusFilter::Pending {
            NO_DECISION
        } else {
            WITH_DECISION
        };
        let scope = self.in_scope("l.id");
        let mut candidates = Vec::new();
        if filter.is_unrestricted() {
            // When every row read will match, room for them all from the start: grown by
            // doubling, the leads were copied and their pages touched twice over (10,000
            // leads, ~5 MB).
            let count: i64 = self
                .conn
                .prepare_cached(&format!(
                    "SELECT COUNT(*) FROM leads l WHERE {statuses} AND {scope}"
                ))?
                .query_row([], |r| r.get(0))?;
            candidates.reserve(usize::try_from(count).unwrap_or(0));
        }
        let sql = format!("SELECT {LEAD_COLUMNS} FROM {from} WHERE {statuses} AND {scope}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let lead = lead_from_row(row).map_err(read_error)?;
            if filter.matches(&lead, now, shelf_life) {
                candidates.push(lead);
            }
        }
        Ok(candidates)
    }

    /// A listing's leads, a batch of [`LISTING_BATCH`] at a time, as their listing records
    /// (schema 12) left for the caller to decode ([`ListingRecords`]); without their decisions,
    /// which a listing has no use for. The pending leads, the queue a list shows by default, are
    /// read from leads_pending_listing, which keeps their records. Any other status reads the
    /// table's rows, whose columns are copied into records as they are read.
    fn select_listing_rows(
        &self,
        filter: &LeadFilter,
        each: &mut dyn FnMut(Listed),
    ) -> Result<(), StoreError> {
        let scope = self.in_scope("l.id");
        type Push = fn(&mut ListingRecords, &rusqlite::Row) -> rusqlite::Result<()>;
        let (sql, push): (String, Push) = if filter.status.stored() == [Status::Pending] {
            (pending_listing_sql(&scope), ListingRecords::push)
        } else {
            let statuses = stored_status_in("l.status", filter.status);
            let sql = format!("SELECT {LISTING_COLUMNS} FROM leads l WHERE {statuses} AND {scope}");
            (sql, ListingRecords::push_columns)
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        let mut batch = ListingRecords::with_capacity(LISTING_BATCH);
        while let Some(row) = rows.next()? {
            push(&mut batch, row).map_err(read_error)?;
            if batch.len() == LISTING_BATCH {
                let full =
                    std::mem::replace(&mut batch, ListingRecords::with_capacity(LISTING_BATCH));
                each(Listed::Records(full));
            }
        }
        if batch.len() > 0 {
            each(Listed::Records(batch));
        }
        Ok(())
    }
}

/// The pending leads in `scope`, as their listing records, read from leads_pending_listing in
/// its order (schema 14): by expiry, leads with one first, then those without by arrival, ties
/// by id. That is the list's own order but for where the two kinds interleave, so the list's sort
/// merges two runs instead of sorting 10,000 keys. Said with `=`: SQLite takes a partial index
/// only for a WHERE that says its condition, and reads `IN ('pending')` as not saying it.
pub(super) fn pending_listing_sql(scope: &str) -> String {
    format!(
        "SELECT l.listing FROM leads l WHERE l.status = 'pending' AND {scope}
         ORDER BY l.expires_at IS NULL, coalesce(l.expires_at, l.created_at), l.id"
    )
}

/// Rows a listing hands over at a time: small enough that the last batch's rows take little
/// time after the reading ends and a batch's leads and records stay in the cache, large enough
/// that handing them over costs nothing measurable (each wakes the thread making the rows, tens
/// of microseconds here). 500 → 250 took `leads list` of 10,000 from 14.1 to 12.8 ms (medians of
/// 300 interleaved runs); 125 and 64 did no better.
const LISTING_BATCH: usize = 250;
