//! The local lead store: one SQLite file in the data dir.
//!
//! WAL so readers never wait for a writer, `synchronous=FULL` so a committed decision survives a
//! power cut, a busy timeout so two terminals take turns instead of failing. The schema only ever
//! grows by numbered migrations, tracked in `PRAGMA user_version`.

use std::path::{Path, PathBuf};

use import::upsert;
pub use import::{Import, ImportSummary, SameId};

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

mod import;
mod speed;

use super::conversations::{self, Origin, OutcomeChange};
use super::{
    Decided, DecisionRecord, DecisionRequest, HistoryQuery, LeadSource, QueueSummary, Recorded,
    Scope,
};
use crate::domain::conversation::{Facts, JobOutcome, Log, Message, Timing, Waits};
use crate::domain::decision::{Skip, check};
use crate::domain::filter::{LeadFilter, StatusFilter};
use crate::domain::lead::{
    Action, Answer, Budget, Customer, Decision, Kind, Lead, Location, RejectReason, Status,
};
use crate::domain::money::{Currency, Money};
use crate::domain::rate::Tally;

/// Each entry is one schema version; entry N (from 1) brings a store from version N-1 to N.
/// Only ever append: a released migration never changes.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_charges_and_idempotency.sql"),
    include_str!("migrations/0003_outbox.sql"),
    include_str!("migrations/0004_response_counts.sql"),
    include_str!("migrations/0005_conversations.sql"),
    include_str!("migrations/0006_conversation_outbox.sql"),
    include_str!("migrations/0007_conversation_state.sql"),
    include_str!("migrations/0008_webhook_events.sql"),
];

pub const FILE_NAME: &str = "leads.db";

/// The width of a `lead_counts` bucket, in milliseconds.
const HOUR: i64 = 3_600_000;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data dir {}: {}", path.display(), super::describe_io(source))]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the lead store {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// A migration failed; its transaction rolled back, so the store is as it was.
    #[error(
        "cannot bring the lead store {} from schema {from} to {to}: {detail}; it was left as it was",
        path.display()
    )]
    Migrate {
        path: PathBuf,
        from: i64,
        to: usize,
        detail: String,
    },
    #[error(
        "the lead store {} has schema version {found}, newer than this leads understands ({known}); \
         upgrade leads", path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: usize,
    },
    #[error("the lead store holds a value it cannot read ({0}); it may have been edited by hand")]
    Corrupt(String),
    #[error("lead {id}: {error}")]
    InvalidLead {
        id: String,
        error: crate::domain::lead::InvalidLead,
    },
    #[error("{0}")]
    Implausible(String),
    #[error("lead {id} is {status}: only an accepted lead has a conversation")]
    NotAccepted { id: String, status: String },
    /// The file is not an SQLite database, or SQLite finds it malformed.
    #[error("the lead store {} is damaged ({detail})", path.display())]
    Damaged { path: PathBuf, detail: String },
    #[error("the lead store {} is read-only to you, so nothing can be changed", path.display())]
    ReadOnly { path: PathBuf },
    /// The remote source's platform refused a message or outcome for good; it was undone here.
    #[error("the platform refused it ({0}); nothing was recorded")]
    Refused(String),
    #[error("lead store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub struct Store {
    pub(super) conn: Connection,
    path: PathBuf,
    /// This user may read the file but not write it.
    read_only: bool,
    /// The leads this connection works on.
    pub(super) scope: Scope,
}

/// One write transaction on the store, for work that commits or rolls back as a whole: an API
/// write with the response stored under its key, a message with the outbox row that sends it.
/// It derefs to the store, so what is read through it sees what it wrote.
pub struct Write<'a> {
    store: &'a Store,
    pub(super) tx: Transaction<'a>,
}

impl std::ops::Deref for Write<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.store
    }
}

impl Write<'_> {
    /// One decision, by the rules of `leads accept` and `leads reject`.
    pub fn decide(
        &self,
        req: &DecisionRequest,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Decided, StoreError> {
        self.store.decide_one(&self.tx, req, now, shelf_life)
    }
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, bringing its schema up to date. A store
    /// this user may read but not write (another user's, `chmod a-w`, a read-only data dir)
    /// opens for reading: every read works, and a write says the store is read-only.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        create_private_dir(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let opened = Connection::open(&path).and_then(|conn| {
            let read_only = conn.is_readonly("main")?;
            let conn = if read_only {
                read_only_connection(conn, &path)?
            } else {
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "FULL")?;
                conn
            };
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            // Sorting 10,000 pending leads by time left must not spill to temp files (it did,
            // at 1,500 syscalls a `leads list`): sort in memory, with room to do it.
            conn.pragma_update(None, "temp_store", "MEMORY")?;
            conn.pragma_update(None, "cache_size", -32_000)?;
            Ok((conn, read_only))
        });
        let (conn, read_only) = opened.map_err(|e| open_error(&path, e))?;
        log::info!(
            "store: {}{}",
            path.display(),
            if read_only { " (read-only)" } else { "" }
        );
        let store = Store {
            conn,
            path,
            read_only,
            scope: Scope::All,
        };
        store.migrate().map_err(|e| match e {
            StoreError::Sqlite(e) => open_error(&store.path, e),
            other => other,
        })?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Leads of the store outside this connection's scope, and of their decisions those still
    /// waiting to be sent: with the scope of every account, the leads no account owns.
    pub fn outside_scope(&self) -> Result<(u64, u64), StoreError> {
        let count = |sql: String| -> Result<u64, StoreError> {
            Ok(self.conn.query_row(&sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok((
            count(format!(
                "SELECT COUNT(*) FROM leads WHERE NOT {}",
                self.in_scope("id")
            ))?,
            count(format!(
                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND NOT {}",
                self.in_scope("lead_id")
            ))?,
        ))
    }

    /// The same store, working on `scope`'s leads only.
    pub fn scoped(mut self, scope: Scope) -> Store {
        self.scope = scope;
        self
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The scope as an SQL condition on `column`, a lead id.
    /// The accepted leads that `which` picks (a condition on `l`, with the one parameter ?1),
    /// each with its outcome and the summary of its log, in one statement: the kept state of
    /// each conversation has the summary, so no message is read.
    fn accepted_with_logs(
        &self,
        which: &str,
        param: &dyn rusqlite::ToSql,
    ) -> Result<Vec<(Lead, Log)>, StoreError> {
        let sql = format!(
            "SELECT {LEAD_COLUMNS},
                    c.from_customer, c.customer_last, c.from_pro, c.pro_first, c.pro_last,
                    o.result, o.at, o.value_amount, o.value_currency, o.reason
             FROM {WITH_DECISION}
             JOIN conversation_state c ON c.lead_id = l.id
             LEFT JOIN outcomes o ON o.lead_id = l.id
             WHERE {which} AND {}",
            self.in_scope("l.id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([param], |r| {
            let mut lead = lead_from_row(r)?;
            lead.outcome = match r.get_ref(LEAD_COLUMN_COUNT + 5)? {
                rusqlite::types::ValueRef::Null => None,
                _ => Some(conversations::outcome_from_row(r, LEAD_COLUMN_COUNT + 5)?),
            };
            Ok((lead, conversations::log_from_row(r, LEAD_COLUMN_COUNT)?))
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(read_error)
    }

    pub(super) fn in_scope(&self, column: &str) -> String {
        self.scope.sql(column)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version as usize > MIGRATIONS.len() {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        if version as usize == MIGRATIONS.len() {
            return Ok(());
        }
        // All pending steps in one transaction: a store is at one version or the next, never
        // half-way. user_version lives in the file header and commits with the rest.
        let tx = self.write()?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            log::debug!("store: migrating to schema {}", i + 1);
            tx.execute_batch(sql).map_err(|e| {
                // SQLite's message quotes the whole migration after " in "; the table it stumbled
                // on is what a person can act on.
                let detail = match &e {
                    rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
                    rusqlite::Error::SqliteFailure(_, Some(m)) => {
                        m.split(" in ").next().unwrap_or(m).to_string()
                    }
                    other => other.to_string(),
                };
                StoreError::Migrate {
                    path: self.path.clone(),
                    from: version,
                    to: i + 1,
                    detail,
                }
            })?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A write transaction that takes the lock up front, so two writers queue on the busy timeout
    /// instead of one failing half-way with SQLITE_BUSY.
    pub(super) fn write(&self) -> Result<Transaction<'_>, StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        }
        Ok(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }

    /// Runs `f` in one write transaction, committed when `f` returns Ok and rolled back otherwise.
    pub fn in_write<T>(
        &self,
        f: impl FnOnce(&Write) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let write = Write {
            store: self,
            tx: self.write()?,
        };
        let out = f(&write)?;
        write.tx.commit()?;
        Ok(out)
    }

    /// Counts of leads whose id starts with `prefix`, and of all others.
    pub fn count_by_prefix(&self, prefix: &str) -> Result<(u64, u64), StoreError> {
        let sql = format!(
            "SELECT COALESCE(SUM(substr(id, 1, length(?1)) = ?1), 0),
                    COALESCE(SUM(substr(id, 1, length(?1)) != ?1), 0) FROM leads WHERE {}",
            self.in_scope("id")
        );
        let (ours, others): (i64, i64) = self
            .conn
            .query_row(&sql, [prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((ours as u64, others as u64))
    }

    /// Replaces every lead whose id starts with `prefix` (and its decision) with `leads`, in one
    /// transaction, leaving all other leads alone.
    pub fn replace_prefixed(
        &self,
        prefix: &str,
        leads: &[Lead],
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, StoreError> {
        let tx = self.write()?;
        tx.execute(
            "DELETE FROM decisions WHERE substr(lead_id, 1, length(?1)) = ?1",
            [prefix],
        )?;
        tx.execute(
            "DELETE FROM charges WHERE substr(lead_id, 1, length(?1)) = ?1",
            [prefix],
        )?;
        tx.execute(
            "DELETE FROM leads WHERE substr(id, 1, length(?1)) = ?1",
            [prefix],
        )?;
        let summary = upsert(&tx, leads, now)?;
        tx.commit()?;
        Ok(summary)
    }
}

/// A decision waiting in the outbox.
#[derive(Clone, Debug)]
pub struct Queued {
    pub key: String,
    pub lead_id: String,
    pub action: Action,
    pub reason: Option<RejectReason>,
    pub note: Option<String>,
}

/// What a write under an idempotency key came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keyed {
    /// Done (or refused) now; this response was stored under the key.
    First { status: u16, body: String },
    /// The key was seen before with the same request: its stored response.
    Replay { status: u16, body: String },
    /// The key was seen before with a different request.
    Reused,
}

impl Store {
    /// One decision inside the caller's write transaction: the rules, the decision row, the
    /// status change and, for an accept, the charge, all or nothing with that transaction.
    fn decide_one(
        &self,
        tx: &Transaction,
        req: &DecisionRequest,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Decided, StoreError> {
        let Some(mut lead) = self.get(&req.lead_id)? else {
            return Ok(Decided::Skipped {
                lead: None,
                why: Skip::Unknown,
            });
        };
        if let Err(why) = check(&lead, req.action, req.max_fee, now, shelf_life) {
            return Ok(Decided::Skipped {
                lead: Some(lead),
                why,
            });
        }
        let charge = match req.action {
            Action::Accept => Some((record_charge(tx, &lead.id, lead.fee, now)?, lead.fee)),
            Action::Reject => None,
        };
        tx.prepare_cached(
            "INSERT INTO decisions (lead_id, action, decided_at, reason, note, charge_amount,
                charge_currency, charge_id, origin, arrived_at, counts_in_rate)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'local', ?9, ?10)",
        )?
        .execute(params![
            lead.id,
            req.action.as_str(),
            millis(now),
            req.reason.map(RejectReason::as_str),
            req.note,
            charge.as_ref().map(|(_, m)| m.amount),
            charge.as_ref().map(|(_, m)| m.currency.code()),
            charge.as_ref().map(|(id, _)| id.as_str()),
            millis(lead.created_at),
            lead.kind == Kind::NewLead,
        ])?;
        let status = match req.action {
            Action::Accept => Status::Accepted,
            Action::Reject => Status::Rejected,
        };
        let marked = tx
            .prepare_cached(
                "UPDATE leads SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'pending'",
            )?
            .execute(params![lead.id, status.as_str(), millis(now)])?;
        if marked != 1 {
            // Unreachable while we hold the write lock; if it ever happens, the whole
            // transaction rolls back rather than leave a decision beside a pending lead.
            return Err(StoreError::Corrupt(format!(
                "lead {} changed while being decided",
                lead.id
            )));
        }
        lead.status = status;
        lead.decision = Some(Decision {
            action: req.action,
            decided_at: now,
            reason: req.reason,
            note: req.note.clone(),
        });
        Ok(Decided::Done {
            lead,
            charge: charge.as_ref().map(|(_, m)| *m),
            charge_id: charge.map(|(id, _)| id),
        })
    }

    /// A write under an idempotency key, as the API makes it: in one transaction, the key is
    /// looked up, `write` does the work and returns the response (a refusal too), and the key is
    /// stored with that response. A repeat of the key with the same `fingerprint` (what the first
    /// request asked) gets the stored response and changes nothing; with another fingerprint,
    /// nothing either. Decisions, messages and outcomes all go through here.
    pub fn keyed(
        &self,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        write: impl FnOnce(&Write) -> Result<(u16, String), StoreError>,
    ) -> Result<Keyed, StoreError> {
        self.in_write(|w| {
            let seen: Option<(String, u16, String)> = w
                .tx
                .prepare_cached("SELECT fingerprint, status, body FROM idempotency WHERE key = ?1")?
                .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            if let Some((first, status, body)) = seen {
                return Ok(if first == fingerprint {
                    Keyed::Replay { status, body }
                } else {
                    Keyed::Reused
                });
            }
            let (status, body) = write(w)?;
            w.tx.prepare_cached(
                "INSERT INTO idempotency (key, fingerprint, status, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![key, fingerprint, status, body, millis(now)])?;
            Ok(Keyed::First { status, body })
        })
    }

    /// A page of leads, oldest first, after the (created_at, id) `after` position. `matches`
    /// says which leads belong (status is judged at "now", so it is not a column test); up to
    /// `limit + 1` are returned so the caller knows whether another page follows.
    pub fn page(
        &self,
        status: StatusFilter,
        after: Option<(DateTime<Utc>, String)>,
        limit: usize,
        mut matches: impl FnMut(&Lead) -> bool,
    ) -> Result<Vec<Lead>, StoreError> {
        // Narrowed by stored status in SQL (leads_by_status_created), as `select` does, so a page
        // of pending leads does not walk past every decided one first.
        let statuses = status
            .stored()
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM {WITH_DECISION}
             WHERE l.status IN ({statuses}) AND (l.created_at, l.id) > (?1, ?2)
             ORDER BY l.created_at, l.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let (at, id) = after.map_or((i64::MIN, String::new()), |(t, id)| (millis(t), id));
        let mut rows = stmt.query(params![at, id])?;
        let mut out = Vec::with_capacity(limit + 1);
        while out.len() <= limit {
            let Some(row) = rows.next()? else { break };
            let lead = lead_from_row(row).map_err(read_error)?;
            if matches(&lead) {
                out.push(lead);
            }
        }
        Ok(out)
    }

    /// Decides here and queues for its platform each decision on a lead `sent` picks (the
    /// leads of remote accounts), in one transaction: the decision, the status change and, for
    /// those, an outbox row with a fresh idempotency key. Returns each outcome and, for the
    /// queued ones, what was queued.
    pub fn decide_and_queue(
        &self,
        requests: &[DecisionRequest],
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        sent: impl Fn(&str) -> bool,
    ) -> Result<Vec<(Decided, Option<Queued>)>, StoreError> {
        // IMMEDIATE takes the write lock before the first read, so the checks see the lead as it
        // is when the decision commits: a second process waits, then finds it decided.
        let tx = self.write()?;
        let mut out = Vec::with_capacity(requests.len());
        for req in requests {
            let decided = self.decide_one(&tx, req, now, shelf_life)?;
            let key = match &decided {
                Decided::Done { .. } if sent(&req.lead_id) => {
                    let key = uuid::Uuid::new_v4().to_string();
                    tx.prepare_cached(
                        "INSERT INTO outbox (key, lead_id, action, reason, note, queued_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        key,
                        req.lead_id,
                        req.action.as_str(),
                        req.reason.map(RejectReason::as_str),
                        req.note,
                        millis(now)
                    ])?;
                    Some(Queued {
                        key,
                        lead_id: req.lead_id.clone(),
                        action: req.action,
                        reason: req.reason,
                        note: req.note.clone(),
                    })
                }
                Decided::Done { .. } | Decided::Skipped { .. } | Decided::Queued { .. } => None,
            };
            out.push((decided, key));
        }
        tx.commit()?;
        Ok(out)
    }

    /// The ids of every lead stored as pending, whatever the clock says.
    pub fn pending_ids(&self) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT id FROM leads WHERE status = 'pending' AND {} ORDER BY id",
            self.in_scope("id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt.query_map([], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Every queued decision, oldest first.
    pub fn outbox(&self) -> Result<Vec<Queued>, StoreError> {
        let sql = format!(
            "SELECT key, lead_id, action, reason, note FROM outbox
             WHERE sent_at IS NULL AND {} ORDER BY queued_at, key",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(Queued {
                key: r.get(0)?,
                lead_id: r.get(1)?,
                action: if r.get_ref(2)?.as_str()? == "accept" {
                    Action::Accept
                } else {
                    Action::Reject
                },
                reason: r
                    .get::<_, Option<String>>(3)?
                    .and_then(|c| RejectReason::from_code(&c)),
                note: r.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(read_error)
    }

    /// The API took the decision: mark it sent and record the charge it reports, which is what
    /// `status` and `history` show as spent.
    pub fn sent(
        &self,
        key: &str,
        lead_id: &str,
        charge: Option<(&str, Money)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if let Some((_, money)) = charge.filter(|(_, m)| !m.is_plausible()) {
            return Err(StoreError::Implausible(format!(
                "the platform reported a charge of {money} for lead {lead_id}, over the ceiling of {}; not recorded",
                Money::new(Money::ceiling(money.currency), money.currency)
            )));
        }
        let tx = self.write()?;
        if let Some((id, money)) = charge {
            tx.execute(
                "UPDATE decisions SET charge_id = ?2, charge_amount = ?3, charge_currency = ?4
                 WHERE lead_id = ?1 AND action = 'accept'",
                params![lead_id, id, money.amount, money.currency.code()],
            )?;
            // The local ledger row made with the decision follows the server's figure.
            tx.execute(
                "UPDATE charges SET amount = ?2, currency = ?3 WHERE lead_id = ?1",
                params![lead_id, money.amount, money.currency.code()],
            )?;
        }
        tx.execute(
            "UPDATE outbox SET sent_at = ?2, last_error = NULL WHERE key = ?1",
            params![key, millis(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The keys of decisions the API has taken since the server's rate was last fetched.
    pub fn sent_keys(&self) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT key FROM outbox WHERE sent_at IS NOT NULL AND {}",
            self.in_scope("lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let keys = stmt.query_map([], |r| r.get(0))?;
        Ok(keys.collect::<rusqlite::Result<_>>()?)
    }

    /// A fresh server rate counts these sent decisions: they need not be added to it any more.
    pub fn reflected(&self, keys: &[String]) -> Result<(), StoreError> {
        let tx = self.write()?;
        for key in keys {
            tx.execute(
                "DELETE FROM outbox WHERE key = ?1 AND sent_at IS NOT NULL",
                [key],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// What happened here that the server's last reported rate cannot include yet, over the New
    /// Leads created after `since`: decisions still queued or sent after that report, and
    /// cached pending leads that lapsed after `reported_at`.
    pub fn since_report(
        &self,
        since: DateTime<Utc>,
        reported_at: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, StoreError> {
        let (since, reported_at, now) = (millis(since), millis(reported_at), millis(now));
        let mut tally = Tally::default();
        let sql = format!(
            "SELECT o.action, COUNT(*) FROM outbox o JOIN leads l ON l.id = o.lead_id
             WHERE l.kind = 'new_lead' AND l.created_at > ?1 AND {}
             GROUP BY o.action",
            self.in_scope("o.lead_id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([since])?;
        while let Some(r) = rows.next()? {
            let n: i64 = r.get(1)?;
            match r.get::<_, String>(0)?.as_str() {
                "accept" => tally.accepted = n as u64,
                _ => tally.rejected = n as u64,
            }
        }
        let sql = format!(
            "SELECT COALESCE(SUM(exp > ?4 AND exp <= ?2), 0), COALESCE(SUM(exp > ?2), 0)
             FROM (SELECT COALESCE(expires_at, created_at + ?3) AS exp FROM leads
                   WHERE status = 'pending' AND kind = 'new_lead' AND created_at > ?1 AND {})",
            self.in_scope("id")
        );
        let (lapsed, pending): (i64, i64) = self.conn.query_row(
            &sql,
            params![since, now, shelf_life.num_milliseconds(), reported_at],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tally.lapsed = lapsed as u64;
        tally.pending = pending as u64;
        Ok(tally)
    }

    /// The API refused the decision for good: undo it here (decision, charge, outbox row) and
    /// give the lead the status the server reports.
    pub fn unsend(
        &self,
        key: &str,
        lead_id: &str,
        status: Status,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute("DELETE FROM outbox WHERE key = ?1", [key])?;
        tx.execute("DELETE FROM decisions WHERE lead_id = ?1", [lead_id])?;
        tx.execute("DELETE FROM charges WHERE lead_id = ?1", [lead_id])?;
        tx.execute(
            "UPDATE leads SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![lead_id, status.as_str(), millis(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A transient failure: the decision stays queued, with what went wrong.
    pub fn still_queued(&self, key: &str, error: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE key = ?1",
            params![key, error],
        )?;
        Ok(())
    }

    pub fn set_state(&self, name: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO remote_state (name, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![name, value, millis(now)],
        )?;
        Ok(())
    }

    /// A remembered fact and when it was set.
    pub fn state(&self, name: &str) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        self.conn
            .query_row(
                "SELECT value, updated_at FROM remote_state WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, from_millis(r.get(1)?)?)),
            )
            .optional()
            .map_err(read_error)
    }

    /// Charges recorded in the ledger, for tests and audits: (charge id, lead id, money).
    pub fn charges(&self) -> Result<Vec<(String, String, Money)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, lead_id, amount, currency FROM charges ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                charge_id(r.get(0)?),
                r.get(1)?,
                Money::new(r.get(2)?, currency(r.get(3)?)?),
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(read_error)
    }
}

fn charge_id(seq: i64) -> String {
    format!("ch_{seq:08}")
}

/// Adds `lead_id`'s charge to the ledger. A second charge for the same lead violates the
/// ledger's UNIQUE and fails the transaction: the store itself refuses to charge twice.
fn record_charge(
    tx: &Transaction,
    lead_id: &str,
    fee: Money,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    tx.prepare_cached(
        "INSERT INTO charges (lead_id, amount, currency, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        lead_id,
        fee.amount,
        fee.currency.code(),
        millis(at)
    ])?;
    Ok(charge_id(tx.last_insert_rowid()))
}

/// Whether SQLite found the file damaged: not a database at all, or malformed inside.
pub fn is_damage(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, DatabaseCorrupt | NotADatabase))
}

fn open_error(path: &Path, source: rusqlite::Error) -> StoreError {
    if is_damage(&source) {
        let detail = match &source {
            rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
            other => other.to_string(),
        };
        StoreError::Damaged {
            path: path.to_path_buf(),
            detail,
        }
    } else {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// `conn` (a store opened read-only) ready to read. In WAL mode SQLite keeps a shared-memory
/// file beside the store; in a data dir this user cannot write, it cannot be made, and SQLite
/// refuses to read. With no write-ahead log left behind (no writer at work, nothing
/// unfinished), the file alone is the whole store, and SQLite may read it as unchanging.
fn read_only_connection(conn: Connection, path: &Path) -> rusqlite::Result<Connection> {
    use rusqlite::OpenFlags;
    let read = conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |_| Ok(()));
    let wal_left = || {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
    };
    match (read, url::Url::from_file_path(path)) {
        (Ok(()), _) => Ok(conn),
        (Err(e), Ok(url)) if !is_damage(&e) && !wal_left() => {
            drop(conn);
            Connection::open_with_flags(
                format!("{url}?immutable=1"),
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
            )
        }
        (Err(e), _) => Err(e),
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        // The store holds customers' phone numbers once leads are accepted.
        builder.mode(0o700);
    }
    builder.create(dir)
}

pub(super) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(super) fn from_millis(ms: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(format!("time {ms}")))
}

pub(super) fn corrupt(what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(StoreError::Corrupt(what)),
    )
}

const LEAD_COLUMNS: &str = "l.id, l.kind, l.status, l.service, l.category, l.created_at,
    l.expires_at, l.fee_amount, l.fee_currency, l.budget_min, l.budget_max, l.budget_currency,
    l.city, l.district, l.postcode, l.schedule, l.customer_name, l.customer_phone,
    l.customer_email, l.answers, l.message, d.action, d.decided_at, d.reason, d.note";
/// How many columns LEAD_COLUMNS names: what a query reads after them starts here.
const LEAD_COLUMN_COUNT: usize = {
    let (sql, mut i, mut n) = (LEAD_COLUMNS.as_bytes(), 0, 1);
    while i < sql.len() {
        n += (sql[i] == b',') as usize;
        i += 1;
    }
    n
};
const WITH_DECISION: &str = "leads l LEFT JOIN decisions d ON d.lead_id = l.id";
const NO_DECISION: &str = "leads l, (SELECT NULL AS action, NULL AS decided_at, NULL AS reason,
    NULL AS note) d";

pub(super) fn currency(code: String) -> rusqlite::Result<Currency> {
    code.parse()
        .map_err(|_| corrupt(format!("currency {code:?}")))
}

fn lead_from_row(r: &Row) -> rusqlite::Result<Lead> {
    let kind = match r.get_ref(1)?.as_str()? {
        "promotion" => Kind::Promotion,
        _ => Kind::NewLead,
    };
    let status = match r.get_ref(2)?.as_str()? {
        "accepted" => Status::Accepted,
        "rejected" => Status::Rejected,
        "expired" => Status::Expired,
        _ => Status::Pending,
    };
    let budget = match r.get::<_, Option<String>>(11)? {
        Some(code) => Some(Budget {
            min: r.get(9)?,
            max: r.get(10)?,
            currency: currency(code)?,
        }),
        None => None,
    };
    let location = Location {
        city: r.get(12)?,
        district: r.get(13)?,
        postcode: r.get(14)?,
    };
    let location = (location != Location::default()).then_some(location);
    let answers: Vec<Answer> =
        serde_json::from_str(r.get_ref(19)?.as_str()?).map_err(|_| corrupt("answers".into()))?;
    let decision = match r.get::<_, Option<String>>(21)? {
        Some(action) => Some(Decision {
            action: if action == "accept" {
                Action::Accept
            } else {
                Action::Reject
            },
            decided_at: from_millis(r.get(22)?)?,
            reason: r
                .get::<_, Option<String>>(23)?
                .and_then(|c| RejectReason::from_code(&c)),
            note: r.get(24)?,
        }),
        None => None,
    };
    Ok(Lead {
        id: r.get(0)?,
        kind,
        status,
        service: r.get(3)?,
        category: r.get(4)?,
        created_at: from_millis(r.get(5)?)?,
        expires_at: r.get::<_, Option<i64>>(6)?.map(from_millis).transpose()?,
        fee: Money::new(r.get(7)?, currency(r.get(8)?)?),
        budget,
        location,
        schedule: r.get(15)?,
        customer: Customer {
            display_name: r.get(16)?,
            phone: r.get(17)?,
            email: r.get(18)?,
        },
        answers,
        message: r.get(20)?,
        decision,
        messages: Vec::new(),
        outcome: None,
    })
}

/// Unwraps the conversion failures raised by [`corrupt`] back into a readable store error.
pub(super) fn read_error(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
            match inner.downcast::<StoreError>() {
                Ok(store_error) => *store_error,
                Err(other) => StoreError::Corrupt(other.to_string()),
            }
        }
        other => StoreError::Sqlite(other),
    }
}

impl LeadSource for Store {
    fn select(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Vec<Lead>, StoreError> {
        // The SQL only narrows by stored status (an index range); the domain filter decides
        // what matches and in which order, so there is one definition of both. Sorting there
        // moves pointers; an ORDER BY here made SQLite copy every record through its sorter.
        let statuses = filter
            .status
            .stored()
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        // A pending lead has no decision (a decision and the status change commit together), so
        // the queue skips the join: 10,000 index lookups for nothing.
        let decisions = if filter.status == StatusFilter::Pending {
            NO_DECISION
        } else {
            WITH_DECISION
        };
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM {decisions} WHERE l.status IN ({statuses}) AND {}",
            self.in_scope("l.id")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        let mut candidates = Vec::new();
        while let Some(row) = rows.next()? {
            let lead = lead_from_row(row).map_err(read_error)?;
            if filter.matches(&lead, now, shelf_life) {
                candidates.push(lead);
            }
        }
        Ok(filter.apply(candidates, now, shelf_life))
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
        conversations::waits(&self.conn, now, timing, &self.in_scope("lead_id"))
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
        let mut tally = Tally::default();
        let mut add = |status: &str, n: i64| match status {
            "accepted" => tally.accepted += n as u64,
            "rejected" => tally.rejected += n as u64,
            _ => tally.lapsed += n as u64,
        };
        // The window is every New Lead created after `since` (domain::rate::in_window), those
        // stamped after `now` included. Decided and expired leads never change status again, so
        // they are counted from the hourly counts for every whole hour inside (since, now], and
        // exactly, lead by lead, in the partial hour at the start and from the hour of `now` on.
        // The hourly counts are of the whole store: an account's window is counted lead by lead
        // (a month of one account's leads, a few thousand index entries at most).
        let first = since / HOUR + 1;
        let last = (now + 1) / HOUR - 1;
        let whole_hours = since >= 0 && first <= last && self.scope == Scope::All;
        let (edge_a, edge_b) = if whole_hours {
            (first * HOUR, (last + 1) * HOUR)
        } else {
            (now + 1, now + 1)
        };
        if whole_hours {
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
        for (from, to) in [(since + 1, edge_a - 1), (edge_b, i64::MAX)] {
            let mut rows = stmt.query([from, to])?;
            while let Some(r) = rows.next()? {
                add(&r.get::<_, String>(0)?, r.get(1)?);
            }
        }
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

/// For tests: the derived tables equal what they are derived from — the rate's hourly counts a
/// plain count of the leads table, each conversation's kept state the rule it is kept by.
#[cfg(test)]
#[track_caller]
pub(super) fn assert_derived_exact(store: &Store, what: &str) {
    let state = |from: &str| -> Vec<Vec<Option<i64>>> {
        let sql = format!(
            "SELECT requested_at, accepted_at, from_customer, customer_last, from_pro, pro_first,
                    pro_last, settled, lead_id FROM {from} ORDER BY lead_id"
        );
        let mut stmt = store.conn.prepare(&sql).unwrap();
        stmt.query_map([], |r| (0..8).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        state("conversation_state"),
        state("conversation_rows"),
        "{what}: the conversations' kept state"
    );
    assert_lead_counts_exact(store, what);
}

#[cfg(test)]
#[track_caller]
fn assert_lead_counts_exact(store: &Store, what: &str) {
    let rows = |sql: &str| -> Vec<(String, String, i64, i64)> {
        let mut stmt = store.conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        rows("SELECT kind, status, hour, n FROM lead_counts WHERE n != 0 ORDER BY 1, 2, 3"),
        rows(
            "SELECT kind, status, created_at / 3600000, COUNT(*) FROM leads
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ),
        "{what}: the rate's hourly counts"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::freshness::effective_status;
    use crate::domain::lead::tests::sample;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn leads_round_trip_exactly() {
        let (_dir, store) = store();
        let mut lead = sample();
        lead.expires_at = Some(at("2026-11-24T08:00:00.250Z"));
        let summary = store
            .import(&[lead.clone()], at("2026-11-23T09:00:00Z"))
            .unwrap();
        assert_eq!(summary.added, 1);
        assert_eq!(store.get("ld_1").unwrap(), Some(lead));
        assert_eq!(store.get("nope").unwrap(), None);
    }

    #[test]
    fn an_import_never_reopens_a_decided_lead_or_erases_contact_details() {
        let (_dir, store) = store();
        let now = at("2026-11-23T09:00:00Z");
        let mut decided = sample();
        decided.status = Status::Accepted;
        decided.customer.phone = Some("0912-345-678".into());
        decided.decision = Some(Decision {
            action: Action::Accept,
            decided_at: now,
            reason: None,
            note: None,
        });
        store.import(&[decided.clone()], now).unwrap();
        let summary = store.import(&[sample()], now).unwrap();
        assert_eq!(
            summary,
            ImportSummary {
                added: 0,
                updated: 1,
                kept: 1
            }
        );
        assert_eq!(store.get("ld_1").unwrap(), Some(decided));
        assert_eq!(store.spent_since(now).unwrap(), vec![sample().fee]);
    }

    #[test]
    fn a_store_made_by_the_first_schema_opens_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        {
            // Schema 1 exactly as it shipped, with one accepted lead in it.
            let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(
                "INSERT INTO leads (id, kind, status, service, category, created_at, fee_amount,
                    fee_currency, customer_name, updated_at)
                 VALUES ('old', 'new_lead', 'accepted', 'Cleaning', 'cleaning', 1000, 18000,
                    'TWD', 'Ms. Lin', 1000);
                 INSERT INTO decisions (lead_id, action, decided_at, charge_amount,
                    charge_currency, origin, arrived_at, counts_in_rate)
                 VALUES ('old', 'accept', 2000, 18000, 'TWD', 'local', 1000, 1);",
            )
            .unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let version: i64 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let lead = store.get("old").unwrap().unwrap();
        assert_eq!((lead.status, lead.fee.amount), (Status::Accepted, 18000));
        // The accept made before the ledger existed is in the ledger now, once.
        let charges = store.charges().unwrap();
        assert_eq!(charges.len(), 1);
        assert_eq!(
            (charges[0].0.as_str(), charges[0].1.as_str()),
            ("ch_00000001", "old")
        );
    }

    /// Schema 7 keeps each open conversation's state: a store from before it gets a row for
    /// every accepted lead that already had a conversation, the same as one kept since.
    #[test]
    fn a_store_from_before_conversation_state_gets_it_for_every_accepted_lead() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
            for step in &MIGRATIONS[..6] {
                conn.execute_batch(step).unwrap();
            }
            conn.pragma_update(None, "user_version", 6).unwrap();
            conn.execute_batch(
                "INSERT INTO leads (id, kind, status, service, category, created_at, fee_amount,
                    fee_currency, customer_name, updated_at)
                 VALUES ('open', 'new_lead', 'accepted', 'Cleaning', 'cleaning', 1000, 18000,
                            'TWD', 'Ms. Lin', 1000),
                        ('won', 'new_lead', 'accepted', 'Cleaning', 'cleaning', 1000, 18000,
                            'TWD', 'Mr. Wu', 1000),
                        ('pending', 'new_lead', 'pending', 'Cleaning', 'cleaning', 1000, 18000,
                            'TWD', 'Ms. Chen', 1000);
                 INSERT INTO decisions (lead_id, action, decided_at, charge_amount,
                    charge_currency, origin, arrived_at, counts_in_rate)
                 VALUES ('open', 'accept', 2000, 18000, 'TWD', 'local', 1000, 1),
                        ('won', 'accept', 2000, 18000, 'TWD', 'local', 1000, 1);
                 INSERT INTO messages (lead_id, id, at, sender, channel, text, origin)
                 VALUES ('open', 'm1', 3000, 'pro', 'platform', 'Saturday works', 'here'),
                        ('open', 'm2', 4000, 'customer', 'platform', 'See you then', 'here');
                 INSERT INTO outcomes (lead_id, result, at) VALUES ('won', 'won', 5000);",
            )
            .unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let time = |ms| Some(DateTime::from_timestamp_millis(ms).unwrap());
        assert_eq!(
            store.conversation_facts(DateTime::UNIX_EPOCH).unwrap(),
            vec![Facts {
                lead_id: "open".into(),
                requested_at: time(1000).unwrap(),
                accepted_at: time(2000),
                log: Log {
                    from_customer: 1,
                    customer_last: time(4000),
                    from_pro: 1,
                    pro_first: time(3000),
                    pro_last: time(3000),
                    last_words: None,
                },
            }]
        );
    }

    #[test]
    fn a_scoped_store_sees_only_its_accounts_leads() {
        let (dir, store) = store();
        let now = at("2026-11-23T09:00:00Z");
        let mk = |id: &str, status: Status| {
            let mut l = sample();
            l.id = id.into();
            l.created_at = now - TimeDelta::hours(2);
            l.status = status;
            if status == Status::Accepted {
                l.decision = Some(Decision {
                    action: Action::Accept,
                    decided_at: now - TimeDelta::hours(1),
                    reason: None,
                    note: None,
                });
            }
            l
        };
        let leads = [
            mk("pro360/1", Status::Pending),
            mk("pro360/2", Status::Accepted),
            mk("homey/1", Status::Pending),
            mk("homey/2", Status::Expired),
            // Just past the end of pro360/'s range, and a lead of no account.
            mk("pro3600", Status::Pending),
            mk("old", Status::Pending),
        ];
        store.import(&leads, now).unwrap();
        let scoped = |prefixes: &[&str]| {
            Store::open(dir.path()).unwrap().scoped(Scope::Prefixes(
                prefixes.iter().map(|p| p.to_string()).collect(),
            ))
        };
        let filter = LeadFilter {
            status: StatusFilter::All,
            kind: crate::domain::filter::KindFilter::All,
            ..LeadFilter::default()
        };
        let decided = HistoryQuery {
            filter: filter.clone(),
            ..HistoryQuery::default()
        };
        let ids = |s: &Store| -> Vec<String> {
            let mut ids: Vec<String> = s
                .select(&filter, now, TimeDelta::hours(48))
                .unwrap()
                .into_iter()
                .map(|l| l.id)
                .collect();
            ids.sort();
            ids
        };
        let pro360 = scoped(&["pro360/"]);
        assert_eq!(ids(&pro360), ["pro360/1", "pro360/2"]);
        assert_eq!(ids(&scoped(&["pro360/", "homey/"])).len(), 4);
        assert_eq!(ids(&store).len(), 6, "unscoped, every lead");
        assert!(pro360.get("homey/1").unwrap().is_none());
        assert!(pro360.get("pro360/1").unwrap().is_some());
        let tally = pro360
            .tally(now - TimeDelta::days(30), now, TimeDelta::hours(48))
            .unwrap();
        assert_eq!((tally.accepted, tally.pending, tally.lapsed), (1, 1, 0));
        let queue = pro360
            .queue(now, TimeDelta::hours(48), TimeDelta::hours(6))
            .unwrap();
        assert_eq!(queue.pending, 1);
        assert_eq!(
            pro360.spent_since(now - TimeDelta::days(1)).unwrap(),
            vec![sample().fee]
        );
        let homey = scoped(&["homey/"]);
        assert_eq!(homey.spent_since(now - TimeDelta::days(1)).unwrap(), vec![]);
        assert_eq!(pro360.pending_ids().unwrap(), ["pro360/1"]);
        let history = pro360.history(&decided, now, TimeDelta::hours(48)).unwrap();
        assert_eq!(history.len(), 1);
        assert!(
            homey
                .history(&decided, now, TimeDelta::hours(48))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let (dir, store) = store();
        store.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        let err = Store::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("upgrade leads"), "{err}");
    }

    #[test]
    fn a_migration_that_fails_names_the_step_and_what_stopped_it_not_its_sql() {
        let (dir, store) = store();
        // A store whose tables are newer than its version says: the next step stumbles.
        let last = MIGRATIONS.len() as i64;
        store
            .conn
            .pragma_update(None, "user_version", last - 1)
            .unwrap();
        drop(store);
        let err = Store::open(dir.path()).err().unwrap().to_string();
        assert!(
            err.contains(&format!("from schema {} to {last}", last - 1))
                && err.contains("already exists; it was left as it was"),
            "{err}"
        );
        assert!(!err.contains("CREATE"), "{err}");
    }

    /// The hourly counts must equal a plain count of the leads table after any mix of
    /// inserts, status changes, moved arrival times and deletes.
    #[test]
    fn hourly_counts_never_drift_from_the_leads() {
        let (_dir, store) = store();
        let now = at("2026-11-23T09:00:00Z");
        let mk = |i: i64, status: Status| {
            let mut l = sample();
            l.id = format!("dm-{i}");
            l.created_at = now - TimeDelta::minutes(37 * i);
            l.status = status;
            l
        };
        let first: Vec<Lead> = (0..50).map(|i| mk(i, Status::Pending)).collect();
        store.import(&first, now).unwrap();
        // Pending → expired, arrival times moved across hour boundaries, a kind changed.
        let mut changed: Vec<Lead> = (0..20).map(|i| mk(i, Status::Expired)).collect();
        changed[3].created_at -= TimeDelta::minutes(90);
        changed[4].kind = Kind::Promotion;
        store.import(&changed, now).unwrap();
        store
            .replace_prefixed("dm-1", &[mk(1, Status::Pending)], now)
            .unwrap();
        assert_derived_exact(&store, "after every change");
    }

    #[test]
    fn sql_tally_agrees_with_the_domain_lapse_rule() {
        let (_dir, store) = store();
        let shelf = TimeDelta::hours(48);
        let created = at("2026-11-20T00:00:00Z");
        let leads: Vec<Lead> = (0..60)
            .map(|i| {
                let mut l = sample();
                l.id = format!("ld_{i}");
                l.created_at = created + TimeDelta::minutes(71 * i);
                // Every third lead carries its own expiry; the rest use the shelf life. Some
                // were answered or expired on the platform, so every status is counted.
                if i % 3 == 0 {
                    l.expires_at = Some(l.created_at + TimeDelta::hours(20));
                }
                if i % 5 == 1 {
                    l.status = Status::Expired;
                } else if i % 7 == 2 {
                    l.status = Status::Rejected;
                    l.decision = Some(Decision {
                        action: Action::Reject,
                        decided_at: l.created_at,
                        reason: Some(RejectReason::TooBusy),
                        note: None,
                    });
                }
                l
            })
            .collect();
        store.import(&leads, created).unwrap();
        for minutes in [1_800, 2_881, 3_600, 4_217, 5_400, 7_201] {
            let now = created + TimeDelta::minutes(minutes);
            // Windows of every size, starting on and off the hour.
            for window in [30, 61, 600, 1_440, 2_911, 10_000] {
                let since = now - TimeDelta::minutes(window);
                let inside: Vec<&Lead> = leads
                    .iter()
                    .filter(|l| crate::domain::rate::in_window(l.created_at, since))
                    .collect();
                let count = |s: Status| {
                    inside
                        .iter()
                        .filter(|l| effective_status(l, now, shelf) == s)
                        .count() as u64
                };
                let expected = Tally {
                    accepted: 0,
                    rejected: count(Status::Rejected),
                    lapsed: count(Status::Expired),
                    pending: count(Status::Pending),
                    reported_responded: 0,
                };
                let tally = store.tally(since, now, shelf).unwrap();
                assert_eq!(tally, expected, "now +{minutes}m, window {window}m");
            }
            let queue = store.queue(now, shelf, TimeDelta::hours(6)).unwrap();
            // The queue is what `leads list` shows: every answerable lead.
            let answerable = leads
                .iter()
                .filter(|l| effective_status(l, now, shelf) == Status::Pending)
                .count();
            assert_eq!(queue.pending as usize, answerable, "now +{minutes}m");
        }
    }
}
