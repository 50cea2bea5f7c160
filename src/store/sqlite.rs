//! The local lead store: one SQLite file in the data dir.
//!
//! WAL so readers never wait for a writer, `synchronous=FULL` so a committed decision survives a
//! power cut, a busy timeout so two terminals take turns instead of failing. The schema only ever
//! grows by numbered migrations, tracked in `PRAGMA user_version`.
//!
//! This file opens and migrates the store; `reads` is the store as a `LeadSource`, `decisions`
//! the decision path with its keys and outbox, `import` leads in bulk, `speed` the kept counts
//! behind the median speed to lead.

use std::path::{Path, PathBuf};

use import::upsert;
pub use import::{Import, ImportSummary, SameId};

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

mod decisions;
mod import;
mod reads;
mod speed;

use decisions::{CHARGE, record_charge};
pub use decisions::{Keyed, Queued};

use super::conversations::{self, Origin, OutcomeChange};
use super::{
    Decided, DecisionRecord, DecisionRequest, DecodedLeads, HistoryQuery, LeadSource, Listed,
    QueueSummary, Recorded, Scope,
};
use crate::domain::conversation::{Facts, JobOutcome, Log, Message, Timing, Waits};
use crate::domain::decision::{Skip, check};
use crate::domain::filter::{LeadFilter, StatusFilter};
use crate::domain::lead::{
    Action, Budget, Customer, Decision, Kind, Lead, Location, RejectReason, Status,
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
    include_str!("migrations/0009_open_conversation_slots.sql"),
    include_str!("migrations/0010_pending_listing.sql"),
    include_str!("migrations/0011_plain_checks.sql"),
    include_str!("migrations/0012_listing_record.sql"),
    include_str!("migrations/0013_fewer_lead_indexes.sql"),
    include_str!("migrations/0014_pending_in_list_order.sql"),
];

pub const FILE_NAME: &str = "leads.db";

/// The width of a `lead_counts` bucket, in milliseconds.
const HOUR: i64 = 3_600_000;

/// The whole hours of a window (since, now] (milliseconds) that hourly counts answer for, as the
/// rate's tally and the median read them; the rest of the window is counted lead by lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WholeHours {
    first: i64,
    last: i64,
    /// `since` is in the first half of hour `first`: that hour is counted whole, and the leads
    /// up to `since` taken off again (at most half an hour of them, none when `since` is on the
    /// hour, as a window of whole days ending on the hour has), not the rest of it added.
    early: bool,
}

impl WholeHours {
    /// None when no whole hour fits, and before 1970, where integer division rounds towards zero
    /// and the hours would not line up with the window.
    fn of(since: i64, now: i64) -> Option<WholeHours> {
        let start = since.div_euclid(HOUR);
        let early = since - start * HOUR < HOUR / 2;
        let first = if early { start } else { start + 1 };
        let last = (now + 1) / HOUR - 1;
        (since >= 0 && first <= last).then_some(WholeHours { first, last, early })
    }

    /// The arrival times [from, to] counted lead by lead at the window's start, and whether
    /// their count is taken off the whole hours (-1, early) or added to them (1).
    fn start_edge(&self, since: i64) -> ((i64, i64), i64) {
        if self.early {
            ((self.first * HOUR, since), -1)
        } else {
            ((since + 1, self.first * HOUR - 1), 1)
        }
    }
}

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
    /// An older schema in a file this user may not write: reading it would need the steps that
    /// bring it up to date, which write.
    #[error(
        "the lead store {} has schema version {found} and this leads needs {needed}, but it is \
         read-only to you, so it cannot be brought up to date", path.display()
    )]
    Outdated {
        path: PathBuf,
        found: i64,
        needed: usize,
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
    /// The server's PostgreSQL store, where the same work (processing webhooks) runs on it.
    #[error("{0}")]
    Postgres(#[from] super::postgres::PgError),
}

pub struct Store {
    pub(super) conn: Connection,
    path: PathBuf,
    /// This user may read the file but not write it.
    read_only: bool,
    /// The leads this connection works on.
    pub(super) scope: Scope,
}

impl Drop for Store {
    fn drop(&mut self) {
        if !self.read_only && wal_holds_frames(&self.path) {
            // Should this fail, nothing is lost: the WAL is part of the store, and the next
            // command that closes it with frames in it checkpoints them.
            let _ = self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false);
        }
    }
}

/// The SQL condition that `column` holds one of the stored statuses `status` can match.
fn stored_status_in(column: &str, status: StatusFilter) -> String {
    let statuses: Vec<_> = status
        .stored()
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("{column} IN ({})", statuses.join(", "))
}

/// Whether the store at `path` has a WAL with anything in it: commits not yet copied into the
/// store's file, or already copied but not yet overwritten.
fn wal_holds_frames(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
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
            // First, so that asking for WAL waits as long as everything after it.
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            let read_only = conn.is_readonly("main")?;
            let conn = if read_only {
                read_only_connection(conn, &path)?
            } else {
                let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
                if mode == "wal" {
                    remove_stale_journal(&path);
                }
                conn.pragma_update(None, "synchronous", "FULL")?;
                // A command that only reads leaves the WAL and its index as it found them:
                // SQLite would checkpoint an empty WAL at close and delete both files, for the
                // next command to make again (1–2 ms of every `list` and `status` here). A store
                // whose WAL holds frames is checkpointed at close as before (`Drop`), so once a
                // command ends, leads.db alone holds every commit.
                conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
                conn
            };
            conn.pragma_update(None, "foreign_keys", "ON")?;
            // Sorting 10,000 pending leads by time left must not spill to temp files (it did,
            // at 1,500 syscalls a `leads list`): sort in memory, with room to do it.
            conn.pragma_update(None, "temp_store", "MEMORY")?;
            conn.pragma_update(None, "cache_size", -32_000)?;
            // Pages read straight from the file's mapping instead of one pread and copy each:
            // `leads list` over 10,000 pending leads made 389 of them. SQLite writes with
            // write() all the same, so a crash mid-write is what it was.
            conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
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
        if self.read_only {
            return Err(StoreError::Outdated {
                path: self.path.clone(),
                found: version,
                needed: MIGRATIONS.len(),
            });
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
        // A step may rewrite the schema's own text (schema 11), which SQLite does not count as a
        // change of schema; counted, it makes every other open connection read the schema again.
        let cookie: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
        tx.pragma_update(None, "schema_version", cookie + 1)?;
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

/// Whether SQLite found the file damaged: not a database at all, or malformed inside.
pub fn is_damage(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, DatabaseCorrupt | NotADatabase))
}

/// How much of the store reads map instead of copying (see [`Store::open`]).
const MMAP_SIZE: i64 = 1 << 30;

/// An import into an empty store first takes the store out of WAL mode, and SQLite writes that
/// change under a rollback journal whose header stays zero until the journal is synced, before
/// the store file is touched. Killed before then, the store is still in WAL mode beside a
/// journal SQLite rightly ignores (nothing to roll back) and never deletes. While this
/// connection holds the store in WAL mode no other can leave it, so no rollback journal is in
/// use and one on disk is that one.
fn remove_stale_journal(path: &Path) {
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    match std::fs::remove_file(&journal) {
        Ok(()) => log::info!("store: removed an unused journal left by a killed import"),
        // Left, it is harmless: the next import into an empty store writes over it.
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            log::warn!("store: could not remove an unused journal: {e}")
        }
        Err(_) => {}
    }
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
    match (read, url::Url::from_file_path(path)) {
        (Ok(()), _) => Ok(conn),
        (Err(e), Ok(url)) if !is_damage(&e) && !wal_holds_frames(path) => {
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

/// What a row of a list shows and the filter and fit judge by: the first columns of
/// [`LEAD_COLUMNS`], so [`lead_from_row`] reads either. A pending lead's `listing` (schema 12)
/// holds the same values in this order, in one text the index leads_pending_listing keeps, so a
/// list of pending leads reads one value an entry and no table row ([`ListingRecords`]).
macro_rules! listing_columns {
    () => {
        "l.id, l.kind, l.status, l.service, l.category, l.created_at, l.expires_at, l.fee_amount,
    l.fee_currency, l.budget_min, l.budget_max, l.budget_currency, l.city, l.district, l.postcode,
    l.schedule"
    };
}
const LISTING_COLUMNS: &str = listing_columns!();
const LEAD_COLUMNS: &str = concat!(
    listing_columns!(),
    ", l.customer_name, l.customer_phone, l.customer_email, l.answers, l.message, d.action,
    d.decided_at, d.reason, d.note"
);
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
    currency_ref(&code)
}

/// [`currency`] of text SQLite still holds: a list reads two a lead.
fn currency_ref(code: &str) -> rusqlite::Result<Currency> {
    code.parse()
        .map_err(|_| corrupt(format!("currency {code:?}")))
}

fn lead_from_row(r: &Row) -> rusqlite::Result<Lead> {
    whole_lead(r).map_err(|e| match r.get_ref(0) {
        Ok(rusqlite::types::ValueRef::Text(id)) => naming_lead(id, e),
        _ => e,
    })
}

/// `e`, raised reading a value of the lead `id`, as the store error it is, naming the lead and,
/// when it is known, the column: a store edited by hand is mended lead by lead, and "invalid
/// utf-8 sequence of 1 bytes from index 5" alone says where in none of them.
fn naming_lead(id: &[u8], e: rusqlite::Error) -> rusqlite::Error {
    let what = match &e {
        rusqlite::Error::FromSqlConversionFailure(i, _, inner) => {
            match inner.downcast_ref::<StoreError>() {
                Some(StoreError::Corrupt(what)) => what.clone(),
                _ => match column_name(*i) {
                    Some(name) => format!("{name}: {inner}"),
                    None => inner.to_string(),
                },
            }
        }
        rusqlite::Error::InvalidColumnType(_, name, found) => format!("{name} of type {found}"),
        _ => return e,
    };
    corrupt(format!("lead {:?}, {what}", String::from_utf8_lossy(id)))
}

fn whole_lead(r: &Row) -> rusqlite::Result<Lead> {
    let mut lead = listing_from_row(r)?;
    lead.customer = Customer {
        display_name: r.get(16)?,
        phone: r.get(17)?,
        email: r.get(18)?,
    };
    let answers = r.get_ref(19)?.as_str().map_err(|e| in_column(19, e))?;
    lead.answers = serde_json::from_str(answers)
        .map_err(|_| corrupt("answers that do not read as JSON".into()))?;
    lead.message = r.get(20)?;
    lead.decision = match r.get::<_, Option<String>>(21)? {
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
    Ok(lead)
}

/// A lead of [`LISTING_COLUMNS`]: without its customer, answers, message and decision.
fn listing_from_row(r: &impl Columns) -> rusqlite::Result<Lead> {
    // Every field is written by `listing_into`: these values are never seen (the fee's
    // currency is the lead's own only because a fee needs one).
    let mut lead = Lead {
        id: String::new(),
        kind: Kind::NewLead,
        status: Status::Pending,
        service: String::new(),
        category: String::new(),
        created_at: DateTime::UNIX_EPOCH,
        expires_at: None,
        fee: Money::new(0, currency_ref(r.text(8)?)?),
        budget: None,
        location: None,
        schedule: None,
        customer: Customer::default(),
        answers: Vec::new(),
        message: None,
        decision: None,
        messages: Vec::new(),
        outcome: None,
    };
    listing_into(r, &mut lead)?;
    Ok(lead)
}

/// Writes a row of [`LISTING_COLUMNS`] over `lead`, whose strings keep their memory for the
/// row's ([`DecodedLeads`]); what a listing leaves out is emptied.
fn listing_into(r: &impl Columns, lead: &mut Lead) -> rusqlite::Result<()> {
    fn set(to: &mut String, from: &str) {
        to.clear();
        to.push_str(from);
    }
    fn set_or_null(to: &mut Option<String>, from: Option<&str>) {
        match (to.as_mut(), from) {
            (Some(to), Some(from)) => set(to, from),
            (_, from) => *to = from.map(str::to_owned),
        }
    }
    lead.kind = match r.text(1)? {
        "promotion" => Kind::Promotion,
        _ => Kind::NewLead,
    };
    lead.status = match r.text(2)? {
        "accepted" => Status::Accepted,
        "rejected" => Status::Rejected,
        "expired" => Status::Expired,
        _ => Status::Pending,
    };
    lead.budget = match r.text_or_null(11)? {
        Some(code) => Some(Budget {
            min: r.int_or_null(9)?,
            max: r.int_or_null(10)?,
            currency: currency_ref(code)?,
        }),
        None => None,
    };
    let (city, district, postcode) = (
        r.text_or_null(12)?,
        r.text_or_null(13)?,
        r.text_or_null(14)?,
    );
    if city.is_none() && district.is_none() && postcode.is_none() {
        lead.location = None;
    } else {
        let location = lead.location.get_or_insert_with(Location::default);
        set_or_null(&mut location.city, city);
        set_or_null(&mut location.district, district);
        set_or_null(&mut location.postcode, postcode);
    }
    set(&mut lead.id, r.text(0)?);
    set(&mut lead.service, r.text(3)?);
    set(&mut lead.category, r.text(4)?);
    lead.created_at = from_millis(r.int(5)?)?;
    lead.expires_at = r.int_or_null(6)?.map(from_millis).transpose()?;
    lead.fee = Money::new(r.int(7)?, currency_ref(r.text(8)?)?);
    set_or_null(&mut lead.schedule, r.text_or_null(15)?);
    lead.customer = Customer::default();
    lead.answers.clear();
    lead.message = None;
    lead.decision = None;
    lead.messages.clear();
    lead.outcome = None;
    Ok(())
}

/// The columns of a row of [`LISTING_COLUMNS`], read from SQLite's row itself or from a lead's
/// listing record ([`ListingRecords`]).
trait Columns {
    fn text_or_null(&self, i: usize) -> rusqlite::Result<Option<&str>>;
    fn int_or_null(&self, i: usize) -> rusqlite::Result<Option<i64>>;

    fn text(&self, i: usize) -> rusqlite::Result<&str> {
        self.text_or_null(i)?
            .ok_or_else(|| wrong_type(i, rusqlite::types::Type::Null))
    }

    fn int(&self, i: usize) -> rusqlite::Result<i64> {
        self.int_or_null(i)?
            .ok_or_else(|| wrong_type(i, rusqlite::types::Type::Null))
    }
}

impl Columns for Row<'_> {
    fn text_or_null(&self, i: usize) -> rusqlite::Result<Option<&str>> {
        self.get_ref(i)?
            .as_str_or_null()
            .map_err(|e| in_column(i, e))
    }

    fn int_or_null(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get_ref(i)?
            .as_i64_or_null()
            .map_err(|e| in_column(i, e))
    }
}

/// A value of column `i` that is not what the column holds, said with its column (rusqlite's
/// own conversion of `e` knows none).
fn in_column(i: usize, e: rusqlite::types::FromSqlError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

/// Column `i` of [`LISTING_COLUMNS`] holds a value of the wrong type.
fn wrong_type(i: usize, found: rusqlite::types::Type) -> rusqlite::Error {
    let name = column_name(i).unwrap_or("?");
    rusqlite::Error::InvalidColumnType(i, name.to_owned(), found)
}

/// The name of column `i` of [`LEAD_COLUMNS`] (so of [`LISTING_COLUMNS`] too, its first ones),
/// without its table: `service`.
fn column_name(i: usize) -> Option<&'static str> {
    LEAD_COLUMNS.split(',').nth(i)?.trim().rsplit('.').next()
}

/// A list's rows, copied out undecoded: a batch of a listing ([`LeadSource::select_listing`]).
/// Each is a lead's `listing` (schema 12): the values of [`LISTING_COLUMNS`] in one text, each as
/// its length in bytes, `:` and its text, or `~` for NULL; read from the index for a pending lead
/// ([`Self::push`]), made from the table's columns for any other ([`Self::push_columns`]).
/// Copying them is all the thread reading them does; taking them apart, checking the text,
/// making the strings and judging each lead by the filter is [`ListingRecords::leads`], on the
/// thread the caller chooses.
pub struct ListingRecords {
    /// Every record, one after another.
    text: Vec<u8>,
    /// Where each record ends in `text`.
    ends: Vec<usize>,
}

/// The columns of [`LISTING_COLUMNS`], counted from the list itself so the two cannot disagree.
const LISTING_COLUMN_COUNT: usize = {
    let (list, mut i, mut commas) = (LISTING_COLUMNS.as_bytes(), 0, 0);
    while i < list.len() {
        commas += (list[i] == b',') as usize;
        i += 1;
    }
    commas + 1
};

impl ListingRecords {
    fn with_capacity(records: usize) -> ListingRecords {
        ListingRecords {
            // About 170 bytes a record.
            text: Vec::with_capacity(records * 192),
            ends: Vec::with_capacity(records),
        }
    }

    /// Copies the record in column 0 of `row`, its text checked later, once (in
    /// [`RecordValues::parse`]).
    fn push(&mut self, row: &Row) -> rusqlite::Result<()> {
        match row.get_ref(0)? {
            rusqlite::types::ValueRef::Text(record) => self.text.extend_from_slice(record),
            other => return Err(corrupt(format!("listing of type {}", other.data_type()))),
        }
        self.ends.push(self.text.len());
        Ok(())
    }

    /// Writes the record of a row of [`LISTING_COLUMNS`] as schema 12 would have: for a list of
    /// leads that are not pending, read from the table, which holds no records. Making it in
    /// SQLite (`SELECT l.listing`) costs the reading thread more than this copy.
    fn push_columns(&mut self, row: &Row) -> rusqlite::Result<()> {
        use rusqlite::types::ValueRef;
        for i in 0..LISTING_COLUMN_COUNT {
            match row.get_ref(i)? {
                ValueRef::Null => self.text.push(b'~'),
                ValueRef::Text(text) => self.push_value(text),
                ValueRef::Integer(n) => {
                    let mut digits = [0; 20];
                    let mut at = decimal(n.unsigned_abs(), &mut digits);
                    if n < 0 {
                        at -= 1;
                        digits[at] = b'-';
                    }
                    self.push_value(&digits[at..]);
                }
                other => return Err(wrong_type(i, other.data_type())),
            }
        }
        self.ends.push(self.text.len());
        Ok(())
    }

    /// A value of a record: its length in bytes, `:` and its text.
    fn push_value(&mut self, value: &[u8]) {
        let mut digits = [0; 20];
        let at = decimal(value.len() as u64, &mut digits);
        self.text.extend_from_slice(&digits[at..]);
        self.text.push(b':');
        self.text.extend_from_slice(value);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The leads of these records that `filter` matches, in the records' order, into `into`
    /// (written over what it held).
    pub fn decode_into(
        &self,
        filter: &LeadFilter,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
        into: &mut DecodedLeads,
    ) -> Result<(), StoreError> {
        into.len = 0;
        // Room for every record's lead at once, not by doubling: spare ones count.
        into.leads
            .reserve(self.len().saturating_sub(into.leads.len()));
        let mut start = 0;
        for &end in &self.ends {
            let record = &self.text[start..end];
            start = end;
            let values = RecordValues::parse(record).map_err(read_error)?;
            let at = into.len;
            match into.leads.get_mut(at) {
                Some(spare) => listing_into(&values, spare),
                None => listing_from_row(&values).map(|lead| into.leads.push(lead)),
            }
            .map_err(|e| read_error(naming_lead(values.0[0].unwrap_or("").as_bytes(), e)))?;
            if filter.matches(&into.leads[at], now, shelf_life) {
                into.len += 1;
            }
        }
        Ok(())
    }
}

/// A record of [`ListingRecords`] taken apart: the text of each value, `None` for NULL. The
/// table is STRICT, so each value's text is that of a value of its column's type.
struct RecordValues<'a>([Option<&'a str>; LISTING_COLUMN_COUNT]);

impl<'a> RecordValues<'a> {
    fn parse(record: &'a [u8]) -> rusqlite::Result<RecordValues<'a>> {
        // Which lead, when its id (the first value) can still be read, and the record's start.
        let malformed = || {
            let text = String::from_utf8_lossy(record);
            let shown: String = text.chars().take(60).collect();
            match length_prefix(&text).and_then(|(len, after)| after.get(..len)) {
                Some(id) => corrupt(format!("lead {id:?}, whose list record reads {shown:?}")),
                None => corrupt(format!("a list record reading {shown:?}")),
            }
        };
        // One check of the whole record: each value's length ends it on a character's boundary
        // or `get` below refuses it. simdutf8's, not std's: std checks text other than ASCII a
        // byte at a time, and a record's places are CJK (5.5% of the reading thread's
        // instructions; 13.9 → 12.8 ms for a list of 10,000, medians of 300 interleaved runs).
        let mut rest = simdutf8::basic::from_utf8(record).map_err(|_| malformed())?;
        let mut values = [None; LISTING_COLUMN_COUNT];
        for value in &mut values {
            if let Some(after) = rest.strip_prefix('~') {
                rest = after;
                continue;
            }
            let (len, after) = length_prefix(rest).ok_or_else(malformed)?;
            *value = Some(after.get(..len).ok_or_else(malformed)?);
            rest = &after[len..];
        }
        if !rest.is_empty() {
            return Err(malformed());
        }
        Ok(RecordValues(values))
    }
}

/// Writes `n` in decimal at the end of `digits` (a u64 is 20 digits at most, with room for a
/// sign before an i64's 19) and says where it starts. By hand: `write!` of a row's numbers cost
/// the reading thread more than reading the row.
fn decimal(mut n: u64, digits: &mut [u8; 20]) -> usize {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return at;
        }
    }
}

/// The length before a record value's `:`, and what follows the `:`. By hand: `str::parse` of
/// the sixteen lengths a record was a sixth of taking it apart.
fn length_prefix(rest: &str) -> Option<(usize, &str)> {
    let mut len = 0usize;
    for (i, digit) in rest.bytes().enumerate() {
        match digit {
            b'0'..=b'9' => {
                len = len
                    .checked_mul(10)?
                    .checked_add(usize::from(digit - b'0'))?
            }
            b':' if i > 0 => return Some((len, &rest[i + 1..])),
            _ => return None,
        }
    }
    None
}

impl Columns for RecordValues<'_> {
    fn text_or_null(&self, i: usize) -> rusqlite::Result<Option<&str>> {
        Ok(self.0[i])
    }

    fn int_or_null(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.0[i]
            .map(|text| {
                text.parse()
                    .map_err(|_| wrong_type(i, rusqlite::types::Type::Text))
            })
            .transpose()
    }
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
    let hours = |sql: &str| -> Vec<Vec<Option<i64>>> {
        let mut stmt = store.conn.prepare(sql).unwrap();
        stmt.query_map([], |r| (0..5).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        hours(
            "SELECT slot, owed, pro_slot, n, oldest_owed FROM open_conversation_slots
             WHERE n != 0 ORDER BY 1, 2, 3"
        ),
        hours(
            "SELECT last_activity / 600000, owed,
                    CASE WHEN owed THEN -1 ELSE pro_last / 600000 END, count(*),
                    min(CASE WHEN owed THEN customer_since END)
             FROM open_conversations GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ),
        "{what}: the open conversations' counts by slot"
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

    /// What an import into an empty store killed while it took the store out of WAL mode
    /// leaves: the store still in WAL mode, and a journal whose header is still zero.
    #[test]
    fn a_journal_with_nothing_to_roll_back_is_removed_at_open() {
        let (dir, store) = store();
        store
            .import(&[sample()], at("2026-11-23T09:00:00Z"))
            .unwrap();
        drop(store);
        let journal = dir.path().join("leads.db-journal");
        let mut unsynced = vec![0u8; 28];
        unsynced.extend_from_slice(&[0x5a; 4096]);
        std::fs::write(&journal, unsynced).unwrap();

        let store = Store::open(dir.path()).unwrap();
        assert!(!journal.exists(), "the journal was left");
        assert_eq!(store.get("ld_1").unwrap(), Some(sample()));
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
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

    /// Schema 11 rewrote the CHECKs that listed three values or more with IN, which SQLite
    /// checked by building a table of the list for every row written: a store from before it
    /// comes out with the very schema of a new one, with no such list left, and still refuses
    /// what the old CHECKs refused (and allows what they allowed, NULL included).
    #[test]
    fn the_checks_refuse_the_same_rows_without_building_a_table_per_row() {
        let schema = |store: &Store| -> Vec<(String, String)> {
            let mut stmt = store
                .conn
                .prepare("SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let old = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(old.path().join(FILE_NAME)).unwrap();
            for step in &MIGRATIONS[..10] {
                conn.execute_batch(step).unwrap();
            }
            conn.pragma_update(None, "user_version", 10).unwrap();
        }
        let old = Store::open(old.path()).unwrap();
        let new_dir = tempfile::tempdir().unwrap();
        let new = Store::open(new_dir.path()).unwrap();
        assert_eq!(schema(&old), schema(&new));
        for (name, sql) in schema(&new) {
            // An IN list of three constants or more: two commas before its closing parenthesis.
            for (at, _) in sql.match_indices(" IN (") {
                let list = &sql[at..at + sql[at..].find(')').unwrap()];
                assert!(list.matches(',').count() < 2, "{name}: {list}");
            }
        }
        let conn = &new.conn;
        let lead = |id: &str, status: &str| {
            conn.execute(
                "INSERT INTO leads (id, kind, status, service, category, created_at, fee_amount,
                    fee_currency, customer_name, updated_at)
                 VALUES (?1, 'new_lead', ?2, 'Cleaning', 'cleaning', 1000, 0, 'TWD', 'Lin', 1)",
                [id, status],
            )
        };
        for (i, status) in ["pending", "accepted", "rejected", "expired"]
            .iter()
            .enumerate()
        {
            lead(&format!("ok-{i}"), status).unwrap();
        }
        assert!(lead("bad", "lapsed").is_err());
        assert!(lead("bad", "Pending").is_err());
        let decision = |id: &str, reason: Option<&str>| {
            conn.execute(
                "INSERT INTO decisions (lead_id, action, decided_at, reason, origin, arrived_at,
                    counts_in_rate)
                 VALUES (?1, 'reject', 2000, ?2, 'local', 1000, 1)",
                rusqlite::params![id, reason],
            )
        };
        assert!(decision("ok-2", Some("too_busy")).is_ok());
        assert!(decision("ok-0", Some("too_expensive")).is_err());
        // The reason's own CHECK lets NULL through, as IN did: an accept has none.
        conn.execute(
            "INSERT INTO decisions (lead_id, action, decided_at, reason, charge_amount,
                charge_currency, origin, arrived_at, counts_in_rate)
             VALUES ('ok-1', 'accept', 2000, NULL, 0, 'TWD', 'local', 1000, 1)",
            [],
        )
        .unwrap();
        let message = |channel: &str| {
            conn.execute(
                "INSERT INTO messages (lead_id, id, at, sender, channel, origin)
                 VALUES ('ok-1', ?1, 1, 'pro', ?1, 'here')",
                [channel],
            )
        };
        for channel in ["platform", "phone", "email", "sms", "visit", "other"] {
            message(channel).unwrap();
        }
        assert!(message("fax").is_err());
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
        // Schema 9's counts of the open ones too.
        assert_derived_exact(&store, "after the migrations");
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

    /// A list reads less of each lead: the same leads in the same order as `select`, with
    /// only the customer, answers, message and decision left out, whatever the filter.
    #[test]
    fn a_listing_is_the_selection_without_what_a_row_does_not_show() {
        let (dir, store) = store();
        let now = at("2026-11-23T09:00:00Z");
        let leads: Vec<Lead> = (0..40)
            .map(|i| {
                let mut l = sample();
                l.id = format!("ld_{i:02}");
                l.created_at = now - TimeDelta::minutes(97 * (i % 13) + i);
                l.category = ["cleaning", "moving"][i as usize % 2].into();
                if i % 4 == 0 {
                    l.expires_at = Some(l.created_at + TimeDelta::hours(3));
                }
                if i % 5 == 1 {
                    l.budget = None;
                    l.location = None;
                }
                // Text that looks like the listing record's own lengths and NULLs (schema 12),
                // and values of every width: empty, CJK, emoji.
                if i % 3 == 2 {
                    l.service = "3:~x 12:~ 清潔 🧹".into();
                    l.schedule = Some("~".into());
                    l.location = Some(Location {
                        city: Some("台北市".into()),
                        district: None,
                        postcode: Some(String::new()),
                    });
                }
                if i % 6 == 4 {
                    l.kind = Kind::Promotion;
                    l.schedule = None;
                    l.fee = Money::new(0, l.fee.currency);
                    if let Some(budget) = &mut l.budget {
                        budget.min = None;
                    }
                }
                if i % 7 == 3 {
                    l.status = Status::Accepted;
                    l.customer.phone = Some("0912-345-678".into());
                    l.decision = Some(Decision {
                        action: Action::Accept,
                        decided_at: l.created_at + TimeDelta::minutes(5),
                        reason: None,
                        note: None,
                    });
                }
                l
            })
            .collect();
        store.import(&leads, now).unwrap();
        let shelf = TimeDelta::hours(48);
        let filters = [
            LeadFilter::default(),
            LeadFilter {
                categories: vec!["moving".into()],
                limit: Some(5),
                ..LeadFilter::default()
            },
            LeadFilter {
                status: StatusFilter::All,
                ..LeadFilter::default()
            },
            LeadFilter {
                status: StatusFilter::Expired,
                ..LeadFilter::default()
            },
        ];
        let check = |store: &Store| {
            // Decoded into the memory of every batch before, of every filter before: other
            // leads, with and without a place, a budget, a schedule.
            let mut reused = DecodedLeads::default();
            for filter in &filters {
                let whole = store.select(filter, now, shelf).unwrap();
                let (mut listed, mut listed_reusing) = (Vec::new(), Vec::new());
                store
                    .select_listing(filter, now, shelf, &mut |batch| {
                        listed.extend(batch.leads(filter, now, shelf).unwrap())
                    })
                    .unwrap();
                store
                    .select_listing(filter, now, shelf, &mut |batch| {
                        let into = std::mem::take(&mut reused);
                        reused = batch.decode(filter, now, shelf, into).unwrap();
                        listed_reusing.extend(reused.iter().cloned());
                    })
                    .unwrap();
                assert_eq!(listed_reusing, listed, "{filter:?}");
                let listed = filter.order(listed, now, shelf);
                assert!(!whole.is_empty(), "{filter:?}");
                let without = |mut l: Lead| {
                    l.customer = Customer::default();
                    l.answers.clear();
                    l.message = None;
                    l.decision = None;
                    l
                };
                assert_eq!(
                    listed,
                    whole.into_iter().map(without).collect::<Vec<_>>(),
                    "{filter:?}"
                );
            }
        };
        check(&store);
        // A record made from a row's columns is the one schema 12 makes, for every lead.
        let records =
            |select: &str, push: fn(&mut ListingRecords, &Row) -> rusqlite::Result<()>| {
                let sql = format!("SELECT {select} FROM leads l ORDER BY l.id");
                let mut stmt = store.conn.prepare(&sql).unwrap();
                let mut rows = stmt.query([]).unwrap();
                let mut records = ListingRecords::with_capacity(leads.len());
                while let Some(row) = rows.next().unwrap() {
                    push(&mut records, row).unwrap();
                }
                assert_eq!(records.len(), leads.len());
                String::from_utf8(records.text).unwrap()
            };
        assert_eq!(
            records(LISTING_COLUMNS, ListingRecords::push_columns),
            records("l.listing", ListingRecords::push)
        );
        // The same leads in a store of schema 11 (schemas 14, 13 and 12 undone, schema 10's index
        // put back), whose records schema 12 builds.
        store
            .conn
            .execute_batch(
                "DROP INDEX leads_by_status_created;
                 CREATE INDEX leads_by_status ON leads (status, kind, created_at, expires_at);
                 CREATE INDEX leads_by_arrival ON leads (kind, created_at);
                 CREATE INDEX leads_by_status_created ON leads (status, created_at, id);
                 DROP INDEX leads_pending_listing;
                 ALTER TABLE leads DROP COLUMN listing;
                 PRAGMA user_version = 11;",
            )
            .unwrap();
        store.conn.execute_batch(MIGRATIONS[9]).unwrap();
        drop(store);
        check(&Store::open(dir.path()).unwrap());
    }

    /// The pending queue is read from its index (schema 10, its records since schema 12, in the
    /// list's order since schema 14), not row by row and not sorted by SQLite: no table row is
    /// read (the query's only table column is `listing`, which the table does not store).
    #[test]
    fn the_pending_listing_reads_only_its_index() {
        let (_dir, store) = store();
        for scope in [
            Scope::All,
            Scope::Prefixes(vec!["pro360/".into(), "homey/".into()]),
        ] {
            let sql = format!(
                "EXPLAIN QUERY PLAN {}",
                reads::pending_listing_sql(&scope.sql("l.id"))
            );
            let plan: Vec<String> = store
                .conn
                .prepare(&sql)
                .unwrap()
                .query_map([], |r| r.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            // One step, through the index in its order: no sort of the leads in SQLite.
            assert_eq!(plan.len(), 1, "{plan:?}");
            assert!(
                plan[0].contains("USING INDEX leads_pending_listing"),
                "{plan:?}"
            );
        }
    }

    /// A page of leads is read in its order from an index, never sorted: a sort costs what the
    /// whole store holds, for every page.
    #[test]
    fn a_page_of_leads_is_read_in_order_whatever_the_status() {
        use crate::domain::filter::StatusFilter;
        let (_dir, store) = store();
        for status in [
            StatusFilter::Pending,
            StatusFilter::Accepted,
            StatusFilter::Rejected,
            StatusFilter::Expired,
            StatusFilter::All,
        ] {
            let sql = format!("EXPLAIN QUERY PLAN {}", decisions::page_sql(status));
            let plan: Vec<String> = store
                .conn
                .prepare(&sql)
                .unwrap()
                .query_map([i64::MIN.to_string(), String::new()], |r| r.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let index = match status.stored().len() {
                1 => "leads_by_status_created",
                _ => "leads_by_created",
            };
            assert!(
                plan[0].contains(&format!("INDEX {index}"))
                    && !plan.iter().any(|p| p.contains("TEMP B-TREE")),
                "{status:?}: {plan:?}"
            );
        }
    }

    /// Numbers as SQLite writes them in a record, at the widest an i64 and a length can be.
    #[test]
    fn a_number_is_written_in_decimal_at_any_width() {
        for n in [0, 7, 10, 99, 1_795_247_700_000, u64::MAX] {
            let mut digits = [0; 20];
            let at = decimal(n, &mut digits);
            assert_eq!(&digits[at..], n.to_string().as_bytes());
        }
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (n INTEGER) STRICT;
             INSERT INTO t VALUES (0), (-1), (9223372036854775807), (-9223372036854775808);",
        )
        .unwrap();
        // A row of the number in every column, then the value as SQLite writes it in a record.
        let sql = format!(
            "SELECT {}, length(CAST(n AS BLOB)) || ':' || n FROM t",
            ["n"; LISTING_COLUMN_COUNT].join(", ")
        );
        let mut stmt = conn.prepare(&sql).unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let mut records = ListingRecords::with_capacity(1);
            records.push_columns(row).unwrap();
            let value: String = row.get(LISTING_COLUMN_COUNT).unwrap();
            assert_eq!(
                String::from_utf8(records.text).unwrap(),
                value.repeat(LISTING_COLUMN_COUNT)
            );
        }
    }

    /// A record that is not what schema 12 makes is refused, whatever is wrong with it: never
    /// read past, never cut inside a character.
    #[test]
    fn a_malformed_listing_record_is_an_error_not_a_panic() {
        let good = "7:dm-00018:new_lead7:pending8:Cleaning8:cleaning13:1795247700000~5:250003:TWD\
                    ~~~9:台北市~~~";
        assert!(RecordValues::parse(good.as_bytes()).is_ok());
        let bad: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"7:dm-0001".to_vec(),
            good.as_bytes()[..good.len() - 1].to_vec(),
            format!("{good}~").into(),
            good.replacen("7:", "9:", 1).into(),
            good.replacen("7:", "99999999999999999999999:", 1).into(),
            good.replacen("7:", ":", 1).into(),
            // A length that ends inside 北.
            good.replace("9:台北市", "4:台北市").into(),
            vec![b'3', b':', 0xff, 0xfe, 0xfd],
        ];
        for record in &bad {
            let err = RecordValues::parse(record)
                .and_then(|values| listing_from_row(&values))
                .map(|_| ())
                .unwrap_err();
            assert!(
                matches!(read_error(err), StoreError::Corrupt(_)),
                "{}",
                String::from_utf8_lossy(record)
            );
        }
        // The error names the lead when its id can still be read: a store edited by hand.
        let cut = RecordValues::parse(&good.as_bytes()[..good.len() - 1])
            .err()
            .unwrap();
        assert!(read_error(cut).to_string().contains(r#"lead "dm-0001""#));
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
        // A store whose tables are newer than its version says: the next step stumbles on the
        // index schema 10 makes (schema 11 rewrites text, and finding it rewritten is no error).
        let step = 10;
        store
            .conn
            .pragma_update(None, "user_version", step - 1)
            .unwrap();
        drop(store);
        let err = Store::open(dir.path()).err().unwrap().to_string();
        assert!(
            err.contains(&format!("from schema {} to {step}", step - 1))
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
        // 1,511: a day's window starts on lead 1 exactly (01:11, early in its hour).
        for minutes in [1_511, 1_800, 2_881, 3_600, 4_217, 5_400, 7_201] {
            let now = created + TimeDelta::minutes(minutes);
            // Windows of every size, starting on and off the hour, early and late in it.
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
