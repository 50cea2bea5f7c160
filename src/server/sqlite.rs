//! The server's store in the data dir's SQLite file.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

use super::backend::{Backend, Fault, Keyed, ReadFn, Reads, WriteFn, Writes};
use crate::domain::conversation::{JobOutcome, Message};
use crate::domain::filter::StatusFilter;
use crate::domain::lead::Lead;
use crate::domain::rate::Tally;
use crate::store::{Decided, DecisionRequest, LeadSource, Origin, Store, StoreError, Write};

/// Store connections for the blocking threads: readers take one for a request and return it;
/// decisions queue for the one writer. SQLite allows a single writer anyway, and waiting on its
/// lock means sleeping in its busy handler with backoff: under 16 concurrent decisions that made
/// the 99th percentile 1.1 s. Queueing on a mutex instead hands the lock over at once.
pub(crate) struct SqliteBackend {
    dir: PathBuf,
    idle: Mutex<Vec<Store>>,
    writer: Mutex<Option<Store>>,
}

impl SqliteBackend {
    pub(crate) fn new(dir: PathBuf) -> SqliteBackend {
        SqliteBackend {
            dir,
            idle: Mutex::new(Vec::new()),
            writer: Mutex::new(None),
        }
    }

    fn take(&self) -> Result<Store, StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match idle {
            Some(store) => Ok(store),
            None => Store::open(&self.dir),
        }
    }

    fn give(&self, store: Store) {
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(store);
    }

    /// Runs `f` with the writer connection, one write at a time.
    fn with_writer<T>(&self, f: impl FnOnce(&Store) -> Result<T, Fault>) -> Result<T, Fault> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if writer.is_none() {
            *writer = Some(Store::open(&self.dir)?);
        }
        f(writer.as_ref().expect("opened above"))
    }
}

impl Reads for Store {
    fn get(&self, id: &str) -> Result<Option<Lead>, Fault> {
        Ok(LeadSource::get(self, id)?)
    }

    fn page(
        &self,
        status: StatusFilter,
        after: Option<(DateTime<Utc>, String)>,
        limit: usize,
        matches: &mut (dyn FnMut(&Lead) -> bool + Send),
    ) -> Result<Vec<Lead>, Fault> {
        Ok(Store::page(self, status, after, limit, matches)?)
    }

    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, Fault> {
        Ok(LeadSource::tally(self, since, now, shelf_life)?)
    }
}

// The writer holds SQLite's write lock for the whole transaction, so what it reads stays as read
// until it commits: no other lock is needed.
impl Reads for Write<'_> {
    fn get(&self, id: &str) -> Result<Option<Lead>, Fault> {
        Reads::get(&**self, id)
    }

    fn page(
        &self,
        status: StatusFilter,
        after: Option<(DateTime<Utc>, String)>,
        limit: usize,
        matches: &mut (dyn FnMut(&Lead) -> bool + Send),
    ) -> Result<Vec<Lead>, Fault> {
        Reads::page(&**self, status, after, limit, matches)
    }

    fn tally(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Tally, Fault> {
        Reads::tally(&**self, since, now, shelf_life)
    }
}

impl Writes for Write<'_> {
    fn decide(
        &self,
        req: &DecisionRequest,
        now: DateTime<Utc>,
        shelf_life: TimeDelta,
    ) -> Result<Decided, Fault> {
        Ok(Write::decide(self, req, now, shelf_life)?)
    }

    fn add_contact(&self, lead_id: &str, message: &Message, origin: Origin) -> Result<(), Fault> {
        Write::add_contact(self, lead_id, message, origin)?;
        Ok(())
    }

    fn set_outcome(
        &self,
        lead_id: &str,
        outcome: &JobOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), Fault> {
        Write::set_outcome(self, lead_id, outcome, now)?;
        Ok(())
    }
}

impl Backend for SqliteBackend {
    fn read(&self, f: &mut ReadFn) -> Result<(), Fault> {
        let store = self.take()?;
        let out = f(&store);
        self.give(store);
        out
    }

    fn keyed(
        &self,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        write: &mut WriteFn,
    ) -> Result<Keyed, Fault> {
        self.with_writer(|store| {
            // `Store::keyed` rolls back on any error of its own type; a fault of the work is
            // kept aside, reported to it as a refusal so that it rolls back too, and returned.
            let mut fault = None;
            let keyed = store.keyed(key, fingerprint, now, |w| {
                write(w).map_err(|f| {
                    fault = Some(f);
                    StoreError::Refused("the write failed".into())
                })
            });
            if let Some(fault) = fault {
                return Err(fault);
            }
            Ok(match keyed? {
                crate::store::Keyed::First { status, body } => Keyed::First { status, body },
                crate::store::Keyed::Replay { status, body } => Keyed::Replay { status, body },
                crate::store::Keyed::Reused => Keyed::Reused,
            })
        })
    }

    fn receive_webhooks(
        &self,
        account: &str,
        events: &[(String, String)],
        now: DateTime<Utc>,
    ) -> Result<(u64, u64), Fault> {
        self.with_writer(|store| Ok(store.receive_webhooks(account, events, now)?))
    }

    fn ready(&self) -> Result<(), Fault> {
        // One indexed read: the file opens and answers.
        let store = self.take()?;
        let ok = LeadSource::get(&store, "");
        self.give(store);
        ok.map(|_| ()).map_err(Fault::from)
    }
}
