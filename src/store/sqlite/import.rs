//! Leads in bulk: files imported record by record, and the pages the remote source pulls.

use chrono::{DateTime, Utc};
use rusqlite::{CachedStatement, Connection, OptionalExtension, Transaction, params};

use super::{CHARGE, Columns, MMAP_SIZE, Store, StoreError, millis, record_charge};
use crate::domain::lead::{Action, Kind, Lead, RejectReason};

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    /// Records whose status disagreed with a decision or expiry already recorded here; the
    /// recorded one was kept, because a lead never goes back to pending.
    pub kept: u64,
}

/// An import under way, record by record, so a file of any size streams through: one write
/// transaction, so a bad record anywhere leaves the store as it was. Dropping it without
/// [`Import::commit`] rolls everything back.
pub struct Import<'s> {
    /// Declared before `tx`, so finalized before it ends.
    statements: Statements<'s>,
    remember_id: CachedStatement<'s>,
    first_with_id: CachedStatement<'s>,
    tx: Transaction<'s>,
    now: DateTime<Utc>,
    summary: ImportSummary,
    written: u64,
    /// After this many records the import builds the derived tables at the end instead.
    bulk_from: u64,
    /// Once it does: the SQL of the indexes and triggers dropped, to make again.
    dropped: Option<Vec<String>>,
    /// The store held no leads when the import began, so a lead whose id is new to the import
    /// is new to the store: nothing to look up.
    into_empty: bool,
    /// Declared after `tx`, so dropped after it: the journal back to WAL once the transaction
    /// is over, committed or not.
    _straight: Option<StraightToFile<'s>>,
}

/// An import into an empty store writing its pages once, straight into the file, under a
/// rollback journal: through the WAL each page was written twice, into the WAL and again into
/// the file at the checkpoint, and every page read first looked for a newer copy in a WAL of
/// hundreds of megabytes (a million leads: 29.6 s became 23.7 s). Other commands wait for it
/// meanwhile (and after 10 s say the store is busy); in a store with no leads yet they have
/// nothing to miss. Reads copy pages into SQLite's cache instead of
/// mapping the file for the length of the import: in this mode the mapped pages of a file that
/// grows to 700 MB all counted as the process's memory.
struct StraightToFile<'s>(&'s Connection);

impl<'s> StraightToFile<'s> {
    /// `None` where SQLite keeps WAL: it leaves WAL only when no other connection has the store
    /// open, and says so at once.
    fn begin(conn: &'s Connection) -> Option<StraightToFile<'s>> {
        let mode = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        });
        if !mode.is_ok_and(|m| m == "delete") {
            return None;
        }
        let straight = StraightToFile(conn);
        conn.pragma_update(None, "mmap_size", 0).ok()?;
        Some(straight)
    }
}

impl Drop for StraightToFile<'_> {
    fn drop(&mut self) {
        // Refused only while another connection has the store open; Store::open asks for WAL
        // each time, so the next command puts it back (and rolls back a killed import first).
        let _ = self
            .0
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()));
        let _ = self.0.pragma_update(None, "mmap_size", MMAP_SIZE);
    }
}

/// An import this long drops the indexes and the count-keeping triggers of leads and decisions,
/// and builds them again when it commits: one sort each instead of a B-tree insert into each per
/// lead, in whatever order the file has them (a million leads: 64 s became 40 s, with the
/// statement journals gone too). Worth it once the import is a good part of the store, as
/// rebuilding costs what the whole store holds; below a thousand leads it saves nothing.
const BULK_FROM: u64 = 1_000;

/// Everything in leads and decisions that is derived from their rows: every index (not the
/// primary keys, which SQLite makes itself, with no SQL) and the triggers that keep
/// lead_counts, the response counts and conversation_state; and on conversation_state, rebuilt
/// whole at commit too, its index and the triggers that keep the open conversations' counts.
const DERIVED: &str = "SELECT type, name, sql FROM sqlite_master
    WHERE sql IS NOT NULL
      AND ((tbl_name IN ('leads', 'decisions')
            AND (type = 'index'
                 OR (type = 'trigger'
                     AND (name GLOB '*_counts_*' OR name GLOB 'conversation_state_*'))))
           OR (tbl_name = 'conversation_state'
               AND (type = 'index' OR name GLOB 'open_conversation_slots_*')))";

/// A record whose id an earlier record of the same import had: where that one was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SameId(pub String);

impl Store {
    /// Adds new leads and updates known ones, all or nothing.
    pub fn import(&self, leads: &[Lead], now: DateTime<Utc>) -> Result<ImportSummary, StoreError> {
        let tx = self.write()?;
        let summary = upsert(&tx, leads, now)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Starts an import of records added one by one.
    pub fn begin_import(&self, now: DateTime<Utc>) -> Result<Import<'_>, StoreError> {
        // Leads already here, near enough (rowids are seldom skipped): rebuilding costs what the
        // whole store holds, so an import goes bulk once it has written half as many.
        let stored: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(rowid), 0) FROM leads", [], |r| {
                    r.get(0)
                })?;
        self.begin_import_bulk_from(now, BULK_FROM.max(stored as u64 / 2))
    }

    pub(super) fn begin_import_bulk_from(
        &self,
        now: DateTime<Utc>,
        bulk_from: u64,
    ) -> Result<Import<'_>, StoreError> {
        // SQLite keeps what an import piles up on file, with only a page cache in memory: the
        // ids seen so far (to refuse a second record with one, ~40 MB at a million leads) and the
        // sorts that build the indexes again (~40 MB more). This connection sorts the queue in
        // memory otherwise; an import is all it does.
        self.conn.pragma_update(None, "temp_store", "FILE")?;
        // And a small page cache, 8 MB for the store's 32: SQLite sorts an index's keys in runs
        // the size of the cache, and smaller runs sort in the processor's caches, each on the
        // helper thread while this one reads the next. A million leads: 23.0 s with 32 MB,
        // 19.4 s with 8, at 49 MB peak instead of 107; in a shuffled file or through the WAL,
        // the same time as with 32.
        self.conn.pragma_update(None, "cache_size", -8_000)?;
        // Asked again inside the transaction, where no other writer can add a lead meanwhile:
        // the journal has to be chosen before it begins.
        let straight = match holds_no_leads(&self.conn)? && !self.read_only {
            true => StraightToFile::begin(&self.conn),
            false => None,
        };
        let tx = self.write()?;
        // Foreign keys checked once, at commit (the transaction fails there if one is broken):
        // a statement that may fail a check part-way needs a journal to undo itself by.
        tx.pragma_update(None, "defer_foreign_keys", true)?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_ids (
                id     TEXT PRIMARY KEY NOT NULL,
                record TEXT NOT NULL
             ) WITHOUT ROWID;
             DELETE FROM temp.import_ids;",
        )?;
        let into_empty = holds_no_leads(&tx)?;
        Ok(Import {
            statements: Statements::new(&self.conn)?,
            remember_id: self.conn.prepare_cached(
                "INSERT INTO temp.import_ids (id, record) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?,
            first_with_id: self
                .conn
                .prepare_cached("SELECT record FROM temp.import_ids WHERE id = ?1")?,
            tx,
            now,
            summary: ImportSummary::default(),
            written: 0,
            bulk_from,
            dropped: None,
            into_empty,
            _straight: straight,
        })
    }
}

impl Import<'_> {
    /// Adds or updates `lead`, which the input calls `record` ("record 3", "line 7"), unless
    /// an earlier record had its id.
    pub fn add(&mut self, lead: &Lead, record: &str) -> Result<Result<(), SameId>, StoreError> {
        if self.remember_id.execute(params![lead.id, record])? == 0 {
            let first: String = self.first_with_id.query_row([&lead.id], |r| r.get(0))?;
            return Ok(Err(SameId(first)));
        }
        let known = match self.into_empty {
            true => None,
            false => self.statements.stored(&lead.id)?,
        };
        self.statements
            .write(&self.tx, lead, known, self.now, &mut self.summary)?;
        self.written += 1;
        if self.written == self.bulk_from && self.dropped.is_none() {
            let derived: Vec<(String, String, String)> = self
                .tx
                .prepare(DERIVED)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (kind, name, _) in &derived {
                self.tx.execute_batch(&format!("DROP {kind} {name}"))?;
            }
            self.dropped = Some(derived.into_iter().map(|(_, _, sql)| sql).collect());
        }
        Ok(Ok(()))
    }

    pub fn commit(self) -> Result<ImportSummary, StoreError> {
        self.tx.execute("DELETE FROM temp.import_ids", [])?;
        if let Some(sql) = &self.dropped {
            // The rows the dropped triggers would have made, by the rule they follow. Before
            // the indexes of leads are back, SQLite reads the accepted leads in table order,
            // which is the order of their ids in a file of ids in order: their decisions are
            // read and their rows written in key order (at a million leads 1.5 s less than in
            // order of arrival, through an index, with a read and a write at random each).
            self.tx.execute_batch(
                "DELETE FROM conversation_state;
                 INSERT INTO conversation_state (lead_id, requested_at, accepted_at, from_customer,
                     customer_last, from_pro, pro_first, pro_last, settled)
                 SELECT * FROM conversation_rows;",
            )?;
            // Nothing reads the file any more, so the second core is free: SQLite sorts each
            // index's keys in memory-sized runs, and one helper thread sorts a run while this
            // one reads the next.
            self.tx.pragma_update(None, "threads", 1)?;
            for statement in sql {
                self.tx.execute_batch(statement)?;
            }
            recount_leads(&self.tx)?;
            super::speed::recount(&self.tx)?;
            // And the open conversations' counts, as schema 9 first made them.
            self.tx.execute_batch(
                "DELETE FROM open_conversation_slots;
                 INSERT INTO open_conversation_slots (slot, owed, pro_slot, n, oldest_owed)
                 SELECT last_activity / 600000, owed,
                        CASE WHEN owed THEN -1 ELSE pro_last / 600000 END,
                        count(*), min(CASE WHEN owed THEN customer_since END)
                 FROM open_conversations GROUP BY 1, 2, 3;",
            )?;
        }
        self.tx.commit()?;
        Ok(self.summary)
    }
}

fn holds_no_leads(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM leads)", [], |r| r.get(0))
}

/// Builds lead_counts again from the leads, for an import that dropped the triggers that keep it:
/// one walk over leads_by_status_created, where each status is one run in arrival order, so
/// nothing is sorted. An hour of a status is counted for each kind it holds at once (two kinds,
/// interleaved by arrival), and written when the walk leaves it.
fn recount_leads(tx: &Transaction) -> Result<(), StoreError> {
    tx.execute("DELETE FROM lead_counts", [])?;
    let mut insert =
        tx.prepare("INSERT INTO lead_counts (kind, status, hour, n) VALUES (?1, ?2, ?3, ?4)")?;
    let mut walk = tx.prepare(
        "SELECT status, created_at / 3600000, kind FROM leads INDEXED BY leads_by_status_created
         ORDER BY status, created_at",
    )?;
    let mut rows = walk.query([])?;
    // The status and hour being counted, and how many leads of each kind it holds so far.
    let mut counting: Option<(String, i64)> = None;
    let mut kinds: Vec<(String, i64)> = Vec::new();
    let mut flush = |(status, hour): &(String, i64), kinds: &mut Vec<(String, i64)>| {
        for (kind, n) in kinds.drain(..) {
            insert.execute(params![kind, status, hour, n])?;
        }
        Ok::<_, rusqlite::Error>(())
    };
    while let Some(r) = rows.next()? {
        let (status, hour, kind) = (r.text(0)?, r.int(1)?, r.text(2)?);
        if counting
            .as_ref()
            .is_none_or(|(s, h)| s != status || *h != hour)
        {
            if let Some(done) = &counting {
                flush(done, &mut kinds)?;
            }
            counting = Some((status.to_owned(), hour));
        }
        match kinds.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind.to_owned(), 1)),
        }
    }
    if let Some(done) = &counting {
        flush(done, &mut kinds)?;
    }
    Ok(())
}

/// Adds or updates each of `leads` inside the caller's transaction.
pub(super) fn upsert(
    tx: &Transaction,
    leads: &[Lead],
    now: DateTime<Utc>,
) -> Result<ImportSummary, StoreError> {
    let mut summary = ImportSummary::default();
    let mut statements = Statements::new(tx)?;
    for lead in leads {
        let known = statements.stored(&lead.id)?;
        statements.write(tx, lead, known, now, &mut summary)?;
    }
    Ok(summary)
}

/// What writes a lead, taken from the connection's cache once for all the leads of an import
/// or a page. Found by their text for each lead (the text hashed on the way out and again on
/// the way back, four statements a lead), they took 7% of the time writing a lead took.
struct Statements<'c> {
    stored: CachedStatement<'c>,
    insert: CachedStatement<'c>,
    update: CachedStatement<'c>,
    decide: CachedStatement<'c>,
    charge: CachedStatement<'c>,
}

impl<'c> Statements<'c> {
    fn new(conn: &'c Connection) -> rusqlite::Result<Statements<'c>> {
        Ok(Statements {
            stored: conn.prepare_cached(
                "SELECT status, EXISTS (SELECT 1 FROM decisions WHERE lead_id = ?1) FROM leads
                 WHERE id = ?1",
            )?,
            // OR FAIL, and an INSERT or an UPDATE rather than an upsert: a failing record
            // fails the whole transaction, which its caller then rolls back, so SQLite need
            // not keep a journal to undo half a statement. An upsert kept one for every lead
            // (a third of an import's time).
            insert: conn.prepare_cached(
                "INSERT OR FAIL INTO leads (id, kind, status, service, category, created_at,
                    expires_at, fee_amount, fee_currency, budget_min, budget_max,
                    budget_currency, city, district, postcode, schedule, customer_name,
                    customer_phone, customer_email, answers, message, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22)",
            )?,
            update: conn.prepare_cached(
                "UPDATE OR FAIL leads SET kind = ?2, status = ?3, service = ?4, category = ?5,
                    created_at = ?6, expires_at = ?7, fee_amount = ?8, fee_currency = ?9,
                    budget_min = ?10, budget_max = ?11, budget_currency = ?12, city = ?13,
                    district = ?14, postcode = ?15, schedule = ?16, customer_name = ?17,
                    -- Contact details appear only after an accept; a later pending page must
                    -- not erase them.
                    customer_phone = COALESCE(?18, customer_phone),
                    customer_email = COALESCE(?19, customer_email),
                    answers = ?20, message = ?21, updated_at = ?22
                 WHERE id = ?1",
            )?,
            decide: conn.prepare_cached(
                "INSERT OR FAIL INTO decisions (lead_id, action, decided_at, reason, note,
                    charge_amount, charge_currency, origin, arrived_at, counts_in_rate)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'import', ?8, ?9)",
            )?,
            charge: conn.prepare_cached(CHARGE)?,
        })
    }

    /// The stored status of the lead `id`, and whether it has a decision, if it is here.
    fn stored(&mut self, id: &str) -> Result<Option<(String, bool)>, StoreError> {
        Ok(self
            .stored
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Adds `lead`, or updates it when it is `known` here (with its status and whether it has
    /// a decision).
    fn write(
        &mut self,
        tx: &Transaction,
        lead: &Lead,
        known: Option<(String, bool)>,
        now: DateTime<Utc>,
        summary: &mut ImportSummary,
    ) -> Result<(), StoreError> {
        // Every way in (an import, a page from the API, the server's own import) passes here:
        // nothing the store could not add up or read back is written.
        lead.validate().map_err(|error| StoreError::InvalidLead {
            id: lead.id.clone(),
            error,
        })?;
        // A lead only moves forward: pending → decided or expired. An import never reopens a
        // lead, and never replaces a decision already recorded here.
        let status = match &known {
            Some((stored, _)) if stored != "pending" => {
                if stored != lead.status.as_str() {
                    summary.kept += 1;
                }
                stored.as_str()
            }
            _ => lead.status.as_str(),
        };
        let (budget_min, budget_max, budget_currency) = match &lead.budget {
            Some(b) => (b.min, b.max, Some(b.currency.code())),
            None => (None, None, None),
        };
        let loc = lead.location.as_ref();
        let answers = serde_json::to_string(&lead.answers).expect("answers always serialise");
        let write_lead = match known {
            None => &mut self.insert,
            Some(_) => &mut self.update,
        };
        write_lead.execute(params![
            lead.id,
            lead.kind.as_str(),
            status,
            lead.service,
            lead.category,
            millis(lead.created_at),
            lead.expires_at.map(millis),
            lead.fee.amount,
            lead.fee.currency.code(),
            budget_min,
            budget_max,
            budget_currency,
            loc.and_then(|l| l.city.as_deref()),
            loc.and_then(|l| l.district.as_deref()),
            loc.and_then(|l| l.postcode.as_deref()),
            lead.schedule,
            lead.customer.display_name,
            lead.customer.phone,
            lead.customer.email,
            answers,
            lead.message,
            millis(now),
        ])?;
        let had_decision = known.as_ref().is_some_and(|(_, d)| *d);
        if let Some(d) = &lead.decision
            && !had_decision
            && status == lead.status.as_str()
        {
            let charge = (d.action == Action::Accept).then_some(lead.fee);
            if let Some(fee) = charge {
                record_charge(&mut self.charge, tx, &lead.id, fee, d.decided_at)?;
            }
            self.decide.execute(params![
                lead.id,
                d.action.as_str(),
                millis(d.decided_at),
                d.reason.map(RejectReason::as_str),
                d.note,
                charge.map(|c| c.amount),
                charge.map(|c| c.currency.code()),
                millis(lead.created_at),
                lead.kind == Kind::NewLead,
            ])?;
        }
        super::conversations::import(tx, lead, now)?;
        match known {
            Some(_) => summary.updated += 1,
            None => summary.added += 1,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::tests::sample;
    use crate::domain::lead::{Decision, Status};

    #[test]
    fn a_long_import_that_fails_leaves_the_store_and_its_schema_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = "2026-11-23T04:00:00Z".parse().unwrap();
        store.import(&[sample()], now).unwrap();
        let before = schema_whole(&store);
        let mut import = store.begin_import_bulk_from(now, 3).unwrap();
        for i in 0..10 {
            let mut lead = sample();
            lead.id = format!("x{i}");
            import.add(&lead, &format!("line {i}")).unwrap().unwrap();
        }
        let mut again = sample();
        again.id = "x4".into();
        assert_eq!(
            import.add(&again, "line 12").unwrap(),
            Err(SameId("line 4".into()))
        );
        // The caller gives up: dropping the import rolls back the leads and the dropped indexes
        // and triggers alike.
        drop(import);
        assert_eq!(schema_whole(&store), before);
        assert_eq!(store.count_by_prefix("x").unwrap(), (0, 1));
    }

    /// Every index, trigger and table with its SQL, and each table's indexes as SQLite lists
    /// them (the primary keys' own among them).
    fn schema_whole(store: &Store) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare(
                "SELECT m.type || ' ' || m.name || ' ' || coalesce(m.sql, '') || ' '
                        || coalesce((SELECT group_concat(i.name || ':' || i.\"unique\", ',')
                                     FROM pragma_index_list(m.name) i), '')
                 FROM sqlite_master m ORDER BY m.name",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_long_import_into_an_empty_store_builds_every_index_and_count_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = "2026-11-23T04:00:00Z".parse().unwrap();
        let before = schema_whole(&store);
        let leads: Vec<Lead> = (0..12)
            .map(|i| {
                let mut lead = sample();
                lead.id = format!("x{i:02}");
                // Two or three an hour, of both kinds: each hour's count is of one kind.
                lead.created_at += chrono::TimeDelta::minutes(25 * i);
                if i % 4 == 1 {
                    lead.kind = Kind::Promotion;
                }
                if i % 3 > 0 {
                    lead.status = Status::Accepted;
                    lead.decision = Some(Decision {
                        action: Action::Accept,
                        decided_at: lead.created_at + chrono::TimeDelta::minutes(7 * i),
                        reason: None,
                        note: None,
                    });
                }
                lead
            })
            .collect();
        let mut import = store.begin_import_bulk_from(now, 3).unwrap();
        assert!(import.into_empty);
        for (i, lead) in leads.iter().enumerate() {
            import.add(lead, &format!("line {i}")).unwrap().unwrap();
        }
        let summary = import.commit().unwrap();
        assert_eq!((summary.added, summary.updated), (12, 0));
        assert_eq!(schema_whole(&store), before);
        super::super::assert_derived_exact(&store, "after a long import into an empty store");
        // Into a store with leads, each one is looked up: the same file again updates them all.
        let mut import = store.begin_import_bulk_from(now, 3).unwrap();
        assert!(!import.into_empty);
        for (i, lead) in leads.iter().enumerate() {
            import.add(lead, &format!("line {i}")).unwrap().unwrap();
        }
        let summary = import.commit().unwrap();
        assert_eq!((summary.added, summary.updated), (0, 12));
        assert_eq!(schema_whole(&store), before);
        super::super::assert_derived_exact(&store, "after the same import again");
    }
}
